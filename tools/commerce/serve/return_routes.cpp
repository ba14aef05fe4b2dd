// Giving units back (commerce/returns.h, docs/returns.md): POST /orders/{id}/cancel-items (a
// partial cancellation), POST|GET /orders/{id}/returns (a return requested by the order's
// customer; the order's returns), GET /returns/{id}, PUT /returns/{id}/approve|reject|receive.
#include "cli.h"
#include "json_body.h"
#include "resource_fields.h"
#include "service.h"

namespace commerce::service {

namespace {

std::vector<Inspection> inspections_field(JsonFields& fields) {
  const auto list = fields.array("inspections");
  if (!list) throw Error::invalid_argument("inspections", "is required");
  std::vector<Inspection> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string name = "inspections[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) throw Error::invalid_argument(name, "must be an object");
    JsonFields item((*list)[i], name + ".");
    Inspection in;
    in.product_id = item.required_text("product_id");
    in.restock_qty = item.integer("restock_qty").value_or(0);
    in.write_off_qty = item.integer("write_off_qty").value_or(0);
    in.location_id = item.text("location_id").value_or("");
    item.finish();
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace

void add_return_routes(Router& router, Store& store) {
  router.add({"POST", "/orders/{id}/cancel-items", Access::kStorefront, 200,
              "OrderBook::cancel_items: cancels units not shipped yet, refunding their share",
              "CancelItems", "ItemsCancelled"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               auto items = line_items_field(fields, "items");
               if (!items) throw Error::invalid_argument("items", "is required");
               const std::string reason = fields.text("reason").value_or("");
               fields.finish();
               own_order(store, call);
               const ItemsCancelled c = store.orders().cancel_items(
                   call.param("id"), *items, reason, call.idempotency_key());
               return json_response(
                   200, json{{"order", cli::to_json(c.order)},
                             {"given_back", cli::to_json(c.given_back)}}
                            .dump());
             });
  router.add({"POST", "/orders/{id}/returns", Access::kStorefront, 201,
              "Returns::request: a return of delivered units (201, Location)",
              "ReturnRequest", "Return"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               auto items = line_items_field(fields, "items");
               if (!items) throw Error::invalid_argument("items", "is required");
               const std::string reason = fields.required_text("reason");
               auto replacement = line_items_field(fields, "replacement");
               fields.finish();
               const Order order = own_order(store, call);
               const Return r = store.returns().request(
                   {.order_id = order.id,
                    .user_id = order.user_id,
                    .items = std::move(*items),
                    .reason = reason,
                    .replacement = replacement.value_or(std::vector<LineItem>{}),
                    .request_id = call.idempotency_key()});
               HttpResponse out = json_response(201, cli::to_json(r).dump());
               out.headers["Location"] = "/returns/" + r.id;
               return out;
             });
  router.add({"GET", "/orders/{id}/returns", Access::kStorefront, 200,
              "Returns::for_order", "", "ReturnList"}, [&store](const Call& call) {
    own_order(store, call);
    json items = json::array();
    for (const Return& r : store.returns().for_order(call.param("id"))) {
      items.push_back(cli::to_json(r));
    }
    return json_response(200, json{{"items", items}}.dump());
  });
  router.add({"GET", "/returns/{id}", Access::kAdmin, 200, "Returns::get", "", "Return"},
             [&store](const Call& call) {
               return json_response(200, cli::to_json(store.returns().get(call.param("id"))).dump());
             });
  router.add({"PUT", "/returns/{id}/approve", Access::kAdmin, 200, "Returns::approve",
              "ReturnApproval", "Return"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string note = fields.text("note").value_or("");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.returns().approve(call.param("id"), note)).dump());
             });
  router.add({"PUT", "/returns/{id}/reject", Access::kAdmin, 200, "Returns::reject",
              "ReturnRejection", "Return"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string reason = fields.required_text("reason");
               fields.finish();
               return json_response(
                   200, cli::to_json(store.returns().reject(call.param("id"), reason)).dump());
             });
  router.add({"PUT", "/returns/{id}/receive", Access::kAdmin, 200,
              "Returns::receive: inspected, restocked or written off, refunded",
              "ReturnInspections", "Return"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::vector<Inspection> inspections = inspections_field(fields);
               fields.finish();
               return json_response(200, cli::to_json(store.returns().receive(
                                                          call.param("id"), inspections,
                                                          call.idempotency_key()))
                                             .dump());
             });
}

}  // namespace commerce::service
