// The PostgreSQL adapter's order, saga, payment and invariant-check statements (schema
// migration 3; the SQLite adapter's sqlite_order_transaction.cpp in PostgreSQL's dialect).
#include "storage/saga_steps_text.h"
#include "pg_rows.h"
#include "pg_transaction.h"

namespace commerce::postgres {

namespace {

using storage_text::join_steps;
using storage_text::split_steps;

const std::string kOrderColumns =
    "id, user_id, status, subtotal, discount, points_used, total, coupon_id, coupon_required, "
    "coupon_applied, coupon_note, payment_method, failure_reason, request_id, expires_at, "
    "created_at, updated_at";

Order order_from(const Result& r, int i) {
  return Order{.id = r.text(i, 0),
               .user_id = r.text(i, 1),
               .status = parse_order_status(r.text(i, 2)),
               .items = {},
               .subtotal = r.int64(i, 3),
               .discount = r.int64(i, 4),
               .points_used = r.int64(i, 5),
               .total = r.int64(i, 6),
               .coupon_id = r.text(i, 7),
               .coupon_required = r.int64(i, 8) != 0,
               .coupon_applied = r.int64(i, 9) != 0,
               .coupon_note = r.text(i, 10),
               .payment_method = r.text(i, 11),
               .failure_reason = r.text(i, 12),
               .request_id = r.text(i, 13),
               .expires_at = r.int64(i, 14),
               .created_at = r.int64(i, 15),
               .updated_at = r.int64(i, 16)};
}

std::vector<Order> orders_from(const Result& r) {
  std::vector<Order> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(order_from(r, i));
  return out;
}

const std::string kSagaColumns = "order_id, state, step, position, steps, reason, updated_at";

SagaRecord saga_from(const Result& r, int i) {
  return SagaRecord{.order_id = r.text(i, 0),
                    .state = parse_saga_state(r.text(i, 1)),
                    .step = static_cast<int>(r.int64(i, 2)),
                    .position = r.int64(i, 3),
                    .steps = split_steps(r.text(i, 4)),
                    .reason = r.text(i, 5),
                    .updated_at = r.int64(i, 6)};
}

const std::string kPaymentColumns =
    "id, order_id, amount, method, status, reference, created_at, updated_at";

Payment payment_from(const Result& r, int i) {
  return Payment{.id = r.text(i, 0),
                 .order_id = r.text(i, 1),
                 .amount = r.int64(i, 2),
                 .method = r.text(i, 3),
                 .status = parse_payment_status(r.text(i, 4)),
                 .reference = r.text(i, 5),
                 .created_at = r.int64(i, 6),
                 .updated_at = r.int64(i, 7)};
}

std::int64_t flag(bool value) { return value ? 1 : 0; }

}  // namespace

// --- orders

bool PgTransaction::insert_order(const Order& o) {
  return Query(conn_, "INSERT INTO orders(" + kOrderColumns +
                          ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                          "$15, $16, $17) ON CONFLICT(id) DO NOTHING")
             .bind(o.id)
             .bind(o.user_id)
             .bind(to_string(o.status))
             .bind(o.subtotal)
             .bind(o.discount)
             .bind(o.points_used)
             .bind(o.total)
             .bind(o.coupon_id)
             .bind(flag(o.coupon_required))
             .bind(flag(o.coupon_applied))
             .bind(o.coupon_note)
             .bind(o.payment_method)
             .bind(o.failure_reason)
             .bind(o.request_id)
             .bind(o.expires_at)
             .bind(o.created_at)
             .bind(o.updated_at)
             .run()
             .affected() == 1;
}

void PgTransaction::insert_order_item(const std::string& order_id, const OrderItem& i) {
  Query(conn_,
        "INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total) "
        "VALUES($1, $2, $3, $4, $5, $6)")
      .bind(order_id)
      .bind(i.product_id)
      .bind(i.name)
      .bind(i.unit_price)
      .bind(i.qty)
      .bind(i.line_total)
      .run();
}

std::optional<Order> PgTransaction::find_order(const std::string& order_id) {
  auto r = Query(conn_, locked("SELECT " + kOrderColumns + " FROM orders WHERE id = $1"))
               .bind(order_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return order_from(r, 0);
}

std::vector<OrderItem> PgTransaction::find_order_items(const std::string& order_id) {
  auto r = Query(conn_,
                 "SELECT product_id, name, unit_price, qty, line_total FROM order_items "
                 "WHERE order_id = $1 ORDER BY product_id")
               .bind(order_id)
               .run();
  std::vector<OrderItem> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.text(i, 0), r.text(i, 1), r.int64(i, 2), r.int64(i, 3), r.int64(i, 4)});
  }
  return out;
}

