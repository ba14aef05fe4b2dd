// Tracking updates (commerce/shipments.h) through the inbox, 2 processes x 8 threads: 1,000
// messages, 200 distinct carrier scans each sent five times, in a shuffled order. Each scan is
// applied exactly once, and every shipment ends where its newest scan says, whatever the order
// the scans arrived in: never moved backwards by a late one.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

constexpr int kShipments = 50;
constexpr int kCopies = 5;
constexpr Timestamp kT0 = 1'800'000'000'000;

// The scans of shipment k: even ones are delivered after a failed attempt; odd ones end failed.
std::vector<TrackingEvent> scans_of(int k) {
  std::vector<TrackingEvent> scans = {{ShipmentStatus::kShipped, kT0 + 1, "picked up"},
                                      {ShipmentStatus::kInTransit, kT0 + 2, "hub"},
                                      {ShipmentStatus::kDeliveryFailed, kT0 + 3, "nobody home"}};
  if (k % 2 == 0) {
    scans.push_back({ShipmentStatus::kInTransit, kT0 + 4, "second attempt"});
    scans.push_back({ShipmentStatus::kDelivered, kT0 + 5, "delivered"});
  }
  return scans;
}

// Every message to send (each distinct scan kCopies times), shuffled with a fixed seed.
std::vector<std::string> messages() {
  std::vector<std::string> out;
  for (int k = 0; k < kShipments; ++k) {
    const auto scans = scans_of(k);
    for (std::size_t j = 0; j < scans.size(); ++j) {
      const nlohmann::json payload = {{"tracking_number", "T-" + std::to_string(k)},
                                      {"status", to_string(scans[j].status)},
                                      {"occurred_at", scans[j].occurred_at},
                                      {"detail", scans[j].detail}};
      const std::string text = nlohmann::json{{"id", "trk-" + std::to_string(k) + "-" +
                                                         std::to_string(j)},
                                              {"type", "ShipmentTracking"},
                                              {"payload", payload}}
                                   .dump();
      for (int c = 0; c < kCopies; ++c) out.push_back(text);
    }
  }
  std::mt19937 rng(19);
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST_P(StorageConcurrency, TrackingUpdatesApplyOnceAndNeverMoveAShipmentBackwards) {
  std::vector<std::string> shipment_ids;
  {
    auto store = open_store();
    store->catalog().create(
        {.id = "parcel", .name = "Parcel", .price = 0, .initial_stock = kShipments});
    for (int k = 0; k < kShipments; ++k) {
      const Order order = store->orders().place(
          {.user_id = "u" + std::to_string(k), .items = {{"parcel", 1}}});
      ASSERT_EQ(order.status, OrderStatus::kConfirmed);
      shipment_ids.push_back(store->shipments()
                                 .create({.order_id = order.id,
                                          .location_id = "default",
                                          .tracking_number = "T-" + std::to_string(k)})
                                 .id);
    }
  }
  const std::vector<std::string> all = messages();
  ASSERT_EQ(all.size(), 1000u);
  const auto result = race(
      static_cast<std::int64_t>(all.size()),
      [&](Store& store, std::int64_t i) {
        return store.inbox().receive(all[static_cast<std::size_t>(i)]) == InboxOutcome::kApplied
                   ? Outcome::kSucceeded
                   : Outcome::kRefused;
      },
      [](Store&) {});
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  EXPECT_EQ(result.succeeded, 200);  // each distinct scan once
  EXPECT_EQ(result.refused, 800);    // every copy a duplicate

  auto store = open_store();
  for (int k = 0; k < kShipments; ++k) {
    const Shipment s = store->shipments().get(shipment_ids[static_cast<std::size_t>(k)]);
    const Order order = store->orders().get(s.order_id);
    if (k % 2 == 0) {
      EXPECT_EQ(s.status, ShipmentStatus::kDelivered) << k;
      EXPECT_EQ(order.status, OrderStatus::kDelivered) << k;
    } else {
      EXPECT_EQ(s.status, ShipmentStatus::kDeliveryFailed) << k;
      EXPECT_EQ(s.tracked_at, kT0 + 3) << k;
      EXPECT_EQ(order.status, OrderStatus::kShipped) << k;
    }
  }
  // One dispatch per shipment and one delivery per delivered one, however the scans arrived.
  int dispatched = 0, delivered = 0, order_delivered = 0;
  for (const Event& e : run_unit(detail::storage_of(*store), Storage::Access::kRead,
                                 [](Transaction& tx) { return tx.read_outbox(0, 100000); })) {
    dispatched += e.type == "ShipmentDispatched";
    delivered += e.type == "ShipmentDelivered";
    order_delivered += e.type == "OrderDelivered";
  }
  EXPECT_EQ(dispatched, kShipments);
  EXPECT_EQ(delivered, kShipments / 2);
  EXPECT_EQ(order_delivered, kShipments / 2);
  const auto report = check_invariants(*store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
