// Statements of orders: the order row, its items and its audit trail, and the erasure of its
// personal data (its shipping address).
#include "core/address_text.h"
#include "query.h"
#include "row_batch.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::RowBatch;

namespace {

const std::string kOrderColumns =
    "id, user_id, status, subtotal, discount, points_used, total, coupon_id, coupon_required, "
    "coupon_applied, coupon_note, payment_method, failure_reason, request_id, expires_at, "
    "created_at, updated_at, region, shipping_option, shipping_fee, shipping_tax, tax, "
    "tax_included, shipping_address, personal_data_erased_at";

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
               .updated_at = q.int64(16),
               .region = q.text(17),
               .shipping_option = q.text(18),
               .shipping_fee = q.int64(19),
               .shipping_tax = q.int64(20),
               .tax = q.int64(21),
               .tax_included = q.int64(22) != 0,
               .shipping_address = detail::address_from_text(q.text(23)),
               .personal_data_erased_at = q.int64(24)};
}

std::vector<Order> orders_from(Query& q) {
  std::vector<Order> out;
  while (q.step()) out.push_back(order_from(q));
  return out;
}

const Sql kInsertOrder{"INSERT INTO orders(" + kOrderColumns +
                       ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                       "?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) ON CONFLICT(id) DO NOTHING"};
const RowBatch kInsertOrderItems{
    "INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total, discount, "
    "tax_class, tax, total) VALUES",
    10};
const Sql kFindOrder{.text = "SELECT " + kOrderColumns + " FROM orders WHERE id = ?1",
                     .lock_rows = true};
// backordered, shipped, delivered, cancelled: sums over the item's reservation rows (one range of their
// primary key), so the order says how many of its units came from backorder room and how many
// left without columns of its own.
const Sql kFindOrderItems{
    "SELECT i.product_id, i.name, i.unit_price, i.qty, i.line_total, i.discount, i.tax_class, "
    "i.tax, i.total, coalesce(r.backordered, 0), coalesce(r.shipped, 0), "
    "coalesce(r.delivered, 0), coalesce(r.cancelled, 0), i.returned, i.given_back "
    "FROM order_items i "
    "LEFT JOIN (SELECT product_id, CAST(sum(backordered) AS BIGINT) AS backordered, "
    "CAST(sum(shipped) AS BIGINT) AS shipped, CAST(sum(delivered) AS BIGINT) AS delivered, "
    "CAST(sum(cancelled) AS BIGINT) AS cancelled "
    "FROM reservations WHERE order_id = ?1 GROUP BY product_id) r "
    "ON r.product_id = i.product_id WHERE i.order_id = ?1 ORDER BY i.product_id"};
// Newest first: the first page, and the pages after a cursor. Two statements, so that each is
// one range of the index orders_by_user and a deep page costs what the first one does.
const Sql kListOrdersForUser{"SELECT " + kOrderColumns +
                             " FROM orders WHERE user_id = ?1 ORDER BY id DESC LIMIT ?2"};
const Sql kListOrdersForUserBefore{"SELECT " + kOrderColumns +
                                   " FROM orders WHERE user_id = ?1 AND id < ?2 "
                                   "ORDER BY id DESC LIMIT ?3"};
const Sql kListOrders{"SELECT " + kOrderColumns +
                      " FROM orders WHERE id > ?1 ORDER BY id LIMIT ?2"};
// The status is written out: the partial index's terms must be in the statement's text.
const Sql kFindExpiredAwaitingPayment{
    "SELECT id FROM orders WHERE status = 'awaiting_payment' AND expires_at <= ?1 "
    "ORDER BY expires_at, id LIMIT ?2"};
// ?2 is compared with '' and chosen by CASE: its type is stated for PostgreSQL.
const Sql kSetOrderStatus{
    "UPDATE orders SET status = ?1, "
    "failure_reason = CASE WHEN CAST(?2 AS TEXT) = '' THEN failure_reason "
    "ELSE CAST(?2 AS TEXT) END, updated_at = ?3 WHERE id = ?4 AND status = ?5"};
