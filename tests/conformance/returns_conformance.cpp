// Giving units back (issue 20, commerce/returns.h): partial cancellation of what has not
// shipped, returns of delivered units (request, approve or reject, receive with inspection),
// the refund rule (money as money, points as points, the coupon and shipping with the last
// unit), the refund rule's property over random orders and sequences, bad input. The same
// tests on every adapter.
#include <nlohmann/json.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "give_back_fixture.h"
#include "storage_conformance.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

TEST_P(StorageConformance, CancellingUnshippedUnitsRestocksThemAndRefundsTheirShare) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  const Money points_before = t.store->points().balance("ann");
  // One mug leaves from a; the other units have not shipped.
  t.ship(o, "a", {{"mug", 1}}, false);
  const std::int64_t mugs_at_a = t.level("mug", "a");

  // Two mugs can still be cancelled; a third is in a shipment.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->orders().cancel_items(o.id, {{"mug", 3}}),
                                  ErrorCode::kInvalidArgument),
            "items");
  const ItemsCancelled c = t.store->orders().cancel_items(o.id, {{"mug", 2}}, "changed mind");
  const Rule rule{o};
  const Money value = rule.value({{"mug", 2}});
  EXPECT_EQ(c.given_back.value, value);
  EXPECT_EQ(value, line(o, "mug").total * 2 / 3);
  EXPECT_EQ(c.given_back.money, rule.money(value));
  EXPECT_EQ(c.given_back.points, value - rule.money(value));
  EXPECT_FALSE(c.given_back.coupon_restored);
  EXPECT_FALSE(c.given_back.shipping_refunded);
  EXPECT_EQ(t.refunded(o), c.given_back.money);
  EXPECT_EQ(t.gateway->net_for(o.id), o.total - c.given_back.money);
  EXPECT_EQ(t.store->points().balance("ann"), points_before + c.given_back.points);
  EXPECT_EQ(line(c.order, "mug").cancelled, 2);
  EXPECT_EQ(line(c.order, "mug").given_back, 2);
  EXPECT_EQ(c.order.status, OrderStatus::kConfirmed);  // tea still unshipped
  // The cancelled mugs went back on their shelves (the order took 3 at a, 0 at b).
  EXPECT_EQ(t.level("mug", "a"), mugs_at_a + 2);
  EXPECT_EQ(t.types("OrderItemsCancelled").size(), 1u);
  EXPECT_EQ(t.types("PointRefunded").size(), 1u);

  // Cancelling the teas leaves only the shipped mug: the order is SHIPPED.
  const ItemsCancelled rest = t.store->orders().cancel_items(o.id, {{"tea", 4}});
  EXPECT_EQ(rest.order.status, OrderStatus::kShipped);
  EXPECT_EQ(t.refunded(o), rule.money(rule.value({{"mug", 2}, {"tea", 4}})));
  // Nothing unshipped remains.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(t.store->orders().cancel_items(o.id, {{"tea", 1}}),
                                  ErrorCode::kFailedPrecondition),
            o.id);
  t.expect_clean();
}

TEST_P(StorageConformance, CancellingEveryUnitOfAnUnshippedOrderCancelsIt) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  const ItemsCancelled first = t.store->orders().cancel_items(o.id, {{"tea", 1}});
  const ItemsCancelled c =
      t.store->orders().cancel_items(o.id, {{"mug", 3}, {"tea", 3}}, "", "cancel-rest");
  EXPECT_EQ(c.order.status, OrderStatus::kCancelled);
  // Asked again with the same request_id: the same answer, nothing more.
  EXPECT_EQ(t.store->orders().cancel_items(o.id, {{"mug", 3}, {"tea", 3}}, "", "cancel-rest"), c);
  EXPECT_EQ(t.types("OrderCancelled").size(), 1u);
  EXPECT_EQ(first.given_back.money + c.given_back.money, o.total);
  EXPECT_EQ(first.given_back.points + c.given_back.points, o.points_used);
  EXPECT_EQ(t.gateway->net_for(o.id), 0);
  EXPECT_EQ(t.store->points().balance("ann"), 100000);
  EXPECT_TRUE(c.given_back.coupon_restored);
  t.expect_clean();
}

