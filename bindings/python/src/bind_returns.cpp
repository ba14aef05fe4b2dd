// bind_returns.cpp: returns of delivered units (an RMA) and their options (commerce/returns.h,
// docs/returns.md). Partial cancellation (OrderBook.cancel_items) and what a give-back returned
// (GiveBack, ItemsCancelled) are bound with the orders (bind_orders.cpp). Every call that touches
// storage or the gateway releases the GIL.
#include "commerce/returns.h"
#include "commerce/store.h"
#include "bindings.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

void bind_values_of_returns(py::module_& m) {
  py::enum_<ReturnStatus> status(m, "ReturnStatus", "States of a return (docs/returns.md).");
  status.value("REQUESTED", ReturnStatus::kRequested, "Asked for; waits for the store.")
      .value("APPROVED", ReturnStatus::kApproved, "Accepted; waits for the units.")
      .value("REJECTED", ReturnStatus::kRejected,
             "Final: refused; its units may be returned again.")
      .value("RECEIVED", ReturnStatus::kReceived,
             "Inspected; the refund is started (recover() finishes it).")
      .value("REFUNDED", ReturnStatus::kRefunded,
             "Final: the money came back (or none was due in money).")
      .value("REFUND_DECLINED", ReturnStatus::kRefundDeclined,
             "Final: the gateway declined the refund; refund by hand with OrderBook.refund().");
  readable_enum_repr(status);

  ValueClass<ReturnOptions>(m, "ReturnOptions",
                            "The return window and the shipping fee's refund policy\n"
                            "(Store.open(..., returns=...); docs/returns.md).")
      .field("window_ms", &ReturnOptions::window_ms,
             "How long after a unit's delivery a return may be requested (default 14 days;\n"
             "must be positive).")
      .field("refund_shipping", &ReturnOptions::refund_shipping,
             "Whether the shipping fee is refunded once every unit of the order is given back\n"
             "(default True; never for some units only).")
      .finish();

  ValueClass<ReturnItem>(m, "ReturnItem", "Units of one line of the order in a return.")
      .field("product_id", &ReturnItem::product_id, "The product (a line of the order).")
      .field("qty", &ReturnItem::qty, "Units returned.")
      .field("restocked", &ReturnItem::restocked,
             "After inspection: put back on sale at location_id.")
      .field("written_off", &ReturnItem::written_off, "After inspection: damaged, not restocked.")
      .field("location_id", &ReturnItem::location_id,
             "Where the restocked units went; \"\" before inspection.")
      .finish();
  ValueClass<Return>(m, "Return", "A return of delivered units of an order (an RMA).")
      .field("id", &Return::id, "UUIDv7.")
      .field("order_id", &Return::order_id, "The order.")
      .field("status", &Return::status, "ReturnStatus.")
      .field("items", &Return::items, "ReturnItem list, by product id.")
      .field("reason", &Return::reason, "The customer's.")
      .field("note", &Return::note, "The store's: why approved or rejected.")
      .field("given_back", &Return::given_back, "GiveBack: what came back, once received.")
      .field("replacement", &Return::replacement,
             "An exchange: the replacement's LineItem list asked for; [] for a plain return.")
      .field("replacement_order_id", &Return::replacement_order_id,
             "Once received: the replacement order the return's value paid for, or \"\".")
      .field("exchange_credit", &Return::exchange_credit,
             "Once received: how much of the return's value paid for the replacement.")
      .field("exchange_note", &Return::exchange_note,
             "Why an exchange fell back to a refund (no replacement placed), or \"\".")
      .field("request_id", &Return::request_id, "As given to request(), or empty.")
      .field("created_at", &Return::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Return::updated_at, "Milliseconds since the Unix epoch.")
      .finish();
  ValueClass<Inspection>(
      m, "Inspection",
      "How inspection found the returned units of one line (Returns.receive()): restock_qty +\n"
      "write_off_qty must be the line's qty.")
      .field("product_id", &Inspection::product_id, "The line.")
      .field("restock_qty", &Inspection::restock_qty, "Units put back on sale at location_id.")
      .field("write_off_qty", &Inspection::write_off_qty, "Units written off as damaged.")
      .field("location_id", &Inspection::location_id,
             "Where restocked units go; required when restock_qty > 0.")
      .finish();
}

