// The order operations behind OrderBook: placement (saga/placement.cpp), reads (saga/
// order_reads.cpp), cancellation, fulfilment and the payment callback (saga/order_commands.cpp),
// the sweep and recovery (saga/recovery.cpp), all over the saga engine (saga/saga_engine.h),
// which runs the steps of saga/step_rows.cpp and saga/payment_step.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/returns.h"
#include "context.h"
#include "saga/fault_points.h"
#include "saga/saga_engine.h"

namespace commerce::detail {

// What Carts::checkout() and an exchange (Returns::receive) do in the unit of work that
// creates the order; whatever one throws rolls the whole placement back and propagates.
struct PlacementClaim {
  // Before the saga's first step, with the order as priced: an exchange receives its return
  // here, crediting the points the order spends.
  std::function<void(Command&, const Order&)> before_steps;
  // Before the saga's first step: the reservation rows the order takes over (a cart's hold,
  // re-keyed to the order, its rows deleted), then kept by the stock step; empty for none.
  std::function<std::vector<Reservation>(Command&, const Order&)> take_held;
  // After the saga went as far as it goes there (the order FAILED if a local step refused it).
  std::function<void(Command&, const Order&)> claim;
};

class OrderSaga {
 public:
  // Errors: InvalidArgument (SagaOptions: a host step, attempts, timeout or backoff).
  explicit OrderSaga(const Context& ctx);

  Order place(const PlaceOrder& request, const PlacementClaim& claim = {});
  Quote quote(const PlaceOrder& request) const;
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
  // Partial refunds (saga/refunds.cpp).
  Refund refund(const std::string& order_id, Money amount, const std::string& reason,
                const std::string& request_id);
  std::vector<Refund> refunds(const std::string& order_id) const;
  // Partial cancellation (returns/cancel_items.cpp).
  ItemsCancelled cancel_items(const std::string& order_id, const std::vector<LineItem>& items,
                              const std::string& reason, const std::string& request_id);
  // Asks the gateway for the started refund's answer (repeating the call with its key) and
  // records it (moving the return it pays for, if any); returns the refund as stored then
  // (still started if the answer stayed unknown).
  Refund finish_refund(const std::string& refund_id);
  // Runs the fault hook at `point` (Returns' moves join the crash matrix through it).
  void fault(FaultPoint point) const { engine_.hook(point); }
  // The erasure of personal data (domain/personal_data.cpp).
  int erase_personal_data_before(Timestamp older_than, int limit);
  Order erase_personal_data(const std::string& order_id);

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
  // One fulfilment move (CONFIRMED -> SHIPPED, SHIPPED -> DELIVERED, or SHIPPED -> CONFIRMED
  // when a shipment came back to its sender) with its audit row (`reason`) and OrderShipped /
  // OrderDelivered / OrderShipmentReturned event, in `cmd`'s unit of work. Errors: Unavailable
  // if the order is no longer in `from`. Used by the shipment moves (shipments/
  // shipment_moves.h).
  static void fulfil(Command& cmd, const Order& order, OrderStatus from, OrderStatus to,
                     const std::string& reason);

  // For tests (commerce::testing::set_fault_hook): `hook` runs at every fault point.
  void set_fault_hook(FaultHook hook) { engine_.set_fault_hook(std::move(hook)); }

 private:
  // The unit of work that requests a cancellation (cancel(), and cancel_items() when it takes
  // every unit): checks the order may be cancelled, reserves what remains to refund, moves the
  // saga to cancelling. Nothing if it is cancelled or cancelling already. Errors as cancel();
  // SagaMoved when the saga moved concurrently.
  void request_cancel(Command& cmd, const std::string& order_id, const std::string& reason);
  // Drives a requested cancellation to CANCELLED (Unavailable if the gateway left it unfinished).
  Order finish_cancel(const std::string& order_id);
  // recover()'s part for refunds: finishes every started one but a cancellation's (its saga's).
  void recover_refunds(RecoveryReport& report);

  const Context& ctx_;
  SagaEngine engine_;
};

// The saga behind `book` (for Carts::checkout(), which places through it with a claim).
OrderSaga& saga_of(OrderBook& book);

}  // namespace commerce::detail
