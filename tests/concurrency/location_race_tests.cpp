// Races over stock kept in several locations (issue 17), 2 processes x 8 threads: one product
// whose 100 units are spread over three locations (41/30/29) is bought two units at a time, so
// a unit left alone at a location makes the next order split. Exactly 50 orders win, no
// location ever gives more than it holds, and every location's reserved equals its live rows;
// the same while transfers between two of the locations run.
#include <map>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kUnits = 100;
constexpr std::int64_t kQty = 2;

std::string spread_order(std::int64_t i) { return "spread-" + std::to_string(i); }

void seed_spread_product(Store& store) {
  store.catalog().create({.id = "spread", .name = "Spread item", .price = 5000});
  const std::pair<const char*, std::int64_t> stocked[] = {{"a", 41}, {"b", 30}, {"c", 29}};
  std::int64_t priority = 1;
  for (const auto& [location, units] : stocked) {
    store.locations().create({.id = location, .name = location, .priority = priority++});
    store.stock().adjust("spread", units, "seed", {}, location);
  }
}

// Every location of the product: nothing below zero, reserved = its live rows (read in one
// unit), on_hand untouched by orders (none is paid).
void expect_locations_consistent(Store& store) {
  std::map<std::string, std::int64_t> live;
  std::vector<LocationLevel> rows;
  run_unit(commerce::detail::storage_of(store), Storage::Access::kRead, [&](Transaction& tx) {
    live.clear();
    rows = tx.list_stock_at_locations("spread");
    for (const auto& row : rows) live[row.location_id] = tx.sum_live_reservations("spread", row.location_id);
  });
  std::int64_t on_hand = 0;
  for (const auto& row : rows) {
    EXPECT_GE(row.available, 0) << row.location_id;
    EXPECT_GE(row.on_hand, 0) << row.location_id;
    EXPECT_EQ(row.reserved, live[row.location_id]) << row.location_id;
    on_hand += row.on_hand;
  }
  EXPECT_EQ(on_hand, kUnits);
}

Outcome reserve_two(Store& store, std::int64_t i) {
  try {
    const auto rows = store.stock().reserve(spread_order(i), {{"spread", kQty}});
    std::int64_t qty = 0;
    for (const auto& row : rows) qty += row.qty;
    if (qty != kQty) throw std::runtime_error("a reservation of the wrong size");
    return Outcome::kSucceeded;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kFailedPrecondition && e.reason() == Reason::kOutOfStock) {
      return Outcome::kRefused;
    }
    throw;
  }
}

// After the race: the winners' rows hold every unit, the store checks clean. Without transfers
// some order must have split: a's 41 units cannot all go two at a time from a alone.
void expect_sold_out(Store& store, const std::vector<std::int64_t>& order_winners,
                     bool some_split) {
  EXPECT_EQ(static_cast<std::int64_t>(order_winners.size()), kUnits / kQty);
  EXPECT_EQ(store.stock().level("spread"), (StockLevel{"spread", kUnits, kUnits, 0, 0}));
  std::int64_t held = 0;
  int split = 0;
  for (const std::int64_t i : order_winners) {
    const auto rows = store.stock().reservations(spread_order(i));
    split += rows.size() > 1;
    for (const auto& row : rows) held += row.qty;
  }
  EXPECT_EQ(held, kUnits);
  if (some_split) {
    EXPECT_GE(split, 1) << "no order was split across locations";
  }
  expect_locations_consistent(store);
  const auto report = check_invariants(store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

TEST_P(StorageConcurrency, SplitAllocationRaceSellsExactlyTheStock) {
  constexpr std::int64_t kAttempts = 2'000;
  seed_spread_product(*open_store());
  const auto result = race(kAttempts, reserve_two, [](Store& store) {
    expect_locations_consistent(store);
  });
  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  EXPECT_EQ(result.succeeded, kUnits / kQty);
  EXPECT_EQ(result.refused, kAttempts - kUnits / kQty);
  expect_sold_out(*open_store(), result.winners, true);
}

// Every 4th attempt moves a unit between a and b (one way or the other); a transfer that finds
// nothing available to move is refused naming "qty". Orders still win exactly 50 times: a
// transfer never changes the total nor moves reserved units.
TEST_P(StorageConcurrency, SplitAllocationRaceHoldsWhileTransfersRun) {
  constexpr std::int64_t kAttempts = 2'000;
  seed_spread_product(*open_store());
  const auto is_transfer = [](std::int64_t i) { return i % 4 == 0; };
  const auto result = race(
      kAttempts,
      [&](Store& store, std::int64_t i) {
        if (!is_transfer(i)) return reserve_two(store, i);
        const bool a_to_b = (i / 4) % 2 == 0;
        try {
          store.stock().transfer("spread", a_to_b ? "a" : "b", a_to_b ? "b" : "a", 1, "rebalance");
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::kInvalidArgument && e.subject() == "qty") {
            return Outcome::kRefused;
          }
          throw;
        }
      },
      [](Store& store) { expect_locations_consistent(store); });
  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  std::vector<std::int64_t> order_winners, transfers;
  for (const std::int64_t i : result.winners) (is_transfer(i) ? transfers : order_winners).push_back(i);
  EXPECT_GE(transfers.size(), 1u);
  expect_sold_out(*open_store(), order_winners, false);
}

}  // namespace
}  // namespace commerce::testing
