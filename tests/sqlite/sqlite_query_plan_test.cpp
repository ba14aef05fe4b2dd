// The cursor pages seek: every statement a page runs is one range of an index (SQLite's
// EXPLAIN QUERY PLAN, on the statements as the library runs them), so the 200th page costs what
// the first does; and the writes' programs (EXPLAIN) build no temporary tables for the partial
// indexes' conditions. The statements are captured through StatementLog, not copied here.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "commerce/event_sink.h"
#include "commerce/invariants.h"
#include "commerce/outbox_relay.h"
#include "commerce/sqlite_storage.h"
#include "commerce/store.h"
#include "scratch_dir.h"
#include "statement_log.h"

namespace commerce::testing {
namespace {

// Column `column` of each row of `explain` (an EXPLAIN statement), read on a connection of its
// own.
std::vector<std::string> explained(const std::string& path, const std::string& explain,
                                   int column) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, explain.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::vector<std::string> values;
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    values.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return values;
}

// The plan's detail lines for `sql`.
std::vector<std::string> query_plan(const std::string& path, const std::string& sql) {
  return explained(path, "EXPLAIN QUERY PLAN " + sql, 3);
}

// The opcodes of `sql`'s program.
std::vector<std::string> program(const std::string& path, const std::string& sql) {
  return explained(path, "EXPLAIN " + sql, 1);
}

class QueryPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fresh_path("plans", "db");
    auto log = std::make_unique<StatementLog>(open_sqlite_storage(path_), SqlDialect::kSqlite);
    log_ = log.get();
    store_ = Store::open(std::move(log));
    for (int i = 0; i < 12; ++i) store_->points().charge("alice", 1000 + i);
    store_->catalog().create({.id = "mug", .name = "Mug", .price = 1000, .initial_stock = 50});
    for (int i = 0; i < 6; ++i) {
      store_->orders().place({.user_id = "alice", .items = {{"mug", 1}}, .points_to_use = 1000});
    }
    log_->take();
  }

  // Every plan line of every SELECT the call ran searches an index for `range` (the predicate
  // SQLite prints, e.g. "user_id=? AND id<?") and no line scans a table or a whole index (the
  // full-text index's own lookup, "SCAN products_text VIRTUAL TABLE INDEX ...", is a search, and
  // "SCAN (subquery-N)" reads a bounded subquery's rows).
  void expect_seeks(const std::vector<std::string>& selects, const std::string& range) {
    ASSERT_FALSE(selects.empty());
    bool found = false;
    for (const std::string& sql : selects) {
      for (const std::string& line : query_plan(path_, sql)) {
        const bool scan = line.starts_with("SCAN") &&
                          line.find("VIRTUAL TABLE") == std::string::npos &&
                          !line.starts_with("SCAN (subquery");
        EXPECT_FALSE(scan) << sql << "\n  plan: " << line;
        if (line.find("(" + range + ")") != std::string::npos) found = true;
      }
    }
    EXPECT_TRUE(found) << "no statement searched (" << range << ")";
  }

  // Whether a plan line of the statements reads the full-text index.
  bool reads_text_index(const std::vector<std::string>& selects) {
    for (const std::string& sql : selects) {
      for (const std::string& line : query_plan(path_, sql)) {
        if (line.find("products_text VIRTUAL TABLE") != std::string::npos) return true;
      }
    }
    return false;
  }

  std::string path_;
  StatementLog* log_ = nullptr;
  std::unique_ptr<Store> store_;
};

TEST_F(QueryPlanTest, OrderPagesAreIndexRanges) {
  const auto first = store_->orders().list_for_user("alice", "", 2);
  expect_seeks(log_->take(), "user_id=?");
  ASSERT_FALSE(first.next_cursor.empty());
  const auto second = store_->orders().list_for_user("alice", first.next_cursor, 2);
  EXPECT_EQ(second.items.size(), 2u);
  expect_seeks(log_->take(), "user_id=? AND id<?");
}

TEST_F(QueryPlanTest, PointsHistoryPagesAreIndexRanges) {
  const auto first = store_->points().history("alice", "", 5);
  expect_seeks(log_->take(), "user_id=?");
  ASSERT_FALSE(first.next_cursor.empty());
  const auto second = store_->points().history("alice", first.next_cursor, 5);
  EXPECT_EQ(second.items.size(), 5u);
  expect_seeks(log_->take(), "user_id=? AND id<?");
}

