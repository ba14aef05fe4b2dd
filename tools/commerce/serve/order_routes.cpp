// Orders and their states: POST /orders, POST /orders/quote, GET /orders/{id},
// GET /users/{user}/orders, PUT /orders/{id}/cancel, PUT /orders/{id}/ship,
// PUT /orders/{id}/deliver, PUT /orders/{id}/payment (the gateway's callback),
// POST|GET /orders/{id}/refunds, GET /orders/{id}/audit, GET /orders/{id}/shipments,
// DELETE /orders/{id}/personal-data (commerce/orders.h, commerce/shipments.h).
#include "cli.h"
#include "json_body.h"
#include "resource_fields.h"
#include "service.h"

namespace commerce::service {

namespace {

// The order request of POST /orders and POST /orders/quote; a storefront key only for its user.
PlaceOrder place_request(const Call& call) {
  BodyFields fields(call.request.body);
  PlaceOrder request;
  request.user_id = fields.required_text("user_id");
  auto items = line_items_field(fields, "items");
  if (!items) throw Error::invalid_argument("items", "is required");
  request.items = std::move(*items);
  CartCheckout terms = order_terms_fields(fields);
  request.coupon_id = std::move(terms.coupon_id);
  request.coupon_required = terms.coupon_required;
  request.points_to_use = terms.points_to_use;
  request.payment_method = std::move(terms.payment_method);
  request.region = std::move(terms.region);
  request.shipping_option = std::move(terms.shipping_option);
  request.expected_total = terms.expected_total;
  request.shipping_address = std::move(terms.shipping_address);
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


}  // namespace

Order own_order(Store& store, const Call& call) {
  Order order = store.orders().get(call.param("id"));
  call.require_user(order.user_id);
  return order;
}

void add_order_routes(Router& router, Store& store) {
  router.add({"POST", "/orders", Access::kStorefront, 201,
              "OrderBook::place: the order, run to its end (201, Location)",
              "PlaceOrder", "Order"}, [&store](const Call& call) {
    const Order order = store.orders().place(place_request(call));
    HttpResponse out = json_response(201, cli::to_json(order).dump());
    out.headers["Location"] = "/orders/" + order.id;
    return out;
  });
  router.add({"POST", "/orders/quote", Access::kStorefront, 200,
              "OrderBook::quote: what the order would cost now",
              "PlaceOrder", "Quote"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(store.orders().quote(place_request(call))).dump());
  });
  router.add({"GET", "/orders/{id}", Access::kStorefront, 200,
              "OrderBook::get", "", "Order"}, [&store](const Call& call) {
    return json_response(200, cli::to_json(own_order(store, call)).dump());
  });
  router.add({"GET", "/users/{user}/orders", Access::kStorefront, 200,
              "OrderBook::list_for_user: a page of the user's orders",
              "", "OrderPage"}, [&store](const Call& call) {
    const std::string& user = call.param("user");
    call.require_user(user);
    return json_response(
        200,
        cli::page_json(store.orders().list_for_user(user, call.cursor(), call.limit())).dump());
  });
  router.add({"PUT", "/orders/{id}/cancel", Access::kStorefront, 200,
              "OrderBook::cancel", "Reason", "Order"}, [&store](const Call& call) {
    const std::string reason = optional_reason(call);
    own_order(store, call);
    return json_response(
        200, cli::to_json(store.orders().cancel(call.param("id"), reason,
                                                call.idempotency_key()))
                 .dump());
  });
  router.add({"PUT", "/orders/{id}/ship", Access::kAdmin, 200,
              "OrderBook::ship", "", "Order"}, [&store](const Call& call) {
    require_no_fields(call.request.body);
    return json_response(200, cli::to_json(store.orders().ship(call.param("id"))).dump());
  });
  router.add({"PUT", "/orders/{id}/deliver", Access::kAdmin, 200,
              "OrderBook::deliver", "", "Order"}, [&store](const Call& call) {
    require_no_fields(call.request.body);
    return json_response(200, cli::to_json(store.orders().deliver(call.param("id"))).dump());
  });
  router.add({"PUT", "/orders/{id}/payment", Access::kAdmin, 200,
              "OrderBook::complete_payment: the gateway's callback",
              "PaymentResult", "Order"}, [&store](const Call& call) {
    BodyFields fields(call.request.body);
    const auto approved = fields.boolean("approved");
    if (!approved) throw Error::invalid_argument("approved", "is required");
    fields.finish();
    return json_response(
        200, cli::to_json(store.orders().complete_payment(call.param("id"), *approved)).dump());
  });
  router.add({"POST", "/orders/{id}/refunds", Access::kAdmin, 201,
              "OrderBook::refund: a partial refund",
              "RefundRequest", "Refund"}, [&store](const Call& call) {
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
              "OrderBook::refunds", "", "RefundList"}, [&store](const Call& call) {
    return json_response(200, cli::list_json(store.orders().refunds(call.param("id"))).dump());
  });
  router.add({"GET", "/orders/{id}/audit", Access::kAdmin, 200,
              "OrderBook::audit: the order's status changes",
              "", "OrderAuditList"}, [&store](const Call& call) {
    return json_response(200, cli::list_json(store.orders().audit(call.param("id"))).dump());
  });
  router.add({"GET", "/orders/{id}/shipments", Access::kAdmin, 200,
              "Shipments::for_order", "", "ShipmentList"}, [&store](const Call& call) {
    return json_response(200,
                         cli::list_json(store.shipments().for_order(call.param("id"))).dump());
  });
  router.add({"DELETE", "/orders/{id}/personal-data", Access::kAdmin, 200,
              "OrderBook::erase_personal_data: the finished order's address, now", "", "Order"},
             [&store](const Call& call) {
               return json_response(
                   200, cli::to_json(store.orders().erase_personal_data(call.param("id"))).dump());
             });
}

}  // namespace commerce::service
