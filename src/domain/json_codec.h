// JSON forms of the public value types: what idempotency records store as a command's result.
#pragma once

#include <nlohmann/json.hpp>

#include "commerce/carts.h"
#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/locations.h"
#include "commerce/points.h"
#include "commerce/stock.h"

namespace commerce {

#define COMMERCE_JSON_ENUM(Enum, parse_fn)                                        \
  inline void to_json(nlohmann::json& j, Enum v) { j = std::string(to_string(v)); } \
  inline void from_json(const nlohmann::json& j, Enum& v) { v = parse_fn(j.get<std::string>()); }

COMMERCE_JSON_ENUM(ProductStatus, parse_product_status)
COMMERCE_JSON_ENUM(ReservationState, parse_reservation_state)
COMMERCE_JSON_ENUM(PointsEntryKind, parse_points_entry_kind)
COMMERCE_JSON_ENUM(CouponKind, parse_coupon_kind)
COMMERCE_JSON_ENUM(CouponStatus, parse_coupon_status)
COMMERCE_JSON_ENUM(CartStatus, parse_cart_status)
#undef COMMERCE_JSON_ENUM

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OptionAxis, name, values)
// With defaults: results recorded before variants existed have no parent_id, options or axes.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Product, id, name, description, price, category,
                                                brand, status, attributes, parent_id, options,
                                                axes, created_at, updated_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(LineItem, product_id, qty)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StockLevel, product_id, on_hand, reserved, available, sold)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StockTransfer, id, product_id, from_location_id, to_location_id,
                                   qty, reason, created_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StockLocation, id, name, active, priority, region, created_at,
                                   updated_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(PointsEntry, id, user_id, kind, amount, balance_after, order_id,
                                   reason, request_id, created_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CouponTemplate, id, code, name, kind, value, max_discount,
                                   min_order_amount, valid_from, valid_until, total_limit,
                                   per_user_limit, issued_count, created_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CartLine, product_id, qty, added_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Cart, id, user_id, status, lines, order_id, created_at,
                                   updated_at, expires_at)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Coupon, id, template_id, code, user_id, status, order_id,
                                   valid_until, issued_at, updated_at)

}  // namespace commerce
