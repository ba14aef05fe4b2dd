#include "shipment_moves.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "domain/event_writer.h"
#include "domain/order_saga.h"
#include "domain/validate.h"

namespace commerce::detail {

using nlohmann::json;

ShipmentLevels shipment_levels(ShipmentStatus status) {
  switch (status) {
    case ShipmentStatus::kRequested:
    case ShipmentStatus::kPending:
    case ShipmentStatus::kCancelling:
      return {1, 0, 0};
    case ShipmentStatus::kShipped:
    case ShipmentStatus::kInTransit:
    case ShipmentStatus::kDeliveryFailed:
      return {1, 1, 0};
    case ShipmentStatus::kDelivered:
      return {1, 1, 1};
    case ShipmentStatus::kReturned:
    case ShipmentStatus::kCancelled:
      break;
  }
  return {};
}

namespace {

// How far along the way a status is, for "never backwards".
int rank(ShipmentStatus status) {
  switch (status) {
    case ShipmentStatus::kRequested:
      return 0;
    case ShipmentStatus::kPending:
    case ShipmentStatus::kCancelling:
      return 1;
    case ShipmentStatus::kShipped:
      return 2;
    case ShipmentStatus::kInTransit:
      return 3;
    case ShipmentStatus::kDeliveryFailed:
      return 4;
    case ShipmentStatus::kDelivered:
    case ShipmentStatus::kReturned:
    case ShipmentStatus::kCancelled:
      break;
  }
  return 5;
}

bool is_final(ShipmentStatus status) {
  return status == ShipmentStatus::kDelivered || status == ShipmentStatus::kReturned ||
         status == ShipmentStatus::kCancelled;
}

json shipment_payload(const Shipment& s) {
  return {{"shipment_id", s.id},       {"order_id", s.order_id},
          {"location_id", s.location_id}, {"carrier", s.carrier},
          {"tracking_number", s.tracking_number}, {"status", to_string(s.status)}};
}

// The events of one move, in order.
std::vector<std::string_view> events_of(ShipmentStatus from, ShipmentStatus to) {
  std::vector<std::string_view> types;
  if (to == ShipmentStatus::kPending && from == ShipmentStatus::kRequested) {
    types.push_back("ShipmentLabelCreated");
  }
  if (shipment_levels(from).shipped == 0 && shipment_levels(to).shipped == 1) {
    types.push_back("ShipmentDispatched");
  }
  switch (to) {
    case ShipmentStatus::kInTransit:
      types.push_back("ShipmentInTransit");
      break;
    case ShipmentStatus::kDeliveryFailed:
      types.push_back("ShipmentDeliveryFailed");
      break;
    case ShipmentStatus::kDelivered:
      types.push_back("ShipmentDelivered");
      break;
    case ShipmentStatus::kReturned:
      types.push_back("ShipmentReturned");
      break;
    case ShipmentStatus::kCancelled:
      types.push_back("ShipmentCancelled");
      break;
    default:
      break;
  }
  return types;
}

// Why the units of `item` cannot be packed at the location, as the caller's error.
Error refusal(Command& cmd, const Shipment& s, const ShipmentItem& item) {
  const auto rows = cmd.tx.find_fulfilment(s.order_id);
  bool at_location = false, in_order = false;
  for (const auto& row : rows) {
    if (row.state != ReservationState::kCommitted) continue;
    at_location |= row.location_id == s.location_id;
    in_order |= row.product_id == item.product_id;
    if (row.location_id != s.location_id || row.product_id != item.product_id) continue;
    const std::int64_t unshipped = row.live() - row.packed;
    if (item.qty > unshipped) {
      return Error::invalid_argument(
          "items", fmt::format("order '{}' has {} unit(s) of '{}' at '{}' not in a shipment; "
                               "{} asked",
                               s.order_id, unshipped, item.product_id, s.location_id, item.qty));
    }
    return Error::failed_precondition(
        Reason::kNone, "items",
        fmt::format("{} of the {} unit(s) of '{}' at '{}' are backordered and wait for a "
                    "restock there",
                    row.backordered, row.qty, item.product_id, s.location_id));
  }
  if (!at_location) {
    return Error::invalid_argument(
        "location_id", fmt::format("order '{}' holds no stock at location '{}'", s.order_id,
                                   s.location_id));
  }
  if (!in_order) {
    return Error::invalid_argument(
        "items", fmt::format("product '{}' is not in order '{}'", item.product_id, s.order_id));
  }
  return Error::invalid_argument(
      "items", fmt::format("order '{}' holds none of '{}' at location '{}'", s.order_id,
                           item.product_id, s.location_id));
}

std::int64_t units(const ShipmentItem& item, std::int64_t level) { return item.qty * level; }

}  // namespace

void follow_units(Command& cmd, const std::string& order_id, const std::string& reason) {
  auto order = cmd.tx.find_order(order_id);
  if (!order) throw Error::not_found("order", order_id);
  std::int64_t total = 0, shipped = 0, delivered = 0;
  for (const auto& row : cmd.tx.find_fulfilment(order_id)) {
    if (row.state != ReservationState::kCommitted) continue;
    total += row.live();
    shipped += row.shipped;
    delivered += row.delivered;
  }
  if (total == 0) return;
  const OrderStatus target = delivered == total ? OrderStatus::kDelivered
                             : shipped == total ? OrderStatus::kShipped
                                                : OrderStatus::kConfirmed;
  constexpr OrderStatus kWay[] = {OrderStatus::kConfirmed, OrderStatus::kShipped,
                                  OrderStatus::kDelivered};
  const auto step = [&](OrderStatus s) {
    for (int i = 0; i < 3; ++i) {
      if (kWay[i] == s) return i;
    }
    return -1;
  };
  int at = step(order->status);
  const int want = step(target);
  if (at < 0) return;  // not a fulfilment state (never reached: shipments need CONFIRMED)
  while (at != want) {
    const int next = at < want ? at + 1 : at - 1;
    OrderSaga::fulfil(cmd, *order, kWay[at], kWay[next], reason);
    order->status = kWay[next];
    at = next;
  }
}

bool tracking_applies(ShipmentStatus current, Timestamp tracked_at, const TrackingEvent& event) {
  if (is_final(current) || current == ShipmentStatus::kRequested ||
      current == ShipmentStatus::kCancelling) {
    return false;
  }
  if (event.status == ShipmentStatus::kDelivered || event.status == ShipmentStatus::kReturned) {
    return true;
  }
  if (event.occurred_at < tracked_at) return false;
  if (rank(event.status) > rank(current)) return true;
  return current == ShipmentStatus::kDeliveryFailed &&
         event.status == ShipmentStatus::kInTransit && event.occurred_at > tracked_at;
}

void insert_shipment(Command& cmd, const Shipment& s) {
  const ShipmentLevels at = shipment_levels(s.status);
  for (const auto& item : s.items) {
    if (!cmd.tx.try_move_units(s.order_id, item.product_id, s.location_id, units(item, at.packed),
                               units(item, at.shipped), units(item, at.delivered))) {
      throw refusal(cmd, s, item);
    }
  }
  cmd.tx.insert_shipment(s);
  json payload = shipment_payload(s);
  json items = json::array();
  for (const auto& item : s.items) items.push_back({{"product_id", item.product_id}, {"qty", item.qty}});
  payload["items"] = std::move(items);
  emit(cmd, "ShipmentCreated", s.order_id, payload);
}

void move_shipment(Command& cmd, const Shipment& from, const Shipment& next,
                   const std::string& reason) {
  if (!cmd.tx.try_move_shipment(next, from.status)) {
    throw Error::unavailable(from.id,
                             fmt::format("shipment '{}' changed concurrently; try again", from.id));
  }
  const ShipmentLevels a = shipment_levels(from.status), b = shipment_levels(next.status);
  if (a.packed != b.packed || a.shipped != b.shipped || a.delivered != b.delivered) {
    for (const auto& item : from.items) {
      if (!cmd.tx.try_move_units(from.order_id, item.product_id, from.location_id,
                                 units(item, b.packed - a.packed),
                                 units(item, b.shipped - a.shipped),
                                 units(item, b.delivered - a.delivered))) {
        throw Error::internal(fmt::format(
            "the units of shipment '{}' do not add up on the reservation of '{}' at '{}'",
            from.id, item.product_id, from.location_id));
      }
    }
  }
  Shipment shown = next;
  if (shown.tracking_number.empty()) shown.tracking_number = from.tracking_number;
  for (std::string_view type : events_of(from.status, next.status)) {
    json payload = shipment_payload(shown);
    if (!next.note.empty()) payload["note"] = next.note;
    if (next.tracked_at != 0) payload["occurred_at"] = next.tracked_at;
    emit(cmd, type, from.order_id, payload);
  }
  if (a.shipped != b.shipped || a.delivered != b.delivered) {
    follow_units(cmd, from.order_id, reason);
  }
}

Shipment lock_shipment(Command& cmd, const std::string& shipment_id) {
  const auto order_id = cmd.tx.find_shipment_order(shipment_id);
  if (!order_id) throw Error::not_found("shipment", shipment_id);
  cmd.tx.find_order(*order_id);  // locks the order: every unit takes the order, then shipments
  auto shipment = cmd.tx.find_shipment(shipment_id);
  if (!shipment) throw Error::not_found("shipment", shipment_id);
  return *shipment;
}

Shipment apply_tracking(Command& cmd, const TrackingUpdate& update) {
  const TrackingEvent& event = update.event;
  if (rank(event.status) < rank(ShipmentStatus::kShipped) ||
      event.status == ShipmentStatus::kCancelled) {
    throw Error::invalid_argument(
        "status", "must be shipped, in_transit, delivery_failed, delivered or returned");
  }
  if (event.occurred_at <= 0) throw Error::invalid_argument("occurred_at", "must be positive");
  check_text("detail", event.detail, kMaxNameBytes, false);
  std::string shipment_id = update.shipment_id;
  if (shipment_id.empty()) {
    if (update.tracking_number.empty()) {
      throw Error::invalid_argument("shipment_id",
                                    "name the shipment, or its carrier and tracking number");
    }
    check_text("tracking_number", update.tracking_number, kMaxIdBytes, true);
    auto id = cmd.tx.find_shipment_id(update.carrier, update.tracking_number);
    if (!id) throw Error::not_found("tracking_number", update.tracking_number);
    shipment_id = *id;
  } else {
    check_id("shipment_id", shipment_id);
  }
  const Shipment s = lock_shipment(cmd, shipment_id);
  if (!tracking_applies(s.status, s.tracked_at, event)) return s;
  Shipment next = s;
  next.status = event.status;
  next.note = event.detail;
  next.tracked_at = std::max(s.tracked_at, event.occurred_at);
  next.updated_at = cmd.now;
  move_shipment(cmd, s, next,
                fmt::format("shipment '{}' {}", s.id, to_string(event.status)));
  return next;
}

void ship_whole_order(Command& cmd, const Order& order, const std::string& reason) {
  std::map<std::string, std::vector<ShipmentItem>> unpacked;  // by location
  bool local = false;
  for (const auto& row : cmd.tx.find_fulfilment(order.id)) {
    if (row.state != ReservationState::kCommitted) continue;
    local = true;
    if (row.packed < row.live()) unpacked[row.location_id].push_back({row.product_id, row.live() - row.packed});
  }
  if (!local) {
    OrderSaga::fulfil(cmd, order, OrderStatus::kConfirmed, OrderStatus::kShipped, reason);
    return;
  }
  std::vector<Shipment> to_dispatch;
  for (const auto& s : cmd.tx.find_shipments_for_order(order.id)) {
    if (s.status == ShipmentStatus::kRequested || s.status == ShipmentStatus::kCancelling) {
      throw Error::failed_precondition(
          Reason::kIllegalTransition, s.id,
          fmt::format("shipment '{}' of order '{}' is {} at its carrier; ship the order when "
                      "it is settled (Shipments::recover)",
                      s.id, order.id, to_string(s.status)));
    }
    if (s.status == ShipmentStatus::kPending) to_dispatch.push_back(s);
  }
  for (auto& [location, items] : unpacked) {
    Shipment s{.id = new_id(cmd.now),
               .order_id = order.id,
               .location_id = location,
               .carrier = {},
               .status = ShipmentStatus::kPending,
               .items = std::move(items),
               .tracking_number = {},
               .label_url = {},
               .note = reason,
               .tracked_at = 0,
               .created_at = cmd.now,
               .updated_at = cmd.now};
    insert_shipment(cmd, s);
    to_dispatch.push_back(std::move(s));
  }
  for (const auto& s : to_dispatch) {
    Shipment next = s;
    next.status = ShipmentStatus::kShipped;
    next.note = reason;
    next.updated_at = cmd.now;
    move_shipment(cmd, s, next, reason);
  }
}

void deliver_whole_order(Command& cmd, const Order& order, const std::string& reason) {
  const auto shipments = cmd.tx.find_shipments_for_order(order.id);
  bool any = false;
  for (const auto& s : shipments) {
    if (shipment_levels(s.status).shipped == 1 && shipment_levels(s.status).delivered == 0) {
      Shipment next = s;
      next.status = ShipmentStatus::kDelivered;
      next.note = reason;
      next.updated_at = cmd.now;
      move_shipment(cmd, s, next, reason);
      any = true;
    }
  }
  if (!any && cmd.tx.find_fulfilment(order.id).empty()) {
    OrderSaga::fulfil(cmd, order, OrderStatus::kShipped, OrderStatus::kDelivered, reason);
  }
}

bool has_shipments(Command& cmd, const std::string& order_id) {
  for (const auto& row : cmd.tx.find_fulfilment(order_id)) {
    if (row.packed > 0) return true;
  }
  return false;
}

}  // namespace commerce::detail
