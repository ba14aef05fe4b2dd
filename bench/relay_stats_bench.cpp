// The relay's figures with a large backlog: milliseconds per OutboxRelay::stats() with
// COMMERCE_BENCH_PENDING pending events (default 2,000,000), beside the baseline in the same
// run: the exact counts that stats() ran before issue 16 (count(*) of the pending rows, of the
// outbox and of the dead letters, then the oldest pending row), which
// Unit::events().counts() still runs. On SQLite, and on PostgreSQL when COMMERCE_BENCH_PG_URL is
// set (its outbox tables are emptied first). Names:
// relay_stats/<sqlite|postgres>/pending:<n>/<library|counting>.
// The figure that matters is that the library's time does not grow with the backlog.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "bench_support.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/sqlite_storage.h"
#ifdef COMMERCE_BENCH_HAS_POSTGRES
#include <libpq-fe.h>

#include <cstdlib>
#include <stdexcept>

#include "commerce/postgres_storage.h"
#endif

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

#ifdef COMMERCE_BENCH_HAS_POSTGRES
std::string pg_url() {
  const char* url = std::getenv("COMMERCE_BENCH_PG_URL");
  return url ? url : "";
}

// The same backlog in the PostgreSQL store at COMMERCE_BENCH_PG_URL (its outbox emptied
// first), vacuumed and analyzed as autovacuum would leave a live table.
std::unique_ptr<Store> seeded_pg_backlog(int pending) {
  static bool seeded = false;
  auto store = Store::open(open_postgres_storage(pg_url(), {}));
  if (seeded) return store;
  seeded = true;
  PGconn* c = PQconnectdb(pg_url().c_str());
  const std::string n = std::to_string(pending);
  for (const std::string& sql : {
           std::string("TRUNCATE outbox, outbox_dead_letters"),
           "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, "
           "payload) SELECT 'bench-event-' || lpad(i::text, 9, '0'), 'StockAdjusted', 1, "
           "'product-events', 'sku-' || (i % 1000), 1800000000000 + i, '', '{\"delta\":1}' "
           "FROM generate_series(1, " + n + ") i",
           std::string("INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, "
                       "parked_behind) SELECT seq, key, 5, 'bench', 0, 0 FROM outbox "
                       "WHERE seq % 100000 = 1"),
           std::string("UPDATE outbox SET state = 'dead' WHERE seq % 100000 = 1"),
           std::string("VACUUM ANALYZE outbox"), std::string("VACUUM ANALYZE outbox_dead_letters")}) {
    PGresult* r = PQexec(c, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      const std::string msg = PQerrorMessage(c);
      PQfinish(c);
      throw std::runtime_error("seed the PostgreSQL outbox: " + msg);
    }
  }
  PQfinish(c);
  return store;
}
#endif

void stats_scenario(benchmark::State& state, bool library, bool postgres) {
  const int pending = env_int("COMMERCE_BENCH_PENDING", 2'000'000);
  std::unique_ptr<Store> store;
#ifdef COMMERCE_BENCH_HAS_POSTGRES
  if (postgres) store = seeded_pg_backlog(pending);
#endif
  if (!postgres) store = Store::open(seeded_backlog(pending));
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
  bool with_postgres = false;
#ifdef COMMERCE_BENCH_HAS_POSTGRES
  with_postgres = !pg_url().empty();
#endif
  for (bool postgres : {false, true}) {
    if (postgres && !with_postgres) continue;
    for (bool library : {true, false}) {
      const std::string name = std::string("relay_stats/") + (postgres ? "postgres" : "sqlite") +
                               "/pending:" + std::to_string(pending) + "/" +
                               (library ? "library" : "counting");
      benchmark::RegisterBenchmark(name.c_str(), [library, postgres](benchmark::State& st) {
        stats_scenario(st, library, postgres);
      })->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  commerce::bench::register_all();
  return commerce::bench::run_registered(argc, argv);
}
