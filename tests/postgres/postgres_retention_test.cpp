// Store::compact() on PostgreSQL (issue 15): the retention statements run as on SQLite.
#include <gtest/gtest.h>

#include <string>

#include "commerce/event_sink.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"
#include "commerce/payments.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

TEST(PostgresRetention, CompactRemovesWhatTheWindowsLetGoAndKeepsWhatIsNeeded) {
  const std::string server = pgtest::server_url();
  if (server.empty()) GTEST_SKIP() << "COMMERCE_PG_URL is not set: PostgreSQL tests skipped";
  auto clock = std::make_shared<ManualClock>(1'780'000'000'000);
  StoreOptions options;
  options.clock = clock;
  options.gateway = std::make_shared<FakeGateway>();
  options.retention.batch_size = 7;
  auto store = Store::open(open_postgres_storage(pgtest::fresh_database_url()), options);
  store->catalog().create({.id = "sku-1", .name = "Mug", .price = 1000, .initial_stock = 1000});
  store->points().charge("user-1", 1'000'000, "charge-1");
  std::string old_id;
  for (int i = 0; i < 30; ++i) {
    old_id = store->orders()
                 .place({.user_id = "user-1", .items = {{"sku-1", 1}}, .points_to_use = 10,
                         .request_id = "old-" + std::to_string(i)})
                 .id;
  }
  MemorySink sink;
  OutboxRelay(*store, sink).drain();
  clock->advance(8 * kDay);
  const auto recent = store->orders().place(
      {.user_id = "user-1", .items = {{"sku-1", 1}}, .request_id = "new-1"});

  const CompactionReport report = store->compact();
  EXPECT_GT(report.events, 100);
  EXPECT_GT(report.saga_log_lines, 100);
  EXPECT_EQ(report.requests, 31);
  EXPECT_GT(report.units, 10);
  const auto check = check_invariants(*store);
  EXPECT_TRUE(check.ok()) << check.violations.front().rule << ": "
                          << check.violations.front().detail;
  // The server-side sanity checks (invalid indexes, a read of every table) find nothing.
  EXPECT_TRUE(check_invariants(*store, true, 1000, FileCheck::kFull).ok());
  EXPECT_FALSE(store->orders().audit(old_id).empty());
  EXPECT_EQ(store->orders()
                .place({.user_id = "user-1", .items = {{"sku-1", 1}}, .request_id = "new-1"})
                .id,
            recent.id);
  // A second pass finds nothing more to remove.
  const CompactionReport again = store->compact();
  EXPECT_EQ(again.events + again.saga_log_lines + again.requests, 0);
}

}  // namespace
}  // namespace commerce
