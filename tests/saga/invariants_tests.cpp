// The invariant checker reports each kind of corruption, naming the rows that break it.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "commerce/error.h"
#include "saga_fixture.h"
#include "storage/transaction.h"
#include "store_access.h"

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
  const auto report = check_invariants(*store_);
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
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
    ASSERT_TRUE(tx.try_reserve_stock_at("b", "default", 1));      // reserved without a reservation row
    ASSERT_TRUE(tx.try_credit_points("u1", 5));     // balance without a ledger entry
    ASSERT_TRUE(tx.try_adjust_stock_at("a", "default", 1));       // on_hand without an adjustment row
    ASSERT_TRUE(tx.try_set_coupon_status(coupon_, CouponStatus::kUsed, CouponStatus::kAvailable,
                                         {}, clock_->now()));  // a confirmed order lost its coupon
  });
  const auto report = check_invariants(*store_);
  EXPECT_TRUE(reports(report, "stock.reserved", "b")) << dump(report);
  EXPECT_TRUE(reports(report, "points.ledger", "u1")) << dump(report);
  EXPECT_TRUE(reports(report, "stock.conserved", "a")) << dump(report);
  EXPECT_TRUE(reports(report, "order.effects", order.id)) << dump(report);
  EXPECT_EQ(check_invariants(*store_, true, 1).violations.size(), 1u);
  EXPECT_TRUE(check_invariants(*store_, true, 1).truncated);
}

const InvariantViolation* find(const std::vector<InvariantViolation>& violations,
                               const std::string& rule, const std::string& subject) {
  for (const auto& v : violations) {
    if (v.rule == rule && v.subject == subject) return &v;
  }
  return nullptr;
}

// The per-user coupon issue counters: check names the user and template, repair recomputes the
// counter from the coupons unless they exceed the per-user limit.
TEST_P(SagaTest, InvariantCheckerAndRepairCoverPerUserCouponCounters) {
  const CouponTemplate tmpl = store_->coupons().get_template("OFF");  // per-user limit 5
  store_->coupons().issue("OFF", "u2");
  ASSERT_TRUE(check_invariants(*store_).ok());
  int n = 0;
  const auto coupon_for = [&](const std::string& user) {
    const std::string seq = std::to_string(++n);
    return Coupon{.id = "00000000-0000-7000-8000-" + std::string(12 - seq.size(), '0') + seq,
                  .template_id = tmpl.id,
                  .code = tmpl.code,
                  .user_id = user,
                  .status = CouponStatus::kAvailable,
                  .valid_until = tmpl.valid_until,
                  .issued_at = clock_->now(),
                  .updated_at = clock_->now()};
  };
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
    n = 0;
    // u1 holds 1 coupon, its counter says 3.
    ASSERT_TRUE(tx.try_count_user_issue(tmpl.id, "u1", 100));
    ASSERT_TRUE(tx.try_count_user_issue(tmpl.id, "u1", 100));
    // u3 holds a coupon and has no counter row; u4 holds 6, above the per-user limit.
    tx.insert_coupon(coupon_for("u3"));
    for (int i = 0; i < 6; ++i) tx.insert_coupon(coupon_for("u4"));
  });
  const auto report = check_invariants(*store_);
  for (const char* user : {"u1", "u3", "u4"}) {
    const auto* v = find(report.violations, "coupon.per_user", user);
    ASSERT_NE(v, nullptr) << user << "\n" << dump(report);
    EXPECT_NE(v->detail.find(tmpl.id), std::string::npos) << v->detail;
  }
  EXPECT_NE(find(report.violations, "coupon.per_user", "u1")->detail.find("issued count 3"),
            std::string::npos);
  EXPECT_EQ(find(report.violations, "coupon.per_user", "u2"), nullptr);
  EXPECT_TRUE(reports(report, "coupon.limits", tmpl.id)) << dump(report);  // 2 counted, 9 issued

  const RepairReport repair = repair_invariants(*store_);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> changes;
  for (const auto& r : repair.repaired) changes[r.rule + " " + r.subject] = {r.before, r.after};
  using Change = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes["coupon.per_user u1"], Change(3, 1));
  EXPECT_EQ(changes["coupon.per_user u3"], Change(0, 1));
  EXPECT_EQ(changes["coupon.limits " + tmpl.id], Change(2, 9));
  ASSERT_EQ(repair.unrepaired.size(), 1u);
  EXPECT_EQ(repair.unrepaired[0].rule, "coupon.per_user");
  EXPECT_EQ(repair.unrepaired[0].subject, "u4");

  // Only u4 (above the limit) is left for an operator; a second repair changes nothing.
  const auto after = check_invariants(*store_);
  ASSERT_EQ(after.violations.size(), 1u) << dump(after);
  EXPECT_TRUE(reports(after, "coupon.per_user", "u4"));
  const RepairReport again = repair_invariants(*store_);
  EXPECT_TRUE(again.repaired.empty());
  EXPECT_EQ(again.unrepaired.size(), 1u);
  // The repaired counter still bounds issuing: u1 may take 4 more, not 5.
  for (int i = 0; i < 4; ++i) store_->coupons().issue("OFF", "u1");
  EXPECT_THROW(store_->coupons().issue("OFF", "u1"), Error);
}

TEST_P(SagaTest, InvariantCheckerReportsSagasInFlightOnlyWhenAskedTo) {
  gateway_->script(FakeGateway::Operation::kCharge,
                   {{FakeGateway::Behaviour::kFail}, {FakeGateway::Behaviour::kFail}});
  gateway_->script(FakeGateway::Operation::kStatus,
                   {{FakeGateway::Behaviour::kFail}, {FakeGateway::Behaviour::kFail}});
  const Order order = store_->orders().place({.user_id = "u1", .items = {{"a", 1}}});
  ASSERT_EQ(order.status, OrderStatus::kAwaitingPayment);
  EXPECT_TRUE(reports(check_invariants(*store_, true), "saga.in_flight", order.id));
  const auto live = check_invariants(*store_, false);
  EXPECT_TRUE(live.ok()) << dump(live);
  EXPECT_EQ(store_->orders().recover().failed, 1);  // never received: voided, compensated
  EXPECT_TRUE(check_invariants(*store_, true).ok());
}

}  // namespace
}  // namespace commerce::testing
