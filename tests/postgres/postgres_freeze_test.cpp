// A server frozen with SIGSTOP (every PostgreSQL process of the cluster: the kernel still
// accepts connections and acknowledges packets, so only a client-side bound ends the waits):
// calls placed while it is frozen end with Unavailable while it is still frozen, and after it
// resumes the same store works and every invariant holds.
//
// Needs COMMERCE_PG_DATA (the cluster's data directory, set by run_postgres_tests.sh); it runs
// alone (RUN_SERIAL) since it takes the server away from every other test.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/payments.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

// The postmaster and its children.
std::vector<pid_t> server_processes(const std::string& data_dir) {
  std::ifstream pid_file(data_dir + "/postmaster.pid");
  pid_t postmaster = 0;
  pid_file >> postmaster;
  std::vector<pid_t> pids;
  if (postmaster <= 0) return pids;
  pids.push_back(postmaster);
  DIR* proc = ::opendir("/proc");
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    pid_t ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) == 2 &&
        ppid == postmaster) {
      pids.push_back(pid);
    }
  }
  ::closedir(proc);
  return pids;
}

// Freezes the server; resumes it when told, or by itself after 90 s (then the test has failed:
// a call hung while the server was frozen; with the calls bounded by a 3 s budget they all
// return long before). Not a timing assertion: it only keeps a hang from lasting forever.
class Freezer {
 public:
  explicit Freezer(std::vector<pid_t> pids) : pids_(std::move(pids)) {
    for (pid_t pid : pids_) ::kill(pid, SIGSTOP);
    watchdog_ = std::thread([this] {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(90), [&] { return resumed_; })) {
        fired_ = true;
        for (pid_t pid : pids_) ::kill(pid, SIGCONT);
      }
    });
  }
  ~Freezer() { resume(); }
  // True if the watchdog had to resume the server (a call did not return while it was frozen).
  bool resume() {
    {
      std::lock_guard lock(mu_);
      if (!resumed_) {
        resumed_ = true;
        for (pid_t pid : pids_) ::kill(pid, SIGCONT);
      }
    }
    cv_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
    return fired_;
  }

 private:
  std::vector<pid_t> pids_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool resumed_ = false;
  std::atomic<bool> fired_{false};
  std::thread watchdog_;
};

TEST(PostgresFreeze, CallsEndUnavailableWhileTheServerIsFrozenAndInvariantsHoldAfter) {
  const char* data_dir = std::getenv("COMMERCE_PG_DATA");
  if (data_dir == nullptr || *data_dir == 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "COMMERCE_PG_DATA is not set; run tests/postgres/run_postgres_tests.sh";
    }
    GTEST_SKIP() << "COMMERCE_PG_DATA is not set";
  }
  const std::string url = pgtest::fresh_database_url();
  PostgresOptions options;
  options.retry_budget_ms = 3000;
  options.connect_timeout_s = 2;
  StoreOptions store_options;
  store_options.gateway = std::make_shared<FakeGateway>();
  auto store = Store::open(open_postgres_storage(url, options), store_options);
  store->catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 100});
  store->points().charge("user-1", 10'000, "charge-1");
  const auto before = store->orders().place({.user_id = "user-1", .items = {{"sku-1", 1}},
                                             .points_to_use = 100, .request_id = "order-0"});
  ASSERT_EQ(before.status, OrderStatus::kConfirmed);

  const auto pids = server_processes(data_dir);
  ASSERT_GE(pids.size(), 2u) << "found no server processes under " << data_dir;
  Freezer freezer(pids);
  int unavailable = 0;
  // Orders (the pool's connections are open: their statements wait for the frozen server),
  // then a read.
  for (int i = 1; i <= 3; ++i) {
    try {
      store->orders().place({.user_id = "user-1", .items = {{"sku-1", 1}}, .points_to_use = 100,
                             .request_id = "order-" + std::to_string(i)});
      ADD_FAILURE() << "an order was placed while the server was frozen";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
      ++unavailable;
    }
  }
  try {
    store->stock().level("sku-1");
    ADD_FAILURE() << "a read succeeded while the server was frozen";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
    ++unavailable;
  }
  EXPECT_FALSE(freezer.resume()) << "a call hung until the watchdog resumed the server";
  EXPECT_EQ(unavailable, 4);

  // The same store after the server resumes: whatever the frozen calls began is finished or
  // compensated by recover(), and every invariant holds.
  store->orders().recover();
  const auto report = check_invariants(*store);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << " "
                           << report.violations.front().subject << ": "
                           << report.violations.front().detail;
  const auto after = store->orders().place({.user_id = "user-1", .items = {{"sku-1", 1}},
                                            .request_id = "order-after"});
  EXPECT_EQ(after.status, OrderStatus::kConfirmed);
}

}  // namespace
}  // namespace commerce
