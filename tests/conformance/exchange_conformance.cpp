// Exchanges (issue 20, commerce/returns.h Returns::receive): a return whose value pays for a
// replacement order placed in the unit that receives it; the difference refunded or charged;
// a replacement that cannot be placed falls back to a plain refund, nothing of it written. The
// same tests on every adapter.
#include <string>
#include <vector>

#include "give_back_fixture.h"
#include "storage_conformance.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

// Delivers the whole order, then requests and approves a return of `items` for `replacement`.
Return approved_exchange(GiveBackTest& t, const Order& o, std::vector<LineItem> items,
                         std::vector<LineItem> replacement) {
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  Returns& returns = t.store->returns();
  const Return r = returns.request({.order_id = o.id,
                                    .items = std::move(items),
                                    .reason = "wrong size",
                                    .replacement = std::move(replacement)});
  return returns.approve(r.id);
}

std::vector<Inspection> restock_all(const Return& r) {
  std::vector<Inspection> out;
  for (const auto& item : r.items) out.push_back({item.product_id, item.qty, 0, "a"});
  return out;
}

TEST_P(StorageConformance, AnExchangeForLessRefundsTheDifference) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  const Return r =
      approved_exchange(t, o, {{"mug", 3}, {"tea", 4}}, {{"tea", 1}});
  EXPECT_EQ(r.replacement, (std::vector<LineItem>{{"tea", 1}}));
  const Money balance = t.store->points().balance("ann");
  const std::int64_t teas = t.level("tea", "a");
  const Return got = t.store->returns().receive(r.id, restock_all(r));

  // Every unit is back: worth the order's gross. The replacement costs a tea and the shipping.
  const Rule rule{o};
  const Money value = rule.value({{"mug", 3}, {"tea", 4}});
  EXPECT_EQ(value, o.total + o.points_used);
  const Money price = 700 + 3000;
  ASSERT_FALSE(got.replacement_order_id.empty());
  EXPECT_EQ(got.exchange_credit, price);
  EXPECT_EQ(got.exchange_note, "");
  const Order replacement = t.store->orders().get(got.replacement_order_id);
  EXPECT_EQ(replacement.status, OrderStatus::kConfirmed) << replacement.failure_reason;
  EXPECT_EQ(replacement.user_id, "ann");
  EXPECT_EQ(replacement.points_used, price);
  EXPECT_EQ(replacement.total, 0);
  EXPECT_EQ(replacement.request_id, r.id + ":exchange");
  // The credit took the money share first; the rest of the money is refunded.
  const Money money = rule.money(value);
  const Money from_money = std::min(money, price);
  EXPECT_EQ(got.given_back.value, value);
  EXPECT_EQ(got.given_back.money, money - from_money);
  EXPECT_EQ(got.given_back.points, value - money + from_money);
  EXPECT_EQ(t.refunded(o), money - from_money);
  EXPECT_EQ(t.gateway->net_for(o.id), from_money);
  EXPECT_EQ(t.gateway->net_for(replacement.id), 0);
  EXPECT_EQ(t.store->points().balance("ann"), balance + got.given_back.points - price);
  EXPECT_EQ(got.status, ReturnStatus::kRefunded);
  EXPECT_EQ(t.level("tea", "a"), teas + 4 - 1);  // four restocked, one taken by the replacement
  // Receiving it again changes nothing.
  EXPECT_EQ(t.store->returns().receive(r.id, restock_all(r)), got);
  EXPECT_EQ(t.types("OrderCreated").size(), 2u);
  t.expect_clean();
}

