// Names of the public enums, as stored, printed and accepted on input.
#include <string>

#include "commerce/carts.h"
#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/points.h"
#include "commerce/stock.h"

#include "enum_names.h"

namespace commerce {

namespace {

using detail::enum_name;
using detail::parse_enum;

constexpr std::pair<ProductStatus, const char*> kProductStatus[] = {
    {ProductStatus::kActive, "active"},
    {ProductStatus::kInactive, "inactive"},
    {ProductStatus::kDeleted, "deleted"}};
constexpr std::pair<ProductOrder, const char*> kProductOrder[] = {
    {ProductOrder::kId, "id"}, {ProductOrder::kRelevance, "relevance"}};
constexpr std::pair<ReservationState, const char*> kReservationState[] = {
    {ReservationState::kLive, "live"},
    {ReservationState::kCommitted, "committed"},
    {ReservationState::kReleased, "released"}};
constexpr std::pair<PointsEntryKind, const char*> kPointsEntryKind[] = {
    {PointsEntryKind::kCharge, "charge"},
    {PointsEntryKind::kUse, "use"},
    {PointsEntryKind::kRestore, "restore"},
    {PointsEntryKind::kAdjust, "adjust"},
    {PointsEntryKind::kRefund, "refund"}};
constexpr std::pair<CartStatus, const char*> kCartStatus[] = {
    {CartStatus::kOpen, "open"},
    {CartStatus::kCheckedOut, "checked_out"},
    {CartStatus::kExpired, "expired"},
    {CartStatus::kMerged, "merged"}};
constexpr std::pair<CouponKind, const char*> kCouponKind[] = {{CouponKind::kFixed, "fixed"},
                                                              {CouponKind::kPercent, "percent"}};
constexpr std::pair<CouponStatus, const char*> kCouponStatus[] = {
    {CouponStatus::kAvailable, "available"},
    {CouponStatus::kUsed, "used"},
    {CouponStatus::kExpired, "expired"},
    {CouponStatus::kRevoked, "revoked"}};

}  // namespace

std::string_view to_string(ProductStatus s) { return enum_name(s, kProductStatus); }
ProductStatus parse_product_status(std::string_view n) {
  return parse_enum("status", n, kProductStatus);
}
std::string_view to_string(ProductOrder o) { return enum_name(o, kProductOrder); }
ProductOrder parse_product_order(std::string_view n) {
  return parse_enum("order", n, kProductOrder);
}
std::string_view to_string(ReservationState s) { return enum_name(s, kReservationState); }
ReservationState parse_reservation_state(std::string_view n) {
  return parse_enum("state", n, kReservationState);
}
std::string_view to_string(PointsEntryKind k) { return enum_name(k, kPointsEntryKind); }
PointsEntryKind parse_points_entry_kind(std::string_view n) {
  return parse_enum("kind", n, kPointsEntryKind);
}
std::string_view to_string(CartStatus s) { return enum_name(s, kCartStatus); }
CartStatus parse_cart_status(std::string_view n) { return parse_enum("status", n, kCartStatus); }
std::string_view to_string(CouponKind k) { return enum_name(k, kCouponKind); }
CouponKind parse_coupon_kind(std::string_view n) { return parse_enum("kind", n, kCouponKind); }
std::string_view to_string(CouponStatus s) { return enum_name(s, kCouponStatus); }
CouponStatus parse_coupon_status(std::string_view n) {
  return parse_enum("status", n, kCouponStatus);
}

}  // namespace commerce
