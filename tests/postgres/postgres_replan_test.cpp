// A stale allocation plan, forced on purpose: while the strategy plans a reservation's first
// attempt, another Store on the same database shrinks the location it is about to plan from
// (a stock adjustment, committed before plan() returns). The planned conditional update is then
// refused, and the reservation re-plans (attempt 2, from a locking read) onto another location,
// or fails kOutOfStock with nothing of its own written.
//
// PostgreSQL only: on SQLite a write unit runs in BEGIN IMMEDIATE, so the unit that reads the
// stock rows for the plan already holds the database's write lock; no other connection can
// change a stock row between that read and the updates (a write from a second Store inside
// plan() would wait on the lock this very unit holds), so a SQLite store never sees a stale
// plan. On PostgreSQL (READ COMMITTED) the first attempt reads the stock rows without locking,
// so a concurrent commit can make its plan stale, and the update's WHERE clause refuses it.
//
// Why a shrink and not a second reservation: every reservation reads its products FOR NO KEY
// UPDATE first (the order's price snapshot, or the product check of StockLedger::reserve), so a
// second reservation of the same product waits for this unit to end (it would hang inside
// plan()). A shrink of an existing stock row locks that row only, and so can go first; so can
// lowering a backorder limit.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "commerce/allocation.h"
#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/postgres_storage.h"
#include "commerce/store.h"
#include "pg_test_support.h"

namespace commerce {
namespace {

// Plans by priority; on a reservation's first attempt it first has `other` shrink every line's
// product at the first location (by priority) that has units available, by all of them, then
// returns the plan of what it was shown: a stale plan.
class DrainingFirstAttempt final : public AllocationStrategy {
 public:
  explicit DrainingFirstAttempt(Store* other) : other_(other) {}
  std::string name() const override { return "draining_first_attempt"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    {
      std::lock_guard lock(mu_);
      attempts_.push_back(request.attempt);
    }
    if (request.attempt == 1) {
      for (const auto& line : request.lines) {
        const auto first = std::ranges::find_if(line.options, [](const StockOption& o) {
          return o.available > 0;
        });
        // Its own connection: committed before this plan is returned.
        other_->stock().adjust(line.product_id, -first->available, "shrink", {}, first->location_id);
      }
    }
    return priority_allocation()->plan(request);
  }
  std::vector<int> attempts() const {
    std::lock_guard lock(mu_);
    return attempts_;
  }

 private:
  Store* other_;
  mutable std::mutex mu_;
  mutable std::vector<int> attempts_;
};

struct Stores {
  std::unique_ptr<Store> other;
  std::shared_ptr<DrainingFirstAttempt> strategy;
  std::unique_ptr<Store> store;
};

// Locations a, b (priorities 1, 2) and product p with units_at_a / units_at_b there.
Stores open_stores(std::int64_t units_at_a, std::int64_t units_at_b) {
  const std::string url = pgtest::fresh_schema_url();
  Stores s;
  s.other = Store::open(url);
  s.other->catalog().create({.id = "p", .name = "p", .price = 100});
  s.other->locations().create({.id = "a", .name = "a", .priority = 1});
  s.other->locations().create({.id = "b", .name = "b", .priority = 2});
  s.other->stock().adjust("p", units_at_a, "seed", {}, "a");
  if (units_at_b > 0) s.other->stock().adjust("p", units_at_b, "seed", {}, "b");
  s.strategy = std::make_shared<DrainingFirstAttempt>(s.other.get());
  StoreOptions options;
  options.allocation_strategy = s.strategy;
  s.store = Store::open(url, options);
  return s;
}

LocationLevel level_at(Store& store, const std::string& location) {
  for (const auto& l : store.stock().levels("p")) {
    if (l.location_id == location) return l;
  }
  ADD_FAILURE() << "no stock row at " << location;
  return {};
}

TEST(PostgresReplan, AStalePlanIsReplannedOntoAnotherLocation) {
  Stores s = open_stores(2, 2);
  const auto rows = s.store->stock().reserve("o1", {{"p", 2}});
  EXPECT_EQ(s.strategy->attempts(), (std::vector<int>{1, 2}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].location_id, "b");
  EXPECT_EQ(rows[0].qty, 2);
  const LocationLevel a = level_at(*s.store, "a");
  EXPECT_EQ(a.on_hand, 0);  // shrunk by the other store
  EXPECT_EQ(a.reserved, 0);
  EXPECT_EQ(level_at(*s.store, "b").reserved, 2);
  const auto report = check_invariants(*s.store, false);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.violations.front().detail);
}

TEST(PostgresReplan, AStalePlanWithNothingLeftElsewhereIsOutOfStockAndChangesNothing) {
  Stores s = open_stores(2, 0);
  try {
    s.store->stock().reserve("o1", {{"p", 2}});
    ADD_FAILURE() << "reserved units the other store had shrunk away";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition) << e.what();
    EXPECT_EQ(e.reason(), Reason::kOutOfStock) << e.what();
  }
  EXPECT_EQ(s.strategy->attempts(), (std::vector<int>{1}));  // the shortage is seen before a plan
  EXPECT_TRUE(s.store->stock().reservations("o1").empty());
  // Only the shrink moved anything: the counters are as it left them.
  const LocationLevel a = level_at(*s.store, "a");
  EXPECT_EQ(a.on_hand, 0);
  EXPECT_EQ(a.reserved, 0);
  EXPECT_EQ(a.sold, 0);
  EXPECT_EQ(s.store->stock().level("p").available, 0);
  const auto report = check_invariants(*s.store, false);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.violations.front().detail);
}

}  // namespace
}  // namespace commerce
