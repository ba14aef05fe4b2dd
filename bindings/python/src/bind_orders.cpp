// bind_orders.cpp: orders, payments (gateways, the fake gateway), saga steps and invariants.
// Python classes may subclass PaymentGateway and SagaStep (trampolines in plugins.h).
#include "commerce/invariants.h"
#include "commerce/store.h"
#include "plugins.h"

namespace commerce::python {

namespace {
using Release = py::call_guard<py::gil_scoped_release>;

// Defines OrderBook.`name`(user_id, items, *, coupon_id, ..., expected_total): the arguments
// of a PlaceOrder, which place() and quote() both take; `call` runs with the GIL released.
template <class Call>
void def_with_request(py::class_<OrderBook>& cls, const char* name, Call call, const char* doc) {
  cls.def(
      name,
      [call](OrderBook& self, std::string user_id, std::vector<LineItem> items,
             std::string coupon_id, bool coupon_required, Money points_to_use,
             std::string payment_method, std::string request_id, std::string region,
             std::string shipping_option, Money expected_total,
             std::optional<Address> shipping_address) {
        PlaceOrder request;
        request.user_id = std::move(user_id);
        request.items = std::move(items);
        request.coupon_id = std::move(coupon_id);
        request.coupon_required = coupon_required;
        request.points_to_use = points_to_use;
        request.payment_method = std::move(payment_method);
        request.request_id = std::move(request_id);
        request.region = std::move(region);
        request.shipping_option = std::move(shipping_option);
        request.expected_total = expected_total;
        request.shipping_address = std::move(shipping_address);
        return call(self, request);
      },
      py::arg("user_id"), py::arg("items"), py::kw_only(), py::arg("coupon_id") = "",
      py::arg("coupon_required") = false, py::arg("points_to_use") = 0,
      py::arg("payment_method") = "card", py::arg("request_id") = "", py::arg("region") = "",
      py::arg("shipping_option") = "", py::arg("expected_total") = -1,
      py::arg("shipping_address") = py::none(), Release(), doc);
}
}  // namespace

void bind_orders(py::module_& m) {
  py::enum_<OrderStatus> order_status(m, "OrderStatus", "States of an order.");
  order_status.value("PENDING", OrderStatus::kPending, "Being placed.")
      .value("AWAITING_PAYMENT", OrderStatus::kAwaitingPayment, "Reserved; payment pending.")
      .value("CONFIRMED", OrderStatus::kConfirmed, "Paid; stock committed.")
      .value("SHIPPED", OrderStatus::kShipped, "Shipped.")
      .value("DELIVERED", OrderStatus::kDelivered, "Delivered.")
      .value("FAILED", OrderStatus::kFailed, "Placement failed; everything compensated.")
      .value("CANCELLED", OrderStatus::kCancelled,
             "Cancelled after placement; compensated, refunded if paid.");
  readable_enum_repr(order_status);

  py::enum_<PaymentOutcome> outcome(m, "PaymentOutcome", "A gateway's answer.");
  outcome.value("APPROVED", PaymentOutcome::kApproved, "The money moved (or the key is voided).")
      .value("DECLINED", PaymentOutcome::kDeclined, "Refused; nothing moved.")
      .value("PENDING", PaymentOutcome::kPending, "Accepted; the result comes later.")
      .value("UNKNOWN", PaymentOutcome::kUnknown, "Timeout or transport error.");
  readable_enum_repr(outcome);

  py::enum_<PaymentStatus> payment_status(m, "PaymentStatus", "How the library stores a payment.");
  payment_status.value("STARTED", PaymentStatus::kStarted, "The gateway may have been called.")
      .value("PENDING", PaymentStatus::kPending, "Accepted; the result comes later.")
      .value("APPROVED", PaymentStatus::kApproved, "Charged.")
      .value("DECLINED", PaymentStatus::kDeclined, "Refused.")
      .value("VOIDED", PaymentStatus::kVoided, "Cancelled before capture.")
      .value("REFUNDED", PaymentStatus::kRefunded, "Charged, then given back.");
  readable_enum_repr(payment_status);

  py::enum_<RefundStatus> refund_status(m, "RefundStatus", "How the library stores a refund.");
  refund_status.value("STARTED", RefundStatus::kStarted, "Reserved; the gateway's answer is due.")
      .value("APPROVED", RefundStatus::kApproved, "Given back.")
      .value("DECLINED", RefundStatus::kDeclined, "Refused; the reservation was given back.");
  readable_enum_repr(refund_status);

  py::enum_<SagaState> saga_state(m, "SagaState", "State of an order saga.");
  saga_state.value("RUNNING", SagaState::kRunning, "Executing steps forward.")
      .value("AWAITING_PAYMENT", SagaState::kAwaitingPayment, "The gateway answered pending.")
      .value("COMPENSATING", SagaState::kCompensating, "A step failed; undoing.")
      .value("CANCELLING", SagaState::kCancelling, "Cancelled after placement; undoing.")
      .value("CONFIRMED", SagaState::kConfirmed, "Done: CONFIRMED.")
      .value("FAILED", SagaState::kFailed, "Done: FAILED.")
      .value("CANCELLED", SagaState::kCancelled, "Done: CANCELLED.");
  readable_enum_repr(saga_state);

  ValueClass<OrderItem>(m, "OrderItem", "One line of an order, with its price snapshot.")
      .field("product_id", &OrderItem::product_id, "The product.")
      .field("name", &OrderItem::name, "Name snapshot at placement.")
      .field("unit_price", &OrderItem::unit_price, "Price snapshot at placement.")
      .field("qty", &OrderItem::qty, "Units.")
      .field("line_total", &OrderItem::line_total, "unit_price x qty.")
      .field("backordered", &OrderItem::backordered,
             "Units of qty reserved from backorder room (sum of its reservation rows).")
      .field("discount", &OrderItem::discount, "Its share of the order's discount.")
      .field("tax_class", &OrderItem::tax_class, "The product's tax class at placement.")
      .field("tax", &OrderItem::tax,
             "The tax in (tax_included) or on line_total - discount.")
      .field("total", &OrderItem::total,
             "What it cost: line_total - discount (+ tax when not tax_included).")
      .field("shipped", &OrderItem::shipped,
             "Units of qty picked up by a carrier so far (docs/shipments.md).")
      .field("delivered", &OrderItem::delivered, "Units of qty delivered so far.")
      .field("cancelled", &OrderItem::cancelled,
             "Units cancelled before they shipped (OrderBook.cancel_items; docs/returns.md).")
      .field("returned", &OrderItem::returned,
             "Units in returns that were not rejected (at most delivered).")
      .field("given_back", &OrderItem::given_back,
             "Units whose value was given back so far: cancelled, or received by a return.")
      .finish();

  ValueClass<Address>(m, "Address",
                      "A postal address an order ships to (commerce/address.h). Its name and\n"
                      "phone are personal data: erase_personal_data() removes it from orders.")
      .field("name", &Address::name, "The recipient; required, 1..100 bytes, one line.")
      .field("phone", &Address::phone,
             "Optional; digits, spaces and +-(), at most 32 bytes, with a digit.")
      .field("line1", &Address::line1, "Street and number; required, 1..200 bytes.")
      .field("line2", &Address::line2, "Optional, at most 200 bytes.")
      .field("city", &Address::city, "Required, 1..100 bytes.")
      .field("region", &Address::region, "State or province; optional, at most 100 bytes.")
      .field("postal_code", &Address::postal_code,
             "Required, 1..16 ASCII letters, digits, spaces or '-'.")
      .field("country", &Address::country, "ISO 3166-1 alpha-2, upper case (e.g. \"KR\").")
      .finish();

  ValueClass<Order>(m, "Order", "An order with its items, amounts, coupon and points.")
      .field("id", &Order::id, "UUIDv7.")
      .field("user_id", &Order::user_id, "The buyer.")
      .field("status", &Order::status, "OrderStatus.")
      .field("items", &Order::items, "OrderItem list, by product id.")
      .field("subtotal", &Order::subtotal, "Sum of line totals.")
      .field("discount", &Order::discount, "From the coupon.")
      .field("points_used", &Order::points_used, "Points taken from the balance.")
      .field("total", &Order::total,
             "subtotal - discount + shipping_fee (+ tax when not tax_included) - points_used;\n"
             "what is charged.")
      .field("coupon_id", &Order::coupon_id, "As requested, or empty.")
      .field("coupon_required", &Order::coupon_required, "Whether the coupon was required.")
      .field("coupon_applied", &Order::coupon_applied, "Whether the coupon was used.")
      .field("coupon_note", &Order::coupon_note, "Why an optional coupon was skipped.")
      .field("payment_method", &Order::payment_method, "e.g. \"card\".")
      .field("failure_reason", &Order::failure_reason, "Why it FAILED or was CANCELLED.")
      .field("request_id", &Order::request_id, "Idempotency key, or empty.")
      .field("expires_at", &Order::expires_at, "An unpaid order is swept after this (ms).")
      .field("created_at", &Order::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Order::updated_at, "Milliseconds since the Unix epoch.")
      .field("region", &Order::region, "The order's region (for the allocation strategy), or empty.")
      .field("shipping_option", &Order::shipping_option, "As requested, or empty.")
      .field("shipping_fee", &Order::shipping_fee, "The shipping option's fee.")
      .field("shipping_tax", &Order::shipping_tax, "The tax in or on the shipping fee.")
      .field("tax", &Order::tax, "The items' tax plus shipping_tax.")
      .field("tax_included", &Order::tax_included,
             "Prices included the tax (else it was added on top).")
      .field("shipping_address", &Order::shipping_address,
             "Where it ships to (an Address snapshot at placement); None if it had none or once\n"
             "erased.")
      .field("personal_data_erased_at", &Order::personal_data_erased_at,
             "When its address was erased (ms); 0 if never.")
      .finish()
      .def_property_readonly("backordered", &Order::backordered,
                             "True when some item has backordered units (waits for a restock).");

  ValueClass<GiveBack>(m, "GiveBack",
                       "What one give-back (a partial cancellation or a received return) returned\n"
                       "to the customer, by the refund rule of docs/returns.md.")
      .field("value", &GiveBack::value, "The units' worth (shipping included when refunded).")
      .field("money", &GiveBack::money, "Refunded through the gateway.")
      .field("points", &GiveBack::points, "Given back as points (PointsEntryKind.REFUND).")
      .field("refund_id", &GiveBack::refund_id,
             "The Refund of `money`; \"\" when money is 0 or a whole cancel refunded the\n"
             "payment whole.")
      .field("coupon_restored", &GiveBack::coupon_restored,
             "This give-back took the order's last unit: the coupon is available again.")
      .field("shipping_refunded", &GiveBack::shipping_refunded,
             "The shipping fee was part of `value`.")
      .finish();
  ValueClass<ItemsCancelled>(m, "ItemsCancelled",
                             "What OrderBook.cancel_items() did: the order after it and what it\n"
                             "gave back.")
      .field("order", &ItemsCancelled::order, "The Order after the cancellation.")
      .field("given_back", &ItemsCancelled::given_back, "GiveBack.")
      .finish();

  ValueClass<OrderAudit>(m, "OrderAudit", "One status change of an order.")
      .field("id", &OrderAudit::id, "UUIDv7.")
      .field("order_id", &OrderAudit::order_id, "The order.")
      .field("from_status", &OrderAudit::from, "Previous status; None for the creation row.")
      .field("to_status", &OrderAudit::to, "New status.")
      .field("reason", &OrderAudit::reason, "Why.")
      .field("at", &OrderAudit::at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<RecoveryReport>(m, "RecoveryReport", "What OrderBook.recover() did.")
      .field("examined", &RecoveryReport::examined, "Sagas looked at.")
      .field("confirmed", &RecoveryReport::confirmed, "Ended CONFIRMED.")
      .field("failed", &RecoveryReport::failed, "Ended FAILED (compensated).")
      .field("cancelled", &RecoveryReport::cancelled, "Ended CANCELLED.")
      .field("awaiting_payment", &RecoveryReport::awaiting_payment,
             "The gateway still says pending.")
      .field("unresolved", &RecoveryReport::unresolved,
             "Sagas still in flight (order and error); run recover() again later.")
      .finish();

  ValueClass<PaymentRequest>(m, "PaymentRequest", "What the library asks a gateway to charge.")
      .field("idempotency_key", &PaymentRequest::idempotency_key,
             "The same for every attempt of one payment.")
      .field("order_id", &PaymentRequest::order_id, "The order.")
      .field("user_id", &PaymentRequest::user_id, "The buyer.")
      .field("amount", &PaymentRequest::amount, "Minor units of `currency`, > 0.")
      .field("currency", &PaymentRequest::currency, "ISO 4217 code.")
      .field("method", &PaymentRequest::method, "e.g. \"card\".")
      .field("timeout_ms", &PaymentRequest::timeout_ms, "Answer UNKNOWN rather than take longer.")
      .finish();

  ValueClass<PaymentResult>(m, "PaymentResult", "A gateway's answer to one call.")
      .field("outcome", &PaymentResult::outcome, "PaymentOutcome (default UNKNOWN).")
      .field("reference", &PaymentResult::reference, "The gateway's own id, if any.")
      .field("message", &PaymentResult::message, "Why, for declines and errors.")
      .field("known", &PaymentResult::known,
             "status() only: False when the gateway has never seen the key.")
      .finish();

  ValueClass<Payment>(m, "Payment", "A payment as the library stores it.")
      .field("id", &Payment::id, "The idempotency key passed to the gateway.")
      .field("order_id", &Payment::order_id, "The order.")
      .field("amount", &Payment::amount, "Minor units.")
      .field("method", &Payment::method, "e.g. \"card\".")
      .field("status", &Payment::status, "PaymentStatus.")
      .field("reference", &Payment::reference, "The gateway's id.")
      .field("created_at", &Payment::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Payment::updated_at, "Milliseconds since the Unix epoch.")
      .finish();

  ValueClass<Refund>(m, "Refund", "A partial refund of an order's payment (OrderBook.refund).")
      .field("id", &Refund::id, "UUIDv7; the refund_key passed to the gateway.")
      .field("order_id", &Refund::order_id, "The order.")
      .field("payment_id", &Refund::payment_id, "The order's payment (its key).")
      .field("amount", &Refund::amount, "Minor units, > 0.")
      .field("status", &Refund::status, "RefundStatus.")
      .field("reason", &Refund::reason, "As given to refund().")
      .field("reference", &Refund::reference, "The gateway's id of the refund, if any.")
      .field("message", &Refund::message, "Why the gateway declined it.")
      .field("request_id", &Refund::request_id, "As given to refund(), or empty.")
      .field("created_at", &Refund::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Refund::updated_at, "Milliseconds since the Unix epoch.")
      .finish();

  py::class_<PaymentGateway, PyPaymentGateway, std::shared_ptr<PaymentGateway>>(
      m, "PaymentGateway",
      "A payment provider. Subclass it in Python and override every method; each receives the\n"
      "payment's idempotency key and must apply at most one charge per key. Methods are called\n"
      "from the library's threads (with the GIL held during the call). Raise UnavailableError\n"
      "for a transient failure (retried with backoff); any other exception also counts as a\n"
      "transport failure (outcome UNKNOWN: the library asks status() later), never a crash.")
      .def(py::init<>(), "Creates the gateway (call it from subclasses' __init__).")
      .def("charge", &PaymentGateway::charge, py::arg("request"), Release(),
           "Authorizes and captures request.amount in one call; the saga uses this.")
      .def("authorize", &PaymentGateway::authorize, py::arg("request"), Release(),
           "Holds the amount without capturing it.")
      .def("capture", &PaymentGateway::capture, py::arg("idempotency_key"), Release(),
           py::arg("timeout_ms"), "Captures an authorized hold. Idempotent.")
      .def("void_payment", &PaymentGateway::void_payment, py::arg("idempotency_key"), Release(),
           py::arg("timeout_ms"),
           "Cancels whatever the key did that was not captured and blocks later charges.")
      .def("refund", &PaymentGateway::refund, py::arg("idempotency_key"), py::arg("amount"),
           Release(), py::arg("timeout_ms"), "Gives back the captured amount. Idempotent per key.")
      .def("refund_part", &PaymentGateway::refund_part, py::arg("payment_key"),
           py::arg("refund_key"), py::arg("amount"), py::arg("timeout_ms"), Release(),
           "Gives back `amount` of the payment_key's capture as one partial refund: at most one\n"
           "refund per refund_key, never more than captured in total (DECLINED otherwise).\n"
           "Optional: a gateway without it has no partial refunds (FailedPreconditionError\n"
           "naming \"gateway\"; the library records such refunds declined).")
      .def("status", &PaymentGateway::status, py::arg("idempotency_key"), Release(),
           py::arg("timeout_ms"), "What happened to the key (known=False if never seen).");

  py::class_<FakeGateway, PaymentGateway, std::shared_ptr<FakeGateway>> fake(
      m, "FakeGateway",
      "A scriptable in-process gateway for tests and demos: approves at once unless scripted.\n"
      "With `record_path`, its ledger is persisted to that file and replayed on reopen.",
      py::is_final());
  py::enum_<FakeGateway::Operation> op(fake, "Operation", "A gateway operation to script.");
  op.value("CHARGE", FakeGateway::Operation::kCharge, "charge()")
      .value("AUTHORIZE", FakeGateway::Operation::kAuthorize, "authorize()")
      .value("CAPTURE", FakeGateway::Operation::kCapture, "capture()")
      .value("VOID", FakeGateway::Operation::kVoid, "void_payment()")
      .value("REFUND", FakeGateway::Operation::kRefund, "refund()")
      .value("STATUS", FakeGateway::Operation::kStatus, "status()");
  readable_enum_repr(op);
  py::enum_<FakeGateway::Behaviour> behaviour(fake, "Behaviour", "What a scripted call does.");
  behaviour.value("APPROVE", FakeGateway::Behaviour::kApprove, "Apply and approve.")
      .value("DECLINE", FakeGateway::Behaviour::kDecline, "Decline; nothing applied.")
      .value("PENDING", FakeGateway::Behaviour::kPending, "Accept; settle() finishes it.")
      .value("FAIL", FakeGateway::Behaviour::kFail, "Raise Unavailable before applying.")
      .value("TIMEOUT", FakeGateway::Behaviour::kTimeout, "Apply, then answer UNKNOWN.");
  readable_enum_repr(behaviour);
  ValueClass<FakeGateway::Step>(fake, "Step", "One scripted behaviour, with optional latency.")
      .field("behaviour", &FakeGateway::Step::behaviour, "FakeGateway.Behaviour.")
      .field("latency_ms", &FakeGateway::Step::latency_ms, "Wait this long first.")
      .finish();
  fake.def(py::init<std::string>(), py::arg("record_path") = "",
           "Creates the gateway; memory-only when `record_path` is empty.")
      .def("script", &FakeGateway::script, py::arg("operation"), py::arg("steps"), Release(),
           "Queues behaviours for the next calls of `operation`, in order.")
      .def("settle", &FakeGateway::settle, py::arg("idempotency_key"), py::arg("approved"),
           Release(), "Finishes a pending charge as the provider's callback would.")
      .def("charges_for", &FakeGateway::charges_for, py::arg("order_id"), Release(),
           "Charges applied for the order.")
      .def("refunds_for", &FakeGateway::refunds_for, py::arg("order_id"), Release(),
           "Refunds applied for the order.")
      .def("total_charges", &FakeGateway::total_charges, Release(), "Charges applied in all.")
      .def("net_for", &FakeGateway::net_for, py::arg("order_id"), Release(),
           "Captured minus refunded for the order.")
      .def("calls", &FakeGateway::calls, py::arg("operation"), Release(),
           "Calls of `operation` made to this instance.");

  py::class_<SagaStep, PySagaStep, std::shared_ptr<SagaStep>>(
      m, "SagaStep",
      "A host-defined saga step (for example a remote stock service). Subclass it and override\n"
      "name(), execute(order, idempotency_key) and compensate(order, idempotency_key); both must\n"
      "be idempotent per key and compensate must succeed when execute never ran. An exception\n"
      "in execute refuses the step (the order fails, earlier steps are compensated);\n"
      "UnavailableError is retried with backoff, then left to recover().")
      .def(py::init<>(), "Creates the step (call it from subclasses' __init__).")
      .def("name", &SagaStep::name,
           "A stable name, 1..64 of [a-z0-9_-], not stock/points/coupon/payment.")
      .def(
          "execute",
          [](SagaStep& self, const Order& order, const std::string& key) {
            self.execute(SagaStepContext{order, key});
          },
          py::arg("order"), py::arg("idempotency_key"), "Does the step.")
      .def(
          "compensate",
          [](SagaStep& self, const Order& order, const std::string& key) {
            self.compensate(SagaStepContext{order, key});
          },
          py::arg("order"), py::arg("idempotency_key"), "Undoes the step.");

  py::class_<OrderBook> order_book(
      m, "OrderBook", "Orders and their saga. Thread-safe and safe across processes.");
  def_with_request(
      order_book, "place",
      [](OrderBook& self, const PlaceOrder& request) { return self.place(request); },
      "Places an order and runs its saga (reserve stock, use points, use coupon, host\n"
      "steps, pay, confirm) to an end: CONFIRMED, FAILED (business refusals such as out of\n"
      "stock or a declined payment return the FAILED order, with failure_reason), or\n"
      "AWAITING_PAYMENT (pending or unknown payment). It is priced as quote() prices it\n"
      "(docs/pricing.md) and keeps the breakdown. expected_total (-1: none) is the total the\n"
      "buyer was shown (Quote.total): when the order would now cost another amount, nothing is\n"
      "written and FailedPreconditionError naming \"expected_total\" is raised. Raises\n"
      "InvalidArgumentError (a field, naming it; shipping_option unknown or unable to ship\n"
      "the order; tax_calculator's bad answer), NotFoundError, InactiveError,\n"
      "FailedPreconditionError (total above 0 and no gateway; expected_total),\n"
      "ConflictError, UnavailableError. shipping_address (an Address, or None) is validated\n"
      "first (errors name \"shipping_address.<field>\") and kept on the order.");
  def_with_request(
      order_book, "quote",
      [](const OrderBook& self, const PlaceOrder& request) { return self.quote(request); },
      "What place() with the same arguments would charge now (a Quote), priced by the same\n"
      "pipeline from the same reads, writing nothing: an order placed from an unchanged store\n"
      "has the same lines, discount, shipping fee, tax and total. The coupon is previewed: an\n"
      "optional coupon that cannot be used is left out (coupon_note says why); request_id is\n"
      "ignored and expected_total is not compared. Raises the errors of place() for the\n"
      "arguments, and CouponInvalidError (a required coupon that cannot be used: the order\n"
      "would fail).");
  order_book.def("get", &OrderBook::get, py::arg("order_id"), Release(),
           "The order. Raises NotFoundError, InvalidArgumentError.")
      .def("list_for_user", &OrderBook::list_for_user, py::arg("user_id"), py::kw_only(),
           py::arg("cursor") = "", py::arg("limit") = kDefaultPageSize, Release(),
           "One page of the user's orders, newest first.")
      .def("audit", &OrderBook::audit, py::arg("order_id"), Release(),
           "The order's status changes, oldest first.")
      .def("cancel", &OrderBook::cancel, py::arg("order_id"), py::kw_only(), py::arg("reason") = "",
           py::arg("request_id") = "", Release(),
           "Cancels an AWAITING_PAYMENT or CONFIRMED order (void or refund, restore coupon and\n"
           "points, release or restock). Idempotent. Raises NotFoundError,\n"
           "IllegalTransitionError, UnavailableError (finished later by recover()).")
      .def("ship", &OrderBook::ship, py::arg("order_id"), Release(),
           "CONFIRMED -> SHIPPED; idempotent. Raises NotFoundError, IllegalTransitionError.")
      .def("deliver", &OrderBook::deliver, py::arg("order_id"), Release(),
           "SHIPPED -> DELIVERED; idempotent. Raises NotFoundError, IllegalTransitionError.")
      .def("complete_payment", &OrderBook::complete_payment, py::arg("order_id"),
           py::arg("approved"), Release(),
           "The gateway's callback for a pending payment: approved confirms, declined fails\n"
           "(compensating). Idempotent. Raises NotFoundError, IllegalTransitionError.")
      .def("sweep", &OrderBook::sweep, py::arg("limit") = 100, Release(),
           "Cancels AWAITING_PAYMENT orders past expires_at; returns their ids.")
      .def("recover", &OrderBook::recover, Release(),
           "Drives every saga in flight to an end (after a crash), and finishes every started\n"
           "refund; safe at any time.")
      .def("refund", &OrderBook::refund, py::arg("order_id"), py::arg("amount"), py::kw_only(),
           py::arg("reason") = "", py::arg("request_id") = "", Release(),
           "Gives back `amount` (minor units) of a CONFIRMED, SHIPPED or DELIVERED order's\n"
           "payment through the gateway's refund_part(), never more than was paid in total;\n"
           "returns the Refund (APPROVED or DECLINED). The same request_id and arguments return\n"
           "the same refund. Raises InvalidArgumentError (amount <= 0 or above what remains,\n"
           "order_id, reason), NotFoundError, IllegalTransitionError (not paid), ConflictError,\n"
           "UnavailableError (the gateway did not answer: recover() finishes the refund).")
      .def("refunds", &OrderBook::refunds, py::arg("order_id"), Release(),
           "The order's refunds, oldest first. Raises NotFoundError, InvalidArgumentError.")
      .def("cancel_items", &OrderBook::cancel_items, py::arg("order_id"), py::arg("items"),
           py::kw_only(), py::arg("reason") = "", py::arg("request_id") = "", Release(),
           "Partial cancellation (docs/returns.md): cancels `items` (LineItem list: units of\n"
           "some lines, each qty > 0) of a CONFIRMED order that are in no shipment yet. They go\n"
           "back on the shelf they were reserved at, their value is given back by the refund\n"
           "rule (points as points, money as a partial refund through the gateway), the coupon\n"
           "comes back with the last unit; returns an ItemsCancelled. The same request_id and\n"
           "arguments return the same result. Raises InvalidArgumentError naming the field\n"
           "(\"order_id\", \"items\" for a product not in the order or more units than remain\n"
           "unshipped, \"items[i].qty\", \"reason\"), NotFoundError, IllegalTransitionError (not\n"
           "CONFIRMED), ConflictError, UnavailableError (the gateway did not answer: the units\n"
           "are cancelled and recover() finishes the refund).")
      .def("erase_personal_data_before", &OrderBook::erase_personal_data_before,
           py::arg("older_than"), py::arg("limit") = kDefaultPageSize, Release(),
           "Erases the shipping address of at most `limit` finished orders (DELIVERED,\n"
           "CANCELLED, FAILED) last updated before `older_than` (ms), oldest first, keeping\n"
           "amounts and states (OrderPersonalDataErased each); returns how many. Call again\n"
           "until it returns less than `limit`. Raises InvalidArgumentError (limit).")
      .def("erase_personal_data", &OrderBook::erase_personal_data, py::arg("order_id"),
           Release(),
           "Erases the order's shipping address now (a data subject's request) and returns the\n"
           "order; idempotent. Raises NotFoundError, IllegalTransitionError (the order is not\n"
           "finished yet).");

  // ---- invariants
  ValueClass<InvariantViolation>(m, "InvariantViolation", "One broken invariant.")
      .field("rule", &InvariantViolation::rule, "e.g. \"stock.reserved\".")
      .field("subject", &InvariantViolation::subject, "The offending id.")
      .field("detail", &InvariantViolation::detail, "The values of the rows that break it.")
      .finish();
  ValueClass<InvariantReport>(m, "InvariantReport", "What Store.check() found.")
      .field("violations", &InvariantReport::violations, "InvariantViolation list.")
      .field("truncated", &InvariantReport::truncated, "Stopped at max_violations.")
      .field("products", &InvariantReport::products, "Rows examined.")
      .field("users", &InvariantReport::users, "Rows examined.")
      .field("coupons", &InvariantReport::coupons, "Rows examined.")
      .field("templates", &InvariantReport::templates, "Rows examined.")
      .field("orders", &InvariantReport::orders, "Rows examined.")
      .finish()
      .def_property_readonly("ok", &InvariantReport::ok, "True when nothing is violated.");
  ValueClass<InvariantRepair>(m, "InvariantRepair", "One recomputed counter.")
      .field("rule", &InvariantRepair::rule, "The rule it broke.")
      .field("subject", &InvariantRepair::subject, "The product, user or template id.")
      .field("before", &InvariantRepair::before, "Value before.")
      .field("after", &InvariantRepair::after, "Value after.")
      .finish();
  ValueClass<RepairReport>(m, "RepairReport", "What Store.repair() did.")
      .field("repaired", &RepairReport::repaired, "InvariantRepair list.")
      .field("unrepaired", &RepairReport::unrepaired, "Violations that need an operator.")
      .finish();
}

}  // namespace commerce::python
