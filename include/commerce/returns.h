// commerce/returns.h: giving units of an order back: partial cancellation of what has not
// shipped (OrderBook::cancel_items) and returns of delivered units (Returns, an RMA), each
// refunded by one rule.
//
// The refund rule. What a unit paid is what the order's per-line breakdown says
// (OrderItem::total: the line's price, less its share of the coupon's discount, with its tax):
// the first k units given back of a line of qty units are worth floor(total x k / qty), so a
// line given back whole is worth its total whatever the steps. The order's value given back, V,
// is the sum over its lines, plus the shipping fee (with its tax when prices exclude it) once
// every unit is given back and ReturnOptions::refund_shipping says so. The customer paid
// `total` in money and `points_used` in points for a gross of G = total + points_used; of V,
// floor(V x total / G) comes back as money and the rest as points, counted over everything
// given back so far (each give-back gets the difference), so rounding never accumulates and
// giving back every unit refunds exactly the order's total in money and its points in points.
// The coupon comes back (commerce/coupons.h) only with the last unit; a whole cancel
// (OrderBook::cancel) gives back what the partial ones did not.
//
// Money goes back through the gateway as a partial refund (commerce/payments.h Refund, the
// same machinery as OrderBook::refund: reserved on the order first, so refunds never add up to
// more than was captured; finished by recover() when the gateway did not answer). Points go
// back as points (PointsEntryKind::kRefund, event PointRefunded). Stock: cancelled units go
// back to the shelf they were reserved at; returned units are restocked where inspection says,
// or written off.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "commerce/stock.h"

namespace commerce {

namespace detail {
struct Context;
}  // namespace detail

struct ReturnOptions {
  // How long after a unit's delivery (its shipment's delivery) a return may be requested for
  // it (default 14 days). Must be positive.
  std::int64_t window_ms = 14LL * 24 * 60 * 60 * 1000;
  // Whether the shipping fee is refunded once every unit of the order is given back (default:
  // yes; never for some units only).
  bool refund_shipping = true;
};

// requested -> approved | rejected; approved -> received (inspected: each unit restocked or
// written off; the refund reserved and asked) -> refunded (the gateway approved it, or nothing
// was to be refunded in money: the return is closed) or refund_declined (the gateway declined;
// the units stay given back, the money is refunded by hand with OrderBook::refund). A requested
// or approved return may be rejected.
enum class ReturnStatus { kRequested, kApproved, kRejected, kReceived, kRefunded, kRefundDeclined };

std::string_view to_string(ReturnStatus status);
ReturnStatus parse_return_status(std::string_view name);

struct ReturnItem {
  std::string product_id;
  std::int64_t qty = 0;          // units returned
  std::int64_t restocked = 0;    // after inspection: put back on sale at location_id
  std::int64_t written_off = 0;  // after inspection: damaged, not restocked
  std::string location_id;       // where the restocked units went; empty before inspection
  bool operator==(const ReturnItem&) const = default;
};

struct Return {
  std::string id;  // UUIDv7
  std::string order_id;
  ReturnStatus status = ReturnStatus::kRequested;
  std::vector<ReturnItem> items;  // by product id
  std::string reason;             // the customer's
  std::string note;               // the store's: why approved or rejected
  GiveBack given_back;            // once received
  // An exchange (RequestReturn::replacement): the lines asked for; empty for a plain return.
  std::vector<LineItem> replacement;
  // Once received, the replacement order the return's value paid for, and how much of that
  // value paid for it (exchange_credit: taken from the money share first, then the points);
  // empty and 0 if the exchange fell back to a refund, exchange_note saying why.
  std::string replacement_order_id;
  Money exchange_credit = 0;
  std::string exchange_note;
  std::string request_id;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  bool operator==(const Return&) const = default;
};

struct RequestReturn {
  std::string order_id;
  // The customer asking, as the host asserts it (a storefront); when given, the order must be
  // theirs: another user's order is NotFound, as if it did not exist. Empty: not checked (an
  // operator asking for the customer).
  std::string user_id;
  std::vector<LineItem> items;  // 1..1000 lines; a product named twice is one line
  std::string reason;           // required
  // An exchange: the lines of a replacement order the return's value pays for (0..100 lines,
  // a product named twice is one line; empty: a plain return), checked like an order's items
  // (errors name "replacement[i].product_id" / "replacement[i].qty"); the products are looked
  // up when the return is received. See Returns::receive().
  std::vector<LineItem> replacement;
  std::string request_id;       // idempotency key; empty for none
};

// How inspection found the returned units of one line: restock_qty + write_off_qty must be
// the line's qty.
struct Inspection {
  std::string product_id;
  std::int64_t restock_qty = 0;
  std::int64_t write_off_qty = 0;
  std::string location_id;  // where restocked units go; required when restock_qty > 0
};

// Returns of delivered units. Thread-safe and safe across processes sharing one database:
// every move is a conditional update on the return's status, and a return's claim on its
// units is a conditional update on the order's line (returned + qty <= delivered), so no unit
// is returned twice however many requests race.
class Returns {
 public:
  Returns(const detail::Context& ctx, OrderBook& orders);
  ~Returns();
  Returns(const Returns&) = delete;
  Returns& operator=(const Returns&) = delete;

