// Migrations on open: concurrent openers migrate a database once, older databases keep their
// rows and behaviour (variants: version 7; locations: version 9), and the roles documented in
// docs/postgres.md are enough (DDL rights only for migrating, plain DML at run time).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "storage/postgres/pg_schema.h"
#include "storage/transaction.h"

namespace commerce {
namespace {

// `url` logging in as `user` (no password: the test server trusts loopback connections).
std::string url_as(const std::string& url, const std::string& user) {
  const auto authority = url.find("://") + 3;
  const auto slash = url.find('/', authority);
  const auto at = url.find('@', authority);
  const auto host = (at != std::string::npos && at < slash) ? at + 1 : authority;
  return url.substr(0, authority) + user + "@" + url.substr(host);
}

TEST(PostgresSchema, ConcurrentOpenersMigrateTheDatabaseOnce) {
  const std::string url = pgtest::empty_database_url();
  constexpr int kOpeners = 8;
  std::atomic<int> opened{0};
  std::vector<std::string> errors(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      try {
        auto storage = open_postgres_storage(url);
        ++opened;
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_TRUE(e.empty()) << e;
  EXPECT_EQ(opened.load(), kOpeners);
  EXPECT_EQ(pgtest::query(url, "SELECT count(*) FROM schema_migrations"),
            std::to_string(postgres_schema_version()));
  EXPECT_EQ(pgtest::query(url, "SELECT max(version) FROM schema_migrations"),
            std::to_string(postgres_schema_version()));
}

TEST(PostgresSchema, RunTimeRoleNeedsOnlyDataRightsOnceMigrated) {
  const std::string url = pgtest::empty_database_url();
  const std::string role = "commerce_app_" + std::to_string(::getpid());
  pgtest::query(url, "CREATE ROLE " + role + " LOGIN");
  const std::string app_url = url_as(url, role);

  // Without CREATE on the schema (PostgreSQL 15 revokes it from PUBLIC) the role cannot
  // migrate: a clear FailedPrecondition naming the privilege problem, not a retry loop.
  try {
    open_postgres_storage(app_url);
    ADD_FAILURE() << "a role without CREATE migrated the database";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition) << e.what();
    EXPECT_NE(std::string(e.what()).find("privilege"), std::string::npos) << e.what();
  }

  // Migrated by the owner, then the run-time grants of docs/postgres.md.
  open_postgres_storage(url);
  pgtest::query(url, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " +
                         role);
  {
    auto store = Store::open(app_url);
    store->catalog().create({.id = "sku-1", .name = "Mug", .price = 100, .initial_stock = 3});
    store->stock().reserve("order-1", {{"sku-1", 2}});
    store->stock().commit("order-1");
    store->points().charge("user-1", 500, "charge-1");
    EXPECT_EQ(store->stock().level("sku-1").sold, 2);
    EXPECT_EQ(store->points().balance("user-1"), 500);
  }
  pgtest::query(url, "DROP OWNED BY " + role);
  pgtest::query(url, "DROP ROLE " + role);
}

// Migration 8 adds variants: a database made at version 7 keeps its products as top-level
// products without axes, each still its own sellable unit with its stock and reservations, and
// takes variants from then on.
TEST(PostgresSchema, ProductsBeforeVariantsStayTopLevelAndSellable) {
  const std::string url = pgtest::empty_database_url();
  {
    postgres::Connection conn(url, 10, "migration-test");
    postgres::migrate(conn, 7);
  }
  pgtest::query(url, R"sql(
INSERT INTO products VALUES('mug', 'Mug', 'Holds coffee', 1000, '', 'Acme', 'active', '{}', 10, 20);
INSERT INTO stock VALUES('mug', 5, 2, 1);
INSERT INTO reservations(order_id, product_id, qty, expires_at, state)
  VALUES('o1', 'mug', 2, 99999999999999, 'live');
)sql");
  auto store = Store::open(open_postgres_storage(url));
  const Product mug = store->catalog().get("mug");
  EXPECT_EQ(mug.updated_at, 20);
  EXPECT_TRUE(mug.parent_id.empty());
  EXPECT_TRUE(mug.options.empty());
  EXPECT_TRUE(mug.axes.empty());
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 5, 2, 3, 1}));
  EXPECT_EQ(store->catalog().variants("mug"), (std::vector<VariantAvailability>{{mug, 3}}));
  EXPECT_EQ(store->catalog().list({.parent_id = ""}).items, (std::vector<Product>{mug}));
  store->stock().reserve("o2", {{"mug", 3}});
  EXPECT_EQ(store->stock().level("mug").available, 0);
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

// Migration 19 drops the unique index on an event's id: the events a database made at version
// 18 holds read back as they were, and the outbox's only indexes left are its seq's and the
// partial ones.
TEST(PostgresSchema, TheOutboxKeepsItsEventsWithoutAnIndexOnTheirIds) {
  const std::string url = pgtest::empty_database_url();
  {
    postgres::Connection conn(url, 10, "migration-test");
    postgres::migrate(conn, 18);
  }
  pgtest::query(url, R"sql(
INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES ('e1', 'OrderCreated', 1, 'order-events', 'o1', 100, '', '{}'),
         ('e2', 'PointUsed', 1, 'user-events', 'u1', 100, 'r1', '{"amount":5}');
)sql");
  auto storage = open_postgres_storage(url);
  run_unit(*storage, Storage::Access::kRead, [&](Transaction& tx) {
    const auto events = tx.read_outbox(0, 10);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].id, "e2");
    EXPECT_EQ(events[1].payload, R"({"amount":5})");
  });
  EXPECT_EQ(pgtest::query(url, "SELECT string_agg(indexname, ',' ORDER BY indexname) "
                               "FROM pg_indexes WHERE tablename = 'outbox'"),
            "outbox_order_ends,outbox_pending,outbox_pkey,outbox_waiting_by_key");
}

