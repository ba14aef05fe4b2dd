// Shipments (issue 19, commerce/shipments.h): partial shipments per location, carriers, tracking
// that never moves backwards, the order following its units, bad input. The same tests on every
// adapter.
#include <nlohmann/json.hpp>

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

using ::commerce::ErrorCode;
using CarrierDoes = FakeCarrier::Behaviour;
using CarrierOp = FakeCarrier::Operation;

// A store with a gateway, the carrier "fake", locations a and b (priorities 1, 2), the mug
// (2 at a, 2 at b) and tea (10 at a).
class ShipTest {
 public:
  ShipTest(const std::string& location, std::shared_ptr<Clock> clock)
      : carrier(std::make_shared<FakeCarrier>()) {
    StoreOptions options;
    options.clock = std::move(clock);
    options.gateway = std::make_shared<FakeGateway>();
    options.carriers = {{"fake", carrier}};
    options.saga.backoff_initial_ms = 1;
    options.saga.backoff_max_ms = 1;
    store = Store::open(location, options);
    store->locations().create({.id = "a", .name = "A", .priority = 1});
    store->locations().create({.id = "b", .name = "B", .priority = 2});
    store->catalog().create({.id = "mug", .name = "Mug", .price = 1000});
    store->catalog().create({.id = "tea", .name = "Tea", .price = 500});
    store->stock().adjust("mug", 2, "seed", {}, "a");
    store->stock().adjust("mug", 2, "seed", {}, "b");
    store->stock().adjust("tea", 10, "seed", {}, "a");
  }

  Order place(std::vector<LineItem> items) {
    Order o = store->orders().place({.user_id = "ann", .items = std::move(items)});
    EXPECT_EQ(o.status, OrderStatus::kConfirmed);
    return o;
  }

  std::vector<std::string> types(std::size_t from = 0) {
    std::vector<std::string> out;
    const auto events = run_unit(detail::storage_of(*store), Storage::Access::kRead,
                                 [&](Transaction& tx) { return tx.read_outbox(0, 100000); });
    for (std::size_t i = from; i < events.size(); ++i) {
      if (events[i].type.rfind("Shipment", 0) == 0 || events[i].type.rfind("Order", 0) == 0) {
        out.push_back(events[i].type);
      }
    }
    return out;
  }

  std::size_t event_count() {
    return run_unit(detail::storage_of(*store), Storage::Access::kRead,
                    [&](Transaction& tx) { return tx.read_outbox(0, 100000).size(); });
  }

  const OrderItem& item(const Order& o, const std::string& product) {
    for (const auto& i : o.items) {
      if (i.product_id == product) return i;
    }
    throw std::runtime_error("no item " + product);
  }

  Shipment track(const Shipment& s, ShipmentStatus status, Timestamp at,
                 const std::string& detail = {}) {
    return store->shipments().track(
        {.shipment_id = s.id, .carrier = {}, .tracking_number = {},
         .event = {status, at, detail}});
  }

  std::shared_ptr<FakeCarrier> carrier;
  std::unique_ptr<Store> store;
};

