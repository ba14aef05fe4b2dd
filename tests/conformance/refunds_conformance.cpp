// Partial refunds (issue 20, OrderBook::refund): refunds add up to the payment and never pass it,
// each refund is its own gateway key, declines give the reservation back, unknown answers are
// finished by recover(), bad input changes nothing. The same tests on every adapter.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;
using GatewayDoes = FakeGateway::Behaviour;
using GatewayOp = FakeGateway::Operation;

// A store with a FakeGateway and two mugs of 1000 in stock.
class RefundTest {
 public:
  RefundTest(const std::string& location, std::shared_ptr<Clock> clock,
             std::shared_ptr<PaymentGateway> with = {})
      : gateway(std::make_shared<FakeGateway>()) {
    StoreOptions options;
    options.clock = std::move(clock);
    options.gateway = with ? with : gateway;
    options.saga.attempts = 2;
    options.saga.backoff_initial_ms = 1;
    options.saga.backoff_max_ms = 1;
    options.saga.gateway_timeout_ms = 200;
    store = Store::open(location, options);
    store->catalog().create({.id = "mug", .name = "Mug", .price = 1000});
    store->stock().adjust("mug", 4, "seed");
  }

  Order paid_order() {
    Order o = store->orders().place({.user_id = "ann", .items = {{"mug", 2}}});
    EXPECT_EQ(o.status, OrderStatus::kConfirmed);
    return o;
  }

  std::vector<Refund> refunds(const Order& o) { return store->orders().refunds(o.id); }

  std::shared_ptr<FakeGateway> gateway;
  std::unique_ptr<Store> store;
};

