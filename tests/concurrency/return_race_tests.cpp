// Refunds and returns of one delivered order asked at once, 2 processes x 8 threads sharing one
// FakeGateway record: 96 attempts, every third a partial refund of a random amount (100..999),
// the others the return of one of its 10 lamps (requested, approved, received and restocked).
// Each unit is returned at most once (exactly 10 returns go through, the rest are refused
// naming "items"), and the money given back (refunds by hand and the returns' refunds, which
// take what remains of the payment at most) never adds up to more than was paid.
#include <random>
#include <string>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "scratch_dir.h"

namespace commerce::testing {
namespace {

constexpr Money kPaid = 10'000;
constexpr std::int64_t kUnits = 10;

Money amount_of(std::int64_t attempt) {
  std::mt19937_64 random(static_cast<std::uint64_t>(attempt) * 6151 + 29);
  return std::uniform_int_distribution<Money>(100, 999)(random);
}

TEST_P(StorageConcurrency, ConcurrentReturnsAndRefundsNeverReturnAUnitTwiceOrPassThePayment) {
  gateway_record_ = fresh_path("return-race-gateway", ".log");
  std::string order_id;
  {
    auto store = open_store();
    store->catalog().create({.id = "lamp", .name = "Lamp", .price = kPaid / kUnits});
    store->stock().adjust("lamp", kUnits, "seed");
    const Order order = store->orders().place({.user_id = "u", .items = {{"lamp", kUnits}}});
    ASSERT_EQ(order.status, OrderStatus::kConfirmed);
    ASSERT_EQ(order.total, kPaid);
    order_id = order.id;
    store->orders().ship(order_id);
    ASSERT_EQ(store->orders().deliver(order_id).status, OrderStatus::kDelivered);
  }
  const auto result = race(
      96,
      [&](Store& store, std::int64_t i) {
        try {
          if (i % 3 == 0) {
            const Refund refund = store.orders().refund(order_id, amount_of(i), "race");
            if (refund.status != RefundStatus::kApproved) {
              throw std::runtime_error("the gateway declined a refund: " + refund.message);
            }
            return Outcome::kSucceeded;
          }
          Returns& returns = store.returns();
          const Return r =
              returns.request({.order_id = order_id, .items = {{"lamp", 1}}, .reason = "race"});
          returns.approve(r.id);
          const Return got = returns.receive(r.id, {{"lamp", 1, 0, "default"}});
          if (got.status != ReturnStatus::kRefunded) {
            throw std::runtime_error("a return ended " + std::string(to_string(got.status)));
          }
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          // Above what remains of the payment, or no unit left to return.
          if (e.code() == ErrorCode::kInvalidArgument &&
              (e.subject() == "amount" || e.subject() == "items")) {
            return Outcome::kRefused;
          }
          throw;
        }
      },
      [&](Store& store) {
        const auto report = check_invariants(store, false);
        EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                                 << report.violations.front().detail;
      });
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  auto store = open_store();
  std::int64_t returned = 0;
  for (const Return& r : store->returns().for_order(order_id)) {
    EXPECT_EQ(r.status, ReturnStatus::kRefunded);
    for (const auto& item : r.items) returned += item.qty;
  }
  EXPECT_EQ(returned, kUnits);  // 64 asked, each unit once
  EXPECT_EQ(store->stock().level("lamp").on_hand, kUnits);  // every lamp restocked once
  Money approved = 0;
  std::int64_t count = 0;
  for (const Refund& r : store->orders().refunds(order_id)) {
    EXPECT_EQ(r.status, RefundStatus::kApproved);
    approved += r.amount;
    ++count;
  }
  EXPECT_LE(approved, kPaid);
  const FakeGateway gateway(gateway_record_);
  EXPECT_EQ(kPaid - gateway.net_for(order_id), approved);
  EXPECT_EQ(gateway.refunds_for(order_id), count);
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
