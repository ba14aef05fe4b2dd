// Store metrics: counts kept with the unit of work until it commits, atomics after. See
// metrics_recorder.h.
#include "domain/metrics_recorder.h"

#include <algorithm>

namespace commerce::detail {

namespace {

using Counts = MetricsRecorder::UnitCounts;

// The counts of the unit of work whose `work` this thread is running (null outside one).
thread_local Counts* current_unit = nullptr;

std::size_t bucket_of(std::int64_t microseconds) {
  const double seconds = static_cast<double>(microseconds) / 1e6;
  const auto& bounds = LatencyHistogram::kBoundsSeconds;
  return static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) -
                                  bounds.begin());
}

std::int64_t microseconds(std::chrono::steady_clock::duration d) {
  return std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

constexpr auto kRelaxed = std::memory_order_relaxed;

}  // namespace

void count_in_unit(UnitCounter counter, std::int64_t n) {
  if (current_unit != nullptr) current_unit->counts[static_cast<std::size_t>(counter)] += n;
}

void observe_lag_in_unit(std::int64_t lag_ms) {
  if (current_unit == nullptr) return;
  const std::int64_t us = std::max<std::int64_t>(0, lag_ms) * 1000;
  ++current_unit->lag_within[bucket_of(us)];
  ++current_unit->lags;
  current_unit->lag_sum_us += us;
}

void AtomicHistogram::observe(std::int64_t us) {
  within_[bucket_of(us)].fetch_add(1, kRelaxed);
  count_.fetch_add(1, kRelaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(us), kRelaxed);
}

LatencyHistogram AtomicHistogram::snapshot() const {
  LatencyHistogram out;
  for (std::size_t i = 0; i < within_.size(); ++i) out.within[i] = within_[i].load(kRelaxed);
  out.count = count_.load(kRelaxed);
  out.sum_seconds = static_cast<double>(sum_us_.load(kRelaxed)) / 1e6;
  return out;
}

void MetricsRecorder::observe_gateway(PaymentOutcome outcome,
                                      std::chrono::steady_clock::duration took) {
  gateway_by_outcome_[static_cast<std::size_t>(outcome)].fetch_add(1, kRelaxed);
  gateway_latency_.observe(microseconds(took));
}

void MetricsRecorder::observe_carrier(bool answered, std::chrono::steady_clock::duration took) {
  carrier_calls_.fetch_add(1, kRelaxed);
  if (!answered) carrier_unknown_.fetch_add(1, kRelaxed);
  carrier_latency_.observe(microseconds(took));
}

void MetricsRecorder::unit_ended(const UnitCounts& unit, std::int64_t runs, bool committed) {
  units_.fetch_add(1, kRelaxed);
  if (runs > 1) retries_.fetch_add(static_cast<std::uint64_t>(runs - 1), kRelaxed);
  if (!committed) return;
  for (std::size_t i = 0; i < unit.counts.size(); ++i) {
    if (unit.counts[i] != 0) {
      counts_[i].fetch_add(static_cast<std::uint64_t>(unit.counts[i]), kRelaxed);
    }
  }
  if (unit.lags == 0) return;
  for (std::size_t i = 0; i < unit.lag_within.size(); ++i) {
    if (unit.lag_within[i] != 0) {
      relay_lag_.add_within(i, static_cast<std::uint64_t>(unit.lag_within[i]));
    }
  }
  relay_lag_.add_totals(static_cast<std::uint64_t>(unit.lags),
                        static_cast<std::uint64_t>(unit.lag_sum_us));
}

MetricsSnapshot MetricsRecorder::snapshot() const {
  auto count = [this](UnitCounter c) {
    return counts_[static_cast<std::size_t>(c)].load(kRelaxed);
  };
  auto gateway = [this](PaymentOutcome o) {
    return gateway_by_outcome_[static_cast<std::size_t>(o)].load(kRelaxed);
  };
  MetricsSnapshot m;
  m.orders = {.placed = count(UnitCounter::kOrdersPlaced),
              .awaiting_payment = count(UnitCounter::kOrdersAwaitingPayment),
              .confirmed = count(UnitCounter::kOrdersConfirmed),
              .failed = count(UnitCounter::kOrdersFailed),
              .cancelled = count(UnitCounter::kOrdersCancelled)};
  m.saga = {.steps_done = count(UnitCounter::kStepsDone),
            .steps_refused = count(UnitCounter::kStepsRefused),
            .steps_compensated = count(UnitCounter::kStepsCompensated)};
  m.gateway = {.approved = gateway(PaymentOutcome::kApproved),
               .declined = gateway(PaymentOutcome::kDeclined),
               .pending = gateway(PaymentOutcome::kPending),
               .unknown = gateway(PaymentOutcome::kUnknown),
               .latency = gateway_latency_.snapshot()};
  m.carrier = {.calls = carrier_calls_.load(kRelaxed),
               .unknown = carrier_unknown_.load(kRelaxed),
               .latency = carrier_latency_.snapshot()};
  m.storage = {.units = units_.load(kRelaxed), .retries = retries_.load(kRelaxed)};
  m.relay = {.delivered = count(UnitCounter::kRelayDelivered),
             .failed = count(UnitCounter::kRelayFailed),
             .dead_lettered = count(UnitCounter::kRelayDeadLettered),
             .lag = relay_lag_.snapshot()};
  return m;
}

void MeteredStorage::run(Access access, const std::function<void(SqlSession&)>& work) {
  Counts counts;
  std::int64_t runs = 0;
  try {
    inner_->run(access, [&](SqlSession& session) {
      ++runs;
      counts.clear();  // only the last run's counts stand
      Counts* const outer = current_unit;
      current_unit = &counts;
      try {
        work(session);
      } catch (...) {
        current_unit = outer;
        throw;
      }
      current_unit = outer;
    });
  } catch (...) {
    recorder_.unit_ended(counts, runs, false);
    throw;
  }
  recorder_.unit_ended(counts, runs, true);
}

}  // namespace commerce::detail
