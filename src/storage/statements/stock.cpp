// Statements of stock per (product, location): counters, adjustments, transfers and
// reservations. The conditional updates hold under concurrency on both adapters: SQLite has one
// writer at a time, and PostgreSQL runs them at READ COMMITTED, where an UPDATE that waited for
// another writer's row lock re-checks its WHERE clause against the committed row before
// applying. Each update that moves available returns it (and the row's low-stock threshold), so
// a crossing of the threshold is seen by exactly the unit that made it.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "event_key_lock.h"
#include "query.h"
#include "row_batch.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;
using statements::RowBatch;
using statements::event_key_lock;

namespace {

// PostgreSQL: a statement that locks a stock row first takes the lock of its product's event key
// (event_key_lock.h), once the row qualifies (the CASE: a refused update takes no lock), so
// units of one product queue on that key rather than on the row, and the unit holding both lets
// the next one through with its commit once, not row and key one after the other (a waiter
// woken by the row would then wait again for the key). Every unit so takes a product's key, then
// its stock rows, then its other keys, and a unit's products in id order (items, reservations
// and locking reads go by product id).
std::string gated(const std::string& conditions) {
  const std::string lock = event_key_lock("product_id") + "::text = ''";
  return conditions.empty() ? lock
                            : "CASE WHEN " + conditions + " THEN " + lock + " ELSE false END";
}

// UPDATE stock SET `set` of the row (?2, ?3) if `conditions` hold (both dialects), gated on
// PostgreSQL; `tail` follows the WHERE clause (RETURNING ...). `store_wide` conditions (of no
// row) stay outside the gate: PostgreSQL checks them once, before the scan.
Sql stock_update(const std::string& set, const std::string& conditions,
                 const std::string& tail = {}, const std::string& store_wide = {}) {
  const std::string head = "UPDATE stock SET " + set +
                           " WHERE product_id = ?2 AND location_id = ?3" +
                           (store_wide.empty() ? "" : " AND " + store_wide);
  return Sql{.text = head + (conditions.empty() ? "" : " AND " + conditions) + tail,
             .postgres = head + " AND " + gated(conditions) + tail};
}

const Sql kInsertStock{
    "INSERT INTO stock(product_id, location_id, on_hand, reserved, sold) VALUES(?1, ?2, 0, 0, 0) "
    "ON CONFLICT(product_id, location_id) DO NOTHING"};
// Products with rows count (row_count > 0) even if none of them is at an active location.
const Sql kFindStock{
    "SELECT CAST(coalesce(sum(s.on_hand * l.active), 0) AS BIGINT), "
    "CAST(coalesce(sum(s.reserved * l.active), 0) AS BIGINT), "
    "CAST(coalesce(sum(s.sold * l.active), 0) AS BIGINT), count(*) "
    "FROM stock s JOIN stock_locations l ON l.id = s.location_id WHERE s.product_id = ?1"};
const std::string kLevelColumns =
    "s.on_hand, s.reserved, s.sold, s.backorder_room, s.low_threshold, ";
// The location's state by a scalar subquery, so a locking read locks the stock row only. Write
// units only (it is gated on PostgreSQL).
const std::string kStockAt =
    "SELECT " + kLevelColumns +
    "(SELECT l.active FROM stock_locations l WHERE l.id = s.location_id) "
    "FROM stock s WHERE s.product_id = ?1 AND s.location_id = ?2";
const Sql kFindStockAt{.text = kStockAt,
                       .postgres = kStockAt + " AND " + gated({}),
                       .lock_rows = true};
const Sql kListStockAtLocations{
    "SELECT " + kLevelColumns + "l.active, s.location_id FROM stock s "
    "JOIN stock_locations l ON l.id = s.location_id WHERE s.product_id = ?1 "
    "ORDER BY l.priority, s.location_id"};
// ?1: a JSON array of product ids. By (product, location): the order rows are locked in.
const std::string kStockOptions =
    "SELECT s.product_id, s.location_id, s.on_hand - s.reserved, s.backorder_room, l.priority, "
    "l.region FROM stock s JOIN stock_locations l ON l.id = s.location_id WHERE l.active = 1 AND "
    "s.product_id IN ";
const std::string kStockOptionsOrder = " ORDER BY s.product_id, s.location_id";
const std::string kProductsOfArray = "(SELECT jsonb_array_elements_text(?1::jsonb))";
const Sql kFindStockOptions{
    .text = kStockOptions + "(SELECT value FROM json_each(?1))" + kStockOptionsOrder,
    .postgres = kStockOptions + kProductsOfArray + kStockOptionsOrder};
// The same with the stock rows (not the locations') locked to the end of the unit; on
// PostgreSQL after the products' keys, in id order, before the scan. SQLite's write unit holds
// the database lock already.
const Sql kLockStockOptions{
    .text = kFindStockOptions.text,
    .postgres = kStockOptions + kProductsOfArray +
                " AND (SELECT count(" + event_key_lock("p") + ") FROM (SELECT DISTINCT "
                "jsonb_array_elements_text(?1::jsonb) COLLATE \"C\" AS p ORDER BY 1) AS keys) "
                ">= 0" +
                kStockOptionsOrder + " FOR NO KEY UPDATE OF s"};
const std::string kMoveReturning = " RETURNING on_hand - reserved, low_threshold";
const std::string kBackorderable = "on_hand + backorder_room - reserved >= ?1";
const Sql kReserveAt = stock_update("reserved = reserved + ?1", kBackorderable, kMoveReturning);
// The fast path of a store with one active location: no read before it. The store-wide
// conditions stay outside the gate: PostgreSQL checks them once, before the scan.
const std::string kReserveAtOnlyLocationHead =
    "UPDATE stock SET reserved = reserved + ?1 WHERE product_id = ?2 "
    "AND location_id = (SELECT id FROM stock_locations WHERE active = 1) "
    "AND (SELECT count(*) FROM stock_locations WHERE active = 1) = 1 AND ";
const Sql kReserveAtOnlyLocation{
    .text = kReserveAtOnlyLocationHead + kBackorderable + kMoveReturning + ", location_id",
    .postgres =
        kReserveAtOnlyLocationHead + gated(kBackorderable) + kMoveReturning + ", location_id"};
// The fast path where the only active location is known (?3), for a reservation that backorders
// nothing and crosses no low-stock threshold (StockLow): nothing to return.
const Sql kReservePlainlyAt = stock_update(
    "reserved = reserved + ?1",
    "on_hand - reserved >= ?1 AND (low_threshold <= 0 OR on_hand - reserved <= low_threshold "
    "OR on_hand - reserved - ?1 > low_threshold)",
    {},
    "(SELECT count(*) FROM stock_locations WHERE active = 1) = 1 "
    "AND (SELECT active FROM stock_locations WHERE id = ?3) = 1");
const Sql kUnreserveAt =
    stock_update("reserved = reserved - ?1", "reserved >= ?1", kMoveReturning);
const Sql kSellReservedAt = stock_update(
    "on_hand = on_hand - ?1, reserved = reserved - ?1, sold = sold + ?1", "reserved >= ?1");
const Sql kAdjustAt = stock_update("on_hand = on_hand + ?1",
                                   "(?1 > 0 OR on_hand + ?1 >= reserved)", kMoveReturning);
const Sql kTransferOut =
    stock_update("on_hand = on_hand - ?1", "on_hand - reserved >= ?1", kMoveReturning);
const std::string kTransferInTail =
    " ON CONFLICT(product_id, location_id) DO UPDATE SET on_hand = stock.on_hand + "
    "excluded.on_hand" + kMoveReturning;
const Sql kTransferIn{
    .text = "INSERT INTO stock(product_id, location_id, on_hand, reserved, sold) "
            "VALUES(?2, ?3, ?1, 0, 0)" + kTransferInTail,
    .postgres = "INSERT INTO stock(product_id, location_id, on_hand, reserved, sold) "
                "SELECT CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?1 AS BIGINT), 0, 0 "
                "FROM (SELECT " + event_key_lock("?2") + ") AS key_lock" + kTransferInTail};
const Sql kSetLowThreshold = stock_update("low_threshold = ?1", "");
const Sql kSetBackorderRoom = stock_update("backorder_room = ?1",
                                           "on_hand + ?1 >= reserved AND on_hand + ?1 >= 0");
const Sql kInsertAdjustment{
    "INSERT INTO stock_adjustments(id, product_id, location_id, delta, reason, created_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"};
const Sql kInsertTransfer{
    "INSERT INTO stock_transfers(id, product_id, from_location_id, to_location_id, qty, reason, "
    "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
const RowBatch kInsertReservations{
    "INSERT INTO reservations(order_id, product_id, location_id, qty, backordered, expires_at, "
    "state) VALUES",
    7};
const Sql kFindReservations{
    .text = "SELECT product_id, location_id, qty, expires_at, state, backordered, cancelled "
            "FROM reservations "
            "WHERE order_id = ?1 ORDER BY product_id, location_id",
    .lock_rows = true};
const Sql kDeleteLiveReservations{
    "DELETE FROM reservations WHERE order_id = ?1 AND state = 'live'"};
const Sql kSetReservationState{
    "UPDATE reservations SET state = ?1 "
    "WHERE order_id = ?2 AND product_id = ?3 AND location_id = ?4 AND state = ?5"};
const Sql kExpiredReservationOrders{
    "SELECT order_id FROM reservations WHERE state = 'live' AND expires_at <= ?1 "
    "GROUP BY order_id ORDER BY min(expires_at), order_id LIMIT ?2"};

std::optional<Transaction::StockMove> move_from(Query& q) {
  if (!q.step()) return std::nullopt;
  return Transaction::StockMove{q.int64(0), q.int64(1)};
}

LocationLevel level_from(const Query& q, std::string product_id, std::string location_id) {
  const auto on_hand = q.int64(0), reserved = q.int64(1);
  return LocationLevel{.product_id = std::move(product_id),
                       .location_id = std::move(location_id),
                       .on_hand = on_hand,
                       .reserved = reserved,
                       .available = on_hand - reserved,
                       .sold = q.int64(2),
                       .backorder_room = q.int64(3),
                       .low_threshold = q.int64(4),
                       .active = q.int64(5) != 0};
}

}  // namespace

void Transaction::insert_stock(const std::string& product_id, const std::string& location_id) {
  Query q(session_, kInsertStock);
  q.bind(1, product_id).bind(2, location_id).run_later();
}

std::optional<StockLevel> Transaction::find_stock(const std::string& product_id) {
  Query q(session_, kFindStock);
  q.bind(1, product_id);
  if (!q.step() || q.int64(3) == 0) return std::nullopt;
  const auto on_hand = q.int64(0), reserved = q.int64(1);
  return StockLevel{product_id, on_hand, reserved, on_hand - reserved, q.int64(2)};
}

std::optional<LocationLevel> Transaction::find_stock_at(const std::string& product_id,
                                                        const std::string& location_id) {
  Query q(session_, kFindStockAt);
  q.bind(1, product_id).bind(2, location_id);
  if (!q.step()) return std::nullopt;
  return level_from(q, product_id, location_id);
}

std::vector<LocationLevel> Transaction::list_stock_at_locations(const std::string& product_id) {
  Query q(session_, kListStockAtLocations);
  q.bind(1, product_id);
  std::vector<LocationLevel> out;
  while (q.step()) out.push_back(level_from(q, product_id, q.text(6)));
  return out;
}

std::vector<std::pair<std::string, StockOption>> Transaction::find_stock_options(
    const std::vector<std::string>& product_ids, bool lock) {
  const std::string ids = nlohmann::json(product_ids).dump();
  Query q(session_, lock ? kLockStockOptions : kFindStockOptions);
  q.bind(1, ids);
  std::vector<std::pair<std::string, StockOption>> out;
  while (q.step()) {
    // The room left: the location's backorder room less what is already backordered there.
    const std::int64_t available = q.int64(2);
    out.emplace_back(q.text(0), StockOption{.location_id = q.text(1),
                                            .available = available,
                                            .backorder_room = q.int64(3) + std::min<std::int64_t>(available, 0),
                                            .priority = q.int64(4),
                                            .region = q.text(5)});
  }
  return out;
}

std::optional<Transaction::StockMove> Transaction::try_reserve_stock_at(
    const std::string& product_id, const std::string& location_id, std::int64_t qty) {
  Query q(session_, kReserveAt);
  q.bind(1, qty).bind(2, product_id).bind(3, location_id);
  return move_from(q);
}

std::optional<std::pair<std::string, Transaction::StockMove>>
Transaction::try_reserve_stock_at_only_location(const std::string& product_id, std::int64_t qty) {
  Query q(session_, kReserveAtOnlyLocation);
  q.bind(1, qty).bind(2, product_id);
  if (!q.step()) return std::nullopt;
  return std::pair{q.text(2), StockMove{q.int64(0), q.int64(1)}};
}

bool Transaction::try_reserve_stock_plainly_at(const std::string& product_id,
                                               const std::string& location_id, std::int64_t qty) {
  Query q(session_, kReservePlainlyAt);
  return q.bind(1, qty).bind(2, product_id).bind(3, location_id).run_expecting_late(1) == 1;
}

std::optional<Transaction::StockMove> Transaction::try_unreserve_stock_at(
    const std::string& product_id, const std::string& location_id, std::int64_t qty) {
  Query q(session_, kUnreserveAt);
  q.bind(1, qty).bind(2, product_id).bind(3, location_id);
  return move_from(q);
}

bool Transaction::try_sell_reserved_stock_at(const std::string& product_id,
                                             const std::string& location_id, std::int64_t qty) {
  Query q(session_, kSellReservedAt);
  return q.bind(1, qty).bind(2, product_id).bind(3, location_id).run_expecting_late(1) == 1;
}

std::optional<Transaction::StockMove> Transaction::try_adjust_stock_at(
    const std::string& product_id, const std::string& location_id, std::int64_t delta) {
  Query q(session_, kAdjustAt);
  q.bind(1, delta).bind(2, product_id).bind(3, location_id);
  return move_from(q);
}

std::optional<Transaction::StockMove> Transaction::try_transfer_out(
    const std::string& product_id, const std::string& location_id, std::int64_t qty) {
  Query q(session_, kTransferOut);
  q.bind(1, qty).bind(2, product_id).bind(3, location_id);
  return move_from(q);
}

Transaction::StockMove Transaction::transfer_in(const std::string& product_id,
                                                const std::string& location_id,
                                                std::int64_t qty) {
  Query q(session_, kTransferIn);
  q.bind(1, qty).bind(2, product_id).bind(3, location_id);
  return *move_from(q);
}

void Transaction::set_low_threshold(const std::string& product_id, const std::string& location_id,
                                    std::int64_t low_threshold) {
  Query q(session_, kSetLowThreshold);
  q.bind(1, low_threshold).bind(2, product_id).bind(3, location_id).run();
}

bool Transaction::try_set_backorder_room(const std::string& product_id,
                                         const std::string& location_id, std::int64_t room) {
  Query q(session_, kSetBackorderRoom);
  return q.bind(1, room).bind(2, product_id).bind(3, location_id).run() == 1;
}

void Transaction::insert_stock_adjustment(const StockAdjustment& a) {
  Query q(session_, kInsertAdjustment);
  q.bind(1, a.id).bind(2, a.product_id).bind(3, a.location_id).bind(4, a.delta);
  q.bind(5, a.reason).bind(6, a.created_at);
  q.run_later();
}

void Transaction::insert_stock_transfer(const StockTransfer& t) {
  Query q(session_, kInsertTransfer);
  q.bind(1, t.id).bind(2, t.product_id).bind(3, t.from_location_id).bind(4, t.to_location_id);
  q.bind(5, t.qty).bind(6, t.reason).bind(7, t.created_at);
  q.run_later();
}

void Transaction::insert_reservations(const std::vector<Reservation>& rows) {
  kInsertReservations.insert_later(session_, rows, [](Query& q, int at, const Reservation& r) {
    q.bind(at, r.order_id).bind(at + 1, r.product_id).bind(at + 2, r.location_id);
    q.bind(at + 3, r.qty).bind(at + 4, r.backordered).bind(at + 5, r.expires_at);
    q.bind_name(at + 6, to_string(r.state));
  });
}

void Transaction::delete_live_reservations(const std::string& order_id) {
  Query q(session_, kDeleteLiveReservations);
  q.bind(1, order_id);
  q.run();
}

std::vector<Reservation> Transaction::find_reservations(const std::string& order_id) {
  Query q(session_, kFindReservations);
  q.bind(1, order_id);
  std::vector<Reservation> out;
  while (q.step()) {
    out.push_back({.order_id = order_id,
                   .product_id = q.text(0),
                   .location_id = q.text(1),
                   .qty = q.int64(2),
                   .expires_at = q.int64(3),
                   .state = parse_reservation_state(q.text(4)),
                   .backordered = q.int64(5),
                   .cancelled = q.int64(6)});
  }
  return out;
}

bool Transaction::try_set_reservation_state(const Reservation& row, ReservationState from,
                                            ReservationState to) {
  Query q(session_, kSetReservationState);
  q.bind_name(1, to_string(to)).bind(2, row.order_id).bind(3, row.product_id);
  q.bind(4, row.location_id).bind_name(5, to_string(from));
  return q.run_expecting(1) == 1;
}

std::vector<std::string> Transaction::find_expired_reservation_orders(Timestamp now, int limit) {
  Query q(session_, kExpiredReservationOrders);
  q.bind(1, now).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

}  // namespace commerce
