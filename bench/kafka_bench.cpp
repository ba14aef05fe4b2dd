// The outbox relay to Kafka beside librdkafka's own producer on the same broker, same messages.
// The outbox is filled before timing (events like an order's: keys spread over 1,000 aggregates,
// ~120-byte JSON payloads, three topics); the relay drains it through KafkaSink, marking rows
// delivered after the acks; the baseline produces the same messages (the same JSON envelope as
// the value, the same key and the same three headers, built before timing) with a bare
// idempotent producer (acks=all, linger.ms=5, as the sink) and waits for every delivery report.
// The baseline first sends the messages untimed for a few seconds to warm the broker.
// Needs COMMERCE_BENCH_KAFKA_BROKERS; size from COMMERCE_BENCH_EVENTS, rounds from
// COMMERCE_BENCH_KAFKA_ROUNDS.
#include <benchmark/benchmark.h>
#include <librdkafka/rdkafka.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.h"
#include "commerce/event_sink.h"
#include "commerce/ids.h"
#include "commerce/kafka_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/sqlite_storage.h"

namespace commerce::bench {
namespace {

struct Message {
  std::string topic, key, payload;
};

std::string brokers() {
  const char* b = std::getenv("COMMERCE_BENCH_KAFKA_BROKERS");
  return b ? b : "";
}

std::vector<Message> make_messages(int n) {
  static const char* kTopics[] = {"order-events", "product-events", "user-events"};
  std::vector<Message> out;
  out.reserve(n);
  char buf[256];
  for (int i = 0; i < n; ++i) {
    const std::string key = "agg-" + std::to_string(i % 1000);
    std::snprintf(buf, sizeof buf,
                  R"({"order_id":"bench-order-%09d","product_id":"bench-a","qty":1,)"
                  R"("user_id":"user-%d","amount":14000,"balance":86000})",
                  i, i % 1000);
    out.push_back({kTopics[i % 3], key, buf});
  }
  return out;
}

// Appends the messages as pending outbox rows of the store's SQLite file (the event and its
// outbox_pending row, as the adapter's append_event), in one transaction.
void fill_outbox(const std::string& path, const std::vector<Message>& messages) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("open");
  sqlite3_busy_timeout(db, 10000);
  sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, "
                     "request_id, payload) VALUES(?, 'StockReserved', 1, ?, ?, ?, '', ?)",
                     -1, &s, nullptr);
  sqlite3_stmt* pending = nullptr;  // the adapter's pending-row index of the event
  sqlite3_prepare_v2(db, "INSERT INTO outbox_pending(seq, key) VALUES(?, ?)", -1, &pending,
                     nullptr);
  const Timestamp now = system_clock()->now();
  for (const auto& m : messages) {
    const std::string id = new_id(now);
    sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, m.topic.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m.key.c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_text(s, 5, m.payload.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
    sqlite3_reset(s);
    sqlite3_bind_int64(pending, 1, sqlite3_last_insert_rowid(db));
    sqlite3_bind_text(pending, 2, m.key.c_str(), -1, SQLITE_STATIC);
    if (sqlite3_step(pending) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
    sqlite3_reset(pending);
  }
  sqlite3_finalize(s);
  sqlite3_finalize(pending);
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db));
  }
  sqlite3_close(db);
}

void relay_scenario(benchmark::State& state, int batch_size) {
  const int n = env_int("COMMERCE_BENCH_EVENTS", 20000);
  for (auto _ : state) {
    const std::string path = fresh_db_path("relay");
    auto store = Store::open(open_sqlite_storage(path, {}));
    fill_outbox(path, make_messages(n));
    KafkaSink sink({.bootstrap_servers = brokers(),
                    .properties = {{"log_level", "3"}},
                    .topic_prefix = "bench-relay-" + std::to_string(batch_size) + "."});
    // Topics created and the connection made before timing, as for the raw producer.
    std::vector<Event> warm;
    for (const char* t : {"order-events", "product-events", "user-events"}) {
      warm.push_back({0, new_id(system_clock()->now()), "StockReserved", 1, t, "warm", 0, {}, "{}"});
    }
    sink.publish(warm);
    OutboxRelay relay(*store, sink, {.batch_size = batch_size});
    const auto start = std::chrono::steady_clock::now();
    const RelayBatch done = relay.drain();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (done.delivered != n) state.SkipWithError("not every event was delivered");
    state.SetIterationTime(seconds);
    state.counters["events"] = n;
    state.counters["events_per_s"] = n / seconds;
  }
  state.SetLabel("OutboxRelay + KafkaSink, batch " + std::to_string(batch_size));
}

// What the relay sends for a message: KafkaSink's value (the JSON envelope) and headers.
struct WireMessage {
  std::string topic, key, value, id, type, version;
};

std::vector<WireMessage> wire_messages(const std::vector<Message>& messages) {
  std::vector<WireMessage> out;
  out.reserve(messages.size());
  const Timestamp now = system_clock()->now();
  std::int64_t seq = 0;
  for (const auto& m : messages) {
    const Event event{++seq, new_id(now), "StockReserved", 1, m.topic, m.key, now, "", m.payload};
    out.push_back({m.topic, m.key, envelope_json(event), event.id, event.type, "1"});
  }
  return out;
}

