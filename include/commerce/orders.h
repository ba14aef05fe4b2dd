// commerce/orders.h: orders, their state machine, and the order book that places them.
//
// PENDING (being placed) -> AWAITING_PAYMENT (reserved, payment pending) -> CONFIRMED (paid,
// stock committed) -> SHIPPED (every unit shipped) -> DELIVERED (every unit delivered); the
// last two follow the order's shipments (commerce/shipments.h), and a SHIPPED order goes back to
// CONFIRMED when a shipment is returned to its sender. FAILED (placement failed, everything
// compensated); CANCELLED (cancelled after placement, everything compensated, refunded if
// paid). Any other transition is FailedPrecondition kIllegalTransition. Every transition writes an audit row and
// an outbox event in the same transaction.
//
// Pricing: the pipeline of commerce/pricing.h, which quote() runs too: subtotal = sum(price
// snapshot x qty), the coupon's discount shared over the items, the shipping fee, tax per item,
// points last; total = subtotal - discount + shipping_fee (+ tax when prices exclude it) -
// points_used >= 0; a total of 0 skips the gateway. The order keeps the whole breakdown.
//
// OrderBook is thread-safe and safe across processes sharing one database: sagas are driven by
// conditional updates on their log, and gateway calls carry one idempotency key per payment.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commerce/address.h"
#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/page.h"
#include "commerce/payments.h"
#include "commerce/pricing.h"
#include "commerce/stock.h"

