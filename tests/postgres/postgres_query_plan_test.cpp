// The catalog's reads use their indexes on PostgreSQL: the statement as the library runs it
// (captured through StatementLog) is explained on a connection of its own. Where the test
// catalog is tiny, and a sequential scan cheapest, the explaining connection disables those:
// the plan then shows whether the statement can be answered by the indexes at all (a filter the
// indexes do not cover leaves a sequential scan, disabled or not), which is what a planner with
// the statistics of a large catalog picks for a rare text. The option filter's case loads and
// analyzes a catalog large enough for the planner's own choice.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "commerce/invariants.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "statement_log.h"
#include "storage/postgres/pg_session.h"

namespace commerce {
namespace {

using testing::StatementLog;

// A store on the database at `url` whose read statements are kept in `statements`.
struct LoggedStore {
  explicit LoggedStore(const std::string& url) {
    auto log = std::make_unique<StatementLog>(open_postgres_storage(url), SqlDialect::kPostgres);
    statements = log.get();
    store = Store::open(std::move(log));
  }
  StatementLog* statements = nullptr;
  std::unique_ptr<Store> store;
};

// The last of `selects` that contains `part`, or "".
std::string statement_with(const std::vector<std::string>& selects, const std::string& part) {
  std::string found;
  for (const std::string& text : selects) {
    if (text.find(part) != std::string::npos) found = text;
  }
  return found;
}

// The plan (JSON) of `statement` executed with `arguments` (SQL literals), explained on a
// connection of its own; with `no_seqscan`, sequential scans disabled there.
std::string plan_of(const std::string& url, const std::string& statement,
                    const std::string& arguments, bool no_seqscan) {
  return pgtest::query(url, std::string(no_seqscan ? "SET enable_seqscan = off; " : "") +
                                "PREPARE explained AS " + postgres::dollar_parameters(statement) +
                                "; EXPLAIN (FORMAT JSON) EXECUTE explained(" + arguments + ")");
}

TEST(PostgresQueryPlan, RankedSearchFindsItsMatchesThroughTheTrigramIndexes) {
  const std::string url = pgtest::fresh_database_url();
  LoggedStore s(url);
  s.store->catalog().create({.id = "mug", .name = "Blue mug", .description = "holds coffee"});
  s.store->catalog().create({.id = "cup", .name = "Cup", .description = "not a mug"});
  s.statements->take();

  const auto page = s.store->catalog().list(
      {.text = "mug", .order = ProductOrder::kRelevance}, {}, 10);
  ASSERT_EQ(page.items.size(), 2u);
  const std::string ranking = statement_with(s.statements->take(), "text_similarity");
  ASSERT_FALSE(ranking.empty()) << "no ranking statement ran";
  // Parameters: the cursor's id, the LIKE pattern, the lowered text, the cursor's score, limit.
  const std::string plan =
      plan_of(url, ranking, "'', '%mug%', 'mug', 9223372036854775807, 11", true);
  EXPECT_NE(plan.find("\"products_name_trigrams\""), std::string::npos) << plan;
  EXPECT_NE(plan.find("\"products_description_trigrams\""), std::string::npos) << plan;
  EXPECT_EQ(plan.find("\"Seq Scan\""), std::string::npos) << plan;
}

// The listing's option filter (ProductFilter::options) finds the variants with a value through
// the index product_option_values_by_value, not by scanning the products. A catalog large enough
// for the planner's own choice (sequential scans allowed): 5000 products without options and 50
// parents of 100 variants each, the colours c0..c499 each on 10 variants; analyzed.
TEST(PostgresQueryPlan, OptionFilterFindsTheVariantsThroughTheOptionValuesIndex) {
  const std::string url = pgtest::fresh_database_url();
  pgtest::query(url, R"sql(
INSERT INTO products(id, name, description, price, category, brand, status, attributes,
                     created_at, updated_at, parent_id, options, axes)
  SELECT 'plain-' || lpad(i::text, 4, '0'), 'Plain ' || i, '', 100, '', '', 'active', '{}', 1,
         1, '', '', ''
  FROM generate_series(0, 4999) i;
INSERT INTO products(id, name, description, price, category, brand, status, attributes,
                     created_at, updated_at, parent_id, options, axes)
  SELECT 'tee-' || lpad(p::text, 2, '0'), 'Tee ' || p, '', 100, '', '', 'active', '{}', 1, 1, '',
         '', (SELECT '[["colour",[' || string_agg('"c' || k || '"', ',' ORDER BY k) || ']]]'
              FROM generate_series(0, 499) k)
  FROM generate_series(0, 49) p;
INSERT INTO products(id, name, description, price, category, brand, status, attributes,
                     created_at, updated_at, parent_id, options, axes)
  SELECT 'tee-' || lpad((i / 100)::text, 2, '0') || '-' || lpad(i::text, 4, '0'), 'Tee', '', 100,
         '', '', 'active', '{}', 1, 1, 'tee-' || lpad((i / 100)::text, 2, '0'),
         '{"colour":"c' || (i % 500) || '"}', ''
  FROM generate_series(0, 4999) i;
INSERT INTO product_option_values(product_id, axis, value)
  SELECT id, 'colour', options::json->>'colour' FROM products WHERE parent_id <> '';
ANALYZE;
)sql");
  LoggedStore s(url);
  s.statements->take();

  const auto page = s.store->catalog().list({.options = {{"colour", "c7"}}}, {}, 20);
  ASSERT_EQ(page.items.size(), 10u);
  EXPECT_EQ(page.items[0].id, "tee-00-0007");
  const std::string listing = statement_with(s.statements->take(), "product_option_values");
  ASSERT_FALSE(listing.empty()) << "no listing statement ran";
  // Parameters: the cursor's id, the axis, the value, the limit.
  const std::string plan = plan_of(url, listing, "'', 'colour', 'c7', 21", false);
  EXPECT_NE(plan.find("\"product_option_values_by_value\""), std::string::npos) << plan;
  EXPECT_EQ(plan.find("\"Seq Scan\""), std::string::npos) << plan;
}

// A product's page reads its variants with their availability in one statement, whatever their
// number: the variants from the variants' index by parent, each one's stock rows by the stock's
// key (explained as the ranking above, sequential scans disabled).
TEST(PostgresQueryPlan, ProductPageReadsItsVariantsAndTheirStockInOneStatement) {
  const std::string url = pgtest::fresh_database_url();
  LoggedStore s(url);
  s.store->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M", "L"}}}});
  for (const char* size : {"S", "M", "L"}) {
    s.store->catalog().add_variant(
        "tee", {.id = std::string("tee-") + size, .options = {{"size", size}}, .initial_stock = 2});
  }
  s.statements->take();

  EXPECT_EQ(s.store->catalog().variants("tee").size(), 3u);
  const auto selects = s.statements->take();
  ASSERT_EQ(selects.size(), 2u);  // the product, then its variants with their stock
  // Parameters: the parent, the deleted status.
  const std::string plan = plan_of(url, selects[1], "'tee', 'deleted'", true);
  EXPECT_NE(plan.find("\"products_variant_options\""), std::string::npos) << plan;
  EXPECT_NE(plan.find("\"Index Cond\": \"(product_id = products.id)\""), std::string::npos)
      << plan;  // the stock's key (product_id, location_id)
  EXPECT_EQ(plan.find("\"Seq Scan\""), std::string::npos) << plan;
}

// The erasure of personal data (Store::compact() with retention.personal_data_ms) seeks the
// finished orders and closed carts that still hold an address by age, through the partial
// indexes orders_erasable_by_age and carts_erasable_by_age, not by scanning every finished order
// or closed cart: a store with 20,000 of each, 80 holding an address, analyzed (the planner's own
// choice, sequential scans allowed).
TEST(PostgresQueryPlan, PersonalDataErasureSeeksItsPartialIndexes) {
  const std::string url = pgtest::fresh_database_url();
  {
    LoggedStore migrated(url);  // creates the schema
  }
  pgtest::query(url, R"sql(
INSERT INTO orders(id, user_id, status, subtotal, discount, points_used, total, coupon_id,
                   coupon_required, coupon_applied, coupon_note, payment_method, failure_reason,
                   request_id, expires_at, created_at, updated_at, shipping_address)
  SELECT 'o-' || lpad(i::text, 5, '0'), 'u-' || i,
         (ARRAY['delivered', 'cancelled', 'failed', 'confirmed'])[i % 4 + 1], 0, 0, 0, 0, '', 0,
         0, '', 'card', '', '', i, i, i, CASE WHEN i % 1000 < 4 THEN '{"name":"x"}' ELSE '' END
  FROM generate_series(0, 19999) i;
INSERT INTO carts(id, user_id, status, created_at, updated_at, shipping_address)
  SELECT 'c-' || lpad(i::text, 5, '0'), 'u-' || i, 'checked_out', i, i,
         CASE WHEN i % 1000 < 4 THEN '{"name":"x"}' ELSE '' END
  FROM generate_series(0, 19999) i;
ANALYZE;
)sql");
  StoreOptions options;
  options.retention.personal_data_ms = 1;
  auto log = std::make_unique<StatementLog>(open_postgres_storage(url), SqlDialect::kPostgres);
  StatementLog* statements = log.get();
  const auto store = Store::open(std::move(log), options);
  statements->take_updates();
  const CompactionReport report = store->compact();
  EXPECT_EQ(report.orders_erased, 60);  // the 20 confirmed ones keep theirs
  EXPECT_EQ(report.carts_erased, 80);
  const std::vector<std::string> updates = statements->take_updates();
  // Parameters: the cutoff, the limit (and the orders' erasure time).
  const std::string orders = statement_with(updates, "UPDATE orders SET shipping_address");
  const std::string carts = statement_with(updates, "UPDATE carts SET shipping_address");
  ASSERT_FALSE(orders.empty());
  ASSERT_FALSE(carts.empty());
  const std::string orders_plan = plan_of(url, orders, "20000, 500, 20001", false);
  EXPECT_NE(orders_plan.find("\"orders_erasable_by_age\""), std::string::npos) << orders_plan;
  EXPECT_EQ(orders_plan.find("\"Seq Scan\""), std::string::npos) << orders_plan;
  const std::string carts_plan = plan_of(url, carts, "20000, 500", false);
  EXPECT_NE(carts_plan.find("\"carts_erasable_by_age\""), std::string::npos) << carts_plan;
  EXPECT_EQ(carts_plan.find("\"Seq Scan\""), std::string::npos) << carts_plan;
}

// The walks that read rows of one state find them through an index holding only the rows in that
// state (migration 18): the sweep's orders awaiting payment, recover()'s unfinished sagas, and
// the check's used coupons and live reservations of a stock row. The plans are generic (as a
// statement prepared once and run many times may get), so the index must fit whatever the
// parameters are; sequential scans are disabled, so a statement the partial index does not fit
// shows another index (or a scan) instead of it.
TEST(PostgresQueryPlan, StateWalksUseIndexesOfThatStateOnly) {
  const std::string url = pgtest::fresh_database_url();
  LoggedStore logged(url);
  Store& store = *logged.store;
  store.points().charge("alice", 5000);
  store.catalog().create({.id = "mug", .name = "Mug", .price = 1000, .initial_stock = 50});
  store.orders().place({.user_id = "alice", .items = {{"mug", 1}}, .points_to_use = 1000});
  logged.statements->take();
  store.orders().sweep();
  store.orders().recover();
  EXPECT_TRUE(check_invariants(store).violations.empty());
  const std::vector<std::string> selects = logged.statements->take();
  for (const auto& [part, arguments, index] :
       {std::tuple{"FROM orders WHERE status = 'awaiting_payment'", "0, 100",
                   "orders_awaiting_payment_by_expiry"},
        std::tuple{"FROM sagas WHERE state = ?1 AND (state = 'running'", "'running', '', 100",
                   "sagas_unfinished"},
        std::tuple{"FROM coupons WHERE status = 'used'", "'', 1, 100", "coupons_used_by_order"},
        std::tuple{"FROM reservations WHERE product_id = ?1", "'mug', 'default'",
                   "reservations_live_by_stock"}}) {
    SCOPED_TRACE(part);
    const std::string statement = statement_with(selects, part);
    ASSERT_FALSE(statement.empty());
    const std::string plan = pgtest::query(
        url, "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; "
             "PREPARE explained AS " + postgres::dollar_parameters(statement) +
                 "; EXPLAIN (FORMAT JSON) EXECUTE explained(" + arguments + ")");
    EXPECT_NE(plan.find(std::string("\"") + index + "\""), std::string::npos) << plan;
    EXPECT_EQ(plan.find("\"Seq Scan\""), std::string::npos) << plan;
  }
}

}  // namespace
}  // namespace commerce
