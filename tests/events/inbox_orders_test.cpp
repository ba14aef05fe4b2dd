// The inbox's built-in handlers: payment results finish or compensate the order saga, delivery
// updates move orders to SHIPPED / DELIVERED; each message applied once, rejected ones change
// nothing.
#include <thread>

#include "commerce/inbox.h"
#include "commerce/invariants.h"
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

std::string order_message(const std::string& id, const std::string& type, const json& payload) {
  return json{{"id", id}, {"type", type}, {"source", "psp"}, {"payload", payload}}.dump();
}

class InboxOrdersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_ = std::make_shared<ManualClock>(kStart);
    gateway_ = std::make_shared<FakeGateway>();
    StoreOptions options;
    options.clock = clock_;
    options.gateway = gateway_;
    store_ = Store::open(events_test::fresh_db_path(), options);
    store_->catalog().create({.id = "sku-a", .name = "A", .price = 1000, .initial_stock = 100});
    store_->points().charge("user-1", 5000);
  }

  // An order whose payment the gateway answered "pending".
  Order pending_order(Money points = 0) {
    gateway_->script(Op::kCharge, {{B::kPending}});
    Order order = store_->orders().place(
        {.user_id = "user-1", .items = {{"sku-a", 2}}, .points_to_use = points});
    EXPECT_EQ(order.status, OrderStatus::kAwaitingPayment);
    return order;
  }

  Order confirmed_order() {
    Order order = store_->orders().place({.user_id = "user-1", .items = {{"sku-a", 1}}});
    EXPECT_EQ(order.status, OrderStatus::kConfirmed);
    return order;
  }

  std::vector<std::string> event_types_since(std::int64_t seq) {
    std::vector<std::string> types;
    for (const auto& e : events_test::outbox_after(commerce::detail::storage_of(*store_), seq)) types.push_back(e.type);
    return types;
  }

  std::int64_t last_seq() {
    const auto all = events_test::outbox_after(commerce::detail::storage_of(*store_));
    return all.empty() ? 0 : all.back().seq;
  }

  void expect_invariants() {
    const auto report = check_invariants(*store_, false);
    for (const auto& v : report.violations) ADD_FAILURE() << v.rule << " " << v.subject << ": " << v.detail;
  }

  std::shared_ptr<ManualClock> clock_;
  std::shared_ptr<FakeGateway> gateway_;
  std::unique_ptr<Store> store_;
};

TEST_F(InboxOrdersTest, PaymentCompletedConfirmsAPendingOrderOnce) {
  const Order order = pending_order();
  const auto seq = last_seq();
  EXPECT_EQ(store_->inbox().receive(order_message("psp-1", "PaymentCompleted",
                                            {{"order_id", order.id}, {"reference", "ch_1"}})),
            InboxOutcome::kApplied);
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kConfirmed);
  EXPECT_EQ(store_->stock().level("sku-a").sold, 2);
  EXPECT_EQ(event_types_since(seq),
            (std::vector<std::string>{"PaymentCompleted", "StockCommitted", "OrderConfirmed"}));
  const auto paid = events_test::outbox_after(commerce::detail::storage_of(*store_), seq).front();
  EXPECT_EQ(paid.key, order.id);
  EXPECT_EQ(events_test::payload_of(paid)["reference"], "ch_1");
  EXPECT_EQ(events_test::payload_of(paid)["amount"], order.total);

  const auto after = last_seq();
  EXPECT_EQ(store_->inbox().receive(order_message("psp-1", "PaymentCompleted",
                                            {{"order_id", order.id}, {"reference", "ch_1"}})),
            InboxOutcome::kDuplicate);
  // Another message with the same result: recorded, but changes nothing.
  EXPECT_EQ(store_->inbox().receive(order_message("psp-1b", "PaymentCompleted", {{"order_id", order.id}})),
            InboxOutcome::kApplied);
  EXPECT_EQ(last_seq(), after);
  // The opposite result is refused and not recorded.
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("psp-2", "PaymentFailed", {{"order_id", order.id}})),
                                ErrorCode::kFailedPrecondition),
            order.id);
  EXPECT_FALSE(store_->inbox().seen("psp-2"));
  EXPECT_EQ(last_seq(), after);
  expect_invariants();
}

