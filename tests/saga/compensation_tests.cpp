// Orders, pricing, the state machine, and every row of the saga's compensation table on its own.
#include <algorithm>
#include <functional>
#include <mutex>
#include <set>

#include "conformance/test_support.h"
#include "saga_fixture.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

using Op = FakeGateway::Operation;
using B = FakeGateway::Behaviour;

std::vector<std::string> log_lines(Store& store, const std::string& order_id) {
  return run_unit(commerce::detail::storage_of(store), Storage::Access::kRead, [&](Transaction& tx) {
    std::vector<std::string> lines;
    for (const auto& e : tx.find_saga_log(order_id)) lines.push_back(e.step + "." + e.action);
    return lines;
  });
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::vector<OrderStatus> statuses(Store& store, const std::string& order_id) {
  std::vector<OrderStatus> out;
  for (const auto& a : store.orders().audit(order_id)) out.push_back(a.to);
  return out;
}

TEST_P(SagaTest, PlaceConfirmsWithPricingSnapshotAndAudit) {
  const Order order = store_->orders().place({.user_id = "u1",
                                              .items = {{"a", 2}, {"b", 1}, {"a", 1}},
                                              .coupon_id = coupon_,
                                              .points_to_use = 500,
                                              .request_id = "req-1"});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  ASSERT_EQ(order.items.size(), 2u);
  const OrderItem& a = order.items[0];
  EXPECT_EQ(std::tie(a.product_id, a.name, a.unit_price, a.qty, a.line_total),
            std::make_tuple(std::string("a"), std::string("Mug"), kPriceA, std::int64_t{3},
                            3 * kPriceA));
  EXPECT_EQ(order.items[0].discount + order.items[1].discount, kCouponOff);
  EXPECT_EQ(order.subtotal, 3 * kPriceA + kPriceB);
  EXPECT_EQ(order.discount, kCouponOff);
  EXPECT_EQ(order.points_used, 500);
  EXPECT_EQ(order.total, order.subtotal - kCouponOff - 500);
  EXPECT_TRUE(order.coupon_applied);
  EXPECT_EQ(statuses(*store_, order.id),
            (std::vector<OrderStatus>{OrderStatus::kPending, OrderStatus::kAwaitingPayment,
                                      OrderStatus::kConfirmed}));
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 7, 0, 7, 3}));
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints - 500);
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kUsed);
  EXPECT_EQ(gateway_->charges_for(order.id), 1);
  EXPECT_EQ(gateway_->net_for(order.id), order.total);
  // Price changes never touch placed orders.
  store_->catalog().update("a", {.price = 9999});
  EXPECT_EQ(store_->orders().get(order.id).items[0].unit_price, kPriceA);
  expect_invariants(*store_);
}

TEST_P(SagaTest, PricingRejectsPointsBeyondWhatRemainsAndOverflow) {
  // subtotal 1000, coupon 1500 -> discount capped; nothing remains for points.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().place({.user_id = "u1",
                                                          .items = {{"a", 1}},
                                                          .coupon_id = coupon_,
                                                          .points_to_use = 1}),
                                  ErrorCode::kInvalidArgument),
            "points_to_use");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store_->orders().place({.user_id = "u1", .items = {{"a", 1}}, .points_to_use = -1}),
                ErrorCode::kInvalidArgument),
            "points_to_use");
  store_->catalog().create({.id = "gold", .name = "Gold", .price = 9'000'000'000'000'000'000LL,
                            .initial_stock = 10});
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store_->orders().place({.user_id = "u1", .items = {{"gold", 2}}}),
                ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().place({.user_id = "u1", .items = {}}),
                                  ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().place({.user_id = "u1", .items = {{"zz", 1}}}),
                                  ErrorCode::kNotFound),
            "zz");
  EXPECT_TRUE(store_->orders().list_for_user("u1").items.empty());  // nothing was created
  // A coupon bigger than the subtotal discounts the subtotal, and a total of 0 skips the gateway.
  const Order free = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 1}}, .coupon_id = coupon_});
  EXPECT_EQ(free.status, OrderStatus::kConfirmed);
  EXPECT_EQ(free.discount, kPriceA);
  EXPECT_EQ(free.total, 0);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 0);
  expect_invariants(*store_);
}

