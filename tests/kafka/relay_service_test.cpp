// RelayService without a broker: signal handling, stop(), progress, option checks.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "commerce/error.h"
#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"
#include "commerce/relay_service.h"
#include "commerce/store.h"
#include "kafka_test_support.h"
#include "store_access.h"

namespace commerce {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<Store> temp_store() { return Store::open(kafka_test::temp_db_path("store")); }

std::atomic<int> g_previous_handler_calls{0};
extern "C" void previous_handler(int) { ++g_previous_handler_calls; }

TEST(RelayService, SigtermStopsRunAfterDeliveringAndRestoresTheHandler) {
  auto store = temp_store();
  kafka_test::fill_outbox(commerce::detail::storage_of(*store), 300, 7, 100);
  MemorySink sink;
  RelayOptions options;
  options.batch_size = 50;
  options.idle_poll_ms = 20;
  OutboxRelay relay(*store, sink, options);
  std::atomic<int> reports{0};
  std::atomic<bool> final_seen{false};
  RelayServiceOptions service_options;
  service_options.progress_interval_ms = 0;
  service_options.on_progress = [&](const RelayProgress& p) {
    ++reports;
    if (p.final) final_seen = true;
  };
  RelayService service(relay, service_options);

  struct sigaction previous {};
  previous.sa_handler = &previous_handler;
  sigemptyset(&previous.sa_mask);
  struct sigaction saved {};
  ASSERT_EQ(sigaction(SIGTERM, &previous, &saved), 0);

  RelayProgress progress;
  std::thread runner([&] { progress = service.run(); });
  // Wait until everything is delivered, then deliver SIGTERM to the process.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (relay.stats().pending > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(relay.stats().pending, 0);
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  runner.join();
  EXPECT_EQ(service.stop_signal(), SIGTERM);
  EXPECT_EQ(progress.delivered, 300);
  EXPECT_TRUE(progress.final);
  EXPECT_TRUE(final_seen.load());
  EXPECT_GE(reports.load(), 2);
  EXPECT_EQ(sink.size(), 300u);

  // The handler in place before run() is back.
  EXPECT_EQ(g_previous_handler_calls.load(), 0);
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_EQ(g_previous_handler_calls.load(), 1);
  sigaction(SIGTERM, &saved, nullptr);
}

TEST(RelayService, StopFromAnotherThreadAndBeforeRun) {
  auto store = temp_store();
  kafka_test::fill_outbox(commerce::detail::storage_of(*store), 20, 3, 20);
  MemorySink sink;
  OutboxRelay relay(*store, sink);
  RelayServiceOptions options;
  options.handle_signals = false;
  RelayService service(relay, options);

  service.stop();  // before run(): run() returns without claiming a batch
  const RelayProgress early = service.run();
  EXPECT_EQ(early.delivered, 0);
  EXPECT_EQ(relay.stats().pending, 20);

  std::thread stopper([&] {
    while (relay.stats().pending > 0) std::this_thread::sleep_for(5ms);
    service.stop();
  });
  const RelayProgress done = service.run();  // the earlier stop() does not carry over
  stopper.join();
  EXPECT_EQ(done.delivered, 20);
  EXPECT_EQ(service.stop_signal(), 0);
}

TEST(RelayService, RefusesBadOptionsAndASecondSignalHandler) {
  auto store = temp_store();
  MemorySink sink;
  OutboxRelay relay(*store, sink);
  RelayServiceOptions bad;
  bad.progress_interval_ms = -1;
  try {
    RelayService service(relay, bad);
    ADD_FAILURE() << "a negative progress_interval_ms was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.subject(), "progress_interval_ms");
  }

  kafka_test::fill_outbox(commerce::detail::storage_of(*store), 10, 2, 10);
  std::atomic<bool> running{false};
  RelayServiceOptions first_options;
  first_options.progress_interval_ms = 0;
  first_options.on_progress = [&](const RelayProgress&) { running = true; };
  RelayService first(relay, first_options);
  std::thread runner([&] { first.run(); });
  while (!running) std::this_thread::sleep_for(5ms);
  // The first service owns SIGTERM/SIGINT while it runs; a second signal-handling run is refused.
  MemorySink other_sink;
  OutboxRelay other_relay(*store, other_sink, {.owner = "other"});
  RelayService second(other_relay);
  bool refused = false;
  try {
    second.run();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_EQ(e.subject(), "relay-service");
    refused = true;
  }
  first.stop();
  runner.join();
  EXPECT_TRUE(refused) << "two services handled signals at once";
}

}  // namespace
}  // namespace commerce
