// Stock kept in several locations (issue 17): allocation, splits, transfers, backorders, low
// stock, the check per location. The same tests on every adapter.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

// Locations a, b, c (priorities 1, 2, 3) and the product `id` with `units[i]` at each of them.
void spread(Store& store, const std::string& id, const std::vector<std::int64_t>& units,
            Money price = 100) {
  store.catalog().create({.id = id, .name = id, .price = price});
  const char* locations[] = {"a", "b", "c"};
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (store.locations().list().size() < i + 2) {
      store.locations().create(
          {.id = locations[i], .name = locations[i], .priority = static_cast<std::int64_t>(i) + 1});
    }
    if (units[i] > 0) store.stock().adjust(id, units[i], "seed", {}, locations[i]);
  }
}

std::vector<std::string> types_of(const std::vector<Event>& events, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < events.size(); ++i) out.push_back(events[i].type);
  return out;
}

// A plan for everything at the line's first option, whatever it holds.
class AllAtTheFirstLocation : public AllocationStrategy {
 public:
  std::string name() const override { return "all_at_first"; }
  std::vector<Allocation> plan(const AllocationRequest& request) const override {
    std::vector<Allocation> out;
    for (const auto& line : request.lines) {
      out.push_back({line.product_id, line.options.front().location_id, line.qty});
    }
    return out;
  }
};

TEST_P(StorageConformance, ANewStoreHasTheDefaultLocation) {
  const auto locations = store_->locations().list();
  ASSERT_EQ(locations.size(), 1u);
  EXPECT_EQ(locations[0].id, "default");
  EXPECT_TRUE(locations[0].active);
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 100, .initial_stock = 3});
  const auto levels = store_->stock().levels("mug");
  ASSERT_EQ(levels.size(), 1u);
  EXPECT_EQ(levels[0].location_id, "default");
  EXPECT_EQ(levels[0].on_hand, 3);
  const auto rows = store_->stock().reserve("o1", {{"mug", 2}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].location_id, "default");
  EXPECT_EQ(rows[0].backordered, 0);
}

// Creating and changing a location writes its event in the same unit of work, keyed by the
// location (docs/events.md); a replay or a refusal writes none.
TEST_P(StorageConformance, LocationCreateAndUpdateWriteTheirEvents) {
  const std::size_t before = events_of(*store_).size();
  const NewStockLocation north{.id = "north", .name = "North", .priority = 2, .region = "eu"};
  store_->locations().create(north, "loc-1");
  clock_->advance(7);
  store_->locations().create(north, "loc-1");  // a replay
  store_->locations().update("north", {.active = false, .priority = 5}, "loc-2");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->locations().create(north),
                                  ErrorCode::kFailedPrecondition),
            "north");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->locations().update("nowhere", {.active = false}),
                                  ErrorCode::kNotFound),
            "nowhere");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->locations().update("north", {.name = ""}),
                                  ErrorCode::kInvalidArgument),
            "name");

  const auto events = events_of(*store_);
  ASSERT_EQ(events.size(), before + 2);
  const Event& created = events[before];
  EXPECT_EQ(created.type, "StockLocationCreated");
  EXPECT_EQ(created.key, "north");
  EXPECT_EQ(created.topic, "product-events");
  EXPECT_EQ(created.request_id, "loc-1");
  EXPECT_EQ(created.occurred_at, kStart);
  EXPECT_EQ(nlohmann::json::parse(created.payload),
            (nlohmann::json{{"location_id", "north"},
                            {"name", "North"},
                            {"active", true},
                            {"priority", 2},
                            {"region", "eu"}}));
  const Event& updated = events[before + 1];
  EXPECT_EQ(updated.type, "StockLocationUpdated");
  EXPECT_EQ(updated.key, "north");
  EXPECT_EQ(updated.topic, "product-events");
  EXPECT_EQ(updated.request_id, "loc-2");
  EXPECT_EQ(updated.occurred_at, kStart + 7);
  // The fields the update was given, as ProductUpdated carries them.
  EXPECT_EQ(nlohmann::json::parse(updated.payload),
            (nlohmann::json{{"location_id", "north"}, {"active", false}, {"priority", 5}}));
}

TEST_P(StorageConformance, ALineSplitsAcrossLocationsAllOrNothing) {
  spread(*store_, "p", {1, 1, 1});
  const auto rows = store_->stock().reserve("o1", {{"p", 3}});
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].location_id, std::string(1, static_cast<char>('a' + i)));
    EXPECT_EQ(rows[i].qty, 1);
  }
  EXPECT_EQ(store_->stock().reservations("o1"), rows);
  EXPECT_EQ(store_->stock().level("p"), (StockLevel{"p", 3, 3, 0, 0}));

  spread(*store_, "q", {1, 1, 1});
  const std::size_t events = events_of(*store_).size();
  try {
    store_->stock().reserve("o2", {{"q", 4}});
    ADD_FAILURE() << "4 of 3 units were reserved";
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kOutOfStock);
    EXPECT_EQ(e.subject(), "q");
  }
  EXPECT_TRUE(store_->stock().reservations("o2").empty());
  EXPECT_EQ(store_->stock().level("q"), (StockLevel{"q", 3, 0, 3, 0}));
  EXPECT_EQ(events_of(*store_).size(), events);

  // Committed and released per row at its location.
  store_->stock().commit("o1");
  for (const auto& level : store_->stock().levels("p")) {
    EXPECT_EQ(level.sold, level.location_id == "default" ? 0 : 1) << level.location_id;
  }
  EXPECT_TRUE(check_invariants(*store_, false).ok());
}

