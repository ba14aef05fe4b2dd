// Upgrading a SQLite file that an older library wrote: its rows keep their meaning.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/sqlite_storage.h"
#include "commerce/storage.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_schema.h"
#include "storage/transaction.h"

namespace commerce {
namespace {

std::vector<std::int64_t> seqs_of(const std::vector<PendingEvent>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& row : rows) out.push_back(row.event.seq);
  return out;
}

// Version 4 kept the delivery state in the outbox's own rows; version 5 keeps the pending ones
// in outbox_pending. Every state (pending, waiting for a retry, delivered, dead) survives.
TEST(SqliteMigration, OutboxDeliveryStateSurvivesTheMoveToThePendingTable) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 4);
    conn.exec(R"sql(
INSERT INTO outbox(seq, id, type, schema_version, topic, key, occurred_at, request_id, payload,
                   state, attempts, next_attempt_at, last_error, delivered_at) VALUES
  (1, 'e1', 'T', 1, 't', 'a', 100, '', '{}', 'pending', 0, 0, '', 0),
  (2, 'e2', 'T', 1, 't', 'a', 101, '', '{}', 'pending', 2, 5000, 'broker down', 0),
  (3, 'e3', 'T', 1, 't', 'b', 102, '', '{}', 'delivered', 0, 0, '', 900),
  (4, 'e4', 'T', 1, 't', 'c', 103, '', '{}', 'dead', 5, 0, 'poison', 0),
  (5, 'e5', 'T', 1, 't', 'b', 104, '', '{}', 'pending', 0, 0, '', 0);
INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, parked_behind)
  VALUES (4, 'c', 5, 'poison', 950, 0);
)sql");
  }
  auto storage = open_sqlite_storage(path);
  run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
    const OutboxCounts counts = tx.count_outbox();
    EXPECT_EQ(counts.pending, 3);
    EXPECT_EQ(counts.delivered, 1);
    EXPECT_EQ(counts.dead_letters, 1);
    EXPECT_EQ(counts.oldest_pending_at, 100);
    EXPECT_EQ(tx.count_pending_events(0, 4), 2);

    // Before seq 2's retry time only 1 and 5 are due; after it, 2 too, with its history.
    EXPECT_EQ(seqs_of(tx.read_due_events(1000, 0, 10)), (std::vector<std::int64_t>{1, 5}));
    const auto later = tx.read_due_events(6000, 0, 10);
    ASSERT_EQ(seqs_of(later), (std::vector<std::int64_t>{1, 2, 5}));
    EXPECT_EQ(later[1].attempts, 2);
    EXPECT_EQ(later[1].next_attempt_at, 5000);
    EXPECT_EQ(later[1].last_error, "broker down");

    const auto dead = tx.list_dead_letters(0, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].event.seq, 4);
    EXPECT_EQ(dead[0].last_error, "poison");

    // The delivered row stays delivered; a dead letter re-queued is pending again.
    EXPECT_EQ(tx.mark_events_delivered({3}, 2000), 0);
    EXPECT_EQ(tx.requeue_dead_letters("c"), 1);
    EXPECT_EQ(seqs_of(tx.read_due_events(6000, 0, 10)),
              (std::vector<std::int64_t>{1, 2, 4, 5}));

    // An event appended after the upgrade is pending from the start.
    const std::int64_t seq = tx.append_event(Event{0, "e6", "T", 1, "t", "d", 105, "", "{}"});
    EXPECT_EQ(seq, 6);
    EXPECT_EQ(tx.count_pending_events(0, seq), 5);
    EXPECT_EQ(tx.mark_events_delivered({1, 2, 4, 5, 6}, 2000), 5);
    EXPECT_EQ(tx.count_outbox().delivered, 6);
  });
}

