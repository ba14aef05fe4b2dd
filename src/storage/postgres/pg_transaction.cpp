#include "pg_transaction.h"

#include "pg_rows.h"

namespace commerce::postgres {

namespace {

const std::string kProductColumns =
    "id, name, description, price, category, brand, status, attributes, created_at, updated_at";

Product product_from(const Result& r, int i) {
  return Product{.id = r.text(i, 0),
                 .name = r.text(i, 1),
                 .description = r.text(i, 2),
                 .price = r.int64(i, 3),
                 .category = r.text(i, 4),
                 .brand = r.text(i, 5),
                 .status = parse_product_status(r.text(i, 6)),
                 .attributes = r.text(i, 7),
                 .created_at = r.int64(i, 8),
                 .updated_at = r.int64(i, 9)};
}

const std::string kEntryColumns =
    "id, user_id, kind, amount, balance_after, order_id, reason, request_id, created_at";

PointsEntry entry_from(const Result& r, int i) {
  return PointsEntry{.id = r.text(i, 0),
                     .user_id = r.text(i, 1),
                     .kind = parse_points_entry_kind(r.text(i, 2)),
                     .amount = r.int64(i, 3),
                     .balance_after = r.int64(i, 4),
                     .order_id = r.text(i, 5),
                     .reason = r.text(i, 6),
                     .request_id = r.text(i, 7),
                     .created_at = r.int64(i, 8)};
}

// LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'; ASCII
// lower-cased, as lower() does under the "C" collation of the columns.
std::string contains_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  out.push_back('%');
  return out;
}

}  // namespace

void PgTransaction::savepoint(const std::function<void()>& work) {
  conn_.exec("SAVEPOINT nested");
  const bool clean = !conn_.has_failure();
  try {
    work();
  } catch (const PgTransient&) {
    throw;  // contention or a lost connection: the whole unit is rolled back and retried
  } catch (...) {
    conn_.exec("ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested");
    // A statement that failed inside the savepoint no longer dooms the transaction.
    if (clean) conn_.clear_failure();
    throw;
  }
  conn_.exec("RELEASE SAVEPOINT nested");
}

std::optional<RequestRecord> PgTransaction::find_request(const std::string& request_id) {
  auto r = Query(conn_, locked("SELECT fingerprint, result FROM requests WHERE request_id = $1"))
               .bind(request_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return RequestRecord{r.text(0, 0), r.text(0, 1)};
}

void PgTransaction::insert_request(const std::string& request_id, const RequestRecord& record,
                                   Timestamp now) {
  Query(conn_,
        "INSERT INTO requests(request_id, fingerprint, result, created_at) "
        "VALUES($1, $2, $3, $4)")
      .bind(request_id)
      .bind(record.fingerprint)
      .bind(record.result)
      .bind(now)
      .run();
}

std::optional<std::string> PgTransaction::find_setting(const std::string& key) {
  auto r = Query(conn_, locked("SELECT value FROM settings WHERE key = $1")).bind(key).run();
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0);
}