TEST_P(StorageConformance, AnInactiveLocationGivesNoUnits) {
  spread(*store_, "p", {2, 2});
  store_->locations().update("a", {.active = false});
  EXPECT_EQ(store_->stock().level("p").available, 2);
  const auto rows = store_->stock().reserve("o1", {{"p", 2}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].location_id, "b");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o2", {{"p", 1}}),
                                  ErrorCode::kFailedPrecondition),
            "p");
}

TEST_P(StorageConformance, AnImpossiblePlanIsRefusedAndChangesNothing) {
  spread(*store_, "p", {1, 5});
  StoreOptions options;
  options.clock = clock_;
  options.allocation_strategy = std::make_shared<AllAtTheFirstLocation>();
  auto store = Store::open(location_, options);
  const std::size_t events = events_of(*store).size();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store->stock().reserve("o1", {{"p", 3}}),
                                  ErrorCode::kInvalidArgument),
            "allocation_strategy");
  EXPECT_TRUE(store->stock().reservations("o1").empty());
  EXPECT_EQ(store->stock().level("p"), (StockLevel{"p", 6, 0, 6, 0}));
  EXPECT_EQ(events_of(*store).size(), events);
  // A plan it can make is applied: with "default" (empty, priority 0) off, a is first.
  store->locations().update("default", {.active = false});
  EXPECT_EQ(store->stock().reserve("o2", {{"p", 1}}).at(0).location_id, "a");
}

TEST_P(StorageConformance, ATransferMovesAvailableUnitsOnly) {
  spread(*store_, "p", {5, 0});
  store_->stock().reserve("o1", {{"p", 4}});  // all at a
  const std::size_t before = events_of(*store_).size();
  const StockTransfer t = store_->stock().transfer("p", "a", "b", 1, "rebalance");
  EXPECT_EQ(t.qty, 1);
  EXPECT_EQ(t.from_location_id, "a");
  const auto events = events_of(*store_);
  EXPECT_EQ(types_of(events, before), (std::vector<std::string>{"StockTransferred"}));
  // Reserved units never move: a holds 4 reserved, none available now.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().transfer("p", "a", "b", 1, "more"),
                                  ErrorCode::kInvalidArgument),
            "qty");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().transfer("p", "a", "a", 1, "same"),
                                  ErrorCode::kInvalidArgument),
            "to_location_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().transfer("p", "zz", "a", 1, "unknown"),
                                  ErrorCode::kInvalidArgument),
            "from_location_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().transfer("nope", "a", "b", 1, "no product"),
                                  ErrorCode::kNotFound),
            "nope");
  std::map<std::string, std::int64_t> on_hand;
  for (const auto& l : store_->stock().levels("p")) on_hand[l.location_id] = l.on_hand;
  EXPECT_EQ(on_hand, (std::map<std::string, std::int64_t>{{"a", 4}, {"b", 1}, {"default", 0}}));
  EXPECT_EQ(events_of(*store_).size(), events.size());
  EXPECT_TRUE(check_invariants(*store_, false).ok());
}

TEST_P(StorageConformance, LowStockIsAnnouncedOnceEachWay) {
  spread(*store_, "p", {5});
  EXPECT_EQ(store_->stock().set_low_threshold("p", "a", 2).low_threshold, 2);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().set_low_threshold("p", "a", -1),
                                  ErrorCode::kInvalidArgument),
            "low_threshold");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().set_low_threshold("p", "zz", 1),
                                  ErrorCode::kInvalidArgument),
            "location_id");
  const std::size_t before = events_of(*store_).size();
  store_->stock().reserve("o1", {{"p", 2}});  // 5 -> 3: above the threshold
  store_->stock().reserve("o2", {{"p", 1}});  // 3 -> 2: low
  store_->stock().reserve("o3", {{"p", 1}});  // 2 -> 1: still low, no second StockLow
  store_->stock().release("o3");              // 1 -> 2: still low
  store_->stock().release("o2");              // 2 -> 3: replenished
  const auto events = events_of(*store_);
  EXPECT_EQ(types_of(events, before),
            (std::vector<std::string>{"StockReserved", "StockReserved", "StockLow",
                                      "StockReserved", "StockReleased", "StockReleased",
                                      "StockReplenished"}));
}