TEST_P(StorageConformance, AnOrderSplitOverTwoLocationsShipsInPartsAndFollowsItsUnits) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"mug", 3}, {"tea", 2}});  // mug: 2 at a, 1 at b; tea at a
  Shipments& shipments = t.store->shipments();

  // One mug from a, with the carrier: labelled, then picked up.
  Shipment first = shipments.create(
      {.order_id = order.id, .location_id = "a", .items = {{"mug", 1}}, .carrier = "fake"});
  EXPECT_EQ(first.status, ShipmentStatus::kPending);
  EXPECT_FALSE(first.tracking_number.empty());
  EXPECT_EQ(first.tracking_number, t.carrier->tracking_number_of(first.id));
  EXPECT_EQ(first.items, (std::vector<ShipmentItem>{{"mug", 1}}));
  first = shipments.dispatch(first.id);
  EXPECT_EQ(first.status, ShipmentStatus::kShipped);
  Order now = t.store->orders().get(order.id);
  EXPECT_EQ(now.status, OrderStatus::kConfirmed);
  EXPECT_EQ(t.item(now, "mug").shipped, 1);
  EXPECT_EQ(t.item(now, "tea").shipped, 0);
  EXPECT_TRUE(check_invariants(*t.store, false).ok());

  // The rest of a (empty items: every unshipped unit there), then b.
  Shipment second = shipments.create({.order_id = order.id, .location_id = "a", .carrier = "fake"});
  EXPECT_EQ(second.items, (std::vector<ShipmentItem>{{"mug", 1}, {"tea", 2}}));
  Shipment third = shipments.create(
      {.order_id = order.id, .location_id = "b", .tracking_number = "OWN-1"});
  EXPECT_EQ(third.status, ShipmentStatus::kPending);  // no carrier: pending at once
  EXPECT_EQ(third.tracking_number, "OWN-1");
  shipments.dispatch(second.id);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kConfirmed);
  shipments.dispatch(third.id);
  now = t.store->orders().get(order.id);
  EXPECT_EQ(now.status, OrderStatus::kShipped);
  EXPECT_EQ(t.item(now, "mug").shipped, 3);
  EXPECT_EQ(t.item(now, "mug").delivered, 0);

  // Deliveries: the order is DELIVERED with its last unit.
  const std::size_t before = t.event_count();
  t.track(first, ShipmentStatus::kInTransit, kStart + 10, "hub");
  t.track(first, ShipmentStatus::kDelivered, kStart + 20);
  t.track(second, ShipmentStatus::kDelivered, kStart + 20);
  now = t.store->orders().get(order.id);
  EXPECT_EQ(now.status, OrderStatus::kShipped);
  EXPECT_EQ(t.item(now, "mug").delivered, 2);
  EXPECT_EQ(t.item(now, "tea").delivered, 2);
  t.track(third, ShipmentStatus::kDelivered, kStart + 30);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kDelivered);
  EXPECT_EQ(t.types(before),
            (std::vector<std::string>{"ShipmentInTransit", "ShipmentDelivered",
                                      "ShipmentDelivered", "ShipmentDelivered",
                                      "OrderDelivered"}));
  EXPECT_EQ(shipments.for_order(order.id).size(), 3u);
  EXPECT_EQ(t.carrier->created_for(order.id), 2);
  const auto report = check_invariants(*t.store, true);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.violations[0].detail);
}

TEST_P(StorageConformance, ABackorderedLineShipsWhenItsLocationIsRestocked) {
  ShipTest t(location_, clock_);
  t.store->stock().set_backorder_limit("tea", "b", 5);
  t.store->stock().adjust("tea", 1, "seed", {}, "b");
  // tea: 10 at a; take 9 of them first so the next order reaches b.
  t.place({{"tea", 10}});
  const Order order = t.place({{"tea", 3}});  // 1 on hand at b, 2 backordered
  EXPECT_EQ(t.item(order, "tea").backordered, 2);
  Shipments& shipments = t.store->shipments();
  const auto events = t.event_count();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(shipments.create({.order_id = order.id, .location_id = "b"}),
                                  ErrorCode::kFailedPrecondition),
            "items");
  EXPECT_EQ(t.event_count(), events);
  const Shipment now = shipments.create(
      {.order_id = order.id, .location_id = "b", .items = {{"tea", 1}}});  // the unit in stock
  shipments.dispatch(now.id);
  t.store->stock().adjust("tea", 2, "restock", {}, "b");
  const Shipment later = shipments.create({.order_id = order.id, .location_id = "b"});
  EXPECT_EQ(later.items, (std::vector<ShipmentItem>{{"tea", 2}}));
  shipments.dispatch(later.id);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kShipped);
  EXPECT_TRUE(check_invariants(*t.store, false).ok());
}