void PgTransaction::put_setting(const std::string& key, const std::string& value) {
  Query(conn_,
        "INSERT INTO settings(key, value) VALUES($1, $2) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(key)
      .bind(value)
      .run();
}

bool PgTransaction::insert_product(const Product& p) {
  return Query(conn_, "INSERT INTO products(" + kProductColumns +
                          ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                          "ON CONFLICT(id) DO NOTHING")
             .bind(p.id)
             .bind(p.name)
             .bind(p.description)
             .bind(p.price)
             .bind(p.category)
             .bind(p.brand)
             .bind(to_string(p.status))
             .bind(p.attributes)
             .bind(p.created_at)
             .bind(p.updated_at)
             .run()
             .affected() == 1;
}

void PgTransaction::update_product(const Product& p) {
  Query(conn_,
        "UPDATE products SET name = $1, description = $2, price = $3, category = $4, brand = $5, "
        "status = $6, attributes = $7, updated_at = $8 WHERE id = $9")
      .bind(p.name)
      .bind(p.description)
      .bind(p.price)
      .bind(p.category)
      .bind(p.brand)
      .bind(to_string(p.status))
      .bind(p.attributes)
      .bind(p.updated_at)
      .bind(p.id)
      .run();
}

std::optional<Product> PgTransaction::find_product(const std::string& id) {
  auto r =
      Query(conn_, locked("SELECT " + kProductColumns + " FROM products WHERE id = $1")).bind(id).run();
  if (r.rows() == 0) return std::nullopt;
  return product_from(r, 0);
}

std::vector<Product> PgTransaction::list_products(const ProductFilter& filter,
                                                  const std::string& after_id, int limit) {
  // Parameters are numbered in the order they are bound, so the server can infer every type.
  std::string sql = "SELECT " + kProductColumns + " FROM products WHERE id > $1";
  int n = 1;
  auto next = [&n] { return "$" + std::to_string(++n); };
  if (filter.category) sql += " AND category = " + next();
  if (filter.brand) sql += " AND brand = " + next();
  if (filter.min_price) sql += " AND price >= " + next();
  if (filter.max_price) sql += " AND price <= " + next();
  sql += filter.status ? " AND status = " + next() : std::string(" AND status <> 'deleted'");
  if (!filter.text.empty()) {
    const std::string p = next();
    sql += " AND (lower(name) LIKE " + p + " ESCAPE '\\' OR lower(description) LIKE " + p +
           " ESCAPE '\\')";
  }
  sql += " ORDER BY id LIMIT " + next();
  Query q(conn_, sql);
  q.bind(after_id);
  if (filter.category) q.bind(*filter.category);
  if (filter.brand) q.bind(*filter.brand);
  if (filter.min_price) q.bind(*filter.min_price);
  if (filter.max_price) q.bind(*filter.max_price);
  if (filter.status) q.bind(to_string(*filter.status));
  if (!filter.text.empty()) q.bind(contains_pattern(filter.text));
  q.bind(limit);
  auto r = q.run();
  std::vector<Product> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(product_from(r, i));
  return out;
}

bool PgTransaction::insert_category(const Category& c) {
  return Query(conn_, "INSERT INTO categories(id, name) VALUES($1, $2) ON CONFLICT(id) DO NOTHING")
             .bind(c.id)
             .bind(c.name)
             .run()
             .affected() == 1;
}

std::optional<Category> PgTransaction::find_category(const std::string& id) {
  auto r = Query(conn_, locked("SELECT id, name FROM categories WHERE id = $1")).bind(id).run();
  if (r.rows() == 0) return std::nullopt;
  return Category{r.text(0, 0), r.text(0, 1)};
}

std::vector<Category> PgTransaction::list_categories() {
  auto r = Query(conn_, "SELECT id, name FROM categories ORDER BY id").run();
  std::vector<Category> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1)});
  return out;
}

void PgTransaction::insert_stock(const std::string& product_id) {
  Query(conn_, "INSERT INTO stock(product_id, on_hand, reserved, sold) VALUES($1, 0, 0, 0)")
      .bind(product_id)
      .run();
}

