// Races over a product's variants, 2 processes x 8 threads: every worker adds a variant with the
// same option values to one parent at once. Exactly one wins each combination; every other gets
// what a duplicate gets alone (FailedPrecondition naming "options", or naming the id when the
// id is taken too), never a storage error, and one variant row exists per combination.
#include <algorithm>
#include <set>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kRounds = 10;  // one option value per round, raced by every worker

// Attempt i of a race with `workers` workers: round i / workers, the option value "<round>".
// Even rounds: each attempt its own id, so only the options clash. Odd rounds: one id for the
// round as well, so the id clashes first.
struct VariantAttempt {
  std::int64_t round;
  std::string id;
  std::string value;

  VariantAttempt(std::int64_t i, std::int64_t workers)
      : round(i / workers),
        id(round % 2 == 1 ? "tee-round-" + std::to_string(round) : "tee-" + std::to_string(i)),
        value(std::to_string(round)) {}
  // The subject of a single-threaded duplicate's FailedPrecondition.
  std::string refusal_subject() const { return round % 2 == 1 ? id : "options"; }
};

// The parent's variants (read in one unit): never two with the same option values.
std::vector<Product> expect_distinct_options(Store& store) {
  const auto variants = run_unit(commerce::detail::storage_of(store), Storage::Access::kRead,
                                 [](Transaction& tx) { return tx.find_variants("tee"); });
  std::set<OptionValues> seen;
  for (const Product& v : variants) {
    EXPECT_TRUE(seen.insert(v.options).second) << "two variants of tee have the options of "
                                               << v.id;
  }
  return variants;
}

TEST_P(StorageConcurrency, VariantRaceAddsOneVariantPerOptionValues) {
  const std::int64_t workers = kProcesses * kThreadsPerProcess;
  {
    std::vector<std::string> values;
    for (std::int64_t r = 0; r < kRounds; ++r) values.push_back(std::to_string(r));
    open_store()->catalog().create({.id = "tee", .name = "Tee", .axes = {{"n", values}}});
  }
  const auto result = race(
      kRounds * workers,
      [&](Store& store, std::int64_t i) {
        const VariantAttempt a(i, workers);
        try {
          store.catalog().add_variant(
              "tee", {.id = a.id, .options = {{"n", a.value}}, .initial_stock = 1});
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::kFailedPrecondition && e.reason() == Reason::kNone &&
              e.subject() == a.refusal_subject()) {
            return Outcome::kRefused;
          }
          throw;
        }
      },
      [](Store& store) { expect_distinct_options(store); });
  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  EXPECT_EQ(result.succeeded, kRounds);
  EXPECT_EQ(result.refused, kRounds * (workers - 1));

  auto store = open_store();
  std::set<std::int64_t> rounds_won;
  for (const std::int64_t i : result.winners) {
    const VariantAttempt a(i, workers);
    EXPECT_TRUE(rounds_won.insert(a.round).second) << "round " << a.round << " won twice";
    EXPECT_EQ(store->catalog().get(a.id).options, (OptionValues{{"n", a.value}}));
    EXPECT_EQ(store->stock().level(a.id).on_hand, 1);
  }
  EXPECT_EQ(static_cast<std::int64_t>(expect_distinct_options(*store).size()), kRounds);
  // A loser with an id of its own left no product behind.
  for (std::int64_t i = 0; i < kRounds * workers; ++i) {
    const VariantAttempt a(i, workers);
    if (a.round % 2 == 1 || std::ranges::find(result.winners, i) != result.winners.end()) continue;
    try {
      store->catalog().get(a.id);
      ADD_FAILURE() << "the refused variant " << a.id << " exists";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kNotFound) << e.what();
    }
  }
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
