// GET /healthz (the process answers) and GET /readyz (the store answers a read and the process
// is not shutting down): public, for load balancers and orchestrators.
#include "commerce/error.h"
#include "problem.h"
#include "service.h"

namespace commerce::service {

void add_health_routes(Router& router, Store& store, const Service& service) {
  router.add("GET", "/healthz", Access::kPublic,
             [](const Call&) { return json_response(200, R"({"status":"ok"})"); });
  router.add("GET", "/readyz", Access::kPublic, [&store, &service](const Call&) {
    if (service.draining()) {
      return problem_response(503, "Draining", "readyz", "the service is shutting down");
    }
    store.run_unit([](Unit&) {});  // a read unit of work: the storage answers
    return json_response(200, R"({"status":"ready"})");
  });
}

}  // namespace commerce::service