// Version 8 rebuilds the tables an order writes as WITHOUT ROWID tables and narrows the outbox's
// (key, type) index to the orders' lifecycle events: their rows read back as they were.
TEST(SqliteMigration, OrderRowsSurviveTheRebuildOfTheirTables) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 7);
    conn.exec(R"sql(
INSERT INTO orders VALUES('o1', 'u1', 'confirmed', 3000, 500, 100, 2400, 'c1', 1, 1, '', 'card',
                          '', 'r1', 900, 100, 200);
INSERT INTO order_audit(id, order_id, from_status, to_status, reason, at) VALUES
  ('a2', 'o1', 'pending', 'confirmed', '', 150), ('a1', 'o1', '', 'pending', 'placed', 100);
INSERT INTO sagas VALUES('o1', 'confirmed', 4, 3, 'stock,points,coupon,payment', '', 200);
INSERT INTO point_entries VALUES('p1', 'u1', 'use', -100, 900, 'o1', 'order', 'r1', 100);
INSERT INTO outbox(seq, id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES (1, 'e1', 'OrderCreated', 1, 'order-events', 'o1', 100, '', '{}'),
         (2, 'e2', 'PointUsed', 1, 'user-events', 'u1', 100, '', '{}'),
         (3, 'e3', 'OrderConfirmed', 1, 'order-events', 'o1', 150, '', '{}');
)sql");
  }
  auto storage = open_sqlite_storage(path);
  run_unit(*storage, Storage::Access::kRead, [&](Transaction& tx) {
    const auto order = tx.find_order("o1");
    ASSERT_TRUE(order);
    EXPECT_EQ(order->status, OrderStatus::kConfirmed);
    EXPECT_EQ(order->total, 2400);
    EXPECT_EQ(order->request_id, "r1");
    EXPECT_EQ(order->updated_at, 200);
    const auto audit = tx.find_order_audit("o1");
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].id, "a1");
    EXPECT_EQ(audit[0].reason, "placed");
    EXPECT_EQ(audit[1].to, OrderStatus::kConfirmed);
    const auto saga = tx.find_saga("o1");
    ASSERT_TRUE(saga);
    EXPECT_EQ(saga->position, 3);
    EXPECT_EQ(saga->steps, (std::vector<std::string>{"stock", "points", "coupon", "payment"}));
    const auto entries = tx.find_points_entries_for_order("o1");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].amount, -100);
    EXPECT_EQ(tx.count_order_events("OrderCreated", "o1"), 1);
    EXPECT_EQ(tx.count_order_events("OrderConfirmed", "o1"), 1);
    EXPECT_EQ(tx.list_orders_for_user("u1", "", 10).size(), 1u);
  });
  sqlite::Connection conn(path, "NORMAL");
  sqlite::Query q(conn,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                  "name IN ('orders', 'order_audit', 'sagas', 'point_entries') AND "
                  "sql LIKE '%WITHOUT ROWID%'");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 4);
}

// Version 9 adds variants: a store made at version 8 keeps its products as top-level products
// without axes, each still its own sellable unit with its stock and reservations, and takes
// variants from then on.
TEST(SqliteMigration, ProductsBeforeVariantsStayTopLevelAndSellable) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 8);
    conn.exec(R"sql(
INSERT INTO products VALUES('mug', 'Mug', 'Holds coffee', 1000, '', 'Acme', 'active', '{}', 10, 20);
INSERT INTO stock VALUES('mug', 5, 2, 1);
INSERT INTO reservations VALUES('o1', 'mug', 2, 99999999999999, 'live');
)sql");
  }
  auto store = Store::open(open_sqlite_storage(path));
  const Product mug = store->catalog().get("mug");
  EXPECT_EQ(mug.name, "Mug");
  EXPECT_EQ(mug.updated_at, 20);
  EXPECT_TRUE(mug.parent_id.empty());
  EXPECT_TRUE(mug.options.empty());
  EXPECT_TRUE(mug.axes.empty());
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 5, 2, 3, 1}));
  EXPECT_EQ(store->catalog().variants("mug"), (std::vector<VariantAvailability>{{mug, 3}}));
  EXPECT_EQ(store->catalog().list({.parent_id = ""}).items, (std::vector<Product>{mug}));
  // Still its own sellable unit.
  store->stock().reserve("o2", {{"mug", 3}});
  EXPECT_EQ(store->stock().level("mug").available, 0);
  // Variants from now on.
  store->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M"}}}});
  store->catalog().add_variant("tee", {.id = "tee-s", .options = {{"size", "S"}}});
  EXPECT_EQ(store->catalog().list({.options = {{"size", "S"}}}).items.at(0).id, "tee-s");
  try {
    store->catalog().add_variant("tee", {.id = "tee-s2", .options = {{"size", "S"}}});
    ADD_FAILURE() << "a second variant took the options of tee-s";
  } catch (const Error& e) {
    EXPECT_EQ(e.subject(), "options");
  }
}