TEST_P(SagaTest, ZeroTotalByPointsSkipsTheGateway) {
  const Order order =
      store_->orders().place({.user_id = "u1", .items = {{"b", 2}}, .points_to_use = 1000});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(order.total, 0);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 0);
  EXPECT_TRUE(has(log_lines(*store_, order.id), "payment.skipped"));
  expect_invariants(*store_);
}

TEST_P(SagaTest, WithoutAGatewayOnlyFreeOrdersArePlaced) {
  store_.reset();
  store_ = Store::open(location_, options(nullptr));
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().place({.user_id = "u1", .items = {{"a", 1}}}),
                                  ErrorCode::kFailedPrecondition),
            "gateway");
  const Order free =
      store_->orders().place({.user_id = "u1", .items = {{"a", 1}}, .points_to_use = kPriceA});
  EXPECT_EQ(free.status, OrderStatus::kConfirmed);
  expect_invariants(*store_);
}

// Row "stock": nothing to compensate; FAILED.
TEST_P(SagaTest, StockFailureFailsWithoutCompensation) {
  const Order order =
      store_->orders().place({.user_id = "u1", .items = {{"a", 11}}, .coupon_id = coupon_,
                              .points_to_use = 100});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  EXPECT_NE(order.failure_reason.find("out of stock"), std::string::npos) << order.failure_reason;
  const auto lines = log_lines(*store_, order.id);
  EXPECT_TRUE(has(lines, "stock.failed"));
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.ends_with(".compensated"); }),
            0);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 0);
  expect_invariants(*store_);
}

// Row "points": release stock; FAILED.
TEST_P(SagaTest, PointsFailureReleasesStock) {
  store_->catalog().create({.id = "big", .name = "Big", .price = 10'000, .initial_stock = 3});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"big", 1}}, .points_to_use = kUserPoints + 1});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  const auto lines = log_lines(*store_, order.id);
  EXPECT_TRUE(has(lines, "points.failed"));
  EXPECT_TRUE(has(lines, "stock.compensated"));
  EXPECT_FALSE(has(lines, "coupon.compensated"));
  EXPECT_EQ(store_->stock().level("big"), (StockLevel{"big", 3, 0, 3, 0}));
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  expect_invariants(*store_);
}

// Row "coupon (required)": restore points, release stock; FAILED.
TEST_P(SagaTest, RequiredCouponFailureRestoresPointsAndReleasesStock) {
  const std::string revoked = revoked_coupon(*store_);
  const Order order = store_->orders().place({.user_id = "u1",
                                              .items = {{"a", 2}},
                                              .coupon_id = revoked,
                                              .coupon_required = true,
                                              .points_to_use = 700});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  const auto lines = log_lines(*store_, order.id);
  EXPECT_TRUE(has(lines, "coupon.failed"));
  EXPECT_TRUE(has(lines, "points.compensated"));
  EXPECT_TRUE(has(lines, "stock.compensated"));
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(store_->stock().level("a").reserved, 0);
  EXPECT_EQ(store_->coupons().get(revoked).status, CouponStatus::kRevoked);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 0);
  expect_invariants(*store_);
}

TEST_P(SagaTest, OptionalInvalidCouponIsSkippedWithReason) {
  const std::string revoked = revoked_coupon(*store_);
  const Order order =
      store_->orders().place({.user_id = "u1", .items = {{"a", 2}}, .coupon_id = revoked});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_FALSE(order.coupon_applied);
  EXPECT_NE(order.coupon_note.find("revoked"), std::string::npos) << order.coupon_note;
  EXPECT_EQ(order.total, 2 * kPriceA);
  expect_invariants(*store_);
}

// Row "payment declined": restore coupon, restore points, release stock; FAILED.
TEST_P(SagaTest, PaymentDeclinedRestoresCouponPointsAndStock) {
  gateway_->script(Op::kCharge, {{B::kDecline}});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 3}}, .coupon_id = coupon_, .points_to_use = 200});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  EXPECT_NE(order.failure_reason.find("declined"), std::string::npos) << order.failure_reason;
  const auto lines = log_lines(*store_, order.id);
  EXPECT_TRUE(has(lines, "payment.failed"));
  EXPECT_TRUE(has(lines, "coupon.compensated"));
  EXPECT_TRUE(has(lines, "points.compensated"));
  EXPECT_TRUE(has(lines, "stock.compensated"));
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 10, 0, 10, 0}));
  EXPECT_EQ(gateway_->charges_for(order.id), 0);
  EXPECT_EQ(statuses(*store_, order.id).back(), OrderStatus::kFailed);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

