// For every command of the order book: the exact events it appends (type, key, payload), and
// none when it is refused or replayed.
#include "commerce/orders.h"
#include "commerce/payments.h"
#include "events_test_support.h"
#include "store_access.h"

namespace commerce {
namespace {

using events_test::kStart;
using nlohmann::json;
using B = FakeGateway::Behaviour;
using Op = FakeGateway::Operation;

struct ExpectedEvent {
  std::string type;
  std::string key;
  json payload;
};

class OrderEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<ManualClock>(kStart);
    gateway_ = std::make_shared<FakeGateway>();
    StoreOptions options;
    options.clock = clock_;
    options.gateway = gateway_;
    store_ = Store::open(events_test::fresh_db_path(), options);
    store_->catalog().create({.id = "sku-a", .name = "A", .price = 1000, .initial_stock = 10});
    store_->points().charge("user-1", 500);
    take();
  }

  std::vector<Event> take() {
    auto events = events_test::outbox_after(commerce::detail::storage_of(*store_), cursor_);
    if (!events.empty()) cursor_ = events.back().seq;
    return events;
  }

  void expect(const std::vector<ExpectedEvent>& expected) {
    const auto events = take();
    std::string got;
    for (const auto& e : events) got += e.type + " " + e.key + " " + e.payload + "\n";
    ASSERT_EQ(events.size(), expected.size()) << got;
    for (std::size_t i = 0; i < events.size(); ++i) {
      SCOPED_TRACE(expected[i].type);
      EXPECT_EQ(events[i].type, expected[i].type);
      EXPECT_EQ(events[i].key, expected[i].key);
      EXPECT_EQ(events_test::payload_of(events[i]), expected[i].payload);
      EXPECT_EQ(events[i].topic, events[i].type.starts_with("Point")
                                     ? "user-events"
                                     : (events[i].type.starts_with("Stock") ? "product-events"
                                                                            : "order-events"));
    }
  }

  static json order_status(const Order& o, const std::string& status, const std::string& reason = {}) {
    json j = {{"order_id", o.id}, {"user_id", o.user_id}, {"total", o.total}, {"status", status}};
    if (!reason.empty()) j["reason"] = reason;
    return j;
  }

  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<FakeGateway> gateway_;
  std::unique_ptr<Store> store_;
  std::int64_t cursor_ = 0;
};

TEST_F(OrderEventsTest, PlaceAPaidOrder) {
  const Order o = store_->orders().place(
      {.user_id = "user-1", .items = {{"sku-a", 2}}, .points_to_use = 300, .request_id = "req-o1"});
  ASSERT_EQ(o.status, OrderStatus::kConfirmed);
  const auto payment = gateway_->charges_for(o.id);
  EXPECT_EQ(payment, 1);
  const auto events = events_test::outbox_after(commerce::detail::storage_of(*store_), cursor_);
  ASSERT_GE(events.size(), 6u);
  const std::string payment_id = events_test::payload_of(events[4])["payment_id"];
  const std::string reference = events_test::payload_of(events[4])["reference"];
  expect({{"OrderCreated", o.id, {{"order_id", o.id}, {"user_id", "user-1"}, {"subtotal", 2000}, {"discount", 0}, {"shipping_fee", 0}, {"tax", 182}, {"points_used", 300}, {"coupon_id", ""}, {"total", 1700}}},
          {"StockReserved", "sku-a", {{"product_id", "sku-a"}, {"order_id", o.id}, {"location_id", "default"}, {"qty", 2}, {"backordered", 0}}},
          {"PointUsed", "user-1", {{"user_id", "user-1"}, {"amount", -300}, {"balance", 200}, {"order_id", o.id}}},
          {"OrderAwaitingPayment", o.id, order_status(o, "awaiting_payment")},
          {"PaymentCompleted", o.id, {{"order_id", o.id}, {"payment_id", payment_id}, {"amount", 1700}, {"reference", reference}}},
          {"StockCommitted", "sku-a", {{"product_id", "sku-a"}, {"order_id", o.id}, {"location_id", "default"}, {"qty", 2}}},
          {"OrderConfirmed", o.id, order_status(o, "confirmed")}});
  // Replayed with the same request: the same order, no events.
  EXPECT_EQ(store_->orders()
                .place({.user_id = "user-1", .items = {{"sku-a", 2}}, .points_to_use = 300, .request_id = "req-o1"})
                .id,
            o.id);
  expect({});
}