// Carts: the sweep seeks the open guest carts by expiry, a user's open cart and a wishlist page
// are index ranges, so none costs more as the store holds more carts.
TEST_F(QueryPlanTest, CartLookupsTheSweepAndWishlistPagesSeekTheirIndexes) {
  const Cart cart = store_->carts().open_for_user("alice");
  expect_seeks(log_->take(), "user_id=?");
  for (int i = 0; i < 3; ++i) store_->carts().open_guest();
  store_->carts().add(CartKey::for_user(cart.id, "alice"), "mug", 1);
  log_->take();
  store_->carts().sweep();
  const auto sweep = log_->take();
  expect_seeks(sweep, "expires_at<?");
  bool by_expiry = false;
  for (const std::string& sql : sweep) {
    for (const std::string& line : query_plan(path_, sql)) {
      if (line.find("carts_open_guest_by_expiry") != std::string::npos) by_expiry = true;
    }
  }
  EXPECT_TRUE(by_expiry);
  for (const char* id : {"a", "b", "c"}) {
    store_->catalog().create({.id = id, .name = id, .price = 1});
    store_->carts().add_to_wishlist("alice", id);
  }
  log_->take();
  const auto first = store_->carts().wishlist("alice", "", 2);
  ASSERT_FALSE(first.next_cursor.empty());
  log_->take();
  store_->carts().wishlist("alice", first.next_cursor, 2);
  expect_seeks(log_->take(), "user_id=? AND (added_at,product_id)<(?,?)");
}

// Shipments: a tracking update found by its tracking number, the recovery's and the poll's
// lists, and an order's shipments each seek an index, so none costs more as shipments pile up.
TEST_F(QueryPlanTest, ShipmentLookupsSeekTheirIndexes) {
  const auto shipments_read = [this] {
    std::vector<std::string> reads;
    for (std::string& sql : log_->take()) {
      if (sql.find("FROM shipments") != std::string::npos) reads.push_back(std::move(sql));
    }
    return reads;
  };
  const std::string order_id = store_->orders().list_for_user("alice", "", 1).items.at(0).id;
  const Shipment s = store_->shipments().create(
      {.order_id = order_id, .location_id = "default", .tracking_number = "T-1"});
  store_->shipments().dispatch(s.id);
  log_->take();
  store_->shipments().track({.shipment_id = {}, .carrier = {}, .tracking_number = "T-1",
                             .event = {ShipmentStatus::kInTransit, 1, {}}});
  expect_seeks(shipments_read(), "carrier=? AND tracking_number=?");
  store_->shipments().recover();
  expect_seeks(shipments_read(), "status=? AND id>?");
  store_->shipments().poll();
  const auto poll = shipments_read();
  bool on_the_way = false;
  for (const std::string& sql : poll) {
    for (const std::string& line : query_plan(path_, sql)) {
      // The first rows of the partial index, in its order: never the table, never a sort.
      const bool partial = line.find("INDEX shipments_on_the_way") != std::string::npos;
      EXPECT_FALSE((line.starts_with("SCAN") && !partial) ||
                   line.find("TEMP B-TREE") != std::string::npos)
          << line;
      on_the_way |= partial;
    }
  }
  EXPECT_TRUE(on_the_way);
  store_->shipments().for_order(order_id);
  expect_seeks(shipments_read(), "order_id=?");
}

// The check that each order has its lifecycle events reads the narrow index that holds only
// those (an order's other events do not write it).
TEST_F(QueryPlanTest, TheOrderEventsCheckSeeksItsPartialIndex) {
  EXPECT_TRUE(check_invariants(*store_).violations.empty());
  int checked = 0;
  for (const std::string& sql : log_->take()) {
    if (!sql.starts_with("SELECT count(*) FROM outbox WHERE key")) continue;
    ++checked;
    const auto plan = query_plan(path_, sql);
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_NE(plan[0].find("INDEX outbox_order_ends (key=? AND type=?)"), std::string::npos)
        << plan[0];
  }
  EXPECT_GT(checked, 0);
}

// The erasure of personal data seeks the finished orders and closed carts that still hold an
// address by age (partial indexes orders_erasable_by_age, carts_erasable_by_age): its cost is
// that of the rows it erases, not of the store's history.
TEST_F(QueryPlanTest, PersonalDataErasureSeeksItsPartialIndexes) {
  StoreOptions options;
  options.retention.personal_data_ms = 1;
  auto log = std::make_unique<StatementLog>(open_sqlite_storage(path_), SqlDialect::kSqlite);
  StatementLog* statements = log.get();
  auto store = Store::open(std::move(log), options);
  store->compact();
  const Order order = store->orders().list_for_user("alice").items.at(0);
  store->orders().cancel(order.id);
  store->orders().erase_personal_data(order.id);
  const std::vector<std::string> updates = statements->take_updates();
  for (const auto& [index, table] : {std::pair{"orders_erasable_by_age", "orders"},
                                     std::pair{"carts_erasable_by_age", "carts"}}) {
    SCOPED_TRACE(index);
    int explained = 0;
    for (const std::string& sql : updates) {
      if (!sql.starts_with(std::string("UPDATE ") + table + " SET shipping_address = ''")) continue;
      ++explained;
      bool seeks_by_age = false;
      for (const std::string& line : query_plan(path_, sql)) {
        EXPECT_FALSE(line.starts_with("SCAN")) << sql << "\n  plan: " << line;
        if (line.find(std::string("INDEX ") + index + " (updated_at<?)") != std::string::npos) {
          seeks_by_age = true;
        }
      }
      // The bulk statement seeks by age; the single order's erasure by its id.
      if (sql.find("updated_at < ?1") != std::string::npos) {
        EXPECT_TRUE(seeks_by_age) << sql;
      }
    }
    EXPECT_GT(explained, 0);
  }
}

