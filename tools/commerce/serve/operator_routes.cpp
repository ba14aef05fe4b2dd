// Operations: GET /check (the invariants, commerce/invariants.h) and GET /stats (store figures,
// the outbox's pending rows, lag and dead letters).
#include "cli.h"
#include "commerce/invariants.h"
#include "service.h"

namespace commerce::service {

using nlohmann::json;

void add_operator_routes(Router& router, Store& store) {
  router.add({"GET", "/check", Access::kOperator, 200,
              "check_invariants (settled=false: sagas in flight are no violation)"}, [&store](const Call& call) {
    // ?settled=false: sagas still in flight are not violations (a store under load).
    const bool settled = call.request.query_value("settled") != "false";
    const InvariantReport report = check_invariants(store, settled);
    json violations = json::array();
    for (const auto& v : report.violations) {
      violations.push_back({{"rule", v.rule}, {"subject", v.subject}, {"detail", v.detail}});
    }
    return json_response(200, json{{"ok", report.ok()},
                                   {"violations", violations},
                                   {"truncated", report.truncated},
                                   {"products", report.products},
                                   {"users", report.users},
                                   {"coupons", report.coupons},
                                   {"templates", report.templates},
                                   {"orders", report.orders}}
                                  .dump());
  });
  router.add({"GET", "/stats", Access::kOperator, 200,
              "store figures: rows, outbox pending / lag / dead letters, inbox"}, [&store](const Call&) {
    return json_response(200, cli::stats_json(store).dump());
  });
}

}  // namespace commerce::service
