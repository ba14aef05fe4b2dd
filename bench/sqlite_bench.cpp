// Orders per second on SQLite: the library beside the same writes done by hand with the sqlite3
// C API, in the same run. Names: order/<payment>/<synchronous>/threads:<n>/<library|raw>,
// order/points/split/NORMAL/threads:1/library (the same order, its two lines stocked at two
// different locations of three: the general allocation path),
// flash_sale/..., memory/orders:<n>, census/<payment>/library (units of work and storage calls
// per order), and the carts' cart/quote/10-lines, cart/checkout/10-lines beside
// order/place/10-lines (bench/cart_scenarios.h). Sizes come from the environment (see
// run_benchmarks.sh): COMMERCE_BENCH_ORDERS (orders per order scenario),
// COMMERCE_BENCH_FLASH_BUYERS, COMMERCE_BENCH_MEMORY_ORDERS, COMMERCE_BENCH_QUOTES.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "bench_support.h"
#include "cart_scenarios.h"
#include "commerce/error.h"
#include "commerce/sqlite_storage.h"
#include "observed_storage.h"
#include "library_orders.h"

namespace commerce::bench {
namespace {

enum class Impl { kLibrary, kRaw };

struct Scenario {
  Impl impl;
  PayBy payment;
  std::string synchronous;
  int threads;
  int orders;
  bool split = false;  // the two products at two different locations of three
};

using Items = std::vector<std::pair<std::string, std::int64_t>>;

// A store seeded for `orders` orders; returns its file path.
std::string seeded_db(const char* name, const std::string& synchronous, int orders,
                      std::int64_t flash_units, Seed& seed) {
  const std::string path = fresh_db_path(name);
  auto store = Store::open(open_sqlite_storage(path, {.synchronous = synchronous}));
  seed = seed_store(*store, std::min(orders, 1000), orders, flash_units);
  return path;
}

// Three active locations; all of product A moved to the first, all of B to the second, and
// 'default' deactivated: every order's two lines come from two different locations.
void split_over_locations(const std::string& path) {
  auto store = Store::open(open_sqlite_storage(path, {}));
  for (int i = 1; i <= 3; ++i) {
    const std::string id = "bench-location-" + std::to_string(i);
    store->locations().create({.id = id, .name = id, .priority = i});
  }
  for (const auto& [product, location] : {std::pair{kProductA, "bench-location-1"},
                                          std::pair{kProductB, "bench-location-2"}}) {
    store->stock().transfer(product, "default", location, store->stock().level(product).available,
                            "bench split", {});
  }
  store->locations().update("default", {.active = false});
}

std::unique_ptr<Store> open_library(const std::string& path, const std::string& synchronous,
                                    std::shared_ptr<PaymentGateway> gateway) {
  StoreOptions options;
  options.gateway = std::move(gateway);
  return Store::open(open_sqlite_storage(path, {.synchronous = synchronous}), options);
}

// Every thread t places orders i = t, t + threads, ... < orders, through place(t, user, coupon);
// returns {confirmed, refused} and the wall seconds.
std::pair<std::int64_t, std::int64_t> place_all(
    const Scenario& s, const Seed& seed, double& seconds,
    const std::function<bool(int, const std::string&, const std::string&)>& place) {
  std::atomic<std::int64_t> confirmed{0}, refused{0};
  seconds = run_threads(s.threads, [&](int t) {
    for (int i = t; i < s.orders; i += s.threads) {
      if (place(t, user_id(i % seed.users), seed.coupon(i))) {
        confirmed.fetch_add(1);
      } else {
        refused.fetch_add(1);
      }
    }
  });
  return {confirmed.load(), refused.load()};
}

void run_scenario(benchmark::State& state, const Scenario& s, bool flash) {
  const std::int64_t flash_units = flash ? 100 : 0;
  const Items items = flash ? Items{{kFlashProduct, 1}} : Items{{kProductA, 1}, {kProductB, 1}};
  const Money points =
      flash ? kPriceA - kCouponValue : (s.payment == PayBy::kPoints ? kPointsAll : kPointsPart);
  for (auto _ : state) {
    Seed seed;
    const std::string path = seeded_db(s.impl == Impl::kLibrary ? "library" : "raw",
                                       s.synchronous, s.orders, flash_units, seed);
    if (s.split) split_over_locations(path);
    auto gateway = std::make_shared<FakeGateway>();
    double seconds = 0;
    std::pair<std::int64_t, std::int64_t> outcome;
    if (s.impl == Impl::kLibrary) {
      auto store = open_library(path, s.synchronous, gateway);
      outcome = place_all(s, seed, seconds,
                          [&](int, const std::string& user, const std::string& coupon) {
                            return library_place(*store, user, coupon, items, points);
                          });
    } else {
      std::vector<std::unique_ptr<RawSqliteOrders>> conns;
      for (int t = 0; t < s.threads; ++t) {
        conns.push_back(std::make_unique<RawSqliteOrders>(path, s.synchronous, gateway.get()));
      }
      outcome = place_all(s, seed, seconds,
                          [&](int t, const std::string& user, const std::string& coupon) {
                            return conns[t]->place(user, coupon, items, points, s.payment);
                          });
    }
    if (flash && outcome.first != flash_units) {
      state.SkipWithError("the flash sale sold a different number of units than it had");
    }
    if (!flash && outcome.second != 0) state.SkipWithError("orders were refused");
    report(state, s.orders, seconds, outcome.second);
    state.counters["confirmed"] = static_cast<double>(outcome.first);
  }
  state.SetLabel(s.impl == Impl::kLibrary ? "library" : "raw sqlite3");
}

// Peak memory over many orders: RSS after the first tenth and at the end, and the peak.
void memory_scenario(benchmark::State& state, int orders) {
  const Items items = {{kProductA, 1}, {kProductB, 1}};
  for (auto _ : state) {
    Seed seed;
    const std::string path = seeded_db("memory", "NORMAL", orders, 0, seed);
    auto store = open_library(path, "NORMAL", nullptr);
    std::int64_t rss_tenth = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < orders; ++i) {
      if (!library_place(*store, user_id(i % seed.users), seed.coupon(i), items, kPointsAll)) {
        state.SkipWithError("an order was refused");
        break;
      }
      if (i + 1 == std::max(1, orders / 10)) rss_tenth = current_rss_kib();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    report(state, orders, seconds);
    state.counters["rss_after_tenth_kib"] = static_cast<double>(rss_tenth);
    state.counters["rss_end_kib"] = static_cast<double>(current_rss_kib());
    state.counters["peak_rss_kib"] = static_cast<double>(peak_rss_kib());
  }
  state.SetLabel("library");
}

// Counts the units of work and the statements that the library runs per order.
class CountingStorage final : public testing::ObservedStorage {
 public:
  using ObservedStorage::ObservedStorage;
  std::atomic<std::int64_t> read_units{0}, write_units{0}, reads{0}, writes{0};
  std::mutex by_statement_mu;
  std::map<std::string, std::int64_t, std::less<>> by_statement;

