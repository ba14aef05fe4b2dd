// bind_shipments.cpp: shipments of an order's units, the carriers that carry them (subclassable
// in Python; the built-in FakeCarrier) and their tracking (commerce/shipments.h,
// docs/shipments.md). Every call that touches storage or a carrier releases the GIL.
#include "commerce/shipments.h"
#include "commerce/store.h"
#include "plugins.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// A carrier written in Python. A Python exception in a call (other than a CommerceError, which
// keeps its code) counts as a transport failure (Unavailable); so does a result of the wrong
// type: the library retries with the same key, then leaves the shipment to recover().
class PyCarrier : public Carrier {
 public:
  CarrierLabel create(const CarrierRequest& request) override {
    py::gil_scoped_acquire gil;
    return cast_result<CarrierLabel>(call("create", request.idempotency_key, request), "create",
                                     request.idempotency_key, kCode);
  }
  CarrierOutcome cancel(const std::string& idempotency_key, std::int64_t timeout_ms) override {
    py::gil_scoped_acquire gil;
    return cast_result<CarrierOutcome>(call("cancel", idempotency_key, idempotency_key, timeout_ms),
                                       "cancel", idempotency_key, kCode);
  }
  std::vector<TrackingEvent> track(const std::string& tracking_number,
                                   std::int64_t timeout_ms) override {
    py::gil_scoped_acquire gil;
    return cast_result<std::vector<TrackingEvent>>(
        call("track", tracking_number, tracking_number, timeout_ms), "track", tracking_number,
        kCode);
  }

 private:
  static constexpr ErrorCode kCode = ErrorCode::kUnavailable;
  template <class... Args>
  py::object call(const char* name, const std::string& subject, Args&&... args) {
    return call_override<Carrier>(this, name, kCode, subject, true, std::forward<Args>(args)...);
  }
};

