// bind_events.cpp: event sinks (built-in and Python-implemented), the outbox relay, the inbox.
#include "commerce/inbox.h"
#include "commerce/outbox.h"
#include "commerce/outbox_relay.h"
#include "commerce/relay_service.h"
#include "commerce/store.h"
#include "plugins.h"
#include "units.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

std::string json_text(const py::object& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  return py::module_::import("json")
      .attr("dumps")(value, py::arg("sort_keys") = true)
      .cast<std::string>();
}

// A Python callable as a CallbackSink callback: called with the GIL held; its exception fails
// the event (as commerce::Error, never as a Python object).
CallbackSink::Callback python_callback(const py::function& fn) {
  auto holder = std::shared_ptr<py::object>(new py::object(fn), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
  return [holder](const Event& event) {
    py::gil_scoped_acquire gil;
    try {
      (*holder)(event);
    } catch (const py::error_already_set& e) {
      throw error_from_python(e, ErrorCode::kUnavailable, event.id);
    }
  };
}

}  // namespace

void bind_events(py::module_& m) {
  py::enum_<AckStatus> ack_status(m, "AckStatus", "A sink's answer for one event.");
  ack_status.value("ACKED", AckStatus::kAcked, "Durably accepted.")
      .value("FAILED", AckStatus::kFailed, "Publishing failed; retried with backoff.")
      .value("NOT_ATTEMPTED", AckStatus::kNotAttempted,
             "Skipped: an earlier event of the same key failed in this batch.");
  readable_enum_repr(ack_status);

  py::enum_<InboxOutcome> inbox_outcome(m, "InboxOutcome", "What Inbox.receive() did.");
  inbox_outcome.value("APPLIED", InboxOutcome::kApplied, "Applied, with its inbox record.")
      .value("DUPLICATE", InboxOutcome::kDuplicate, "Already applied; nothing changed.");
  readable_enum_repr(inbox_outcome);

  ValueClass<Ack>(m, "Ack", "A sink's acknowledgement of one event.")
      .field("status", &Ack::status, "AckStatus (default FAILED).")
      .field("error", &Ack::error, "Why, for FAILED.")
      .finish();
  ValueClass<DeadLetter>(m, "DeadLetter", "An outbox row the relay gave up on.")
      .field("event", &DeadLetter::event, "The event.")
      .field("attempts", &DeadLetter::attempts, "Failed attempts (0 if parked).")
      .field("last_error", &DeadLetter::last_error, "The sink's last error, or why parked.")
      .field("dead_at", &DeadLetter::dead_at, "Milliseconds since the Unix epoch.")
      .field("parked_behind", &DeadLetter::parked_behind,
             "Seq of the earlier dead letter of its key, or 0.")
      .finish();
  ValueClass<RelayBatch>(m, "RelayBatch", "What one relay batch (or a drain) did.")
      .field("leader", &RelayBatch::leader, "False: another relay holds the lease.")
      .field("published", &RelayBatch::published, "Events handed to the sink.")
      .field("delivered", &RelayBatch::delivered, "Acknowledged and marked delivered.")
      .field("failed", &RelayBatch::failed, "Failed; retried after backoff.")
      .field("dead_lettered", &RelayBatch::dead_lettered, "Moved to the dead-letter table.")
      .field("parked", &RelayBatch::parked, "Parked behind an earlier dead letter.")
      .finish()
      .def_property_readonly("progressed", &RelayBatch::progressed,
                             "True when the batch changed any row.");
  ValueClass<RelayStats>(m, "RelayStats",
                         "Outbox progress and lag figures, read with index seeks; counts are\n"
                         "exact up to the cap given to OutboxRelay.stats() (see *_capped).")
      .field("pending", &RelayStats::pending,
             "Rows not yet delivered nor dead-lettered; a lower bound if pending_capped.")
      .field("pending_capped", &RelayStats::pending_capped,
             "True if lag_seqs exceeds the cap: pending was not fully counted.")
      .field("oldest_pending_seq", &RelayStats::oldest_pending_seq, "0 if nothing is pending.")
      .field("last_seq", &RelayStats::last_seq, "The newest stored event's seq; 0 if none.")
      .field("lag_seqs", &RelayStats::lag_seqs,
             "last_seq - oldest_pending_seq + 1, or 0: an upper bound of pending.")
      .field("delivered_through_seq", &RelayStats::delivered_through_seq,
             "Every event with seq <= this is delivered or dead-lettered.")
      .field("dead_letters", &RelayStats::dead_letters,
             "Rows in the dead-letter table; a lower bound if dead_letters_capped.")
      .field("dead_letters_capped", &RelayStats::dead_letters_capped,
             "True if the dead letters span more seqs than the cap.")
      .field("oldest_pending_at", &RelayStats::oldest_pending_at, "0 if nothing is pending.")
      .field("oldest_pending_age_ms", &RelayStats::oldest_pending_age_ms,
             "now - oldest_pending_at; 0 if nothing is pending.")
      .finish();
  ValueClass<IncomingMessage>(m, "IncomingMessage", "A parsed inbox message.")
      .field("id", &IncomingMessage::id, "Message id.")
      .field("type", &IncomingMessage::type, "Handler name.")
      .field("source", &IncomingMessage::source, "Sender, or empty.")
      .field("occurred_at", &IncomingMessage::occurred_at, "0 if not given.")
      .field("payload", &IncomingMessage::payload, "Canonical JSON object text.")
      .finish();

  // ---- sinks
  py::class_<EventSink, PyEventSink, std::shared_ptr<EventSink>>(
      m, "EventSink",
      "Where the relay publishes events. Subclass it in Python and override\n"
      "publish(batch) -> list[Ack] (one Ack per event, in order, keeping per-key order) and\n"
      "name(). An exception in publish fails the whole batch (retried later), never a crash.")
      .def(py::init<>(), "Creates the sink (call it from subclasses' __init__).")
      .def(
          "publish",
          [](EventSink& self, const std::vector<Event>& batch) { return self.publish(batch); },
          py::arg("batch"), Release(), "Publishes `batch` in order; one Ack per event.")
      .def("name", &EventSink::name, "A short name for logs and relay figures.");

  py::class_<EventSinkBase, EventSink, PyEventSinkBase, std::shared_ptr<EventSinkBase>>(
      m, "EventSinkBase",
      "The easy way to write a sink: override write(event) (raise to fail that event) and\n"
      "optionally flush() (raise to fail the batch) and name(). The base class serializes\n"
      "calls and keeps per-key order: after a failed event, later events of its key in the\n"
      "batch are NOT_ATTEMPTED.")
      .def(py::init<>(), "Creates the sink (call it from subclasses' __init__).")
      .def(
          "write",
          [](EventSinkBase&, const Event&) {
            throw py::type_error("EventSinkBase subclasses must override write(event)");
          },
          py::arg("event"), "Publishes one event; raise if it was not accepted.")
      .def(
          "flush", [](EventSinkBase&) {},
          "Makes the events written since the last flush durable; raise if that failed.");

  py::class_<MemorySink, EventSink, std::shared_ptr<MemorySink>>(
      m, "MemorySink", "Keeps every acknowledged event in memory, in publish order.",
      py::is_final())
      .def(py::init<>(), "Creates an empty sink.")
      .def("events", &MemorySink::events, Release(), "A copy of the events acknowledged so far.")
      .def("__len__", &MemorySink::size, "The number of events acknowledged so far.")
      .def("clear", &MemorySink::clear, Release(), "Forgets every event.");

  py::class_<CallbackSink, EventSink, std::shared_ptr<CallbackSink>>(
      m, "CallbackSink",
      "Calls a Python function for each event, in order; returning acknowledges it, raising\n"
      "fails it. Calls are serialized.",
      py::is_final())
      .def(py::init([](const py::function& callback, const std::string& name) {
             return std::make_shared<CallbackSink>(python_callback(callback), name);
           }),
           py::arg("callback"), py::arg("name") = "callback",
           "Creates the sink around `callback(event)`.");

  py::class_<JsonLinesSink, EventSink, std::shared_ptr<JsonLinesSink>>(
      m, "JsonLinesSink",
      "Appends one JSON envelope per line to a file (fsynced per batch by default).",
      py::is_final())
      .def(py::init([](const py::object& path, bool fsync) {
             JsonLinesSinkOptions options;
             options.fsync = fsync;
             return std::make_shared<JsonLinesSink>(
                 py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>(),
                 options);
           }),
           py::arg("path"), py::kw_only(), py::arg("fsync") = true,
           "Opens (creating) the file. Raises InvalidArgumentError, UnavailableError.")
      .def_property_readonly("path", &JsonLinesSink::path, "The file.");

  m.def("envelope_json", &envelope_json, py::arg("event"),
        "The JSON envelope of an event, one line without the newline.");
  m.def("parse_envelope_json", &parse_envelope_json, py::arg("line"),
        "Parses envelope_json() output. Raises InvalidArgumentError naming the field.");
  m.def(
      "read_json_lines",
      [](const py::object& path) {
        auto where = py::str(py::module_::import("os").attr("fspath")(path)).cast<std::string>();
        py::gil_scoped_release release;
        return read_json_lines(where);
      },
      py::arg("path"),
      "Every complete envelope of a JSON-lines file (a final partial line is skipped).");

  // ---- relay
  py::class_<OutboxRelay>(
      m, "OutboxRelay",
      "Drains the store's transactional outbox to a sink, in order per key, marking rows\n"
      "delivered only after the sink acknowledges; retries with backoff; dead-letters events\n"
      "that keep failing. Several relays on one store are safe (one lease holder delivers).")
      .def(py::init([](Store& store, EventSink& sink, int batch_size, int max_attempts,
                       std::int64_t backoff_initial_ms, std::int64_t backoff_max_ms,
                       std::int64_t lease_ms, std::int64_t idle_poll_ms, std::string owner) {
             RelayOptions options;
             options.batch_size = batch_size;
             options.max_attempts = max_attempts;
             options.backoff_initial_ms = backoff_initial_ms;
             options.backoff_max_ms = backoff_max_ms;
             options.lease_ms = lease_ms;
             options.idle_poll_ms = idle_poll_ms;
             options.owner = std::move(owner);
             return std::make_unique<OutboxRelay>(store, sink, options);
           }),
           py::arg("store"), py::arg("sink"), py::kw_only(), py::arg("batch_size") = 100,
           py::arg("max_attempts") = 5, py::arg("backoff_initial_ms") = std::int64_t{200},
           py::arg("backoff_max_ms") = std::int64_t{60000},
           py::arg("lease_ms") = std::int64_t{30000}, py::arg("idle_poll_ms") = std::int64_t{200},
           py::arg("owner") = "", py::keep_alive<1, 2>(), py::keep_alive<1, 3>(),
           "Creates the relay of `store` publishing to `sink`. Raises InvalidArgumentError\n"
           "naming the option out of range.")
      .def("run_once", &OutboxRelay::run_once, Release(),
           "Publishes at most one batch of due events; returns what it did.")
      .def("drain", &OutboxRelay::drain, py::arg("max_batches") = 1000000, Release(),
           "Runs batches until one makes no progress; returns the sums.")
      .def("stats", &OutboxRelay::stats, py::arg("count_cap") = RelayStats::kDefaultCountCap,
           Release(),
           "Pending, lag and dead letters, with index seeks and counts over at most count_cap\n"
           "seqs (exact when they fit: see pending_capped). Raises InvalidArgumentError naming\n"
           "count_cap unless 1 <= count_cap <= 100000000.")
      .def("dead_letters", &OutboxRelay::dead_letters, py::arg("after_seq") = 0,
           py::arg("limit") = 100, Release(), "Dead letters with seq > after_seq, by seq.")
      .def("retry_dead_letters", &OutboxRelay::retry_dead_letters, py::arg("key") = "", Release(),
           "Moves the dead letters of `key` (all if empty) back to pending.")
      .def("release_lease", &OutboxRelay::release_lease, Release(),
           "Gives up the lease so a standby relay can take over at once.");

  // ---- relay as a long-running loop
  ValueClass<RelayProgress>(m, "RelayProgress", "Totals of one RelayService.run().")
      .field("batches", &RelayProgress::batches, "Batches that made progress.")
      .field("published", &RelayProgress::published, "Events handed to the sink.")
      .field("delivered", &RelayProgress::delivered, "Acknowledged and marked delivered.")
      .field("failed", &RelayProgress::failed, "Failed attempts, to be retried.")
      .field("dead_lettered", &RelayProgress::dead_lettered, "Moved to the dead-letter table.")
      .field("elapsed_ms", &RelayProgress::elapsed_ms, "Since run() started.")
      .field("delivered_per_second", &RelayProgress::delivered_per_second, "delivered / elapsed.")
      .field("stats", &RelayProgress::stats, "Outbox figures at the time of the report.")
      .field("final", &RelayProgress::final, "True for the report made as run() returns.")
      .finish();

  py::class_<RelayService>(
      m, "RelayService",
      "Runs a relay until stop() (from another thread), then shuts down gracefully: the batch\n"
      "in flight finishes and is recorded, the lease is released. Python keeps its own signal\n"
      "handling (call stop() from a handler).")
      .def(py::init([](OutboxRelay& relay, std::int64_t progress_interval_ms,
                       const py::object& on_progress) {
             RelayServiceOptions options;
             options.handle_signals = false;
             options.progress_interval_ms = progress_interval_ms;
             if (!on_progress.is_none()) {
               auto holder =
                   std::shared_ptr<py::object>(new py::object(on_progress), [](py::object* p) {
                     py::gil_scoped_acquire gil;
                     delete p;
                   });
               options.on_progress = [holder](const RelayProgress& progress) {
                 py::gil_scoped_acquire gil;
                 try {
                   (*holder)(progress);
                 } catch (const py::error_already_set& e) {
                   // on_progress errors are ignored by the service; keep them visible
                   PyErr_WriteUnraisable(e.value().ptr());
                 }
               };
             }
             return std::make_unique<RelayService>(relay, std::move(options));
           }),
           py::arg("relay"), py::kw_only(), py::arg("progress_interval_ms") = std::int64_t{1000},
           py::arg("on_progress") = py::none(), py::keep_alive<1, 2>(),
           "Creates the service around `relay`; `on_progress(progress)` is called on run()'s\n"
           "thread at most every progress_interval_ms and once more as run() returns.")
      .def("run", &RelayService::run, Release(),
           "Relays until stop(); returns the final totals. Raises FailedPreconditionError if\n"
           "already running.")
      .def("stop", &RelayService::stop, Release(), "Requests a graceful stop; thread-safe.");

  // ---- inbox
  py::class_<Inbox> inbox(m, "Inbox",
                          "Incoming events from other services, each applied exactly once (keyed\n"
                          "by message id). Built-in types: PaymentCompleted, PaymentFailed,\n"
                          "DeliveryUpdated; register_handler() adds handlers written in Python.");
  bind_inbox_handlers(inbox);
  inbox.def(
          "receive",
          [](Inbox& self, const py::object& message) {
            const std::string text = json_text(message);
            try {
              py::gil_scoped_release release;
              return self.receive(text);
            } catch (const PythonCallbackError& e) {
              e.restore();  // a Python handler raised: re-raise its exception unchanged
              throw py::error_already_set();
            }
          },
          py::arg("message"),
          "Parses and applies a message (JSON text or a dict: id, type, payload, optional\n"
          "source and occurred_at). A re-delivery returns DUPLICATE. Raises\n"
          "InvalidArgumentError naming the field, the handler's error, ConflictError (same id,\n"
          "other content), UnavailableError; a Python handler's own exception unchanged.")
      .def("seen", &Inbox::seen, py::arg("message_id"), Release(),
           "Whether a message id has been applied.")
      .def("applied_count", &Inbox::applied_count, Release(), "How many messages were applied.")
      .def("has_handler", &Inbox::has_handler, py::arg("type"), "Whether `type` has a handler.")
      .def("types", &Inbox::types, "Registered types, sorted.");
  m.def(
      "parse_incoming_message",
      [](const py::object& message) { return parse_incoming_message(json_text(message)); },
      py::arg("message"), "Parses an inbox message without applying it.");
}

}  // namespace commerce::python
