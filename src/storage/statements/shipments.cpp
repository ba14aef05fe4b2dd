// Statements of shipments (commerce/shipments.h): the shipment rows, their items, and the
// shipment counters of the reservation rows they leave from.
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kShipmentColumns =
    "id, order_id, location_id, carrier, status, tracking_number, label_url, note, tracked_at, "
    "created_at, updated_at";

Shipment shipment_from(const Query& q) {
  return Shipment{.id = q.text(0),
                  .order_id = q.text(1),
                  .location_id = q.text(2),
                  .carrier = q.text(3),
                  .status = parse_shipment_status(q.text(4)),
                  .items = {},
                  .tracking_number = q.text(5),
                  .label_url = q.text(6),
                  .note = q.text(7),
                  .tracked_at = q.int64(8),
                  .created_at = q.int64(9),
                  .updated_at = q.int64(10)};
}

const Sql kInsertShipment{"INSERT INTO shipments(" + kShipmentColumns +
                          ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"};
const Sql kInsertShipmentItem{
    "INSERT INTO shipment_items(shipment_id, product_id, qty) VALUES(?1, ?2, ?3)"};
const Sql kFindShipment{.text = "SELECT " + kShipmentColumns + " FROM shipments WHERE id = ?1",
                        .lock_rows = true};
const Sql kFindShipmentItems{
    "SELECT product_id, qty FROM shipment_items WHERE shipment_id = ?1 ORDER BY product_id"};
const Sql kFindShipmentOrder{"SELECT order_id FROM shipments WHERE id = ?1"};
const Sql kFindShipmentByTracking{
    "SELECT id FROM shipments WHERE carrier = ?1 AND tracking_number = ?2 "
    "AND tracking_number <> ''"};  // the index holds only rows with a tracking number
const Sql kFindShipmentsForOrder{"SELECT " + kShipmentColumns +
                                 " FROM shipments WHERE order_id = ?1 ORDER BY id"};
const Sql kFindShipmentIdsIn{
    "SELECT id FROM shipments WHERE status = ?1 AND id > ?2 ORDER BY id LIMIT ?3"};
// SQLite, without statistics, would take shipments_by_status and sort; the partial index is
// already in the order wanted.
std::string on_the_way_text(const std::string& table) {
  return "SELECT id FROM " + table +
         " WHERE (status = 'shipped' OR status = 'in_transit' OR status = 'delivery_failed') "
         "ORDER BY tracked_at, id LIMIT ?1";
}
const Sql kFindShipmentsOnTheWay{
    .text = on_the_way_text("shipments INDEXED BY shipments_on_the_way"),
    .postgres = on_the_way_text("shipments")};
// Texts compared with '' and chosen by CASE: their type is stated for PostgreSQL.
const Sql kMoveShipment{
    "UPDATE shipments SET status = ?2, "
    "note = CASE WHEN CAST(?3 AS TEXT) = '' THEN note ELSE CAST(?3 AS TEXT) END, "
    "tracked_at = CASE WHEN CAST(?4 AS BIGINT) = 0 THEN tracked_at ELSE CAST(?4 AS BIGINT) END, "
    "tracking_number = CASE WHEN CAST(?5 AS TEXT) = '' THEN tracking_number "
    "ELSE CAST(?5 AS TEXT) END, "
    "label_url = CASE WHEN CAST(?6 AS TEXT) = '' THEN label_url ELSE CAST(?6 AS TEXT) END, "
    "updated_at = ?7 WHERE id = ?1 AND status = ?8"};
const Sql kFindFulfilment{
    "SELECT product_id, location_id, state, qty, backordered, packed, shipped, delivered, "
    "cancelled "
    "FROM reservations WHERE order_id = ?1 ORDER BY product_id, location_id"};
// The counters move together and stay ordered; packing more takes units in stock first and the
// backordered ones only once the location's restocks cover its backorders (on_hand >= 0).
const Sql kMoveUnits{
    "UPDATE reservations SET packed = packed + CAST(?4 AS BIGINT), "
    "shipped = shipped + CAST(?5 AS BIGINT), delivered = delivered + CAST(?6 AS BIGINT) "
    "WHERE order_id = ?1 AND product_id = ?2 AND location_id = ?3 AND state = 'committed' "
    "AND delivered + CAST(?6 AS BIGINT) >= 0 "
    "AND delivered + CAST(?6 AS BIGINT) <= shipped + CAST(?5 AS BIGINT) "
    "AND shipped + CAST(?5 AS BIGINT) <= packed + CAST(?4 AS BIGINT) "
    "AND packed + CAST(?4 AS BIGINT) <= qty - cancelled "
    "AND (CAST(?4 AS BIGINT) <= 0 OR packed + CAST(?4 AS BIGINT) <= qty - backordered "
    "OR (SELECT s.on_hand FROM stock s WHERE s.product_id = ?2 AND s.location_id = ?3) >= 0)"};

void read_items(SqlSession& session, Shipment& shipment) {
  Query q(session, kFindShipmentItems);
  q.bind(1, shipment.id);
  while (q.step()) shipment.items.push_back({q.text(0), q.int64(1)});
}

}  // namespace