TEST_F(InboxOrdersTest, PaymentFailedCompensatesTheOrder) {
  const Order order = pending_order(300);
  EXPECT_EQ(store_->points().balance("user-1"), 4700);
  const auto seq = last_seq();
  store_->inbox().receive(order_message("psp-9", "PaymentFailed",
                                  {{"order_id", order.id}, {"reason", "card expired"}}));
  const Order failed = store_->orders().get(order.id);
  EXPECT_EQ(failed.status, OrderStatus::kFailed);
  EXPECT_NE(failed.failure_reason.find("card expired"), std::string::npos) << failed.failure_reason;
  EXPECT_EQ(store_->points().balance("user-1"), 5000);
  EXPECT_EQ(store_->stock().level("sku-a").reserved, 0);
  const auto types = event_types_since(seq);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), "PaymentFailed");
  EXPECT_EQ(types.back(), "OrderFailed");
  EXPECT_EQ(std::count(types.begin(), types.end(), "PointRestored"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "StockReleased"), 1);
  expect_invariants();
}

TEST_F(InboxOrdersTest, RejectedPaymentMessagesChangeNothing) {
  const Order order = pending_order();
  const auto seq = last_seq();
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("m-1", "PaymentCompleted", json::object())),
                                ErrorCode::kInvalidArgument),
            "payload.order_id");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("m-1", "PaymentCompleted", {{"order_id", 12}})),
                                ErrorCode::kInvalidArgument),
            "payload.order_id");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(
                store_->inbox().receive(order_message("m-1", "PaymentCompleted", {{"order_id", "no-such-order"}})),
                ErrorCode::kNotFound),
            "no-such-order");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message(
                                    "m-1", "PaymentFailed", {{"order_id", order.id}, {"reason", 5}})),
                                ErrorCode::kInvalidArgument),
            "payload.reason");
  EXPECT_EQ(last_seq(), seq);
  const Order paid = confirmed_order();  // not waiting for a result
  const auto seq2 = last_seq();
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("m-1", "PaymentFailed", {{"order_id", paid.id}})),
                                ErrorCode::kFailedPrecondition),
            paid.id);
  EXPECT_EQ(last_seq(), seq2);
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kAwaitingPayment);
  EXPECT_EQ(store_->inbox().applied_count(), 0);
}

TEST_F(InboxOrdersTest, DeliveryUpdatesMoveOrdersToShippedThenDelivered) {
  const Order order = confirmed_order();
  auto seq = last_seq();
  EXPECT_EQ(store_->inbox().receive(order_message("dl-1", "DeliveryUpdated", {{"order_id", order.id}, {"status", "shipped"}})),
            InboxOutcome::kApplied);
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kShipped);
  EXPECT_EQ(event_types_since(seq), (std::vector<std::string>{"ShipmentCreated",
                                                              "ShipmentDispatched",
                                                              "OrderShipped"}));
  seq = last_seq();
  store_->inbox().receive(order_message("dl-2", "DeliveryUpdated", {{"order_id", order.id}, {"status", "delivered"}}));
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kDelivered);
  EXPECT_EQ(event_types_since(seq),
            (std::vector<std::string>{"ShipmentDelivered", "OrderDelivered"}));
  const auto audit = store_->orders().audit(order.id);
  EXPECT_EQ(audit.back().to, OrderStatus::kDelivered);
  EXPECT_EQ(audit.back().reason, "delivery update 'dl-2'");
  expect_invariants();
}

