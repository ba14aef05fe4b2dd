// commerce/clock.h: the injectable source of time.
//
// Timestamps are milliseconds since the Unix epoch (UTC). Every time the library reads (created
// and expiry times, coupon validity, sweeps) comes from the Clock given in StoreOptions, so tests
// can move time. Both implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace commerce {

using Timestamp = std::int64_t;  // milliseconds since the Unix epoch

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// Wall-clock time (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// A clock that moves only when told to; for tests and simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_.load(); }
  void set(Timestamp t) { now_.store(t); }
  void advance(std::int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<Timestamp> now_;
};

std::shared_ptr<Clock> system_clock();

}  // namespace commerce