std::vector<Order> PgTransaction::list_orders_for_user(const std::string& user_id,
                                                       const std::string& before_id, int limit) {
  return orders_from(Query(conn_, "SELECT " + kOrderColumns +
                                      " FROM orders WHERE user_id = $1 AND ($2 = '' OR id < $2) "
                                      "ORDER BY id DESC LIMIT $3")
                         .bind(user_id)
                         .bind(before_id)
                         .bind(limit)
                         .run());
}

std::vector<Order> PgTransaction::list_orders(const std::string& after_id, int limit) {
  return orders_from(
      Query(conn_, "SELECT " + kOrderColumns + " FROM orders WHERE id > $1 ORDER BY id LIMIT $2")
          .bind(after_id)
          .bind(limit)
          .run());
}

std::vector<std::string> PgTransaction::find_expired_orders(OrderStatus status, Timestamp now,
                                                            int limit) {
  auto r = Query(conn_,
                 "SELECT id FROM orders WHERE status = $1 AND expires_at <= $2 "
                 "ORDER BY expires_at, id LIMIT $3")
               .bind(to_string(status))
               .bind(now)
               .bind(limit)
               .run();
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

bool PgTransaction::try_set_order_status(const std::string& order_id, OrderStatus from,
                                         OrderStatus to, const std::string& reason,
                                         Timestamp now) {
  return Query(conn_,
               "UPDATE orders SET status = $1, "
               "failure_reason = CASE WHEN $2::text = '' THEN failure_reason ELSE $2::text END, "
               "updated_at = $3 WHERE id = $4 AND status = $5")
             .bind(to_string(to))
             .bind(reason)
             .bind(now)
             .bind(order_id)
             .bind(to_string(from))
             .run()
             .affected() == 1;
}

bool PgTransaction::try_set_order_pricing(const std::string& order_id, Money discount, Money total,
                                          bool coupon_applied, const std::string& coupon_note,
                                          Timestamp now) {
  return Query(conn_,
               "UPDATE orders SET discount = $1, total = $2, coupon_applied = $3, "
               "coupon_note = $4, updated_at = $5 WHERE id = $6 AND status = 'pending'")
             .bind(discount)
             .bind(total)
             .bind(flag(coupon_applied))
             .bind(coupon_note)
             .bind(now)
             .bind(order_id)
             .run()
             .affected() == 1;
}

void PgTransaction::insert_order_audit(const OrderAudit& a) {
  Query(conn_,
        "INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) "
        "VALUES($1, $2, $3, $4, $5, $6)")
      .bind(a.id)
      .bind(a.order_id)
      .bind(a.from ? std::string(to_string(*a.from)) : std::string())
      .bind(to_string(a.to))
      .bind(a.reason)
      .bind(a.at)
      .run();
}

std::vector<OrderAudit> PgTransaction::find_order_audit(const std::string& order_id) {
  auto r = Query(conn_,
                 "SELECT id, from_status, to_status, reason, at FROM order_audit "
                 "WHERE order_id = $1 ORDER BY at, id")
               .bind(order_id)
               .run();
  std::vector<OrderAudit> out;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string from = r.text(i, 1);
    out.push_back(OrderAudit{r.text(i, 0), order_id,
                             from.empty() ? std::nullopt
                                          : std::optional<OrderStatus>(parse_order_status(from)),
                             parse_order_status(r.text(i, 2)), r.text(i, 3), r.int64(i, 4)});
  }
  return out;
}