void Transaction::insert_shipment(const Shipment& s) {
  {
    Query q(session_, kInsertShipment);
    q.bind(1, s.id).bind(2, s.order_id).bind(3, s.location_id).bind(4, s.carrier);
    q.bind_name(5, to_string(s.status)).bind(6, s.tracking_number).bind(7, s.label_url);
    q.bind(8, s.note).bind(9, s.tracked_at).bind(10, s.created_at).bind(11, s.updated_at);
    q.run();
  }
  for (const auto& item : s.items) {
    Query q(session_, kInsertShipmentItem);
    q.bind(1, s.id).bind(2, item.product_id).bind(3, item.qty);
    q.run();
  }
}

std::optional<Shipment> Transaction::find_shipment(const std::string& shipment_id) {
  std::optional<Shipment> shipment;
  {
    Query q(session_, kFindShipment);
    q.bind(1, shipment_id);
    if (!q.step()) return std::nullopt;
    shipment = shipment_from(q);
  }
  read_items(session_, *shipment);
  return shipment;
}

std::optional<std::string> Transaction::find_shipment_order(const std::string& shipment_id) {
  Query q(session_, kFindShipmentOrder);
  q.bind(1, shipment_id);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::optional<std::string> Transaction::find_shipment_id(const std::string& carrier,
                                                         const std::string& tracking_number) {
  Query q(session_, kFindShipmentByTracking);
  q.bind(1, carrier).bind(2, tracking_number);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::vector<Shipment> Transaction::find_shipments_for_order(const std::string& order_id) {
  std::vector<Shipment> shipments;
  {
    Query q(session_, kFindShipmentsForOrder);
    q.bind(1, order_id);
    while (q.step()) shipments.push_back(shipment_from(q));
  }
  for (auto& s : shipments) read_items(session_, s);
  return shipments;
}

std::vector<std::string> Transaction::find_shipment_ids_in(ShipmentStatus status,
                                                           const std::string& after_id,
                                                           int limit) {
  Query q(session_, kFindShipmentIdsIn);
  q.bind_name(1, to_string(status)).bind(2, after_id).bind(3, limit);
  std::vector<std::string> ids;
  while (q.step()) ids.push_back(q.text(0));
  return ids;
}

std::vector<std::string> Transaction::find_shipments_on_the_way(int limit) {
  Query q(session_, kFindShipmentsOnTheWay);
  q.bind(1, limit);
  std::vector<std::string> ids;
  while (q.step()) ids.push_back(q.text(0));
  return ids;
}

bool Transaction::try_move_shipment(const Shipment& next, ShipmentStatus from) {
  Query q(session_, kMoveShipment);
  q.bind(1, next.id).bind_name(2, to_string(next.status)).bind(3, next.note);
  q.bind(4, next.tracked_at).bind(5, next.tracking_number).bind(6, next.label_url);
  q.bind(7, next.updated_at).bind_name(8, to_string(from));
  return q.run() == 1;
}

std::vector<FulfilmentRow> Transaction::find_fulfilment(const std::string& order_id) {
  Query q(session_, kFindFulfilment);
  q.bind(1, order_id);
  std::vector<FulfilmentRow> rows;
  while (q.step()) {
    rows.push_back({.product_id = q.text(0),
                    .location_id = q.text(1),
                    .state = parse_reservation_state(q.text(2)),
                    .qty = q.int64(3),
                    .backordered = q.int64(4),
                    .packed = q.int64(5),
                    .shipped = q.int64(6),
                    .delivered = q.int64(7),
                    .cancelled = q.int64(8)});
  }
  return rows;
}

bool Transaction::try_move_units(const std::string& order_id, const std::string& product_id,
                                 const std::string& location_id, std::int64_t packed,
                                 std::int64_t shipped, std::int64_t delivered) {
  Query q(session_, kMoveUnits);
  q.bind(1, order_id).bind(2, product_id).bind(3, location_id).bind(4, packed);
  q.bind(5, shipped).bind(6, delivered);
  return q.run() == 1;
}

}  // namespace commerce
