// Migrations on open: concurrent openers migrate a database once, and the roles documented in
// docs/postgres.md are enough (DDL rights only for migrating, plain DML at run time).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "commerce/error.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "storage/postgres/pg_schema.h"

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
