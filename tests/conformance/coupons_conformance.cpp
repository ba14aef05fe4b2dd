#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

NewCouponTemplate fixed(std::string code, Money value = 3000) {
  return {.code = std::move(code), .name = "Fixed off", .kind = CouponKind::kFixed, .value = value,
          .min_order_amount = 10000, .valid_from = 0, .valid_until = 1'800'000'000'000 + 30 * kDay,
          .total_limit = 3, .per_user_limit = 2};
}

TEST_P(StorageConformance, CouponIssueRespectsTotalAndPerUserLimits) {
  store_->coupons().create_template(fixed("FIX"));
  store_->coupons().issue("FIX", "u1");
  store_->coupons().issue("FIX", "u1");
  try {
    store_->coupons().issue("FIX", "u1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kLimitReached);
    EXPECT_EQ(e.subject(), "u1");
  }
  store_->coupons().issue("FIX", "u2");
  try {
    store_->coupons().issue("FIX", "u3");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kLimitReached);
    EXPECT_EQ(e.subject(), "FIX");
  }
  EXPECT_EQ(store_->coupons().get_template("FIX").issued_count, 3);
  EXPECT_EQ(store_->coupons().list_for_user("u1").items.size(), 2u);
  EXPECT_TRUE(store_->coupons().list_for_user("u3").items.empty());
}

// The per-user issue counters as check_invariants() and repair_invariants() read and set them.
TEST_P(StorageConformance, CouponPerUserIssueCountersListAndConditionalSet) {
  NewCouponTemplate fix = fixed("FIX");
  fix.total_limit = 10;
  const std::string tmpl = store_->coupons().create_template(fix).id;
  const std::string other = store_->coupons().create_template(fixed("OTHER")).id;
  store_->coupons().issue("FIX", "u1");
  store_->coupons().issue("FIX", "u1");
  store_->coupons().issue("FIX", "u2");
  store_->coupons().issue("OTHER", "u1");
  using Row = std::tuple<std::string, std::int64_t, std::int64_t>;  // user, issued, coupons
  const auto rows = [&](const std::string& id, const std::string& after, int limit) {
    std::vector<Row> out;
    run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead, [&](Transaction& tx) {
      out.clear();
      for (const auto& u : tx.list_coupon_user_issues(id, after, limit)) {
        out.emplace_back(u.user_id, u.issued, u.coupons);
      }
    });
    return out;
  };
  EXPECT_EQ(rows(tmpl, "", 10), (std::vector<Row>{{"u1", 2, 2}, {"u2", 1, 1}}));
  EXPECT_EQ(rows(tmpl, "", 1), (std::vector<Row>{{"u1", 2, 2}}));
  EXPECT_EQ(rows(tmpl, "u1", 10), (std::vector<Row>{{"u2", 1, 1}}));
  EXPECT_TRUE(rows(tmpl, "u2", 10).empty());
  EXPECT_EQ(rows(other, "", 10), (std::vector<Row>{{"u1", 1, 1}}));
  EXPECT_TRUE(rows("no-such-template", "", 10).empty());

  // A coupon without a counter row (u3) and a counter without coupons (u4) are listed too.
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
    tx.insert_coupon({.id = "00000000-0000-7000-8000-0000000000c3", .template_id = tmpl,
                      .code = "FIX", .user_id = "u3", .status = CouponStatus::kAvailable,
                      .valid_until = kStart + kDay, .issued_at = kStart, .updated_at = kStart});
    ASSERT_TRUE(tx.try_count_user_issue(tmpl, "u4", 2));
  });
  EXPECT_EQ(rows(tmpl, "", 10),
            (std::vector<Row>{{"u1", 2, 2}, {"u2", 1, 1}, {"u3", 0, 1}, {"u4", 1, 0}}));

  // Conditional set: only from the value read, only to 0..per_user_limit (2); a missing row
  // reads as 0 and is created only from 0.
  const auto set = [&](const std::string& id, const std::string& user, std::int64_t from,
                       std::int64_t to) {
    bool applied = false;
    run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
      applied = tx.try_set_coupon_user_issued(id, user, from, to);
    });
    return applied;
  };
  EXPECT_FALSE(set(tmpl, "u4", 2, 0));   // holds 1, not 2
  EXPECT_FALSE(set(tmpl, "u4", 1, 3));   // above the per-user limit
  EXPECT_FALSE(set(tmpl, "u4", 1, -1));  // negative
  EXPECT_FALSE(set(tmpl, "u3", 1, 1));   // no row: it reads 0, not 1
  EXPECT_FALSE(set("no-such-template", "u4", 1, 0));
  EXPECT_TRUE(set(tmpl, "u4", 1, 0));
  EXPECT_TRUE(set(tmpl, "u3", 0, 1));   // creates the row
  EXPECT_TRUE(set(tmpl, "u1", 2, 2));   // a no-op move still applies
  EXPECT_FALSE(set(tmpl, "u5", 0, 3));  // no row created above the limit
  EXPECT_EQ(rows(tmpl, "", 10),
            (std::vector<Row>{{"u1", 2, 2}, {"u2", 1, 1}, {"u3", 1, 1}, {"u4", 0, 0}}));
  EXPECT_EQ(rows(other, "", 10), (std::vector<Row>{{"u1", 1, 1}}));
  // Issuing still counts from the repaired value: u3 has one more, then hits the limit.
  store_->coupons().issue("FIX", "u3");
  EXPECT_COMMERCE_ERROR(store_->coupons().issue("FIX", "u3"), ErrorCode::kFailedPrecondition);
}

