// Statements of the invariant checks (commerce/invariants.h): read-only scans and sums over
// stock (per product and location), points, coupons and the outbox.
#include "coupon_rows.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::coupon_from;
using statements::kCouponColumns;
using statements::kTemplateColumns;
using statements::Query;
using statements::template_from;

namespace {

const Sql kListStockRows{
    "SELECT s.on_hand, s.reserved, s.sold, s.backorder_room, s.low_threshold, "
    "coalesce((SELECT l.active FROM stock_locations l WHERE l.id = s.location_id), 0), "
    "s.product_id, s.location_id FROM stock s "
    "WHERE s.product_id > ?1 OR (s.product_id = ?1 AND s.location_id > ?2) "
    "ORDER BY s.product_id, s.location_id LIMIT ?3"};
// The sums are cast because PostgreSQL's sum(bigint) is numeric: a sum that leaves int64 fails
// loudly rather than wraps (SQLite's sum() raises an integer overflow itself).
const Sql kSumLiveReservations{
    "SELECT CAST(coalesce(sum(qty), 0) AS BIGINT) FROM reservations "
    "WHERE product_id = ?1 AND location_id = ?2 AND state = 'live'"};
const Sql kSumStockMovements{
    "SELECT CAST((SELECT coalesce(sum(delta), 0) FROM stock_adjustments "
    "WHERE product_id = ?1 AND location_id = ?2) + "
    "(SELECT coalesce(sum(qty), 0) FROM stock_transfers "
    "WHERE product_id = ?1 AND to_location_id = ?2) - "
    "(SELECT coalesce(sum(qty), 0) FROM stock_transfers "
    "WHERE product_id = ?1 AND from_location_id = ?2) AS BIGINT)"};
const Sql kListPointsBalances{
    "SELECT user_id, balance FROM point_balances WHERE user_id > ?1 ORDER BY user_id LIMIT ?2"};
const Sql kSumPointsEntries{
    "SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM point_entries WHERE user_id = ?1"};
// One range of coupons_used_by_order, from ?1 on; ?2 = 1 (the first page) keeps ?1 itself, so
// that a coupon used with no order ('', which the check reports) is listed once.
const Sql kListUsedCoupons{"SELECT " + kCouponColumns +
                           " FROM coupons WHERE status = 'used' AND order_id >= ?1 AND "
                           "(order_id > ?1 OR ?2 = 1) ORDER BY order_id LIMIT ?3"};
const Sql kListCouponTemplates{"SELECT " + kTemplateColumns +
                               " FROM coupon_templates WHERE id > ?1 ORDER BY id LIMIT ?2"};
const Sql kCountCouponsOfTemplate{"SELECT count(*) FROM coupons WHERE template_id = ?1"};
// The lifecycle events of an order, as the index outbox_order_ends holds them.
const Sql kCountOrderEvents{
    "SELECT count(*) FROM outbox WHERE key = ?1 AND type = ?2 AND (type = 'OrderCreated' "
    "OR type = 'OrderConfirmed' OR type = 'OrderFailed' OR type = 'OrderCancelled')"};

}  // namespace

std::vector<LocationLevel> Transaction::list_stock_rows(const std::string& after_product_id,
                                                        const std::string& after_location_id,
                                                        int limit) {
  Query q(session_, kListStockRows);
  q.bind(1, after_product_id).bind(2, after_location_id).bind(3, limit);
  std::vector<LocationLevel> out;
  while (q.step()) {
    const auto on_hand = q.int64(0), reserved = q.int64(1);
    out.push_back({.product_id = q.text(6),
                   .location_id = q.text(7),
                   .on_hand = on_hand,
                   .reserved = reserved,
                   .available = on_hand - reserved,
                   .sold = q.int64(2),
                   .backorder_room = q.int64(3),
                   .low_threshold = q.int64(4),
                   .active = q.int64(5) != 0});
  }
  return out;
}

std::int64_t Transaction::sum_live_reservations(const std::string& product_id,
                                                const std::string& location_id) {
  Query q(session_, kSumLiveReservations);
  return q.bind(1, product_id).bind(2, location_id).single_int64();
}

std::int64_t Transaction::sum_stock_movements(const std::string& product_id,
                                              const std::string& location_id) {
  Query q(session_, kSumStockMovements);
  return q.bind(1, product_id).bind(2, location_id).single_int64();
}

std::vector<PointsBalance> Transaction::list_points_balances(const std::string& after_id,
                                                             int limit) {
  Query q(session_, kListPointsBalances);
  q.bind(1, after_id).bind(2, limit);
  std::vector<PointsBalance> out;
  while (q.step()) out.push_back({q.text(0), q.int64(1)});
  return out;
}

Money Transaction::sum_points_entries(const std::string& user_id) {
  Query q(session_, kSumPointsEntries);
  return q.bind(1, user_id).single_int64();
}

std::vector<Coupon> Transaction::list_used_coupons(
    const std::optional<std::string>& after_order_id, int limit) {
  Query q(session_, kListUsedCoupons);
  const std::string from = after_order_id.value_or("");
  q.bind(1, from).bind(2, std::int64_t{after_order_id ? 0 : 1}).bind(3, limit);
  std::vector<Coupon> out;
  while (q.step()) out.push_back(coupon_from(q));
  return out;
}

std::vector<CouponTemplate> Transaction::list_coupon_templates(const std::string& after_id,
                                                               int limit) {
  Query q(session_, kListCouponTemplates);
  q.bind(1, after_id).bind(2, limit);
  std::vector<CouponTemplate> out;
  while (q.step()) out.push_back(template_from(q));
  return out;
}

std::int64_t Transaction::count_coupons_of_template(const std::string& template_id) {
  Query q(session_, kCountCouponsOfTemplate);
  return q.bind(1, template_id).single_int64();
}

std::int64_t Transaction::count_order_events(const std::string& type, const std::string& key) {
  Query q(session_, kCountOrderEvents);
  return q.bind(1, key).bind(2, type).single_int64();
}

}  // namespace commerce