  // Requests the return of delivered units of the order within ReturnOptions::window_ms of
  // their delivery (the latest delivered shipment's), emitting ReturnRequested. The same
  // request_id with the same arguments returns the same return; with others: Conflict.
  // Errors: InvalidArgument naming the field ("order_id", "user_id", "items[i].product_id",
  // "items[i].qty", "items" for a product not in the order or more units than delivered and
  // not yet returned, "reason"); NotFound (no such order, or another user's); FailedPrecondition kIllegalTransition (nothing
  // delivered, the order cancelled, or the window closed: the error says when it closed).
  // Nothing changes on any error.
  Return request(const RequestReturn& request);
  // requested -> approved (ReturnApproved). Errors: InvalidArgument ("return_id", "note"),
  // NotFound, FailedPrecondition kIllegalTransition (not requested). Approving an approved
  // return returns it.
  Return approve(const std::string& return_id, const std::string& note = {});
  // requested or approved -> rejected (ReturnRejected): its units may be returned again.
  // Errors as approve() ("reason" required).
  Return reject(const std::string& return_id, const std::string& reason);
  // approved -> received (ReturnReceived): every line inspected (restocked at its location,
  // StockAdjusted, or written off), the units' value given back by the rule above (points
  // now; money reserved and asked of the gateway outside the transaction) -> refunded or
  // refund_declined. Returns the return as recorded. Receiving a received return finishes its
  // refund if it is still started. Errors: InvalidArgument ("return_id", "inspections" not
  // covering each line exactly, "inspections[i].location_id" unknown or missing), NotFound,
  // FailedPrecondition kIllegalTransition (not approved), Unavailable (the gateway did not
  // answer: the return is received and its refund started; OrderBook::recover() finishes it).
  //
  // An exchange (RequestReturn::replacement) is received in the same unit of work that places
  // its replacement order: the original order's user, payment method, region, shipping option
  // and address, the replacement's lines at today's prices, request_id "<return id>:exchange".
  // The credit, min(what the units given back are worth by the rule, the replacement's price),
  // pays for it: it takes the money share first, which then comes back as points, and the
  // replacement spends the whole credit as points_to_use. What the units are worth beyond the
  // credit is given back as for a plain return (the difference refunded); what the replacement
  // costs beyond it is charged by its own saga through the gateway (the difference charged).
  // Return::replacement_order_id and exchange_credit say what was placed. When the replacement
  // cannot be placed (a product gone, inactive or out of stock, no gateway for a difference,
  // a price or the value changed meanwhile) nothing of it is written and the return is received
  // as a plain return, refunded, Return::exchange_note saying why. A replacement whose payment
  // of the difference is declined later FAILS as any order, its points (the credit) going back
  // to the user's balance.
  Return receive(const std::string& return_id, const std::vector<Inspection>& inspections,
                 const std::string& request_id = {});
  // Errors: InvalidArgument ("return_id"), NotFound.
  Return get(const std::string& return_id) const;
  // The order's returns, oldest first. Errors: InvalidArgument ("order_id"), NotFound (order).
  std::vector<Return> for_order(const std::string& order_id) const;

 private:
  void finish_refund(const std::string& return_id, const std::string& refund_id);

  const detail::Context& ctx_;
  OrderBook& orders_;
};

}  // namespace commerce
