// Checkout (commerce/carts.h, docs/carts.md): a cart's lines placed as an order through the
// saga, the cart claimed in the order's own unit of work; idempotent by the cart.
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "commerce/invariants.h"
#include "commerce/payments.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

using ::commerce::ErrorCode;

class CheckoutTest {
 public:
  CheckoutTest(const std::string& location, std::shared_ptr<Clock> clock)
      : gateway(std::make_shared<FakeGateway>()) {
    StoreOptions options;
    options.clock = std::move(clock);
    options.gateway = gateway;
    options.shipping_options = {flat_shipping("flat", 3000)};
    store = Store::open(location, options);
    store->catalog().create({.id = "mug", .name = "Mug", .price = 12000, .initial_stock = 5});
    store->catalog().create({.id = "tea", .name = "Tea", .price = 4500, .initial_stock = 50});
  }

  std::vector<Event> events(const std::string& type) { return events_of_type(*store, type); }

  std::shared_ptr<FakeGateway> gateway;
  std::unique_ptr<Store> store;
};

TEST_P(StorageConformance, ACheckoutPlacesTheQuotedOrderAndClosesTheCartOnce) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const Cart cart = carts.open_for_user("ann");
  const CartKey key = CartKey::for_user(cart.id, "ann");
  carts.add(key, "mug", 2);
  carts.add(key, "tea", 3);
  const CartCheckout request{.shipping_option = "flat"};
  const Quote quote = carts.quote(key, request);
  EXPECT_EQ(quote.total, 2 * 12000 + 3 * 4500 + 3000);

  const Order order =
      carts.checkout(key, {.shipping_option = "flat", .expected_total = quote.total});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(order.user_id, "ann");
  EXPECT_EQ(order.total, quote.total);
  EXPECT_EQ(order.tax, quote.tax);
  ASSERT_EQ(order.items.size(), 2u);
  EXPECT_EQ(order.items[0].product_id, "mug");
  EXPECT_EQ(order.items[0].qty, 2);
  EXPECT_EQ(order.items[1].total, quote.lines[1].total);
  const Cart closed = carts.get(key);
  EXPECT_EQ(closed.status, CartStatus::kCheckedOut);
  EXPECT_EQ(closed.order_id, order.id);

  // Again, even with other arguments: the same order, nothing new.
  EXPECT_EQ(carts.checkout(key, {.points_to_use = 5}).id, order.id);
  EXPECT_EQ(t.store->orders().list_for_user("ann").items.size(), 1u);
  EXPECT_EQ(t.gateway->charges_for(order.id), 1);
  const auto checked_out = t.events("CartCheckedOut");
  ASSERT_EQ(checked_out.size(), 1u);
  EXPECT_EQ(checked_out[0].key, cart.id);
  EXPECT_NE(checked_out[0].payload.find(order.id), std::string::npos);
  // A closed cart changes no more, and the user's next cart is a new one.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.add(key, "tea", 1), ErrorCode::kFailedPrecondition),
            cart.id);
  EXPECT_NE(carts.open_for_user("ann").id, cart.id);
}

TEST_P(StorageConformance, ACheckoutAtAnotherPriceFailsUnlessRequoted) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const CartKey key = CartKey::for_user(carts.open_for_user("bo").id, "bo");
  carts.add(key, "mug", 1);
  const Quote quote = carts.quote(key, {});
  t.store->catalog().update("mug", {.price = 13000});
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(key, {.expected_total = quote.total}),
                                  ErrorCode::kFailedPrecondition),
            "expected_total");
  EXPECT_EQ(carts.get(key).status, CartStatus::kOpen);
  EXPECT_TRUE(t.store->orders().list_for_user("bo").items.empty());
  EXPECT_EQ(t.store->stock().level("mug").reserved, 0);
  const Order order =
      carts.checkout(key, {.expected_total = quote.total, .requote = true});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(order.total, 13000);
}

// An order that fails leaves the cart open, naming it; the shopper changes the cart and checks
// out again, which places a new order. A payment declined after the claim opens the cart again.
TEST_P(StorageConformance, AFailedCheckoutLeavesTheCartOpenForAnotherTry) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const CartKey key = CartKey::for_user(carts.open_for_user("cy").id, "cy");
  carts.add(key, "mug", 9);  // 5 on hand
  const Order failed = carts.checkout(key, {});
  EXPECT_EQ(failed.status, OrderStatus::kFailed);
  Cart cart = carts.get(key);
  EXPECT_EQ(cart.status, CartStatus::kOpen);
  EXPECT_EQ(cart.order_id, failed.id);
  EXPECT_TRUE(t.events("CartCheckedOut").empty());
  carts.set_quantity(key, "mug", 2);
  const Order placed = carts.checkout(key, {});
  EXPECT_EQ(placed.status, OrderStatus::kConfirmed);
  EXPECT_NE(placed.id, failed.id);
  EXPECT_EQ(carts.get(key).status, CartStatus::kCheckedOut);

  const CartKey next = CartKey::for_user(carts.open_for_user("cy").id, "cy");
  carts.add(next, "tea", 1);
  t.gateway->script(FakeGateway::Operation::kCharge, {{FakeGateway::Behaviour::kDecline}});
  const Order declined = carts.checkout(next, {});
  EXPECT_EQ(declined.status, OrderStatus::kFailed);
  cart = carts.get(next);
  EXPECT_EQ(cart.status, CartStatus::kOpen);
  EXPECT_EQ(cart.order_id, declined.id);
  EXPECT_EQ(carts.checkout(next, {}).status, OrderStatus::kConfirmed);
  EXPECT_EQ(t.store->stock().level("tea").sold, 1);
}