TEST_P(StorageConformance, AReturnIsRequestedApprovedReceivedAndRefunded) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  EXPECT_EQ(t.store->orders().get(o.id).status, OrderStatus::kDelivered);
  Returns& returns = t.store->returns();

  // More than delivered, a product not in the order: refused, naming the field.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                returns.request({.order_id = o.id, .items = {{"mug", 4}}, .reason = "broken"}),
                ErrorCode::kInvalidArgument),
            "items");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.request({.order_id = o.id, .items = {{"mug", 1}}}),
                                  ErrorCode::kInvalidArgument),
            "reason");
  const Return r = returns.request({.order_id = o.id, .items = {{"mug", 2}}, .reason = "broken"});
  EXPECT_EQ(r.status, ReturnStatus::kRequested);
  // One mug is left to return.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                returns.request({.order_id = o.id, .items = {{"mug", 2}}, .reason = "broken"}),
                ErrorCode::kInvalidArgument),
            "items");
  // Receiving before approval is refused.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"mug", 1, 1, "b"}}),
                                  ErrorCode::kFailedPrecondition),
            r.id);
  EXPECT_EQ(returns.approve(r.id, "ok").status, ReturnStatus::kApproved);
  // Inspections must cover the units exactly, at a known location.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"mug", 1, 0, "b"}}),
                                  ErrorCode::kInvalidArgument),
            "inspections");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"mug", 1, 1, "nowhere"}}),
                                  ErrorCode::kInvalidArgument),
            "inspections[0].location_id");
  const std::int64_t mugs_at_b = t.level("mug", "b");
  const Money points_before = t.store->points().balance("ann");
  const Return got = returns.receive(r.id, {{"mug", 1, 1, "b"}});
  EXPECT_EQ(got.status, ReturnStatus::kRefunded);
  const Rule rule{o};
  EXPECT_EQ(got.given_back.value, rule.value({{"mug", 2}}));
  EXPECT_EQ(got.given_back.money, rule.money(got.given_back.value));
  EXPECT_EQ(t.refunded(o), got.given_back.money);
  EXPECT_EQ(t.store->points().balance("ann"), points_before + got.given_back.points);
  EXPECT_EQ(t.level("mug", "b"), mugs_at_b + 1);  // one restocked at b, one written off
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].restocked, 1);
  EXPECT_EQ(got.items[0].written_off, 1);
  EXPECT_EQ(got.items[0].location_id, "b");
  EXPECT_EQ(returns.for_order(o.id), std::vector<Return>{got});
  EXPECT_EQ(t.types("Return"), (std::vector<std::string>{"ReturnRequested", "ReturnApproved",
                                                         "ReturnReceived", "ReturnRefunded"}));
  const Order after = t.store->orders().get(o.id);
  EXPECT_EQ(line(after, "mug").returned, 2);
  EXPECT_EQ(line(after, "mug").given_back, 2);
  EXPECT_EQ(after.status, OrderStatus::kDelivered);

  // A rejected return frees its units for another.
  const Return other = returns.request({.order_id = o.id, .items = {{"tea", 4}}, .reason = "x"});
  EXPECT_EQ(returns.reject(other.id, "used").status, ReturnStatus::kRejected);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(returns.approve(other.id), ErrorCode::kFailedPrecondition),
            other.id);
  EXPECT_EQ(returns.request({.order_id = o.id, .items = {{"tea", 4}}, .reason = "x"}).status,
            ReturnStatus::kRequested);
  t.expect_clean();
}

TEST_P(StorageConformance, AReturnIsRequestedOnlyWithinTheWindowOfItsDelivery) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  Returns& returns = t.store->returns();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                returns.request({.order_id = o.id, .items = {{"mug", 1}}, .reason = "early"}),
                ErrorCode::kFailedPrecondition),
            o.id);  // nothing delivered yet
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  clock_->advance(14 * kDay);
  EXPECT_EQ(returns.request({.order_id = o.id, .items = {{"mug", 1}}, .reason = "late"}).status,
            ReturnStatus::kRequested);
  clock_->advance(1);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                returns.request({.order_id = o.id, .items = {{"mug", 1}}, .reason = "too late"}),
                ErrorCode::kFailedPrecondition),
            o.id);
  EXPECT_EQ(returns.for_order(o.id).size(), 1u);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                returns.request({.order_id = "nope", .items = {{"mug", 1}}, .reason = "x"}),
                ErrorCode::kNotFound),
            "nope");
  t.expect_clean();
}

