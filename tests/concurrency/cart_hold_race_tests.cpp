// The flash-sale mode (Carts::hold, docs/carts.md), 2 processes x 8 threads: 2,000 shoppers race
// for 100 units. Two of every three hold their cart and then check out; the third checks out
// without a hold. A shopper whose hold succeeded must get the order; nothing is oversold.
#include <stdexcept>
#include <string>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kUnits = 100;

Outcome shop(Store& store, std::int64_t i) {
  Carts& carts = store.carts();
  const std::string user = "fan-" + std::to_string(i);
  const CartKey key = CartKey::for_user(carts.open_for_user(user).id, user);
  carts.add(key, "drop", 1);
  const bool holds = i % 3 != 0;
  if (holds) {
    try {
      carts.hold(key);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kFailedPrecondition && e.reason() == Reason::kOutOfStock) {
        return Outcome::kRefused;
      }
      throw;
    }
  }
  const Order order = carts.checkout(key, {});
  if (order.status == OrderStatus::kConfirmed) return Outcome::kSucceeded;
  if (holds) throw std::runtime_error("a held cart did not get its order: " + order.failure_reason);
  return Outcome::kRefused;  // out of stock without a hold
}

TEST_P(StorageConcurrency, FlashSaleHoldsAreNeverLostAndNothingIsOversold) {
  constexpr std::int64_t kAttempts = 2'000;
  open_store()->catalog().create(
      {.id = "drop", .name = "Drop", .price = 0, .initial_stock = kUnits});
  const auto result = race(kAttempts, shop, [](Store& store) {
    const StockLevel level = store.stock().level("drop");
    EXPECT_GE(level.available, 0);
    EXPECT_LE(level.reserved + level.sold, kUnits);
  });
  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  EXPECT_EQ(result.succeeded, kUnits);
  EXPECT_EQ(result.refused, kAttempts - kUnits);
  auto store = open_store();
  EXPECT_EQ(store->stock().level("drop"), (StockLevel{"drop", 0, 0, 0, kUnits}));
  const auto report = check_invariants(*store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
