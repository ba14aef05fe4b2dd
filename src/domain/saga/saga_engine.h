// The saga engine: runs an order's saga, whose steps are rows of data (StepRow), without knowing
// any step by name. Every move (a step, a compensation, a step's begin, the confirmation) (1)
// moves the saga row, (2) does its local effect with its outbox events, and (3) appends its saga
// log line, in one unit of work, so a crash leaves either all or none of them. The unit writes
// the saga row once, when its moves are done, by a conditional update on the position it read
// (write_unit()), and its log lines, audit rows and events together. Moves that need no
// external call share the unit they follow: placing an order paid by points is one unit, one paid through the gateway is two
// (everything up to the charge; the charge's result and the confirmation). External calls (the
// gateway, host steps) run between units, never inside one, and are made idempotent by keys
// derived from the order id. Any driver (the placing call, a duplicate request, recover() in
// another process) can resume a saga from its row and log.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"
#include "commerce/storage.h"
#include "domain/context.h"
#include "domain/json_text.h"
#include "domain/ledger_steps.h"
#include "fault_points.h"

namespace commerce::detail {

// What the current unit of work itself wrote or read about its order, so that its later moves
// need not read it again. Empty at the start of every unit.
struct UnitFacts {
  // The order was created in this unit, its products read. Its order, item, reservation and
  // saga rows are not written until write_unit() inserts them in their final state.
  bool new_order = false;
  std::optional<CouponRead> coupon;    // the coupon as the placement read it to bound the points
  std::vector<Reservation> reserved;   // the reservations this unit made (unwritten if new_order)
  // `reserved` was taken over from a cart's hold before the stock step (Carts::checkout): the
  // stock step keeps it instead of allocating.
  bool held = false;
};

// What the current unit of work changed about its saga and has not written yet: write_unit()
// writes it when the unit's moves are done, so a unit changes the saga row once (however many
// moves it made) and writes its log lines and audit rows with one statement each. Empty at the
// start of every unit.
struct UnitWrites {
  bool saga_moved = false;         // the saga row changed since the unit read it...
  std::int64_t read_position = 0;  // ...at this position (the update is conditional on it)
  std::vector<SagaLogEntry> log;
  std::vector<OrderAudit> audit;
};

// A saga as one driver last wrote or read it.
struct SagaSnapshot {
  SagaRecord saga;
  Order order;
  std::optional<Payment> payment;
  // This driver began the payment and has not called the gateway yet (a payment found begun
  // by someone else is resolved by key instead).
  bool charge_now = false;
  // How the current unit of work meets a refused move (see Refused): careful, each refusable
  // move in a savepoint of its own, so the refusal rolls back alone and the saga compensates
  // inside the unit; or optimistic, no savepoints, and a refusal abandons the whole unit, which
  // is then run again carefully.
  bool careful = true;
  UnitFacts facts;
  UnitWrites unwritten;
};

// Another driver moved the saga since we read it: reload and decide again.
struct SagaMoved {};

// A move refused inside an optimistic unit of work (one without savepoints): the unit is
// abandoned (rolled back whole) and run again carefully.
struct Refused {};

// How long a driver waits for another driver's external call before making it itself.
struct Patience {
  // A call another driver (in another process) started is given the time that driver's calls
  // can take before this one makes it again (which may undo what the other did). recover() is
  // not patient: after a crash nobody else is calling.
  bool patient = true;
  std::optional<std::chrono::steady_clock::time_point> waiting_since;
};

class SagaEngine;

// One saga step as data. The built-in steps are the rows of step_rows.cpp; a host step
// (commerce::SagaStep) becomes a row of the same shape. The engine finds a saga's rows by the
// step names its record keeps, and runs them through these slots alone.
struct StepRow {
  std::string name;
  // The step touches only this database: execute_in and compensate_in are the whole step, a run
  // of such steps shares one move of the saga row, and a refusal is met in a savepoint.
  // Otherwise the step calls something outside (execute / compensate) between units of work.
  bool local = false;
  // A local step whose rows every order of a product waits on (stock): in a run of local steps
  // it is executed after the others, so those rows are held locked for the rest of the unit
  // only (PostgreSQL's hot products). Its log line and events keep their place in the saga's
  // order; a refusal is met at its own step as ever (a careful run goes step by step).
  bool executes_last = false;

  // -- forward
  // Local steps: the step's effect in the unit of work; returns its log line's detail. Throw
  // Error kFailedPrecondition, kInvalidArgument, kNotFound or kConflict to refuse: the step
  // fails and the saga compensates the steps before it.
  JsonText (*execute_in)(Command& cmd, SagaSnapshot& s) = nullptr;
  // External steps (optional): a move that precedes the external call in the same unit as the
  // moves before it (the payment's begin), due while `begins_in_unit(s)`. It moves the saga row
  // itself (move_saga) and logs its line.
  bool (*begins_in_unit)(const SagaSnapshot& s) = nullptr;
  void (*begin_in)(const SagaEngine& engine, Command& cmd, SagaSnapshot& s) = nullptr;
  // External steps: the call and the unit recording its answer (SagaEngine::write); false if
  // the call stayed unresolved and the saga is left in flight for recover().
  bool (*execute)(SagaEngine& engine, SagaSnapshot& s, const StepRow& row, Patience& patience) =
      nullptr;

