// The inbox's built-in handlers. Each writes its effect in the message's unit of work (so the
// inbox record and the effect commit together) and leaves anything that must run outside a
// transaction (driving the order saga on, which may call the gateway) to an after-commit
// follow-up that recover() also covers.
//
// The payment handlers record a payment result exactly as the saga records a gateway's answer
// (payment status, PaymentCompleted/PaymentFailed event, saga log line "done"/"failed", saga
// moved past the payment step or into compensation); OrderBook::complete_payment() then finds
// the result recorded and drives the saga to CONFIRMED or FAILED.
#include "inbox_handlers.h"

#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"
#include "domain/context.h"
#include "domain/event_writer.h"

namespace commerce::detail {

namespace {

using nlohmann::json;

constexpr const char* kPaymentStep = "payment";

Order require_order(Command& cmd, const std::string& order_id) {
  auto order = cmd.tx.find_order(order_id);
  if (!order) throw Error::not_found("order", order_id);
  return *order;
}

Error changed_concurrently(const std::string& order_id) {
  return Error::unavailable(order_id, fmt::format("order '{}' changed concurrently; send the "
                                                  "message again",
                                                  order_id));
}

// Records an approved or declined payment result for an order waiting for one. Returns false if
// the same result was already recorded (nothing to do but drive the saga on).
bool record_payment_result(Command& cmd, const IncomingMessage& message, bool approved) {
  const std::string order_id = message.string_field("order_id");
  const std::string reference = message.optional_string_field("reference").value_or("");
  const std::string why =
      message.optional_string_field("reason").value_or(approved ? "" : "declined by callback");
  const Order order = require_order(cmd, order_id);
  const auto saga = cmd.tx.find_saga(order_id);
  const auto payment = cmd.tx.find_payment(order_id);
  if (saga && payment) {
    const auto step = std::find(saga->steps.begin(), saga->steps.end(), kPaymentStep);
    const int index = static_cast<int>(step - saga->steps.begin());
    const bool waiting =
        step != saga->steps.end() &&
        (payment->status == PaymentStatus::kPending || payment->status == PaymentStatus::kStarted) &&
        (saga->state == SagaState::kAwaitingPayment ||
         (saga->state == SagaState::kRunning && saga->step == index));
    if (waiting) {
      const PaymentStatus to = approved ? PaymentStatus::kApproved : PaymentStatus::kDeclined;
      if (!cmd.tx.try_set_payment_status(payment->id, payment->status, to, reference, cmd.now)) {
        throw changed_concurrently(order_id);
      }
      json payload = {{"order_id", order_id},
                      {"payment_id", payment->id},
                      {"amount", payment->amount},
                      {"reference", reference.empty() ? payment->reference : reference}};
      SagaRecord next = *saga;
      next.updated_at = cmd.now;
      json log_detail = {{"message_id", message.id}};
      if (approved) {
        emit(cmd, "PaymentCompleted", order_id, payload);
        log_detail["reference"] = payload["reference"];
        next.state = SagaState::kRunning;
        next.step = index + 1;
      } else {
        payload["reason"] = why;
        emit(cmd, "PaymentFailed", order_id, payload);
        log_detail["reason"] = why;
        next.state = SagaState::kCompensating;
        next.reason = "payment declined: " + why;
      }
      if (!cmd.tx.try_insert_saga_log(
              {order_id, kPaymentStep, approved ? "done" : "failed", log_detail.dump(), cmd.now}) ||
          !cmd.tx.try_update_saga(next, saga->position)) {
        throw changed_concurrently(order_id);
      }
      return true;
    }
    const bool same = approved ? payment->status == PaymentStatus::kApproved
                               : payment->status == PaymentStatus::kDeclined;
    if (same) return false;
  }
  throw Error::failed_precondition(
      Reason::kIllegalTransition, order_id,
      fmt::format("order '{}' is {} and not waiting for a payment result", order_id,
                  to_string(order.status)));
}

void payment_handler(InboxContext& ctx, const IncomingMessage& message, bool approved,
                     OrderBook* orders) {
  Command& cmd = InboxAccess::command(ctx);
  record_payment_result(cmd, message, approved);
  if (orders != nullptr) {
    const std::string order_id = message.string_field("order_id");
    ctx.after_commit([orders, order_id, approved] { orders->complete_payment(order_id, approved); });
  }
}

// One fulfilment step with its audit row and event, as OrderBook::ship()/deliver() write it.
void advance(Command& cmd, const Order& order, OrderStatus from, OrderStatus to,
             const std::string& message_id) {
  if (!cmd.tx.try_set_order_status(order.id, from, to, {}, cmd.now)) {
    throw changed_concurrently(order.id);
  }
  cmd.tx.insert_order_audit({new_id(cmd.now), order.id, from, to,
                             fmt::format("delivery update '{}'", message_id), cmd.now});
  emit(cmd, to == OrderStatus::kShipped ? "OrderShipped" : "OrderDelivered", order.id,
       {{"order_id", order.id}, {"user_id", order.user_id}, {"status", to_string(to)}});
}

// "shipped": CONFIRMED -> SHIPPED. "delivered": SHIPPED -> DELIVERED, or CONFIRMED -> SHIPPED ->
// DELIVERED when the shipped update was lost or arrives later. An update the order is already
// at or past changes nothing (updates may arrive out of order).
void delivery_handler(InboxContext& ctx, const IncomingMessage& message) {
  Command& cmd = InboxAccess::command(ctx);
  const std::string order_id = message.string_field("order_id");
  const std::string status = message.string_field("status");
  if (status != "shipped" && status != "delivered") {
    throw Error::invalid_argument("payload.status", "must be \"shipped\" or \"delivered\"");
  }
  const Order order = require_order(cmd, order_id);
  const bool delivered = status == "delivered";
  switch (order.status) {
    case OrderStatus::kConfirmed:
      advance(cmd, order, OrderStatus::kConfirmed, OrderStatus::kShipped, message.id);
      if (delivered) advance(cmd, order, OrderStatus::kShipped, OrderStatus::kDelivered, message.id);
      return;
    case OrderStatus::kShipped:
      if (delivered) advance(cmd, order, OrderStatus::kShipped, OrderStatus::kDelivered, message.id);
      return;
    case OrderStatus::kDelivered:
      return;
    default:
      throw Error::failed_precondition(
          Reason::kIllegalTransition, order_id,
          fmt::format("order '{}' is {} and cannot be {}", order_id, to_string(order.status),
                      status));
  }
}

}  // namespace

void register_builtin_handlers(Inbox& inbox, OrderBook* orders) {
  inbox.register_handler("PaymentCompleted", [orders](InboxContext& ctx, const IncomingMessage& m) {
    payment_handler(ctx, m, true, orders);
  });
  inbox.register_handler("PaymentFailed", [orders](InboxContext& ctx, const IncomingMessage& m) {
    payment_handler(ctx, m, false, orders);
  });
  inbox.register_handler("DeliveryUpdated", delivery_handler);
}

}  // namespace commerce::detail
