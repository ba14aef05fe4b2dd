// The flash-sale mode (Carts::hold, docs/carts.md), 2 processes x 8 threads: 2,000 shoppers race
// for 100 units. Two of every three hold their cart and then check out; the third checks out
// without a hold. A shopper whose hold succeeded must get the order; nothing is oversold.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kHeldUnits = 100;

// Shopper i; every `direct`-th (0: none) checks out without holding first.
Outcome shop(Store& store, std::int64_t i, std::int64_t direct) {
  Carts& carts = store.carts();
  const std::string user = "fan-" + std::to_string(i);
  const CartKey key = CartKey::for_user(carts.open_for_user(user).id, user);
  carts.add(key, "drop", 1);
  const bool holds = direct == 0 || i % direct != 0;
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

// The race, then: exactly kHeldUnits orders, nothing oversold, the store checks clean.
// `open` and `race` are the fixture's (StorageConcurrency::open_store, ::race).
using Attempt = std::function<Outcome(Store&, std::int64_t)>;
using Sample = std::function<void(Store&)>;
void run_flash_sale(const std::function<std::unique_ptr<Store>()>& open,
                    const std::function<RaceResult(std::int64_t, const Attempt&,
                                                   const Sample&)>& race,
                    std::int64_t direct) {
  constexpr std::int64_t kAttempts = 2'000;
  open()->catalog().create({.id = "drop", .name = "Drop", .price = 0, .initial_stock = kHeldUnits});
  const auto result = race(
      kAttempts, [direct](Store& store, std::int64_t i) { return shop(store, i, direct); },
      [](Store& store) {
        const StockLevel level = store.stock().level("drop");
        EXPECT_GE(level.available, 0);
        EXPECT_LE(level.reserved + level.sold, kHeldUnits);
      });
  EXPECT_EQ(result.unexpected, 0);
  EXPECT_TRUE(result.problems.empty()) << result.problems.front();
  EXPECT_EQ(result.succeeded, kHeldUnits);
  EXPECT_EQ(result.refused, kAttempts - kHeldUnits);
  auto store = open();
  EXPECT_EQ(store->stock().level("drop"), (StockLevel{"drop", 0, 0, 0, kHeldUnits}));
  const auto report = check_invariants(*store, false);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

// Every cart holds: exactly 100 holds succeed and each of them checks out.
TEST_P(StorageConcurrency, FlashSaleExactlyTheStockIsHeldAndEveryHoldChecksOut) {
  run_flash_sale([this] { return open_store(); },
                 [this](std::int64_t n, const Attempt& a, const Sample& s) { return race(n, a, s); },
                 0);
}

// Every third shopper checks out without a hold, competing with the holders: a held cart
// still always gets its order.
TEST_P(StorageConcurrency, FlashSaleHoldsAreNeverLostAndNothingIsOversold) {
  run_flash_sale([this] { return open_store(); },
                 [this](std::int64_t n, const Attempt& a, const Sample& s) { return race(n, a, s); },
                 3);
}

}  // namespace
}  // namespace commerce::testing
