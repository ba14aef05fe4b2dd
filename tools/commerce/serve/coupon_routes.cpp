// Coupons: POST /coupon-templates, GET /coupon-templates/{code}, POST /coupons (issue),
// GET /coupons/{id}, GET /users/{user}/coupons, PUT /coupons/{id}/revoke (commerce/coupons.h).
#include "cli.h"
#include "json_body.h"
#include "service.h"

namespace commerce::service {

void add_coupon_routes(Router& router, Store& store) {
  router.add({"POST", "/coupon-templates", Access::kAdmin, 201,
              "CouponBook::create_template: a coupon that can be issued",
              "NewCouponTemplate", "CouponTemplate"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               NewCouponTemplate spec;
               spec.code = fields.required_text("code");
               spec.name = fields.text("name").value_or("");
               spec.kind = parse_coupon_kind(fields.text("kind").value_or("fixed"));
               spec.value = fields.required_integer("value");
               spec.max_discount = fields.integer("max_discount").value_or(0);
               spec.min_order_amount = fields.integer("min_order_amount").value_or(0);
               spec.valid_from = fields.required_integer("valid_from");
               spec.valid_until = fields.required_integer("valid_until");
               spec.total_limit = fields.required_integer("total_limit");
               spec.per_user_limit = fields.integer("per_user_limit").value_or(1);
               fields.finish();
               return json_response(
                   201, cli::to_json(store.coupons().create_template(spec, call.idempotency_key()))
                            .dump());
             });
  router.add({"GET", "/coupon-templates/{code}", Access::kAdmin, 200,
              "CouponBook::get_template", "", "CouponTemplate"},
             [&store](const Call& call) {
               return json_response(
                   200, cli::to_json(store.coupons().get_template(call.param("code"))).dump());
             });
  router.add({"POST", "/coupons", Access::kAdmin, 201,
              "CouponBook::issue: one coupon of a template to a user", "CouponIssue", "Coupon"},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string code = fields.required_text("code");
               const std::string user = fields.required_text("user_id");
               fields.finish();
               return json_response(
                   201,
                   cli::to_json(store.coupons().issue(code, user, call.idempotency_key())).dump());
             });
  router.add({"GET", "/coupons/{id}", Access::kStorefront, 200, "CouponBook::get", "", "Coupon"},
             [&store](const Call& call) {
               const Coupon coupon = store.coupons().get(call.param("id"));
               call.require_user(coupon.user_id);
               return json_response(200, cli::to_json(coupon).dump());
             });
  router.add({"GET", "/users/{user}/coupons", Access::kStorefront, 200,
              "CouponBook::list_for_user: a page of the user's coupons", "", "CouponPage"},
             [&store](const Call& call) {
               const std::string& user = call.param("user");
               call.require_user(user);
               return json_response(
                   200, cli::page_json(
                            store.coupons().list_for_user(user, call.cursor(), call.limit()))
                            .dump());
             });
  router.add({"PUT", "/coupons/{id}/revoke", Access::kAdmin, 200, "CouponBook::revoke",
              "", "Coupon"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               return json_response(
                   200, cli::to_json(store.coupons().revoke(call.param("id"),
                                                            call.idempotency_key()))
                            .dump());
             });
}

}  // namespace commerce::service