// --- sagas

bool PgTransaction::insert_saga(const SagaRecord& g) {
  return Query(conn_, "INSERT INTO sagas(" + kSagaColumns +
                          ") VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(order_id) DO NOTHING")
             .bind(g.order_id)
             .bind(to_string(g.state))
             .bind(g.step)
             .bind(g.position)
             .bind(join_steps(g.steps))
             .bind(g.reason)
             .bind(g.updated_at)
             .run()
             .affected() == 1;
}

std::optional<SagaRecord> PgTransaction::find_saga(const std::string& order_id) {
  auto r = Query(conn_, locked("SELECT " + kSagaColumns + " FROM sagas WHERE order_id = $1"))
               .bind(order_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return saga_from(r, 0);
}

bool PgTransaction::try_update_saga(const SagaRecord& g, std::int64_t expected_position) {
  return Query(conn_,
               "UPDATE sagas SET state = $1, step = $2, reason = $3, updated_at = $4, "
               "position = $5::bigint + 1 WHERE order_id = $6 AND position = $5::bigint")
             .bind(to_string(g.state))
             .bind(g.step)
             .bind(g.reason)
             .bind(g.updated_at)
             .bind(expected_position)
             .bind(g.order_id)
             .run()
             .affected() == 1;
}

std::vector<SagaRecord> PgTransaction::list_sagas(SagaState state,
                                                  const std::string& after_order_id, int limit) {
  auto r = Query(conn_, "SELECT " + kSagaColumns +
                            " FROM sagas WHERE state = $1 AND order_id > $2 "
                            "ORDER BY order_id LIMIT $3")
               .bind(to_string(state))
               .bind(after_order_id)
               .bind(limit)
               .run();
  std::vector<SagaRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(saga_from(r, i));
  return out;
}

bool PgTransaction::try_insert_saga_log(const SagaLogEntry& e) {
  return Query(conn_,
               "INSERT INTO saga_log(order_id, step, action, detail, at) "
               "VALUES($1, $2, $3, $4, $5) ON CONFLICT(order_id, step, action) DO NOTHING")
             .bind(e.order_id)
             .bind(e.step)
             .bind(e.action)
             .bind(e.detail)
             .bind(e.at)
             .run()
             .affected() == 1;
}

std::vector<SagaLogEntry> PgTransaction::find_saga_log(const std::string& order_id) {
  auto r = Query(conn_,
                 "SELECT step, action, detail, at FROM saga_log WHERE order_id = $1 ORDER BY seq")
               .bind(order_id)
               .run();
  std::vector<SagaLogEntry> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({order_id, r.text(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3)});
  }
  return out;
}

// --- payments

