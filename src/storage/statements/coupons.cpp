// Statements of coupons: templates, issue counters and issued coupons.
#include "coupon_rows.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::coupon_from;
using statements::kCouponColumns;
using statements::kTemplateColumns;
using statements::template_from;

namespace {

const Sql kInsertTemplate{"INSERT INTO coupon_templates(" + kTemplateColumns +
                          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                          "ON CONFLICT(code) DO NOTHING"};
// Not locked (lock_rows): it is read to redeem a coupon, which checks only columns no statement
// changes (issued_count, the one a template's row changes in, is read by issuing, through
// kFindTemplateByCode). Every order with a coupon of one template read it; locked, they queued
// on that one row until each commit, as on a hot product.
const Sql kFindTemplate{"SELECT " + kTemplateColumns + " FROM coupon_templates WHERE id = ?1"};
const Sql kFindTemplateByCode{
    .text = "SELECT " + kTemplateColumns + " FROM coupon_templates WHERE code = ?1",
    .lock_rows = true};
const Sql kCountTemplateIssue{
    "UPDATE coupon_templates SET issued_count = issued_count + 1 "
    "WHERE id = ?1 AND issued_count < total_limit"};
const Sql kSetIssuedCount{
    "UPDATE coupon_templates SET issued_count = CAST(?3 AS BIGINT) "
    "WHERE id = ?1 AND issued_count = CAST(?2 AS BIGINT) AND CAST(?3 AS BIGINT) >= 0 "
    "AND CAST(?3 AS BIGINT) <= total_limit"};
const Sql kCountUserIssue{
    "INSERT INTO coupon_user_issues AS u (template_id, user_id, issued) VALUES(?1, ?2, 1) "
    "ON CONFLICT(template_id, user_id) DO UPDATE SET issued = u.issued + 1 "
    "WHERE u.issued < ?3"};
// Counter rows and coupons side by side, so a user with coupons but no counter row shows too.
const Sql kListUserIssues{
    "SELECT user_id, CAST(sum(issued) AS BIGINT), CAST(sum(coupons) AS BIGINT) FROM ("
    "SELECT user_id, issued, CAST(0 AS BIGINT) AS coupons FROM coupon_user_issues "
    "WHERE template_id = ?1 AND user_id > ?2 "
    "UNION ALL SELECT user_id, CAST(0 AS BIGINT), CAST(1 AS BIGINT) FROM coupons "
    "WHERE template_id = ?1 AND user_id > ?2) AS k "
    "GROUP BY user_id ORDER BY user_id LIMIT ?3"};
// A missing row counts as 0: it is inserted only when from = 0; an existing row is updated only
// where it still holds `from` (PostgreSQL's ON CONFLICT rechecks it on the latest row version).
const Sql kSetUserIssued{
    "INSERT INTO coupon_user_issues AS u (template_id, user_id, issued) "
    "SELECT CAST(?1 AS TEXT), CAST(?2 AS TEXT), CAST(?4 AS BIGINT) FROM coupon_templates t "
    "WHERE t.id = ?1 AND CAST(?4 AS BIGINT) >= 0 AND CAST(?4 AS BIGINT) <= t.per_user_limit "
    "AND (CAST(?3 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM coupon_user_issues e "
    "WHERE e.template_id = ?1 AND e.user_id = ?2)) "
    "ON CONFLICT(template_id, user_id) DO UPDATE SET issued = excluded.issued "
    "WHERE u.issued = CAST(?3 AS BIGINT)"};
const Sql kInsertCoupon{"INSERT INTO coupons(" + kCouponColumns +
                        ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};
const Sql kFindCoupon{.text = "SELECT " + kCouponColumns + " FROM coupons WHERE id = ?1",
                      .lock_rows = true};
const Sql kFindCouponUsedBy{
    .text = "SELECT " + kCouponColumns + " FROM coupons WHERE order_id = ?1 AND status = 'used'",
    .lock_rows = true};
const Sql kSetCouponStatus{
    "UPDATE coupons SET status = ?1, order_id = ?2, updated_at = ?3 "
    "WHERE id = ?4 AND status = ?5"};
const Sql kListCoupons{"SELECT " + kCouponColumns +
                       " FROM coupons WHERE user_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3"};

std::optional<CouponTemplate> one_template(Query& q) {
  if (!q.step()) return std::nullopt;
  return template_from(q);
}

std::optional<Coupon> one_coupon(Query& q) {
  if (!q.step()) return std::nullopt;
  return coupon_from(q);
}

}  // namespace