void bind_values_of_shipments(py::module_& m) {
  py::enum_<ShipmentStatus> status(m, "ShipmentStatus",
                                   "States of a shipment (docs/shipments.md).");
  status.value("REQUESTED", ShipmentStatus::kRequested,
               "Recorded; the carrier's label is being created (recover() finishes it).")
      .value("PENDING", ShipmentStatus::kPending, "Labelled, waiting for pick-up.")
      .value("SHIPPED", ShipmentStatus::kShipped, "Picked up (dispatched).")
      .value("IN_TRANSIT", ShipmentStatus::kInTransit, "On the way.")
      .value("DELIVERY_FAILED", ShipmentStatus::kDeliveryFailed,
             "A delivery attempt failed; may be re-attempted.")
      .value("DELIVERED", ShipmentStatus::kDelivered, "Final: delivered.")
      .value("RETURNED", ShipmentStatus::kReturned,
             "Final: returned to sender; its units are unshipped again.")
      .value("CANCELLING", ShipmentStatus::kCancelling,
             "Being cancelled at the carrier (recover() finishes it).")
      .value("CANCELLED", ShipmentStatus::kCancelled,
             "Cancelled before pick-up; its units are unshipped again.");
  readable_enum_repr(status);

  py::enum_<CarrierOutcome> outcome(m, "CarrierOutcome", "A carrier's answer.");
  outcome
      .value("DONE", CarrierOutcome::kDone,
             "Created (cancel: cancelled, or never created and now blocked).")
      .value("REFUSED", CarrierOutcome::kRefused,
             "create: refused (e.g. an address it cannot serve); cancel: too late (picked up).")
      .value("UNKNOWN", CarrierOutcome::kUnknown,
             "Timeout or transport error: the call may or may not have applied.");
  readable_enum_repr(outcome);

  ValueClass<CarrierRequest>(m, "CarrierRequest", "What the library asks a carrier to carry.")
      .field("idempotency_key", &CarrierRequest::idempotency_key,
             "The shipment id: the same for every attempt.")
      .field("order_id", &CarrierRequest::order_id, "The order.")
      .field("location_id", &CarrierRequest::location_id, "Where it leaves from.")
      .field("to", &CarrierRequest::to, "The order's shipping Address, or None.")
      .field("items", &CarrierRequest::items, "LineItem list: the units it carries.")
      .field("timeout_ms", &CarrierRequest::timeout_ms,
             "The call must answer UNKNOWN rather than take longer.")
      .finish();
  ValueClass<CarrierLabel>(m, "CarrierLabel", "A carrier's answer to create().")
      .field("outcome", &CarrierLabel::outcome, "CarrierOutcome.")
      .field("tracking_number", &CarrierLabel::tracking_number,
             "DONE: the carrier's tracking number (non-empty).")
      .field("label_url", &CarrierLabel::label_url,
             "Where the label can be printed, if the carrier gives one.")
      .field("message", &CarrierLabel::message, "Why, for refusals and errors.")
      .finish();
  ValueClass<TrackingEvent>(m, "TrackingEvent", "One scan of a parcel as the carrier reports it.")
      .field("status", &TrackingEvent::status, "ShipmentStatus: SHIPPED .. RETURNED.")
      .field("occurred_at", &TrackingEvent::occurred_at,
             "The carrier's time of the scan (ms since epoch, > 0).")
      .field("detail", &TrackingEvent::detail, "e.g. \"arrived at Seoul hub\".")
      .finish();

  ValueClass<ShipmentItem>(m, "ShipmentItem", "Units of one product in a shipment.")
      .field("product_id", &ShipmentItem::product_id, "The product (a line of the order).")
      .field("qty", &ShipmentItem::qty, "Units.")
      .finish();
  ValueClass<Shipment>(m, "Shipment", "Units of an order leaving from one location.")
      .field("id", &Shipment::id, "UUIDv7; the carrier's idempotency key.")
      .field("order_id", &Shipment::order_id, "The order.")
      .field("location_id", &Shipment::location_id, "Where it leaves from.")
      .field("carrier", &Shipment::carrier,
             "A name of Store.open(carriers=...), or \"\" (the host ships it itself).")
      .field("status", &Shipment::status, "ShipmentStatus.")
      .field("items", &Shipment::items, "ShipmentItem list, by product id.")
      .field("tracking_number", &Shipment::tracking_number, "The carrier's (or the host's).")
      .field("label_url", &Shipment::label_url, "Where the label can be printed, if given.")
      .field("note", &Shipment::note,
             "The last tracking detail, or why it was refused or cancelled.")
      .field("tracked_at", &Shipment::tracked_at,
             "occurred_at of the last tracking update applied (0: none).")
      .field("created_at", &Shipment::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Shipment::updated_at, "Milliseconds since the Unix epoch.")
      .finish();
  ValueClass<TrackingUpdate>(
      m, "TrackingUpdate",
      "One tracking update for Shipments.track(): names the shipment by id, or by carrier and\n"
      "tracking number.")
      .field("shipment_id", &TrackingUpdate::shipment_id, "The shipment, or \"\".")
      .field("carrier", &TrackingUpdate::carrier, "With tracking_number, when no shipment_id.")
      .field("tracking_number", &TrackingUpdate::tracking_number, "The carrier's number.")
      .field("event", &TrackingUpdate::event, "The TrackingEvent.")
      .finish();
  ValueClass<ShipmentReport>(m, "ShipmentReport", "What Shipments.recover() and poll() did.")
      .field("examined", &ShipmentReport::examined, "Shipments looked at.")
      .field("changed", &ShipmentReport::changed, "Shipments whose state moved.")
      .field("unresolved", &ShipmentReport::unresolved,
             "\"shipment id: error\" for calls that kept failing.")
      .finish();
}

