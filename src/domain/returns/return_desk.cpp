// Returns of delivered units (commerce/returns.h): each move one unit of work with a
// conditional update on the return's status; a return's claim on its units is a conditional
// update on the order's lines; receiving gives the units' value back (give_back.h) and the
// money's refund is finished outside the unit as every partial refund is (saga/refunds.cpp).
#include <fmt/format.h>

#include <map>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "commerce/returns.h"
#include "domain/event_writer.h"
#include "domain/idempotency.h"
#include "domain/ledger_steps.h"
#include "domain/order_saga.h"
#include "domain/saga/payment_step.h"
#include "domain/validate.h"
#include "give_back.h"

namespace commerce {

using detail::Command;
using nlohmann::json;

namespace {

Return find_or_throw(Transaction& tx, const std::string& return_id) {
  auto found = tx.find_return(return_id);
  if (!found) throw Error::not_found("return", return_id);
  return *found;
}

Error illegal(const Return& r, std::string_view wanted) {
  return Error::failed_precondition(
      Reason::kIllegalTransition, r.id,
      fmt::format("return '{}' is {}, not {}", r.id, to_string(r.status), wanted));
}

constexpr std::size_t kMaxReplacementLines = 100;  // as an order's

json lines_json(const std::vector<LineItem>& lines) {
  json out = json::array();
  for (const auto& l : lines) out.push_back({{"product_id", l.product_id}, {"qty", l.qty}});
  return out;
}

json items_json(const std::vector<ReturnItem>& items) {
  json out = json::array();
  for (const auto& i : items) {
    json item = {{"product_id", i.product_id}, {"qty", i.qty}};
    if (i.restocked + i.written_off > 0) {
      item["restocked"] = i.restocked;
      item["written_off"] = i.written_off;
      item["location_id"] = i.location_id;
    }
    out.push_back(std::move(item));
  }
  return out;
}

// Moves the return from `from` to next (its status, note, given_back), emitting `event`.
void move(Command& cmd, const Return& from, Return next, const char* event,
          json payload = json::object()) {
  next.updated_at = cmd.now;
  if (!cmd.tx.try_move_return(next, from.status)) {
    throw Error::unavailable(from.id, fmt::format("return '{}' changed concurrently; try again",
                                                  from.id));
  }
  payload["return_id"] = next.id;
  payload["order_id"] = next.order_id;
  payload["status"] = to_string(next.status);
  detail::emit(cmd, event, next.order_id, payload);
}

// The inspections by product, checked against the return's lines: every line inspected once,
// its restocked and written-off units adding up to its qty, restocked units given a location.
std::map<std::string, Inspection> check_inspections(const Return& r,
                                                    const std::vector<Inspection>& inspections) {
  std::map<std::string, Inspection> out;
  for (std::size_t i = 0; i < inspections.size(); ++i) {
    const Inspection& in = inspections[i];
    const std::string at = fmt::format("inspections[{}]", i);
    detail::check_id(at + ".product_id", in.product_id);
    if (in.restock_qty < 0) throw Error::invalid_argument(at + ".restock_qty", "must be >= 0");
    if (in.write_off_qty < 0) {
      throw Error::invalid_argument(at + ".write_off_qty", "must be >= 0");
    }
    if (in.restock_qty > 0) detail::check_id(at + ".location_id", in.location_id);
    if (!out.emplace(in.product_id, in).second) {
      throw Error::invalid_argument(at + ".product_id",
                                    fmt::format("'{}' is inspected twice", in.product_id));
    }
  }
  for (const auto& item : r.items) {
    auto it = out.find(item.product_id);
    if (it == out.end() ||
        it->second.restock_qty + it->second.write_off_qty != item.qty) {
      throw Error::invalid_argument(
          "inspections",
          fmt::format("return '{}' has {} units of '{}': restocked and written-off units must add "
                      "up to them",
                      r.id, item.qty, item.product_id));
    }
  }
  if (out.size() != r.items.size()) {
    throw Error::invalid_argument(
        "inspections", fmt::format("return '{}' inspects a product it does not hold", r.id));
  }
  return out;
}

// Thrown in the unit that places an exchange's replacement when a local step of the saga
// refused the order: the whole unit rolls back and the return is received as a refund.
struct ReplacementRefused {
  std::string why;
};

// Receives the approved return `r` in cmd's unit: each line inspected (restocked at its
// location, or written off), the units' value given back by the rule, `credit` of it kept for
// the exchange's replacement order `replacement_order_id` (placed in this unit) or, with none,
// `exchange_note` saying why not; then received (a refund to finish) or refunded, with
// ReturnReceived.
Return receive_in(Command& cmd, detail::OrderSaga& saga, const Return& r,
                  const std::vector<Inspection>& inspections, Money credit,
                  const std::string& replacement_order_id, const std::string& exchange_note) {
  Transaction& tx = cmd.tx;
  const auto checked = check_inspections(r, inspections);
  auto order = tx.find_order(r.order_id);  // locks the order (PostgreSQL)
  if (!order) throw Error::not_found("order", r.order_id);
  Return next = r;
  std::map<std::string, std::int64_t> units;
  for (std::size_t i = 0; i < next.items.size(); ++i) {
    ReturnItem& item = next.items[i];
    const Inspection& in = checked.at(item.product_id);
    item.restocked = in.restock_qty;
    item.written_off = in.write_off_qty;
    item.location_id = in.restock_qty > 0 ? in.location_id : std::string();
    if (item.restocked > 0) {
      detail::require_location(cmd, fmt::format("inspections[{}].location_id", i),
                               item.location_id);
      detail::adjust_stock(cmd, item.product_id, item.location_id, item.restocked,
                           fmt::format("return {} restocked", r.id));
    }
    tx.set_return_item_inspection(r.id, item);
    units[item.product_id] = item.qty;
  }
  order->items = tx.find_order_items(order->id);
  next.given_back =
      detail::give_back(cmd, *order, units, fmt::format("return {}", r.id), credit);
  next.replacement_order_id = replacement_order_id;
  next.exchange_credit = credit;
  next.exchange_note = exchange_note;
  next.status = next.given_back.refund_id.empty() ? ReturnStatus::kRefunded
                                                  : ReturnStatus::kReceived;
  const GiveBack& g = next.given_back;
  json payload = {{"items", items_json(next.items)},
                  {"value", g.value},
                  {"money", g.money},
                  {"points", g.points},
                  {"refund_id", g.refund_id}};
  if (!r.replacement.empty()) {
    payload["replacement_order_id"] = replacement_order_id;
    payload["exchange_credit"] = credit;
    payload["exchange_note"] = exchange_note;
  }
  move(cmd, r, next, "ReturnReceived", payload);
  saga.fault(detail::FaultPoint::kReturnReceiveInside);
  return next;
}

// An approved exchange received in the unit that places its replacement order: the order as
// the original (its user, payment method, region, shipping option and address) with the
// replacement's lines, paying with points_to_use = the credit, min(what the units given back
// are worth, the replacement's price), which receive_in() gives back as points in the same
// unit. True when placed; false when the replacement could not be (`note` says why: a product
// gone or inactive, out of stock, no gateway for a difference, the price or the value changed
// between the quote and the unit), the unit rolled back whole.
bool receive_exchange(const detail::Context& ctx, detail::OrderSaga& saga, const Return& r,
                      const std::vector<Inspection>& inspections, std::string& note) {
  const Order original = saga.get(r.order_id);
  PlaceOrder replacement{.user_id = original.user_id,
                         .items = r.replacement,
                         .coupon_id = {},
                         .coupon_required = false,
                         .points_to_use = 0,
                         .payment_method = original.payment_method,
                         .request_id = r.id + ":exchange",
                         .region = original.region,
                         .shipping_option = original.shipping_option,
                         .expected_total = -1,
                         .shipping_address = original.shipping_address};
  std::map<std::string, std::int64_t> units;
  for (const auto& item : r.items) units[item.product_id] = item.qty;
  try {
    const Money price = saga.quote(replacement).total;
    const detail::Owed owed =
        run_unit(ctx.storage, Storage::Access::kRead, [&](Transaction& tx) {
          Order order = original;
          order.items = tx.find_order_items(order.id);
          return detail::owed(tx, order, units, ctx.options.returns.refund_shipping);
        });
    const Money credit = std::min(owed.money + owed.points, price);
    replacement.points_to_use = credit;
    saga.place(replacement,
               {.before_steps =
                    [&](Command& cmd, const Order& order) {
                      const Return now = find_or_throw(cmd.tx, r.id);
                      if (now.status != ReturnStatus::kApproved) throw illegal(now, "approved");
                      receive_in(cmd, saga, now, inspections, credit, order.id, {});
                    },
                .take_held = {},
                .claim =
                    [](Command&, const Order& order) {
                      if (order.status == OrderStatus::kFailed) {
                        throw ReplacementRefused{order.failure_reason};
                      }
                    }});
    return true;
  } catch (const ReplacementRefused& e) {
    note = "the replacement order was refused: " + e.why;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnavailable || e.code() == ErrorCode::kInternal) throw;
    note = fmt::format("the replacement order could not be placed: {}", e.what());
  }
  return false;
}

}  // namespace