 protected:
  void before_statement(const Sql& sql, bool writes_rows) override {
    (writes_rows ? writes : reads).fetch_add(1);
    std::lock_guard lock(by_statement_mu);
    ++by_statement[sql.text.substr(0, 60)];
  }
  void after_unit(Access access, bool /*ok*/) override {
    (access == Access::kRead ? read_units : write_units).fetch_add(1);
  }
};

void census_scenario(benchmark::State& state, PayBy payment) {
  const int orders = 50;
  const Items items = {{kProductA, 1}, {kProductB, 1}};
  for (auto _ : state) {
    Seed seed;
    const std::string path = seeded_db("census", "NORMAL", orders, 0, seed);
    auto counting = std::make_unique<CountingStorage>(open_sqlite_storage(path, {}));
    CountingStorage& c = *counting;
    StoreOptions options;
    options.gateway = std::make_shared<FakeGateway>();
    auto store = Store::open(std::move(counting), options);
    c.read_units = c.write_units = c.reads = c.writes = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < orders; ++i) {
      library_place(*store, user_id(i % seed.users), seed.coupon(i), items,
                    payment == PayBy::kPoints ? kPointsAll : kPointsPart);
    }
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    state.counters["write_units_per_order"] = static_cast<double>(c.write_units) / orders;
    state.counters["read_units_per_order"] = static_cast<double>(c.read_units) / orders;
    state.counters["write_statements_per_order"] = static_cast<double>(c.writes) / orders;
    state.counters["read_statements_per_order"] = static_cast<double>(c.reads) / orders;
    if (env_int("COMMERCE_BENCH_CENSUS_DETAIL", 0) != 0) {  // statements per order, by text
      for (const auto& [method, n] : c.by_statement) {
        std::fprintf(stderr, "census %s: %-36s %5.2f\n", payment == PayBy::kPoints ? "points" : "gateway",
                     method.c_str(), static_cast<double>(n) / orders);
      }
    }
  }
  state.SetLabel("library");
}

void register_all() {
  for (PayBy payment : {PayBy::kPoints, PayBy::kGateway}) {
    const std::string name =
        std::string("census/") + (payment == PayBy::kPoints ? "points" : "gateway") + "/library";
    benchmark::RegisterBenchmark(name.c_str(), [payment](benchmark::State& st) {
      census_scenario(st, payment);
    })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  const int orders = env_int("COMMERCE_BENCH_ORDERS", 2000);
  const int buyers = env_int("COMMERCE_BENCH_FLASH_BUYERS", 10000);
  const int memory_orders = env_int("COMMERCE_BENCH_MEMORY_ORDERS", 20000);
  for (PayBy payment : {PayBy::kPoints, PayBy::kGateway}) {
    for (const char* sync : {"NORMAL", "FULL"}) {
      for (int threads : {1, 8}) {
        for (Impl impl : {Impl::kLibrary, Impl::kRaw}) {
          const std::string name =
              std::string("order/") + (payment == PayBy::kPoints ? "points" : "gateway") + "/" +
              sync + "/threads:" + std::to_string(threads) + "/" +
              (impl == Impl::kLibrary ? "library" : "raw");
          const Scenario s{impl, payment, sync, threads, orders};
          benchmark::RegisterBenchmark(name.c_str(), [s](benchmark::State& st) {
            run_scenario(st, s, false);
          })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
        }
      }
    }
  }
  // Beside order/points/NORMAL/threads:1/library (one location): bench/report.py prints the ratio.
  const Scenario split{Impl::kLibrary, PayBy::kPoints, "NORMAL", 1, orders, true};
  benchmark::RegisterBenchmark("order/points/split/NORMAL/threads:1/library",
                               [split](benchmark::State& st) { run_scenario(st, split, false); })
      ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  for (Impl impl : {Impl::kLibrary, Impl::kRaw}) {
    const std::string name = std::string("flash_sale/buyers:") + std::to_string(buyers) +
                             "/units:100/threads:16/" +
                             (impl == Impl::kLibrary ? "library" : "raw");
    const Scenario s{impl, PayBy::kPoints, "NORMAL", 16, buyers};
    benchmark::RegisterBenchmark(name.c_str(), [s](benchmark::State& st) {
      run_scenario(st, s, true);
    })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  const std::string name = "memory/orders:" + std::to_string(memory_orders) + "/library";
  benchmark::RegisterBenchmark(name.c_str(), [memory_orders](benchmark::State& st) {
    memory_scenario(st, memory_orders);
  })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  register_cart_benchmarks(
      "",
      [](StoreOptions options) {
        return Store::open(open_sqlite_storage(fresh_db_path("cart"), {.synchronous = "NORMAL"}),
                           std::move(options));
      },
      orders, env_int("COMMERCE_BENCH_QUOTES", 2000));
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  commerce::bench::register_all();
  return commerce::bench::run_registered(argc, argv);
}
