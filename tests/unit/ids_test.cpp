#include "commerce/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

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

}  // namespace
}  // namespace commerce
