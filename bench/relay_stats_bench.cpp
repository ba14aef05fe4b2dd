// The relay's figures with a large backlog (SQLite): milliseconds per OutboxRelay::stats() with
// COMMERCE_BENCH_PENDING pending events (default 2,000,000), beside the baseline in the same
// run: the exact counts that stats() ran before issue 16 (count(*) of the pending rows, of the
// outbox and of the dead letters, then the oldest pending row), which
// Unit::events().counts() still runs. Names: relay_stats/pending:<n>/<library|counting>.
// The figure that matters is that the library's time does not grow with the backlog.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench_support.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/sqlite_storage.h"

namespace commerce::bench {
namespace {

// A store whose outbox holds `pending` undelivered events (and as many pending rows), written
// by hand in one transaction (seeding is not measured), plus a few dead letters.
std::string seeded_backlog(int pending) {
  static std::string path;
  if (!path.empty()) return path;
  path = fresh_db_path("relay-stats");
  Store::open(path);  // the schema, as the library writes it
  const std::string n = std::to_string(pending);
  exec_sqlite(path, "BEGIN; WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s "
                      "WHERE i < " + n +
                      ") INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, "
                      "request_id, payload) SELECT printf('bench-event-%09d', i), "
                      "'StockAdjusted', 1, 'product-events', 'sku-' || (i % 1000), "
                      "1800000000000 + i, '', '{\"delta\":1}' FROM s; "
                      "INSERT INTO outbox_pending(seq, key) SELECT seq, key FROM outbox; "
                      "INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, "
                      "parked_behind) SELECT seq, key, 5, 'bench', 0, 0 FROM outbox "
                      "WHERE seq % 100000 = 1; "
                      "DELETE FROM outbox_pending WHERE seq % 100000 = 1; COMMIT");
  return path;
}

void stats_scenario(benchmark::State& state, bool library) {
  const int pending = env_int("COMMERCE_BENCH_PENDING", 2'000'000);
  auto store = Store::open(seeded_backlog(pending));
  MemorySink sink;
  OutboxRelay relay(*store, sink);
  auto once = [&] {
    return library ? relay.stats().pending
                   : store->run_unit([](Unit& unit) { return unit.events().counts(); }).pending;
  };
  const int rounds = library ? 50 : 3;
  std::int64_t counted = once();  // warm: the pages are cached for both alike
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < rounds; ++r) counted = once();
    state.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
        rounds);
  }
  state.counters["pending"] = static_cast<double>(pending);
  state.counters["counted"] = static_cast<double>(counted);  // capped for the library
  state.SetLabel(library ? "library" : "counting");
}

void register_all() {
  const int pending = env_int("COMMERCE_BENCH_PENDING", 2'000'000);
  for (bool library : {true, false}) {
    const std::string name = "relay_stats/pending:" + std::to_string(pending) + "/" +
                             (library ? "library" : "counting");
    benchmark::RegisterBenchmark(name.c_str(), [library](benchmark::State& st) {
      stats_scenario(st, library);
    })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  commerce::bench::register_all();
  return commerce::bench::run_registered(argc, argv);
}
