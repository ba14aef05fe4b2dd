// Commands on placed orders: cancellation, fulfilment (ship, deliver) and the payment's result
// from a callback or the inbox.
#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/order_saga.h"
#include "domain/validate.h"
#include "domain/shipments/shipment_moves.h"
#include "payment_step.h"

namespace commerce::detail {

using nlohmann::json;

namespace {

// A paid order with partial refunds is cancelled by refunding only what remains: reserved here,
// in the unit that requests the cancellation (the order's row is locked, so no refund slips in
// between), as a started refund the payment's undo finishes (payment_step.cpp). None when
// nothing was refunded (the payment is refunded whole) or nothing remains. Refused while a
// partial refund is under way: its answer would change what remains.
void reserve_cancel_refund(Command& cmd, const Order& order) {
  Transaction& tx = cmd.tx;
  const Money refunded = tx.find_refunded(order.id);
  if (refunded == 0) return;
  for (const Refund& r : tx.find_refunds(order.id)) {
    if (r.status == RefundStatus::kStarted) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order.id,
          fmt::format("order '{}' has refund '{}' under way; recover() finishes it, then cancel",
                      order.id, r.id));
    }
  }
  const auto payment = tx.find_payment(order.id);
  if (!payment || payment->amount == refunded) return;
  const Money remainder = payment->amount - refunded;
  if (!tx.try_reserve_refund(order.id, remainder)) throw SagaMoved{};
  if (!insert_started_refund(cmd, cancel_refund_id(payment->id), order.id, payment->id,
                             remainder, "what remained, at cancellation")) {
    throw SagaMoved{};
  }
}

}  // namespace

void OrderSaga::request_cancel(Command& cmd, const std::string& order_id,
                               const std::string& reason) {
  Transaction& tx = cmd.tx;
  auto saga = tx.find_saga(order_id);
  const auto order = tx.find_order(order_id);
  if (!saga || !order) throw Error::not_found("order", order_id);
  if (order->status == OrderStatus::kCancelled || saga->state == SagaState::kCancelling) return;
  const bool cancellable =
      (saga->state == SagaState::kConfirmed && order->status == OrderStatus::kConfirmed) ||
      (saga->state == SagaState::kAwaitingPayment &&
       order->status == OrderStatus::kAwaitingPayment);
  if (cancellable && order->status == OrderStatus::kConfirmed && has_shipments(cmd, order_id)) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' has units in shipments; cancel its shipments first "
                    "(Shipments::cancel)",
                    order_id));
  }
  if (!cancellable) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {}{} and cannot be cancelled", order_id,
                    to_string(order->status),
                    in_flight(saga->state) ? " with its placement in progress" : ""));
  }
  reserve_cancel_refund(cmd, *order);
  SagaRecord next = *saga;
  next.state = SagaState::kCancelling;
  next.step = static_cast<int>(saga->steps.size());
  next.reason = reason.empty() ? "cancelled" : reason;
  move_saga_row(cmd, *saga, next);
  log_saga_row(cmd, order_id, "order", "cancel_requested", {{"reason", next.reason}});
  engine_.hook(FaultPoint::kCancelRequestInside);
}

Order OrderSaga::finish_cancel(const std::string& order_id) {
  engine_.hook(FaultPoint::kCancelRequestAfter);
  Order order = engine_.drive(order_id);
  if (order.status != OrderStatus::kCancelled) {
    throw Error::unavailable(order_id,
                             fmt::format("the cancellation of order '{}' is recorded but not "
                                         "finished (the gateway did not answer); recover() "
                                         "finishes it",
                                         order_id));
  }
  return order;
}

Order OrderSaga::cancel(const std::string& order_id, const std::string& reason,
                        const std::string& request_id) {
  check_id("order_id", order_id);
  check_text("reason", reason, kMaxNameBytes, false);
  const json call = {{"op", "orders.cancel"}, {"order_id", order_id}, {"reason", reason}};
  for (int attempt = 0;; ++attempt) {
    try {
      run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
        return once_per_request(cmd, call, [&] {
          request_cancel(cmd, order_id, reason);
          return order_id;
        });
      });
      break;
    } catch (const SagaMoved&) {
      if (attempt >= 100) throw Error::unavailable(order_id, "the order kept changing; retry");
    }
  }
  return finish_cancel(order_id);
}