// Row "payment unknown": the charge landed but every reply was lost; asking by key confirms.
TEST_P(SagaTest, PaymentUnknownButChargedConfirmsAfterAskingByKey) {
  gateway_->script(Op::kCharge, {{B::kTimeout}, {B::kTimeout}});
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 2);  // retried with the same key
  EXPECT_EQ(gateway_->calls(Op::kStatus), 1);
  EXPECT_EQ(gateway_->charges_for(order.id), 1);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

// Row "payment unknown": the gateway never got it; the key is voided and the order compensated.
TEST_P(SagaTest, PaymentUnknownNeverReceivedVoidsAndCompensates) {
  gateway_->script(Op::kCharge, {{B::kFail}, {B::kFail}});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 2}}, .coupon_id = coupon_, .coupon_required = true});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  EXPECT_EQ(gateway_->calls(Op::kVoid), 1);
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  // A late copy of the request cannot charge the voided key.
  const auto late = gateway_->charge({order.id + ":payment", order.id, "u1", 1000, "KRW", "card", 5});
  EXPECT_EQ(late.outcome, PaymentOutcome::kDeclined);
  EXPECT_EQ(gateway_->charges_for(order.id), 0);
  expect_invariants(*store_);
}

// Row "payment unknown" with the gateway down: the order waits in flight; recover() ends it.
TEST_P(SagaTest, PaymentUnreachableStaysInFlightUntilRecover) {
  gateway_->script(Op::kCharge, {{B::kTimeout}, {B::kTimeout}});
  gateway_->script(Op::kStatus, {{B::kFail}, {B::kFail}});
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  EXPECT_EQ(order.status, OrderStatus::kAwaitingPayment);
  const auto before = check_invariants(*store_, true);
  EXPECT_FALSE(before.ok());  // a saga is in flight: the checker must say so
  const RecoveryReport report = store_->orders().recover();
  EXPECT_EQ(report.confirmed, 1);
  EXPECT_TRUE(report.unresolved.empty());
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kConfirmed);
  EXPECT_EQ(gateway_->charges_for(order.id), 1);
  expect_invariants(*store_);
}

// Row "cancel after payment": refund, restore coupon, points, restock; CANCELLED.
TEST_P(SagaTest, CancelAfterPaymentRefundsAndRestoresEverything) {
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 4}}, .coupon_id = coupon_, .points_to_use = 300});
  ASSERT_EQ(order.status, OrderStatus::kConfirmed);
  const Order cancelled = store_->orders().cancel(order.id, "changed my mind", "cancel-1");
  EXPECT_EQ(cancelled.status, OrderStatus::kCancelled);
  EXPECT_EQ(cancelled.failure_reason, "changed my mind");
  const auto lines = log_lines(*store_, order.id);
  for (const char* line : {"payment.compensated", "coupon.compensated", "points.compensated",
                           "stock.compensated"}) {
    EXPECT_TRUE(has(lines, line)) << line;
  }
  EXPECT_EQ(gateway_->refunds_for(order.id), 1);
  EXPECT_EQ(gateway_->net_for(order.id), 0);
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(store_->stock().level("a").available, 10);  // restocked
  // Same request again: the same order; other arguments: Conflict.
  EXPECT_EQ(store_->orders().cancel(order.id, "changed my mind", "cancel-1"), cancelled);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().cancel(order.id, "other", "cancel-1"),
                                  ErrorCode::kConflict),
            "cancel-1");
  EXPECT_EQ(gateway_->refunds_for(order.id), 1);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