// Version 10 keeps stock per (product, location): a store of version 8 opens with every stock
// row, adjustment and reservation at the location "default", its orders as they were, checks
// clean, and reserves, commits and releases as before.
TEST(SqliteMigration, StockMovesToTheDefaultLocationAndBehavesAsBefore) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 8);
    conn.exec(R"sql(
INSERT INTO settings VALUES('currency', 'KRW');
INSERT INTO products VALUES('mug', 'Mug', '', 0, '', '', 'active', '{}', 100, 100);
INSERT INTO stock VALUES('mug', 5, 2, 1);
INSERT INTO stock_adjustments VALUES('adj-1', 'mug', 6, 'initial', 100);
INSERT INTO reservations VALUES('o1', 'mug', 2, 4102444800000, 'live');
INSERT INTO reservations VALUES('o2', 'mug', 1, 4102444800000, 'committed');
INSERT INTO orders VALUES('o2', 'u1', 'confirmed', 0, 0, 0, 0, '', 0, 0, '', 'card', '', '',
                          900, 100, 200);
INSERT INTO order_items VALUES('o2', 'mug', 'Mug', 0, 1, 0);
INSERT INTO sagas VALUES('o2', 'confirmed', 4, 3, 'stock,points,coupon,payment', '', 200);
INSERT INTO outbox(seq, id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES (1, 'e1', 'OrderCreated', 1, 'order-events', 'o2', 100, '', '{}'),
         (2, 'e2', 'OrderConfirmed', 1, 'order-events', 'o2', 150, '', '{}');
)sql");
  }
  auto store = Store::open(path);
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 5, 2, 3, 1}));
  const auto levels = store->stock().levels("mug");
  ASSERT_EQ(levels.size(), 1u);
  EXPECT_EQ(levels[0].location_id, "default");
  EXPECT_EQ(levels[0].backorder_room, 0);
  const auto held = store->stock().reservations("o1");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].location_id, "default");
  EXPECT_EQ(held[0].qty, 2);
  EXPECT_EQ(store->stock().reservations("o2").at(0).state, ReservationState::kCommitted);
  const Order o2 = store->orders().get("o2");
  EXPECT_EQ(o2.status, OrderStatus::kConfirmed);
  EXPECT_EQ(o2.items.size(), 1u);
  EXPECT_EQ(o2.region, "");
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << " "
                           << report.violations.front().detail;
  // As before: the 3 available units and no more.
  EXPECT_EQ(store->stock().reserve("o3", {{"mug", 3}}).at(0).location_id, "default");
  EXPECT_THROW(store->stock().reserve("o4", {{"mug", 1}}), Error);
  store->stock().release("o1");
  store->stock().commit("o3");
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 2, 0, 2, 4}));
  const Order placed = store->orders().place({.user_id = "u2", .items = {{"mug", 2}}});
  EXPECT_EQ(placed.status, OrderStatus::kConfirmed);
  EXPECT_TRUE(check_invariants(*store, true).ok());
}