  // -- confirmation (optional): the step's part in confirming the order (stock: commit the
  // reservation), in the confirming unit; a refusal cancels the order.
  void (*confirm_in)(Command& cmd, SagaSnapshot& s) = nullptr;

  // -- backward
  // The undo's effect in the unit of work (null: nothing to undo locally); returns its log
  // line's detail. The engine moves the saga back past the step and logs "compensated".
  nlohmann::json (*compensate_in)(Command& cmd, SagaSnapshot& s) = nullptr;
  // External steps: whether the undo needs no call now (the payment never held money); then
  // compensate_in runs in the unit.
  bool (*compensates_in_unit)(const SagaSnapshot& s) = nullptr;
  // External steps: the undoing call and the unit recording it (SagaEngine::compensated_in);
  // false if the call stayed unresolved.
  bool (*compensate)(SagaEngine& engine, SagaSnapshot& s, const StepRow& row) = nullptr;

  // A host step's implementation (null for built-in steps).
  std::shared_ptr<SagaStep> host;
};

// The steps of a store's sagas (saga_steps() in step_rows.h builds them from SagaOptions).
struct SagaSteps {
  // Every step a saga of the store may name: the built-in rows, then one row per host step.
  std::vector<StepRow> rows;
  // The steps a new order's saga runs, in order.
  std::vector<std::string> new_saga;
};

// Sleeps before retry `attempt` (0-based) of an external call (a gateway, a host step, a
// carrier): exponential from options.backoff_initial_ms up to backoff_max_ms.
void backoff_sleep(const SagaOptions& options, int attempt);

class SagaEngine {
  struct LockEntry;

 public:
  SagaEngine(const Context& ctx, SagaSteps steps);

  const Context& ctx() const { return ctx_; }
  const SagaOptions& options() const { return opts_; }
  const std::vector<std::string>& new_saga_steps() const { return steps_.new_saga; }

  void set_fault_hook(FaultHook hook) { fault_hook_ = std::move(hook); }
  void hook(FaultPoint point) const {
    if (fault_hook_) fault_hook_(point);
  }

  // Serializes this process's drivers of one order (other processes are kept apart by the
  // saga's conditional updates); drivers of different orders never wait for each other.
  class OrderLock {
   public:
    OrderLock(SagaEngine& engine, const std::string& order_id);
    ~OrderLock();
    OrderLock(const OrderLock&) = delete;
    OrderLock& operator=(const OrderLock&) = delete;

   private:
    SagaEngine& engine_;
    const std::string order_id_;
    std::shared_ptr<LockEntry> entry_;
  };

  // Drives the order's saga until it ends, waits for a payment result, or an external call
  // stays unresolved; returns the order as it then is. Starts from `from` (as this driver just
  // wrote it) or else from a fresh read.
  Order drive(const std::string& order_id, bool patient = true,
              std::optional<SagaSnapshot> from = std::nullopt);
  // drive() for a caller that holds the order's OrderLock.
  Order drive_locked(const std::string& order_id, bool patient, SagaSnapshot s);
  SagaSnapshot load(const std::string& order_id) const;
  static SagaSnapshot load_in(Transaction& tx, const std::string& order_id);
  // Whether the saga still needs a driver (running, compensating or cancelling).
  static bool needs_driver(const SagaSnapshot& s) { return in_flight(s.saga.state); }

  // One unit of work: `moves(cmd, snapshot)` (the result of an external call), then every move
  // that needs no external call; `s` becomes the saga as committed.
  template <class Moves>
  void write(SagaSnapshot& s, Moves&& moves);
  // Runs `unit(careful)` optimistically (careful = false) unless a refusal was met lately; if
  // the optimistic unit meets a refusal, runs it again carefully and keeps the next units
  // careful for a while (a flash sale refuses most orders: savepoints are then cheaper than
  // units run twice).
  template <class Unit>
  auto run_optimistically(Unit&& unit);

  // Moves inside the caller's unit of work; each updates `s`.
  // Every move that needs no external call, from where `s` stands.
  void advance_locally(Command& cmd, SagaSnapshot& s) const;
  // `step` refused (`why`): the saga starts compensating the steps before it.
  void fail_in(Command& cmd, SagaSnapshot& s, const std::string& step,
               const std::string& why) const;
  // The step before the saga's position is undone by `effect(cmd, s)` (returning the log
  // line's detail): the saga moves back past it and logs it compensated.
  template <class Effect>
  void compensated_in(Command& cmd, SagaSnapshot& s, const StepRow& row, Effect&& effect) const;

