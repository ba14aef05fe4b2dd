#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

Money ledger_sum(Store& store, const std::string& user) {
  Money sum = 0;
  std::string cursor;
  do {
    auto page = store.points().history(user, cursor, 7);
    for (auto& e : page.items) sum += e.amount;
    cursor = page.next_cursor;
  } while (!cursor.empty());
  return sum;
}

TEST_P(StorageConformance, PointsChargeUseRestoreKeepBalanceEqualToLedger) {
  EXPECT_EQ(store_->points().balance("u1"), 0);
  auto charged = store_->points().charge("u1", 1000);
  EXPECT_EQ(charged.balance_after, 1000);
  auto used = store_->points().use("u1", 300, "o1");
  EXPECT_EQ(used.amount, -300);
  EXPECT_EQ(used.balance_after, 700);
  EXPECT_EQ(store_->points().use("u1", 300, "o1"), used);  // one use per order
  EXPECT_EQ(store_->points().balance("u1"), 700);
  auto restored = store_->points().restore("o1");
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->amount, 300);
  EXPECT_EQ(restored->balance_after, 1000);
  EXPECT_EQ(store_->points().restore("o1"), restored);  // idempotent
  EXPECT_FALSE(store_->points().restore("o-without-points"));
  EXPECT_EQ(store_->points().balance("u1"), 1000);
  EXPECT_EQ(ledger_sum(*store_, "u1"), 1000);
}

TEST_P(StorageConformance, PointsNeverGoNegative) {
  store_->points().charge("u1", 100);
  try {
    store_->points().use("u1", 101, "o1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kInsufficientPoints);
    EXPECT_EQ(e.subject(), "u1");
  }
  EXPECT_COMMERCE_ERROR(store_->points().adjust("u1", -101, "fix"), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(store_->points().adjust("u1", -100, "fix").balance_after, 0);
  EXPECT_EQ(store_->points().adjust("u1", 40, "fix").balance_after, 40);
  EXPECT_EQ(store_->points().adjust("u1", -40, "fix").balance_after, 0);
  EXPECT_EQ(store_->points().balance("u1"), 0);
  EXPECT_EQ(ledger_sum(*store_, "u1"), 0);
}

TEST_P(StorageConformance, PointsUseConflictsOnAnotherAmountForTheSameOrder) {
  store_->points().charge("u1", 1000);
  store_->points().use("u1", 100, "o1");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().use("u1", 200, "o1"), ErrorCode::kConflict),
            "o1");
  EXPECT_EQ(store_->points().balance("u1"), 900);
}

TEST_P(StorageConformance, PointsChargeIsIdempotentByRequestId) {
  auto first = store_->points().charge("u1", 500, "charge-1");
  EXPECT_EQ(store_->points().charge("u1", 500, "charge-1"), first);
  EXPECT_COMMERCE_ERROR(store_->points().charge("u1", 501, "charge-1"), ErrorCode::kConflict);
  EXPECT_COMMERCE_ERROR(store_->points().charge("u2", 500, "charge-1"), ErrorCode::kConflict);
  EXPECT_EQ(store_->points().balance("u1"), 500);
}

TEST_P(StorageConformance, PointsHistoryIsNewestFirstAndPaginated) {
  for (int i = 1; i <= 12; ++i) {
    clock_->advance(1);
    store_->points().charge("u1", i);
  }
  auto first = store_->points().history("u1", {}, 5);
  ASSERT_EQ(first.items.size(), 5u);
  EXPECT_EQ(first.items[0].amount, 12);
  auto second = store_->points().history("u1", first.next_cursor, 5);
  EXPECT_EQ(second.items[0].amount, 7);
  auto third = store_->points().history("u1", second.next_cursor, 5);
  EXPECT_EQ(third.items.size(), 2u);
  EXPECT_TRUE(third.next_cursor.empty());
  EXPECT_TRUE(store_->points().history("u2").items.empty());
}

TEST_P(StorageConformance, PointsRejectBadAmountsAndOverflow) {
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().charge("u1", 0), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().charge("u1", -5), ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().charge("", 5), ErrorCode::kInvalidArgument),
            "user_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().adjust("u1", 0, "x"), ErrorCode::kInvalidArgument),
            "delta");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->points().charge("u1", 1'000'000'000'000'001),
                                  ErrorCode::kInvalidArgument),
            "amount");
  EXPECT_EQ(store_->points().balance("u1"), 0);
}

}  // namespace
}  // namespace commerce::testing