Returns::Returns(const detail::Context& ctx, OrderBook& orders) : ctx_(ctx), orders_(orders) {}
Returns::~Returns() = default;

Return Returns::request(const RequestReturn& request) {
  detail::check_id("order_id", request.order_id);
  if (!request.user_id.empty()) detail::check_id("user_id", request.user_id);
  const std::vector<LineItem> items = detail::merge_items(request.items);
  detail::check_text("reason", request.reason, detail::kMaxNameBytes, true);
  const std::vector<LineItem> replacement =
      request.replacement.empty()
          ? std::vector<LineItem>{}
          : detail::merge_items(request.replacement, "replacement", kMaxReplacementLines);
  json call = {{"op", "returns.request"},
               {"order_id", request.order_id},
               {"user_id", request.user_id},
               {"reason", request.reason}};
  for (const auto& item : items) call["items"].push_back({item.product_id, item.qty});
  // Named only when given, so a request recorded before exchanges replays as it was.
  for (const auto& line : replacement) call["replacement"].push_back({line.product_id, line.qty});
  detail::OrderSaga& saga = detail::saga_of(orders_);
  const std::string id = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request.request_id};
    return detail::once_per_request(cmd, call, [&] {
      const auto order = tx.find_order(request.order_id);  // locks the order (PostgreSQL)
      if (!order || (!request.user_id.empty() && order->user_id != request.user_id)) {
        throw Error::not_found("order", request.order_id);
      }
      const Timestamp delivered_at = tx.find_last_delivery(order->id);
      if (!detail::paid_status(order->status) || delivered_at == 0) {
        throw Error::failed_precondition(
            Reason::kIllegalTransition, order->id,
            fmt::format("order '{}' is {} with nothing delivered: only delivered units are "
                        "returned",
                        order->id, to_string(order->status)));
      }
      const Timestamp closes = delivered_at + ctx_.options.returns.window_ms;
      if (cmd.now > closes) {
        throw Error::failed_precondition(
            Reason::kIllegalTransition, order->id,
            fmt::format("the return window of order '{}' closed at {} ms since the epoch ({} ms "
                        "after its last delivery)",
                        order->id, closes, ctx_.options.returns.window_ms));
      }
      const auto lines = tx.find_order_items(order->id);
      Return r{.id = new_id(cmd.now),
               .order_id = order->id,
               .status = ReturnStatus::kRequested,
               .items = {},
               .reason = request.reason,
               .note = {},
               .given_back = {},
               .replacement = replacement,
               .replacement_order_id = {},
               .exchange_credit = 0,
               .exchange_note = {},
               .request_id = request.request_id,
               .created_at = cmd.now,
               .updated_at = cmd.now};
      for (const auto& item : items) {
        const auto line = std::find_if(lines.begin(), lines.end(), [&](const OrderItem& l) {
          return l.product_id == item.product_id;
        });
        if (line == lines.end()) {
          throw Error::invalid_argument(
              "items", fmt::format("product '{}' is not in order '{}'", item.product_id,
                                   order->id));
        }
        if (!tx.try_claim_return_units(order->id, item.product_id, item.qty)) {
          throw Error::invalid_argument(
              "items", fmt::format("order '{}' has {} delivered units of '{}' not returned yet, "
                                   "not {}",
                                   order->id, line->delivered - line->returned, item.product_id,
                                   item.qty));
        }
        r.items.push_back({.product_id = item.product_id,
                           .qty = item.qty,
                           .restocked = 0,
                           .written_off = 0,
                           .location_id = {}});
      }
      tx.insert_return(r);
      json requested = {{"return_id", r.id},
                        {"order_id", r.order_id},
                        {"items", items_json(r.items)},
                        {"reason", r.reason}};
      if (!replacement.empty()) requested["replacement"] = lines_json(replacement);
      detail::emit(cmd, "ReturnRequested", r.order_id, requested);
      saga.fault(detail::FaultPoint::kReturnRequestInside);
      return r.id;
    });
  });
  return get(id);
}

