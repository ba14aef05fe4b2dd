// commerce/saga.h: the order saga's persisted log, its options, and host-defined steps.
//
// An order is placed by a saga: reserve stock -> use points -> use coupon -> [host steps] ->
// pay -> confirm. Every step and every compensation is recorded in the saga log in the same
// transaction as its local effect and its outbox events; a failing step compensates the steps
// before it in reverse. OrderBook::recover() finishes or compensates every saga in flight from
// its log after a crash.
//
// Host steps run outside any database transaction (they usually call another service). A host
// step's execute and compensate must both be idempotent per SagaStepContext::idempotency_key,
// because after a crash the library may call either again; compensate must also succeed when
// execute never ran. Host steps are called from the threads that call OrderBook; they must be
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/money.h"

namespace commerce {

struct Order;

enum class SagaState {
  kRunning,          // executing steps forward
  kAwaitingPayment,  // the gateway answered pending; complete_payment() or recover() finishes it
  kCompensating,     // a step failed; undoing the steps before it
  kCancelling,       // cancelled after placement; undoing every step (refund included)
  kConfirmed,        // done: the order is CONFIRMED
  kFailed,           // done: compensated, the order is FAILED
  kCancelled,        // done: compensated, the order is CANCELLED
};

std::string_view to_string(SagaState state);
SagaState parse_saga_state(std::string_view name);
// Running, compensating or cancelling: recover() must still drive it.
bool in_flight(SagaState state);

// One order's saga, as stored. `position` increases with every unit of work that changes it
// (once per unit, however many moves the unit made), so every update is a conditional update on
// the position the writer read.
struct SagaRecord {
  std::string order_id;
  SagaState state = SagaState::kRunning;
  // kRunning: index of the next step to execute (== steps.size() means "confirm").
  // kCompensating / kCancelling: how many steps are still to be compensated (the next one to
  // undo is step - 1).
  int step = 0;
  std::int64_t position = 0;
  std::vector<std::string> steps;  // step names, fixed when the saga starts
  std::string reason;              // why it is compensating or cancelling
  Timestamp updated_at = 0;
  bool operator==(const SagaRecord&) const = default;
};

// One line of the saga log. (order_id, step, action) is unique: recording an action twice is
// refused, which makes every step and compensation happen at most once.
struct SagaLogEntry {
  std::string order_id;
  std::string step;    // a step name, or "order" for the saga's own transitions
  std::string action;  // "done", "skipped", "failed", "begin", "pending", "compensated", ...
  std::string detail;  // JSON object
  Timestamp at = 0;
  bool operator==(const SagaLogEntry&) const = default;
};

struct SagaStepContext {
  const Order& order;
  std::string idempotency_key;  // "<order id>:<step name>", the same on every retry
};

// A host-defined saga step (for example a remote stock service).
class SagaStep {
 public:
  virtual ~SagaStep() = default;
  // A stable name, recorded in the saga log: 1..64 of [a-z0-9_-], not a built-in step name
  // ("stock", "points", "coupon", "payment").
  virtual std::string name() const = 0;
  // Does the step. Throw commerce::Error kFailedPrecondition (or kInvalidArgument, kNotFound,
  // kConflict) to refuse: the saga then compensates the steps before this one and the order
  // fails. Throw kUnavailable for a transient failure: retried with backoff, then left in
  // flight for recover().
  virtual void execute(const SagaStepContext& ctx) = 0;
  // Undoes the step. Throw kUnavailable for a transient failure (retried, then left in flight).
  virtual void compensate(const SagaStepContext& ctx) = 0;
};

struct SagaOptions {
  // Replaces the built-in local stock reservation (then the library neither reserves, commits
  // nor releases local stock for orders). Null by default.
  std::shared_ptr<SagaStep> stock_step;
  // Run in order after the coupon step and before payment. Empty by default.
  std::vector<std::shared_ptr<SagaStep>> extra_steps;
  // Timeout passed to every gateway call (default 10 s).
  std::int64_t gateway_timeout_ms = 10'000;
  // Attempts per gateway or host-step call on transient errors (default 4), with exponential
  // backoff from backoff_initial_ms (default 50) up to backoff_max_ms (default 2000).
  int attempts = 4;
  std::int64_t backoff_initial_ms = 50;
  std::int64_t backoff_max_ms = 2000;
};

}  // namespace commerce
