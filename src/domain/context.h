// What every domain service shares: the storage, the clock and the store's options.
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include "commerce/storage.h"
#include "commerce/store.h"
#include "domain/metrics_recorder.h"
#include "storage/transaction.h"

namespace commerce::detail {

struct Context {
  Storage& storage;
  const Clock& clock;
  StoreOptions options;
  // What the store has done (Store::metrics()).
  MetricsRecorder& metrics;
  // A hint for reserving (stock_allocation.cpp): the last allocation read saw a product in more
  // than one active location, so the single-location fast path is not tried first. A wrong hint
  // costs a statement, never correctness (the fast path checks the store has one active
  // location in its own update).
  mutable std::atomic<bool> many_locations{false};
  // Another hint for the fast path: the store's only active location as the last fast
  // reservation found it (empty: not known yet). Knowing it, an order reserves with a statement
  // whose outcome is known before its answer (Transaction::try_reserve_stock_plainly_at, which
  // checks the location is still the only active one). Thread-safe.
  class OnlyLocation {
   public:
    std::string get() const {
      const std::lock_guard lock(mutex_);
      return id_;
    }
    void set(const std::string& id) const {
      const std::lock_guard lock(mutex_);
      if (id_ != id) id_ = id;
    }

   private:
    mutable std::mutex mutex_;
    mutable std::string id_;
  };
  OnlyLocation only_location;
};

// One command running inside one unit of work: the services' building blocks take this, so a
// caller (the order saga) can run several domain steps in one transaction.
struct Command {
  Transaction& tx;
  const Context& ctx;
  Timestamp now;
  std::string request_id;
  // Whether this unit holds the rows of the products it orders locked (PostgreSQL: a write
  // unit's locking read). The allocation's general path locks them if not.
  bool products_locked = false;
};

}  // namespace commerce::detail