const Sql kSetOrderPricing{
    "UPDATE orders SET discount = ?1, total = ?2, coupon_applied = ?3, coupon_note = ?4, "
    "updated_at = ?5, tax = ?7, shipping_tax = ?8 WHERE id = ?6 AND status = 'pending'"};
const Sql kSetOrderItemPricing{
    "UPDATE order_items SET discount = ?1, tax = ?2, total = ?3 "
    "WHERE order_id = ?4 AND product_id = ?5"};
// A finished order that still holds an address: what the erasure may erase. The terms are those
// of the partial index orders_erasable_by_age, so that SQLite sees the index fits.
const std::string kErasable =
    "shipping_address <> '' "
    "AND (status = 'delivered' OR status = 'cancelled' OR status = 'failed')";
// The oldest ?2 erasable orders last updated before ?1, erased at ?3: one range of
// orders_erasable_by_age. SQLite, without statistics, would rather seek orders_by_status_expiry
// by status (every finished order, erased or not), so its text names the index (a declared
// dialect difference).
std::string erase_old_order_addresses_text(const std::string& orders) {
  return "UPDATE orders SET shipping_address = '', personal_data_erased_at = ?3 WHERE id IN ("
         "SELECT id FROM " + orders + " WHERE " + kErasable + " AND updated_at < ?1 "
         "ORDER BY updated_at, id LIMIT ?2) AND " + kErasable + " RETURNING id";
}
const Sql kEraseOldOrderAddresses{
    .text = erase_old_order_addresses_text("orders INDEXED BY orders_erasable_by_age"),
    .postgres = erase_old_order_addresses_text("orders")};
const Sql kEraseOrderAddress{
    "UPDATE orders SET shipping_address = '', personal_data_erased_at = ?2 WHERE id = ?1 AND " +
    kErasable};
const RowBatch kInsertOrderAudits{
    "INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) VALUES", 6};
const Sql kFindOrderAudit{
    "SELECT id, from_status, to_status, reason, at FROM order_audit WHERE order_id = ?1 "
    "ORDER BY at, id"};

}  // namespace

bool Transaction::insert_order(const Order& o) {
  Query q(session_, kInsertOrder);
  q.bind(1, o.id).bind(2, o.user_id).bind_name(3, to_string(o.status)).bind(4, o.subtotal);
  q.bind(5, o.discount).bind(6, o.points_used).bind(7, o.total).bind(8, o.coupon_id);
  q.bind(9, std::int64_t{o.coupon_required}).bind(10, std::int64_t{o.coupon_applied});
  q.bind(11, o.coupon_note).bind(12, o.payment_method).bind(13, o.failure_reason);
  q.bind(14, o.request_id).bind(15, o.expires_at).bind(16, o.created_at).bind(17, o.updated_at);
  q.bind(18, o.region).bind(19, o.shipping_option).bind(20, o.shipping_fee);
  q.bind(21, o.shipping_tax).bind(22, o.tax).bind(23, std::int64_t{o.tax_included});
  const std::string address = detail::address_text(o.shipping_address);
  q.bind(24, address).bind(25, o.personal_data_erased_at);
  return q.run_expecting(1) == 1;
}

void Transaction::insert_order_items(const std::string& order_id,
                                     const std::vector<OrderItem>& items) {
  kInsertOrderItems.insert_later(session_, items, [&](Query& q, int at, const OrderItem& i) {
    q.bind(at, order_id).bind(at + 1, i.product_id).bind(at + 2, i.name);
    q.bind(at + 3, i.unit_price).bind(at + 4, i.qty).bind(at + 5, i.line_total);
    q.bind(at + 6, i.discount).bind(at + 7, i.tax_class).bind(at + 8, i.tax).bind(at + 9, i.total);
  });
}

std::optional<Order> Transaction::find_order(const std::string& order_id) {
  Query q(session_, kFindOrder);
  q.bind(1, order_id);
  if (!q.step()) return std::nullopt;
  return order_from(q);
}

