// The outbox relay to a real Kafka broker: volume, a broker crash mid-relay, no broker at all,
// and a graceful SIGTERM of the long-running relay process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "commerce/error.h"
#include "commerce/kafka_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/relay_service.h"
#include "commerce/store.h"
#include "kafka_test_support.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce {
namespace {

// The delivered rows, counted exactly (RelayStats does not count them: it reads positions).
std::int64_t delivered_rows(Store& store) {
  return store.run_unit([](Unit& unit) { return unit.events().counts(); }).delivered;
}

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::string fresh_db_path(const std::string& stem) { return kafka_test::temp_db_path(stem); }

std::vector<std::string> default_topics(const std::string& prefix) {
  return {prefix + "user-events", prefix + "product-events", prefix + "order-events"};
}

// Polls `done` every 20 ms until it holds or `limit` passes; returns whether it held.
bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::vector<PendingEvent> pending_rows(Storage& storage) {
  return run_unit(storage, Storage::Access::kRead, [](Transaction& tx) {
    return tx.read_due_events(std::numeric_limits<Timestamp>::max() / 2, 0, 100'000);
  });
}

// Events whose rows are delivered: all minus pending (no dead letters in these tests).
std::vector<Event> delivered_events(Storage& storage, const std::vector<Event>& all) {
  std::set<std::int64_t> pending;
  for (const auto& row : pending_rows(storage)) pending.insert(row.event.seq);
  std::vector<Event> out;
  for (const auto& e : all) {
    if (!pending.contains(e.seq)) out.push_back(e);
  }
  return out;
}

KafkaSinkOptions sink_options(const std::string& bootstrap, const std::string& prefix) {
  KafkaSinkOptions o;
  o.bootstrap_servers = bootstrap;
  o.topic_prefix = prefix;
  o.properties = {{"log_level", "3"}};
  return o;
}

TEST(KafkaRelay, TenThousandEventsArriveOnceEachInOrderPerKey) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  auto store = Store::open(fresh_db_path("volume"));
  const auto events = kafka_test::fill_outbox(commerce::detail::storage_of(*store), 10'000, 150);
  const std::string prefix = kafka_test::unique_name("volume") + ".";
  // Topics made up front, so the figure below is the steady rate, not topic auto-creation.
  for (const auto& topic : default_topics(prefix)) kafka_test::create_topic(bootstrap, topic, 3);
  KafkaSink sink(sink_options(bootstrap, prefix));
  RelayOptions options;
  options.batch_size = 1000;
  OutboxRelay relay(*store, sink, options);

  const auto t0 = Clock::now();
  const RelayBatch total = relay.drain();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("[ figures  ] relayed %d events to Kafka in %.2f s: %.0f events/s\n",
              total.delivered, seconds, total.delivered / seconds);
  EXPECT_EQ(total.delivered, 10'000);
  EXPECT_EQ(total.failed, 0);
  const RelayStats stats = relay.stats();
  EXPECT_EQ(stats.pending, 0);
  EXPECT_EQ(delivered_rows(*store), 10'000);

  const auto messages = kafka_test::consume_all(bootstrap, default_topics(prefix));
  EXPECT_EQ(messages.size(), 10'000u);
  EXPECT_EQ(kafka_test::check_delivery(messages, events, /*exactly_once=*/true), 0);

  // For scale: the same relay over the same outbox shape into memory (no broker).
  auto baseline_store = Store::open(fresh_db_path("volume-baseline"));
  kafka_test::fill_outbox(commerce::detail::storage_of(*baseline_store), 10'000, 150);
  MemorySink memory;
  OutboxRelay baseline(*baseline_store, memory, options);
  const auto b0 = Clock::now();
  const RelayBatch baseline_total = baseline.drain();
  const double baseline_s = std::chrono::duration<double>(Clock::now() - b0).count();
  std::printf("[ figures  ] baseline: the relay into a MemorySink: %.0f events/s\n",
              baseline_total.delivered / baseline_s);
  EXPECT_EQ(baseline_total.delivered, 10'000);
}

TEST(KafkaRelay, BrokerKilledMidRelayLosesNothingAndResendsWithTheSameIds) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  if (!kafka_test::broker_control_available()) {
    if (kafka_test::in_ci()) {
      FAIL() << "CI=true but the broker cannot be killed: COMMERCE_KAFKA_BROKER_SCRIPT and "
                "COMMERCE_KAFKA_STATE_DIR are not set (run tests/kafka/run_kafka_tests.sh)";
    }
    GTEST_SKIP() << "this test kills the broker: run it through tests/kafka/run_kafka_tests.sh "
                    "(a broker given by COMMERCE_KAFKA_BOOTSTRAP alone is left alone)";
  }
  auto store = Store::open(fresh_db_path("crash"));
  // Enough that the kill lands mid-relay: the relay drains 300k-400k events/s on a warm
  // broker, with up to 16,000 in flight.
  constexpr int kEvents = 100'000;
  const auto events = kafka_test::fill_outbox(commerce::detail::storage_of(*store), kEvents, 80);
  const std::string prefix = kafka_test::unique_name("crash") + ".";
  std::atomic<int> errors_reported{0};
  KafkaSinkOptions o = sink_options(bootstrap, prefix);
  o.on_error = [&](const std::string&) { ++errors_reported; };
  KafkaSink sink(o);
  RelayOptions options;
  options.batch_size = 100;
  options.max_attempts = 1000;  // never dead-letter here: the broker comes back
  options.backoff_initial_ms = 100;
  options.backoff_max_ms = 2000;
  options.idle_poll_ms = 50;
  OutboxRelay relay(*store, sink, options);
  RelayServiceOptions service_options;
  service_options.handle_signals = false;
  RelayService service(relay, service_options);
  RelayProgress progress;
  std::thread runner([&] { progress = service.run(); });

  ASSERT_TRUE(wait_for([&] { return relay.stats().delivered_through_seq >= 1000; }, 120s))
      << "the relay did not deliver 1000 events within 120 s";
  ASSERT_TRUE(kafka_test::broker_kill());
  const std::int64_t pending_at_kill = relay.stats().pending;
  std::this_thread::sleep_for(3s);  // the relay keeps trying against a dead broker
  const std::int64_t pending_while_down = relay.stats().pending;
  const auto restart_started = Clock::now();
  ASSERT_TRUE(kafka_test::broker_restart());
  const double restart_s = std::chrono::duration<double>(Clock::now() - restart_started).count();
  const bool drained = wait_for([&] { return relay.stats().pending == 0; }, 240s);
  service.stop();
  runner.join();
  ASSERT_TRUE(drained) << "events still pending 240 s after the broker restarted: "
                       << relay.stats().pending;

  std::printf("[ figures  ] pending at kill %lld, while down %lld; errors reported %d; "
              "failed attempts %lld; sink counters: produced %lld acked %lld failed %lld "
              "rebuilds %lld; broker restart took %.1f s; last error: %s\n",
              static_cast<long long>(pending_at_kill), static_cast<long long>(pending_while_down),
              errors_reported.load(), static_cast<long long>(progress.failed),
              static_cast<long long>(sink.counters().produced),
              static_cast<long long>(sink.counters().acked),
              static_cast<long long>(sink.counters().failed),
              static_cast<long long>(sink.counters().producer_rebuilds), restart_s,
              sink.counters().last_error.c_str());
  EXPECT_GT(pending_at_kill, 0) << "the relay finished before the broker was killed";
  EXPECT_GT(errors_reported.load(), 0) << "the broker's death was not reported";
  const RelayStats stats = relay.stats();
  EXPECT_EQ(delivered_rows(*store), kEvents);
  EXPECT_EQ(stats.dead_letters, 0);

  const auto messages = kafka_test::consume_all(bootstrap, default_topics(prefix));
  const std::int64_t duplicates =
      kafka_test::check_delivery(messages, events, /*exactly_once=*/false);
  std::printf("[ figures  ] %zu messages read back for %d events: %lld re-sent copies\n",
              messages.size(), kEvents, static_cast<long long>(duplicates));
}

// Loses the acknowledgements of every third batch after Kafka stored it, as a relay crash
// between the publish and the mark would: the relay must re-send those events, same ids.
class LosesAcks : public ForwardingEventSink {
 public:
  using ForwardingEventSink::ForwardingEventSink;
  std::vector<Ack> publish(std::span<const Event> batch) override {
    auto acks = target_.publish(batch);
    if (++batches_ % 3 == 0) {
      for (auto& ack : acks) {
        if (ack.status == AckStatus::kAcked) ack = {AckStatus::kFailed, "acknowledgement lost"};
      }
    }
    return acks;
  }

 private:
  int batches_ = 0;
};

TEST(KafkaRelay, LostAcknowledgementsAreResentWithTheSameIds) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  auto store = Store::open(fresh_db_path("lostacks"));
  constexpr int kEvents = 3000;
  const auto events = kafka_test::fill_outbox(commerce::detail::storage_of(*store), kEvents, 40);
  const std::string prefix = kafka_test::unique_name("lostacks") + ".";
  KafkaSink kafka(sink_options(bootstrap, prefix));
  LosesAcks sink(kafka);
  RelayOptions options;
  options.batch_size = 250;
  options.max_attempts = 100;
  options.backoff_initial_ms = 0;
  options.backoff_max_ms = 0;
  OutboxRelay relay(*store, sink, options);
  ASSERT_TRUE(wait_for([&] {
    relay.drain();
    return relay.stats().pending == 0;
  }, 120s)) << relay.stats().pending << " events still pending";

  const auto messages = kafka_test::consume_all(bootstrap, default_topics(prefix));
  const std::int64_t duplicates =
      kafka_test::check_delivery(messages, events, /*exactly_once=*/false);
  std::printf("[ figures  ] %zu messages for %d events: %lld re-sent copies\n", messages.size(),
              kEvents, static_cast<long long>(duplicates));
  EXPECT_GT(duplicates, 0) << "no acknowledgement was lost, so nothing was re-sent";
  EXPECT_EQ(static_cast<std::int64_t>(messages.size()), kEvents + duplicates);
}

TEST(KafkaRelay, NoBrokerKeepsRowsReportsRetriesAndStaysIdle) {
  const std::string bootstrap = kafka_test::dead_bootstrap();
  auto store = Store::open(fresh_db_path("nobroker"));
  constexpr int kEvents = 200;
  kafka_test::fill_outbox(commerce::detail::storage_of(*store), kEvents, 10, 100);
  std::mutex errors_mu;
  std::vector<std::string> errors;
  KafkaSinkOptions o = sink_options(bootstrap, "nobroker.");
  o.properties["message.timeout.ms"] = "1000";
  o.properties["log_level"] = "0";
  o.on_error = [&](const std::string& e) {
    std::lock_guard lock(errors_mu);
    errors.push_back(e);
  };
  KafkaSink sink(o);
  RelayOptions options;
  options.batch_size = 100;
  options.max_attempts = 1000;
  options.backoff_initial_ms = 100;
  options.backoff_max_ms = 1000;
  options.idle_poll_ms = 100;
  OutboxRelay relay(*store, sink, options);
  RelayServiceOptions service_options;
  service_options.handle_signals = false;
  RelayService service(relay, service_options);

  const auto wall0 = Clock::now();
  const std::int64_t cpu0 = kafka_test::process_cpu_ms();
  RelayProgress progress;
  std::thread runner([&] { progress = service.run(); });
  std::this_thread::sleep_for(8s);
  service.stop();
  runner.join();
  const std::int64_t cpu_ms = kafka_test::process_cpu_ms() - cpu0;
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - wall0).count();
  const double ratio = static_cast<double>(cpu_ms) / static_cast<double>(wall_ms);
  std::printf("[ figures  ] no broker: %lld ms CPU over %lld ms wall (%.1f%%), %lld failed "
              "attempts, %zu errors reported\n",
              static_cast<long long>(cpu_ms), static_cast<long long>(wall_ms), ratio * 100,
              static_cast<long long>(progress.failed), errors.size());

  // The rows stay, each with its error and attempt count.
  const RelayStats stats = relay.stats();
  EXPECT_EQ(stats.pending, kEvents);
  EXPECT_EQ(delivered_rows(*store), 0);
  EXPECT_EQ(stats.dead_letters, 0);
  const auto rows = pending_rows(commerce::detail::storage_of(*store));
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kEvents));
  // The first row of each key is the one retried (the others wait behind it, per-key order).
  std::set<std::string> keys_seen;
  int min_attempts = std::numeric_limits<int>::max();
  for (const auto& row : rows) {
    if (!keys_seen.insert(row.event.key).second) continue;
    min_attempts = std::min(min_attempts, row.attempts);
    EXPECT_NE(row.last_error.find("timed out"), std::string::npos)
        << "row " << row.event.seq << " of key " << row.event.key << ": " << row.last_error;
  }
  EXPECT_GE(min_attempts, 2) << "the relay did not retry every key";
  EXPECT_GE(progress.failed, 2 * static_cast<std::int64_t>(keys_seen.size()));
  {
    std::lock_guard lock(errors_mu);
    ASSERT_FALSE(errors.empty()) << "librdkafka's connection errors were not reported";
  }
  // Waiting on a dead broker must not spin: an idle relay uses a few percent of one core; a busy
  // loop would use most of it. The bound is loose so that a slow machine cannot fail it.
  EXPECT_LT(ratio, 0.25) << cpu_ms << " ms CPU in " << wall_ms << " ms";
}

TEST(KafkaRelay, SigtermStopsTheRelayProcessGracefully) {
  const std::string bootstrap = kafka_test::require_broker();
  if (bootstrap.empty()) return;
  const std::string db = fresh_db_path("sigterm");
  auto store = Store::open(db);
  constexpr int kEvents = 20'000;
  const auto events = kafka_test::fill_outbox(commerce::detail::storage_of(*store), kEvents, 100);
  const std::string prefix = kafka_test::unique_name("sigterm") + ".";
  const std::string out_path = db + ".out";

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  const std::string program = COMMERCE_KAFKA_RELAY_PROCESS;
  std::vector<std::string> args = {program, db, bootstrap, prefix, "50"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  ASSERT_EQ(posix_spawn(&child, program.c_str(), &actions, nullptr, argv.data(), environ), 0)
      << program;
  posix_spawn_file_actions_destroy(&actions);

  auto delivered_rows = [&] {
    return run_unit(commerce::detail::storage_of(*store), Storage::Access::kRead,
                    [](Transaction& tx) { return tx.count_outbox(); })
        .delivered;
  };
  const bool started = wait_for([&] { return delivered_rows() >= 2000; }, 120s);
  ASSERT_EQ(::kill(child, SIGTERM), 0);
  int status = 0;
  const bool exited = wait_for([&] { return ::waitpid(child, &status, WNOHANG) == child; }, 120s);
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  std::ifstream out_file(out_path);
  std::stringstream out;
  out << out_file.rdbuf();
  ASSERT_TRUE(started) << "the relay process did not deliver 2000 events within 120 s:\n"
                       << out.str();
  ASSERT_TRUE(exited) << "the relay process did not exit within 120 s of SIGTERM";
  ASSERT_TRUE(WIFEXITED(status)) << "the relay process died by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << out.str();
  EXPECT_NE(out.str().find("stopped signal=15"), std::string::npos) << out.str();

  // What the process marked delivered is in Kafka; the rest is still pending, not lost.
  const auto delivered = delivered_events(commerce::detail::storage_of(*store), events);
  const auto stats = run_unit(commerce::detail::storage_of(*store), Storage::Access::kRead,
                              [](Transaction& tx) { return tx.count_outbox(); });
  std::printf("[ figures  ] SIGTERM after >= 2000 events: %lld delivered, %lld pending\n",
              static_cast<long long>(stats.delivered), static_cast<long long>(stats.pending));
  EXPECT_EQ(stats.delivered + stats.pending, kEvents);
  EXPECT_EQ(static_cast<std::int64_t>(delivered.size()), stats.delivered);
  {
    const auto messages = kafka_test::consume_all(bootstrap, default_topics(prefix));
    // Every delivered row is in Kafka. Undelivered ones are not (a graceful stop leaves no
    // publish half-recorded), so Kafka holds exactly the delivered rows.
    EXPECT_EQ(kafka_test::check_delivery(messages, delivered, /*exactly_once=*/true), 0);
    EXPECT_EQ(messages.size(), delivered.size());
  }

  // A second run finishes the job: every event once, per key in order.
  KafkaSink sink(sink_options(bootstrap, prefix));
  OutboxRelay relay(*store, sink);
  relay.drain();
  EXPECT_EQ(relay.stats().pending, 0);
  const auto messages = kafka_test::consume_all(bootstrap, default_topics(prefix));
  EXPECT_EQ(kafka_test::check_delivery(messages, events, /*exactly_once=*/true), 0);
}

}  // namespace
}  // namespace commerce