// Produces every message (as KafkaSink does: value, key, the three headers, RD_KAFKA_MSG_F_COPY)
// to `prefix` + its topic, serving delivery reports; returns once librdkafka took them all.
void produce_all(rd_kafka_t* rk, const std::vector<WireMessage>& messages,
                 const std::string& prefix) {
  std::string topic;
  for (const auto& m : messages) {
    topic.assign(prefix).append(m.topic);
    for (;;) {
      const rd_kafka_resp_err_t e = rd_kafka_producev(
          rk, RD_KAFKA_V_TOPIC(topic.c_str()),
          RD_KAFKA_V_KEY(const_cast<char*>(m.key.data()), m.key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_HEADER("event_id", m.id.data(), static_cast<ssize_t>(m.id.size())),
          RD_KAFKA_V_HEADER("event_type", m.type.data(), static_cast<ssize_t>(m.type.size())),
          RD_KAFKA_V_HEADER("schema_version", m.version.data(),
                            static_cast<ssize_t>(m.version.size())),
          RD_KAFKA_V_END);
      if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
      rd_kafka_poll(rk, 10);
    }
    rd_kafka_poll(rk, 0);
  }
}

void raw_producer_scenario(benchmark::State& state) {
  const int n = env_int("COMMERCE_BENCH_EVENTS", 20000);
  // The same messages the relay sends (value, key, headers), built before timing.
  const auto messages = wire_messages(make_messages(n));
  for (auto _ : state) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
             {"bootstrap.servers", brokers()}, {"enable.idempotence", "true"}, {"acks", "all"},
             {"linger.ms", "5"}, {"partitioner", "murmur2_random"}, {"log_level", "3"}}) {
      if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        throw std::runtime_error(err);
      }
    }
    static std::atomic<int> failed;
    failed = 0;
    rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t*, const rd_kafka_message_t* m, void*) {
      if (m->err) failed.fetch_add(1);
    });
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) throw std::runtime_error(err);
    // Same topics as the relay, under their own prefix; created (and the connection made)
    // before timing, as the relay's are by its warm-up below.
    const std::string prefix = "bench-raw.";
    for (const char* t : {"order-events", "product-events", "user-events"}) {
      const std::string topic = prefix + t;
      rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY("warm", 4),
                        RD_KAFKA_V_VALUE(const_cast<char*>("{}"), 2), RD_KAFKA_V_END);
    }
    rd_kafka_flush(rk, 30000);
    // The first round's baseline runs first: on a fresh broker (bench/run_benchmarks.sh starts
    // one) the JVM is still cold, which made the baseline up to four times slower than on a
    // warm one (and the relay, measured later, look better than it is). Untimed passes of the
    // same messages, for at least COMMERCE_BENCH_KAFKA_WARMUP_S seconds (default 5), warm it
    // for every round.
    static bool warmed = false;
    const double warmup_s = warmed ? 0 : env_int("COMMERCE_BENCH_KAFKA_WARMUP_S", 5);
    warmed = true;
    const auto warmup_start = std::chrono::steady_clock::now();
    do {  // to the topics every scenario times, so none is timed on fresh partitions
      for (const char* p : {"bench-raw.", "bench-relay-1000.", "bench-relay-100."}) {
        produce_all(rk, messages, p);
      }
      rd_kafka_flush(rk, 60000);
    } while (std::chrono::duration<double>(std::chrono::steady_clock::now() - warmup_start)
                 .count() < warmup_s);
    failed = 0;
    const auto start = std::chrono::steady_clock::now();
    produce_all(rk, messages, prefix);
    rd_kafka_flush(rk, 60000);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (failed.load() != 0 || rd_kafka_outq_len(rk) != 0) {
      state.SkipWithError("not every message was delivered");
    }
    rd_kafka_destroy(rk);
    state.SetIterationTime(seconds);
    state.counters["events"] = n;
    state.counters["events_per_s"] = n / seconds;
  }
  state.SetLabel("librdkafka producer");
}

}  // namespace
}  // namespace commerce::bench

int main(int argc, char** argv) {
  using namespace commerce::bench;
  if (brokers().empty()) {
    std::fprintf(stderr, "COMMERCE_BENCH_KAFKA_BROKERS is not set\n");
    return 2;
  }
  // Rounds of baseline, relay (batch 1000) and relay (batch 100), one after the other: the
  // broker shares the machine and its speed drifts from run to run (the baseline measured
  // 300k-560k events/s in consecutive runs), so bench/report.py compares the medians of the
  // rounds rather than one run of each.
  const int rounds = std::max(1, env_int("COMMERCE_BENCH_KAFKA_ROUNDS", 5));
  for (int round = 1; round <= rounds; ++round) {
    const std::string suffix = "/round:" + std::to_string(round);
    benchmark::RegisterBenchmark(("kafka/raw_producer" + suffix).c_str(), raw_producer_scenario)
        ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("kafka/relay" + suffix).c_str(),
                                 [](benchmark::State& s) { relay_scenario(s, 1000); })
        ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("kafka/relay_batch100" + suffix).c_str(),
                                 [](benchmark::State& s) { relay_scenario(s, 100); })
        ->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
