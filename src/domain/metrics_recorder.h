// The counters behind Store::metrics() (commerce/metrics.h): one MetricsRecorder per Store,
// in its Context. Two ways in:
//   - in a unit of work, count_in_unit(): the count is kept with the unit and added when the
//     unit commits (every unit of a Store runs through its MeteredStorage, which wraps the
//     adapter), so a unit run again on contention counts once and a unit rolled back counts
//     nothing;
//   - outside units (external calls), the observe_* calls add at once.
// Everything is a relaxed atomic addition: no lock, no allocation.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "commerce/metrics.h"
#include "commerce/payments.h"
#include "commerce/storage.h"

namespace commerce::detail {

// What a unit of work counts until it commits.
enum class UnitCounter {
  kOrdersPlaced,
  kOrdersAwaitingPayment,
  kOrdersConfirmed,
  kOrdersFailed,
  kOrdersCancelled,
  kStepsDone,
  kStepsRefused,
  kStepsCompensated,
  kRelayDelivered,
  kRelayFailed,
  kRelayDeadLettered,
  kCount,
};

// Counts `n` for the unit of work running on this thread, added when it commits; nothing if
// the unit is not a Store's (a relay over a bare Storage).
void count_in_unit(UnitCounter counter, std::int64_t n = 1);
// The relay delivered an event `lag_ms` after it occurred, in the unit running on this thread.
void observe_lag_in_unit(std::int64_t lag_ms);

class AtomicHistogram {
 public:
  void observe(std::int64_t microseconds);
  // A committed unit's observations (MetricsRecorder::unit_ended).
  void add_within(std::size_t bucket, std::uint64_t n) {
    within_[bucket].fetch_add(n, std::memory_order_relaxed);
  }
  void add_totals(std::uint64_t n, std::uint64_t sum_us) {
    count_.fetch_add(n, std::memory_order_relaxed);
    sum_us_.fetch_add(sum_us, std::memory_order_relaxed);
  }
  LatencyHistogram snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, LatencyHistogram::kBoundsSeconds.size() + 1> within_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

class MetricsRecorder {
 public:
  void observe_gateway(PaymentOutcome outcome, std::chrono::steady_clock::duration took);
  void observe_carrier(bool answered, std::chrono::steady_clock::duration took);

  MetricsSnapshot snapshot() const;

  // What one run of a unit counted (count_in_unit); internal to metrics_recorder.cpp.
  struct UnitCounts {
    void clear() { *this = {}; }
    std::array<std::int64_t, static_cast<std::size_t>(UnitCounter::kCount)> counts{};
    std::array<std::int64_t, LatencyHistogram::kBoundsSeconds.size() + 1> lag_within{};
    std::int64_t lags = 0;
    std::int64_t lag_sum_us = 0;
  };

 private:
  friend class MeteredStorage;
  // A unit of work ended after `runs` calls of its work; `committed`: what the last call
  // counted stands.
  void unit_ended(const UnitCounts& unit, std::int64_t runs, bool committed);

  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(UnitCounter::kCount)> counts_{};
  AtomicHistogram relay_lag_;
  std::array<std::atomic<std::uint64_t>, 4> gateway_by_outcome_{};  // PaymentOutcome's order
  AtomicHistogram gateway_latency_;
  std::atomic<std::uint64_t> carrier_calls_{0};
  std::atomic<std::uint64_t> carrier_unknown_{0};
  AtomicHistogram carrier_latency_;
  std::atomic<std::uint64_t> units_{0};
  std::atomic<std::uint64_t> retries_{0};
};

// The Store's storage: the adapter's run() with the unit's counts kept per call of `work` on
// the thread running it (the adapter may run a unit on another caller's thread, in group
// commit: the counts still go to this unit's), added to `recorder` once the unit commits.
class MeteredStorage final : public Storage {
 public:
  MeteredStorage(std::unique_ptr<Storage> inner, MetricsRecorder& recorder)
      : inner_(std::move(inner)), recorder_(recorder) {}
  void run(Access access, const std::function<void(SqlSession&)>& work) override;
  std::string url() const override { return inner_->url(); }

 private:
  std::unique_ptr<Storage> inner_;
  MetricsRecorder& recorder_;
};

}  // namespace commerce::detail