TEST_P(SagaTest, StateMachineRefusesIllegalTransitions) {
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  auto reason_of = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
      return e.reason();
    }
    ADD_FAILURE() << "expected FailedPrecondition";
    return Reason::kNone;
  };
  EXPECT_EQ(reason_of([&] { store_->orders().deliver(order.id); }), Reason::kIllegalTransition);
  EXPECT_EQ(store_->orders().ship(order.id).status, OrderStatus::kShipped);
  EXPECT_EQ(store_->orders().ship(order.id).status, OrderStatus::kShipped);  // idempotent
  EXPECT_EQ(reason_of([&] { store_->orders().cancel(order.id); }), Reason::kIllegalTransition);
  EXPECT_EQ(store_->orders().deliver(order.id).status, OrderStatus::kDelivered);
  EXPECT_EQ(statuses(*store_, order.id).size(), 5u);
  gateway_->script(Op::kCharge, {{B::kDecline}});
  const Order failed = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  EXPECT_EQ(reason_of([&] { store_->orders().ship(failed.id); }), Reason::kIllegalTransition);
  EXPECT_EQ(reason_of([&] { store_->orders().cancel(failed.id); }), Reason::kIllegalTransition);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().ship("nope"), ErrorCode::kNotFound), "nope");
  expect_invariants(*store_);
}

TEST_P(SagaTest, PlaceIsIdempotentPerRequestId) {
  const PlaceOrder request{.user_id = "u1", .items = {{"a", 1}}, .request_id = "r-1"};
  const Order first = store_->orders().place(request);
  EXPECT_EQ(store_->orders().place(request), first);
  PlaceOrder other = request;
  other.items = {{"a", 2}};
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->orders().place(other), ErrorCode::kConflict), "r-1");
  EXPECT_EQ(gateway_->charges_for(first.id), 1);
  EXPECT_EQ(store_->orders().list_for_user("u1").items.size(), 1u);
}

TEST_P(SagaTest, PendingPaymentIsFinishedByCompletePayment) {
  gateway_->script(Op::kCharge, {{B::kPending}});
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  EXPECT_EQ(order.status, OrderStatus::kAwaitingPayment);
  expect_invariants(*store_);  // waiting for a callback is not "in flight"
  gateway_->settle(order.id + ":payment", true);
  EXPECT_EQ(store_->orders().complete_payment(order.id, true).status, OrderStatus::kConfirmed);
  EXPECT_EQ(store_->orders().complete_payment(order.id, true).status, OrderStatus::kConfirmed);
  EXPECT_COMMERCE_ERROR(store_->orders().complete_payment(order.id, false),
                        ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->stock().level("a").sold, 1);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

TEST_P(SagaTest, PendingPaymentDeclinedByCallbackCompensates) {
  gateway_->script(Op::kCharge, {{B::kPending}});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 1}}, .points_to_use = 100});
  gateway_->settle(order.id + ":payment", false);
  EXPECT_EQ(store_->orders().complete_payment(order.id, false).status, OrderStatus::kFailed);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(store_->stock().level("a").reserved, 0);
  expect_invariants(*store_);
}

TEST_P(SagaTest, PaymentApprovedAfterTheReservationWasReleasedCancelsAndGivesItBack) {
  gateway_->script(Op::kCharge, {{B::kPending}});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 2}}, .coupon_id = coupon_, .points_to_use = 100});
  ASSERT_EQ(order.status, OrderStatus::kAwaitingPayment);
  clock_->advance(store_->options().reservation_ttl_ms + 1);
  EXPECT_EQ(store_->stock().release_expired(), std::vector<std::string>{order.id});
  gateway_->settle(order.id + ":payment", true);
  // The units are no longer held for the order: it cannot be filled, so it is cancelled and
  // everything given back, the captured payment refunded.
  const Order ended = store_->orders().complete_payment(order.id, true);
  EXPECT_EQ(ended.status, OrderStatus::kCancelled);
  EXPECT_NE(ended.failure_reason.find("cannot confirm"), std::string::npos) << ended.failure_reason;
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 10, 0, 10, 0}));
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  EXPECT_EQ(gateway_->net_for(order.id), 0);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