namespace commerce {

namespace detail {
struct Context;
class OrderSaga;
struct OrderBookAccess;
}  // namespace detail

enum class OrderStatus {
  kPending,
  kAwaitingPayment,
  kConfirmed,
  kShipped,
  kDelivered,
  kFailed,
  kCancelled,
};

std::string_view to_string(OrderStatus status);
OrderStatus parse_order_status(std::string_view name);

struct OrderItem {
  std::string product_id;
  std::string name;      // snapshot at placement
  Money unit_price = 0;  // snapshot at placement; later price changes never touch the order
  std::int64_t qty = 0;
  Money line_total = 0;  // unit_price x qty
  // Units of qty reserved from backorder room (the sum of the item's reservation rows'
  // Reservation::backordered); 0 before the stock step and when everything was in stock.
  std::int64_t backordered = 0;
  // The item's price breakdown (commerce/pricing.h, PricedLine): its share of the order's
  // discount, its tax class, the tax in or on it, and what it cost: line_total - discount
  // (+ tax when prices exclude it).
  Money discount = 0;
  std::string tax_class;
  Money tax = 0;
  Money total = 0;
  // Units of qty picked up by a carrier and delivered so far (commerce/shipments.h; the sums
  // over the item's reservation rows).
  std::int64_t shipped = 0;
  std::int64_t delivered = 0;
  // Units cancelled before they shipped (OrderBook::cancel_items), units in returns that were
  // not rejected (commerce/returns.h; at most delivered), and units whose value was given
  // back so far (cancelled, or received by a return): what the refund rule counts.
  std::int64_t cancelled = 0;
  std::int64_t returned = 0;
  std::int64_t given_back = 0;
  bool operator==(const OrderItem&) const = default;
};

struct Order {
  std::string id;  // UUIDv7
  std::string user_id;
  OrderStatus status = OrderStatus::kPending;
  std::vector<OrderItem> items;  // by product id; a product named twice is one item
  Money subtotal = 0;
  Money discount = 0;     // from the coupon (as priced at placement until the coupon is used)
  Money points_used = 0;  // points taken from the user's balance
  // subtotal - discount + shipping_fee (+ tax when !tax_included) - points_used: what the
  // gateway charges.
  Money total = 0;
  std::string coupon_id;  // as requested, or empty
  bool coupon_required = false;
  bool coupon_applied = false;
  std::string coupon_note;  // why an optional coupon was skipped
  std::string payment_method;
  std::string failure_reason;  // why it FAILED or was CANCELLED
  std::string request_id;
  Timestamp expires_at = 0;  // an unpaid order is cancelled by sweep() after this
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  std::string region;  // PlaceOrder::region: where the allocation strategy looks first
  std::string shipping_option;  // PlaceOrder::shipping_option, or empty
  Money shipping_fee = 0;
  Money shipping_tax = 0;    // the tax in or on the shipping fee
  Money tax = 0;             // the items' tax plus shipping_tax
  bool tax_included = true;  // prices included the tax (else it was added on top)
  // Where the order ships to: PlaceOrder::shipping_address (or the cart's) as it was at
  // placement, a snapshot later changes of the cart never touch; none if it had none, and none
  // once erased (personal_data_erased_at).
  std::optional<Address> shipping_address;
  // When OrderBook::erase_personal_data() or erase_personal_data_before() removed the order's
  // address; 0 if neither did.
  Timestamp personal_data_erased_at = 0;
  // True when some item has backordered units: part of the order waits for a restock.
  bool backordered() const;
  bool operator==(const Order&) const = default;
};

// What OrderBook::cancel_items() did: the order after it and what it gave back.
struct ItemsCancelled {
  Order order;
  GiveBack given_back;
  bool operator==(const ItemsCancelled&) const = default;
};

// One status change of an order.
struct OrderAudit {
  std::string id;  // UUIDv7
  std::string order_id;
  std::optional<OrderStatus> from;  // none for the creation row
  OrderStatus to = OrderStatus::kPending;
  std::string reason;
  Timestamp at = 0;
  bool operator==(const OrderAudit&) const = default;
};

struct PlaceOrder {
  std::string user_id;           // required
  std::vector<LineItem> items;   // 1..100 items
  std::string coupon_id;         // optional
  bool coupon_required = false;  // a required coupon that fails validation fails the order
  Money points_to_use = 0;       // >= 0
  std::string payment_method = "card";
  std::string request_id;  // idempotency key; empty for none
  // The order's region (e.g. "eu"), given to the allocation strategy (commerce/allocation.h);
  // empty for none. At most 64 characters.
  std::string region;
  // The id of one of StoreOptions::shipping_options; empty for none (no shipping fee).
  std::string shipping_option;
  // The total the buyer was shown (Quote::total), or -1 for none. When the order would now cost
  // another amount (a price, the coupon, shipping or tax changed since the quote), place()
  // fails with FailedPrecondition naming "expected_total" and writes nothing.
  Money expected_total = -1;
  // Where the order ships to (commerce/address.h), validated before anything is written (errors
  // name "shipping_address.<field>"); none for an order that ships nowhere. Kept on the order
  // as a snapshot. It is personal data: no event, log line or error message carries it, and a
  // request_id's record keeps only its SHA-256.
  std::optional<Address> shipping_address;
};

// What recover() did.
struct RecoveryReport {
  int examined = 0;   // sagas looked at
  int confirmed = 0;  // ended CONFIRMED
  int failed = 0;     // ended FAILED (compensated)
  int cancelled = 0;  // ended CANCELLED (compensated, refunded if paid)
  int awaiting_payment = 0;  // the gateway still says pending
  // Sagas still in flight because a call kept failing (gateway or storage down); each names the
  // order and the error. Run recover() again later.
  std::vector<std::string> unresolved;
};

class OrderBook {
 public:
  explicit OrderBook(const detail::Context& ctx);
  ~OrderBook();
  OrderBook(const OrderBook&) = delete;
  OrderBook& operator=(const OrderBook&) = delete;

  // Places an order and runs its saga to an end: CONFIRMED, FAILED (a step refused; everything
  // before it compensated; failure_reason says why), or AWAITING_PAYMENT (the gateway answered
  // pending, or its answer is still unknown: recover() or complete_payment() finishes it), or
  // PENDING (a host step stayed unavailable: recover() finishes it).
  // Business refusals during the saga (out of stock, insufficient points, invalid required
  // coupon, declined payment) do not throw: they return the FAILED order.
  // The same request_id with the same arguments returns the same order (driving its saga to an
  // end first; if another process is making its payment, waiting as long as that process's
  // gateway calls can take); with other arguments: Conflict.
  // Errors: InvalidArgument (a field, naming it; points_to_use above what remains;
  // shipping_option unknown, or it cannot ship the order; a host tax calculator's bad answer
  // names "tax_calculator"), FailedPrecondition naming "expected_total" (see there), NotFound
  // (product), FailedPrecondition kInactive (product) or kNone (a total above 0 and no
  // gateway), Conflict, Unavailable (storage busy: the order, if created, is finished by
  // recover() or by retrying with the same request_id).
  Order place(const PlaceOrder& request);

