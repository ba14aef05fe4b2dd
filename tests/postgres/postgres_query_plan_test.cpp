// A ranked product search (ProductOrder::kRelevance) finds its matches through the trigram
// indexes on PostgreSQL: the statement as the library runs it (captured through
// StatementLog) is explained on a connection of its own. The test catalog is tiny, where a
// sequential scan is cheapest, so the explaining connection disables those: the plan then
// shows whether the statement can be answered by the indexes at all (a filter the indexes do
// not cover leaves a sequential scan, disabled or not), which is what a planner with the
// statistics of a large catalog picks for a rare text.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"
#include "statement_log.h"
#include "storage/postgres/pg_session.h"

namespace commerce {
namespace {

using testing::StatementLog;

TEST(PostgresQueryPlan, RankedSearchFindsItsMatchesThroughTheTrigramIndexes) {
  const std::string url = pgtest::fresh_database_url();
  auto log = std::make_unique<StatementLog>(open_postgres_storage(url), SqlDialect::kPostgres);
  StatementLog& statements = *log;
  auto store = Store::open(std::move(log));
  store->catalog().create({.id = "mug", .name = "Blue mug", .description = "holds coffee"});
  store->catalog().create({.id = "cup", .name = "Cup", .description = "not a mug"});
  statements.take();

  const auto page = store->catalog().list(
      {.text = "mug", .order = ProductOrder::kRelevance}, {}, 10);
  ASSERT_EQ(page.items.size(), 2u);
  std::string ranking;
  for (const std::string& text : statements.take()) {
    if (text.find("text_similarity") != std::string::npos) ranking = text;
  }
  ASSERT_FALSE(ranking.empty()) << "no ranking statement ran";
  // Parameters: the cursor's id, the LIKE pattern, the lowered text, the cursor's score, limit.
  const std::string plan = pgtest::query(
      url, "SET enable_seqscan = off; PREPARE ranking AS " + postgres::dollar_parameters(ranking) +
               "; EXPLAIN (FORMAT JSON) EXECUTE ranking('', '%mug%', 'mug', "
               "9223372036854775807, 11)");
  EXPECT_NE(plan.find("\"products_name_trigrams\""), std::string::npos) << plan;
  EXPECT_NE(plan.find("\"products_description_trigrams\""), std::string::npos) << plan;
  EXPECT_EQ(plan.find("\"Seq Scan\""), std::string::npos) << plan;
}

}  // namespace
}  // namespace commerce
