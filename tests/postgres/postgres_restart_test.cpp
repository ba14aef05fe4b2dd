// The server stopped and started again under a running host: calls fail with Unavailable
// while it is down and work again afterwards on the same Store, without reopening it.
//
// Needs COMMERCE_PG_STOP_CMD and COMMERCE_PG_START_CMD (shell commands that stop and start the
// server, set by run_postgres_tests.sh); it runs alone (RUN_SERIAL) since it takes the server
// away from every other test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Starts the server again when the test ends early, so later tests find it up.
class ServerGuard {
 public:
  explicit ServerGuard(std::string start) : start_(std::move(start)) {}
  ~ServerGuard() {
    if (stopped_) start();
  }
  void stopped() { stopped_ = true; }
  bool start() {
    stopped_ = false;
    return std::system(start_.c_str()) == 0;
  }

 private:
  std::string start_;
  bool stopped_ = false;
};

TEST(PostgresRestart, CallsFailWithUnavailableWhileTheServerIsDownAndWorkAfterwards) {
  const std::string stop = env("COMMERCE_PG_STOP_CMD");
  const std::string start = env("COMMERCE_PG_START_CMD");
  if (stop.empty() || start.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "COMMERCE_PG_STOP_CMD / COMMERCE_PG_START_CMD are not set; run the PostgreSQL "
                "tests through tests/postgres/run_postgres_tests.sh";
    }
    GTEST_SKIP() << "COMMERCE_PG_STOP_CMD / COMMERCE_PG_START_CMD are not set";
  }
  const std::string url = pgtest::fresh_database_url();
  PostgresOptions options;
  options.retry_budget_ms = 1500;  // how long a call waits for the server before Unavailable
  auto store = Store::open(open_postgres_storage(url, options));
  store->catalog().create({.id = "sku-1", .name = "Mug", .initial_stock = 5});
  store->stock().reserve("order-before", {{"sku-1", 1}});

  ServerGuard guard(start);
  ASSERT_EQ(std::system(stop.c_str()), 0) << stop;
  guard.stopped();

  try {
    store->stock().level("sku-1");
    ADD_FAILURE() << "a read succeeded while the server was down";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
  }
  try {
    store->stock().reserve("order-during", {{"sku-1", 1}});
    ADD_FAILURE() << "a write succeeded while the server was down";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
  }

  ASSERT_TRUE(guard.start()) << start;
  // The same store, its pool now full of dead connections: the first call reconnects.
  EXPECT_EQ(store->stock().level("sku-1").reserved, 1);
  store->stock().reserve("order-after", {{"sku-1", 1}});
  const StockLevel level = store->stock().level("sku-1");
  EXPECT_EQ(level.reserved, 2);
  EXPECT_EQ(level.available, 3);
  EXPECT_TRUE(store->stock().reservations("order-during").empty());
  EXPECT_EQ(store->stock().reservations("order-after").size(), 1u);
}

}  // namespace
}  // namespace commerce