Return Returns::approve(const std::string& return_id, const std::string& note) {
  detail::check_id("return_id", return_id);
  detail::check_text("note", note, detail::kMaxNameBytes, false);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Return r = find_or_throw(tx, return_id);
    if (r.status == ReturnStatus::kApproved) return;
    if (r.status != ReturnStatus::kRequested) throw illegal(r, "requested");
    Return next = r;
    next.status = ReturnStatus::kApproved;
    next.note = note;
    move(cmd, r, next, "ReturnApproved", {{"note", note}});
  });
  return get(return_id);
}

Return Returns::reject(const std::string& return_id, const std::string& reason) {
  detail::check_id("return_id", return_id);
  detail::check_text("reason", reason, detail::kMaxNameBytes, true);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const Return r = find_or_throw(tx, return_id);
    if (r.status == ReturnStatus::kRejected) return;
    if (r.status != ReturnStatus::kRequested && r.status != ReturnStatus::kApproved) {
      throw illegal(r, "requested or approved");
    }
    for (const auto& item : r.items) {
      if (!tx.try_release_return_units(r.order_id, item.product_id, item.qty)) {
        throw Error::internal(fmt::format("order '{}' holds fewer returned units of '{}' than "
                                          "return '{}'",
                                          r.order_id, item.product_id, r.id));
      }
    }
    Return next = r;
    next.status = ReturnStatus::kRejected;
    next.note = reason;
    move(cmd, r, next, "ReturnRejected", {{"reason", reason}});
  });
  return get(return_id);
}

