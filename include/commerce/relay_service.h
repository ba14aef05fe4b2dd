// commerce/relay_service.h: the outbox relay as a long-running process, with graceful shutdown.
//
//   commerce::KafkaSink sink({.bootstrap_servers = "127.0.0.1:9092"});
//   commerce::OutboxRelay relay(*store, sink);
//   commerce::RelayService service(relay, {.on_progress = [](const commerce::RelayProgress& p) {
//     std::printf("%lld delivered, %lld pending\n", (long long)p.delivered,
//                 (long long)p.stats.pending);
//   }});
//   service.run();  // returns after SIGTERM/SIGINT or service.stop(), having lost nothing
//
// Shutdown loses nothing: once a stop is requested no new batch is claimed; the batch in flight
// finishes, which for a sink like KafkaSink means waiting for its delivery reports (bounded by
// the sink's own timeout), and its outcome is recorded (acknowledged rows marked delivered,
// failed rows left pending for the next run); then the relay's lease is released and run()
// returns. Rows whose publish had no acknowledgement stay pending and are re-sent, same id.
//
// Thread safety: stop() may be called from any thread at any time. run() may run in one thread
// at a time per service; while a service handles signals, no other service in the process may.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>

#include "commerce/outbox_relay.h"

namespace commerce {

// Totals of one RelayService::run(), with the outbox figures at the time of the report.
struct RelayProgress {
  std::int64_t batches = 0;        // batches that made progress
  std::int64_t published = 0;      // events handed to the sink (re-sends included)
  std::int64_t delivered = 0;      // acknowledged and marked delivered
  std::int64_t failed = 0;         // failed attempts, to be retried
  std::int64_t dead_lettered = 0;  // moved to the dead-letter table (incl. parked)
  std::string last_error;          // the sink's error of the last failed attempt, if any
  std::int64_t elapsed_ms = 0;     // since run() started
  double delivered_per_second = 0;  // delivered / elapsed
  RelayStats stats;                // pending, lag, dead letters (whole outbox; see RelayStats)
  bool final = false;              // true for the report made as run() returns
};

struct RelayServiceOptions {
  // true (default): SIGTERM and SIGINT request a graceful stop while run() runs; the previous
  // handlers are restored when it returns. false: only stop() ends run().
  bool handle_signals = true;
  // Minimum time between two on_progress reports while batches flow; >= 0. Default 1000.
  std::int64_t progress_interval_ms = 1000;
  // Called on run()'s thread with the running totals (at most every progress_interval_ms, and
  // once more with final = true as run() returns). Exceptions it throws are ignored.
  std::function<void(const RelayProgress&)> on_progress;
  // Housekeeping run beside the relay while run() runs: called every maintenance_interval_ms
  // (> 0 when set; the first call one interval after run() starts) on a thread of the
  // service's own, and not after run() returns. Typically [&] { store.compact(); } (issue 15:
  // retention). Exceptions it throws are ignored (the next interval tries again).
  std::function<void()> maintenance;
  std::int64_t maintenance_interval_ms = 3'600'000;
};

class RelayService {
 public:
  // `relay` must outlive the service.
  // Errors: InvalidArgument naming "progress_interval_ms" if negative, or
  // "maintenance_interval_ms" if not positive while maintenance is set.
  explicit RelayService(OutboxRelay& relay, RelayServiceOptions options = {});
  ~RelayService();
  RelayService(const RelayService&) = delete;
  RelayService& operator=(const RelayService&) = delete;

  // Relays until stop() or a handled signal, then shuts down gracefully (see above) and returns
  // the final totals. A stop requested before run() makes it return after at most one batch.
  // Storage Unavailable errors are retried (OutboxRelay::run); other errors propagate after the
  // lease is released. Errors: FailedPrecondition (subject "relay-service") if this service is
  // already running, or if handle_signals is set and another service handles signals now;
  // Internal if the signal pipe cannot be created.
  RelayProgress run();

  // Requests a graceful stop. Thread-safe; not async-signal-safe (signals go through run()'s
  // own handler).
  void stop();

  // The signal that stopped the last run() (SIGTERM, SIGINT), or 0.
  int stop_signal() const { return stop_signal_.load(); }

 private:
  OutboxRelay& relay_;
  RelayServiceOptions options_;
  std::mutex mu_;              // guards stop_ and running_
  std::stop_source stop_;
  bool running_ = false;
  bool stop_requested_ = false;
  std::atomic<int> stop_signal_{0};
};

}  // namespace commerce
