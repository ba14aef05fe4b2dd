// Partial refunds of an order's payment (OrderBook::refund): the amount is reserved on the order
// with a conditional update and a started refund row in one unit, the gateway is called outside
// any transaction with the refund's own idempotency key, and its answer is recorded in a second
// unit (approved: PaymentRefunded; declined: the reservation given back). An unknown answer
// leaves the refund started; recover() repeats the call with the same key. A refund that pays
// for a return (commerce/returns.h) closes it when its answer is recorded.
#include <fmt/format.h>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/order_saga.h"
#include "domain/validate.h"
#include "payment_step.h"

namespace commerce::detail {

namespace {

// The first unit: the order is paid and the amount fits in what remains of its payment; the
// amount is reserved on the order and the started refund written. Returns the refund's id.
std::string reserve_refund(Command& cmd, const std::string& order_id, Money amount,
                           const std::string& reason) {
  Transaction& tx = cmd.tx;
  const auto order = tx.find_order(order_id);  // locks the order's row (PostgreSQL)
  if (!order) throw Error::not_found("order", order_id);
  const auto saga = tx.find_saga(order_id);
  if (!paid_status(order->status) || !saga || saga->state != SagaState::kConfirmed) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' is {}{}: only a paid order (CONFIRMED, SHIPPED or DELIVERED) is "
                    "refunded in part",
                    order_id, to_string(order->status),
                    saga && saga->state == SagaState::kCancelling ? " and being cancelled" : ""));
  }
  const auto payment = tx.find_payment(order_id);
  if (!payment || payment->status != PaymentStatus::kApproved) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, order_id,
        fmt::format("order '{}' has no approved payment to refund (its total was {})", order_id,
                    order->total));
  }
  if (!tx.try_reserve_refund(order_id, amount)) {
    const Money refunded = tx.find_refunded(order_id);
    throw Error::invalid_argument(
        "amount", fmt::format("{} is above what remains to refund of order '{}': {} of its "
                              "payment of {} ({} refunded or being refunded)",
                              amount, order_id, payment->amount - refunded, payment->amount,
                              refunded));
  }
  const std::string id = new_id(cmd.now);
  if (!insert_started_refund(cmd, id, order_id, payment->id, amount, reason)) {
    throw Error::internal(fmt::format("refund id '{}' is taken", id));
  }
  return id;
}

}  // namespace

bool insert_started_refund(Command& cmd, const std::string& id, const std::string& order_id,
                           const std::string& payment_id, Money amount,
                           const std::string& reason) {
  return cmd.tx.insert_refund({.id = id,
                               .order_id = order_id,
                               .payment_id = payment_id,
                               .amount = amount,
                               .status = RefundStatus::kStarted,
                               .reason = reason,
                               .reference = {},
                               .message = {},
                               .request_id = cmd.request_id,
                               .created_at = cmd.now,
                               .updated_at = cmd.now});
}

Refund OrderSaga::refund(const std::string& order_id, Money amount, const std::string& reason,
                         const std::string& request_id) {
  check_id("order_id", order_id);
  if (amount <= 0) throw Error::invalid_argument("amount", "must be above 0");
  check_text("reason", reason, kMaxNameBytes, false);
  const nlohmann::json call = {
      {"op", "orders.refund"}, {"order_id", order_id}, {"amount", amount}, {"reason", reason}};
  const std::string refund_id =
      run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
        return once_per_request(cmd, call, [&] {
          std::string id = reserve_refund(cmd, order_id, amount, reason);
          engine_.hook(FaultPoint::kRefundReserveInside);
          return id;
        });
      });
  engine_.hook(FaultPoint::kRefundReserveAfter);
  Refund refund = finish_refund(refund_id);
  if (refund.status == RefundStatus::kStarted) {
    throw Error::unavailable(
        refund_id, fmt::format("refund '{}' of order '{}' is reserved but the gateway did not "
                               "answer; recover() finishes it",
                               refund_id, order_id));
  }
  return refund;
}

