// Prometheus text of the service's and the store's metrics. See metrics.h.
#include "metrics.h"

#include <fmt/format.h>

#include "commerce/event_sink.h"
#include "commerce/outbox_relay.h"

namespace commerce::service {

namespace {

// A label value with \, " and newline escaped (the exposition format's rule).
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// One metric's HELP and TYPE lines.
std::string head(const std::string& name, const std::string& type, const std::string& help) {
  return fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// A library histogram (commerce/metrics.h) as a Prometheus one: cumulative buckets.
std::string histogram(const std::string& name, const std::string& help,
                      const LatencyHistogram& h) {
  std::string out = head(name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < LatencyHistogram::kBoundsSeconds.size(); ++i) {
    cumulative += h.within[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, LatencyHistogram::kBoundsSeconds[i],
                       cumulative);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, h.count, name,
                     h.sum_seconds, name, h.count);
  return out;
}

// A counter with one label, a sample per value.
std::string labelled_counter(
    const std::string& name, const std::string& help, const std::string& label_name,
    std::initializer_list<std::pair<const char*, std::uint64_t>> samples) {
  std::string out = head(name, "counter", help);
  for (const auto& [value, n] : samples) {
    out += fmt::format("{}{{{}=\"{}\"}} {}\n", name, label_name, value, n);
  }
  return out;
}

std::string store_text(const MetricsSnapshot& m) {
  std::string out;
  out += labelled_counter("commerce_orders_total",
                          "Orders that entered each state through this process.", "outcome",
                          {{"placed", m.orders.placed},
                           {"awaiting_payment", m.orders.awaiting_payment},
                           {"confirmed", m.orders.confirmed},
                           {"failed", m.orders.failed},
                           {"cancelled", m.orders.cancelled}});
  out += labelled_counter("commerce_saga_steps_total", "Saga steps run, by their result.",
                          "result",
                          {{"done", m.saga.steps_done},
                           {"refused", m.saga.steps_refused},
                           {"compensated", m.saga.steps_compensated}});
  out += labelled_counter("commerce_gateway_calls_total",
                          "Payment gateway call attempts, by their answer.", "outcome",
                          {{"approved", m.gateway.approved},
                           {"declined", m.gateway.declined},
                           {"pending", m.gateway.pending},
                           {"unknown", m.gateway.unknown}});
  out += histogram("commerce_gateway_call_duration_seconds",
                   "Time of each payment gateway call attempt.", m.gateway.latency);
  out += labelled_counter("commerce_carrier_calls_total",
                          "Carrier call attempts, answered or not (timeout, failure).", "outcome",
                          {{"answered", m.carrier.calls - m.carrier.unknown},
                           {"unknown", m.carrier.unknown}});
  out += histogram("commerce_carrier_call_duration_seconds", "Time of each carrier call attempt.",
                   m.carrier.latency);
  out += head("commerce_storage_units_total", "counter", "Units of work (transactions) run.") +
         fmt::format("commerce_storage_units_total {}\n", m.storage.units);
  out += head("commerce_storage_retries_total", "counter",
              "Units of work run again on contention (busy, serialization failure, deadlock).") +
         fmt::format("commerce_storage_retries_total {}\n", m.storage.retries);
  out += labelled_counter("commerce_relay_events_total",
                          "Outbox events the relay of this process recorded, by result.",
                          "result",
                          {{"delivered", m.relay.delivered},
                           {"failed", m.relay.failed},
                           {"dead_lettered", m.relay.dead_lettered}});
  out += histogram("commerce_relay_lag_seconds",
                   "Time from an event's occurrence to its delivery by the relay.", m.relay.lag);
  return out;
}

std::string outbox_text(const RelayStats& s) {
  return head("commerce_outbox_pending_events", "gauge",
              "Events not yet delivered (a lower bound past 10,000).") +
         fmt::format("commerce_outbox_pending_events {}\n", s.pending) +
         head("commerce_outbox_oldest_pending_age_seconds", "gauge",
              "Age of the oldest undelivered event (0 if none): the relay's lag.") +
         fmt::format("commerce_outbox_oldest_pending_age_seconds {}\n",
                     static_cast<double>(s.oldest_pending_age_ms) / 1000.0) +
         head("commerce_outbox_dead_letters", "gauge",
              "Events in the dead-letter table (a lower bound past 10,000).") +
         fmt::format("commerce_outbox_dead_letters {}\n", s.dead_letters);
}

}  // namespace

void ServiceMetrics::record(const std::string& method, const std::string& route, int status,
                            double seconds) {
  std::lock_guard lock(mu_);
  Series& s = series_[{method, route, status}];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  }
}

std::string ServiceMetrics::prometheus_text() const {
  MemorySink unused;  // the relay's reads need no sink
  const OutboxRelay relay(store_, unused);
  return request_text() + store_text(store_.metrics()) + outbox_text(relay.stats());
}

std::string ServiceMetrics::request_text() const {
  std::lock_guard lock(mu_);
  std::string counts =
      "# HELP commerce_http_requests_total HTTP requests answered, by route and status.\n"
      "# TYPE commerce_http_requests_total counter\n";
  std::string durations =
      "# HELP commerce_http_request_duration_seconds Time from the request's headers to its "
      "response.\n"
      "# TYPE commerce_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : series_) {
    const auto& [method, route, status] = key;
    const std::string labels = fmt::format(R"(method="{}",route="{}",status="{}")",
                                           label(method), label(route), status);
    counts += fmt::format("commerce_http_requests_total{{{}}} {}\n", labels, s.count);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      durations += fmt::format("commerce_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                               labels, kBuckets[i], s.buckets[i]);
    }
    durations += fmt::format(
        "commerce_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n"
        "commerce_http_request_duration_seconds_sum{{{}}} {}\n"
        "commerce_http_request_duration_seconds_count{{{}}} {}\n",
        labels, s.count, labels, s.sum, labels, s.count);
  }
  return counts + durations;
}

}  // namespace commerce::service