// Orders from before the price breakdown get their discount shared over their items by the
// pipeline's rule (rounded down, the remainder to the largest item), no tax and no shipping.
TEST(SqliteMigration, OrdersBeforeThePriceBreakdownShareTheirDiscount) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 10);
    conn.exec(R"sql(
INSERT INTO settings VALUES('currency', 'KRW');
INSERT INTO orders VALUES('o1', 'u1', 'confirmed', 2000, 1001, 999, 0, 'c1', 0, 1, '', 'card',
                          '', '', 900, 100, 200, '');
INSERT INTO order_items VALUES('o1', 'a', 'A', 700, 1, 700), ('o1', 'b', 'B', 1000, 1, 1000),
                              ('o1', 'c', 'C', 300, 1, 300);
INSERT INTO orders VALUES('o2', 'u1', 'confirmed', 500, 0, 0, 500, '', 0, 0, '', 'card',
                          '', '', 900, 100, 200, '');
INSERT INTO order_items VALUES('o2', 'a', 'A', 500, 1, 500);
)sql");
  }
  auto store = Store::open(path);
  const Order o1 = store->orders().get("o1");
  ASSERT_EQ(o1.items.size(), 3u);
  // 1001 x 700 / 2000 = 350, x 1000 / 2000 = 500, x 300 / 2000 = 150; the 1 left goes to b.
  EXPECT_EQ(o1.items[0].discount, 350);
  EXPECT_EQ(o1.items[1].discount, 501);
  EXPECT_EQ(o1.items[2].discount, 150);
  EXPECT_EQ(o1.items[1].total, 499);
  EXPECT_EQ(o1.items[0].tax_class, "standard");
  EXPECT_EQ(o1.tax, 0);
  EXPECT_TRUE(o1.tax_included);
  EXPECT_EQ(o1.shipping_fee, 0);
  EXPECT_EQ(o1.total, 0);
  const Order o2 = store->orders().get("o2");
  EXPECT_EQ(o2.items.at(0).discount, 0);
  EXPECT_EQ(o2.items.at(0).total, 500);
}

// Orders shipped or delivered before shipments were recorded get one shipment per location of
// what they reserved (schema 13), so their units add up as a new order's do.
TEST(SqliteMigration, OrdersShippedBeforeShipmentsGetTheirShipments) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 12);
    conn.exec(R"sql(
INSERT INTO settings VALUES('currency', 'KRW');
INSERT INTO stock_locations VALUES('north', 'North', 1, 1, '', 0, 0);
INSERT INTO orders(id, user_id, status, subtotal, discount, points_used, total, coupon_id,
  coupon_required, coupon_applied, coupon_note, payment_method, failure_reason, request_id,
  expires_at, created_at, updated_at)
  VALUES('o1', 'u1', 'shipped', 300, 0, 0, 300, '', 0, 0, '', 'card', '', '', 900, 100, 200),
        ('o2', 'u1', 'delivered', 100, 0, 0, 100, '', 0, 0, '', 'card', '', '', 900, 100, 300),
        ('o3', 'u1', 'confirmed', 100, 0, 0, 100, '', 0, 0, '', 'card', '', '', 900, 100, 200);
INSERT INTO order_items(order_id, product_id, name, unit_price, qty, line_total)
  VALUES('o1', 'a', 'A', 100, 3, 300), ('o2', 'a', 'A', 100, 1, 100),
        ('o3', 'a', 'A', 100, 1, 100);
INSERT INTO reservations(order_id, product_id, location_id, qty, backordered, expires_at, state)
  VALUES('o1', 'a', 'default', 2, 0, 900, 'committed'), ('o1', 'a', 'north', 1, 0, 900, 'committed'),
        ('o2', 'a', 'default', 1, 0, 900, 'committed'), ('o3', 'a', 'default', 1, 0, 900, 'committed');
)sql");
  }
  auto store = Store::open(path);
  const auto o1 = store->shipments().for_order("o1");
  ASSERT_EQ(o1.size(), 2u);
  EXPECT_EQ(o1[0].id, "o1.default");
  EXPECT_EQ(o1[0].status, ShipmentStatus::kShipped);
  EXPECT_EQ(o1[0].items, (std::vector<ShipmentItem>{{"a", 2}}));
  EXPECT_EQ(o1[1].location_id, "north");
  EXPECT_EQ(store->orders().get("o1").items.at(0).shipped, 3);
  EXPECT_EQ(store->orders().get("o1").items.at(0).delivered, 0);
  ASSERT_EQ(store->shipments().for_order("o2").size(), 1u);
  EXPECT_EQ(store->shipments().for_order("o2")[0].status, ShipmentStatus::kDelivered);
  EXPECT_EQ(store->orders().get("o2").items.at(0).delivered, 1);
  EXPECT_TRUE(store->shipments().for_order("o3").empty());
  EXPECT_EQ(store->orders().get("o3").items.at(0).shipped, 0);
  // A shipped order's shipments are delivered as a new one's are.
  store->shipments().track({.shipment_id = "o1.north", .carrier = {}, .tracking_number = {},
                            .event = {ShipmentStatus::kDelivered, 1000, {}}});
  EXPECT_EQ(store->orders().get("o1").items.at(0).delivered, 1);
}