TEST_P(StorageConformance, AGuestCartIsPlacedForItsGuest) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const GuestCart guest = carts.open_guest();
  const CartKey key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  carts.add(key, "tea", 2);
  const Order order = carts.checkout(key, {});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  EXPECT_EQ(order.user_id, "guest:" + guest.cart.id);
  EXPECT_EQ(carts.get(key).order_id, order.id);
}

// Concurrent checkouts of one cart: one order, one charge, one CartCheckedOut; all callers get it.
TEST_P(StorageConformance, ConcurrentCheckoutsOfOneCartPlaceOneOrder) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const CartKey key = CartKey::for_user(carts.open_for_user("di").id, "di");
  carts.add(key, "tea", 4);
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      ids[i] = carts.checkout(key, {}).id;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  EXPECT_EQ(t.store->orders().list_for_user("di").items.size(), 1u);
  EXPECT_EQ(t.gateway->total_charges(), 1);
  EXPECT_EQ(t.events("CartCheckedOut").size(), 1u);
  EXPECT_EQ(t.store->stock().level("tea").sold, 4);
}

// A hold reserves the cart's lines: a later buyer cannot take them, checkout takes the hold over
// (no second reservation), changing the cart releases it, and an expired hold is freed by the
// stock sweep.
TEST_P(StorageConformance, AHeldCartKeepsItsStockUntilCheckout) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  StockLedger& stock = t.store->stock();
  const CartKey early = CartKey::for_user(carts.open_for_user("gus").id, "gus");
  carts.add(early, "mug", 3);
  const Cart held = carts.hold(early);
  EXPECT_EQ(held.held_until, kStart + t.store->options().cart_hold_ms);
  EXPECT_EQ(stock.level("mug").available, 2);
  EXPECT_EQ(t.events("CartHeld").size(), 1u);

  const CartKey late = CartKey::for_user(carts.open_for_user("hal").id, "hal");
  carts.add(late, "mug", 3);
  const std::string refused =
      EXPECT_COMMERCE_ERROR(carts.hold(late), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(refused, "mug");
  EXPECT_EQ(carts.checkout(late, {}).status, OrderStatus::kFailed);  // 2 left: out of stock

  const Order order = carts.checkout(early, {});
  EXPECT_EQ(order.status, OrderStatus::kConfirmed);
  const auto rows = stock.reservations(order.id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].qty, 3);
  EXPECT_EQ(rows[0].state, ReservationState::kCommitted);
  EXPECT_EQ(stock.level("mug"), (StockLevel{"mug", 2, 0, 2, 3}));  // reserved once, not twice

  // Changing a held cart releases its hold.
  carts.set_quantity(late, "mug", 1);
  EXPECT_EQ(carts.hold(late).lines.at(0).qty, 1);
  EXPECT_EQ(stock.level("mug").available, 1);
  carts.set_quantity(late, "mug", 2);
  EXPECT_EQ(carts.get(late).held_until, 0);
  EXPECT_EQ(stock.level("mug").available, 2);

  // An expired hold is freed by the stock sweep; its cart then checks out like any other.
  carts.hold(late);
  clock_->advance(t.store->options().cart_hold_ms + 1);
  EXPECT_EQ(stock.release_expired().size(), 1u);
  EXPECT_EQ(stock.level("mug").available, 2);
  EXPECT_EQ(carts.checkout(late, {}).status, OrderStatus::kConfirmed);
  EXPECT_EQ(stock.level("mug"), (StockLevel{"mug", 0, 0, 0, 5}));
  EXPECT_TRUE(check_invariants(*t.store).ok());
}

TEST_P(StorageConformance, BadCheckoutsAreRefusedAndChangeNothing) {
  CheckoutTest t(location_, clock_);
  Carts& carts = t.store->carts();
  const CartKey empty = CartKey::for_user(carts.open_for_user("ed").id, "ed");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(empty, {}), ErrorCode::kFailedPrecondition),
            empty.cart_id);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.quote(empty, {}), ErrorCode::kFailedPrecondition),
            empty.cart_id);
  carts.add(empty, "tea", 1);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(CartKey::for_user(empty.cart_id, "fay"), {}),
                                  ErrorCode::kNotFound),
            "user_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(empty, {.shipping_option = "boat"}),
                                  ErrorCode::kInvalidArgument),
            "shipping_option");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(empty, {.points_to_use = -1}),
                                  ErrorCode::kInvalidArgument),
            "points_to_use");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(empty, {.expected_total = -7}),
                                  ErrorCode::kInvalidArgument),
            "expected_total");
  const GuestCart guest = carts.open_guest();
  const CartKey guest_key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  carts.add(guest_key, "tea", 1);
  carts.sign_in(guest.guest_token, "ed");  // merged: closed
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.checkout(guest_key, {}), ErrorCode::kFailedPrecondition),
            guest.cart.id);
  EXPECT_TRUE(t.store->orders().list_for_user("ed").items.empty());
  EXPECT_EQ(t.store->stock().level("tea").reserved, 0);
  EXPECT_EQ(carts.get(empty).status, CartStatus::kOpen);
}

}  // namespace
}  // namespace commerce::testing
