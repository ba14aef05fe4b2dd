// Store.metrics(): the library's counters (commerce/metrics.h) as read-only value classes, for
// a Python host to export to its own monitoring.
#include "bindings.h"
#include "commerce/metrics.h"

namespace commerce::python {

void bind_metrics(py::module_& m) {
  using S = MetricsSnapshot;
  // Read-only: `within` as a list (a fixed-size array has no type mypy reads).
  py::class_<LatencyHistogram>(
      m, "LatencyHistogram",
      "A latency distribution in Prometheus-style buckets: within[i] counts the observations\n"
      "in (BOUNDS_SECONDS[i-1], BOUNDS_SECONDS[i]] (not cumulative); the last entry counts those\n"
      "above the last bound.")
      .def(py::init<>(), "An empty histogram.")
      .def_property_readonly(
          "within",
          [](const LatencyHistogram& h) {
            return std::vector<std::uint64_t>(h.within.begin(), h.within.end());
          },
          "Observations per bucket (len(BOUNDS_SECONDS) + 1 entries).")
      .def_readonly("count", &LatencyHistogram::count, "Observations.")
      .def_readonly("sum_seconds", &LatencyHistogram::sum_seconds,
                    "Their sum in seconds (microsecond resolution).")
      .attr("BOUNDS_SECONDS") = std::vector<double>(LatencyHistogram::kBoundsSeconds.begin(),
                                                    LatencyHistogram::kBoundsSeconds.end());
  ValueClass<S::Orders>(m, "OrderMetrics", "Orders by outcome (counted when committed).")
      .field("placed", &S::Orders::placed, "New orders created (PENDING).")
      .field("awaiting_payment", &S::Orders::awaiting_payment,
             "Orders that began their gateway payment.")
      .field("confirmed", &S::Orders::confirmed, "Orders that became CONFIRMED.")
      .field("failed", &S::Orders::failed, "Orders that became FAILED.")
      .field("cancelled", &S::Orders::cancelled, "Orders that became CANCELLED.")
      .finish();
  ValueClass<S::Saga>(m, "SagaMetrics", "Saga steps by how they ended.")
      .field("steps_done", &S::Saga::steps_done, "Steps that completed.")
      .field("steps_refused", &S::Saga::steps_refused, "Steps that refused, failing the order.")
      .field("steps_compensated", &S::Saga::steps_compensated, "Completed steps undone.")
      .finish();
  ValueClass<S::Gateway>(m, "GatewayMetrics", "Payment gateway calls by answer.")
      .field("approved", &S::Gateway::approved, "Answered approved.")
      .field("declined", &S::Gateway::declined, "Answered declined.")
      .field("pending", &S::Gateway::pending, "Answered pending.")
      .field("unknown", &S::Gateway::unknown, "No answer (timeout, transport failure).")
      .field("latency", &S::Gateway::latency, "LatencyHistogram of every attempt.")
      .finish();
  ValueClass<S::Carrier>(m, "CarrierMetrics", "Carrier calls.")
      .field("calls", &S::Carrier::calls, "Attempts.")
      .field("unknown", &S::Carrier::unknown, "Attempts without an answer.")
      .field("latency", &S::Carrier::latency, "LatencyHistogram of every attempt.")
      .finish();
  ValueClass<S::Storage>(m, "StorageMetrics", "Units of work and their retries.")
      .field("units", &S::Storage::units, "Units of work committed or failed.")
      .field("retries", &S::Storage::retries,
             "Times a unit was run again (busy, serialization failure, lost connection...).")
      .finish();
  ValueClass<S::Relay>(m, "RelayMetrics", "The outbox relay over this store.")
      .field("delivered", &S::Relay::delivered, "Events marked delivered.")
      .field("failed", &S::Relay::failed, "Failed publish attempts recorded.")
      .field("dead_lettered", &S::Relay::dead_lettered, "Events moved to the dead letters.")
      .field("lag", &S::Relay::lag, "LatencyHistogram: from an event's commit to its delivery.")
      .finish();
  ValueClass<S>(m, "MetricsSnapshot",
                "The store's counters since it was opened, in this process (docs/operations.md).")
      .field("orders", &S::orders, "OrderMetrics.")
      .field("saga", &S::saga, "SagaMetrics.")
      .field("gateway", &S::gateway, "GatewayMetrics.")
      .field("carrier", &S::carrier, "CarrierMetrics.")
      .field("storage", &S::storage, "StorageMetrics.")
      .field("relay", &S::relay, "RelayMetrics.")
      .finish();
}

}  // namespace commerce::python
