#include "commerce/error.h"
#include "storage_conformance.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

void add_product(Store& store, const std::string& id, std::int64_t stock) {
  store.catalog().create({.id = id, .name = id, .price = 1000, .initial_stock = stock});
}

TEST_P(StorageConformance, StockReserveIsAllOrNothing) {
  add_product(*store_, "a", 5);
  add_product(*store_, "b", 1);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {{"a", 2}, {"b", 2}}),
                                  ErrorCode::kFailedPrecondition),
            "b");
  EXPECT_EQ(store_->stock().level("a").reserved, 0);
  EXPECT_TRUE(store_->stock().reservations("o1").empty());
  auto rows = store_->stock().reserve("o1", {{"a", 2}, {"b", 1}});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].expires_at, kStart + store_->options().reservation_ttl_ms);
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 5, 2, 3, 0}));
  EXPECT_EQ(store_->stock().level("b"), (StockLevel{"b", 1, 1, 0, 0}));
}

TEST_P(StorageConformance, StockOutOfStockErrorCarriesReasonAndProduct) {
  add_product(*store_, "a", 1);
  try {
    store_->stock().reserve("o1", {{"a", 2}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kOutOfStock);
    EXPECT_EQ(e.subject(), "a");
  }
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {{"zz", 1}}), ErrorCode::kNotFound),
            "zz");
}

TEST_P(StorageConformance, StockSameProductTwiceCountsOnceWithSummedQty) {
  add_product(*store_, "a", 5);
  auto rows = store_->stock().reserve("o1", {{"a", 2}, {"a", 3}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].qty, 5);
  EXPECT_EQ(store_->stock().level("a").available, 0);
}

TEST_P(StorageConformance, StockReserveIsIdempotentPerOrder) {
  add_product(*store_, "a", 5);
  store_->stock().reserve("o1", {{"a", 2}});
  store_->stock().reserve("o1", {{"a", 2}});
  EXPECT_EQ(store_->stock().level("a").reserved, 2);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {{"a", 3}}), ErrorCode::kConflict),
            "o1");
}

TEST_P(StorageConformance, StockCommitSellsReservedUnitsOnce) {
  add_product(*store_, "a", 5);
  store_->stock().reserve("o1", {{"a", 2}});
  store_->stock().commit("o1");
  store_->stock().commit("o1");  // idempotent
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 3, 0, 3, 2}));
  EXPECT_EQ(store_->stock().reservations("o1")[0].state, ReservationState::kCommitted);
  EXPECT_TRUE(store_->stock().release("o1").empty());  // nothing live to release
  EXPECT_EQ(store_->stock().level("a").on_hand, 3);
  EXPECT_COMMERCE_ERROR(store_->stock().commit("o-none"), ErrorCode::kNotFound);
}

TEST_P(StorageConformance, StockReleaseIsIdempotentAndBlocksCommit) {
  add_product(*store_, "a", 5);
  store_->stock().reserve("o1", {{"a", 2}});
  EXPECT_EQ(store_->stock().release("o1").size(), 1u);
  EXPECT_TRUE(store_->stock().release("o1").empty());
  EXPECT_TRUE(store_->stock().release("never-reserved").empty());
  EXPECT_EQ(store_->stock().level("a"), (StockLevel{"a", 5, 0, 5, 0}));
  try {
    store_->stock().commit("o1");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), Reason::kIllegalTransition);
  }
}

TEST_P(StorageConformance, StockAdjustKeepsAuditAndNeverGoesBelowReserved) {
  add_product(*store_, "a", 5);
  store_->stock().reserve("o1", {{"a", 4}});
  EXPECT_EQ(store_->stock().adjust("a", 10, "restock").on_hand, 15);
  EXPECT_EQ(store_->stock().adjust("a", -11, "shrink").on_hand, 4);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().adjust("a", -1, "shrink"),
                                  ErrorCode::kFailedPrecondition),
            "a");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().adjust("a", 0, "x"), ErrorCode::kInvalidArgument),
            "delta");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().adjust("a", 1, ""), ErrorCode::kInvalidArgument),
            "reason");
  EXPECT_COMMERCE_ERROR(store_->stock().adjust("ghost", 1, "x"), ErrorCode::kNotFound);
  // Idempotent adjustments: the same key does not restock twice.
  store_->stock().adjust("a", 3, "restock", "adj-1");
  store_->stock().adjust("a", 3, "restock", "adj-1");
  EXPECT_EQ(store_->stock().level("a").on_hand, 7);
  EXPECT_COMMERCE_ERROR(store_->stock().adjust("a", 4, "restock", "adj-1"), ErrorCode::kConflict);
}

TEST_P(StorageConformance, StockExpiredReservationsAreReleasedBySweep) {
  add_product(*store_, "a", 5);
  store_->stock().reserve("o-old", {{"a", 2}});
  store_->stock().reserve("o-late", {{"a", 1}}, kStart + 100 * 60 * 1000);
  EXPECT_TRUE(store_->stock().release_expired().empty());
  clock_->advance(store_->options().reservation_ttl_ms);
  EXPECT_EQ(store_->stock().release_expired(), (std::vector<std::string>{"o-old"}));
  EXPECT_EQ(store_->stock().level("a").reserved, 1);
  EXPECT_TRUE(store_->stock().release_expired().empty());
}

TEST_P(StorageConformance, StockRejectsBadQuantities) {
  add_product(*store_, "a", 5);
  for (std::int64_t qty : std::vector<std::int64_t>{0, -1, 1000001, std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {{"a", qty}}),
                                    ErrorCode::kInvalidArgument),
              "items[0].qty");
  }
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("", {{"a", 1}}),
                                  ErrorCode::kInvalidArgument),
            "order_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->stock().reserve("o1", {}), ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(store_->stock().level("a").reserved, 0);
}

}  // namespace
}  // namespace commerce::testing