// The upgrade takes the delivery columns out of the outbox's rows.
TEST(SqliteMigration, TheOutboxKeepsOnlyTheEvent) {
  const std::string path = testing::fresh_path("migration", ".db");
  open_sqlite_storage(path);
  sqlite::Connection conn(path, "NORMAL");
  std::vector<std::string> columns;
  sqlite::Query q(conn, "SELECT name FROM pragma_table_info('outbox') ORDER BY cid");
  while (q.step()) columns.push_back(q.text(0));
  EXPECT_EQ(columns, (std::vector<std::string>{"seq", "id", "type", "schema_version", "topic",
                                               "key", "occurred_at", "request_id", "payload"}));
}

// Version 19 rebuilds the outbox without a unique index on the event's id: its events, their
// delivery state and the seq counter survive, and no seq is handed out twice.
TEST(SqliteMigration, TheOutboxRebuildKeepsEventsDeadLettersAndTheSeqCounter) {
  const std::string path = testing::fresh_path("migration", ".db");
  {
    sqlite::Connection conn(path, "NORMAL");
    sqlite::migrate(conn, 18);
    // Events 1-4; 4 is dead, 2 pending; 5-7 were appended and then removed (the counter is 7).
    conn.exec(R"sql(
INSERT INTO outbox(seq, id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES (1, 'e1', 'OrderCreated', 1, 'order-events', 'o1', 100, '', '{}'),
         (2, 'e2', 'PointUsed', 1, 'user-events', 'u1', 100, 'r1', '{"amount":5}'),
         (3, 'e3', 'OrderConfirmed', 1, 'order-events', 'o1', 150, '', '{}'),
         (7, 'e7', 'T', 1, 't', 'c', 160, '', '{}');
DELETE FROM outbox WHERE seq = 7;
INSERT INTO outbox(seq, id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES (4, 'e4', 'T', 1, 't', 'c', 103, '', '{}');
INSERT INTO outbox_pending(seq, key) VALUES (2, 'u1');
INSERT INTO outbox_dead_letters(seq, key, attempts, last_error, dead_at, parked_behind)
  VALUES (4, 'c', 5, 'poison', 950, 0);
)sql");
  }
  auto storage = open_sqlite_storage(path);
  run_unit(*storage, Storage::Access::kWrite, [&](Transaction& tx) {
    const auto events = tx.read_outbox(0, 10);
    ASSERT_EQ(events.size(), 4u);
    EXPECT_EQ(events[1].id, "e2");
    EXPECT_EQ(events[1].request_id, "r1");
    EXPECT_EQ(events[1].payload, R"({"amount":5})");
    EXPECT_EQ(events[3].seq, 4);
    const OutboxCounts counts = tx.count_outbox();
    EXPECT_EQ(counts.pending, 1);
    EXPECT_EQ(counts.dead_letters, 1);
    const auto dead = tx.list_dead_letters(0, 10);
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].event.id, "e4");
    EXPECT_EQ(dead[0].last_error, "poison");
    // Seq 5-7 were handed out before: the next event gets 8.
    EXPECT_EQ(tx.append_event(Event{0, "e8", "T", 1, "t", "d", 200, "", "{}"}), 8);
  });
  sqlite::Connection conn(path, "NORMAL");
  // The dead letters still reference their events, and the id is indexed no more.
  sqlite::Query fk(conn, "SELECT count(*) FROM pragma_foreign_key_check");
  ASSERT_TRUE(fk.step());
  EXPECT_EQ(fk.int64(0), 0);
  std::vector<std::string> indexes;
  sqlite::Query q(conn, "SELECT name FROM pragma_index_list('outbox') ORDER BY name");
  while (q.step()) indexes.push_back(q.text(0));
  EXPECT_EQ(indexes, (std::vector<std::string>{"outbox_order_ends"}));
}

}  // namespace
}  // namespace commerce