std::vector<OrderItem> Transaction::find_order_items(const std::string& order_id) {
  Query q(session_, kFindOrderItems);
  q.bind(1, order_id);
  std::vector<OrderItem> out;
  while (q.step()) {
    out.push_back({.product_id = q.text(0),
                   .name = q.text(1),
                   .unit_price = q.int64(2),
                   .qty = q.int64(3),
                   .line_total = q.int64(4),
                   .backordered = q.int64(9),
                   .discount = q.int64(5),
                   .tax_class = q.text(6),
                   .tax = q.int64(7),
                   .total = q.int64(8),
                   .shipped = q.int64(10),
                   .delivered = q.int64(11),
                   .cancelled = q.int64(12),
                   .returned = q.int64(13),
                   .given_back = q.int64(14)});
  }
  return out;
}

std::vector<Order> Transaction::list_orders_for_user(const std::string& user_id,
                                                     const std::string& before_id, int limit) {
  if (before_id.empty()) {
    Query q(session_, kListOrdersForUser);
    q.bind(1, user_id).bind(2, limit);
    return orders_from(q);
  }
  Query q(session_, kListOrdersForUserBefore);
  q.bind(1, user_id).bind(2, before_id).bind(3, limit);
  return orders_from(q);
}

std::vector<Order> Transaction::list_orders(const std::string& after_id, int limit) {
  Query q(session_, kListOrders);
  q.bind(1, after_id).bind(2, limit);
  return orders_from(q);
}

std::vector<std::string> Transaction::find_expired_awaiting_payment(Timestamp now, int limit) {
  Query q(session_, kFindExpiredAwaitingPayment);
  q.bind(1, now).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

bool Transaction::try_set_order_status(const std::string& order_id, OrderStatus from,
                                       OrderStatus to, const std::string& reason, Timestamp now) {
  Query q(session_, kSetOrderStatus);
  q.bind_name(1, to_string(to)).bind(2, reason).bind(3, now).bind(4, order_id);
  q.bind_name(5, to_string(from));
  return q.run_expecting(1) == 1;
}

bool Transaction::try_set_order_pricing(const Order& o) {
  Query q(session_, kSetOrderPricing);
  q.bind(1, o.discount).bind(2, o.total).bind(3, std::int64_t{o.coupon_applied});
  q.bind(4, o.coupon_note).bind(5, o.updated_at).bind(6, o.id).bind(7, o.tax);
  q.bind(8, o.shipping_tax);
  return q.run() == 1;
}

void Transaction::set_order_item_pricing(const std::string& order_id,
                                         const std::vector<OrderItem>& items) {
  for (const auto& i : items) {
    Query q(session_, kSetOrderItemPricing);
    q.bind(1, i.discount).bind(2, i.tax).bind(3, i.total).bind(4, order_id).bind(5, i.product_id);
    q.run();
  }
}

std::vector<std::string> Transaction::erase_old_order_addresses(Timestamp before, int limit,
                                                                Timestamp now) {
  Query q(session_, kEraseOldOrderAddresses);
  q.bind(1, before).bind(2, limit).bind(3, now);
  std::vector<std::string> erased;
  while (q.step()) erased.push_back(q.text(0));
  return erased;
}

bool Transaction::try_erase_order_address(const std::string& order_id, Timestamp now) {
  Query q(session_, kEraseOrderAddress);
  q.bind(1, order_id).bind(2, now);
  return q.run() == 1;
}

void Transaction::insert_order_audits(const std::vector<OrderAudit>& rows) {
  kInsertOrderAudits.insert_later(session_, rows, [](Query& q, int at, const OrderAudit& a) {
    // from_status is NOT NULL: the first transition stores '' (a literal, never a null pointer).
    q.bind(at, a.id).bind(at + 1, a.order_id);
    q.bind_name(at + 2, a.from ? to_string(*a.from) : std::string_view(""));
    q.bind_name(at + 3, to_string(a.to)).bind(at + 4, a.reason).bind(at + 5, a.at);
  });
}

std::vector<OrderAudit> Transaction::find_order_audit(const std::string& order_id) {
  Query q(session_, kFindOrderAudit);
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

}  // namespace commerce