void bind_returns_service(py::module_& m) {
  py::class_<Returns>(
      m, "Returns",
      "Returns of delivered units (docs/returns.md): requested within the return window,\n"
      "approved or rejected, received and inspected, refunded by the rule of docs/returns.md.\n"
      "Thread-safe and safe across processes: no unit is returned twice.")
      .def(
          "request",
          [](Returns& self, std::string order_id, std::vector<LineItem> items, std::string reason,
             std::string user_id, std::vector<LineItem> replacement, std::string request_id) {
            const RequestReturn request{.order_id = std::move(order_id),
                                        .user_id = std::move(user_id),
                                        .items = std::move(items),
                                        .reason = std::move(reason),
                                        .replacement = std::move(replacement),
                                        .request_id = std::move(request_id)};
            return self.request(request);
          },
          py::arg("order_id"), py::arg("items"), py::kw_only(), py::arg("reason"),
          py::arg("user_id") = "", py::arg("replacement") = std::vector<LineItem>{},
          py::arg("request_id") = "", Release(),
          "Requests the return of delivered units (LineItem list, 1..1000 lines) of the order\n"
          "within ReturnOptions.window_ms of their delivery; returns it REQUESTED\n"
          "(ReturnRequested). user_id, when given (a storefront's customer), must own the order:\n"
          "another user's order is NotFoundError. The same request_id with the same arguments\n"
          "returns the same return. Raises InvalidArgumentError naming the field (\"order_id\",\n"
          "\"user_id\", \"items[i].product_id\", \"items[i].qty\", \"items\" for a product not in\n"
          "the order or more units than delivered and not yet returned, \"reason\",\n"
          "\"replacement[i].product_id\", \"replacement[i].qty\"),\n"
          "NotFoundError (order), IllegalTransitionError (nothing delivered, the order\n"
          "cancelled, the window closed), ConflictError. Nothing changes on an error.\n"
          "replacement (0..100 lines) makes it an exchange: receive() places a replacement\n"
          "order with them, paid by the return's value (docs/returns.md, \"Exchanges\").")
      .def("approve", &Returns::approve, py::arg("return_id"), py::kw_only(), py::arg("note") = "",
           Release(),
           "REQUESTED -> APPROVED (ReturnApproved); approving an approved return returns it.\n"
           "Raises InvalidArgumentError (\"return_id\", \"note\"), NotFoundError,\n"
           "IllegalTransitionError (not requested).")
      .def("reject", &Returns::reject, py::arg("return_id"), py::kw_only(), py::arg("reason"),
           Release(),
           "REQUESTED or APPROVED -> REJECTED (ReturnRejected): its units may be returned again.\n"
           "Raises InvalidArgumentError (\"return_id\", \"reason\" required), NotFoundError,\n"
           "IllegalTransitionError.")
      .def("receive", &Returns::receive, py::arg("return_id"), py::arg("inspections"),
           py::kw_only(), py::arg("request_id") = "", Release(),
           "APPROVED -> RECEIVED (ReturnReceived): every line inspected (an Inspection each:\n"
           "restocked at its location, or written off), the units' value given back by the rule\n"
           "(points now, money through the gateway) -> REFUNDED or REFUND_DECLINED. Returns the\n"
           "return as recorded; receiving a received return finishes its refund. Raises\n"
           "InvalidArgumentError (\"return_id\", \"inspections\" not covering each line exactly,\n"
           "\"inspections[i].location_id\" unknown or missing), NotFoundError,\n"
           "IllegalTransitionError (not approved), UnavailableError (the gateway did not\n"
           "answer: the return is received, OrderBook.recover() finishes its refund).\n"
           "An exchange is received in the unit that places its replacement order, paid by a\n"
           "credit of min(the units' value, its price); the rest refunded, the difference\n"
           "charged by the replacement; a replacement that cannot be placed leaves\n"
           "exchange_note and a plain refund (docs/returns.md, \"Exchanges\").")
      .def("get", &Returns::get, py::arg("return_id"), Release(),
           "The return. Raises NotFoundError, InvalidArgumentError.")
      .def("for_order", &Returns::for_order, py::arg("order_id"), Release(),
           "The order's returns, oldest first. Raises NotFoundError (order),\n"
           "InvalidArgumentError.");
}

}  // namespace

void bind_returns(py::module_& m) {
  bind_values_of_returns(m);
  bind_returns_service(m);
}

}  // namespace commerce::python
