// Stock locations and a product's stock per location (commerce/locations.h, commerce/stock.h):
// POST /locations, GET /locations, GET /locations/{id}, PATCH /locations/{id},
// GET /products/{id}/stock/locations, POST /products/{id}/stock/transfers,
// PUT /products/{id}/stock/locations/{location}/low-threshold,
// PUT /products/{id}/stock/locations/{location}/backorder-limit,
// GET /orders/{id}/reservations (where the order's units are held).
#include "cli.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_location_routes(Router& router, Store& store) {
  router.add({"POST", "/locations", Access::kAdmin, 201,
              "StockLocations::create (201, Location)", "NewStockLocation", "StockLocation"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               NewStockLocation location{.id = fields.required_text("id"),
                                         .name = fields.required_text("name")};
               location.active = fields.boolean("active").value_or(true);
               location.priority = fields.integer("priority").value_or(0);
               location.region = fields.text("region").value_or("");
               fields.finish();
               HttpResponse out = json_response(
                   201,
                   cli::to_json(store.locations().create(location, call.idempotency_key())).dump());
               out.headers["Location"] = "/locations/" + location.id;
               return out;
             });
  router.add({"GET", "/locations", Access::kAdmin, 200,
              "StockLocations::list: every location, by priority then id", "",
              "StockLocationList"},
             [&store](const Call&) {
               return json_response(200, cli::list_json(store.locations().list()).dump());
             });
  router.add({"GET", "/locations/{id}", Access::kAdmin, 200, "StockLocations::get", "",
              "StockLocation"},
             [&store](const Call& call) {
               return json_response(200,
                                    cli::to_json(store.locations().get(call.param("id"))).dump());
             });
  router.add({"PATCH", "/locations/{id}", Access::kAdmin, 200,
              "StockLocations::update: the fields given", "StockLocationChanges",
              "StockLocation"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               StockLocationChanges changes;
               changes.name = fields.text("name");
               changes.active = fields.boolean("active");
               changes.priority = fields.integer("priority");
               changes.region = fields.text("region");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.locations().update(call.param("id"), changes,
                                                              call.idempotency_key()))
                            .dump());
             });
  router.add({"GET", "/products/{id}/stock/locations", Access::kAdmin, 200,
              "StockLedger::levels: the product's stock at every location", "",
              "LocationLevelList"},
             [&store](const Call& call) {
               return json_response(
                   200, cli::list_json(store.stock().levels(call.param("id"))).dump());
             });
  router.add({"POST", "/products/{id}/stock/transfers", Access::kAdmin, 201,
              "StockLedger::transfer: available units from one location to another",
              "StockTransferRequest", "StockTransfer"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string from = fields.required_text("from_location_id");
               const std::string to = fields.required_text("to_location_id");
               const std::int64_t qty = fields.required_integer("qty");
               const std::string reason = fields.required_text("reason");
               fields.finish();
               return json_response(
                   201, cli::to_json(store.stock().transfer(call.param("id"), from, to, qty, reason,
                                                            call.idempotency_key()))
                            .dump());
             });
  router.add({"PUT", "/products/{id}/stock/locations/{location}/low-threshold", Access::kAdmin,
              200, "StockLedger::set_low_threshold (0 turns it off)", "LowThreshold",
              "LocationLevel"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::int64_t threshold = fields.required_integer("low_threshold");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.stock().set_low_threshold(
                                         call.param("id"), call.param("location"), threshold))
                            .dump());
             });
  router.add({"PUT", "/products/{id}/stock/locations/{location}/backorder-limit",
              Access::kAdmin, 200, "StockLedger::set_backorder_limit (0 turns backorders off)",
              "BackorderLimit", "LocationLevel"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::int64_t limit = fields.required_integer("backorder_limit");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.stock().set_backorder_limit(
                                         call.param("id"), call.param("location"), limit))
                            .dump());
             });
  router.add({"GET", "/orders/{id}/reservations", Access::kAdmin, 200,
              "StockLedger::reservations: the order's units, per product and location", "",
              "ReservationList"},
             [&store](const Call& call) {
               return json_response(
                   200, cli::list_json(store.stock().reservations(call.param("id"))).dump());
             });
}

}  // namespace commerce::service