bool PgTransaction::insert_payment(const Payment& p) {
  return Query(conn_, "INSERT INTO payments(" + kPaymentColumns +
                          ") VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
             .bind(p.id)
             .bind(p.order_id)
             .bind(p.amount)
             .bind(p.method)
             .bind(to_string(p.status))
             .bind(p.reference)
             .bind(p.created_at)
             .bind(p.updated_at)
             .run()
             .affected() == 1;
}

std::optional<Payment> PgTransaction::find_payment(const std::string& order_id) {
  auto r = Query(conn_, locked("SELECT " + kPaymentColumns + " FROM payments WHERE order_id = $1"))
               .bind(order_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return payment_from(r, 0);
}

bool PgTransaction::try_set_payment_status(const std::string& payment_id, PaymentStatus from,
                                           PaymentStatus to, const std::string& reference,
                                           Timestamp now) {
  return Query(conn_,
               "UPDATE payments SET status = $1, "
               "reference = CASE WHEN $2::text = '' THEN reference ELSE $2::text END, "
               "updated_at = $3 WHERE id = $4 AND status = $5")
             .bind(to_string(to))
             .bind(reference)
             .bind(now)
             .bind(payment_id)
             .bind(to_string(from))
             .run()
             .affected() == 1;
}

// --- invariant checks

std::vector<StockLevel> PgTransaction::list_stock_levels(const std::string& after_id, int limit) {
  auto r = Query(conn_,
                 "SELECT product_id, on_hand, reserved, sold FROM stock WHERE product_id > $1 "
                 "ORDER BY product_id LIMIT $2")
               .bind(after_id)
               .bind(limit)
               .run();
  std::vector<StockLevel> out;
  for (int i = 0; i < r.rows(); ++i) {
    const auto on_hand = r.int64(i, 1), reserved = r.int64(i, 2);
    out.push_back({r.text(i, 0), on_hand, reserved, on_hand - reserved, r.int64(i, 3)});
  }
  return out;
}

std::int64_t PgTransaction::sum_live_reservations(const std::string& product_id) {
  return Query(conn_,
               "SELECT coalesce(sum(qty), 0)::bigint FROM reservations "
               "WHERE product_id = $1 AND state = 'live'")
      .bind(product_id)
      .run()
      .int64(0, 0);
}

std::int64_t PgTransaction::sum_stock_adjustments(const std::string& product_id) {
  return Query(conn_,
               "SELECT coalesce(sum(delta), 0)::bigint FROM stock_adjustments "
               "WHERE product_id = $1")
      .bind(product_id)
      .run()
      .int64(0, 0);
}

std::vector<PointsBalance> PgTransaction::list_points_balances(const std::string& after_id,
                                                               int limit) {
  auto r = Query(conn_,
                 "SELECT user_id, balance FROM point_balances WHERE user_id > $1 "
                 "ORDER BY user_id LIMIT $2")
               .bind(after_id)
               .bind(limit)
               .run();
  std::vector<PointsBalance> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.int64(i, 1)});
  return out;
}

Money PgTransaction::sum_points_entries(const std::string& user_id) {
  // sum(bigint) is numeric: a ledger whose sum leaves int64 fails loudly rather than wraps.
  return Query(conn_,
               "SELECT coalesce(sum(amount), 0)::bigint FROM point_entries WHERE user_id = $1")
      .bind(user_id)
      .run()
      .int64(0, 0);
}

std::vector<Coupon> PgTransaction::list_coupons_by_status(CouponStatus status,
                                                          const std::string& after_id, int limit) {
  auto r = Query(conn_, "SELECT " + kCouponColumns +
                            " FROM coupons WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3")
               .bind(to_string(status))
               .bind(after_id)
               .bind(limit)
               .run();
  std::vector<Coupon> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(coupon_from(r, i));
  return out;
}

std::vector<CouponTemplate> PgTransaction::list_coupon_templates(const std::string& after_id,
                                                                 int limit) {
  auto r = Query(conn_, "SELECT " + kTemplateColumns +
                            " FROM coupon_templates WHERE id > $1 ORDER BY id LIMIT $2")
               .bind(after_id)
               .bind(limit)
               .run();
  std::vector<CouponTemplate> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(template_from(r, i));
  return out;
}

std::int64_t PgTransaction::count_coupons_of_template(const std::string& template_id) {
  return Query(conn_, "SELECT count(*) FROM coupons WHERE template_id = $1")
      .bind(template_id)
      .run()
      .int64(0, 0);
}

std::int64_t PgTransaction::count_events(const std::string& type, const std::string& key) {
  return Query(conn_, "SELECT count(*) FROM outbox WHERE key = $1 AND type = $2")
      .bind(key)
      .bind(type)
      .run()
      .int64(0, 0);
}

}  // namespace commerce::postgres
