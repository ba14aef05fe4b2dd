// The built-in allocation strategies on fixed cases, and checked_plan's refusals (no store: the
// allocation layer is pure).
#include "commerce/allocation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "commerce/error.h"

namespace commerce {
namespace {

StockOption at(std::string location_id, std::int64_t available, std::int64_t priority,
               std::string region = "", std::int64_t backorder_room = 0) {
  return StockOption{std::move(location_id), available, backorder_room, priority,
                     std::move(region)};
}

AllocationRequest order(std::vector<AllocationLine> lines, std::string region = "") {
  return AllocationRequest{"o1", std::move(region), std::move(lines), 1};
}

std::vector<Allocation> planned(const std::shared_ptr<const AllocationStrategy>& strategy,
                                const AllocationRequest& request) {
  return checked_plan(*strategy, request);
}

// A host strategy that returns a fixed plan.
class FixedPlan final : public AllocationStrategy {
 public:
  explicit FixedPlan(std::vector<Allocation> plan) : plan_(std::move(plan)) {}
  std::string name() const override { return "fixed"; }
  std::vector<Allocation> plan(const AllocationRequest&) const override { return plan_; }

 private:
  std::vector<Allocation> plan_;
};

// The InvalidArgument checked_plan refuses `plan` with for `request`; fails the test otherwise.
Error refusal(const AllocationStrategy& strategy, const AllocationRequest& request) {
  try {
    checked_plan(strategy, request);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    EXPECT_EQ(e.subject(), "allocation_strategy");
    return e;
  }
  ADD_FAILURE() << "the plan was accepted";
  return Error::internal("accepted");
}

std::string refusal_of(std::vector<Allocation> plan, const AllocationRequest& request) {
  const std::string message = refusal(FixedPlan(std::move(plan)), request).what();
  EXPECT_NE(message.find("strategy 'fixed'"), std::string::npos) << message;
  return message;
}

// p1: 5 units from L1 (3), L2 (2, room 1); p2: 1 unit from L1 (1), L3 (4).
AllocationRequest two_lines() {
  return order({{"p1", 5, {at("L1", 3, 1), at("L2", 2, 2, "", 1)}},
                {"p2", 1, {at("L1", 1, 1), at("L3", 4, 3)}}});
}

// ---- priority

TEST(PriorityAllocation, SplitsALineAcrossLocationsInPriorityOrder) {
  const auto request = order({{"p1", 7, {at("L3", 10, 3), at("L1", 2, 1), at("L2", 3, 2)}}});
  EXPECT_EQ(planned(priority_allocation(), request),
            (std::vector<Allocation>{{"p1", "L1", 2}, {"p1", "L2", 3}, {"p1", "L3", 2}}));
  const auto small = order({{"p1", 2, {at("L3", 10, 3), at("L1", 2, 1), at("L2", 3, 2)}}});
  EXPECT_EQ(planned(priority_allocation(), small), (std::vector<Allocation>{{"p1", "L1", 2}}));
  EXPECT_EQ(priority_allocation()->name(), "priority");
}

TEST(PriorityAllocation, UsesBackorderRoomOnlyAfterEveryLocationsAvailableUnits) {
  // L1 may backorder 5, but L2's 3 available units are taken first.
  const auto request = order({{"p1", 7, {at("L1", 2, 1, "", 5), at("L2", 3, 2)}}});
  const auto plan = priority_allocation()->plan(request);
  EXPECT_EQ(plan, (std::vector<Allocation>{{"p1", "L1", 4}, {"p1", "L2", 3}}));  // one per place
  EXPECT_EQ(checked_plan(*priority_allocation(), request), plan);
  // Already backordered there (available -2): only the room left is given.
  const auto backordered = order({{"p1", 4, {at("L1", -2, 1, "", 3), at("L2", 1, 2)}}});
  EXPECT_EQ(planned(priority_allocation(), backordered),
            (std::vector<Allocation>{{"p1", "L1", 3}, {"p1", "L2", 1}}));
}

TEST(PriorityAllocation, BreaksPriorityTiesByLocationId) {
  const auto request = order({{"p1", 3, {at("b", 2, 1), at("c", 5, 0), at("a", 2, 1)}}});
  EXPECT_EQ(planned(priority_allocation(), request),
            (std::vector<Allocation>{{"p1", "c", 3}}));
  const auto tied = order({{"p1", 3, {at("b", 2, 1), at("a", 2, 1)}}});
  EXPECT_EQ(planned(priority_allocation(), tied),
            (std::vector<Allocation>{{"p1", "a", 2}, {"p1", "b", 1}}));
}

TEST(PriorityAllocation, ALineThatCannotBeFilledIsRefusedNotPlannedShort) {
  const auto request = order({{"p1", 6, {at("L1", 2, 1, "", 1), at("L2", 2, 2)}}});
  try {
    priority_allocation()->plan(request);
    ADD_FAILURE() << "planned";
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kOutOfStock);
    EXPECT_EQ(e.subject(), "p1");
  }
  const std::string message = refusal(*priority_allocation(), request).what();
  EXPECT_NE(message.find("strategy 'priority' failed"), std::string::npos) << message;
  EXPECT_NE(message.find("only 5 of the 6 units of 'p1'"), std::string::npos) << message;
}

// ---- fewest shipments

TEST(FewestShipmentsAllocation, PicksTheOneLocationThatFillsEveryLineEvenAtLowerPriority) {
  const auto request = order({{"p1", 3, {at("L1", 3, 1), at("L2", 5, 5)}},
                              {"p2", 2, {at("L1", 1, 1), at("L2", 5, 5)}}});
  EXPECT_EQ(planned(fewest_shipments_allocation(), request),
            (std::vector<Allocation>{{"p1", "L2", 3}, {"p2", "L2", 2}}));
  // By priority the same order ships from both.
  EXPECT_EQ(planned(priority_allocation(), request),
            (std::vector<Allocation>{{"p1", "L1", 3}, {"p2", "L1", 1}, {"p2", "L2", 1}}));
  EXPECT_EQ(fewest_shipments_allocation()->name(), "fewest_shipments");
}

TEST(FewestShipmentsAllocation, FallsBackToAGreedySetCoverWhenNoLocationFillsEverything) {
  // L2 covers 5 missing units, L1 and L3 4 each: L2 first; then L3 covers p2's remaining 3.
  const auto request = order({{"p1", 4, {at("L1", 2, 1), at("L2", 4, 2)}},
                              {"p2", 4, {at("L1", 2, 1), at("L2", 1, 2), at("L3", 4, 3)}}});
  EXPECT_EQ(planned(fewest_shipments_allocation(), request),
            (std::vector<Allocation>{{"p1", "L2", 4}, {"p2", "L2", 1}, {"p2", "L3", 3}}));
  // By priority: three locations.
  EXPECT_EQ(planned(priority_allocation(), request),
            (std::vector<Allocation>{
                {"p1", "L1", 2}, {"p1", "L2", 2}, {"p2", "L1", 2}, {"p2", "L2", 1}, {"p2", "L3", 1}}));
}

TEST(FewestShipmentsAllocation, BreaksCoverTiesByPriorityThenId) {
  // Every location covers 2 units: priority 1 wins, then "a" before "b" at priority 2.
  const auto request = order({{"p1", 5, {at("b", 2, 2), at("c", 2, 1), at("a", 2, 2)}}});
  EXPECT_EQ(fewest_shipments_allocation()->plan(request),
            (std::vector<Allocation>{{"p1", "c", 2}, {"p1", "a", 2}, {"p1", "b", 1}}));
}

TEST(FewestShipmentsAllocation, BackordersAtAChosenLocationBeforeAddingAnother) {
  // Available covers 4 of 5 from L1 and L3; the fifth is backordered at L3 (chosen), not at L2.
  const auto request =
      order({{"p1", 5, {at("L1", 2, 1), at("L2", 0, 2, "", 10), at("L3", 2, 3, "", 10)}}});
  EXPECT_EQ(planned(fewest_shipments_allocation(), request),
            (std::vector<Allocation>{{"p1", "L1", 2}, {"p1", "L3", 3}}));
}

TEST(FewestShipmentsAllocation, CountsCoverWithoutOverflow) {
  // L2 covers 2 x INT64_MAX units (saturated), more than L1's INT64_MAX - 1.
  constexpr std::int64_t kHuge = INT64_MAX;
  const auto request = order({{"p1", kHuge, {at("L1", kHuge - 1, 1), at("L2", kHuge, 2)}},
                              {"p2", kHuge, {at("L2", kHuge, 2)}}});
  EXPECT_EQ(planned(fewest_shipments_allocation(), request),
            (std::vector<Allocation>{{"p1", "L2", kHuge}, {"p2", "L2", kHuge}}));
}

// ---- region first

TEST(RegionFirstAllocation, FillsFromTheOrdersRegionFirstThenByPriority) {
  const std::vector<AllocationLine> lines{
      {"p1", 5, {at("L1", 3, 1, "eu"), at("L2", 3, 2, "us"), at("L3", 3, 3, "us")}},
      {"p2", 4, {at("L1", 3, 1, "eu"), at("L3", 3, 3, "us")}}};
  EXPECT_EQ(planned(region_first_allocation(), order(lines, "us")),
            (std::vector<Allocation>{
                {"p1", "L2", 3}, {"p1", "L3", 2}, {"p2", "L1", 1}, {"p2", "L3", 3}}));
  EXPECT_EQ(planned(region_first_allocation(), order(lines, "eu")),
            (std::vector<Allocation>{
                {"p1", "L1", 3}, {"p1", "L2", 2}, {"p2", "L1", 3}, {"p2", "L3", 1}}));
  // No region, or one without locations: by priority.
  const auto by_priority = planned(priority_allocation(), order(lines));
  EXPECT_EQ(planned(region_first_allocation(), order(lines)), by_priority);
  EXPECT_EQ(planned(region_first_allocation(), order(lines, "asia")), by_priority);
  EXPECT_EQ(region_first_allocation()->name(), "region_first");
}

TEST(RegionFirstAllocation, UsesBackorderRoomInTheRegionOnlyAfterAllAvailableUnits) {
  const auto request = order({{"p1", 4, {at("L1", 2, 1, "eu"), at("L2", 1, 2, "us", 5)}}}, "us");
  EXPECT_EQ(planned(region_first_allocation(), request),
            (std::vector<Allocation>{{"p1", "L1", 2}, {"p1", "L2", 2}}));
}

// The example of docs/stock-locations.md.
TEST(BuiltInStrategies, DocumentedExample) {
  auto mugs = [](std::int64_t qty, std::int64_t seoul_room) {
    return AllocationLine{"mug", qty,
                          {at("seoul", 3, 1, "asia", seoul_room), at("berlin", 1, 2, "eu"),
                           at("texas", 4, 3, "us")}};
  };
  const AllocationLine tees{"tee", 2,
                            {at("seoul", 0, 1, "asia"), at("berlin", 2, 2, "eu"),
                             at("texas", 2, 3, "us")}};
  const auto request = order({mugs(4, 0), tees}, "eu");
  EXPECT_EQ(planned(priority_allocation(), request),
            (std::vector<Allocation>{{"mug", "berlin", 1}, {"mug", "seoul", 3}, {"tee", "berlin", 2}}));
  EXPECT_EQ(planned(fewest_shipments_allocation(), request),
            (std::vector<Allocation>{{"mug", "texas", 4}, {"tee", "texas", 2}}));
  EXPECT_EQ(planned(region_first_allocation(), request),
            (std::vector<Allocation>{{"mug", "berlin", 1}, {"mug", "seoul", 3}, {"tee", "berlin", 2}}));
  EXPECT_EQ(priority_allocation()->plan(order({mugs(9, 5), tees}, "eu")),
            (std::vector<Allocation>{{"mug", "seoul", 4},
                                     {"mug", "berlin", 1},
                                     {"mug", "texas", 4},
                                     {"tee", "berlin", 2}}));
}

// ---- checked_plan

TEST(CheckedPlan, MergesDuplicateEntriesAndSortsByProductThenLocation) {
  EXPECT_EQ(checked_plan(FixedPlan({{"p2", "L3", 1}, {"p1", "L2", 2}, {"p1", "L1", 1},
                                    {"p1", "L1", 2}}),
                         two_lines()),
            (std::vector<Allocation>{{"p1", "L1", 3}, {"p1", "L2", 2}, {"p2", "L3", 1}}));
  // Backorder room counts after the available units: L2 gives 2 + 1.
  EXPECT_EQ(checked_plan(FixedPlan({{"p1", "L1", 2}, {"p1", "L2", 3}, {"p2", "L1", 1}}),
                         two_lines()),
            (std::vector<Allocation>{{"p1", "L1", 2}, {"p1", "L2", 3}, {"p2", "L1", 1}}));
}

TEST(CheckedPlan, RefusesALocationOutsideTheRequest) {
  const auto m = refusal_of({{"p1", "L9", 5}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 5 of 'p1' at 'L9', a location not in the request"), std::string::npos)
      << m;
}

TEST(CheckedPlan, RefusesALocationThatIsNotAmongTheLinesOptions) {
  // L3 stocks p2, not p1.
  const auto m = refusal_of({{"p1", "L1", 3}, {"p1", "L3", 2}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 2 of 'p1' at 'L3', which is not among that product's locations"),
            std::string::npos)
      << m;
}

TEST(CheckedPlan, RefusesMoreUnitsThanALocationCanGive) {
  auto m = refusal_of({{"p1", "L1", 4}, {"p1", "L2", 1}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 4 of 'p1' at 'L1' where 3 are available"), std::string::npos) << m;
  // Merged entries count together.
  m = refusal_of({{"p1", "L1", 2}, {"p1", "L1", 2}, {"p1", "L2", 1}, {"p2", "L1", 1}},
                 two_lines());
  EXPECT_NE(m.find("planned 4 of 'p1' at 'L1' where 3 are available"), std::string::npos) << m;
  m = refusal_of({{"p1", "L1", 1}, {"p1", "L2", 4}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 4 of 'p1' at 'L2' where 2 are available and 1 may be backordered"),
            std::string::npos)
      << m;
  // A location already below zero gives only its room.
  const auto backordered = order({{"p1", 2, {at("L1", -1, 1, "", 1)}}});
  m = refusal_of({{"p1", "L1", 2}}, backordered);
  EXPECT_NE(m.find("planned 2 of 'p1' at 'L1' where 0 are available and 1 may be backordered"),
            std::string::npos)
      << m;
}

TEST(CheckedPlan, RefusesTooFewUnitsForALine) {
  auto m = refusal_of({{"p1", "L1", 3}, {"p1", "L2", 1}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 4 of 'p1' where the order needs 5"), std::string::npos) << m;
  m = refusal_of({{"p1", "L1", 3}, {"p1", "L2", 2}}, two_lines());  // p2 forgotten
  EXPECT_NE(m.find("planned 0 of 'p2' where the order needs 1"), std::string::npos) << m;
}

TEST(CheckedPlan, RefusesTooManyUnitsForALine) {
  auto m = refusal_of({{"p1", "L1", 3}, {"p1", "L2", 2}, {"p2", "L1", 1}, {"p2", "L3", 1}},
                      two_lines());
  EXPECT_NE(m.find("planned more than the 1 units of 'p2' the order needs"), std::string::npos)
      << m;
  // A quantity that would overflow a sum is refused the same way.
  m = refusal_of({{"p1", "L1", 3}, {"p1", "L2", INT64_MAX}, {"p2", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned more than the 5 units of 'p1'"), std::string::npos) << m;
}

TEST(CheckedPlan, RefusesZeroAndNegativeQuantities) {
  auto m = refusal_of({{"p1", "L1", 3}, {"p1", "L2", 2}, {"p1", "L1", 0}, {"p2", "L1", 1}},
                      two_lines());
  EXPECT_NE(m.find("planned 0 of 'p1' at 'L1': each allocation is at least 1 unit"),
            std::string::npos)
      << m;
  m = refusal_of({{"p1", "L2", -1}, {"p1", "L1", 3}, {"p1", "L2", 2}, {"p2", "L1", 1}},
                 two_lines());
  EXPECT_NE(m.find("planned -1 of 'p1' at 'L2'"), std::string::npos) << m;
}

TEST(CheckedPlan, RefusesAProductThatIsNotALine) {
  const auto m =
      refusal_of({{"p1", "L1", 3}, {"p1", "L2", 2}, {"p2", "L1", 1}, {"p9", "L1", 1}}, two_lines());
  EXPECT_NE(m.find("planned 1 of 'p9', which is not a line of order 'o1'"), std::string::npos)
      << m;
}

TEST(CheckedPlan, TurnsAnExceptionFromTheStrategyIntoARefusal) {
  class Throwing final : public AllocationStrategy {
   public:
    std::string name() const override { return "throwing"; }
    std::vector<Allocation> plan(const AllocationRequest& request) const override {
      if (request.attempt > 1) throw 42;
      throw std::runtime_error("the warehouse service is down");
    }
  };
  auto request = two_lines();
  std::string m = refusal(Throwing(), request).what();
  EXPECT_NE(m.find("strategy 'throwing' failed: the warehouse service is down"), std::string::npos)
      << m;
  request.attempt = 2;
  m = refusal(Throwing(), request).what();
  EXPECT_NE(m.find("strategy 'throwing' failed with an exception that is not a std::exception"),
            std::string::npos)
      << m;

  class Nameless final : public AllocationStrategy {
   public:
    std::string name() const override { throw std::runtime_error("no name"); }
    std::vector<Allocation> plan(const AllocationRequest&) const override { return {}; }
  };
  m = refusal(Nameless(), request).what();
  EXPECT_NE(m.find("the allocation strategy's name() failed: no name"), std::string::npos) << m;
}

TEST(CheckedPlan, ARequestNamingAProductTwiceIsAnInternalError) {
  const auto request = order({{"p1", 1, {at("L1", 3, 1)}}, {"p1", 1, {at("L1", 3, 1)}}});
  try {
    checked_plan(*priority_allocation(), request);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace commerce
