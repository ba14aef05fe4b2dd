// Partial refunds of one order asked at once, 2 processes x 8 threads sharing one FakeGateway
// record: 64 refunds of random amounts (100..999) of an order paid 10000. The library never asks
// the gateway for more than was captured (so the gateway approves every refund it is asked
// for: none declined), the approved refunds never add up to more than the payment, and they are
// exactly what the gateway gave back.
#include <random>
#include <string>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "scratch_dir.h"

namespace commerce::testing {
namespace {

constexpr Money kPaid = 10'000;

Money amount_of(std::int64_t attempt) {
  std::mt19937_64 random(static_cast<std::uint64_t>(attempt) * 7919 + 17);
  return std::uniform_int_distribution<Money>(100, 999)(random);
}

TEST_P(StorageConcurrency, ConcurrentPartialRefundsNeverPassThePayment) {
  gateway_record_ = fresh_path("refund-race-gateway", ".log");
  std::string order_id;
  {
    auto store = open_store();
    store->catalog().create({.id = "lamp", .name = "Lamp", .price = kPaid / 10});
    store->stock().adjust("lamp", 10, "seed");
    const Order order = store->orders().place({.user_id = "u", .items = {{"lamp", 10}}});
    ASSERT_EQ(order.status, OrderStatus::kConfirmed);
    ASSERT_EQ(order.total, kPaid);
    order_id = order.id;
  }
  const auto result = race(
      64,
      [&](Store& store, std::int64_t i) {
        try {
          const Refund refund = store.orders().refund(order_id, amount_of(i), "race");
          if (refund.status != RefundStatus::kApproved) {
            throw std::runtime_error("the gateway declined a refund: " + refund.message);
          }
          return Outcome::kSucceeded;
        } catch (const Error& e) {
          // Above what remains of the payment.
          if (e.code() == ErrorCode::kInvalidArgument && e.subject() == "amount") {
            return Outcome::kRefused;
          }
          throw;
        }
      },
      expect_invariants_mid_race);
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  auto store = open_store();
  Money approved = 0;
  std::int64_t count = 0;
  for (const Refund& r : store->orders().refunds(order_id)) {
    EXPECT_EQ(r.status, RefundStatus::kApproved);
    approved += r.amount;
    ++count;
  }
  EXPECT_EQ(count, result.succeeded);
  EXPECT_LE(approved, kPaid);
  EXPECT_GT(result.refused, 0);  // 64 refunds of at least 100 ask for more than was paid
  const FakeGateway gateway(gateway_record_);
  EXPECT_EQ(kPaid - gateway.net_for(order_id), approved);
  EXPECT_EQ(gateway.refunds_for(order_id), count);
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