bool Transaction::insert_coupon_template(const CouponTemplate& t) {
  Query q(session_, kInsertTemplate);
  q.bind(1, t.id).bind(2, t.code).bind(3, t.name).bind_name(4, to_string(t.kind));
  q.bind(5, t.value).bind(6, t.max_discount).bind(7, t.min_order_amount).bind(8, t.valid_from);
  q.bind(9, t.valid_until).bind(10, t.total_limit).bind(11, t.per_user_limit);
  q.bind(12, t.issued_count).bind(13, t.created_at);
  return q.run() == 1;
}

std::optional<CouponTemplate> Transaction::find_coupon_template(const std::string& id) {
  Query q(session_, kFindTemplate);
  q.bind(1, id);
  return one_template(q);
}

std::optional<CouponTemplate> Transaction::find_coupon_template_by_code(const std::string& code) {
  Query q(session_, kFindTemplateByCode);
  q.bind(1, code);
  return one_template(q);
}

bool Transaction::try_count_template_issue(const std::string& template_id) {
  Query q(session_, kCountTemplateIssue);
  return q.bind(1, template_id).run() == 1;
}

bool Transaction::try_set_coupon_issued_count(const std::string& template_id, std::int64_t from,
                                              std::int64_t to) {
  Query q(session_, kSetIssuedCount);
  return q.bind(1, template_id).bind(2, from).bind(3, to).run() == 1;
}

bool Transaction::try_count_user_issue(const std::string& template_id, const std::string& user_id,
                                       std::int64_t per_user_limit) {
  Query q(session_, kCountUserIssue);
  return q.bind(1, template_id).bind(2, user_id).bind(3, per_user_limit).run() == 1;
}

std::vector<CouponUserIssues> Transaction::list_coupon_user_issues(
    const std::string& template_id, const std::string& after_user_id, int limit) {
  Query q(session_, kListUserIssues);
  q.bind(1, template_id).bind(2, after_user_id).bind(3, limit);
  std::vector<CouponUserIssues> out;
  while (q.step()) out.push_back({q.text(0), q.int64(1), q.int64(2)});
  return out;
}

bool Transaction::try_set_coupon_user_issued(const std::string& template_id,
                                             const std::string& user_id, std::int64_t from,
                                             std::int64_t to) {
  Query q(session_, kSetUserIssued);
  return q.bind(1, template_id).bind(2, user_id).bind(3, from).bind(4, to).run() == 1;
}

void Transaction::insert_coupon(const Coupon& c) {
  Query q(session_, kInsertCoupon);
  q.bind(1, c.id).bind(2, c.template_id).bind(3, c.code).bind(4, c.user_id);
  q.bind_name(5, to_string(c.status)).bind(6, c.order_id).bind(7, c.valid_until);
  q.bind(8, c.issued_at).bind(9, c.updated_at).run_later();
}

std::optional<Coupon> Transaction::find_coupon(const std::string& id) {
  Query q(session_, kFindCoupon);
  q.bind(1, id);
  return one_coupon(q);
}

std::optional<Coupon> Transaction::find_coupon_used_by(const std::string& order_id) {
  Query q(session_, kFindCouponUsedBy);
  q.bind(1, order_id);
  return one_coupon(q);
}

bool Transaction::try_set_coupon_status(const std::string& coupon_id, CouponStatus from,
                                        CouponStatus to, const std::string& order_id,
                                        Timestamp now) {
  Query q(session_, kSetCouponStatus);
  q.bind_name(1, to_string(to)).bind(2, order_id).bind(3, now).bind(4, coupon_id);
  q.bind_name(5, to_string(from));
  return q.run_expecting(1) == 1;
}

std::vector<Coupon> Transaction::list_coupons(const std::string& user_id,
                                              const std::string& after_id, int limit) {
  Query q(session_, kListCoupons);
  q.bind(1, user_id).bind(2, after_id).bind(3, limit);
  std::vector<Coupon> out;
  while (q.step()) out.push_back(coupon_from(q));
  return out;
}

}  // namespace commerce