Order OrderSaga::advance_fulfilment(const std::string& order_id, OrderStatus from,
                                    OrderStatus to) {
  check_id("order_id", order_id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const auto order = tx.find_order(order_id);
    if (!order) throw Error::not_found("order", order_id);
    if (order->status == to) return;
    if (order->status != from) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order_id,
          fmt::format("order '{}' is {}, not {}", order_id, to_string(order->status),
                      to_string(from)));
    }
    if (to == OrderStatus::kShipped) {
      ship_whole_order(cmd, *order, {});
    } else {
      deliver_whole_order(cmd, *order, {});
    }
  });
  return get(order_id);
}

void OrderSaga::fulfil(Command& cmd, const Order& order, OrderStatus from, OrderStatus to,
                       const std::string& reason) {
  if (!cmd.tx.try_set_order_status(order.id, from, to, {}, cmd.now)) {
    throw Error::unavailable(order.id, fmt::format("order '{}' changed concurrently; try again",
                                                   order.id));
  }
  cmd.tx.insert_order_audits({{new_id(cmd.now), order.id, from, to, reason, cmd.now}});
  const char* type = to == OrderStatus::kShipped     ? "OrderShipped"
                     : to == OrderStatus::kDelivered ? "OrderDelivered"
                                                     : "OrderShipmentReturned";
  emit(cmd, type, order.id,
       {{"order_id", order.id}, {"user_id", order.user_id}, {"status", to_string(to)}});
}

Order OrderSaga::complete_payment(const std::string& order_id, bool approved) {
  check_id("order_id", order_id);
  const PaymentResult result{approved ? PaymentOutcome::kApproved : PaymentOutcome::kDeclined,
                             {}, approved ? "approved by callback" : "declined by callback",
                             true};
  for (int attempt = 0; attempt < 100; ++attempt) {
    SagaSnapshot s = engine_.load(order_id);
    if (awaits_payment_result(s)) {
      try {
        SagaEngine::OrderLock lock(engine_, order_id);
        engine_.write(
            s, [&](Command& cmd, SagaSnapshot& t) { record_payment_in(engine_, cmd, t, result); });
      } catch (const SagaMoved&) {
        continue;
      }
      if (!SagaEngine::needs_driver(s)) return s.order;
      return engine_.drive(order_id, true, std::move(s));
    }
    const bool same = s.payment && (approved ? s.payment->status == PaymentStatus::kApproved
                                             : s.payment->status == PaymentStatus::kDeclined);
    if (same) return engine_.drive(order_id);
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {} and not waiting for a payment result", order_id,
                    to_string(s.order.status)));
  }
  throw Error::unavailable(order_id, "the order kept changing; retry");
}

bool OrderSaga::record_payment_result(Command& cmd, const std::string& order_id,
                                      const PaymentResult& result, const json& log_detail) {
  SagaSnapshot s = SagaEngine::load_in(cmd.tx, order_id);
  if (!awaits_payment_result(s)) {
    const bool same = s.payment && ((result.outcome == PaymentOutcome::kApproved &&
                                     s.payment->status == PaymentStatus::kApproved) ||
                                    (result.outcome == PaymentOutcome::kDeclined &&
                                     s.payment->status == PaymentStatus::kDeclined));
    if (same) return false;
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {} and not waiting for a payment result", order_id,
                    to_string(s.order.status)));
  }
  try {
    apply_payment_result(cmd, s, result, log_detail);
    write_unit(cmd, s);
  } catch (const SagaMoved&) {
    throw Error::unavailable(order_id, fmt::format("order '{}' changed concurrently; try again",
                                                   order_id));
  }
  return true;
}

}  // namespace commerce::detail