void bind_carriers(py::module_& m) {
  py::class_<Carrier, PyCarrier, std::shared_ptr<Carrier>>(
      m, "Carrier",
      "A carrier (DHL, FedEx, Hanjin, ... or the host's own integration). Subclass it in Python\n"
      "and override create(request) -> CarrierLabel, cancel(idempotency_key, timeout_ms) ->\n"
      "CarrierOutcome and track(tracking_number, timeout_ms) -> list[TrackingEvent]; pass\n"
      "instances as Store.open(..., carriers={name: carrier}). Each must be idempotent per key\n"
      "(a repeated create returns the first label). Methods are called from the library's\n"
      "threads, outside any transaction (with the GIL held during the call), possibly at once;\n"
      "they must not call the store. Raise UnavailableError for a transient failure (retried\n"
      "with the same key); any other exception or a result of the wrong type counts as one too\n"
      "(the answer is unknown: the shipment stays REQUESTED or CANCELLING for recover()).")
      .def(py::init<>(), "Creates the carrier (call it from subclasses' __init__).")
      .def("create", &Carrier::create, py::arg("request"), Release(),
           "Creates the shipment and its label for `request` (a CarrierRequest).")
      .def("cancel", &Carrier::cancel, py::arg("idempotency_key"), py::arg("timeout_ms"),
           Release(),
           "Cancels the key's shipment before pick-up and blocks later creates with the key.\n"
           "DONE: cancelled (or never created, now blocked); REFUSED: already picked up.")
      .def("track", &Carrier::track, py::arg("tracking_number"), py::arg("timeout_ms"), Release(),
           "The scans of the parcel so far (TrackingEvent list), oldest first. Raises\n"
           "UnavailableError, NotFoundError.");

  py::class_<FakeCarrier, Carrier, std::shared_ptr<FakeCarrier>> fake(
      m, "FakeCarrier",
      "A scriptable in-process carrier for tests and demos: every create succeeds with\n"
      "tracking number \"FAKE-\" + a counter unless scripted. With `record_path`, its ledger is\n"
      "kept in that file (fsynced before a call returns, replayed on open, shared by\n"
      "processes).",
      py::is_final());
  py::enum_<FakeCarrier::Operation> op(fake, "Operation", "A carrier operation to script.");
  op.value("CREATE", FakeCarrier::Operation::kCreate, "create()")
      .value("CANCEL", FakeCarrier::Operation::kCancel, "cancel()")
      .value("TRACK", FakeCarrier::Operation::kTrack, "track()");
  readable_enum_repr(op);
  py::enum_<FakeCarrier::Behaviour> behaviour(fake, "Behaviour", "What a scripted call does.");
  behaviour.value("SUCCEED", FakeCarrier::Behaviour::kSucceed, "Apply and answer DONE.")
      .value("REFUSE", FakeCarrier::Behaviour::kRefuse, "Answer REFUSED; nothing applied.")
      .value("FAIL", FakeCarrier::Behaviour::kFail, "Raise Unavailable before applying.")
      .value("TIMEOUT", FakeCarrier::Behaviour::kTimeout, "Apply, then answer UNKNOWN.");
  readable_enum_repr(behaviour);
  fake.def(py::init<std::string>(), py::arg("record_path") = "",
           "Creates the carrier; memory-only when `record_path` is empty.")
      .def("script", &FakeCarrier::script, py::arg("operation"), py::arg("steps"), Release(),
           "Queues behaviours (FakeCarrier.Behaviour) for the next calls of `operation`, in\n"
           "order.")
      .def("scan", &FakeCarrier::scan, py::arg("tracking_number"), py::arg("event"), Release(),
           "Adds a scan (TrackingEvent) to the parcel: what track() then returns.")
      .def("created_for", &FakeCarrier::created_for, py::arg("order_id"), Release(),
           "Shipments created for the order (however many calls), from the record.")
      .def("cancelled_for", &FakeCarrier::cancelled_for, py::arg("order_id"), Release(),
           "Shipments cancelled for the order, from the record.")
      .def("tracking_number_of", &FakeCarrier::tracking_number_of, py::arg("idempotency_key"),
           Release(), "The tracking number created for the key, or \"\" if none.")
      .def("calls", &FakeCarrier::calls, py::arg("operation"), Release(),
           "Calls of `operation` made to this instance.");
}

