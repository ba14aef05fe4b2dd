#include "commerce/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

namespace commerce {
namespace {

TEST(Ids, AreUuidV7Shaped) {
  const std::string id = new_id(1'700'000'000'000);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[8], '-');
  EXPECT_EQ(id[14], '7');  // version
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');  // variant
  EXPECT_EQ(id.substr(0, 8), "018bcfe5");  // 1.7e12 ms in hex: 018bcfe56800
}

TEST(Ids, SortByTimeAndStrictlyIncreaseWithinOneMillisecond) {
  // The sequence is process-wide and never goes back, so use times after any other test's.
  const Timestamp base = 3'000'000'000'000;
  std::string previous = new_id(base);
  for (int i = 0; i < 10000; ++i) {
    const std::string next = new_id(base + i / 100);
    EXPECT_LT(previous, next);
    previous = next;
  }
  const std::string earlier = new_id(base + 5'000'000);
  EXPECT_LT(earlier, new_id(base + 6'000'000));
}

TEST(Ids, UniqueAcrossThreads) {
  std::vector<std::vector<std::string>> made(8);
  std::vector<std::thread> threads;
  for (auto& out : made) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 5000; ++i) out.push_back(new_id(42));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (auto& out : made) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 40000u);
}

// A forked child does not repeat its parent's ids: both continue the same sequence state, so
// without the child reseeding they would make the same id at the same time.
TEST(Ids, AForkedChildMakesOtherIdsThanItsParent) {
  const Timestamp at = 4'000'000'000'000;
  new_id(at);  // the sequence exists before the fork
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string id = new_id(at);
    const ssize_t written = write(pipe_fds[1], id.data(), id.size());
    _exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  const std::string parents = new_id(at);
  std::string childs(36, '\0');
  ASSERT_EQ(read(pipe_fds[0], childs.data(), childs.size()), 36);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  EXPECT_NE(childs, parents);
  EXPECT_NE(childs.substr(19), parents.substr(19)) << "the random part repeats: " << childs;
}

}  // namespace
}  // namespace commerce