TEST_P(StorageConformance, CouponFixedAndPercentDiscounts) {
  store_->coupons().create_template(fixed("FIX"));
  NewCouponTemplate pct = fixed("PCT", 15);
  pct.kind = CouponKind::kPercent;
  pct.max_discount = 2000;
  pct.min_order_amount = 0;
  store_->coupons().create_template(pct);
  auto f = store_->coupons().issue("FIX", "u1");
  auto p = store_->coupons().issue("PCT", "u1");
  EXPECT_EQ(store_->coupons().quote(f.id, "u1", 20000), 3000);
  EXPECT_EQ(store_->coupons().quote(p.id, "u1", 10000), 1500);
  EXPECT_EQ(store_->coupons().quote(p.id, "u1", 100000), 2000);  // capped
  EXPECT_EQ(store_->coupons().quote(p.id, "u1", 0), 0);
  // Below the minimum order amount, or someone else's coupon: refused with a reason.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->coupons().quote(f.id, "u1", 9999),
                                  ErrorCode::kFailedPrecondition),
            f.id);
  EXPECT_COMMERCE_ERROR(store_->coupons().quote(f.id, "u2", 20000), ErrorCode::kFailedPrecondition);
}

TEST_P(StorageConformance, CouponDiscountNeverExceedsSubtotal) {
  NewCouponTemplate big = fixed("BIG", 50000);
  big.min_order_amount = 0;
  store_->coupons().create_template(big);
  auto c = store_->coupons().issue("BIG", "u1");
  auto applied = store_->coupons().use(c.id, "u1", "o1", 12000, true);
  EXPECT_TRUE(applied.applied);
  EXPECT_EQ(applied.discount, 12000);
}

TEST_P(StorageConformance, CouponUsedOnceThenRestoredByCompensation) {
  store_->coupons().create_template(fixed("FIX"));
  auto c = store_->coupons().issue("FIX", "u1");
  auto applied = store_->coupons().use(c.id, "u1", "o1", 20000, true);
  EXPECT_TRUE(applied.applied);
  EXPECT_EQ(applied.discount, 3000);
  EXPECT_TRUE(store_->coupons().use(c.id, "u1", "o1", 20000, true).applied);  // same order
  EXPECT_EQ(store_->coupons().get(c.id).status, CouponStatus::kUsed);
  EXPECT_EQ(store_->coupons().get(c.id).order_id, "o1");
  // Another order: required fails the call, optional is skipped with the reason.
  try {
    store_->coupons().use(c.id, "u1", "o2", 20000, true);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kCouponInvalid);
    EXPECT_EQ(e.subject(), c.id);
  }
  auto skipped = store_->coupons().use(c.id, "u1", "o2", 20000, false);
  EXPECT_FALSE(skipped.applied);
  EXPECT_NE(skipped.skipped_reason.find("used"), std::string::npos);
  // Compensation makes it available again; a second restore is a no-op.
  auto restored = store_->coupons().restore("o1");
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->status, CouponStatus::kAvailable);
  EXPECT_FALSE(store_->coupons().restore("o1"));
  EXPECT_TRUE(store_->coupons().use(c.id, "u1", "o2", 20000, true).applied);
}