// Returns every unit in three returns: money and points add up to the order's gross, less the
// shipping fee when the store keeps it.
void return_everything(const std::string& location, std::shared_ptr<ManualClock> clock,
                       bool refund_shipping) {
  GiveBackTest t(location, std::move(clock), refund_shipping);
  const Order o = t.place();
  const Money points_before = t.store->points().balance("ann");
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  Returns& returns = t.store->returns();
  Money money = 0, points = 0;
  for (const auto& items : std::vector<std::vector<LineItem>>{{{"mug", 1}}, {{"tea", 3}},
                                                             {{"mug", 2}, {"tea", 1}}}) {
    const Return r = returns.request({.order_id = o.id, .items = items, .reason = "no"});
    returns.approve(r.id);
    std::vector<Inspection> inspections;
    for (const auto& item : items) inspections.push_back({item.product_id, item.qty, 0, "a"});
    const Return got = returns.receive(r.id, inspections);
    EXPECT_EQ(got.given_back.shipping_refunded, refund_shipping && items.size() == 2);
    money += got.given_back.money;
    points += got.given_back.points;
  }
  const Money kept = refund_shipping ? 0 : o.shipping_fee;  // prices include the tax
  EXPECT_EQ(money + points, o.total + o.points_used - kept);
  if (refund_shipping) {
    EXPECT_EQ(money, o.total);
    EXPECT_EQ(points, o.points_used);
  }
  EXPECT_EQ(t.refunded(o), money);
  EXPECT_EQ(t.store->points().balance("ann"), points_before + points);
  EXPECT_EQ(t.types("CouponRestored").size(), 1u);
  t.expect_clean();
}

TEST_P(StorageConformance, AFullReturnRefundsExactlyTheOrdersTotalAndItsPoints) {
  return_everything(location_, clock_, true);
}

TEST_P(StorageConformance, AFullReturnKeepsTheShippingFeeWhenTheStoreSaysSo) {
  return_everything(location_, clock_, false);
}

TEST_P(StorageConformance, AReturnsRefundLeftUnknownIsFinishedByRecover) {
  GiveBackTest t(location_, clock_);
  const Order o = t.place();
  t.ship(o, "a", {{"mug", 3}, {"tea", 4}});
  Returns& returns = t.store->returns();
  const Return r = returns.request({.order_id = o.id, .items = {{"tea", 2}}, .reason = "x"});
  returns.approve(r.id);
  t.gateway->script(Op::kRefund, {{B::kTimeout}, {B::kTimeout}});
  EXPECT_COMMERCE_ERROR(returns.receive(r.id, {{"tea", 2, 0, "a"}}), ErrorCode::kUnavailable);
  EXPECT_EQ(returns.get(r.id).status, ReturnStatus::kReceived);
  EXPECT_FALSE(check_invariants(*t.store).violations.empty());  // refund.started
  t.store->orders().recover();
  const Return done = returns.get(r.id);
  EXPECT_EQ(done.status, ReturnStatus::kRefunded);
  EXPECT_EQ(t.refunded(o), done.given_back.money);
  EXPECT_EQ(t.gateway->refunds_for(o.id), 1);
  t.expect_clean();
}

