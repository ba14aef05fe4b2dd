// Shipments of confirmed orders: POST /shipments, GET /shipments/{id},
// PUT /shipments/{id}/dispatch, PUT /shipments/{id}/cancel, PUT /shipments/{id}/status (a
// tracking update) (commerce/shipments.h). GET /orders/{id}/shipments is in order_routes.cpp.
#include "cli.h"
#include "json_body.h"
#include "resource_fields.h"
#include "service.h"

namespace commerce::service {

void add_shipment_routes(Router& router, Store& store) {
  router.add({"POST", "/shipments", Access::kAdmin, 201,
              "Shipments::create: units of a confirmed order from one location",
              "CreateShipment", "Shipment"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               CreateShipment request;
               request.order_id = fields.required_text("order_id");
               request.location_id = fields.required_text("location_id");
               request.items = line_items_field(fields, "items").value_or(std::vector<LineItem>{});
               request.carrier = fields.text("carrier").value_or("");
               request.tracking_number = fields.text("tracking_number").value_or("");
               fields.finish();
               request.request_id = call.idempotency_key();
               const Shipment shipment = store.shipments().create(request);
               HttpResponse out = json_response(201, cli::to_json(shipment).dump());
               out.headers["Location"] = "/shipments/" + shipment.id;
               return out;
             });
  router.add({"GET", "/shipments/{id}", Access::kAdmin, 200, "Shipments::get", "", "Shipment"},
             [&store](const Call& call) {
               return json_response(200,
                                    cli::to_json(store.shipments().get(call.param("id"))).dump());
             });
  router.add({"PUT", "/shipments/{id}/dispatch", Access::kAdmin, 200,
              "Shipments::dispatch: picked up", "", "Shipment"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               return json_response(
                   200, cli::to_json(store.shipments().dispatch(call.param("id"))).dump());
             });
  router.add({"PUT", "/shipments/{id}/cancel", Access::kAdmin, 200, "Shipments::cancel",
              "Reason", "Shipment"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string reason = fields.text("reason").value_or("");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.shipments().cancel(call.param("id"), reason)).dump());
             });
  router.add({"PUT", "/shipments/{id}/status", Access::kAdmin, 200,
              "Shipments::track: one tracking update (status, occurred_at, detail)",
              "TrackingUpdate", "Shipment"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               TrackingUpdate update;
               update.shipment_id = call.param("id");
               update.event.status = parse_shipment_status(fields.required_text("status"));
               update.event.occurred_at = fields.required_integer("occurred_at");
               update.event.detail = fields.text("detail").value_or("");
               fields.finish();
               return json_response(200, cli::to_json(store.shipments().track(update)).dump());
             });
}

}  // namespace commerce::service
