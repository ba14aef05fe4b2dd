// Prometheus text of the request metrics. See metrics.h.
#include "metrics.h"

#include <fmt/format.h>

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

}  // namespace

void RequestMetrics::record(const std::string& method, const std::string& route, int status,
                            double seconds) {
  std::lock_guard lock(mu_);
  Series& s = series_[{method, route, status}];
  ++s.count;
  s.sum += seconds;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  }
}

std::string RequestMetrics::prometheus_text() const {
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
