// Shipments of one order created at once, 2 processes x 8 threads: 200 attempts to ship one unit
// each of an order of 40 units (20 at each of two locations). Exactly 40 shipments are made,
// each unit ships once, and the order is SHIPPED once the last is picked up.
#include <string>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kUnitsPerLocation = 20;

TEST_P(StorageConcurrency, ConcurrentShipmentsNeverShipAUnitTwice) {
  std::string order_id;
  {
    auto store = open_store();
    store->locations().create({.id = "east", .name = "East", .priority = 1});
    store->catalog().create({.id = "box", .name = "Box", .price = 0});
    store->stock().adjust("box", kUnitsPerLocation, "seed", {}, "default");
    store->stock().adjust("box", kUnitsPerLocation, "seed", {}, "east");
    const Order order =
        store->orders().place({.user_id = "u", .items = {{"box", 2 * kUnitsPerLocation}}});
    ASSERT_EQ(order.status, OrderStatus::kConfirmed);
    order_id = order.id;
  }
  const auto result = race(
      200,
      [&](Store& store, std::int64_t i) {
        try {
          const Shipment s = store.shipments().create(
              {.order_id = order_id, .location_id = i % 2 == 0 ? "default" : "east",
               .items = {{"box", 1}}});
          store.shipments().dispatch(s.id);
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          // Every unit there is in a shipment already, or every unit shipped (the order is
          // SHIPPED and ships nothing more).
          if ((e.code() == ErrorCode::kInvalidArgument && e.subject() == "items") ||
              (e.code() == ErrorCode::kFailedPrecondition &&
               e.reason() == Reason::kIllegalTransition)) {
            return Outcome::kRefused;
          }
          throw;
        }
      },
      [](Store&) {});
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  EXPECT_EQ(result.succeeded, 2 * kUnitsPerLocation);
  EXPECT_EQ(result.refused, 200 - 2 * kUnitsPerLocation);
  auto store = open_store();
  EXPECT_EQ(store->shipments().for_order(order_id).size(),
            static_cast<std::size_t>(2 * kUnitsPerLocation));
  const Order order = store->orders().get(order_id);
  EXPECT_EQ(order.status, OrderStatus::kShipped);
  EXPECT_EQ(order.items.at(0).shipped, 2 * kUnitsPerLocation);
  const auto report = check_invariants(*store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
