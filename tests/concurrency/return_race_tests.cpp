// Refunds and returns of one delivered order asked at once, 2 processes x 8 threads sharing one
// FakeGateway record: 96 attempts, every third a partial refund of a random amount (100..999),
// the others the return of one of its 10 lamps (requested, approved, received and restocked).
// Each unit is returned at most once (exactly 10 returns go through, the rest are refused
// naming "items"), and the money given back (refunds by hand and the returns' refunds, which
// take what remains of the payment at most) never adds up to more than was paid. And exchanges
// received by many threads at once place one replacement each.
#include <random>
#include <set>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "concurrency_suite.h"
#include "scratch_dir.h"

namespace commerce::testing {
namespace {

constexpr Money kLampsPaid = 10'000;
constexpr std::int64_t kLamps = 10;

Money refund_amount_of(std::int64_t attempt) {
  std::mt19937_64 random(static_cast<std::uint64_t>(attempt) * 6151 + 29);
  return std::uniform_int_distribution<Money>(100, 999)(random);
}

TEST_P(StorageConcurrency, ConcurrentReturnsAndRefundsNeverReturnAUnitTwiceOrPassThePayment) {
  gateway_record_ = fresh_path("return-race-gateway", ".log");
  std::string order_id;
  {
    auto store = open_store();
    store->catalog().create({.id = "lamp", .name = "Lamp", .price = kLampsPaid / kLamps});
    store->stock().adjust("lamp", kLamps, "seed");
    const Order order = store->orders().place({.user_id = "u", .items = {{"lamp", kLamps}}});
    ASSERT_EQ(order.status, OrderStatus::kConfirmed);
    ASSERT_EQ(order.total, kLampsPaid);
    order_id = order.id;
    store->orders().ship(order_id);
    ASSERT_EQ(store->orders().deliver(order_id).status, OrderStatus::kDelivered);
  }
  const auto result = race(
      96,
      [&](Store& store, std::int64_t i) {
        try {
          if (i % 3 == 0) {
            const Refund refund = store.orders().refund(order_id, refund_amount_of(i), "race");
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
      expect_invariants_mid_race);
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  auto store = open_store();
  std::int64_t returned = 0;
  for (const Return& r : store->returns().for_order(order_id)) {
    EXPECT_EQ(r.status, ReturnStatus::kRefunded);
    for (const auto& item : r.items) returned += item.qty;
  }
  EXPECT_EQ(returned, kLamps);  // 64 asked, each unit once
  EXPECT_EQ(store->stock().level("lamp").on_hand, kLamps);  // every lamp restocked once
  Money approved = 0;
  std::int64_t count = 0;
  for (const Refund& r : store->orders().refunds(order_id)) {
    EXPECT_EQ(r.status, RefundStatus::kApproved);
    approved += r.amount;
    ++count;
  }
  EXPECT_LE(approved, kLampsPaid);
  const FakeGateway gateway(gateway_record_);
  EXPECT_EQ(kLampsPaid - gateway.net_for(order_id), approved);
  EXPECT_EQ(gateway.refunds_for(order_id), count);
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

// Ten approved exchanges of one lamp each for a shade, every one received by about ten
// threads of 2 processes at once: each is received once and places exactly one replacement
// (one unit of work does both), each lamp is restocked once, and the store checks clean.
TEST_P(StorageConcurrency, ConcurrentReceivesOfAnExchangePlaceOneReplacement) {
  gateway_record_ = fresh_path("exchange-race-gateway", ".log");
  std::string order_id;
  std::vector<std::string> exchanges;
  {
    auto store = open_store();
    store->catalog().create({.id = "lamp", .name = "Lamp", .price = kLampsPaid / kLamps});
    store->catalog().create({.id = "shade", .name = "Shade", .price = 300});
    store->stock().adjust("lamp", kLamps, "seed");
    store->stock().adjust("shade", kLamps, "seed");
    const Order order = store->orders().place({.user_id = "u", .items = {{"lamp", kLamps}}});
    ASSERT_EQ(order.status, OrderStatus::kConfirmed);
    order_id = order.id;
    store->orders().ship(order_id);
    store->orders().deliver(order_id);
    for (std::int64_t i = 0; i < kLamps; ++i) {
      const Return r = store->returns().request({.order_id = order_id,
                                                 .items = {{"lamp", 1}},
                                                 .reason = "race",
                                                 .replacement = {{"shade", 1}}});
      exchanges.push_back(store->returns().approve(r.id).id);
    }
  }
  const auto result = race(
      96,
      [&](Store& store, std::int64_t i) {
        const std::string& id = exchanges[static_cast<std::size_t>(i) % exchanges.size()];
        const Return got = store.returns().receive(id, {{"lamp", 1, 0, "default"}});
        if (got.replacement_order_id.empty() || got.status != ReturnStatus::kRefunded) {
          throw std::runtime_error("exchange " + id + " ended " +
                                   std::string(to_string(got.status)) + ": " + got.exchange_note);
        }
        return Outcome::kSucceeded;
      },
      expect_invariants_mid_race);
  EXPECT_EQ(result.unexpected, 0) << (result.problems.empty() ? "" : result.problems.front());
  auto store = open_store();
  std::set<std::string> replacements;
  for (const Return& r : store->returns().for_order(order_id)) {
    replacements.insert(r.replacement_order_id);
    const Order replacement = store->orders().get(r.replacement_order_id);
    EXPECT_EQ(replacement.status, OrderStatus::kConfirmed);
    EXPECT_EQ(replacement.points_used, 300);
  }
  EXPECT_EQ(replacements.size(), static_cast<std::size_t>(kLamps));
  // One replacement per exchange, whoever received it: the user's orders are the original and
  // the ten replacements.
  EXPECT_EQ(store->orders().list_for_user("u", {}, 100).items.size(),
            static_cast<std::size_t>(kLamps) + 1);
  EXPECT_EQ(store->stock().level("lamp").on_hand, kLamps);  // every lamp restocked once
  EXPECT_EQ(store->stock().level("shade").on_hand, 0);     // every shade sold once
  const auto report = check_invariants(*store, true);
  EXPECT_TRUE(report.ok()) << report.violations.front().rule << ": "
                           << report.violations.front().detail;
}

}  // namespace
}  // namespace commerce::testing