TEST_P(StorageConformance, AFailedDeliveryIsReattemptedAndAReturnedParcelShipsAgain) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 2}});
  Shipments& shipments = t.store->shipments();
  Shipment s = shipments.create({.order_id = order.id, .location_id = "a", .carrier = "fake"});
  t.track(s, ShipmentStatus::kShipped, kStart + 1);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kShipped);
  EXPECT_EQ(t.track(s, ShipmentStatus::kDeliveryFailed, kStart + 2, "nobody home").status,
            ShipmentStatus::kDeliveryFailed);
  EXPECT_EQ(t.track(s, ShipmentStatus::kInTransit, kStart + 3).status,
            ShipmentStatus::kInTransit);  // the re-attempt
  EXPECT_EQ(t.track(s, ShipmentStatus::kDeliveryFailed, kStart + 4).status,
            ShipmentStatus::kDeliveryFailed);
  s = t.track(s, ShipmentStatus::kReturned, kStart + 5, "back at the depot");
  EXPECT_EQ(s.status, ShipmentStatus::kReturned);
  Order now = t.store->orders().get(order.id);
  EXPECT_EQ(now.status, OrderStatus::kConfirmed);  // its units are unshipped again
  EXPECT_EQ(t.item(now, "tea").shipped, 0);
  EXPECT_EQ(t.track(s, ShipmentStatus::kDelivered, kStart + 6).status,
            ShipmentStatus::kReturned);  // final
  const Shipment again = shipments.create({.order_id = order.id, .location_id = "a"});
  shipments.dispatch(again.id);
  t.track(again, ShipmentStatus::kDelivered, kStart + 7);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kDelivered);
  const auto audit = t.store->orders().audit(order.id);
  std::vector<std::string> moves;
  for (const auto& a : audit) moves.push_back(std::string(to_string(a.to)));
  EXPECT_EQ(moves.back(), "delivered");
  EXPECT_NE(std::find(moves.begin(), moves.end(), "shipped"), moves.end());
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

TEST_P(StorageConformance, TrackingNeverMovesAShipmentBackwards) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 1}});
  Shipment s = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .carrier = "fake"});
  EXPECT_EQ(t.track(s, ShipmentStatus::kInTransit, kStart + 50).status,
            ShipmentStatus::kInTransit);
  // Older or lower scans change nothing.
  EXPECT_EQ(t.track(s, ShipmentStatus::kShipped, kStart + 60).status, ShipmentStatus::kInTransit);
  EXPECT_EQ(t.track(s, ShipmentStatus::kDeliveryFailed, kStart + 40).status,
            ShipmentStatus::kInTransit);
  const std::size_t events = t.event_count();
  EXPECT_EQ(t.track(s, ShipmentStatus::kInTransit, kStart + 50).status,
            ShipmentStatus::kInTransit);
  EXPECT_EQ(t.event_count(), events);
  // Delivered applies whatever its time; then nothing moves it.
  s = t.track(s, ShipmentStatus::kDelivered, kStart + 30);
  EXPECT_EQ(s.status, ShipmentStatus::kDelivered);
  EXPECT_EQ(s.tracked_at, kStart + 50);
  EXPECT_EQ(t.track(s, ShipmentStatus::kReturned, kStart + 90).status,
            ShipmentStatus::kDelivered);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kDelivered);
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

TEST_P(StorageConformance, TrackingArrivesThroughTheInboxByTrackingNumberOnce) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 1}});
  const Shipment s = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .carrier = "fake"});
  const nlohmann::json payload = {{"carrier", "fake"},
                                  {"tracking_number", s.tracking_number},
                                  {"status", "delivered"},
                                  {"occurred_at", kStart + 5},
                                  {"detail", "left at the door"}};
  const std::string message =
      nlohmann::json{{"id", "trk-1"}, {"type", "ShipmentTracking"}, {"payload", payload}}.dump();
  EXPECT_EQ(t.store->inbox().receive(message), InboxOutcome::kApplied);
  EXPECT_EQ(t.store->inbox().receive(message), InboxOutcome::kDuplicate);
  const Shipment now = t.store->shipments().get(s.id);
  EXPECT_EQ(now.status, ShipmentStatus::kDelivered);
  EXPECT_EQ(now.note, "left at the door");
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kDelivered);
  EXPECT_EQ(t.types(), (std::vector<std::string>{"OrderCreated", "OrderAwaitingPayment",
                                                 "OrderConfirmed",
                                                 "ShipmentCreated", "ShipmentLabelCreated",
                                                 "ShipmentDispatched", "ShipmentDelivered",
                                                 "OrderShipped", "OrderDelivered"}));
}

TEST_P(StorageConformance, PollAsksTheCarrierAndAppliesItsScans) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 1}});
  const Shipment s = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .carrier = "fake"});
  t.store->shipments().dispatch(s.id);
  t.carrier->scan(s.tracking_number, {ShipmentStatus::kInTransit, kStart + 1, "hub"});
  t.carrier->scan(s.tracking_number, {ShipmentStatus::kDelivered, kStart + 2, "door"});
  const ShipmentReport report = t.store->shipments().poll();
  EXPECT_EQ(report.examined, 1);
  EXPECT_EQ(report.changed, 1);
  EXPECT_EQ(t.store->shipments().get(s.id).status, ShipmentStatus::kDelivered);
  EXPECT_EQ(t.store->shipments().poll().examined, 0);  // nothing on the way
}