TEST_P(StorageConformance, CouponRestoredAfterExpiryBecomesExpired) {
  store_->coupons().create_template(fixed("FIX"));
  auto c = store_->coupons().issue("FIX", "u1");
  store_->coupons().use(c.id, "u1", "o1", 20000, true);
  clock_->advance(31 * kDay);
  EXPECT_EQ(store_->coupons().restore("o1")->status, CouponStatus::kExpired);
  EXPECT_EQ(store_->coupons().get(c.id).status, CouponStatus::kExpired);
}

TEST_P(StorageConformance, CouponExpiresAndCannotBeUsedOrIssuedAfterValidity) {
  store_->coupons().create_template(fixed("FIX"));
  auto c = store_->coupons().issue("FIX", "u1");
  clock_->advance(30 * kDay);
  EXPECT_EQ(store_->coupons().get(c.id).status, CouponStatus::kExpired);
  EXPECT_FALSE(store_->coupons().use(c.id, "u1", "o1", 20000, false).applied);
  EXPECT_COMMERCE_ERROR(store_->coupons().use(c.id, "u1", "o1", 20000, true),
                        ErrorCode::kFailedPrecondition);
  EXPECT_COMMERCE_ERROR(store_->coupons().issue("FIX", "u2"), ErrorCode::kFailedPrecondition);
}

TEST_P(StorageConformance, CouponRevoke) {
  store_->coupons().create_template(fixed("FIX"));
  auto c = store_->coupons().issue("FIX", "u1");
  EXPECT_EQ(store_->coupons().revoke(c.id).status, CouponStatus::kRevoked);
  EXPECT_EQ(store_->coupons().revoke(c.id).status, CouponStatus::kRevoked);
  EXPECT_FALSE(store_->coupons().use(c.id, "u1", "o1", 20000, false).applied);
  auto d = store_->coupons().issue("FIX", "u1");
  store_->coupons().use(d.id, "u1", "o2", 20000, true);
  EXPECT_COMMERCE_ERROR(store_->coupons().revoke(d.id), ErrorCode::kFailedPrecondition);
}

TEST_P(StorageConformance, CouponTemplateValidationNamesTheField) {
  auto field = [&](NewCouponTemplate t) {
    return EXPECT_COMMERCE_ERROR(store_->coupons().create_template(t), ErrorCode::kInvalidArgument);
  };
  auto t = fixed("X");
  t.code = "";
  EXPECT_EQ(field(t), "code");
  t = fixed("X");
  t.value = 0;
  EXPECT_EQ(field(t), "value");
  t = fixed("X", 101);
  t.kind = CouponKind::kPercent;
  EXPECT_EQ(field(t), "value");
  t = fixed("X");
  t.valid_until = t.valid_from;
  EXPECT_EQ(field(t), "valid_until");
  t = fixed("X");
  t.total_limit = 0;
  EXPECT_EQ(field(t), "total_limit");
  t = fixed("X");
  t.per_user_limit = -1;
  EXPECT_EQ(field(t), "per_user_limit");
  store_->coupons().create_template(fixed("X"));
  EXPECT_COMMERCE_ERROR(store_->coupons().create_template(fixed("X")), ErrorCode::kFailedPrecondition);
  EXPECT_COMMERCE_ERROR(store_->coupons().issue("NOPE", "u1"), ErrorCode::kNotFound);
}

TEST_P(StorageConformance, EveryChangeWritesItsEventsInTheSameTransaction) {
  store_->catalog().create({.id = "a", .name = "A", .price = 100, .initial_stock = 2});
  store_->stock().reserve("o1", {{"a", 1}});
  EXPECT_COMMERCE_ERROR(store_->stock().reserve("o2", {{"a", 5}}), ErrorCode::kFailedPrecondition);
  store_->points().charge("u1", 10, "r-1");
  std::vector<Event> events;
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead,
                        [&](Transaction& tx) { events = tx.read_outbox(0, 100); });
  std::vector<std::string> types;
  for (auto& e : events) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"ProductCreated", "StockAdjusted", "StockReserved",
                                             "PointCharged"}));
  EXPECT_EQ(events[2].topic, "product-events");
  EXPECT_EQ(events[2].key, "a");
  EXPECT_EQ(events[3].topic, "user-events");
  EXPECT_EQ(events[3].request_id, "r-1");
  EXPECT_EQ(events[3].payload, R"({"amount":10,"balance":10,"user_id":"u1"})");
  EXPECT_LT(events[0].seq, events[1].seq);
}

}  // namespace
}  // namespace commerce::testing