TEST_F(QueryPlanTest, ProductTextSearchUsesTheTrigramIndex) {
  EXPECT_EQ(store_->catalog().list({.text = "MUG"}).items.size(), 1u);
  const auto selects = log_->take();
  expect_seeks(selects, "rowid=?");  // each match found by the index, then read by its rowid
  EXPECT_TRUE(reads_text_index(selects));
}

// A ranking scores the matches the full-text index finds, each read by its rowid: no scan of
// the products (its cost is the matches', docs/performance.md "Search").
TEST_F(QueryPlanTest, ProductRankingScoresTheTrigramIndexMatches) {
  EXPECT_EQ(store_->catalog().list({.text = "MUG", .order = ProductOrder::kRelevance}).items.size(),
            1u);
  const auto selects = log_->take();
  expect_seeks(selects, "rowid=?");
  EXPECT_TRUE(reads_text_index(selects));
}

TEST_F(QueryPlanTest, ProductPriceRangeUsesThePriceIndex) {
  EXPECT_EQ(store_->catalog().list({.min_price = 500, .max_price = 1500}).items.size(), 1u);
  expect_seeks(log_->take(), "price>? AND price<?");
}

// The option filter reads each value's variants from product_option_values_by_value.
TEST_F(QueryPlanTest, ProductOptionFilterUsesTheOptionValuesIndex) {
  store_->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M"}}}});
  store_->catalog().add_variant("tee", {.id = "tee-s", .options = {{"size", "S"}}});
  store_->catalog().add_variant("tee", {.id = "tee-m", .options = {{"size", "M"}}});
  log_->take();
  EXPECT_EQ(store_->catalog().list({.options = {{"size", "M"}}}).items.size(), 1u);
  const auto selects = log_->take();
  expect_seeks(selects, "axis=? AND value=?");
  bool option_index = false;
  for (const std::string& sql : selects) {
    for (const std::string& line : query_plan(path_, sql)) {
      option_index = option_index ||
                     line.find("product_option_values_by_value") != std::string::npos;
    }
  }
  EXPECT_TRUE(option_index);
  // A product's variants come from the variants' index by parent.
  EXPECT_EQ(store_->catalog().list({.parent_id = "tee"}).items.size(), 2u);
  expect_seeks(log_->take(), "parent_id=?");
}

// A product's page reads its variants with their availability in one statement, whatever their
// number (not one stock read per variant): the variants from the variants' index by parent, each
// one's stock rows by the stock's key.
TEST_F(QueryPlanTest, ProductPageReadsItsVariantsAndTheirStockInOneStatement) {
  store_->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M", "L"}}}});
  for (const char* size : {"S", "M", "L"}) {
    store_->catalog().add_variant(
        "tee", {.id = std::string("tee-") + size, .options = {{"size", size}}, .initial_stock = 2});
  }
  log_->take();
  EXPECT_EQ(store_->catalog().variants("tee").size(), 3u);
  const auto selects = log_->take();
  EXPECT_EQ(selects.size(), 2u);  // the product, then its variants with their stock
  expect_seeks(selects, "parent_id=?");
  bool stock_by_key = false;
  for (const std::string& sql : selects) {
    for (const std::string& line : query_plan(path_, sql)) {
      stock_by_key = stock_by_key || (line.starts_with("SEARCH s USING PRIMARY KEY (product_id=?)"));
    }
  }
  EXPECT_TRUE(stock_by_key);
}