TEST_P(StorageConformance, ACancelledShipmentFreesItsUnitsAndTheOrderCanBeCancelledThen) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 2}});
  Shipments& shipments = t.store->shipments();
  const Shipment s = shipments.create({.order_id = order.id, .location_id = "a", .carrier = "fake"});
  EXPECT_COMMERCE_ERROR(t.store->orders().cancel(order.id), ErrorCode::kFailedPrecondition);
  const Shipment cancelled = shipments.cancel(s.id, "customer changed the address");
  EXPECT_EQ(cancelled.status, ShipmentStatus::kCancelled);
  EXPECT_EQ(t.carrier->cancelled_for(order.id), 1);
  EXPECT_EQ(shipments.cancel(s.id).status, ShipmentStatus::kCancelled);  // idempotent
  EXPECT_EQ(t.store->orders().cancel(order.id).status, OrderStatus::kCancelled);
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

TEST_P(StorageConformance, ACarrierThatPickedUpRefusesTheCancelAndTheShipmentIsOnItsWay) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 2}});
  const Shipment s = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .carrier = "fake"});
  t.carrier->script(CarrierOp::kCancel, {CarrierDoes::kRefuse});
  EXPECT_COMMERCE_ERROR(t.store->shipments().cancel(s.id), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(t.store->shipments().get(s.id).status, ShipmentStatus::kShipped);
  EXPECT_EQ(t.store->orders().get(order.id).status, OrderStatus::kShipped);
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

TEST_P(StorageConformance, ACarrierRefusalCancelsAndAnUnknownAnswerIsFinishedByRecover) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"tea", 4}});
  t.carrier->script(CarrierOp::kCreate, {CarrierDoes::kRefuse});
  const Shipment refused = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .items = {{"tea", 2}}, .carrier = "fake"});
  EXPECT_EQ(refused.status, ShipmentStatus::kCancelled);
  EXPECT_NE(refused.note.find("refused"), std::string::npos);
  // Every attempt times out after creating: the shipment stays requested.
  t.carrier->script(CarrierOp::kCreate, {CarrierDoes::kTimeout, CarrierDoes::kTimeout, CarrierDoes::kTimeout, CarrierDoes::kTimeout});
  const Shipment unknown = t.store->shipments().create(
      {.order_id = order.id, .location_id = "a", .items = {{"tea", 4}}, .carrier = "fake"});
  EXPECT_EQ(unknown.status, ShipmentStatus::kRequested);
  EXPECT_TRUE(check_invariants(*t.store, false).ok());
  const ShipmentReport report = t.store->shipments().recover();
  EXPECT_EQ(report.changed, 1);
  const Shipment done = t.store->shipments().get(unknown.id);
  EXPECT_EQ(done.status, ShipmentStatus::kPending);
  EXPECT_EQ(done.tracking_number, t.carrier->tracking_number_of(unknown.id));
  EXPECT_EQ(t.carrier->created_for(order.id), 1);  // four calls, one shipment
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

TEST_P(StorageConformance, BadShipmentsAreRefusedNamingTheFieldAndChangeNothing) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"mug", 3}});  // 2 at a, 1 at b
  t.store->locations().create({.id = "c", .name = "C", .priority = 3});
  Shipments& shipments = t.store->shipments();
  const std::size_t events = t.event_count();
  const auto refused = [&](const CreateShipment& r, ErrorCode code) {
    return EXPECT_COMMERCE_ERROR(shipments.create(r), code);
  };
  EXPECT_EQ(refused({.order_id = "nope", .location_id = "a"}, ErrorCode::kNotFound), "nope");
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "a", .items = {{"tea", 1}}},
                    ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "a", .items = {{"mug", 3}}},
                    ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "c"}, ErrorCode::kInvalidArgument),
            "location_id");
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "a", .carrier = "dhl"},
                    ErrorCode::kInvalidArgument),
            "carrier");
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "a", .items = {{"mug", 0}}},
                    ErrorCode::kInvalidArgument),
            "items[0].qty");
  EXPECT_EQ(shipments.for_order(order.id).size(), 0u);
  EXPECT_EQ(t.event_count(), events);
  // More than remain: one of the two mugs at a shipped already.
  shipments.create({.order_id = order.id, .location_id = "a", .items = {{"mug", 1}}});
  EXPECT_EQ(refused({.order_id = order.id, .location_id = "a", .items = {{"mug", 2}}},
                    ErrorCode::kInvalidArgument),
            "items");
  // An order that is not confirmed ships nothing.
  const Order cancelled = t.place({{"tea", 1}});
  t.store->orders().cancel(cancelled.id);
  refused({.order_id = cancelled.id, .location_id = "a"}, ErrorCode::kFailedPrecondition);
  EXPECT_COMMERCE_ERROR(shipments.get("nope"), ErrorCode::kNotFound);
  EXPECT_COMMERCE_ERROR(shipments.track({.shipment_id = "nope", .carrier = {},
                                         .tracking_number = {},
                                         .event = {ShipmentStatus::kDelivered, 1, {}}}),
                        ErrorCode::kNotFound);
  const Shipment s = shipments.for_order(order.id).front();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                shipments.track({.shipment_id = s.id, .carrier = {}, .tracking_number = {},
                                 .event = {ShipmentStatus::kCancelled, 1, {}}}),
                ErrorCode::kInvalidArgument),
            "status");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                shipments.track({.shipment_id = s.id, .carrier = {}, .tracking_number = {},
                                 .event = {ShipmentStatus::kDelivered, 0, {}}}),
                ErrorCode::kInvalidArgument),
            "occurred_at");
  EXPECT_TRUE(check_invariants(*t.store, false).ok());
}

