// Orders and their states: POST /orders, POST /orders/quote, GET /orders/{id},
// GET /users/{user}/orders, PUT /orders/{id}/cancel, PUT /orders/{id}/ship,
// PUT /orders/{id}/deliver, PUT /orders/{id}/payment (the gateway's callback),
// POST|GET /orders/{id}/refunds, GET /orders/{id}/audit, GET /orders/{id}/shipments
// (commerce/orders.h, commerce/shipments.h).
#include "cli.h"
#include "json_body.h"
#include "resource_fields.h"
#include "service.h"

namespace commerce::service {

namespace {

std::optional<Address> address_field(JsonFields& fields) {
  const auto object = fields.object("shipping_address");
  if (!object) return std::nullopt;
  JsonFields a(*object, "shipping_address.");
  Address address;
  address.name = a.text("name").value_or("");
  address.phone = a.text("phone").value_or("");
  address.line1 = a.text("line1").value_or("");
  address.line2 = a.text("line2").value_or("");
  address.city = a.text("city").value_or("");
  address.region = a.text("region").value_or("");
  address.postal_code = a.text("postal_code").value_or("");
  address.country = a.text("country").value_or("");
  a.finish();
  return address;
}

// The order request of POST /orders and POST /orders/quote; a storefront key only for its user.
PlaceOrder place_request(const Call& call) {
  BodyFields fields(call.request.body);
  PlaceOrder request;
  request.user_id = fields.required_text("user_id");
  auto items = line_items_field(fields, "items");
  if (!items) throw Error::invalid_argument("items", "is required");
  request.items = std::move(*items);
  request.coupon_id = fields.text("coupon_id").value_or("");
  request.coupon_required = fields.boolean("coupon_required").value_or(false);
  request.points_to_use = fields.integer("points_to_use").value_or(0);
  request.payment_method = fields.text("payment_method").value_or("card");
  request.region = fields.text("region").value_or("");
  request.shipping_option = fields.text("shipping_option").value_or("");
  request.expected_total = fields.integer("expected_total").value_or(-1);
  request.shipping_address = address_field(fields);
  fields.finish();
  call.require_user(request.user_id);
  request.request_id = call.idempotency_key();
  return request;
}

std::string optional_reason(const Call& call) {
  BodyFields fields(call.request.body);
  std::string reason = fields.text("reason").value_or("");
  fields.finish();
  return reason;
}

template <class T>
json items_json(const std::vector<T>& values) {
  json items = json::array();
  for (const T& value : values) items.push_back(cli::to_json(value));
  return json{{"items", items}};
}

}  // namespace

Order own_order(Store& store, const Call& call) {
  Order order = store.orders().get(call.param("id"));
  call.require_user(order.user_id);
  return order;
}

void add_order_routes(Router& router, Store& store) {
  router.add({"POST", "/orders", Access::kStorefront, 201,
              "OrderBook::place: the order, run to its end (201, Location)"}, [&store](const Call& call) {
    const Order order = store.orders().place(place_request(call));
    HttpResponse out = json_response(201, cli::to_json(order).dump());
    out.headers["Location"] = "/orders/" + order.id;
    return out;
  });
  router.add({"POST", "/orders/quote", Access::kStorefront, 200,
              "OrderBook::quote: what the order would cost now"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(store.orders().quote(place_request(call))).dump());
  });
  router.add({"GET", "/orders/{id}", Access::kStorefront, 200,
              "OrderBook::get"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(own_order(store, call)).dump());
  });
  router.add({"GET", "/users/{user}/orders", Access::kStorefront, 200,
              "OrderBook::list_for_user: a page of the user's orders"}, [&store](const Call& call) {
    const std::string& user = call.param("user");
    call.require_user(user);
    return json_response(
        200,
        cli::page_json(store.orders().list_for_user(user, call.cursor(), call.limit())).dump());
  });
  router.add({"PUT", "/orders/{id}/cancel", Access::kStorefront, 200,
              "OrderBook::cancel"}, [&store](const Call& call) {
    const std::string reason = optional_reason(call);
    own_order(store, call);
    return json_response(
        200, cli::to_json(store.orders().cancel(call.param("id"), reason,
                                                call.idempotency_key()))
                 .dump());
  });
  router.add({"PUT", "/orders/{id}/ship", Access::kAdmin, 200,
              "OrderBook::ship"}, [&store](const Call& call) {
    require_no_fields(call.request.body);
    return json_response(200, cli::to_json(store.orders().ship(call.param("id"))).dump());
  });
  router.add({"PUT", "/orders/{id}/deliver", Access::kAdmin, 200,
              "OrderBook::deliver"}, [&store](const Call& call) {
    require_no_fields(call.request.body);
    return json_response(200, cli::to_json(store.orders().deliver(call.param("id"))).dump());
  });
  router.add({"PUT", "/orders/{id}/payment", Access::kAdmin, 200,
              "OrderBook::complete_payment: the gateway's callback"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    const auto approved = fields.boolean("approved");
    if (!approved) throw Error::invalid_argument("approved", "is required");
    fields.finish();
    return json_response(
        200, cli::to_json(store.orders().complete_payment(call.param("id"), *approved)).dump());
  });
  router.add({"POST", "/orders/{id}/refunds", Access::kAdmin, 201,
              "OrderBook::refund: a partial refund"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    const Money amount = fields.required_integer("amount");
    const std::string reason = fields.text("reason").value_or("");
    fields.finish();
    return json_response(
        201, cli::to_json(store.orders().refund(call.param("id"), amount, reason,
                                                call.idempotency_key()))
                 .dump());
  });
  router.add({"GET", "/orders/{id}/refunds", Access::kAdmin, 200,
              "OrderBook::refunds"}, [&store](const Call& call) {
    return json_response(200, items_json(store.orders().refunds(call.param("id"))).dump());
  });
  router.add({"GET", "/orders/{id}/audit", Access::kAdmin, 200,
              "OrderBook::audit: the order's status changes"}, [&store](const Call& call) {
    return json_response(200, items_json(store.orders().audit(call.param("id"))).dump());
  });
  router.add({"GET", "/orders/{id}/shipments", Access::kAdmin, 200,
              "Shipments::for_order"}, [&store](const Call& call) {
    return json_response(200,
                         items_json(store.shipments().for_order(call.param("id"))).dump());
  });
}

}  // namespace commerce::service
