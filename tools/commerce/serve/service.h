// `commerce serve`'s request handling: size limit, route, access check, the route's library
// call, and every failure as problem+json; one access log line per request (JSON, stderr).
#pragma once

#include <atomic>

#include "api_keys.h"
#include "commerce/store.h"
#include "http_server.h"
#include "metrics.h"
#include "router.h"

namespace commerce::service {

class Service {
 public:
  // Every route of the service over `store` (the route files' add_*_routes).
  Service(Store& store, ApiKeys& keys);

  // Never throws: failures become problem+json responses.
  HttpResponse handle(const HttpRequest& request);

  // Answers /readyz with 503 from now on (the process is shutting down).
  void set_draining() { draining_ = true; }
  bool draining() const { return draining_.load(); }

  const Router& router() const { return router_; }
  const ServiceMetrics& metrics() const { return metrics_; }

 private:
  HttpResponse dispatch(const HttpRequest& request, std::string& route_name);
  ApiKeys& keys_;
  Router router_;
  ServiceMetrics metrics_;
  std::atomic<bool> draining_{false};
};

// --- the routes of each resource (one file each)
// The service's own: /healthz, /readyz, /metrics, /openapi.json.
void add_service_routes(Router& router, Store& store, const Service& service);
void add_catalog_routes(Router& router, Store& store);
void add_stock_routes(Router& router, Store& store);
void add_points_routes(Router& router, Store& store);
void add_coupon_routes(Router& router, Store& store);
void add_order_routes(Router& router, Store& store);
void add_shipment_routes(Router& router, Store& store);
void add_return_routes(Router& router, Store& store);
void add_cart_routes(Router& router, Store& store);
void add_location_routes(Router& router, Store& store);
void add_inbox_routes(Router& router, Store& store);
// The order of the path's {id}, checked to belong to the storefront key's user (order_routes.cpp;
// the order and return routes). Errors: NotFound, the key's Forbidden.
Order own_order(Store& store, const Call& call);
void add_operator_routes(Router& router, Store& store);

}  // namespace commerce::service
