// The metrics of `commerce serve` in the Prometheus text format (GET /metrics):
//   - its HTTP requests, recorded here:
//       commerce_http_requests_total{method, route, status}            counter
//       commerce_http_request_duration_seconds{method, route, status}  histogram
//     `route` is the route's pattern ("/orders/{id}"), "none" for a path no route has;
//   - the library's own metrics of the store it serves (Store::metrics(), commerce/metrics.h),
//     read at each scrape: orders by outcome, saga steps, gateway and carrier calls and their
//     latency, storage units and retries, relay deliveries, failures, dead letters and lag;
//   - the outbox as it stands (OutboxRelay::stats(): one bounded read per scrape): pending
//     events, the oldest one's age, dead letters.
// docs/service.md lists every name. Thread safety: every call may run from any thread at once.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "commerce/store.h"

namespace commerce::service {

class ServiceMetrics {
 public:
  explicit ServiceMetrics(Store& store) : store_(store) {}

  void record(const std::string& method, const std::string& route, int status, double seconds);
  // The Prometheus text exposition (version 0.0.4) of the requests recorded and the store's
  // metrics. Errors: Unavailable if the outbox figures cannot be read (storage down).
  std::string prometheus_text() const;

 private:
  std::string request_text() const;

  static constexpr std::array<double, 10> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,  0.1,    0.25,  1.0,  5.0};
  struct Series {
    std::uint64_t count = 0;
    double sum = 0;
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // cumulative: at or below the bound
  };
  using Key = std::tuple<std::string, std::string, int>;  // method, route, status
  Store& store_;
  mutable std::mutex mu_;
  std::map<Key, Series> series_;
};

}  // namespace commerce::service