TEST_P(SagaTest, SweepCancelsExpiredUnpaidOrdersAndVoidsThem) {
  gateway_->script(Op::kCharge, {{B::kPending}});
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 2}}, .coupon_id = coupon_, .points_to_use = 100});
  ASSERT_EQ(order.status, OrderStatus::kAwaitingPayment);
  EXPECT_TRUE(store_->orders().sweep().empty());  // not expired yet
  clock_->advance(store_->options().reservation_ttl_ms + 1);
  EXPECT_EQ(store_->orders().sweep(), std::vector<std::string>{order.id});
  EXPECT_EQ(store_->orders().get(order.id).status, OrderStatus::kCancelled);
  EXPECT_EQ(gateway_->calls(Op::kVoid), 1);
  EXPECT_EQ(store_->stock().level("a").reserved, 0);
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  // The late callback cannot resurrect it.
  EXPECT_COMMERCE_ERROR(store_->orders().complete_payment(order.id, true),
                        ErrorCode::kFailedPrecondition);
  expect_invariants(*store_);
  expect_money_matches(*store_, *gateway_);
}

TEST_P(SagaTest, ListForUserPaginatesNewestFirst) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store_->orders().place({.user_id = "u1", .items = {{"b", 1}}}).id);
  auto first = store_->orders().list_for_user("u1", {}, 2);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, ids[4]);
  EXPECT_FALSE(first.items[0].items.empty());
  std::vector<std::string> seen;
  std::string cursor;
  do {
    auto page = store_->orders().list_for_user("u1", cursor, 2);
    for (const auto& o : page.items) seen.push_back(o.id);
    cursor = page.next_cursor;
  } while (!cursor.empty());
  std::reverse(seen.begin(), seen.end());
  EXPECT_EQ(seen, ids);
}

// A remote service's step, recording what it was asked to do.
class RemoteStep final : public SagaStep {
 public:
  RemoteStep(std::string name, bool refuse) : name_(std::move(name)), refuse_(refuse) {}
  std::string name() const override { return name_; }
  void execute(const SagaStepContext& ctx) override {
    std::lock_guard lock(mu_);
    calls.push_back("execute " + ctx.idempotency_key);
    if (refuse_) {
      throw Error::failed_precondition(Reason::kOutOfStock, name_, name_ + " refused the order");
    }
    held.insert(ctx.idempotency_key);
  }
  void compensate(const SagaStepContext& ctx) override {
    std::lock_guard lock(mu_);
    calls.push_back("compensate " + ctx.idempotency_key);
    held.erase(ctx.idempotency_key);
  }
  std::mutex mu_;
  std::vector<std::string> calls;
  std::set<std::string> held;

 private:
  std::string name_;
  bool refuse_;
};

