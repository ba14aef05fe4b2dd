// Statements of the invariant checks (commerce/invariants.h): read-only scans and sums over
// stock, points, coupons and the outbox.
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

const Sql kListStockLevels{
    "SELECT product_id, on_hand, reserved, sold FROM stock WHERE product_id > ?1 "
    "ORDER BY product_id LIMIT ?2"};
// The sums are cast because PostgreSQL's sum(bigint) is numeric: a sum that leaves int64 fails
// loudly rather than wraps (SQLite's sum() raises an integer overflow itself).
const Sql kSumLiveReservations{
    "SELECT CAST(coalesce(sum(qty), 0) AS BIGINT) FROM reservations "
    "WHERE product_id = ?1 AND state = 'live'"};
const Sql kSumStockAdjustments{
    "SELECT CAST(coalesce(sum(delta), 0) AS BIGINT) FROM stock_adjustments "
    "WHERE product_id = ?1"};
const Sql kListPointsBalances{
    "SELECT user_id, balance FROM point_balances WHERE user_id > ?1 ORDER BY user_id LIMIT ?2"};
const Sql kSumPointsEntries{
    "SELECT CAST(coalesce(sum(amount), 0) AS BIGINT) FROM point_entries WHERE user_id = ?1"};
const Sql kListCouponsByStatus{"SELECT " + kCouponColumns +
                               " FROM coupons WHERE status = ?1 AND id > ?2 ORDER BY id LIMIT ?3"};
const Sql kListCouponTemplates{"SELECT " + kTemplateColumns +
                               " FROM coupon_templates WHERE id > ?1 ORDER BY id LIMIT ?2"};
const Sql kCountCouponsOfTemplate{"SELECT count(*) FROM coupons WHERE template_id = ?1"};
// The lifecycle events of an order, as the index outbox_order_ends holds them.
const Sql kCountOrderEvents{
    "SELECT count(*) FROM outbox WHERE key = ?1 AND type = ?2 AND type IN "
    "('OrderCreated', 'OrderConfirmed', 'OrderFailed', 'OrderCancelled')"};

}  // namespace

std::vector<StockLevel> Transaction::list_stock_levels(const std::string& after_id, int limit) {
  Query q(session_, kListStockLevels);
  q.bind(1, after_id).bind(2, limit);
  std::vector<StockLevel> out;
  while (q.step()) {
    const auto on_hand = q.int64(1), reserved = q.int64(2);
    out.push_back({q.text(0), on_hand, reserved, on_hand - reserved, q.int64(3)});
  }
  return out;
}

std::int64_t Transaction::sum_live_reservations(const std::string& product_id) {
  Query q(session_, kSumLiveReservations);
  return q.bind(1, product_id).single_int64();
}

std::int64_t Transaction::sum_stock_adjustments(const std::string& product_id) {
  Query q(session_, kSumStockAdjustments);
  return q.bind(1, product_id).single_int64();
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

std::vector<Coupon> Transaction::list_coupons_by_status(CouponStatus status,
                                                        const std::string& after_id, int limit) {
  Query q(session_, kListCouponsByStatus);
  q.bind_name(1, to_string(status)).bind(2, after_id).bind(3, limit);
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
