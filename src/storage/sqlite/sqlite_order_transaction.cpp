// The SQLite adapter's order, saga, payment and invariant-check statements (schema migration 3).
#include <string_view>

#include "storage/saga_steps_text.h"
#include "sqlite_rows.h"
#include "sqlite_transaction.h"

namespace commerce::sqlite {

namespace {

using storage_text::join_steps;
using storage_text::split_steps;

std::string s(std::string_view v) { return std::string(v); }

const std::string kOrderColumns =
    "id, user_id, status, subtotal, discount, points_used, total, coupon_id, coupon_required, "
    "coupon_applied, coupon_note, payment_method, failure_reason, request_id, expires_at, "
    "created_at, updated_at";

Order order_from(const Query& q) {
  return Order{.id = q.text(0),
               .user_id = q.text(1),
               .status = parse_order_status(q.text(2)),
               .items = {},
               .subtotal = q.int64(3),
               .discount = q.int64(4),
               .points_used = q.int64(5),
               .total = q.int64(6),
               .coupon_id = q.text(7),
               .coupon_required = q.int64(8) != 0,
               .coupon_applied = q.int64(9) != 0,
               .coupon_note = q.text(10),
               .payment_method = q.text(11),
               .failure_reason = q.text(12),
               .request_id = q.text(13),
               .expires_at = q.int64(14),
               .created_at = q.int64(15),
               .updated_at = q.int64(16)};
}

const std::string kSagaColumns = "order_id, state, step, position, steps, reason, updated_at";

SagaRecord saga_from(const Query& q) {
  return SagaRecord{.order_id = q.text(0),
                    .state = parse_saga_state(q.text(1)),
                    .step = static_cast<int>(q.int64(2)),
                    .position = q.int64(3),
                    .steps = split_steps(q.text(4)),
                    .reason = q.text(5),
                    .updated_at = q.int64(6)};
}

const std::string kPaymentColumns =
    "id, order_id, amount, method, status, reference, created_at, updated_at";

Payment payment_from(const Query& q) {
  return Payment{.id = q.text(0),
                 .order_id = q.text(1),
                 .amount = q.int64(2),
                 .method = q.text(3),
                 .status = parse_payment_status(q.text(4)),
                 .reference = q.text(5),
                 .created_at = q.int64(6),
                 .updated_at = q.int64(7)};
}

}  // namespace

// --- orders

bool SqliteTransaction::insert_order(const Order& o) {
  Query q(conn_, "INSERT INTO orders(" + kOrderColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT(id) DO NOTHING");
  q.bind(1, o.id).bind(2, o.user_id).bind(3, s(to_string(o.status))).bind(4, o.subtotal);
  q.bind(5, o.discount).bind(6, o.points_used).bind(7, o.total).bind(8, o.coupon_id);
  q.bind(9, std::int64_t{o.coupon_required}).bind(10, std::int64_t{o.coupon_applied});
  q.bind(11, o.coupon_note).bind(12, o.payment_method).bind(13, o.failure_reason);
  q.bind(14, o.request_id).bind(15, o.expires_at).bind(16, o.created_at).bind(17, o.updated_at);
  return q.run() == 1;
}

void SqliteTransaction::insert_order_item(const std::string& order_id, const OrderItem& i) {
  Query q(conn_,
          "INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total) "
          "VALUES(?, ?, ?, ?, ?, ?)");
  q.bind(1, order_id).bind(2, i.product_id).bind(3, i.name).bind(4, i.unit_price);
  q.bind(5, i.qty).bind(6, i.line_total).run();
}

std::optional<Order> SqliteTransaction::find_order(const std::string& order_id) {
  Query q(conn_, "SELECT " + kOrderColumns + " FROM orders WHERE id = ?");
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return order_from(q);
}

std::vector<OrderItem> SqliteTransaction::find_order_items(const std::string& order_id) {
  Query q(conn_,
          "SELECT product_id, name, unit_price, qty, line_total FROM order_items "
          "WHERE order_id = ? ORDER BY product_id");
  q.bind(1, order_id);
  std::vector<OrderItem> out;
  while (q.step()) out.push_back({q.text(0), q.text(1), q.int64(2), q.int64(3), q.int64(4)});
  return out;
}

std::vector<Order> SqliteTransaction::list_orders_for_user(const std::string& user_id,
                                                           const std::string& before_id,
                                                           int limit) {
  Query q(conn_, "SELECT " + kOrderColumns +
                     " FROM orders WHERE user_id = ?1 AND (?2 = '' OR id < ?2) "
                     "ORDER BY id DESC LIMIT ?3");
  q.bind(1, user_id).bind(2, before_id).bind(3, limit);
  std::vector<Order> out;
  while (q.step()) out.push_back(order_from(q));
  return out;
}

std::vector<Order> SqliteTransaction::list_orders(const std::string& after_id, int limit) {
  Query q(conn_, "SELECT " + kOrderColumns + " FROM orders WHERE id > ? ORDER BY id LIMIT ?");
  q.bind(1, after_id).bind(2, limit);
  std::vector<Order> out;
  while (q.step()) out.push_back(order_from(q));
  return out;
}

std::vector<std::string> SqliteTransaction::find_expired_orders(OrderStatus status, Timestamp now,
                                                                int limit) {
  Query q(conn_,
          "SELECT id FROM orders WHERE status = ? AND expires_at <= ? "
          "ORDER BY expires_at, id LIMIT ?");
  q.bind(1, s(to_string(status))).bind(2, now).bind(3, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

bool SqliteTransaction::try_set_order_status(const std::string& order_id, OrderStatus from,
                                             OrderStatus to, const std::string& reason,
                                             Timestamp now) {
  Query q(conn_,
          "UPDATE orders SET status = ?1, "
          "failure_reason = CASE WHEN ?2 = '' THEN failure_reason ELSE ?2 END, updated_at = ?3 "
          "WHERE id = ?4 AND status = ?5");
  q.bind(1, s(to_string(to))).bind(2, reason).bind(3, now).bind(4, order_id);
  q.bind(5, s(to_string(from)));
  return q.run() == 1;
}

bool SqliteTransaction::try_set_order_pricing(const std::string& order_id, Money discount,
                                              Money total, bool coupon_applied,
                                              const std::string& coupon_note, Timestamp now) {
  Query q(conn_,
          "UPDATE orders SET discount = ?, total = ?, coupon_applied = ?, coupon_note = ?, "
          "updated_at = ? WHERE id = ? AND status = 'pending'");
  q.bind(1, discount).bind(2, total).bind(3, std::int64_t{coupon_applied}).bind(4, coupon_note);
  q.bind(5, now).bind(6, order_id);
  return q.run() == 1;
}

void SqliteTransaction::insert_order_audit(const OrderAudit& a) {
  Query q(conn_,
          "INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) "
          "VALUES(?, ?, ?, ?, ?, ?)");
  q.bind(1, a.id).bind(2, a.order_id).bind(3, a.from ? s(to_string(*a.from)) : std::string());
  q.bind(4, s(to_string(a.to))).bind(5, a.reason).bind(6, a.at).run();
}

std::vector<OrderAudit> SqliteTransaction::find_order_audit(const std::string& order_id) {
  Query q(conn_,
          "SELECT id, from_status, to_status, reason, at FROM order_audit WHERE order_id = ? "
          "ORDER BY at, id");
  q.bind(1, order_id);
  std::vector<OrderAudit> out;
  while (q.step()) {
    const std::string from = q.text(1);
    out.push_back(OrderAudit{q.text(0), order_id,
                             from.empty() ? std::nullopt
                                          : std::optional<OrderStatus>(parse_order_status(from)),
                             parse_order_status(q.text(2)), q.text(3), q.int64(4)});
  }
  return out;
}

// --- sagas

bool SqliteTransaction::insert_saga(const SagaRecord& g) {
  Query q(conn_, "INSERT INTO sagas(" + kSagaColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(order_id) DO NOTHING");
  q.bind(1, g.order_id).bind(2, s(to_string(g.state))).bind(3, std::int64_t{g.step});
  q.bind(4, g.position).bind(5, join_steps(g.steps)).bind(6, g.reason).bind(7, g.updated_at);
  return q.run() == 1;
}

std::optional<SagaRecord> SqliteTransaction::find_saga(const std::string& order_id) {
  Query q(conn_, "SELECT " + kSagaColumns + " FROM sagas WHERE order_id = ?");
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return saga_from(q);
}

bool SqliteTransaction::try_update_saga(const SagaRecord& g, std::int64_t expected_position) {
  Query q(conn_,
          "UPDATE sagas SET state = ?1, step = ?2, reason = ?3, updated_at = ?4, "
          "position = ?5 + 1 WHERE order_id = ?6 AND position = ?5");
  q.bind(1, s(to_string(g.state))).bind(2, std::int64_t{g.step}).bind(3, g.reason);
  q.bind(4, g.updated_at).bind(5, expected_position).bind(6, g.order_id);
  return q.run() == 1;
}

std::vector<SagaRecord> SqliteTransaction::list_sagas(SagaState state,
                                                      const std::string& after_order_id,
                                                      int limit) {
  Query q(conn_, "SELECT " + kSagaColumns +
                     " FROM sagas WHERE state = ? AND order_id > ? ORDER BY order_id LIMIT ?");
  q.bind(1, s(to_string(state))).bind(2, after_order_id).bind(3, limit);
  std::vector<SagaRecord> out;
  while (q.step()) out.push_back(saga_from(q));
  return out;
}

bool SqliteTransaction::try_insert_saga_log(const SagaLogEntry& e) {
  Query q(conn_,
          "INSERT INTO saga_log(order_id, step, action, detail, at) VALUES(?, ?, ?, ?, ?) "
          "ON CONFLICT(order_id, step, action) DO NOTHING");
  q.bind(1, e.order_id).bind(2, e.step).bind(3, e.action).bind(4, e.detail).bind(5, e.at);
  return q.run() == 1;
}

std::vector<SagaLogEntry> SqliteTransaction::find_saga_log(const std::string& order_id) {
  Query q(conn_,
          "SELECT step, action, detail, at FROM saga_log WHERE order_id = ? ORDER BY seq");
  q.bind(1, order_id);
  std::vector<SagaLogEntry> out;
  while (q.step()) out.push_back({order_id, q.text(0), q.text(1), q.text(2), q.int64(3)});
  return out;
}

// --- payments

bool SqliteTransaction::insert_payment(const Payment& p) {
  Query q(conn_, "INSERT INTO payments(" + kPaymentColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  q.bind(1, p.id).bind(2, p.order_id).bind(3, p.amount).bind(4, p.method);
  q.bind(5, s(to_string(p.status))).bind(6, p.reference).bind(7, p.created_at);
  q.bind(8, p.updated_at);
  return q.run() == 1;
}

std::optional<Payment> SqliteTransaction::find_payment(const std::string& order_id) {
  Query q(conn_, "SELECT " + kPaymentColumns + " FROM payments WHERE order_id = ?");
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return payment_from(q);
}

bool SqliteTransaction::try_set_payment_status(const std::string& payment_id, PaymentStatus from,
                                               PaymentStatus to, const std::string& reference,
                                               Timestamp now) {
  Query q(conn_,
          "UPDATE payments SET status = ?1, "
          "reference = CASE WHEN ?2 = '' THEN reference ELSE ?2 END, updated_at = ?3 "
          "WHERE id = ?4 AND status = ?5");
  q.bind(1, s(to_string(to))).bind(2, reference).bind(3, now).bind(4, payment_id);
  q.bind(5, s(to_string(from)));
  return q.run() == 1;
}

// --- invariant checks

std::vector<StockLevel> SqliteTransaction::list_stock_levels(const std::string& after_id,
                                                             int limit) {
  Query q(conn_,
          "SELECT product_id, on_hand, reserved, sold FROM stock WHERE product_id > ? "
          "ORDER BY product_id LIMIT ?");
  q.bind(1, after_id).bind(2, limit);
  std::vector<StockLevel> out;
  while (q.step()) {
    const auto on_hand = q.int64(1), reserved = q.int64(2);
    out.push_back({q.text(0), on_hand, reserved, on_hand - reserved, q.int64(3)});
  }
  return out;
}

std::int64_t SqliteTransaction::sum_live_reservations(const std::string& product_id) {
  Query q(conn_,
          "SELECT coalesce(sum(qty), 0) FROM reservations WHERE product_id = ? AND state = 'live'");
  q.bind(1, product_id);
  return q.step() ? q.int64(0) : 0;
}

std::int64_t SqliteTransaction::sum_stock_adjustments(const std::string& product_id) {
  Query q(conn_, "SELECT coalesce(sum(delta), 0) FROM stock_adjustments WHERE product_id = ?");
  q.bind(1, product_id);
  return q.step() ? q.int64(0) : 0;
}

std::vector<PointsBalance> SqliteTransaction::list_points_balances(const std::string& after_id,
                                                                   int limit) {
  Query q(conn_,
          "SELECT user_id, balance FROM point_balances WHERE user_id > ? ORDER BY user_id LIMIT ?");
  q.bind(1, after_id).bind(2, limit);
  std::vector<PointsBalance> out;
  while (q.step()) out.push_back({q.text(0), q.int64(1)});
  return out;
}

Money SqliteTransaction::sum_points_entries(const std::string& user_id) {
  Query q(conn_, "SELECT coalesce(sum(amount), 0) FROM point_entries WHERE user_id = ?");
  q.bind(1, user_id);
  return q.step() ? q.int64(0) : 0;
}

std::vector<Coupon> SqliteTransaction::list_coupons_by_status(CouponStatus status,
                                                              const std::string& after_id,
                                                              int limit) {
  Query q(conn_, "SELECT " + kCouponColumns +
                     " FROM coupons WHERE status = ? AND id > ? ORDER BY id LIMIT ?");
  q.bind(1, s(to_string(status))).bind(2, after_id).bind(3, limit);
  std::vector<Coupon> out;
  while (q.step()) out.push_back(coupon_from(q));
  return out;
}

std::vector<CouponTemplate> SqliteTransaction::list_coupon_templates(const std::string& after_id,
                                                                     int limit) {
  Query q(conn_, "SELECT " + kTemplateColumns +
                     " FROM coupon_templates WHERE id > ? ORDER BY id LIMIT ?");
  q.bind(1, after_id).bind(2, limit);
  std::vector<CouponTemplate> out;
  while (q.step()) out.push_back(template_from(q));
  return out;
}

std::int64_t SqliteTransaction::count_coupons_of_template(const std::string& template_id) {
  Query q(conn_, "SELECT count(*) FROM coupons WHERE template_id = ?");
  q.bind(1, template_id);
  return q.step() ? q.int64(0) : 0;
}

std::int64_t SqliteTransaction::count_events(const std::string& type, const std::string& key) {
  Query q(conn_, "SELECT count(*) FROM outbox WHERE key = ? AND type = ?");
  q.bind(1, key).bind(2, type);
  return q.step() ? q.int64(0) : 0;
}

}  // namespace commerce::sqlite