  // What place(request) would charge now, priced by the same pipeline (commerce/pricing.h) from
  // the same reads, writing nothing: an order placed from an unchanged store has the same lines,
  // discount, shipping fee, tax and total. The coupon is previewed: an optional coupon that
  // cannot be used is left out (coupon_note says why); request_id is ignored.
  // Errors: those of place() for the request's fields, and FailedPrecondition kCouponInvalid (a
  // required coupon that cannot be used: the order would fail).
  Quote quote(const PlaceOrder& request) const;

  // Errors: NotFound, InvalidArgument.
  Order get(const std::string& order_id) const;
  // The user's orders, newest first.
  Page<Order> list_for_user(const std::string& user_id, const std::string& cursor = {},
                            int limit = kDefaultPageSize) const;
  // The order's status changes, oldest first. Errors: NotFound, InvalidArgument.
  std::vector<OrderAudit> audit(const std::string& order_id) const;

  // Partial refunds (commerce/payments.h Refund). Gives back `amount` (> 0, minor units) of the
  // approved payment of a CONFIRMED, SHIPPED or DELIVERED order through the gateway's
  // refund_part(), with the refund's own idempotency key (its id). In one unit of work the
  // amount is reserved on the order by a conditional update (the refunds approved or under way
  // never add up to more than the payment, however many threads and processes refund at once)
  // and the refund is written started; the gateway is called outside any transaction (retried
  // per SagaOptions); its answer is recorded in a second unit: approved (event PaymentRefunded
  // with order_id, payment_id, refund_id, amount) or declined (message says why; the
  // reservation is given back). A gateway without partial refunds declines it. Returns the
  // refund as recorded. The order's status does not change; stock, points and coupon are not
  // touched (that is the caller's business: returns and partial cancellation come later).
  // The same request_id with the same arguments returns the same refund (finishing it first if
  // it is still started); with other arguments: Conflict.
  // Errors (nothing changed unless said): InvalidArgument ("order_id", "reason", "amount": not
  // above 0, or above what remains of the payment), NotFound (order), FailedPrecondition
  // kIllegalTransition (the order is not CONFIRMED, SHIPPED or DELIVERED, is being cancelled,
  // or has no approved payment: a total of 0), Conflict, Unavailable (storage busy: nothing
  // changed; or the gateway stayed unreachable: the refund is reserved and started, and
  // recover() or a retry with the same request_id finishes it).
  // Thread-safe, and safe across processes sharing the database.
  Refund refund(const std::string& order_id, Money amount, const std::string& reason = {},
                const std::string& request_id = {});
  // The order's refunds, oldest first. Errors: InvalidArgument ("order_id"), NotFound.
  std::vector<Refund> refunds(const std::string& order_id) const;

  // Partial cancellation: cancels `items` (units of some lines, 1..1000 lines, each qty > 0)
  // of a CONFIRMED order that are in no shipment yet. In one unit of work: the units leave the
  // order's reservation rows (rows with backordered units first) and go back on the shelf at
  // their location (StockAdjusted), their value is given back by the rule of
  // commerce/returns.h (points as points now; money as a partial refund reserved here and
  // asked of the gateway outside the transaction), the coupon comes back with the last unit,
  // OrderItemsCancelled is emitted (order_id, items, value, money, points, refund_id), and the
  // order's status follows its remaining units (SHIPPED or DELIVERED when all of them are).
  // Cancelling every unit of an order none of whose units is in a shipment is cancel(). The
  // same request_id with the same arguments returns the same result; with others: Conflict.
  // Errors: InvalidArgument naming the field ("order_id", "items" for a product not in the
  // order or more units than remain unshipped, "items[i].qty", "reason"); NotFound;
  // FailedPrecondition kIllegalTransition (not CONFIRMED, or being cancelled); Unavailable (the
  // gateway did not answer: the units are cancelled and the refund started; recover() finishes
  // it). Nothing changes on an error other than Unavailable. Thread-safe, and safe across
  // processes: concurrent cancellations and shipments never take a unit twice.
  ItemsCancelled cancel_items(const std::string& order_id, const std::vector<LineItem>& items,
                              const std::string& reason = {}, const std::string& request_id = {});