TEST_P(SagaTest, FailingHostStepCompensatesTheStepsBeforeIt) {
  auto remote_stock = std::make_shared<RemoteStep>("remote-stock", false);
  auto fraud_check = std::make_shared<RemoteStep>("fraud-check", true);
  SagaOptions saga = fast_saga();
  saga.stock_step = remote_stock;
  saga.extra_steps = {fraud_check};
  store_.reset();
  store_ = open(location_, gateway_, saga);
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 3}}, .coupon_id = coupon_, .points_to_use = 100});
  EXPECT_EQ(order.status, OrderStatus::kFailed);
  EXPECT_NE(order.failure_reason.find("fraud-check refused"), std::string::npos);
  const auto lines = log_lines(*store_, order.id);
  EXPECT_TRUE(has(lines, "fraud-check.failed"));
  EXPECT_TRUE(has(lines, "coupon.compensated"));
  EXPECT_TRUE(has(lines, "points.compensated"));
  EXPECT_TRUE(has(lines, "remote-stock.compensated"));
  EXPECT_EQ(remote_stock->calls, (std::vector<std::string>{"execute " + order.id + ":remote-stock",
                                                           "compensate " + order.id +
                                                               ":remote-stock"}));
  EXPECT_TRUE(remote_stock->held.empty());
  EXPECT_EQ(fraud_check->calls.size(), 1u);  // a refused step is not compensated
  EXPECT_EQ(store_->stock().level("a").reserved, 0);  // local stock untouched
  EXPECT_EQ(store_->coupons().get(coupon_).status, CouponStatus::kAvailable);
  EXPECT_EQ(store_->points().balance("u1"), kUserPoints);
  EXPECT_EQ(gateway_->calls(Op::kCharge), 0);
  expect_invariants(*store_);
}

TEST_P(SagaTest, HostStockStepReplacesLocalStockAndIsUndoneOnCancel) {
  auto remote_stock = std::make_shared<RemoteStep>("remote-stock", false);
  SagaOptions saga = fast_saga();
  saga.stock_step = remote_stock;
  store_.reset();
  store_ = open(location_, gateway_, saga);
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(remote_stock->held.size(), 1u);
  EXPECT_EQ(store_->stock().level("a").sold, 0);
  EXPECT_EQ(store_->orders().cancel(order.id).status, OrderStatus::kCancelled);
  EXPECT_TRUE(remote_stock->held.empty());
  EXPECT_EQ(gateway_->net_for(order.id), 0);
  expect_invariants(*store_);
}

// A host stock step runs outside the placement's unit of work, so the coupon step runs in a
// later one: when the coupon can no longer be used there, the order is priced again without it
// (its items' shares and tax too) and charged what it then costs.
class RevokingStockStep final : public SagaStep {
 public:
  explicit RevokingStockStep(std::function<void()> before) : before_(std::move(before)) {}
  std::string name() const override { return "remote-stock"; }
  void execute(const SagaStepContext&) override { before_(); }
  void compensate(const SagaStepContext&) override {}

 private:
  std::function<void()> before_;
};

TEST_P(SagaTest, ACouponLostBeforeItsStepIsPricedOutOfTheOrder) {
  SagaOptions saga = fast_saga();
  bool revoke = false;
  saga.stock_step = std::make_shared<RevokingStockStep>([&] {
    if (revoke) store_->coupons().revoke(coupon_);
  });
  store_.reset();
  store_ = open(location_, gateway_, saga);
  const PlaceOrder kept{.user_id = "u1", .items = {{"a", 2}, {"b", 1}}, .coupon_id = coupon_};
  const Quote quoted = store_->orders().quote(kept);
  EXPECT_EQ(quoted.discount, kCouponOff);
  revoke = true;
  const Order order = store_->orders().place(kept);
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_FALSE(order.coupon_applied);
  EXPECT_NE(order.coupon_note.find("revoked"), std::string::npos) << order.coupon_note;
  EXPECT_EQ(order.discount, 0);
  EXPECT_EQ(order.total, 2 * kPriceA + kPriceB);
  EXPECT_EQ(gateway_->net_for(order.id), order.total);
  const Order stored = store_->orders().get(order.id);
  EXPECT_EQ(stored, order);
  for (const OrderItem& item : stored.items) {
    EXPECT_EQ(item.discount, 0);
    EXPECT_EQ(item.total, item.line_total);
    EXPECT_EQ(item.tax, (item.line_total * 10 + 55) / 110);  // 10% included, half up
  }
  expect_invariants(*store_);
}

TEST_P(SagaTest, HostStepNamesAreValidated) {
  SagaOptions saga = fast_saga();
  saga.extra_steps = {std::make_shared<RemoteStep>("stock", false)};
  store_.reset();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(open(location_, gateway_, saga), ErrorCode::kInvalidArgument),
            "saga.extra_steps");
}

}  // namespace
}  // namespace commerce::testing