Refund OrderSaga::finish_refund(const std::string& refund_id) {
  const auto load = [&] {
    return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
      auto found = tx.find_refund(refund_id);
      if (!found) throw Error::not_found("refund", refund_id);
      return *found;
    });
  };
  const Refund refund = load();
  if (refund.status != RefundStatus::kStarted) return refund;
  PaymentGateway* gateway = ctx_.options.gateway.get();
  if (!gateway) return refund;  // nothing can answer it: it stays started
  const std::int64_t timeout_ms = engine_.options().gateway_timeout_ms;
  const PaymentResult result = call_gateway(engine_, [&] {
    try {
      return gateway->refund_part(refund.payment_id, refund.id, refund.amount, timeout_ms);
    } catch (const Error& e) {
      // A gateway without partial refunds (or one refusing the request as such) declines it.
      if (e.code() != ErrorCode::kFailedPrecondition) throw;
      return PaymentResult{PaymentOutcome::kDeclined, {}, e.what(), true};
    }
  });
  engine_.hook(FaultPoint::kRefundGatewayAfter);
  if (result.outcome != PaymentOutcome::kApproved &&
      result.outcome != PaymentOutcome::kDeclined) {
    return refund;  // unknown or pending: asked again with the same key later
  }
  const bool approved = result.outcome == PaymentOutcome::kApproved;
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    if (!tx.try_finish_refund(refund.id,
                              approved ? RefundStatus::kApproved : RefundStatus::kDeclined,
                              result.reference, approved ? std::string() : result.message,
                              cmd.now)) {
      return;  // another caller recorded the answer
    }
    if (approved) {
      emit(cmd, "PaymentRefunded", refund.order_id,
           {{"order_id", refund.order_id},
            {"payment_id", refund.payment_id},
            {"refund_id", refund.id},
            {"amount", refund.amount}});
    } else if (!tx.try_release_refund(refund.order_id, refund.amount)) {
      throw Error::internal(fmt::format("order '{}' holds less than its refund '{}' reserved",
                                        refund.order_id, refund.id));
    }
    // A return's refund closes the return (commerce/returns.h).
    if (auto paid_for = tx.find_return_by_refund(refund.id)) {
      Return next = *paid_for;
      next.status = approved ? ReturnStatus::kRefunded : ReturnStatus::kRefundDeclined;
      next.updated_at = cmd.now;
      if (!tx.try_move_return(next, ReturnStatus::kReceived)) {
        throw Error::internal(fmt::format("return '{}' of refund '{}' is {}, not received",
                                          next.id, refund.id, to_string(paid_for->status)));
      }
      emit(cmd, approved ? "ReturnRefunded" : "ReturnRefundDeclined", refund.order_id,
           {{"return_id", next.id},
            {"order_id", refund.order_id},
            {"refund_id", refund.id},
            {"money", refund.amount}});
    }
    engine_.hook(FaultPoint::kRefundRecordInside);
  });
  return load();
}

std::vector<Refund> OrderSaga::refunds(const std::string& order_id) const {
  check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    if (!tx.find_order(order_id)) throw Error::not_found("order", order_id);
    return tx.find_refunds(order_id);
  });
}

void OrderSaga::recover_refunds(RecoveryReport& report) {
  std::string after;
  for (;;) {
    const auto page = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
      return tx.list_started_refunds(after, 100);
    });
    if (page.empty()) return;
    for (const auto& started : page) {
      after = started.id;
      // What remained at a cancellation: the cancelling saga finishes it (driven above).
      if (started.id == cancel_refund_id(started.payment_id)) continue;
      try {
        if (finish_refund(started.id).status == RefundStatus::kStarted) {
          report.unresolved.push_back(fmt::format(
              "refund {} of order {}: the gateway did not answer", started.id, started.order_id));
        }
      } catch (const Error& e) {
        report.unresolved.push_back(fmt::format("refund {}: {}", started.id, e.what()));
      }
    }
  }
}

}  // namespace commerce::detail