TEST_P(StorageConformance, PartialRefundsAddUpToThePaymentAndNeverPassIt) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  OrderBook& orders = t.store->orders();

  const Refund first = orders.refund(o.id, 500, "scratched");
  EXPECT_EQ(first.status, RefundStatus::kApproved);
  EXPECT_EQ(first.amount, 500);
  EXPECT_EQ(first.order_id, o.id);
  EXPECT_EQ(first.payment_id, o.id + ":payment");
  EXPECT_EQ(first.reason, "scratched");
  EXPECT_EQ(first.reference, "fake-" + first.id);
  EXPECT_EQ(t.gateway->net_for(o.id), 1500);

  // Above what remains: refused, naming the amount; nothing changed.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, 1501), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(t.refunds(o).size(), 1u);

  const Refund rest = orders.refund(o.id, 1500);
  EXPECT_EQ(rest.status, RefundStatus::kApproved);
  EXPECT_NE(rest.id, first.id);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 2);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, 1), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(t.refunds(o), (std::vector<Refund>{first, rest}));
  EXPECT_EQ(orders.get(o.id).status, OrderStatus::kConfirmed);

  const auto events = events_of_type(*t.store, "PaymentRefunded");
  ASSERT_EQ(events.size(), 2u);
  const auto payload = nlohmann::json::parse(events[0].payload);
  EXPECT_EQ(payload["order_id"], o.id);
  EXPECT_EQ(payload["payment_id"], first.payment_id);
  EXPECT_EQ(payload["refund_id"], first.id);
  EXPECT_EQ(payload["amount"], 500);

  // Cancelling the fully refunded order asks the gateway for nothing more.
  EXPECT_EQ(orders.cancel(o.id).status, OrderStatus::kCancelled);
  EXPECT_EQ(t.gateway->calls(GatewayOp::kRefund), 2);
  EXPECT_EQ(t.gateway->calls(GatewayOp::kVoid), 0);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
  EXPECT_EQ(t.refunds(o).size(), 2u);
  EXPECT_EQ(events_of_type(*t.store, "PaymentRefunded").size(), 2u);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, CancellingAPartlyRefundedOrderRefundsOnlyWhatRemains) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  OrderBook& orders = t.store->orders();
  const Refund part = orders.refund(o.id, 500);
  clock_->advance(1000);
  EXPECT_EQ(orders.cancel(o.id, "changed mind").status, OrderStatus::kCancelled);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 2);
  const auto refunds = t.refunds(o);
  ASSERT_EQ(refunds.size(), 2u);
  EXPECT_EQ(refunds[0], part);
  EXPECT_EQ(refunds[1].id, o.id + ":payment:cancel");
  EXPECT_EQ(refunds[1].amount, 1500);
  EXPECT_EQ(refunds[1].status, RefundStatus::kApproved);
  const auto events = events_of_type(*t.store, "PaymentRefunded");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(events[1].payload)["amount"], 1500);
  EXPECT_EQ(nlohmann::json::parse(events[1].payload)["refund_id"], refunds[1].id);
  EXPECT_EQ(t.store->stock().level("mug").available, 4);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, AnOrderIsNotCancelledWhileARefundIsUnderWay) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  t.gateway->script(GatewayOp::kRefund, {{GatewayDoes::kFail}, {GatewayDoes::kFail}});
  EXPECT_COMMERCE_ERROR(t.store->orders().refund(o.id, 700), ErrorCode::kUnavailable);
  EXPECT_COMMERCE_ERROR(t.store->orders().cancel(o.id), ErrorCode::kFailedPrecondition);
  EXPECT_TRUE(t.store->orders().recover().unresolved.empty());
  EXPECT_EQ(t.store->orders().cancel(o.id).status, OrderStatus::kCancelled);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, ARefundOfAShippedOrDeliveredOrderIsMadeToo) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  t.store->orders().ship(o.id);
  EXPECT_EQ(t.store->orders().refund(o.id, 300).status, RefundStatus::kApproved);
  t.store->orders().deliver(o.id);
  EXPECT_EQ(t.store->orders().refund(o.id, 700).status, RefundStatus::kApproved);
  EXPECT_EQ(t.gateway->net_for(o.id), 1000);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, BadRefundsAreRefusedNamingTheFieldAndChangeNothing) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  OrderBook& orders = t.store->orders();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, 0), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, -5), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, 2001), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund("", 10), ErrorCode::kInvalidArgument),
            "order_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(orders.refund(o.id, 10, std::string(600, 'r')),
                                  ErrorCode::kInvalidArgument),
            "reason");
  EXPECT_COMMERCE_ERROR(orders.refund("no-such-order", 10), ErrorCode::kNotFound);
  EXPECT_COMMERCE_ERROR(orders.refunds("no-such-order"), ErrorCode::kNotFound);

  // Not paid: awaiting its payment, then cancelled.
  t.gateway->script(GatewayOp::kCharge, {{GatewayDoes::kPending}});
  const Order pending = orders.place({.user_id = "bob", .items = {{"mug", 1}}});
  ASSERT_EQ(pending.status, OrderStatus::kAwaitingPayment);
  EXPECT_COMMERCE_ERROR(orders.refund(pending.id, 10), ErrorCode::kFailedPrecondition);
  orders.cancel(pending.id);
  EXPECT_COMMERCE_ERROR(orders.refund(pending.id, 10), ErrorCode::kFailedPrecondition);

  EXPECT_TRUE(t.refunds(o).empty());
  EXPECT_TRUE(t.refunds(pending).empty());
  EXPECT_EQ(t.gateway->calls(GatewayOp::kRefund), 0);  // the pending payment was voided
  EXPECT_EQ(t.gateway->net_for(o.id), 2000);
  EXPECT_TRUE(events_of_type(*t.store, "PaymentRefunded").empty());
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, TheSameRequestIdReturnsTheSameRefundAndOtherArgumentsConflict) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  OrderBook& orders = t.store->orders();
  const Refund once = orders.refund(o.id, 400, "dent", "r-1");
  EXPECT_EQ(once.request_id, "r-1");
  EXPECT_EQ(orders.refund(o.id, 400, "dent", "r-1"), once);
  EXPECT_COMMERCE_ERROR(orders.refund(o.id, 401, "dent", "r-1"), ErrorCode::kConflict);
  EXPECT_EQ(t.refunds(o).size(), 1u);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 1);
  EXPECT_EQ(t.gateway->net_for(o.id), 1600);
}