// The relay's figures do not count the backlog: every subquery of stats() is a min/max seek or a
// bounded rowid range (the count within the cap), never a scan of the pending rows or the outbox.
TEST_F(QueryPlanTest, RelayStatsSeeksInsteadOfCountingThePendingRows) {
  MemorySink sink;
  OutboxRelay relay(*store_, sink);
  log_->take();
  const RelayStats stats = relay.stats();
  EXPECT_GT(stats.pending, 0);  // the orders' events
  const auto selects = log_->take();
  ASSERT_FALSE(selects.empty());
  bool pending_range = false, dead_range = false;
  for (const std::string& sql : selects) {
    for (const std::string& line : query_plan(path_, sql)) {
      // "SCAN CONSTANT ROW": the SELECT of scalar subqueries itself, one row, no table.
      EXPECT_FALSE(line.starts_with("SCAN") && line != "SCAN CONSTANT ROW")
          << sql << "\n  plan: " << line;
      const bool range = line.ends_with("USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
      pending_range = pending_range || (range && line.starts_with("SEARCH outbox_pending "));
      dead_range = dead_range || (range && line.starts_with("SEARCH outbox_dead_letters "));
    }
  }
  EXPECT_TRUE(pending_range) << "the pending count is not a bounded rowid range";
  EXPECT_TRUE(dead_range) << "the dead-letter count is not a bounded rowid range";
}

// The walks that read rows of one state seek an index that holds only the rows in that state
// (migration 18): recover()'s unfinished sagas, the sweep of orders whose payment timed out, and
// the check's used coupons and live reservations of a stock row. An order placed and confirmed
// in one unit enters none of these indexes, and no walk reads the finished ones.
TEST_F(QueryPlanTest, StateWalksSeekIndexesOfThatStateOnly) {
  store_->orders().sweep();
  store_->orders().recover();
  EXPECT_TRUE(check_invariants(*store_).violations.empty());
  const auto selects = log_->take();
  for (const auto& [from, index] :
       {std::pair{"FROM orders WHERE status = 'awaiting_payment'",
                  "INDEX orders_awaiting_payment_by_expiry (expires_at<?)"},
        std::pair{"FROM sagas WHERE state = ?1 AND (state = 'running'",
                  "INDEX sagas_unfinished (state=? AND order_id>?)"},
        std::pair{"FROM coupons WHERE status = 'used'", "INDEX coupons_used_by_order (order_id>?)"},
        std::pair{"FROM reservations WHERE product_id = ?1",
                  "INDEX reservations_live_by_stock (product_id=? AND location_id=?)"}}) {
    SCOPED_TRACE(from);
    int explained = 0;
    for (const std::string& sql : selects) {
      if (sql.find(from) == std::string::npos) continue;
      ++explained;
      const auto plan = query_plan(path_, sql);
      ASSERT_FALSE(plan.empty());
      bool seeks = false;
      for (const std::string& line : plan) {
        EXPECT_FALSE(line.starts_with("SCAN")) << sql << "\n  plan: " << line;
        seeks = seeks || line.find(index) != std::string::npos;
      }
      EXPECT_TRUE(seeks) << sql << "\n  plan: " << plan[0];
    }
    EXPECT_GT(explained, 0);
  }
}

// A write checks each row it writes against the conditions of its table's partial indexes. For
// a condition `x IN (three or more values)` SQLite builds a temporary B-tree of the values in
// every statement that writes the table (OpenEphemeral: eight trees an order); written as ORs of
// equalities (migration 20) the check is a few comparisons. The writes of an order, of its
// cancellation and of a shipment's journey build none (but for RETURNING's own table).
TEST_F(QueryPlanTest, WritesBuildNoTemporaryTreesForPartialIndexConditions) {
  log_->take_writes();
  const auto place = [this] {
    return store_->orders().place(
        {.user_id = "alice", .items = {{"mug", 1}}, .points_to_use = 1000});
  };
  store_->orders().cancel(place().id);
  const Shipment s = store_->shipments().create(
      {.order_id = place().id, .location_id = "default", .tracking_number = "T-2"});
  store_->shipments().dispatch(s.id);
  store_->shipments().track({.shipment_id = {}, .carrier = {}, .tracking_number = "T-2",
                             .event = {ShipmentStatus::kDelivered, 1, {}}});
  const auto writes = log_->take_writes();
  bool outbox = false, orders = false, sagas = false, shipments = false;
  for (const std::string& sql : writes) {
    outbox |= sql.starts_with("INSERT INTO outbox");
    orders |= sql.starts_with("UPDATE orders");
    sagas |= sql.starts_with("UPDATE sagas");
    shipments |= sql.starts_with("UPDATE shipments");
    // A RETURNING clause keeps its rows in a temporary table of its own until the write ends.
    if (sql.find(" RETURNING ") != std::string::npos) continue;
    for (const std::string& opcode : program(path_, sql)) {
      EXPECT_NE(opcode, "OpenEphemeral") << sql;
    }
  }
  EXPECT_TRUE(outbox && orders && sagas && shipments) << writes.size() << " writes";
}

}  // namespace
}  // namespace commerce::testing