void bind_shipments_service(py::module_& m) {
  py::class_<Shipments>(
      m, "Shipments",
      "Shipments of confirmed orders from their stock locations, their carriers and tracking\n"
      "(docs/shipments.md). Thread-safe and safe across processes.")
      .def(
          "create",
          [](Shipments& self, std::string order_id, std::string location_id,
             std::vector<LineItem> items, std::string carrier, std::string tracking_number,
             std::string request_id) {
            const CreateShipment request{.order_id = std::move(order_id),
                                         .location_id = std::move(location_id),
                                         .items = std::move(items),
                                         .carrier = std::move(carrier),
                                         .tracking_number = std::move(tracking_number),
                                         .request_id = std::move(request_id)};
            return self.create(request);
          },
          py::arg("order_id"), py::arg("location_id"), py::kw_only(),
          py::arg("items") = std::vector<LineItem>{}, py::arg("carrier") = "",
          py::arg("tracking_number") = "", py::arg("request_id") = "", Release(),
          "Records a shipment of `items` (LineItem list of the order's lines; empty: every unit\n"
          "still unshipped at the location) of a CONFIRMED order from `location_id`, then, with\n"
          "a `carrier` (a name of Store.open(carriers=...)), asks it for a label: the shipment\n"
          "returns PENDING with its tracking number, CANCELLED if the carrier refused (note\n"
          "says why), or REQUESTED if its answer is unknown (recover() finishes it). Without a\n"
          "carrier, `tracking_number` is the host's own (optional). The same request_id with\n"
          "the same arguments returns the same shipment. Raises InvalidArgumentError naming the\n"
          "field (an unknown carrier, a product not in the order, more units than the order's\n"
          "reservation there holds unshipped, \"location_id\" when the order holds nothing\n"
          "there), NotFoundError (order), IllegalTransitionError (the order is not CONFIRMED),\n"
          "FailedPreconditionError naming \"items\" (backordered units not restocked yet),\n"
          "ConflictError, UnavailableError. Nothing changes on an error.")
      .def("dispatch", &Shipments::dispatch, py::arg("shipment_id"), Release(),
           "PENDING -> SHIPPED (the carrier picked it up); the order turns SHIPPED with its last\n"
           "unshipped unit. Idempotent once shipped or later. Raises NotFoundError,\n"
           "IllegalTransitionError (REQUESTED, CANCELLED).")
      .def("cancel", &Shipments::cancel, py::arg("shipment_id"), py::kw_only(),
           py::arg("reason") = "", Release(),
           "Cancels a REQUESTED or PENDING shipment (at the carrier first); its units are\n"
           "unshipped again. Idempotent when cancelled. Raises NotFoundError,\n"
           "IllegalTransitionError (picked up already), UnavailableError (the carrier did not\n"
           "answer: recorded as CANCELLING, recover() finishes it).")
      .def("track", &Shipments::track, py::arg("update"), Release(),
           "Applies one TrackingUpdate; never moves a shipment backwards (an older or backward\n"
           "scan is ignored; DELIVERED and RETURNED apply unless final). Returns the shipment,\n"
           "changed or not. Raises InvalidArgumentError (status not SHIPPED..RETURNED,\n"
           "occurred_at <= 0, neither id nor carrier and tracking number), NotFoundError.")
      .def("poll", &Shipments::poll, py::arg("limit") = 100, Release(),
           "Asks the carriers for the scans of up to `limit` shipments on the way (least\n"
           "recently tracked first) and applies them; returns a ShipmentReport.")
      .def("recover", &Shipments::recover, Release(),
           "Finishes carrier calls a crash or an outage left (REQUESTED get their label,\n"
           "CANCELLING are cancelled); returns a ShipmentReport. Safe at any time.")
      .def("get", &Shipments::get, py::arg("shipment_id"), Release(),
           "The shipment. Raises NotFoundError, InvalidArgumentError.")
      .def("for_order", &Shipments::for_order, py::arg("order_id"), Release(),
           "The order's shipments, oldest first. Raises InvalidArgumentError.");
}

}  // namespace

void bind_shipments(py::module_& m) {
  bind_values_of_shipments(m);
  bind_carriers(m);
  bind_shipments_service(m);
}

}  // namespace commerce::python