// Property: for random orders (coupon or not, points or not, shipping) and random sequences of
// partial cancellations and returns, what comes back is the rule's share of the units given
// back (cumulatively, to the minor unit), and giving every unit back refunds exactly the
// order's total in money and its points in points.
TEST_P(StorageConformance, GivingBackUnitsInAnyOrderRefundsExactlyWhatTheyPaid) {
  GiveBackTest t(location_, clock_);
  t.store->catalog().create({.id = "pen", .name = "Pen", .price = 333});
  t.store->stock().adjust("pen", 1000, "seed", {}, "a");
  t.store->stock().adjust("mug", 1000, "seed", {}, "a");
  t.store->stock().adjust("tea", 1000, "seed", {}, "a");
  std::mt19937 random(20261207);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> products = {"mug", "tea", "pen"};
  const int rounds = 12;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    PlaceOrder p{.user_id = "ann"};
    for (const auto& product : products) {
      if (pick(3) != 0 || p.items.empty()) p.items.push_back({product, 1 + pick(4)});
    }
    if (pick(2)) p.coupon_id = t.store->coupons().issue("FIX", "ann").id;
    if (pick(2)) p.shipping_option = "flat";
    const Quote q = t.store->orders().quote(p);
    p.points_to_use = pick(3) == 0 ? 0 : pick(static_cast<int>(std::min<Money>(q.total, 9000)) + 1);
    const Order o = t.store->orders().place(p);
    ASSERT_EQ(o.status, OrderStatus::kConfirmed) << o.failure_reason;
    const Money points_before = t.store->points().balance("ann");
    std::map<std::string, std::int64_t> back;
    // Some units ship and are delivered first; the rest may be cancelled or shipped later.
    std::vector<LineItem> first;
    for (const auto& item : o.items) {
      const std::int64_t n = pick(static_cast<int>(item.qty) + 1);
      if (n > 0) first.push_back({item.product_id, n});
    }
    if (!first.empty()) t.ship(o, "a", first);
    const Rule rule{o};
    Money money = 0, points = 0;
    bool all_back = false;
    for (int step = 0; step < 8 && !all_back; ++step) {
      // Cancel some unshipped units, or return some delivered ones.
      std::vector<LineItem> cancel, ret;
      const Order now = t.store->orders().get(o.id);
      for (const auto& item : now.items) {
        const std::int64_t unshipped = item.qty - item.cancelled - item.shipped;
        const std::int64_t returnable = item.delivered - item.returned;
        if (unshipped > 0 && pick(2)) cancel.push_back({item.product_id, 1 + pick(static_cast<int>(unshipped))});
        if (returnable > 0 && pick(2)) ret.push_back({item.product_id, 1 + pick(static_cast<int>(returnable))});
      }
      if (step == 7) {  // the last step gives back everything left
        cancel.clear();
        ret.clear();
        for (const auto& item : now.items) {
          if (item.qty - item.cancelled - item.shipped > 0) {
            cancel.push_back({item.product_id, item.qty - item.cancelled - item.shipped});
          }
          if (item.delivered - item.returned > 0) {
            ret.push_back({item.product_id, item.delivered - item.returned});
          }
        }
      }
      const bool any_shipped = std::any_of(now.items.begin(), now.items.end(),
                                           [](const OrderItem& i) { return i.shipped > 0; });
      if (!cancel.empty()) {
        const ItemsCancelled c = t.store->orders().cancel_items(o.id, cancel);
        money += c.given_back.money;
        points += c.given_back.points;
        for (const auto& item : cancel) back[item.product_id] += item.qty;
        if (c.order.status == OrderStatus::kCancelled) {
          EXPECT_FALSE(any_shipped);
          all_back = true;
        }
      }
      if (!ret.empty() && !all_back) {
        const Return r = t.store->returns().request({.order_id = o.id, .items = ret, .reason = "p"});
        t.store->returns().approve(r.id);
        std::vector<Inspection> inspections;
        for (const auto& item : ret) {
          const std::int64_t restock = pick(static_cast<int>(item.qty) + 1);
          inspections.push_back({item.product_id, restock, item.qty - restock, "b"});
        }
        const Return got = t.store->returns().receive(r.id, inspections);
        EXPECT_EQ(got.status, ReturnStatus::kRefunded);
        money += got.given_back.money;
        points += got.given_back.points;
        for (const auto& item : ret) back[item.product_id] += item.qty;
      }
      if (!all_back) {
        // Cumulatively, exactly the rule's shares.
        const Money value = rule.value(back);
        EXPECT_EQ(money, rule.money(value));
        EXPECT_EQ(points, value - rule.money(value));
      }
      all_back = all_back || std::all_of(o.items.begin(), o.items.end(), [&](const OrderItem& i) {
                   return back[i.product_id] == i.qty;
                 });
    }
    ASSERT_TRUE(all_back);
    EXPECT_EQ(money, o.total);
    EXPECT_EQ(points, o.points_used);
    EXPECT_EQ(t.gateway->net_for(o.id), 0);
    EXPECT_EQ(t.store->points().balance("ann"), points_before + o.points_used);
  }
  t.expect_clean();
}

}  // namespace
}  // namespace commerce::testing