TEST_P(StorageConformance, ADeclinedRefundGivesItsReservationBack) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  t.gateway->script(GatewayOp::kRefund, {{GatewayDoes::kDecline}});
  const Refund declined = t.store->orders().refund(o.id, 2000);
  EXPECT_EQ(declined.status, RefundStatus::kDeclined);
  EXPECT_EQ(declined.message, "refund declined (scripted)");
  EXPECT_EQ(t.gateway->net_for(o.id), 2000);
  EXPECT_TRUE(events_of_type(*t.store, "PaymentRefunded").empty());
  EXPECT_TRUE(check_invariants(*t.store).ok());
  // The whole amount is free again.
  EXPECT_EQ(t.store->orders().refund(o.id, 2000).status, RefundStatus::kApproved);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
}

TEST_P(StorageConformance, AnUnknownRefundAnswerStaysStartedAndRecoverFinishesItOnce) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  // Both attempts time out after the gateway applied the first: the reply is lost.
  t.gateway->script(GatewayOp::kRefund, {{GatewayDoes::kTimeout}, {GatewayDoes::kTimeout}});
  EXPECT_COMMERCE_ERROR(t.store->orders().refund(o.id, 600), ErrorCode::kUnavailable);
  auto refunds = t.refunds(o);
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].status, RefundStatus::kStarted);
  EXPECT_TRUE(check_invariants(*t.store, false).ok());
  EXPECT_FALSE(check_invariants(*t.store, true).ok());  // a started refund on a settled store
  // What remains counts the refund under way.
  EXPECT_COMMERCE_ERROR(t.store->orders().refund(o.id, 1401), ErrorCode::kInvalidArgument);

  const RecoveryReport report = t.store->orders().recover();
  EXPECT_TRUE(report.unresolved.empty());
  refunds = t.refunds(o);
  EXPECT_EQ(refunds[0].status, RefundStatus::kApproved);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 1);
  EXPECT_EQ(t.gateway->net_for(o.id), 1400);
  EXPECT_EQ(events_of_type(*t.store, "PaymentRefunded").size(), 1u);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, ATransportFailureLeavesTheRefundStartedUntilRecover) {
  RefundTest t(location_, clock_);
  const Order o = t.paid_order();
  t.gateway->script(GatewayOp::kRefund, {{GatewayDoes::kFail}, {GatewayDoes::kFail}});
  EXPECT_COMMERCE_ERROR(t.store->orders().refund(o.id, 600, {}, "r-2"), ErrorCode::kUnavailable);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 0);
  // A retry with the same request_id finishes the same refund.
  const Refund retried = t.store->orders().refund(o.id, 600, {}, "r-2");
  EXPECT_EQ(retried.status, RefundStatus::kApproved);
  EXPECT_EQ(t.refunds(o).size(), 1u);
  EXPECT_EQ(t.gateway->net_for(o.id), 1400);
  EXPECT_TRUE(t.store->orders().recover().unresolved.empty());
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

// A gateway that offers no partial refunds (PaymentGateway::refund_part's default).
class WholeRefundsOnly final : public PaymentGateway {
 public:
  explicit WholeRefundsOnly(std::shared_ptr<FakeGateway> inner) : inner_(std::move(inner)) {}
  PaymentResult charge(const PaymentRequest& r) override { return inner_->charge(r); }
  PaymentResult authorize(const PaymentRequest& r) override { return inner_->authorize(r); }
  PaymentResult capture(const std::string& k, std::int64_t t) override {
    return inner_->capture(k, t);
  }
  PaymentResult void_payment(const std::string& k, std::int64_t t) override {
    return inner_->void_payment(k, t);
  }
  PaymentResult refund(const std::string& k, Money a, std::int64_t t) override {
    return inner_->refund(k, a, t);
  }
  PaymentResult status(const std::string& k, std::int64_t t) override {
    return inner_->status(k, t);
  }

 private:
  std::shared_ptr<FakeGateway> inner_;
};

TEST_P(StorageConformance, AGatewayWithoutPartialRefundsDeclinesThem) {
  auto fake = std::make_shared<FakeGateway>();
  RefundTest t(location_, clock_, std::make_shared<WholeRefundsOnly>(fake));
  const Order o = t.paid_order();
  const Refund declined = t.store->orders().refund(o.id, 100);
  EXPECT_EQ(declined.status, RefundStatus::kDeclined);
  EXPECT_NE(declined.message.find("no partial refunds"), std::string::npos) << declined.message;
  EXPECT_EQ(fake->net_for(o.id), 2000);
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

}  // namespace
}  // namespace commerce::testing
