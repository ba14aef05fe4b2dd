// The store the give-back conformance tests (returns_conformance.cpp, exchange_conformance.cpp)
// share: a gateway, two locations, two products, a shipping option, a coupon; and the refund rule
// of commerce/returns.h written again from its text.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commerce/error.h"
#include "commerce/invariants.h"
#include "storage/transaction.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {

using B = FakeGateway::Behaviour;
using Op = FakeGateway::Operation;


// A store with a FakeGateway, locations a and b, mug (1000; 5 at a, 5 at b), tea (700; 10 at a),
// a flat shipping option (3000), the 10% VAT included, a fixed coupon template FIX (1500).
class GiveBackTest {
 public:
  GiveBackTest(const std::string& location, std::shared_ptr<ManualClock> clock_in,
               bool refund_shipping = true)
      : gateway(std::make_shared<FakeGateway>()), clock(std::move(clock_in)) {
    StoreOptions options;
    options.clock = clock;
    options.gateway = gateway;
    options.shipping_options = {flat_shipping("flat", 3000)};
    options.returns.refund_shipping = refund_shipping;
    options.saga.attempts = 2;
    options.saga.backoff_initial_ms = 1;
    options.saga.backoff_max_ms = 1;
    options.saga.gateway_timeout_ms = 200;
    store = Store::open(location, options);
    store->locations().create({.id = "a", .name = "A", .priority = 1});
    store->locations().create({.id = "b", .name = "B", .priority = 2});
    store->catalog().create({.id = "mug", .name = "Mug", .price = 1000});
    store->catalog().create({.id = "tea", .name = "Tea", .price = 700});
    store->stock().adjust("mug", 5, "seed", {}, "a");
    store->stock().adjust("mug", 5, "seed", {}, "b");
    store->stock().adjust("tea", 10, "seed", {}, "a");
    store->coupons().create_template({.code = "FIX",
                                      .kind = CouponKind::kFixed,
                                      .value = 1500,
                                      .valid_until = clock->now() + 1000 * kDay,
                                      .total_limit = 1000,
                                      .per_user_limit = 1000});
    store->points().charge("ann", 100000);
  }

  // 3 mugs and 4 teas with the coupon, 2000 points and flat shipping.
  Order place(Money points = 2000, bool coupon = true) {
    PlaceOrder r{.user_id = "ann", .items = {{"mug", 3}, {"tea", 4}}};
    if (coupon) r.coupon_id = store->coupons().issue("FIX", "ann").id;
    r.points_to_use = points;
    r.shipping_option = "flat";
    Order o = store->orders().place(r);
    EXPECT_EQ(o.status, OrderStatus::kConfirmed) << o.failure_reason;
    return o;
  }

  // Ships `items` from the location and delivers them (no carrier).
  Shipment ship(const Order& o, const std::string& location, std::vector<LineItem> items,
                bool deliver = true) {
    Shipments& s = store->shipments();
    Shipment made = s.dispatch(
        s.create({.order_id = o.id, .location_id = location, .items = std::move(items)}).id);
    if (deliver) {
      made = s.track({.shipment_id = made.id,
                      .event = {.status = ShipmentStatus::kDelivered,
                                .occurred_at = clock->now(),
                                .detail = "delivered"}});
    }
    return made;
  }

  Money refunded(const Order& o) {
    Money sum = 0;
    for (const auto& r : store->orders().refunds(o.id)) {
      if (r.status == RefundStatus::kApproved) sum += r.amount;
    }
    return sum;
  }

  std::int64_t level(const std::string& product, const std::string& location) {
    for (const auto& l : store->stock().levels(product)) {
      if (l.location_id == location) return l.on_hand;
    }
    return -1;
  }

  std::vector<std::string> types(const std::string& prefix) {
    std::vector<std::string> out;
    const auto events = run_unit(detail::storage_of(*store), Storage::Access::kRead,
                                 [&](Transaction& tx) { return tx.read_outbox(0, 100000); });
    for (const auto& e : events) {
      if (e.type.rfind(prefix, 0) == 0) out.push_back(e.type);
    }
    return out;
  }

  void expect_clean() {
    const auto report = check_invariants(*store);
    for (const auto& v : report.violations) ADD_FAILURE() << v.rule << " " << v.subject << ": " << v.detail;
  }

  std::shared_ptr<FakeGateway> gateway;
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Store> store;
};

inline const OrderItem& line(const Order& o, const std::string& product) {
  for (const auto& item : o.items) {
    if (item.product_id == product) return item;
  }
  throw std::runtime_error("no line " + product);
}

// The rule of commerce/returns.h, written again here from its text.
struct Rule {
  const Order& o;
  bool refund_shipping = true;
  Money value(const std::map<std::string, std::int64_t>& back) const {
    Money v = 0, lines = 0;
    bool all = true;
    for (const auto& item : o.items) {
      const std::int64_t k = back.count(item.product_id) ? back.at(item.product_id) : 0;
      v += item.total * k / item.qty;  // small figures: no overflow here
      lines += item.total;
      all = all && k == item.qty;
    }
    return all && refund_shipping ? v + (o.total + o.points_used - lines) : v;
  }
  Money money(Money v) const {
    const Money gross = o.total + o.points_used;
    return gross == 0 ? 0 : v * o.total / gross;  // small figures: no overflow here
  }
};

}  // namespace commerce::testing
