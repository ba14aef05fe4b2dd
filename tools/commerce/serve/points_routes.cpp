// Points: POST /points/{user}/charge, POST /points/{user}/adjustments, GET /points/{user},
// GET /points/{user}/history (commerce/points.h).
#include "cli.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_points_routes(Router& router, Store& store) {
  router.add({"POST", "/points/{user}/charge", Access::kAdmin, 201,
              "PointsLedger::charge", "PointsCharge", "PointsEntry"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    const Money amount = fields.required_integer("amount");
    fields.finish();
    return json_response(
        201, cli::to_json(store.points().charge(call.param("user"), amount,
                                                call.idempotency_key()))
                 .dump());
  });
  router.add({"POST", "/points/{user}/adjustments", Access::kAdmin, 201,
              "PointsLedger::adjust: an administrative correction", "PointsAdjustment",
              "PointsEntry"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const Money delta = fields.required_integer("delta");
               const std::string reason = fields.required_text("reason");
               fields.finish();
               return json_response(
                   201, cli::to_json(store.points().adjust(call.param("user"), delta, reason,
                                                           call.idempotency_key()))
                            .dump());
             });
  router.add({"GET", "/points/{user}", Access::kStorefront, 200,
              "PointsLedger::balance", "", "PointsBalance"}, [&store](const Call& call) {
    const std::string& user = call.param("user");
    call.require_user(user);
    return json_response(
        200, json{{"user_id", user}, {"balance", store.points().balance(user)}}.dump());
  });
  router.add({"GET", "/points/{user}/history", Access::kStorefront, 200,
              "PointsLedger::history: a page of ledger entries",
              "", "PointsEntryPage"}, [&store](const Call& call) {
    const std::string& user = call.param("user");
    call.require_user(user);
    return json_response(
        200, cli::page_json(store.points().history(user, call.cursor(), call.limit())).dump());
  });
}

}  // namespace commerce::service