std::optional<StockLevel> PgTransaction::find_stock(const std::string& product_id) {
  auto r = Query(conn_, locked("SELECT on_hand, reserved, sold FROM stock WHERE product_id = $1"))
               .bind(product_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  const auto on_hand = r.int64(0, 0), reserved = r.int64(0, 1);
  return StockLevel{product_id, on_hand, reserved, on_hand - reserved, r.int64(0, 2)};
}

// The conditional updates below run at READ COMMITTED: an UPDATE that waited for another
// writer's row lock re-checks its WHERE clause against the committed row before applying.
bool PgTransaction::try_reserve_stock(const std::string& product_id, std::int64_t qty) {
  return Query(conn_,
               "UPDATE stock SET reserved = reserved + $1 "
               "WHERE product_id = $2 AND on_hand - reserved >= $1")
             .bind(qty)
             .bind(product_id)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_unreserve_stock(const std::string& product_id, std::int64_t qty) {
  return Query(conn_,
               "UPDATE stock SET reserved = reserved - $1 WHERE product_id = $2 AND reserved >= $1")
             .bind(qty)
             .bind(product_id)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) {
  return Query(conn_,
               "UPDATE stock SET on_hand = on_hand - $1, reserved = reserved - $1, "
               "sold = sold + $1 WHERE product_id = $2 AND reserved >= $1 AND on_hand >= $1")
             .bind(qty)
             .bind(product_id)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_adjust_stock(const std::string& product_id, std::int64_t delta) {
  return Query(conn_,
               "UPDATE stock SET on_hand = on_hand + $1 "
               "WHERE product_id = $2 AND on_hand + $1 >= reserved")
             .bind(delta)
             .bind(product_id)
             .run()
             .affected() == 1;
}

void PgTransaction::insert_stock_adjustment(const StockAdjustment& a) {
  Query(conn_,
        "INSERT INTO stock_adjustments(id, product_id, delta, reason, created_at) "
        "VALUES($1, $2, $3, $4, $5)")
      .bind(a.id)
      .bind(a.product_id)
      .bind(a.delta)
      .bind(a.reason)
      .bind(a.created_at)
      .run();
}

void PgTransaction::insert_reservation(const Reservation& r) {
  Query(conn_,
        "INSERT INTO reservations(order_id, product_id, qty, expires_at, state) "
        "VALUES($1, $2, $3, $4, $5)")
      .bind(r.order_id)
      .bind(r.product_id)
      .bind(r.qty)
      .bind(r.expires_at)
      .bind(to_string(r.state))
      .run();
}

std::vector<Reservation> PgTransaction::find_reservations(const std::string& order_id) {
  auto r = Query(conn_, locked("SELECT product_id, qty, expires_at, state FROM reservations "
                               "WHERE order_id = $1 ORDER BY product_id"))
               .bind(order_id)
               .run();
  std::vector<Reservation> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({order_id, r.text(i, 0), r.int64(i, 1), r.int64(i, 2),
                   parse_reservation_state(r.text(i, 3))});
  }
  return out;
}

bool PgTransaction::try_set_reservation_state(const std::string& order_id,
                                              const std::string& product_id,
                                              ReservationState from, ReservationState to) {
  return Query(conn_,
               "UPDATE reservations SET state = $1 "
               "WHERE order_id = $2 AND product_id = $3 AND state = $4")
             .bind(to_string(to))
             .bind(order_id)
             .bind(product_id)
             .bind(to_string(from))
             .run()
             .affected() == 1;
}

std::vector<std::string> PgTransaction::find_expired_reservation_orders(Timestamp now, int limit) {
  auto r = Query(conn_,
                 "SELECT order_id FROM reservations WHERE state = 'live' AND expires_at <= $1 "
                 "GROUP BY order_id ORDER BY min(expires_at), order_id LIMIT $2")
               .bind(now)
               .bind(limit)
               .run();
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

Money PgTransaction::find_points_balance(const std::string& user_id) {
  auto r = Query(conn_, locked("SELECT balance FROM point_balances WHERE user_id = $1"))
               .bind(user_id)
               .run();
  return r.rows() > 0 ? r.int64(0, 0) : 0;
}

bool PgTransaction::try_debit_points(const std::string& user_id, Money amount) {
  return Query(conn_,
               "UPDATE point_balances SET balance = balance - $1 "
               "WHERE user_id = $2 AND balance >= $1")
             .bind(amount)
             .bind(user_id)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_credit_points(const std::string& user_id, Money amount) {
  return Query(conn_,
               "INSERT INTO point_balances AS b (user_id, balance) VALUES($2, $1) "
               "ON CONFLICT(user_id) DO UPDATE SET balance = b.balance + $1 "
               "WHERE b.balance <= 9223372036854775807 - $1")
             .bind(amount)
             .bind(user_id)
             .run()
             .affected() == 1;
}

void PgTransaction::insert_points_entry(const PointsEntry& e) {
  Query(conn_, "INSERT INTO point_entries(" + kEntryColumns +
                   ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)")
      .bind(e.id)
      .bind(e.user_id)
      .bind(to_string(e.kind))
      .bind(e.amount)
      .bind(e.balance_after)
      .bind(e.order_id)
      .bind(e.reason)
      .bind(e.request_id)
      .bind(e.created_at)
      .run();
}

std::vector<PointsEntry> PgTransaction::find_points_entries_for_order(const std::string& order_id) {
  // "order_id <> ''" lets the planner use the partial index point_entries_once_per_order.
  auto r = Query(conn_, locked("SELECT " + kEntryColumns +
                               " FROM point_entries WHERE order_id = $1 AND order_id <> '' "
                               "ORDER BY id"))
               .bind(order_id)
               .run();
  std::vector<PointsEntry> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(entry_from(r, i));
  return out;
}

std::vector<PointsEntry> PgTransaction::list_points_entries(const std::string& user_id,
                                                            const std::string& before_id,
                                                            int limit) {
  auto r = Query(conn_, "SELECT " + kEntryColumns +
                            " FROM point_entries WHERE user_id = $1 AND ($2 = '' OR id < $2) "
                            "ORDER BY id DESC LIMIT $3")
               .bind(user_id)
               .bind(before_id)
               .bind(limit)
               .run();
  std::vector<PointsEntry> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(entry_from(r, i));
  return out;
}

bool PgTransaction::insert_coupon_template(const CouponTemplate& t) {
  return Query(conn_, "INSERT INTO coupon_templates(" + kTemplateColumns +
                          ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                          "ON CONFLICT(code) DO NOTHING")
             .bind(t.id)
             .bind(t.code)
             .bind(t.name)
             .bind(to_string(t.kind))
             .bind(t.value)
             .bind(t.max_discount)
             .bind(t.min_order_amount)
             .bind(t.valid_from)
             .bind(t.valid_until)
             .bind(t.total_limit)
             .bind(t.per_user_limit)
             .bind(t.issued_count)
             .bind(t.created_at)
             .run()
             .affected() == 1;
}

std::optional<CouponTemplate> PgTransaction::find_coupon_template(const std::string& id) {
  auto r = Query(conn_, locked("SELECT " + kTemplateColumns + " FROM coupon_templates WHERE id = $1"))
               .bind(id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return template_from(r, 0);
}

std::optional<CouponTemplate> PgTransaction::find_coupon_template_by_code(const std::string& code) {
  auto r =
      Query(conn_, locked("SELECT " + kTemplateColumns + " FROM coupon_templates WHERE code = $1"))
          .bind(code)
          .run();
  if (r.rows() == 0) return std::nullopt;
  return template_from(r, 0);
}

bool PgTransaction::try_count_template_issue(const std::string& template_id) {
  return Query(conn_,
               "UPDATE coupon_templates SET issued_count = issued_count + 1 "
               "WHERE id = $1 AND issued_count < total_limit")
             .bind(template_id)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_set_coupon_issued_count(const std::string& template_id,
                                                std::int64_t from, std::int64_t to) {
  return Query(conn_,
               "UPDATE coupon_templates SET issued_count = $3::bigint "
               "WHERE id = $1 AND issued_count = $2::bigint AND $3::bigint >= 0 "
               "AND $3::bigint <= total_limit")
             .bind(template_id)
             .bind(from)
             .bind(to)
             .run()
             .affected() == 1;
}

bool PgTransaction::try_count_user_issue(const std::string& template_id,
                                         const std::string& user_id,
                                         std::int64_t per_user_limit) {
  return Query(conn_,
               "INSERT INTO coupon_user_issues AS u (template_id, user_id, issued) "
               "VALUES($1, $2, 1) ON CONFLICT(template_id, user_id) "
               "DO UPDATE SET issued = u.issued + 1 WHERE u.issued < $3")
             .bind(template_id)
             .bind(user_id)
             .bind(per_user_limit)
             .run()
             .affected() == 1;
}

std::vector<CouponUserIssues> PgTransaction::list_coupon_user_issues(
    const std::string& template_id, const std::string& after_user_id, int limit) {
  // Counter rows and coupons side by side, so a user with coupons but no counter row shows too.
  auto r = Query(conn_,
                 "SELECT user_id, sum(issued)::bigint, sum(coupons)::bigint FROM ("
                 "SELECT user_id, issued, 0::bigint AS coupons FROM coupon_user_issues "
                 "WHERE template_id = $1 AND user_id > $2 "
                 "UNION ALL SELECT user_id, 0::bigint, 1::bigint FROM coupons "
                 "WHERE template_id = $1 AND user_id > $2) AS k "
                 "GROUP BY user_id ORDER BY user_id LIMIT $3")
               .bind(template_id)
               .bind(after_user_id)
               .bind(limit)
               .run();
  std::vector<CouponUserIssues> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.int64(i, 1), r.int64(i, 2)});
  return out;
}

bool PgTransaction::try_set_coupon_user_issued(const std::string& template_id,
                                               const std::string& user_id, std::int64_t from,
                                               std::int64_t to) {
  // A missing row counts as 0: it is inserted only when from = 0; an existing row is updated
  // only where it still holds `from` (ON CONFLICT rechecks it on the latest row version).
  return Query(conn_,
               "INSERT INTO coupon_user_issues AS u (template_id, user_id, issued) "
               "SELECT $1::text, $2::text, $4::bigint FROM coupon_templates t "
               "WHERE t.id = $1 AND $4::bigint >= 0 AND $4::bigint <= t.per_user_limit "
               "AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM coupon_user_issues e "
               "WHERE e.template_id = $1 AND e.user_id = $2)) "
               "ON CONFLICT(template_id, user_id) DO UPDATE SET issued = excluded.issued "
               "WHERE u.issued = $3::bigint")
             .bind(template_id)
             .bind(user_id)
             .bind(from)
             .bind(to)
             .run()
             .affected() == 1;
}

void PgTransaction::insert_coupon(const Coupon& c) {
  Query(conn_, "INSERT INTO coupons(" + kCouponColumns +
                   ") VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9)")
      .bind(c.id)
      .bind(c.template_id)
      .bind(c.code)
      .bind(c.user_id)
      .bind(to_string(c.status))
      .bind(c.order_id)
      .bind(c.valid_until)
      .bind(c.issued_at)
      .bind(c.updated_at)
      .run();
}

std::optional<Coupon> PgTransaction::find_coupon(const std::string& id) {
  auto r = Query(conn_, locked("SELECT " + kCouponColumns + " FROM coupons WHERE id = $1"))
               .bind(id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return coupon_from(r, 0);
}

std::optional<Coupon> PgTransaction::find_coupon_used_by(const std::string& order_id) {
  auto r = Query(conn_, locked("SELECT " + kCouponColumns +
                               " FROM coupons WHERE order_id = $1 AND status = 'used'"))
               .bind(order_id)
               .run();
  if (r.rows() == 0) return std::nullopt;
  return coupon_from(r, 0);
}

bool PgTransaction::try_set_coupon_status(const std::string& coupon_id, CouponStatus from,
                                          CouponStatus to, const std::string& order_id,
                                          Timestamp now) {
  return Query(conn_,
               "UPDATE coupons SET status = $1, order_id = $2, updated_at = $3 "
               "WHERE id = $4 AND status = $5")
             .bind(to_string(to))
             .bind(order_id)
             .bind(now)
             .bind(coupon_id)
             .bind(to_string(from))
             .run()
             .affected() == 1;
}

std::vector<Coupon> PgTransaction::list_coupons(const std::string& user_id,
                                                const std::string& after_id, int limit) {
  auto r = Query(conn_, "SELECT " + kCouponColumns +
                            " FROM coupons WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3")
               .bind(user_id)
               .bind(after_id)
               .bind(limit)
               .run();
  std::vector<Coupon> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(coupon_from(r, i));
  return out;
}

std::int64_t PgTransaction::append_event(const Event& e) {
  // seq comes from a sequence, handed out at insert time, not at commit. The advisory lock on
  // the event's key (held until commit) makes a later unit wait before taking a seq for the
  // same key, so per key, seq order is commit order and the relay never sees a later event of
  // a key committed before an earlier one.
  auto r = Query(conn_,
                 "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, "
                 "request_id, payload) "
                 "SELECT $1::text, $2::text, $3::integer, $4::text, $5::text, $6::bigint, "
                 "$7::text, $8::text "
                 "FROM (SELECT pg_advisory_xact_lock(1668246893, hashtext($5::text))) AS key_lock "
                 "RETURNING seq")
               .bind(e.id)
               .bind(e.type)
               .bind(e.schema_version)
               .bind(e.topic)
               .bind(e.key)
               .bind(e.occurred_at)
               .bind(e.request_id)
               .bind(e.payload)
               .run();
  return r.int64(0, 0);
}

std::vector<Event> PgTransaction::read_outbox(std::int64_t after_seq, int limit) {
  auto r = Query(conn_,
                 "SELECT seq, id, type, schema_version, topic, key, occurred_at, request_id, "
                 "payload FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2")
               .bind(after_seq)
               .bind(limit)
               .run();
  std::vector<Event> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back(Event{r.int64(i, 0), r.text(i, 1), r.text(i, 2), static_cast<int>(r.int64(i, 3)),
                        r.text(i, 4), r.text(i, 5), r.int64(i, 6), r.text(i, 7), r.text(i, 8)});
  }
  return out;
}

}  // namespace commerce::postgres