TEST_F(OrderEventsTest, ShipDeliverAndRefusedTransitions) {
  const Order o = store_->orders().place({.user_id = "user-1", .items = {{"sku-a", 1}}});
  take();
  EVENTS_EXPECT_ERROR(store_->orders().deliver(o.id), ErrorCode::kFailedPrecondition);
  expect({});
  // The whole order leaves in one shipment from its location, without a carrier.
  store_->orders().ship(o.id);
  const std::string shipment = store_->shipments().for_order(o.id).at(0).id;
  const auto shipped = [&](const std::string& status) {
    return json{{"shipment_id", shipment}, {"order_id", o.id}, {"location_id", "default"},
                {"carrier", ""},           {"tracking_number", ""}, {"status", status}};
  };
  json created = shipped("pending");
  created["items"] = json::array({{{"product_id", "sku-a"}, {"qty", 1}}});
  expect({{"ShipmentCreated", o.id, created},
          {"ShipmentDispatched", o.id, shipped("shipped")},
          {"OrderShipped", o.id, {{"order_id", o.id}, {"user_id", "user-1"}, {"status", "shipped"}}}});
  store_->orders().ship(o.id);  // idempotent
  EVENTS_EXPECT_ERROR(store_->orders().cancel(o.id), ErrorCode::kFailedPrecondition);
  expect({});
  store_->orders().deliver(o.id);
  expect({{"ShipmentDelivered", o.id, shipped("delivered")},
          {"OrderDelivered", o.id, {{"order_id", o.id}, {"user_id", "user-1"}, {"status", "delivered"}}}});
}

TEST_F(OrderEventsTest, RefusedPlacementsWriteNothing) {
  EVENTS_EXPECT_ERROR(store_->orders().place({.user_id = "user-1", .items = {}}), ErrorCode::kInvalidArgument);
  EVENTS_EXPECT_ERROR(store_->orders().place({.user_id = "user-1", .items = {{"nope", 1}}}), ErrorCode::kNotFound);
  EVENTS_EXPECT_ERROR(store_->orders().place({.user_id = "user-1", .items = {{"sku-a", 1}}, .points_to_use = -5}),
                      ErrorCode::kInvalidArgument);
  expect({});
}

// The careful rerun first tries the local steps together in a savepoint; the events that try
// queued are dropped with it, so each event below is written once.
TEST_F(OrderEventsTest, ARefusedStepLeavesOnlyTheEventsOfWhatHappened) {
  const Order o = store_->orders().place({.user_id = "user-1",
                                          .items = {{"sku-a", 1}},
                                          .coupon_id = "no-such-coupon",
                                          .coupon_required = true,
                                          .points_to_use = 100});
  ASSERT_EQ(o.status, OrderStatus::kFailed);
  std::vector<std::string> types;
  for (const auto& e : take()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"OrderCreated", "StockReserved", "PointUsed",
                                             "PointRestored", "StockReleased", "OrderFailed"}));
}

TEST_F(OrderEventsTest, ADeclinedPaymentCompensatesWithEvents) {
  gateway_->script(Op::kCharge, {{B::kDecline}});
  const Order o = store_->orders().place({.user_id = "user-1", .items = {{"sku-a", 1}}, .points_to_use = 100});
  ASSERT_EQ(o.status, OrderStatus::kFailed);
  const auto events = events_test::outbox_after(commerce::detail::storage_of(*store_), cursor_);
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"OrderCreated", "StockReserved", "PointUsed",
                                             "OrderAwaitingPayment", "PaymentFailed",
                                             "PointRestored", "StockReleased", "OrderFailed"}));
  EXPECT_EQ(events_test::payload_of(events.back())["reason"], o.failure_reason);
  EXPECT_EQ(events_test::payload_of(events[5]), (json{{"user_id", "user-1"}, {"amount", 100}, {"balance", 500}, {"order_id", o.id}}));
}

TEST_F(OrderEventsTest, CancellingAPaidOrderRefundsAndRestocks) {
  const Order o = store_->orders().place({.user_id = "user-1", .items = {{"sku-a", 2}}});
  take();
  const Order c = store_->orders().cancel(o.id, "changed mind");
  ASSERT_EQ(c.status, OrderStatus::kCancelled);
  const auto events = take();
  std::vector<std::string> types;
  for (const auto& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"PaymentRefunded", "StockAdjusted", "OrderCancelled"}));
  EXPECT_EQ(events_test::payload_of(events[1]),
            (json{{"product_id", "sku-a"}, {"location_id", "default"}, {"delta", 2}, {"reason", "order " + o.id + " cancelled"}}));
  EXPECT_EQ(events_test::payload_of(events[0])["amount"], 2000);
  EXPECT_EQ(events_test::payload_of(events[2])["status"], "cancelled");
  store_->orders().cancel(o.id);  // idempotent
  expect({});
}

}  // namespace
}  // namespace commerce
