// bind_kafka.cpp: the Kafka event sink (commerce/kafka_sink.h), compiled only when the module is
// built with the Kafka component (COMMERCE_WITH_KAFKA, librdkafka). Every call that waits on the
// network releases the GIL.
#include <map>
#include <memory>
#include <string>

#include "bindings.h"
#include "commerce/kafka_sink.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// Destroying the sink flushes (up to message.timeout.ms): do it without the GIL.
void delete_sink(KafkaSink* sink) {
  if (PyGILState_Check()) {
    py::gil_scoped_release release;
    delete sink;
  } else {
    delete sink;
  }
}

}  // namespace

void bind_kafka(py::module_& m) {
  ValueClass<KafkaSinkCounters>(m, "KafkaSinkCounters", "Message counts since the sink was created.")
      .field("produced", &KafkaSinkCounters::produced, "Messages handed to librdkafka.")
      .field("acked", &KafkaSinkCounters::acked, "Delivery reports that said stored.")
      .field("failed", &KafkaSinkCounters::failed,
             "Events reported FAILED (error report, no report, or send error).")
      .field("producer_rebuilds", &KafkaSinkCounters::producer_rebuilds,
             "Producers replaced after a fatal error.")
      .field("last_error", &KafkaSinkCounters::last_error, "The most recent error text, or empty.")
      .finish();

  py::class_<KafkaSink, EventSink, std::shared_ptr<KafkaSink>>(
      m, "KafkaSink",
      "Publishes outbox events to Apache Kafka (librdkafka): one message per event, topic\n"
      "event.topic (mapped by topic_overrides or prefixed by topic_prefix), key event.key,\n"
      "value the JSON envelope, headers event_id, event_type, schema_version. The producer is\n"
      "idempotent with acks=all; an event is acknowledged only when its delivery report says\n"
      "the broker stored it. Broker and network failures are reported per event (FAILED),\n"
      "never raised. Use with OutboxRelay(store, KafkaSink(...)).",
      py::is_final())
      .def(py::init([](const std::string& bootstrap_servers,
                       std::map<std::string, std::string> properties, std::string topic_prefix,
                       std::map<std::string, std::string> topic_overrides,
                       std::int64_t report_grace_ms, const py::object& on_error) {
             KafkaSinkOptions options;
             options.bootstrap_servers = bootstrap_servers;
             options.properties = std::move(properties);
             options.topic_prefix = std::move(topic_prefix);
             options.topic_overrides = std::move(topic_overrides);
             options.report_grace_ms = report_grace_ms;
             if (!on_error.is_none()) {
               if (!PyCallable_Check(on_error.ptr())) {
                 throw py::type_error("KafkaSink(): on_error must be callable or None");
               }
               auto holder =
                   std::shared_ptr<py::object>(new py::object(on_error), [](py::object* p) {
                     py::gil_scoped_acquire gil;
                     delete p;
                   });
               options.on_error = [holder](const std::string& error) {
                 py::gil_scoped_acquire gil;
                 try {
                   (*holder)(error);
                 } catch (py::error_already_set& e) {
                   e.discard_as_unraisable("commerce_core KafkaSink on_error callback");
                 }
               };
             }
             KafkaSink* sink = nullptr;
             {
               py::gil_scoped_release release;
               sink = new KafkaSink(std::move(options));
             }
             return std::shared_ptr<KafkaSink>(sink, delete_sink);
           }),
           py::arg("bootstrap_servers"), py::kw_only(),
           py::arg("properties") = std::map<std::string, std::string>{},
           py::arg("topic_prefix") = "",
           py::arg("topic_overrides") = std::map<std::string, std::string>{},
           py::arg("report_grace_ms") = std::int64_t{5000}, py::arg("on_error") = py::none(),
           "Creates the producer (it connects in the background: an absent broker is not an\n"
           "error here, it makes publish() report FAILED).\n\n"
           "`bootstrap_servers`: Kafka's bootstrap.servers, e.g. \"127.0.0.1:9092\".\n"
           "`properties`: librdkafka settings applied after the sink's defaults\n"
           "(enable.idempotence=true, acks=all, partitioner=murmur2_random,\n"
           "message.timeout.ms=30000, linger.ms=5, client.id=commerce-relay), e.g.\n"
           "{\"compression.type\": \"zstd\"}; ones that would weaken delivery are refused.\n"
           "`topic_prefix` is prepended to every event topic; `topic_overrides` maps event\n"
           "topics to Kafka topics instead. `report_grace_ms`: how long publish() waits for\n"
           "delivery reports beyond message.timeout.ms. `on_error(text)` receives librdkafka's\n"
           "error events (called during publish/flush; exceptions are printed, not raised).\n"
           "Raises InvalidArgumentError naming \"bootstrap_servers\", \"report_grace_ms\", the\n"
           "offending property (e.g. \"properties.acks\") or \"topic_overrides\".")
      .def("topic_for", &KafkaSink::topic_for, py::arg("event"),
           "The Kafka topic `event` goes to (topic_overrides, else topic_prefix + topic).")
      .def("flush", &KafkaSink::flush, py::arg("timeout_ms"), Release(),
           "Waits up to timeout_ms for every outstanding delivery report; True if none is\n"
           "outstanding. True after close().")
      .def("close", &KafkaSink::close, Release(),
           "Flushes, purges what is still queued (never acknowledged, so the relay re-sends\n"
           "it) and destroys the producer. Idempotent; publish() then raises\n"
           "FailedPreconditionError.")
      .def("counters", &KafkaSink::counters, Release(), "Message counts since creation.")
      .def_static("librdkafka_version", &KafkaSink::librdkafka_version,
                  "The librdkafka version in use, e.g. \"2.0.2\".")
      .def(
          "__repr__", [](const KafkaSink& s) { return "KafkaSink(" + s.name() + ")"; },
          "KafkaSink(kafka:SERVERS).");
}

}  // namespace commerce::python