// Migration 10 keeps stock per (product, location): a database made at version 9 (variants,
// one stock counter per product) opens with every stock row, adjustment and reservation at the
// location "default", its orders, points and counters as they were, checks clean, and reserves,
// commits, releases, places and cancels as before.
TEST(PostgresSchema, StockMovesToTheDefaultLocationAndBehavesAsBefore) {
  const std::string url = pgtest::empty_database_url();
  {
    postgres::Connection conn(url, 10, "migration-test");
    postgres::migrate(conn, 9);
  }
  // o1: a bare reservation of mug and tee-s (live); o2: a confirmed order paid by points (its
  // reservation committed); o4: a failed order (its reservation released).
  pgtest::query(url, R"sql(
INSERT INTO products VALUES
  ('mug', 'Mug', '', 1000, '', 'Acme', 'active', '{}', 100, 100, '', '', ''),
  ('tee', 'Tee', '', 2000, '', 'Acme', 'active', '{}', 100, 100, '', '', '[["size",["S","M"]]]'),
  ('tee-s', 'Tee (S)', '', 2000, '', 'Acme', 'active', '{}', 100, 100, 'tee', '{"size":"S"}', '');
INSERT INTO product_option_values VALUES('tee-s', 'size', 'S');
INSERT INTO stock VALUES('mug', 5, 2, 1), ('tee', 0, 0, 0), ('tee-s', 4, 1, 0);
INSERT INTO stock_adjustments VALUES('adj-1', 'mug', 6, 'initial', 100),
                                    ('adj-2', 'tee-s', 4, 'initial', 100);
INSERT INTO reservations VALUES('o1', 'mug', 2, 4102444800000, 'live'),
                               ('o1', 'tee-s', 1, 4102444800000, 'live'),
                               ('o2', 'mug', 1, 4102444800000, 'committed'),
                               ('o4', 'tee-s', 1, 4102444800000, 'released');
INSERT INTO point_balances VALUES('u1', 500);
INSERT INTO point_entries VALUES('pe-1', 'u1', 'charge', 1500, 1500, '', 'welcome', '', 90),
                                ('pe-2', 'u1', 'use', -1000, 500, 'o2', 'order', '', 100);
INSERT INTO orders VALUES
  ('o2', 'u1', 'confirmed', 1000, 0, 1000, 0, '', 0, 0, '', '', '', '', 900, 100, 200),
  ('o4', 'u1', 'failed', 2000, 0, 0, 2000, '', 0, 0, '', 'card', 'card declined', '', 900, 110,
   210);
INSERT INTO order_items VALUES('o2', 'mug', 'Mug', 1000, 1, 1000),
                              ('o4', 'tee-s', 'Tee (S)', 2000, 1, 2000);
INSERT INTO sagas VALUES('o2', 'confirmed', 4, 3, 'stock,points,coupon,payment', '', 200),
                        ('o4', 'failed', 3, 3, 'stock,points,coupon,payment', 'card declined',
                         210);
INSERT INTO outbox(id, type, schema_version, topic, key, occurred_at, request_id, payload)
  VALUES ('e1', 'OrderCreated', 1, 'order-events', 'o2', 100, '', '{}'),
         ('e2', 'OrderConfirmed', 1, 'order-events', 'o2', 150, '', '{}'),
         ('e3', 'OrderCreated', 1, 'order-events', 'o4', 110, '', '{}'),
         ('e4', 'OrderFailed', 1, 'order-events', 'o4', 160, '', '{}');
)sql");
  auto store = Store::open(open_postgres_storage(url));
  EXPECT_EQ(pgtest::query(url, "SELECT max(version) FROM schema_migrations"),
            std::to_string(postgres_schema_version()));

  // One location, "default", holding every counter.
  const auto locations = store->locations().list();
  ASSERT_EQ(locations.size(), 1u);
  EXPECT_EQ(locations[0].id, "default");
  EXPECT_TRUE(locations[0].active);
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 5, 2, 3, 1}));
  EXPECT_EQ(store->stock().level("tee-s"), (StockLevel{"tee-s", 4, 1, 3, 0}));
  for (const char* product : {"mug", "tee", "tee-s"}) {
    const auto levels = store->stock().levels(product);
    ASSERT_EQ(levels.size(), 1u) << product;
    EXPECT_EQ(levels[0].location_id, "default") << product;
    EXPECT_EQ(levels[0].backorder_room, 0) << product;
    EXPECT_EQ(levels[0].low_threshold, 0) << product;
  }
  const Product tee_s = store->catalog().get("tee-s");
  EXPECT_EQ(store->catalog().variants("tee"), (std::vector<VariantAvailability>{{tee_s, 3}}));

  // Every reservation at "default", in its state.
  const auto held = store->stock().reservations("o1");
  ASSERT_EQ(held.size(), 2u);
  for (const auto& row : held) {
    EXPECT_EQ(row.location_id, "default");
    EXPECT_EQ(row.state, ReservationState::kLive);
    EXPECT_EQ(row.backordered, 0);
  }
  EXPECT_EQ(held[0].qty + held[1].qty, 3);
  ASSERT_EQ(store->stock().reservations("o2").size(), 1u);
  EXPECT_EQ(store->stock().reservations("o2")[0].state, ReservationState::kCommitted);
  EXPECT_EQ(store->stock().reservations("o2")[0].location_id, "default");
  ASSERT_EQ(store->stock().reservations("o4").size(), 1u);
  EXPECT_EQ(store->stock().reservations("o4")[0].state, ReservationState::kReleased);

  // The orders and the points as they were.
  const Order o2 = store->orders().get("o2");
  EXPECT_EQ(o2.status, OrderStatus::kConfirmed);
  EXPECT_EQ(o2.subtotal, 1000);
  EXPECT_EQ(o2.points_used, 1000);
  EXPECT_EQ(o2.total, 0);
  ASSERT_EQ(o2.items.size(), 1u);
  EXPECT_EQ(o2.items[0].product_id, "mug");
  EXPECT_EQ(o2.items[0].qty, 1);
  EXPECT_EQ(o2.region, "");
  EXPECT_EQ(o2.updated_at, 200);
  const Order o4 = store->orders().get("o4");
  EXPECT_EQ(o4.status, OrderStatus::kFailed);
  EXPECT_EQ(o4.failure_reason, "card declined");
  EXPECT_EQ(o4.total, 2000);
  EXPECT_EQ(store->orders().list_for_user("u1").items.size(), 2u);
  EXPECT_EQ(store->points().balance("u1"), 500);
  EXPECT_EQ(store->points().history("u1").items.size(), 2u);
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << " "
                           << report.violations.front().detail;

  // As before: the 3 available units of mug and no more; release, commit.
  const auto rows = store->stock().reserve("o5", {{"mug", 3}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].location_id, "default");
  try {
    store->stock().reserve("o6", {{"mug", 1}});
    ADD_FAILURE() << "a 4th unit of mug was reserved";
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kOutOfStock);
    EXPECT_EQ(e.subject(), "mug");
  }
  store->stock().release("o1");
  store->stock().commit("o5");
  EXPECT_EQ(store->stock().level("mug"), (StockLevel{"mug", 2, 0, 2, 4}));
  EXPECT_EQ(store->stock().level("tee-s"), (StockLevel{"tee-s", 4, 0, 4, 0}));

  // An order placed and cancelled: its stock and points come back.
  store->points().charge("u1", 2000);
  const Order placed =
      store->orders().place({.user_id = "u1", .items = {{"tee-s", 1}}, .points_to_use = 2000});
  EXPECT_EQ(placed.status, OrderStatus::kConfirmed);
  EXPECT_EQ(store->stock().reservations(placed.id).at(0).location_id, "default");
  EXPECT_EQ(store->stock().level("tee-s").available, 3);
  EXPECT_EQ(store->points().balance("u1"), 500);
  EXPECT_EQ(store->orders().cancel(placed.id, "customer asked").status, OrderStatus::kCancelled);
  EXPECT_EQ(store->stock().level("tee-s").available, 4);
  EXPECT_EQ(store->points().balance("u1"), 2500);
  EXPECT_TRUE(check_invariants(*store, true).ok());
}

TEST(PostgresSchema, BadUrlsAndOptionsAreInvalidArguments) {
  auto subject = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
      return e.subject();
    }
    return std::string("<no error>");
  };
  EXPECT_EQ(subject([] { open_postgres_storage("mysql://localhost/db"); }), "url");
  EXPECT_EQ(subject([] { open_postgres_storage("postgresql://host:notaport:1/db?x"); }), "url");
  EXPECT_EQ(subject([] { open_postgres_storage(pgtest::server_url(), {.pool_size = 0}); }),
            "pool_size");
  EXPECT_EQ(subject([] { open_postgres_storage(pgtest::server_url(), {.retry_budget_ms = -1}); }),
            "retry_budget_ms");
}

TEST(PostgresSchema, AnUnreachableServerIsUnavailableAndTheUrlHidesThePassword) {
  // Port 1 on the loopback interface: nothing listens there.
  PostgresOptions options;
  options.retry_budget_ms = 300;
  try {
    open_postgres_storage("postgresql://shop:s3cret@127.0.0.1:1/shop", options);
    ADD_FAILURE() << "opened a database on port 1";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
    EXPECT_EQ(e.subject(), "postgresql://shop@127.0.0.1:1/shop");
  }
}

}  // namespace
}  // namespace commerce
