// Races across 2 processes x 8 threads: stock never oversold, a coupon used once, points never
// overdrawn, coupon issue limits never exceeded. Every check is an exact count.
#include <algorithm>
#include <map>
#include <set>

#include "commerce/error.h"
#include "concurrency_suite.h"
#include "storage/transaction.h"
#include "store_access.h"

namespace commerce::testing {
namespace {

constexpr Timestamp kFarFuture = 4'102'444'800'000;  // 2100-01-01

std::string order_id(const char* prefix, std::int64_t i) { return prefix + std::to_string(i); }

// Refusals the race expects (a business rule said no); anything else is rethrown as unexpected.
Outcome refused_if(const Error& e, Reason expected) {
  if (e.code() == ErrorCode::kFailedPrecondition && e.reason() == expected)
    return Outcome::kRefused;
  throw e;
}

void expect_clean(const RaceResult& r) {
  EXPECT_EQ(r.unexpected, 0);
  EXPECT_TRUE(r.problems.empty()) << r.problems.front();
  EXPECT_GE(r.samples, 2);
}

TEST_P(StorageConcurrency, ReservationRaceSellsExactlyTheStock) {
  constexpr std::int64_t kUnits = 100;
  constexpr std::int64_t kAttempts = 10'000;
  open_store()->catalog().create(
      {.id = "flash", .name = "Flash sale item", .price = 5000, .initial_stock = kUnits});

  std::int64_t min_available = kUnits;
  std::int64_t max_reserved = 0;
  const auto result = race(
      kAttempts,
      [](Store& store, std::int64_t i) {
        try {
          store.stock().reserve(order_id("race-", i), {{"flash", 1}});
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          return refused_if(e, Reason::kOutOfStock);
        }
      },
      [&](Store& store) {
        const auto level = store.stock().level("flash");
        EXPECT_GE(level.available, 0);
        EXPECT_EQ(level.available, level.on_hand - level.reserved);
        EXPECT_EQ(level.on_hand, kUnits);
        // reserved only grows during the race: a sample never sees it shrink
        EXPECT_GE(level.reserved, max_reserved);
        min_available = std::min(min_available, level.available);
        max_reserved = std::max(max_reserved, level.reserved);
      });
  expect_clean(result);
  EXPECT_EQ(result.succeeded, kUnits);
  EXPECT_EQ(result.refused, kAttempts - kUnits);
  EXPECT_EQ(min_available, 0);

  auto store = open_store();
  EXPECT_EQ(store->stock().level("flash"), (StockLevel{"flash", kUnits, kUnits, 0, 0}));
  // reserved equals the live reservation rows, and exactly the winners hold one.
  std::int64_t live_units = 0;
  std::vector<std::int64_t> holders;
  run_unit(commerce::detail::storage_of(*store), Storage::Access::kRead, [&](Transaction& tx) {
    live_units = 0;
    holders.clear();
    for (std::int64_t i = 0; i < kAttempts; ++i) {
      for (const auto& row : tx.find_reservations(order_id("race-", i))) {
        EXPECT_EQ(row.product_id, "flash");
        EXPECT_EQ(row.qty, 1);
        if (row.state == ReservationState::kLive) live_units += row.qty;
        holders.push_back(i);
      }
    }
  });
  EXPECT_EQ(live_units, kUnits);
  EXPECT_EQ(holders, result.winners);
}

TEST_P(StorageConcurrency, CouponRaceUsesTheCouponOnce) {
  constexpr std::int64_t kAttempts = 800;
  std::string coupon_id;
  {
    auto store = open_store();
    store->coupons().create_template({.code = "ONLYONCE",
                                      .name = "One use",
                                      .value = 1000,
                                      .valid_from = 0,
                                      .valid_until = kFarFuture,
                                      .total_limit = 1,
                                      .per_user_limit = 1});
    coupon_id = store->coupons().issue("ONLYONCE", "buyer").id;
  }

  std::string first_seen_order;
  const auto result = race(
      kAttempts,
      [&](Store& store, std::int64_t i) {
        const bool required = i % 2 == 0;  // half required (throws), half optional (skipped)
        try {
          const auto applied = store.coupons().use(coupon_id, "buyer", order_id("coupon-order-", i),
                                                   20'000, required);
          if (applied.applied) {
            if (applied.discount != 1000) throw std::runtime_error("wrong discount");
            return Outcome::kSucceeded;
          }
          if (required || applied.skipped_reason.empty()) {
            throw std::runtime_error("an optional coupon was skipped without a reason");
          }
          return Outcome::kRefused;
        } catch (const Error& e) {
          if (!required) throw;
          return refused_if(e, Reason::kCouponInvalid);
        }
      },
      [&](Store& store) {
        const auto coupon = store.coupons().get(coupon_id);
        if (coupon.status == CouponStatus::kAvailable) {
          EXPECT_TRUE(first_seen_order.empty()) << "a used coupon became available again";
          return;
        }
        EXPECT_EQ(coupon.status, CouponStatus::kUsed);
        if (first_seen_order.empty()) first_seen_order = coupon.order_id;
        EXPECT_EQ(coupon.order_id, first_seen_order) << "the coupon changed hands";
      });
  expect_clean(result);
  ASSERT_EQ(result.succeeded, 1);
  EXPECT_EQ(result.refused, kAttempts - 1);
  const auto coupon = open_store()->coupons().get(coupon_id);
  EXPECT_EQ(coupon.status, CouponStatus::kUsed);
  EXPECT_EQ(coupon.order_id, order_id("coupon-order-", result.winners.at(0)));
}

constexpr Money kBalance = 1000;
constexpr Money kUse = 7;

TEST_P(StorageConcurrency, PointsRaceNeverOverdraws) {
  constexpr std::int64_t kAttempts = 800;
  constexpr std::int64_t kExpectedUses = kBalance / kUse;  // 142
  open_store()->points().charge("spender", kBalance, "charge-spender");

  const auto result = race(
      kAttempts,
      [](Store& store, std::int64_t i) {
        try {
          const auto entry = store.points().use("spender", kUse, order_id("points-order-", i));
          if (entry.amount != -kUse || entry.balance_after < 0) {
            throw std::runtime_error("bad ledger entry");
          }
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          return refused_if(e, Reason::kInsufficientPoints);
        }
      },
      [](Store& store) {
        const Money balance = store.points().balance("spender");
        EXPECT_GE(balance, 0);
        EXPECT_LE(balance, kBalance);
        EXPECT_EQ((kBalance - balance) % kUse, 0);
      });
  expect_clean(result);
  EXPECT_EQ(result.succeeded, kExpectedUses);
  EXPECT_EQ(result.refused, kAttempts - kExpectedUses);

  auto store = open_store();
  const Money balance = store->points().balance("spender");
  EXPECT_EQ(balance, kBalance - kExpectedUses * kUse);
  // The balance equals the ledger sum, no entry ever saw a negative balance, and exactly the
  // winners' orders have a use entry.
  Money ledger_sum = 0;
  std::vector<std::int64_t> users_of_points;
  std::string cursor;
  do {
    auto page = store->points().history("spender", cursor, 100);
    for (const auto& entry : page.items) {
      ledger_sum += entry.amount;
      EXPECT_GE(entry.balance_after, 0);
      if (entry.kind == PointsEntryKind::kUse) {
        users_of_points.push_back(
            std::stoll(entry.order_id.substr(std::string("points-order-").size())));
      }
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
  EXPECT_EQ(ledger_sum, balance);
  std::sort(users_of_points.begin(), users_of_points.end());
  EXPECT_EQ(users_of_points, result.winners);
}

// An attempt that issues a coupon of `code` to one of user-0..user-(users-1), round robin.
std::function<Outcome(Store&, std::int64_t)> issue_attempt(const std::string& code, int users) {
  return [code, users](Store& store, std::int64_t i) {
    try {
      store.coupons().issue(code, "user-" + std::to_string(i % users));
      return Outcome::kSucceeded;
    } catch (const Error& e) {
      return refused_if(e, Reason::kLimitReached);
    }
  };
}

std::function<void(Store&)> issue_sample(const std::string& code, std::int64_t total_limit) {
  return [code, total_limit](Store& store) {
    const auto tmpl = store.coupons().get_template(code);
    EXPECT_GE(tmpl.issued_count, 0);
    EXPECT_LE(tmpl.issued_count, total_limit);
  };
}

std::map<std::string, int> coupons_per_user(Store& store, const std::string& code, int users) {
  std::map<std::string, int> held;
  for (int u = 0; u < users; ++u) {
    const std::string user = "user-" + std::to_string(u);
    std::string cursor;
    do {
      auto page = store.coupons().list_for_user(user, cursor, 100);
      for (const auto& c : page.items) held[user] += c.code == code ? 1 : 0;
      cursor = page.next_cursor;
    } while (!cursor.empty());
  }
  return held;
}

TEST_P(StorageConcurrency, IssueRaceNeverExceedsTheTotalLimit) {
  constexpr int kUsers = 40;
  constexpr std::int64_t kTotal = 50;  // fewer than users x per-user limit (80)
  open_store()->coupons().create_template({.code = "TOTAL50",
                                           .value = 500,
                                           .valid_from = 0,
                                           .valid_until = kFarFuture,
                                           .total_limit = kTotal,
                                           .per_user_limit = 2});
  const auto result = race(640, issue_attempt("TOTAL50", kUsers), issue_sample("TOTAL50", kTotal));
  expect_clean(result);
  EXPECT_EQ(result.succeeded, kTotal);
  EXPECT_EQ(result.refused, 640 - kTotal);
  auto store = open_store();
  EXPECT_EQ(store->coupons().get_template("TOTAL50").issued_count, kTotal);
  int sum = 0;
  for (const auto& [user, n] : coupons_per_user(*store, "TOTAL50", kUsers)) {
    EXPECT_LE(n, 2) << user;
    sum += n;
  }
  EXPECT_EQ(sum, kTotal);
}

TEST_P(StorageConcurrency, IssueRaceNeverExceedsThePerUserLimit) {
  constexpr int kUsers = 10;
  constexpr std::int64_t kPerUser = 3;
  open_store()->coupons().create_template({.code = "PERUSER3",
                                           .value = 500,
                                           .valid_from = 0,
                                           .valid_until = kFarFuture,
                                           .total_limit = 1000,
                                           .per_user_limit = kPerUser});
  const auto result = race(320, issue_attempt("PERUSER3", kUsers), issue_sample("PERUSER3", 1000));
  expect_clean(result);
  EXPECT_EQ(result.succeeded, kUsers * kPerUser);
  EXPECT_EQ(result.refused, 320 - kUsers * kPerUser);
  auto store = open_store();
  EXPECT_EQ(store->coupons().get_template("PERUSER3").issued_count, kUsers * kPerUser);
  const auto held = coupons_per_user(*store, "PERUSER3", kUsers);
  ASSERT_EQ(held.size(), static_cast<std::size_t>(kUsers));
  for (const auto& [user, n] : held) EXPECT_EQ(n, kPerUser) << user;
}

}  // namespace
}  // namespace commerce::testing
