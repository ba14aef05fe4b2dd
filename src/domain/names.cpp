// Names of the public enums, as stored, printed and accepted on input.
#include <string>

#include "commerce/catalog.h"
#include "commerce/coupons.h"
#include "commerce/error.h"
#include "commerce/points.h"
#include "commerce/stock.h"

namespace commerce {

namespace {

template <class E, std::size_t N>
E parse(std::string_view field, std::string_view name, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [value, text] : table) {
    if (name == text) return value;
  }
  throw Error::invalid_argument(std::string(field), "unknown value '" + std::string(name) + "'");
}

template <class E, std::size_t N>
std::string_view print(E value, const std::pair<E, const char*> (&table)[N]) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::pair<ProductStatus, const char*> kProductStatus[] = {
    {ProductStatus::kActive, "active"},
    {ProductStatus::kInactive, "inactive"},
    {ProductStatus::kDeleted, "deleted"}};
constexpr std::pair<ReservationState, const char*> kReservationState[] = {
    {ReservationState::kLive, "live"},
    {ReservationState::kCommitted, "committed"},
    {ReservationState::kReleased, "released"}};
constexpr std::pair<PointsEntryKind, const char*> kPointsEntryKind[] = {
    {PointsEntryKind::kCharge, "charge"},
    {PointsEntryKind::kUse, "use"},
    {PointsEntryKind::kRestore, "restore"},
    {PointsEntryKind::kAdjust, "adjust"}};
constexpr std::pair<CouponKind, const char*> kCouponKind[] = {{CouponKind::kFixed, "fixed"},
                                                              {CouponKind::kPercent, "percent"}};
constexpr std::pair<CouponStatus, const char*> kCouponStatus[] = {
    {CouponStatus::kAvailable, "available"},
    {CouponStatus::kUsed, "used"},
    {CouponStatus::kExpired, "expired"},
    {CouponStatus::kRevoked, "revoked"}};

}  // namespace

std::string_view to_string(ProductStatus s) { return print(s, kProductStatus); }
ProductStatus parse_product_status(std::string_view n) { return parse("status", n, kProductStatus); }
std::string_view to_string(ReservationState s) { return print(s, kReservationState); }
ReservationState parse_reservation_state(std::string_view n) {
  return parse("state", n, kReservationState);
}
std::string_view to_string(PointsEntryKind k) { return print(k, kPointsEntryKind); }
PointsEntryKind parse_points_entry_kind(std::string_view n) {
  return parse("kind", n, kPointsEntryKind);
}
std::string_view to_string(CouponKind k) { return print(k, kCouponKind); }
CouponKind parse_coupon_kind(std::string_view n) { return parse("kind", n, kCouponKind); }
std::string_view to_string(CouponStatus s) { return print(s, kCouponStatus); }
CouponStatus parse_coupon_status(std::string_view n) { return parse("status", n, kCouponStatus); }

}  // namespace commerce