// A store with one active location reserves with a guessed statement once it knows that
// location (stock_allocation.cpp): a reservation that crosses the threshold or backorders, or a
// location that stopped being the only active one, must still be met as the general path
// meets it.
TEST_P(StorageConformance, TheKnownOnlyLocationGivesWayToThresholdsBackordersAndNewLocations) {
  store_->catalog().create({.id = "p", .name = "p", .price = 100, .initial_stock = 5});
  store_->stock().set_low_threshold("p", "default", 2);
  const std::size_t before = events_of(*store_).size();
  store_->stock().reserve("o1", {{"p", 2}});  // 5 -> 3: the location is learnt here
  store_->stock().reserve("o2", {{"p", 1}});  // 3 -> 2: crosses the threshold
  store_->stock().reserve("o3", {{"p", 1}});  // 2 -> 1: still low
  store_->stock().set_backorder_limit("p", "default", 2);
  const auto backordered = store_->stock().reserve("o4", {{"p", 2}});  // 1 -> -1
  ASSERT_EQ(backordered.size(), 1u);
  EXPECT_EQ(backordered[0].backordered, 1);
  EXPECT_EQ(types_of(events_of(*store_), before),
            (std::vector<std::string>{"StockReserved", "StockReserved", "StockLow",
                                      "StockReserved", "StockReserved"}));
  // Another location takes the default's place: the next reservation goes there.
  store_->locations().create({.id = "b", .name = "b", .priority = 1});
  store_->stock().adjust("p", 4, "seed", {}, "b");
  store_->locations().update("default", {.active = false});
  const auto moved = store_->stock().reserve("o5", {{"p", 1}});
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].location_id, "b");
  EXPECT_EQ(store_->stock().reserve("o6", {{"p", 1}}).at(0).location_id, "b");
  EXPECT_TRUE(check_invariants(*store_, false).ok());
}

TEST_P(StorageConformance, BackordersGoBelowZeroWithinTheLimitOnly) {
  spread(*store_, "p", {1});
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().set_backorder_limit("p", "a", -1),
                                  ErrorCode::kInvalidArgument),
            "backorder_limit");
  store_->stock().set_backorder_limit("p", "a", 2);
  const auto rows = store_->stock().reserve("o1", {{"p", 3}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].backordered, 2);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o2", {{"p", 1}}),
                                  ErrorCode::kFailedPrecondition),
            "p");
  // The limit cannot shrink below what is backordered.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().set_backorder_limit("p", "a", 1),
                                  ErrorCode::kFailedPrecondition),
            "p");
  store_->stock().commit("o1");
  LocationLevel at_a;
  for (const auto& l : store_->stock().levels("p")) {
    if (l.location_id == "a") at_a = l;
  }
  EXPECT_EQ(at_a.on_hand, -2);
  EXPECT_EQ(at_a.sold, 3);
  EXPECT_TRUE(check_invariants(*store_, false).ok());
  store_->stock().adjust("p", 5, "restock", {}, "a");
  EXPECT_EQ(store_->stock().level("p").available, 3);
}

TEST_P(StorageConformance, AnOrderKeepsItsRegionAndItsSplitRows) {
  spread(*store_, "p", {1, 1}, 0);  // free: the store has no gateway
  store_->locations().update("b", {.region = "eu"});
  StoreOptions options;
  options.clock = clock_;
  options.allocation_strategy = region_first_allocation();
  auto store = Store::open(location_, options);
  const Order order = store->orders().place({.user_id = "u1",
                                             .items = {{"p", 1}},
                                             .payment_method = "card",
                                             .region = "eu"});
  EXPECT_EQ(order.region, "eu");
  EXPECT_EQ(store->orders().get(order.id).region, "eu");
  const auto rows = store->stock().reservations(order.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].location_id, "b");
}

TEST_P(StorageConformance, AnOrderSaysWhenPartOfItIsBackordered) {
  spread(*store_, "p", {1}, 0);  // free: the store has no gateway
  spread(*store_, "q", {0, 3}, 0);
  store_->stock().set_backorder_limit("p", "a", 2);
  const Order partly = store_->orders().place(
      {.user_id = "u1", .items = {{"p", 2}, {"q", 1}}, .payment_method = "card"});
  ASSERT_EQ(partly.status, OrderStatus::kConfirmed) << partly.failure_reason;
  for (const Order& order : {partly, store_->orders().get(partly.id),
                             store_->orders().list_for_user("u1").items.at(0)}) {
    EXPECT_TRUE(order.backordered());
    ASSERT_EQ(order.items.size(), 2u);
    EXPECT_EQ(order.items[0].backordered, 1);  // p: 1 in stock, 1 from the backorder room
    EXPECT_EQ(order.items[1].backordered, 0);
  }
  const Order in_stock =
      store_->orders().place({.user_id = "u2", .items = {{"q", 2}}, .payment_method = "card"});
  ASSERT_EQ(in_stock.status, OrderStatus::kConfirmed) << in_stock.failure_reason;
  for (const Order& order : {in_stock, store_->orders().get(in_stock.id)}) {
    EXPECT_FALSE(order.backordered());
    ASSERT_EQ(order.items.size(), 1u);
    EXPECT_EQ(order.items[0].backordered, 0);
  }
  EXPECT_TRUE(check_invariants(*store_, false).ok());
}

}  // namespace
}  // namespace commerce::testing
