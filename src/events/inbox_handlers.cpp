// The inbox's built-in handlers. Each writes its effect in the message's unit of work (so the
// inbox record and the effect commit together) and leaves anything that must run outside a
// transaction (driving the order saga on, which may call the gateway) to an after-commit
// follow-up that recover() also covers.
//
// The payment handlers record a payment result with the saga's own code
// (OrderSaga::record_payment_result); OrderBook::complete_payment() then finds the result
// recorded and drives the saga to CONFIRMED or FAILED.
#include "inbox_handlers.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/saga.h"
#include "domain/context.h"
#include "domain/event_writer.h"
#include "domain/order_saga.h"
#include "domain/shipments/shipment_moves.h"
#include "domain/unit_access.h"

namespace commerce::detail {

namespace {

Order require_order(Command& cmd, const std::string& order_id) {
  auto order = cmd.tx.find_order(order_id);
  if (!order) throw Error::not_found("order", order_id);
  return *order;
}

void payment_handler(InboxContext& ctx, const IncomingMessage& message, bool approved,
                     OrderBook* orders) {
  Command& cmd = UnitAccess::command(ctx.unit());
  const std::string order_id = message.string_field("order_id");
  const PaymentResult result{
      approved ? PaymentOutcome::kApproved : PaymentOutcome::kDeclined,
      message.optional_string_field("reference").value_or(""),
      message.optional_string_field("reason").value_or(approved ? "" : "declined by callback"),
      true};
  OrderSaga::record_payment_result(cmd, order_id, result, {{"message_id", message.id}});
  if (orders != nullptr) {
    ctx.unit().after_commit(
        [orders, order_id, approved] { orders->complete_payment(order_id, approved); });
  }
}

// "shipped": CONFIRMED -> SHIPPED. "delivered": SHIPPED -> DELIVERED, or CONFIRMED -> SHIPPED ->
// DELIVERED when the shipped update was lost or arrives later. An update the order is already
// at or past changes nothing (updates may arrive out of order). The whole order moves, as
// OrderBook::ship()/deliver() move it (shipments/shipment_moves.h).
void delivery_handler(InboxContext& ctx, const IncomingMessage& message) {
  Command& cmd = UnitAccess::command(ctx.unit());
  const std::string order_id = message.string_field("order_id");
  const std::string status = message.string_field("status");
  if (status != "shipped" && status != "delivered") {
    throw Error::invalid_argument("payload.status", "must be \"shipped\" or \"delivered\"");
  }
  const std::string reason = fmt::format("delivery update '{}'", message.id);
  Order order = require_order(cmd, order_id);
  const bool delivered = status == "delivered";
  switch (order.status) {
    case OrderStatus::kConfirmed:
      ship_whole_order(cmd, order, reason);
      if (!delivered) return;
      order = require_order(cmd, order_id);
      [[fallthrough]];
    case OrderStatus::kShipped:
      if (delivered) deliver_whole_order(cmd, order, reason);
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

// A carrier's scan of one shipment: {shipment_id} or {carrier, tracking_number}, status
// (shipped, in_transit, delivery_failed, delivered, returned), occurred_at (ms), detail.
// Applied by the tracking rule of commerce/shipments.h: a stale or repeated scan changes nothing.
void tracking_handler(InboxContext& ctx, const IncomingMessage& message) {
  Command& cmd = UnitAccess::command(ctx.unit());
  TrackingUpdate update;
  update.shipment_id = message.optional_string_field("shipment_id").value_or("");
  update.carrier = message.optional_string_field("carrier").value_or("");
  update.tracking_number = message.optional_string_field("tracking_number").value_or("");
  update.event.status = parse_shipment_status(message.string_field("status"));
  update.event.occurred_at = message.int_field("occurred_at");
  update.event.detail = message.optional_string_field("detail").value_or("");
  apply_tracking(cmd, update);
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
  inbox.register_handler("ShipmentTracking", tracking_handler);
}

}  // namespace commerce::detail