TEST_P(StorageConformance, AnExchangeForMoreChargesTheDifference) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  const Return r = approved_exchange(t, o, {{"mug", 1}}, {{"mug", 2}});
  const Money balance = t.store->points().balance("ann");
  const Return got = t.store->returns().receive(r.id, restock_all(r));
  const Rule rule{o};
  const Money value = rule.value({{"mug", 1}});
  const Money price = 2 * 1000 + 3000;
  ASSERT_LT(value, price);
  EXPECT_EQ(got.exchange_credit, value);  // all of it
  EXPECT_EQ(got.given_back.money, 0);
  EXPECT_EQ(got.given_back.refund_id, "");
  EXPECT_EQ(got.given_back.points, value);
  EXPECT_EQ(got.status, ReturnStatus::kRefunded);
  const Order replacement = t.store->orders().get(got.replacement_order_id);
  EXPECT_EQ(replacement.status, OrderStatus::kConfirmed) << replacement.failure_reason;
  EXPECT_EQ(replacement.points_used, value);
  EXPECT_EQ(replacement.total, price - value);
  EXPECT_EQ(t.gateway->net_for(replacement.id), price - value);  // the difference charged
  EXPECT_EQ(t.refunded(o), 0);
  EXPECT_EQ(t.store->points().balance("ann"), balance);  // credited and spent at once
  t.expect_clean();
}

TEST_P(StorageConformance, AnExchangeWhoseReplacementCannotBePlacedIsRefunded) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  // More teas than any shelf holds: the replacement's stock step refuses it.
  const Return r = approved_exchange(t, o, {{"mug", 2}}, {{"tea", 50}});
  const Money balance = t.store->points().balance("ann");
  const Return got = t.store->returns().receive(r.id, restock_all(r));
  EXPECT_EQ(got.replacement_order_id, "");
  EXPECT_EQ(got.exchange_credit, 0);
  EXPECT_NE(got.exchange_note.find("refused"), std::string::npos) << got.exchange_note;
  const Rule rule{o};
  const Money value = rule.value({{"mug", 2}});
  EXPECT_EQ(got.given_back.money, rule.money(value));
  EXPECT_EQ(got.given_back.points, value - rule.money(value));
  EXPECT_EQ(t.refunded(o), got.given_back.money);
  EXPECT_EQ(t.store->points().balance("ann"), balance + got.given_back.points);
  EXPECT_EQ(t.types("OrderCreated").size(), 1u);  // nothing of the replacement written
  EXPECT_EQ(t.level("tea", "a"), 10 - 4 + 0);

  // A product gone since the request: refunded likewise, the note naming it.
  t.store->catalog().create({.id = "cup", .name = "Cup", .price = 300});
  const Return other = t.store->returns().request(
      {.order_id = o.id, .items = {{"mug", 1}}, .reason = "x", .replacement = {{"cup", 1}}});
  t.store->returns().approve(other.id);
  t.store->catalog().remove("cup");
  const Return refunded = t.store->returns().receive(other.id, restock_all(other));
  EXPECT_EQ(refunded.replacement_order_id, "");
  EXPECT_NE(refunded.exchange_note.find("cup"), std::string::npos) << refunded.exchange_note;
  EXPECT_EQ(refunded.status, ReturnStatus::kRefunded);
  t.expect_clean();
}

TEST_P(StorageConformance, AnExchangesReplacementLinesAreCheckedWhenRequested) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  Returns& returns = t.store->returns();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.request({.order_id = o.id,
                                                   .items = {{"mug", 1}},
                                                   .reason = "x",
                                                   .replacement = {{"tea", 0}}}),
                                  ErrorCode::kInvalidArgument),
            "replacement[0].qty");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.request({.order_id = o.id,
                                                   .items = {{"mug", 1}},
                                                   .reason = "x",
                                                   .replacement = {{"tea", 1}, {"", 1}}}),
                                  ErrorCode::kInvalidArgument),
            "replacement[1].product_id");
  EXPECT_TRUE(returns.for_order(o.id).empty());
  // Bad inspections are an error, not a reason to fall back to a refund.
  const Return r = returns.approve(
      returns
          .request({.order_id = o.id, .items = {{"mug", 1}}, .reason = "x",
                    .replacement = {{"tea", 1}}})
          .id);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"mug", 0, 0, "a"}}),
                                  ErrorCode::kInvalidArgument),
            "inspections");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"mug", 1, 0, "nowhere"}}),
                                  ErrorCode::kInvalidArgument),
            "inspections[0].location_id");
  EXPECT_EQ(returns.get(r.id).status, ReturnStatus::kApproved);
  EXPECT_EQ(t.types("OrderCreated").size(), 1u);
  t.expect_clean();
}

}  // namespace
}  // namespace commerce::testing
