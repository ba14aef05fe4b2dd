// The invariant checker reports each kind of corruption, naming the rows that break it.
#include <algorithm>

#include "saga_fixture.h"

namespace commerce::testing {
namespace {

bool reports(const InvariantReport& report, const std::string& rule, const std::string& subject) {
  return std::any_of(report.violations.begin(), report.violations.end(),
                     [&](const InvariantViolation& v) {
                       return v.rule == rule && v.subject == subject;
                     });
}

std::string dump(const InvariantReport& report) {
  std::string out;
  for (const auto& v : report.violations) out += v.rule + " " + v.subject + ": " + v.detail + "\n";
  return out;
}

TEST_P(SagaTest, InvariantCheckerIsCleanOnAHealthyStore) {
  store_->orders().place({.user_id = "u1", .items = {{"a", 1}}, .points_to_use = 100});
  const auto report = check_invariants(store_->storage());
  EXPECT_TRUE(report.ok()) << dump(report);
  EXPECT_EQ(report.orders, 1);
  EXPECT_EQ(report.products, 2);
  EXPECT_EQ(report.users, 1);
}

TEST_P(SagaTest, InvariantCheckerNamesCorruptedRows) {
  const Order order = store_->orders().place(
      {.user_id = "u1", .items = {{"a", 2}}, .coupon_id = coupon_, .points_to_use = 100});
  ASSERT_EQ(order.status, OrderStatus::kConfirmed);
  // Corrupt the store underneath the domain logic, one invariant at a time.
  store_->storage().run(Storage::Access::kWrite, [&](Transaction& tx) {
    ASSERT_TRUE(tx.try_reserve_stock("b", 1));      // reserved without a reservation row
    ASSERT_TRUE(tx.try_credit_points("u1", 5));     // balance without a ledger entry
    ASSERT_TRUE(tx.try_adjust_stock("a", 1));       // on_hand without an adjustment row
    ASSERT_TRUE(tx.try_set_coupon_status(coupon_, CouponStatus::kUsed, CouponStatus::kAvailable,
                                         {}, clock_->now()));  // a confirmed order lost its coupon
  });
  const auto report = check_invariants(store_->storage());
  EXPECT_TRUE(reports(report, "stock.reserved", "b")) << dump(report);
  EXPECT_TRUE(reports(report, "points.ledger", "u1")) << dump(report);
  EXPECT_TRUE(reports(report, "stock.conserved", "a")) << dump(report);
  EXPECT_TRUE(reports(report, "order.effects", order.id)) << dump(report);
  EXPECT_EQ(check_invariants(store_->storage(), true, 1).violations.size(), 1u);
  EXPECT_TRUE(check_invariants(store_->storage(), true, 1).truncated);
}

TEST_P(SagaTest, InvariantCheckerReportsSagasInFlightOnlyWhenAskedTo) {
  gateway_->script(FakeGateway::Operation::kCharge,
                   {{FakeGateway::Behaviour::kFail}, {FakeGateway::Behaviour::kFail}});
  gateway_->script(FakeGateway::Operation::kStatus,
                   {{FakeGateway::Behaviour::kFail}, {FakeGateway::Behaviour::kFail}});
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  ASSERT_EQ(order.status, OrderStatus::kAwaitingPayment);
  EXPECT_TRUE(reports(check_invariants(store_->storage(), true), "saga.in_flight", order.id));
  const auto live = check_invariants(store_->storage(), false);
  EXPECT_TRUE(live.ok()) << dump(live);
  EXPECT_EQ(store_->orders().recover().failed, 1);  // never received: voided, compensated
  EXPECT_TRUE(check_invariants(store_->storage(), true).ok());
}

}  // namespace
}  // namespace commerce::testing