  // Sleeps before retry `attempt` (0-based) of an external call (backoff_sleep).
  void backoff(int attempt) const { backoff_sleep(opts_, attempt); }

 private:
  // The row of the saga's step `index`. Errors: Internal if this store does not know the step.
  const StepRow& row_at(const SagaRecord& saga, int index) const;
  const StepRow* find_row(const std::string& name) const;
  // Whether the saga's next move is local (a local step, an external step's begin, confirming,
  // a local compensation, finishing), so it can share the current unit of work.
  bool local_move(const SagaSnapshot& s) const;
  void run_local_steps_in(Command& cmd, SagaSnapshot& s) const;
  void confirm_in(Command& cmd, SagaSnapshot& s) const;
  void finish_in(Command& cmd, SagaSnapshot& s) const;

  const Context& ctx_;
  const SagaOptions& opts_;
  const SagaSteps steps_;
  FaultHook fault_hook_;
  std::mutex locks_mu_;
  std::map<std::string, std::shared_ptr<LockEntry>> locks_;
  // Units still to run carefully since the last refusal met optimistically.
  std::atomic<int> careful_units_{0};
};

// The moves of a unit of work that holds the saga as `s`: each changes `s` and what the unit has
// still to write (s.unwritten, s.facts.new_order); write_unit() writes it.
// The saga row becomes `next`.
void move_saga(Command& cmd, SagaSnapshot& s, SagaRecord next);
// A saga log line.
void log_saga(Command& cmd, SagaSnapshot& s, const std::string& step, const std::string& action,
              const JsonText& detail = {});
void log_saga(Command& cmd, SagaSnapshot& s, const std::string& step, const std::string& action,
              const nlohmann::json& detail);
// Order status from -> to with its audit row and event. The order row of an order that is not
// new is updated at once (a conditional update: SagaMoved if it is no longer in `from`).
void transition(Command& cmd, SagaSnapshot& s, OrderStatus from, OrderStatus to,
                const std::string& reason, std::string_view event);
// Writes what the unit's moves left unwritten: a new order's rows (order, items, reservations,
// saga) in their final state, or the saga row's change by a conditional update on the position
// the unit read (SagaMoved if someone else moved it); then the log lines and the audit rows.
// Every unit of work that moves a saga through a snapshot ends with it.
void write_unit(Command& cmd, SagaSnapshot& s);

// A move of a saga row read outside a snapshot, in a unit of its own (a cancellation request,
// an expiry): the row moves from `saga` to `next` at once (SagaMoved if someone else moved it)
// and `saga` becomes the new row.
void move_saga_row(Command& cmd, SagaRecord& saga, SagaRecord next);
// Appends a saga log line at once (SagaMoved if the line is already there).
void log_saga_row(Command& cmd, const std::string& order_id, const std::string& step,
                  const std::string& action, const nlohmann::json& detail);

// After a refusal met optimistically, this many units run carefully.
inline constexpr int kCarefulUnitsAfterRefusal = 64;

template <class Unit>
auto SagaEngine::run_optimistically(Unit&& unit) {
  int careful_left = careful_units_.load(std::memory_order_relaxed);
  while (careful_left > 0 && !careful_units_.compare_exchange_weak(
                                 careful_left, careful_left - 1, std::memory_order_relaxed)) {
  }
  if (careful_left > 0) return unit(true);
  try {
    return unit(false);
  } catch (const Refused&) {
    careful_units_.store(kCarefulUnitsAfterRefusal, std::memory_order_relaxed);
  }
  return unit(true);
}

template <class Moves>
void SagaEngine::write(SagaSnapshot& s, Moves&& moves) {
  SagaSnapshot out;
  run_optimistically([&](bool careful) {
    run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
      Command cmd{tx, ctx_, ctx_.clock.now(), s.order.request_id};
      SagaSnapshot t = s;  // the unit may run more than once
      t.careful = careful;
      t.facts = {};
      t.unwritten = {};
      moves(cmd, t);
      advance_locally(cmd, t);
      write_unit(cmd, t);
      out = std::move(t);
    });
  });
  s = std::move(out);
  hook(FaultPoint::kUnitAfter);
}

template <class Effect>
void SagaEngine::compensated_in(Command& cmd, SagaSnapshot& s, const StepRow& row,
                                Effect&& effect) const {
  SagaRecord next = s.saga;
  --next.step;
  move_saga(cmd, s, next);
  const nlohmann::json detail = effect(cmd, s);
  log_saga(cmd, s, row.name, "compensated", detail);
  hook(FaultPoint::kStepCompensateInside);
}

}  // namespace commerce::detail