  // Cancels an AWAITING_PAYMENT or CONFIRMED order: voids or refunds the payment (after
  // partial refunds only what remains of it, as one more Refund; nothing if nothing remains),
  // restores the coupon and points, releases live stock or restocks sold units; returns it
  // CANCELLED.
  // Idempotent: cancelling a CANCELLED order returns it. With request_id: the same arguments
  // return the same order, other arguments Conflict.
  // Errors: NotFound, FailedPrecondition kIllegalTransition (PENDING, SHIPPED, DELIVERED, FAILED,
  // a payment in progress, units in a shipment: cancel the shipments first, or a partial refund
  // still started: recover() finishes it), Unavailable (the gateway stayed unreachable: the cancellation is
  // recorded and recover() finishes it).
  Order cancel(const std::string& order_id, const std::string& reason = {},
               const std::string& request_id = {});
  // CONFIRMED -> SHIPPED and SHIPPED -> DELIVERED for the whole order at once: ship() sends
  // every unit not yet in a shipment in one shipment per location, without a carrier, picked up
  // at once, and picks up its pending shipments; deliver() delivers every shipment on the way
  // (commerce/shipments.h). An order whose stock a host step keeps just changes status.
  // Idempotent when already there. Errors: NotFound, FailedPrecondition kIllegalTransition
  // (also: ship() while a shipment waits for its carrier's label or cancellation), and ship()'s
  // FailedPrecondition naming "items" for backordered units not restocked yet.
  Order ship(const std::string& order_id);
  Order deliver(const std::string& order_id);

  // The gateway's callback for a pending payment: approved confirms the order, declined fails it
  // (compensating). Idempotent: repeating the same result returns the order.
  // Errors: NotFound, FailedPrecondition kIllegalTransition (the order is not waiting for a
  // payment result, or already ended the other way).
  Order complete_payment(const std::string& order_id, bool approved);

  // Cancels AWAITING_PAYMENT orders whose expires_at has passed (voiding their payment and
  // releasing everything), at most `limit` per call. Returns their ids.
  std::vector<std::string> sweep(int limit = 100);

  // Drives every saga in flight (and every pending payment, by asking the gateway) to an end,
  // and finishes every started partial refund (refund(), repeating its gateway call with the
  // refund's own key). Call it at startup after a crash. Safe from several processes at once:
  // it never charges or refunds twice. It does not wait for payments other live processes are making: a charge the gateway
  // has not yet received is voided, and that order fails (uncharged).
  RecoveryReport recover();

  // Personal data (Korea's PIPA, the GDPR). An order's personal data is its shipping address
  // (the recipient's name, phone and address); erasing it removes the address from the order's
  // row (Order::shipping_address becomes none, personal_data_erased_at the time of the erasure)
  // and keeps everything else: items, amounts, states, audit trail, payment. Only a finished
  // order (DELIVERED, CANCELLED or FAILED) is erased: one in flight still needs its address.
  // Each erasure emits OrderPersonalDataErased (the order id only) in the same unit of work.
  // Both calls are safe from any number of threads and processes at once: an order is erased,
  // and announced, once.

  // Erases the addresses of at most `limit` finished orders last updated (their final state
  // change) before `older_than`, oldest first, in one unit of work, and returns how many it
  // erased; call again until it returns less than `limit`. Its cost is that of the orders it
  // erases (an index seek over finished orders that still hold an address), whatever the number
  // of orders. Store::compact() runs it per RetentionOptions::personal_data_ms.
  // Errors: InvalidArgument ("limit": 1..kMaxPageSize), Unavailable.
  int erase_personal_data_before(Timestamp older_than, int limit = kDefaultPageSize);

  // Erases the order's address now (a data subject's request), whatever its age, and returns the
  // order. Idempotent: an order already erased, or that never had an address, is returned as it
  // is (no event).
  // Errors: InvalidArgument ("order_id"), NotFound, FailedPrecondition kIllegalTransition (the
  // order is not finished: PENDING, AWAITING_PAYMENT, CONFIRMED or SHIPPED; erase it once it
  // has been delivered or cancelled).
  Order erase_personal_data(const std::string& order_id);

 private:
  friend struct detail::OrderBookAccess;  // the library's test hook (not part of the API)
  std::unique_ptr<detail::OrderSaga> saga_;
};

}  // namespace commerce
