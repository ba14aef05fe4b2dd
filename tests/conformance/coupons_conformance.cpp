#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

constexpr Timestamp kDay = 24 * 3600 * 1000;

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
  store_->storage().run(Storage::Access::kRead,
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
