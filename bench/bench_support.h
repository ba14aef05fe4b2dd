// Shared pieces of the benchmarks: scratch databases, the seed every scenario starts from, the
// order shape, and the raw-driver baseline that does the same writes by hand.
//
// Every figure is orders per second of wall time over a fixed number of orders, measured with
// UseManualTime so that seeding never counts. Library and baseline run on identically seeded
// databases (both created by the library, so the schema is the same) in the same process run.
#pragma once

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "commerce/store.h"

namespace commerce::bench {

// The order every scenario places: 2 items (10,000 + 5,000), a fixed 1,000 coupon, and points.
// Paid in full by points: 14,000 points, total 0, no gateway. Through the gateway: 4,000
// points, 10,000 charged by the gateway.
inline constexpr Money kPriceA = 10'000;
inline constexpr Money kPriceB = 5'000;
inline constexpr Money kCouponValue = 1'000;
inline constexpr Money kSubtotal = kPriceA + kPriceB;
inline constexpr Money kPointsAll = kSubtotal - kCouponValue;
inline constexpr Money kPointsPart = 4'000;
inline const std::string kProductA = "bench-a";
inline const std::string kProductB = "bench-b";
inline const std::string kFlashProduct = "bench-flash";
inline const std::string kCouponCode = "BENCH1000";

enum class PayBy { kPoints, kGateway };

struct Seed {
  int users = 0;
  std::int64_t flash_units = 0;
  std::vector<std::string> issued;  // coupons issued through the API, if any
  // Coupon i belongs to user(i % users).
  std::string coupon(int i) const;
};

inline std::string user_id(int i) { return "user-" + std::to_string(i); }

// A fresh, empty directory for this benchmark run's databases (COMMERCE_BENCH_DIR or /tmp).
std::string scratch_dir();
// A path in scratch_dir() that does not exist yet (with no -wal or -shm either).
std::string fresh_db_path(const std::string& name);

// Creates the catalog (two products with ample stock, a flash product with `flash_units`),
// `users` users with enough points for `orders` orders, and `orders` coupons (issued through
// the library's API for small counts, bulk-inserted into SQLite for large ones, as seeding is
// not measured).
Seed seed_store(Store& store, int users, int orders, std::int64_t flash_units);

// Runs `per_thread(thread_index)` on `threads` threads at once and returns the wall seconds
// from the common start to the last finish.
double run_threads(int threads, const std::function<void(int)>& per_thread);

// Peak and current resident set size of this process, in KiB (from /proc/self/status).
std::int64_t peak_rss_kib();
std::int64_t current_rss_kib();

// Reports `orders` done in `seconds` as the iteration time and the orders_per_s counter.
void report(benchmark::State& state, std::int64_t orders, double seconds,
            std::int64_t failed = 0);

// Runs `sql` (one or more statements) on the SQLite file at `path` over a connection of its own
// (for seeding by hand what is not measured); throws std::runtime_error with SQLite's message.
void exec_sqlite(const std::string& path, const std::string& sql);

// An integer from the environment, or `fallback`.
int env_int(const char* name, int fallback);

// A benchmark program's main() after its benchmarks are registered: runs those the command line
// selects, then removes scratch_dir(). Returns the exit status.
int run_registered(int argc, char** argv);

// The order written by hand with the sqlite3 C API: the rows the library writes, with prepared
// statements, BEGIN IMMEDIATE, one commit per order (two when a gateway is called between them).
// One instance per thread (it owns one connection).
class RawSqliteOrders {
 public:
  // `gateway` is called between the two units of a gateway-paid order.
  RawSqliteOrders(const std::string& path, const std::string& synchronous,
                  PaymentGateway* gateway);
  ~RawSqliteOrders();
  RawSqliteOrders(const RawSqliteOrders&) = delete;
  RawSqliteOrders& operator=(const RawSqliteOrders&) = delete;

  // Places one order; returns true if it was confirmed, false if it was refused: out of stock
  // (then only the FAILED order and its record are written, as the library does) or an invalid
  // coupon or points (nothing written).
  bool place(const std::string& user, const std::string& coupon,
             const std::vector<std::pair<std::string, std::int64_t>>& items, Money points,
             PayBy payment);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace commerce::bench
