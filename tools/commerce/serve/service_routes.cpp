// The service's own routes: GET /healthz (the process answers), GET /readyz (the store answers
// a read and the process is not shutting down), both public for load balancers; GET /metrics
// (Prometheus text, operator) and GET /openapi.json (the routes as OpenAPI 3.1, public).
#include "commerce/error.h"
#include "openapi.h"
#include "problem.h"
#include "service.h"

namespace commerce::service {

void add_service_routes(Router& router, Store& store, const Service& service) {
  router.add({"GET", "/healthz", Access::kPublic, 200, "the process answers", "", "Health"},
             [](const Call&) { return json_response(200, R"({"status":"ok"})"); });
  router.add({"GET", "/readyz", Access::kPublic, 200,
              "the store answers a read and the service is not shutting down", "", "Health"},
             [&store, &service](const Call&) {
               if (service.draining()) {
                 return problem_response(503, "Draining", "readyz",
                                         "the service is shutting down");
               }
               store.run_unit([](Unit&) {});  // a read unit of work: the storage answers
               return json_response(200, R"({"status":"ready"})");
             });
  router.add({"GET", "/metrics", Access::kOperator, 200,
              "request counts and latencies by route and status (Prometheus text)",
              "", "PrometheusText"},
             [&service](const Call&) {
               HttpResponse out;
               out.content_type = "text/plain; version=0.0.4";
               out.body = service.metrics().prometheus_text();
               return out;
             });
  router.add({"GET", "/openapi.json", Access::kPublic, 200,
              "this API as an OpenAPI 3.1 document", "", "OpenApiDocument"},
             [&service](const Call&) {
               return json_response(200, openapi_document(service.router()).dump());
             });
}

}  // namespace commerce::service
