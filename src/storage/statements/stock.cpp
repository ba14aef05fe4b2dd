// Statements of stock: counters, adjustments and reservations. The conditional updates hold
// under concurrency on both adapters: SQLite has one writer at a time, and PostgreSQL runs them
// at READ COMMITTED, where an UPDATE that waited for another writer's row lock re-checks its
// WHERE clause against the committed row before applying.
#include "query.h"
#include "row_batch.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::RowBatch;

namespace {

const Sql kInsertStock{
    "INSERT INTO stock(product_id, on_hand, reserved, sold) VALUES(?1, 0, 0, 0)"};
const Sql kFindStock{.text = "SELECT on_hand, reserved, sold FROM stock WHERE product_id = ?1",
                     .lock_rows = true};
const Sql kReserve{
    "UPDATE stock SET reserved = reserved + ?1 "
    "WHERE product_id = ?2 AND on_hand - reserved >= ?1"};
const Sql kUnreserve{
    "UPDATE stock SET reserved = reserved - ?1 WHERE product_id = ?2 AND reserved >= ?1"};
const Sql kSellReserved{
    "UPDATE stock SET on_hand = on_hand - ?1, reserved = reserved - ?1, sold = sold + ?1 "
    "WHERE product_id = ?2 AND reserved >= ?1 AND on_hand >= ?1"};
const Sql kAdjust{
    "UPDATE stock SET on_hand = on_hand + ?1 "
    "WHERE product_id = ?2 AND on_hand + ?1 >= reserved"};
const Sql kInsertAdjustment{
    "INSERT INTO stock_adjustments(id, product_id, delta, reason, created_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5)"};
const RowBatch kInsertReservations{
    "INSERT INTO reservations(order_id, product_id, qty, expires_at, state) VALUES", 5};
const Sql kFindReservations{
    .text = "SELECT product_id, qty, expires_at, state FROM reservations WHERE order_id = ?1 "
            "ORDER BY product_id",
    .lock_rows = true};
const Sql kSetReservationState{
    "UPDATE reservations SET state = ?1 "
    "WHERE order_id = ?2 AND product_id = ?3 AND state = ?4"};
const Sql kExpiredReservationOrders{
    "SELECT order_id FROM reservations WHERE state = 'live' AND expires_at <= ?1 "
    "GROUP BY order_id ORDER BY min(expires_at), order_id LIMIT ?2"};

}  // namespace

void Transaction::insert_stock(const std::string& product_id) {
  Query q(session_, kInsertStock);
  q.bind(1, product_id).run_later();
}

std::optional<StockLevel> Transaction::find_stock(const std::string& product_id) {
  Query q(session_, kFindStock);
  q.bind(1, product_id);
  if (!q.step()) return std::nullopt;
  const auto on_hand = q.int64(0), reserved = q.int64(1);
  return StockLevel{product_id, on_hand, reserved, on_hand - reserved, q.int64(2)};
}

bool Transaction::try_reserve_stock(const std::string& product_id, std::int64_t qty) {
  Query q(session_, kReserve);
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool Transaction::try_unreserve_stock(const std::string& product_id, std::int64_t qty) {
  Query q(session_, kUnreserve);
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool Transaction::try_sell_reserved_stock(const std::string& product_id, std::int64_t qty) {
  Query q(session_, kSellReserved);
  return q.bind(1, qty).bind(2, product_id).run() == 1;
}

bool Transaction::try_adjust_stock(const std::string& product_id, std::int64_t delta) {
  Query q(session_, kAdjust);
  return q.bind(1, delta).bind(2, product_id).run() == 1;
}

void Transaction::insert_stock_adjustment(const StockAdjustment& a) {
  Query q(session_, kInsertAdjustment);
  q.bind(1, a.id).bind(2, a.product_id).bind(3, a.delta).bind(4, a.reason).bind(5, a.created_at);
  q.run_later();
}

void Transaction::insert_reservations(const std::vector<Reservation>& rows) {
  kInsertReservations.insert_later(session_, rows, [](Query& q, int at, const Reservation& r) {
    q.bind(at, r.order_id).bind(at + 1, r.product_id).bind(at + 2, r.qty);
    q.bind(at + 3, r.expires_at).bind_name(at + 4, to_string(r.state));
  });
}

std::vector<Reservation> Transaction::find_reservations(const std::string& order_id) {
  Query q(session_, kFindReservations);
  q.bind(1, order_id);
  std::vector<Reservation> out;
  while (q.step()) {
    out.push_back({order_id, q.text(0), q.int64(1), q.int64(2),
                   parse_reservation_state(q.text(3))});
  }
  return out;
}

bool Transaction::try_set_reservation_state(const std::string& order_id,
                                            const std::string& product_id,
                                            ReservationState from, ReservationState to) {
  Query q(session_, kSetReservationState);
  q.bind_name(1, to_string(to)).bind(2, order_id).bind(3, product_id);
  q.bind_name(4, to_string(from));
  return q.run() == 1;
}

std::vector<std::string> Transaction::find_expired_reservation_orders(Timestamp now, int limit) {
  Query q(session_, kExpiredReservationOrders);
  q.bind(1, now).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace commerce
