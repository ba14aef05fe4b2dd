// The order saga engine behind OrderBook: placement, the step/compensation driver, payments,
// cancellation, the sweep and recovery.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"
#include "commerce/storage.h"
#include "context.h"
#include "ledger_steps.h"

namespace commerce::detail {

// What the current unit of work itself wrote or read about its order, so that its later moves
// need not read it again. Empty at the start of every unit.
struct UnitFacts {
  bool new_order = false;              // the order was created in this unit, its products read
  std::optional<CouponRead> coupon;    // the coupon as the placement read it to bound the points
  std::vector<Reservation> reserved;   // the reservations this unit made
};

class OrderSaga {
 public:
  explicit OrderSaga(const Context& ctx);

  Order place(const PlaceOrder& request);
  Order get(const std::string& order_id) const;
  Page<Order> list_for_user(const std::string& user_id, const std::string& cursor,
                            int limit) const;
  std::vector<OrderAudit> audit(const std::string& order_id) const;
  Order cancel(const std::string& order_id, const std::string& reason,
               const std::string& request_id);
  Order advance_fulfilment(const std::string& order_id, OrderStatus from, OrderStatus to);
  Order complete_payment(const std::string& order_id, bool approved);
  std::vector<std::string> sweep(int limit);
  RecoveryReport recover();

  // Records an approved or declined result of the order's payment in `cmd`'s unit of work, as
  // the saga records a gateway's answer (payment status, PaymentCompleted / PaymentFailed, the
  // saga log line with `log_detail` added, the saga moved past the payment or into
  // compensation); driving the saga on is left to the caller (complete_payment()). Returns
  // false if that same result is already recorded. Errors: NotFound (no such order);
  // FailedPrecondition kIllegalTransition (not waiting for a payment result); Unavailable (the
  // order changed concurrently). Used by the inbox's payment handlers.
  static bool record_payment_result(Command& cmd, const std::string& order_id,
                                    const PaymentResult& result,
                                    const nlohmann::json& log_detail);
  // One fulfilment move (CONFIRMED -> SHIPPED or SHIPPED -> DELIVERED) with its audit row
  // (`reason`) and OrderShipped / OrderDelivered event, in `cmd`'s unit of work. Errors:
  // Unavailable if the order is no longer in `from`. Used by ship()/deliver() and the inbox.
  static void fulfil(Command& cmd, const Order& order, OrderStatus from, OrderStatus to,
                     const std::string& reason);

 private:
  // A saga as one driver last wrote or read it.
  struct Snapshot {
    SagaRecord saga;
    Order order;
    std::optional<Payment> payment;
    // This driver began the payment and has not called the gateway yet (a payment found begun
    // by someone else is resolved by key instead).
    bool charge_now = false;
    // How the current unit of work meets a refused move (see Refused in order_saga.cpp):
    // careful, each refusable move in a savepoint of its own, so the refusal rolls back alone
    // and the saga compensates inside the unit; or optimistic, no savepoints, and a refusal
    // abandons the whole unit, which is then run again carefully.
    bool careful = true;
    UnitFacts facts;
  };

  // Drives the order's saga until it ends, waits for a payment result, or an external call
  // stays unresolved; returns the order as it then is. Starts from `from` (as this driver just
  // wrote it) or else from a fresh read.
  // `patient`: a payment another driver started is given the time that driver's gateway calls
  // can take before this one asks the gateway itself (which would void a key it never saw).
  // recover() is not patient: after a crash nobody else is calling.
  Order drive(const std::string& order_id, bool patient = true,
              std::optional<Snapshot> from = std::nullopt);
  // drive() for a caller that holds the order's OrderLock.
  Order drive_locked(const std::string& order_id, bool patient, Snapshot s);
  Snapshot load(const std::string& order_id) const;
  static Snapshot load_in(Transaction& tx, const std::string& order_id);
  // One unit of work: `moves(cmd, snapshot)` (the result of an external call), then every move
  // that needs no external call; `s` becomes the saga as committed.
  template <class Moves>
  void write(Snapshot& s, Moves&& moves);
  // Runs `unit(careful)` optimistically (careful = false) unless a refusal was met lately; if
  // the optimistic unit meets a refusal, runs it again carefully and keeps the next units
  // careful for a while (a flash sale refuses most orders: savepoints are then cheaper than
  // units run twice).
  template <class Unit>
  auto run_optimistically(Unit&& unit);
  // Whether the saga's next move is local (a local step, beginning or skipping the payment,
  // confirming, a local compensation, finishing), so it can share the current unit of work.
  static bool local_move(const Snapshot& s);
  static bool needs_driver(const Snapshot& s);
  static bool awaits_payment_result(const Snapshot& s);

  // Moves inside the caller's unit of work; each updates `s`.
  void advance_locally(Command& cmd, Snapshot& s) const;
  void run_local_steps_in(Command& cmd, Snapshot& s) const;
  void fail_in(Command& cmd, Snapshot& s, const std::string& step, const std::string& why) const;
  void begin_payment_in(Command& cmd, Snapshot& s) const;
  void record_payment_in(Command& cmd, Snapshot& s, const PaymentResult& result) const;
  static void apply_payment_result(Command& cmd, Snapshot& s, const PaymentResult& result,
                                   const nlohmann::json& log_detail);
  void confirm_in(Command& cmd, Snapshot& s) const;
  void undo_in(Command& cmd, Snapshot& s, const std::string& step) const;
  void undo_payment_in(Command& cmd, Snapshot& s, PaymentStatus to,
                       const std::string& reference) const;
  void finish_in(Command& cmd, Snapshot& s) const;

  // Moves around an external call (the gateway, a host step); false if the call stayed
  // unresolved and the saga is left in flight for recover().
  bool execute_host(Snapshot& s, const std::string& step);
  bool pay(Snapshot& s, bool patient,
           std::optional<std::chrono::steady_clock::time_point>& waiting_since);
  bool resolve_unknown(const Snapshot& s, PaymentResult& result);
  bool compensate(Snapshot& s, const std::string& step);
  bool undo_payment(Snapshot& s);

  SagaStep* host_step(const std::string& name) const;
  std::vector<std::string> step_names() const;
  bool local_stock(const SagaRecord& saga) const;
  void hook(const std::string& point) const;
  // Serializes this process's drivers of one order (other processes are kept apart by the
  // saga's conditional updates); drivers of different orders never wait for each other.
  class OrderLock;
  template <class Call>
  PaymentResult call_gateway(Call&& call) const;
  void backoff(int attempt) const;

  const Context& ctx_;
  const SagaOptions& opts_;
  std::map<std::string, std::shared_ptr<SagaStep>> host_steps_;
  struct LockEntry {
    std::mutex mu;
    int users = 0;
  };
  std::mutex locks_mu_;
  std::map<std::string, std::shared_ptr<LockEntry>> locks_;
  // Units still to run carefully since the last refusal met optimistically.
  std::atomic<int> careful_units_{0};
};

}  // namespace commerce::detail