TEST_F(InboxOrdersTest, DeliveredBeforeShippedStillEndsDelivered) {
  const Order order = confirmed_order();
  const auto seq = last_seq();
  store_->inbox().receive(order_message("dl-2", "DeliveryUpdated", {{"order_id", order.id}, {"status", "delivered"}}));
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kDelivered);
  EXPECT_EQ(event_types_since(seq),
            (std::vector<std::string>{"ShipmentCreated", "ShipmentDispatched", "OrderShipped",
                                      "ShipmentDelivered", "OrderDelivered"}));
  // The late "shipped" update is recorded and changes nothing.
  EXPECT_EQ(store_->inbox().receive(order_message("dl-1", "DeliveryUpdated", {{"order_id", order.id}, {"status", "shipped"}})),
            InboxOutcome::kApplied);
  EXPECT_EQ(event_types_since(seq).size(), 5u);
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kDelivered);
}

TEST_F(InboxOrdersTest, RejectedDeliveryUpdatesChangeNothing) {
  const Order unpaid = pending_order();
  const auto seq = last_seq();
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("dl-1", "DeliveryUpdated",
                                                                {{"order_id", unpaid.id}, {"status", "shipped"}})),
                                ErrorCode::kFailedPrecondition),
            unpaid.id);
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("dl-1", "DeliveryUpdated",
                                                                {{"order_id", unpaid.id}, {"status", "lost"}})),
                                ErrorCode::kInvalidArgument),
            "payload.status");
  EXPECT_EQ(EVENTS_EXPECT_ERROR(store_->inbox().receive(order_message("dl-1", "DeliveryUpdated", {{"order_id", unpaid.id}})),
                                ErrorCode::kInvalidArgument),
            "payload.status");
  EXPECT_EQ(last_seq(), seq);
  EXPECT_FALSE(store_->inbox().seen("dl-1"));
  EXPECT_EQ(store_->orders().get(unpaid.id).status, OrderStatus::kAwaitingPayment);
}

TEST_F(InboxOrdersTest, ThousandDuplicatePaymentAndDeliveryMessagesApplyOnce) {
  constexpr int kOrders = 10;
  std::vector<Order> orders;
  for (int i = 0; i < kOrders; ++i) orders.push_back(pending_order());
  // Each order gets a payment result and a delivery update, each sent 50 times: 1,000
  // deliveries, from 4 threads, payment results first (a delivery needs a confirmed order).
  auto send_all = [&](const std::vector<std::string>& texts) {
    std::vector<std::thread> threads;
    std::atomic<int> applied{0};
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (std::size_t i = t; i < texts.size(); i += 4) {
          if (store_->inbox().receive(texts[i]) == InboxOutcome::kApplied) ++applied;
        }
      });
    }
    for (auto& th : threads) th.join();
    return applied.load();
  };
  std::vector<std::string> payments;
  std::vector<std::string> deliveries;
  for (int copy = 0; copy < 50; ++copy) {
    for (int i = 0; i < kOrders; ++i) {
      payments.push_back(order_message("pay-" + std::to_string(i), "PaymentCompleted", {{"order_id", orders[i].id}}));
      deliveries.push_back(order_message("ship-" + std::to_string(i), "DeliveryUpdated",
                                   {{"order_id", orders[i].id}, {"status", "shipped"}}));
    }
  }
  const auto seq = last_seq();
  EXPECT_EQ(send_all(payments), kOrders);
  EXPECT_EQ(send_all(deliveries), kOrders);
  for (const auto& order : orders) {
    EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kShipped) << order.id;
  }
  const auto types = event_types_since(seq);
  for (const char* type : {"PaymentCompleted", "OrderConfirmed", "OrderShipped"}) {
    EXPECT_EQ(std::count(types.begin(), types.end(), type), kOrders) << type;
  }
  EXPECT_EQ(store_->stock().level("sku-a").sold, 2 * kOrders);
  EXPECT_EQ(store_->inbox().applied_count(), 2 * kOrders);
  expect_invariants();
}

}  // namespace
}  // namespace commerce