// A carrier that remembers what it was asked to carry.
class RecordingCarrier final : public Carrier {
 public:
  CarrierLabel create(const CarrierRequest& request) override {
    requests.push_back(request);
    return {CarrierOutcome::kDone, "R-" + std::to_string(requests.size()), {}, {}};
  }
  CarrierOutcome cancel(const std::string&, std::int64_t) override { return CarrierOutcome::kDone; }
  std::vector<TrackingEvent> track(const std::string&, std::int64_t) override { return {}; }
  std::vector<CarrierRequest> requests;
};

TEST_P(StorageConformance, TheCarrierIsGivenTheOrdersAddressAndTheShipmentsUnits) {
  auto carrier = std::make_shared<RecordingCarrier>();
  StoreOptions options;
  options.clock = clock_;
  options.carriers = {{"post", carrier}};
  store_ = Store::open(location_, options);
  store_->catalog().create({.id = "mug", .name = "Mug", .price = 0, .initial_stock = 3});
  const Address to{.name = "Kim", .phone = "+82 2 123 4567", .line1 = "1 Sejong-daero",
                   .line2 = {}, .city = "Seoul", .region = {}, .postal_code = "04524",
                   .country = "KR"};
  const Order order = store_->orders().place(
      {.user_id = "kim", .items = {{"mug", 3}}, .shipping_address = to});
  ASSERT_EQ(order.status, OrderStatus::kConfirmed);
  const Shipment s = store_->shipments().create(
      {.order_id = order.id, .location_id = "default", .items = {{"mug", 2}}, .carrier = "post"});
  EXPECT_EQ(s.tracking_number, "R-1");
  ASSERT_EQ(carrier->requests.size(), 1u);
  const CarrierRequest& asked = carrier->requests[0];
  EXPECT_EQ(asked.idempotency_key, s.id);
  EXPECT_EQ(asked.order_id, order.id);
  EXPECT_EQ(asked.location_id, "default");
  EXPECT_EQ(asked.to, std::optional<Address>(to));
  ASSERT_EQ(asked.items.size(), 1u);
  EXPECT_EQ(asked.items[0].product_id, "mug");
  EXPECT_EQ(asked.items[0].qty, 2);
}

TEST_P(StorageConformance, ShippingAndDeliveringTheWholeOrderRecordsShipments) {
  ShipTest t(location_, clock_);
  const Order order = t.place({{"mug", 3}});
  t.store->orders().ship(order.id);
  auto shipments = t.store->shipments().for_order(order.id);
  ASSERT_EQ(shipments.size(), 2u);  // one per location
  for (const auto& s : shipments) EXPECT_EQ(s.status, ShipmentStatus::kShipped);
  EXPECT_EQ(t.store->orders().deliver(order.id).status, OrderStatus::kDelivered);
  for (const auto& s : t.store->shipments().for_order(order.id)) {
    EXPECT_EQ(s.status, ShipmentStatus::kDelivered);
  }
  EXPECT_TRUE(check_invariants(*t.store, true).ok());
}

}  // namespace
}  // namespace commerce::testing