Return Returns::receive(const std::string& return_id, const std::vector<Inspection>& inspections,
                        const std::string& request_id) {
  detail::check_id("return_id", return_id);
  detail::OrderSaga& saga = detail::saga_of(orders_);
  // An approved exchange is received where its replacement is placed; when that cannot be, it
  // is received below as a plain return, refunded, the note saying why.
  std::string exchange_note;
  if (const Return asked = get(return_id);
      !asked.replacement.empty() && asked.status == ReturnStatus::kApproved) {
    check_inspections(asked, inspections);  // bad input is an error, never a fallback
    if (receive_exchange(ctx_, saga, asked, inspections, exchange_note)) {
      finish_refund(return_id, get(return_id).given_back.refund_id);
      return get(return_id);
    }
  }
  json call = {{"op", "returns.receive"}, {"return_id", return_id}};
  for (const auto& in : inspections) {
    call["inspections"].push_back(
        {in.product_id, in.restock_qty, in.write_off_qty, in.location_id});
  }
  const GiveBack given = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      const Return r = find_or_throw(tx, return_id);
      if (r.status == ReturnStatus::kReceived || r.status == ReturnStatus::kRefunded ||
          r.status == ReturnStatus::kRefundDeclined) {
        return r.given_back;  // received before: its refund is finished below if started
      }
      if (r.status != ReturnStatus::kApproved) throw illegal(r, "approved");
      return receive_in(cmd, saga, r, inspections, 0, {}, exchange_note).given_back;
    });
  });
  finish_refund(return_id, given.refund_id);
  return get(return_id);
}

// The received return's refund asked of the gateway, outside any unit of work.
void Returns::finish_refund(const std::string& return_id, const std::string& refund_id) {
  detail::OrderSaga& saga = detail::saga_of(orders_);
  saga.fault(detail::FaultPoint::kReturnReceiveAfter);
  if (!refund_id.empty() &&
      saga.finish_refund(refund_id).status == RefundStatus::kStarted) {
    throw Error::unavailable(
        refund_id,
        fmt::format("return '{}' is received and refund '{}' reserved, but the gateway did not "
                    "answer; OrderBook::recover() finishes it",
                    return_id, refund_id));
  }
}

Return Returns::get(const std::string& return_id) const {
  detail::check_id("return_id", return_id);
  return run_unit(ctx_.storage, Storage::Access::kRead,
                  [&](Transaction& tx) { return find_or_throw(tx, return_id); });
}

std::vector<Return> Returns::for_order(const std::string& order_id) const {
  detail::check_id("order_id", order_id);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    if (!tx.find_order(order_id)) throw Error::not_found("order", order_id);
    return tx.find_returns_for_order(order_id);
  });
}

}  // namespace commerce
