#include "sqlite_transaction.h"

#include <sqlite3.h>

#include "sqlite_rows.h"

namespace commerce::sqlite {

namespace {

std::string s(std::string_view v) { return std::string(v); }

const std::string kProductColumns =
    "id, name, description, price, category, brand, status, attributes, created_at, updated_at";

Product product_from(const Query& q) {
  return Product{.id = q.text(0),
                 .name = q.text(1),
                 .description = q.text(2),
                 .price = q.int64(3),
                 .category = q.text(4),
                 .brand = q.text(5),
                 .status = parse_product_status(q.text(6)),
                 .attributes = q.text(7),
                 .created_at = q.int64(8),
                 .updated_at = q.int64(9)};
}

const std::string kEntryColumns =
    "id, user_id, kind, amount, balance_after, order_id, reason, request_id, created_at";

PointsEntry entry_from(const Query& q) {
  return PointsEntry{.id = q.text(0),
                     .user_id = q.text(1),
                     .kind = parse_points_entry_kind(q.text(2)),
                     .amount = q.int64(3),
                     .balance_after = q.int64(4),
                     .order_id = q.text(5),
                     .reason = q.text(6),
                     .request_id = q.text(7),
                     .created_at = q.int64(8)};
}

// LIKE pattern matching `text` anywhere, with the pattern characters escaped by '\'.
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

void SqliteTransaction::savepoint(const std::function<void()>& work) {
  Query(conn_, "SAVEPOINT nested").run();  // prepared once per connection, like every query
  try {
    work();
  } catch (const SqliteBusy&) {
    throw;  // the lock was lost: the whole unit is rolled back and retried
  } catch (...) {
    Query(conn_, "ROLLBACK TO nested").run();
    Query(conn_, "RELEASE nested").run();
    throw;
  }
  Query(conn_, "RELEASE nested").run();
}

std::optional<RequestRecord> SqliteTransaction::find_request(const std::string& request_id) {
  Query q(conn_, "SELECT fingerprint, result FROM requests WHERE request_id = ?");
  q.bind(1, request_id);
  if (!q.step()) return std::nullopt;
  return RequestRecord{q.text(0), q.text(1)};
}

void SqliteTransaction::insert_request(const std::string& request_id, const RequestRecord& record,
                                       Timestamp now) {
  Query q(conn_,
          "INSERT INTO requests(request_id, fingerprint, result, created_at) VALUES(?, ?, ?, ?)");
  q.bind(1, request_id).bind(2, record.fingerprint).bind(3, record.result).bind(4, now).run();
}

std::optional<std::string> SqliteTransaction::find_setting(const std::string& key) {
  Query q(conn_, "SELECT value FROM settings WHERE key = ?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

void SqliteTransaction::put_setting(const std::string& key, const std::string& value) {
  Query q(conn_,
          "INSERT INTO settings(key, value) VALUES(?, ?) "
          "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  q.bind(1, key).bind(2, value).run();
}

bool SqliteTransaction::insert_product(const Product& p) {
  Query q(conn_, "INSERT INTO products(" + kProductColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING");
  q.bind(1, p.id).bind(2, p.name).bind(3, p.description).bind(4, p.price).bind(5, p.category);
  q.bind(6, p.brand).bind(7, s(to_string(p.status))).bind(8, p.attributes);
  q.bind(9, p.created_at).bind(10, p.updated_at);
  return q.run() == 1;
}

void SqliteTransaction::update_product(const Product& p) {
  Query q(conn_,
          "UPDATE products SET name = ?, description = ?, price = ?, category = ?, brand = ?, "
          "status = ?, attributes = ?, updated_at = ? WHERE id = ?");
  q.bind(1, p.name).bind(2, p.description).bind(3, p.price).bind(4, p.category).bind(5, p.brand);
  q.bind(6, s(to_string(p.status))).bind(7, p.attributes).bind(8, p.updated_at).bind(9, p.id);
  q.run();
}

std::optional<Product> SqliteTransaction::find_product(const std::string& id) {
  Query q(conn_, "SELECT " + kProductColumns + " FROM products WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return product_from(q);
}

std::vector<Product> SqliteTransaction::list_products(const ProductFilter& filter,
                                                      const std::string& after_id, int limit) {
  std::string sql = "SELECT " + kProductColumns + " FROM products WHERE id > ?1";
  if (filter.category) sql += " AND category = ?2";
  if (filter.brand) sql += " AND brand = ?3";
  if (filter.min_price) sql += " AND price >= ?4";
  if (filter.max_price) sql += " AND price <= ?5";
  sql += filter.status ? " AND status = ?6" : " AND status <> 'deleted'";
  if (!filter.text.empty()) {
    sql += " AND (lower(name) LIKE ?7 ESCAPE '\\' OR lower(description) LIKE ?7 ESCAPE '\\')";
  }
  sql += " ORDER BY id LIMIT ?8";
  Query q(conn_, sql);
  q.bind(1, after_id);
  if (filter.category) q.bind(2, *filter.category);
  if (filter.brand) q.bind(3, *filter.brand);
  if (filter.min_price) q.bind(4, *filter.min_price);
  if (filter.max_price) q.bind(5, *filter.max_price);
  if (filter.status) q.bind(6, s(to_string(*filter.status)));
  if (!filter.text.empty()) q.bind(7, contains_pattern(filter.text));
  q.bind(8, limit);
  std::vector<Product> out;
  while (q.step()) out.push_back(product_from(q));
  return out;
}

bool SqliteTransaction::insert_category(const Category& c) {
  Query q(conn_, "INSERT INTO categories(id, name) VALUES(?, ?) ON CONFLICT(id) DO NOTHING");
  return q.bind(1, c.id).bind(2, c.name).run() == 1;
}

std::optional<Category> SqliteTransaction::find_category(const std::string& id) {
  Query q(conn_, "SELECT id, name FROM categories WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return Category{q.text(0), q.text(1)};
}

std::vector<Category> SqliteTransaction::list_categories() {
  Query q(conn_, "SELECT id, name FROM categories ORDER BY id");
  std::vector<Category> out;
  while (q.step()) out.push_back({q.text(0), q.text(1)});
  return out;
}

void SqliteTransaction::insert_stock(const std::string& product_id) {
  Query q(conn_, "INSERT INTO stock(product_id, on_hand, reserved, sold) VALUES(?, 0, 0, 0)");
  q.bind(1, product_id).run();
}

std::optional<StockLevel> SqliteTransaction::find_stock(const std::string& product_id) {
  Query q(conn_, "SELECT on_hand, reserved, sold FROM stock WHERE product_id = ?");
  q.bind(1, product_id);
  if (!q.step()) return std::nullopt;
  const auto on_hand = q.int64(0), reserved = q.int64(1);
  return StockLevel{product_id, on_hand, reserved, on_hand - reserved, q.int64(2)};
}

bool SqliteTransaction::try_reserve_stock(const std::string& product_id, std::int64_t qty) {
  Query q(conn_,
          "UPDATE stock SET reserved = reserved + ?1 "
          "WHERE product_id = ?2 AND on_hand - reserved >= ?1");
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool SqliteTransaction::try_unreserve_stock(const std::string& product_id, std::int64_t qty) {
  Query q(conn_,
          "UPDATE stock SET reserved = reserved - ?1 WHERE product_id = ?2 AND reserved >= ?1");
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool SqliteTransaction::try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) {
  Query q(conn_,
          "UPDATE stock SET on_hand = on_hand - ?1, reserved = reserved - ?1, sold = sold + ?1 "
          "WHERE product_id = ?2 AND reserved >= ?1 AND on_hand >= ?1");
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool SqliteTransaction::try_adjust_stock(const std::string& product_id, std::int64_t delta) {
  Query q(conn_,
          "UPDATE stock SET on_hand = on_hand + ?1 "
          "WHERE product_id = ?2 AND on_hand + ?1 >= reserved");
  return q.bind(1, delta).bind(2, product_id).run() == 1;
}

void SqliteTransaction::insert_stock_adjustment(const StockAdjustment& a) {
  Query q(conn_,
          "INSERT INTO stock_adjustments(id, product_id, delta, reason, created_at) "
          "VALUES(?, ?, ?, ?, ?)");
  q.bind(1, a.id).bind(2, a.product_id).bind(3, a.delta).bind(4, a.reason).bind(5, a.created_at);
  q.run();
}

void SqliteTransaction::insert_reservation(const Reservation& r) {
  Query q(conn_,
          "INSERT INTO reservations(order_id, product_id, qty, expires_at, state) "
          "VALUES(?, ?, ?, ?, ?)");
  q.bind(1, r.order_id).bind(2, r.product_id).bind(3, r.qty).bind(4, r.expires_at);
  q.bind(5, s(to_string(r.state))).run();
}

std::vector<Reservation> SqliteTransaction::find_reservations(const std::string& order_id) {
  Query q(conn_,
          "SELECT product_id, qty, expires_at, state FROM reservations WHERE order_id = ? "
          "ORDER BY product_id");
  q.bind(1, order_id);
  std::vector<Reservation> out;
  while (q.step()) {
    out.push_back({order_id, q.text(0), q.int64(1), q.int64(2),
                   parse_reservation_state(q.text(3))});
  }
  return out;
}

bool SqliteTransaction::try_set_reservation_state(const std::string& order_id,
                                                  const std::string& product_id,
                                                  ReservationState from, ReservationState to) {
  Query q(conn_,
          "UPDATE reservations SET state = ? WHERE order_id = ? AND product_id = ? AND state = ?");
  q.bind(1, s(to_string(to))).bind(2, order_id).bind(3, product_id).bind(4, s(to_string(from)));
  return q.run() == 1;
}

std::vector<std::string> SqliteTransaction::find_expired_reservation_orders(Timestamp now,
                                                                            int limit) {
  Query q(conn_,
          "SELECT order_id FROM reservations WHERE state = 'live' AND expires_at <= ? "
          "GROUP BY order_id ORDER BY min(expires_at), order_id LIMIT ?");
  q.bind(1, now).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

Money SqliteTransaction::find_points_balance(const std::string& user_id) {
  Query q(conn_, "SELECT balance FROM point_balances WHERE user_id = ?");
  q.bind(1, user_id);
  return q.step() ? q.int64(0) : 0;
}

bool SqliteTransaction::try_debit_points(const std::string& user_id, Money amount) {
  Query q(conn_,
          "UPDATE point_balances SET balance = balance - ?1 WHERE user_id = ?2 AND balance >= ?1");
  return q.bind(1, amount).bind(2, user_id).run() == 1;
}

bool SqliteTransaction::try_credit_points(const std::string& user_id, Money amount) {
  Query q(conn_,
          "INSERT INTO point_balances(user_id, balance) VALUES(?2, ?1) "
          "ON CONFLICT(user_id) DO UPDATE SET balance = balance + ?1 "
          "WHERE balance <= 9223372036854775807 - ?1");
  return q.bind(1, amount).bind(2, user_id).run() == 1;
}

void SqliteTransaction::insert_points_entry(const PointsEntry& e) {
  Query q(conn_, "INSERT INTO point_entries(" + kEntryColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, e.id).bind(2, e.user_id).bind(3, s(to_string(e.kind))).bind(4, e.amount);
  q.bind(5, e.balance_after).bind(6, e.order_id).bind(7, e.reason).bind(8, e.request_id);
  q.bind(9, e.created_at).run();
}

std::vector<PointsEntry> SqliteTransaction::find_points_entries_for_order(
    const std::string& order_id) {
  // "order_id <> ''" lets SQLite use the partial index point_entries_once_per_order.
  Query q(conn_, "SELECT " + kEntryColumns +
                     " FROM point_entries WHERE order_id = ? AND order_id <> '' ORDER BY id");
  q.bind(1, order_id);
  std::vector<PointsEntry> out;
  while (q.step()) out.push_back(entry_from(q));
  return out;
}

std::vector<PointsEntry> SqliteTransaction::list_points_entries(const std::string& user_id,
                                                                const std::string& before_id,
                                                                int limit) {
  Query q(conn_, "SELECT " + kEntryColumns +
                     " FROM point_entries WHERE user_id = ?1 AND (?2 = '' OR id < ?2) "
                     "ORDER BY id DESC LIMIT ?3");
  q.bind(1, user_id).bind(2, before_id).bind(3, limit);
  std::vector<PointsEntry> out;
  while (q.step()) out.push_back(entry_from(q));
  return out;
}

bool SqliteTransaction::insert_coupon_template(const CouponTemplate& t) {
  Query q(conn_, "INSERT INTO coupon_templates(" + kTemplateColumns +
                     ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO NOTHING");
  q.bind(1, t.id).bind(2, t.code).bind(3, t.name).bind(4, s(to_string(t.kind))).bind(5, t.value);
  q.bind(6, t.max_discount).bind(7, t.min_order_amount).bind(8, t.valid_from);
  q.bind(9, t.valid_until).bind(10, t.total_limit).bind(11, t.per_user_limit);
  q.bind(12, t.issued_count).bind(13, t.created_at);
  return q.run() == 1;
}

std::optional<CouponTemplate> SqliteTransaction::find_coupon_template(const std::string& id) {
  Query q(conn_, "SELECT " + kTemplateColumns + " FROM coupon_templates WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return template_from(q);
}

std::optional<CouponTemplate> SqliteTransaction::find_coupon_template_by_code(
    const std::string& code) {
  Query q(conn_, "SELECT " + kTemplateColumns + " FROM coupon_templates WHERE code = ?");
  q.bind(1, code);
  if (!q.step()) return std::nullopt;
  return template_from(q);
}

bool SqliteTransaction::try_count_template_issue(const std::string& template_id) {
  Query q(conn_,
          "UPDATE coupon_templates SET issued_count = issued_count + 1 "
          "WHERE id = ? AND issued_count < total_limit");
  return q.bind(1, template_id).run() == 1;
}

bool SqliteTransaction::try_set_coupon_issued_count(const std::string& template_id,
                                                    std::int64_t from, std::int64_t to) {
  Query q(conn_,
          "UPDATE coupon_templates SET issued_count = ?3 "
          "WHERE id = ?1 AND issued_count = ?2 AND ?3 >= 0 AND ?3 <= total_limit");
  return q.bind(1, template_id).bind(2, from).bind(3, to).run() == 1;
}

bool SqliteTransaction::try_count_user_issue(const std::string& template_id,
                                             const std::string& user_id,
                                             std::int64_t per_user_limit) {
  Query q(conn_,
          "INSERT INTO coupon_user_issues(template_id, user_id, issued) VALUES(?1, ?2, 1) "
          "ON CONFLICT(template_id, user_id) DO UPDATE SET issued = issued + 1 "
          "WHERE issued < ?3");
  return q.bind(1, template_id).bind(2, user_id).bind(3, per_user_limit).run() == 1;
}

std::vector<CouponUserIssues> SqliteTransaction::list_coupon_user_issues(
    const std::string& template_id, const std::string& after_user_id, int limit) {
  // Counter rows and coupons side by side, so a user with coupons but no counter row shows too.
  Query q(conn_,
          "SELECT user_id, sum(issued), sum(coupons) FROM ("
          "SELECT user_id, issued, 0 AS coupons FROM coupon_user_issues "
          "WHERE template_id = ?1 AND user_id > ?2 "
          "UNION ALL SELECT user_id, 0, 1 FROM coupons WHERE template_id = ?1 AND user_id > ?2) "
          "GROUP BY user_id ORDER BY user_id LIMIT ?3");
  q.bind(1, template_id).bind(2, after_user_id).bind(3, limit);
  std::vector<CouponUserIssues> out;
  while (q.step()) out.push_back({q.text(0), q.int64(1), q.int64(2)});
  return out;
}

bool SqliteTransaction::try_set_coupon_user_issued(const std::string& template_id,
                                                   const std::string& user_id, std::int64_t from,
                                                   std::int64_t to) {
  // A missing row counts as 0: it is inserted only when from = 0; an existing row is updated
  // only where it still holds `from`.
  Query q(conn_,
          "INSERT INTO coupon_user_issues(template_id, user_id, issued) "
          "SELECT ?1, ?2, ?4 FROM coupon_templates t "
          "WHERE t.id = ?1 AND ?4 >= 0 AND ?4 <= t.per_user_limit AND (?3 = 0 OR EXISTS ("
          "SELECT 1 FROM coupon_user_issues WHERE template_id = ?1 AND user_id = ?2)) "
          "ON CONFLICT(template_id, user_id) DO UPDATE SET issued = excluded.issued "
          "WHERE issued = ?3");
  return q.bind(1, template_id).bind(2, user_id).bind(3, from).bind(4, to).run() == 1;
}

void SqliteTransaction::insert_coupon(const Coupon& c) {
  Query q(conn_, "INSERT INTO coupons(" + kCouponColumns + ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, c.id).bind(2, c.template_id).bind(3, c.code).bind(4, c.user_id);
  q.bind(5, s(to_string(c.status))).bind(6, c.order_id).bind(7, c.valid_until);
  q.bind(8, c.issued_at).bind(9, c.updated_at).run();
}

std::optional<Coupon> SqliteTransaction::find_coupon(const std::string& id) {
  Query q(conn_, "SELECT " + kCouponColumns + " FROM coupons WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return coupon_from(q);
}

std::optional<Coupon> SqliteTransaction::find_coupon_used_by(const std::string& order_id) {
  Query q(conn_, "SELECT " + kCouponColumns + " FROM coupons WHERE order_id = ? AND status = 'used'");
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return coupon_from(q);
}

bool SqliteTransaction::try_set_coupon_status(const std::string& coupon_id, CouponStatus from,
                                              CouponStatus to, const std::string& order_id,
                                              Timestamp now) {
  Query q(conn_,
          "UPDATE coupons SET status = ?, order_id = ?, updated_at = ? WHERE id = ? AND status = ?");
  q.bind(1, s(to_string(to))).bind(2, order_id).bind(3, now).bind(4, coupon_id);
  q.bind(5, s(to_string(from)));
  return q.run() == 1;
}

std::vector<Coupon> SqliteTransaction::list_coupons(const std::string& user_id,
                                                    const std::string& after_id, int limit) {
  Query q(conn_, "SELECT " + kCouponColumns +
                     " FROM coupons WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?");
  q.bind(1, user_id).bind(2, after_id).bind(3, limit);
  std::vector<Coupon> out;
  while (q.step()) out.push_back(coupon_from(q));
  return out;
}

std::int64_t SqliteTransaction::append_event(const Event& e) {
  Query q(conn_,
          "INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, "
          "payload) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, e.id).bind(2, e.type).bind(3, e.schema_version).bind(4, e.topic).bind(5, e.key);
  q.bind(6, e.occurred_at).bind(7, e.request_id).bind(8, e.payload).run();
  const std::int64_t seq = sqlite3_last_insert_rowid(conn_.db().getHandle());
  Query pending(conn_, "INSERT INTO outbox_pending(seq, key) VALUES(?, ?)");
  pending.bind(1, seq).bind(2, e.key).run();
  return seq;
}

std::vector<Event> SqliteTransaction::read_outbox(std::int64_t after_seq, int limit) {
  Query q(conn_,
          "SELECT seq, id, type, schema_version, topic, key, occurred_at, request_id, payload "
          "FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?");
  q.bind(1, after_seq).bind(2, limit);
  std::vector<Event> out;
  while (q.step()) {
    out.push_back(Event{q.int64(0), q.text(1), q.text(2), static_cast<int>(q.int64(3)),
                        q.text(4), q.text(5), q.int64(6), q.text(7), q.text(8)});
  }
  return out;
}

}  // namespace commerce::sqlite
