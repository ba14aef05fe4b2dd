// NEGATIVE CONTROL (ctest label `negative-control`; not part of the default run).
//
// The reservation race of race_tests.cpp, done the naive way: read `available` in one
// transaction, then write `reserved = <value read> + 1` and a reservation row in another, with
// SQLiteCpp directly on the store's file. Same 2 processes x 8 threads, 10,000 attempts, 100
// units. The test PASSES when the naive code oversells (more than 100 reservation rows), which
// shows the race harness is able to catch what the library's conditional update prevents.
//
// Run it with:
//   ctest --test-dir build-ci/release -L negative-control --output-on-failure
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <utility>
#include <thread>

#include "sqlite_target.h"
#include "storage/transaction.h"

namespace commerce::testing {
namespace {

class SqliteNegativeControl : public StorageConcurrency {
 protected:
  std::string path() const { return location_.substr(std::string("sqlite:").size()); }
};

TEST_P(SqliteNegativeControl, NaiveReadThenWriteReservationOversells) {
  constexpr std::int64_t kUnits = 100;
  constexpr std::int64_t kAttempts = 10'000;
  open_store()->catalog().create(
      {.id = "flash", .name = "Flash sale item", .price = 5000, .initial_stock = kUnits});
  const std::string file = path();

  const auto result = race(
      kAttempts,
      [file](Store&, std::int64_t i) {
        // One connection per worker thread, opened in the worker process.
        thread_local std::unique_ptr<SQLite::Database> db;
        if (!db) {
          db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE);
          db->setBusyTimeout(60'000);
        }
        std::int64_t reserved = 0;
        std::int64_t available = 0;
        {  // transaction 1: read
          SQLite::Transaction read(*db);
          SQLite::Statement q(
              *db, "SELECT reserved, on_hand - reserved FROM stock WHERE product_id = 'flash' AND "
              "location_id = 'default'");
          if (!q.executeStep()) throw std::runtime_error("no stock row");
          reserved = q.getColumn(0).getInt64();
          available = q.getColumn(1).getInt64();
          read.commit();
        }
        if (available < 1) return Outcome::kRefused;
        std::this_thread::yield();  // the gap every read-then-write has
        {                           // transaction 2: write what was read, plus one
          SQLite::Transaction write(*db, SQLite::TransactionBehavior::IMMEDIATE);
          SQLite::Statement upd(*db,
                                "UPDATE stock SET reserved = ? WHERE product_id = 'flash' AND "
                                "location_id = 'default'");
          upd.bind(1, static_cast<int64_t>(reserved + 1));
          upd.exec();
          SQLite::Statement ins(
              *db,
              "INSERT INTO reservations(order_id, product_id, location_id, qty, expires_at, state) "
              "VALUES(?, 'flash', 'default', 1, 4102444800000, 'live')");
          ins.bind(1, "naive-" + std::to_string(i));
          ins.exec();
          write.commit();
        }
        return Outcome::kSucceeded;
      },
      [](Store&) {});

  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();

  SQLite::Database db(file, SQLite::OPEN_READONLY);
  const std::int64_t rows =
      db.execAndGet("SELECT count(*) FROM reservations WHERE state = 'live'").getInt64();
  const std::int64_t counter =
      db.execAndGet("SELECT reserved FROM stock WHERE product_id = 'flash'").getInt64();
  std::printf(
      "negative control: %lld of %lld naive reservations succeeded for %lld units: oversold by "
      "%lld; the reserved counter says %lld (lost updates: %lld)\n",
      static_cast<long long>(result.succeeded), static_cast<long long>(kAttempts),
      static_cast<long long>(kUnits), static_cast<long long>(result.succeeded - kUnits),
      static_cast<long long>(counter), static_cast<long long>(rows - counter));
  RecordProperty("oversold_by", std::to_string(result.succeeded - kUnits));
  EXPECT_EQ(rows, result.succeeded);
  EXPECT_GT(result.succeeded, kUnits) << "the naive read-then-write did not oversell this time";
  EXPECT_NE(counter, rows) << "the naive reserved counter should have lost updates";
}

// The allocation race of location_race_tests.cpp done the naive way: one product over three
// locations (40/30/30); read the rows in one transaction, pick the first location (by priority)
// that has a unit, then write `reserved = <value read> + 1` there in another. It oversells
// (more reservation rows than the 100 units), which the library's conditional update at the
// planned location (re-planned when refused) prevents.
TEST_P(SqliteNegativeControl, NaiveReadThenWriteAllocationOversells) {
  constexpr std::int64_t kUnits = 100;
  constexpr std::int64_t kAttempts = 10'000;
  {
    auto store = open_store();
    store->catalog().create({.id = "spread", .name = "Spread item", .price = 5000});
    const std::pair<const char*, std::int64_t> stocked[] = {{"a", 40}, {"b", 30}, {"c", 30}};
    std::int64_t priority = 1;
    for (const auto& [location, units] : stocked) {
      store->locations().create({.id = location, .name = location, .priority = priority++});
      store->stock().adjust("spread", units, "seed", {}, location);
    }
  }
  const std::string file = path();

  const auto result = race(
      kAttempts,
      [file](Store&, std::int64_t i) {
        thread_local std::unique_ptr<SQLite::Database> db;
        if (!db) {
          db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE);
          db->setBusyTimeout(60'000);
        }
        std::string location;
        std::int64_t reserved = 0;
        {  // transaction 1: read every location, plan the first that has a unit
          SQLite::Transaction read(*db);
          SQLite::Statement q(*db,
                              "SELECT s.location_id, s.reserved, s.on_hand - s.reserved FROM "
                              "stock s JOIN stock_locations l ON l.id = s.location_id "
                              "WHERE s.product_id = 'spread' AND l.active = 1 "
                              "ORDER BY l.priority, s.location_id");
          while (q.executeStep()) {
            if (q.getColumn(2).getInt64() >= 1) {
              location = q.getColumn(0).getString();
              reserved = q.getColumn(1).getInt64();
              break;
            }
          }
          read.commit();
        }
        if (location.empty()) return Outcome::kRefused;
        std::this_thread::yield();
        {  // transaction 2: apply the plan with what was read
          SQLite::Transaction write(*db, SQLite::TransactionBehavior::IMMEDIATE);
          SQLite::Statement upd(
              *db, "UPDATE stock SET reserved = ? WHERE product_id = 'spread' AND location_id = ?");
          upd.bind(1, static_cast<int64_t>(reserved + 1));
          upd.bind(2, location);
          upd.exec();
          SQLite::Statement ins(
              *db,
              "INSERT INTO reservations(order_id, product_id, location_id, qty, expires_at, state) "
              "VALUES(?, 'spread', ?, 1, 4102444800000, 'live')");
          ins.bind(1, "naive-" + std::to_string(i));
          ins.bind(2, location);
          ins.exec();
          write.commit();
        }
        return Outcome::kSucceeded;
      },
      [](Store&) {});

  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  SQLite::Database db(file, SQLite::OPEN_READONLY);
  const std::int64_t rows =
      db.execAndGet("SELECT count(*) FROM reservations WHERE state = 'live'").getInt64();
  std::printf("negative control (allocation): %lld naive reservations for %lld units over 3 "
              "locations: oversold by %lld\n",
              static_cast<long long>(rows), static_cast<long long>(kUnits),
              static_cast<long long>(rows - kUnits));
  RecordProperty("oversold_by", std::to_string(rows - kUnits));
  EXPECT_EQ(rows, result.succeeded);
  EXPECT_GT(rows, kUnits) << "the naive allocation did not oversell this time";
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteNegativeControl,
                         ::testing::Values(sqlite_concurrency_target()), concurrency_target_name);

}  // namespace
}  // namespace commerce::testing
