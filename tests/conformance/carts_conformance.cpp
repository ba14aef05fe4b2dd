// Carts (issue 18): lines, one open cart per user, guest expiry and the sweep, sign-in merge,
// sharing, wishlists. The same tests on every adapter.
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "commerce/carts.h"
#include "commerce/error.h"
#include "storage/transaction.h"
#include "storage_conformance.h"
#include "store_access.h"
#include "test_support.h"

namespace commerce::testing {
namespace {

constexpr std::int64_t kDay = 24LL * 60 * 60 * 1000;
constexpr std::int64_t kTtl = 7 * kDay;  // StoreOptions::guest_cart_ttl_ms's default

void seed_products(Store& store) {
  for (const char* id : {"mug", "tea", "cup", "pot"}) {
    store.catalog().create({.id = id, .name = id, .price = 100, .initial_stock = 5});
  }
}

std::vector<CartLine> lines(std::initializer_list<std::pair<const char*, std::int64_t>> items,
                            const Cart& cart) {
  // The expected lines with the added_at the cart reports (tested apart).
  std::vector<CartLine> out;
  for (const auto& [id, qty] : items) {
    Timestamp added_at = 0;
    for (const CartLine& l : cart.lines) {
      if (l.product_id == id) added_at = l.added_at;
    }
    out.push_back({id, qty, added_at});
  }
  return out;
}

TEST_P(StorageConformance, ACartsLinesAreAddedSetRemovedAndCleared) {
  seed_products(*store_);
  const Cart empty = store_->carts().open_for_user("alice");
  EXPECT_EQ(empty.user_id, "alice");
  EXPECT_EQ(empty.status, CartStatus::kOpen);
  EXPECT_TRUE(empty.lines.empty());
  EXPECT_EQ(empty.expires_at, 0);
  const CartKey key = CartKey::for_user(empty.id, "alice");

  store_->carts().add(key, "mug", 2);
  clock_->advance(1000);
  Cart cart = store_->carts().add(key, "mug", 3);  // onto the existing line
  cart = store_->carts().add(key, "tea", 1);
  EXPECT_EQ(cart.lines, lines({{"mug", 5}, {"tea", 1}}, cart));
  EXPECT_EQ(cart.lines[0].added_at, kStart);  // when mug was first added
  EXPECT_EQ(cart.lines[1].added_at, kStart + 1000);
  EXPECT_EQ(cart.updated_at, kStart + 1000);

  cart = store_->carts().set_quantity(key, "mug", 9);
  cart = store_->carts().set_quantity(key, "cup", 4);  // adds a line
  EXPECT_EQ(cart.lines, lines({{"cup", 4}, {"mug", 9}, {"tea", 1}}, cart));
  cart = store_->carts().set_quantity(key, "tea", 0);  // removes it
  cart = store_->carts().remove(key, "cup");
  cart = store_->carts().remove(key, "pot");  // not there: nothing
  EXPECT_EQ(cart.lines, lines({{"mug", 9}}, cart));
  EXPECT_EQ(store_->carts().get(key), cart);
  EXPECT_EQ(open_again()->carts().get(key), cart);

  cart = store_->carts().clear(key);
  EXPECT_TRUE(cart.lines.empty());
  EXPECT_EQ(store_->carts().open_for_user("alice").id, empty.id);  // still the user's cart
  // Carts hold no stock.
  EXPECT_EQ(store_->stock().level("mug").available, 5);
}

TEST_P(StorageConformance, ACartTakesOnlyOrderableProductsWithinItsLimits) {
  seed_products(*store_);
  store_->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M"}}}});
  store_->catalog().add_variant("tee", {.id = "tee-s", .options = {{"size", "S"}}, .price = 10});
  store_->catalog().create(
      {.id = "old", .name = "Old", .price = 1, .status = ProductStatus::kInactive});
  const CartKey key = CartKey::for_user(store_->carts().open_for_user("bob").id, "bob");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "tee", 1),
                                  ErrorCode::kFailedPrecondition),
            "tee");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "old", 1),
                                  ErrorCode::kFailedPrecondition),
            "old");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "nope", 1), ErrorCode::kNotFound),
            "nope");
  store_->carts().add(key, "tee-s", 1);  // the variant is orderable

  store_->carts().set_quantity(key, "mug", kMaxCartLineQty);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "mug", 1), ErrorCode::kInvalidArgument),
            "qty");
  for (int i = 0; i < kMaxCartLines - 2; ++i) {
    const std::string id = "p" + std::to_string(i);
    store_->catalog().create({.id = id, .name = id, .price = 1});
    store_->carts().add(key, id, 1);
  }
  store_->catalog().create({.id = "one-too-many", .name = "x", .price = 1});
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "one-too-many", 1),
                                  ErrorCode::kFailedPrecondition),
            "product_id");
  EXPECT_EQ(store_->carts().get(key).lines.size(), static_cast<std::size_t>(kMaxCartLines));
  EXPECT_EQ(store_->carts().get(key).lines.size(),
            store_->carts().set_quantity(key, "mug", 3).lines.size());  // an existing line
}

TEST_P(StorageConformance, AUserHasOneOpenCartUnderConcurrentOpens) {
  // Every thread opens its own store (a process of its own on SQLite, a connection on
  // PostgreSQL) and they ask for the carts of the same users at once.
  constexpr int kThreads = 8;
  constexpr int kUsers = 10;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) stores.push_back(open_again());
  std::vector<std::vector<std::string>> ids(kThreads, std::vector<std::string>(kUsers));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int u = 0; u < kUsers; ++u) {
        ids[t][u] = stores[t]->carts().open_for_user("user-" + std::to_string(u)).id;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int u = 0; u < kUsers; ++u) {
    std::set<std::string> distinct;
    for (int t = 0; t < kThreads; ++t) distinct.insert(ids[t][u]);
    EXPECT_EQ(distinct.size(), 1u) << "user-" << u;
  }
}

TEST_P(StorageConformance, ConcurrentAddsToOneCartAllCount) {
  seed_products(*store_);
  const GuestCart guest = store_->carts().open_guest();
  const CartKey key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  constexpr int kThreads = 6;
  constexpr int kAdds = 10;
  std::vector<std::unique_ptr<Store>> stores;
  for (int t = 0; t < kThreads; ++t) stores.push_back(open_again());
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int i = 0; i < kAdds; ++i) stores[t]->carts().add(key, "mug", 1);
    });
  }
  for (auto& thread : threads) thread.join();
  const Cart cart = store_->carts().get(key);
  ASSERT_EQ(cart.lines.size(), 1u);
  EXPECT_EQ(cart.lines[0].qty, kThreads * kAdds);
}

TEST_P(StorageConformance, AGuestCartExpiresAfterItsLastChangeAndIsSweptOnce) {
  seed_products(*store_);
  const GuestCart guest = store_->carts().open_guest();
  EXPECT_EQ(guest.guest_token.size(), 43u);  // 256 bits, url-safe base64
  EXPECT_TRUE(guest.cart.guest());
  EXPECT_EQ(guest.cart.expires_at, kStart + kTtl);
  const CartKey key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  const GuestCart empty = store_->carts().open_guest();
  EXPECT_NE(empty.guest_token, guest.guest_token);

  clock_->advance(kTtl - 1);
  EXPECT_EQ(store_->carts().add(key, "mug", 2).expires_at, clock_->now() + kTtl);  // extended
  clock_->advance(1);
  // The empty cart is due, the other was extended.
  EXPECT_EQ(store_->carts().sweep(), std::vector<std::string>{empty.cart.id});
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(
                store_->carts().get(CartKey::for_guest(empty.cart.id, empty.guest_token)),
                ErrorCode::kFailedPrecondition),
            empty.cart.id);
  EXPECT_TRUE(events_of_type(*store_, "CartAbandoned").empty());  // no lines, no event

  clock_->advance(kTtl);
  // Past its expiry and not swept yet: the token opens it no more.
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "tea", 1),
                                  ErrorCode::kFailedPrecondition),
            guest.cart.id);
  EXPECT_EQ(store_->carts().sweep(1), std::vector<std::string>{guest.cart.id});
  EXPECT_TRUE(store_->carts().sweep().empty());
  EXPECT_TRUE(open_again()->carts().sweep().empty());
  const auto abandoned = events_of_type(*store_, "CartAbandoned");
  ASSERT_EQ(abandoned.size(), 1u);
  EXPECT_EQ(abandoned[0].key, guest.cart.id);
  EXPECT_EQ(abandoned[0].topic, "order-events");
  const auto payload = nlohmann::json::parse(abandoned[0].payload);
  EXPECT_EQ(payload["cart_id"], guest.cart.id);
  EXPECT_EQ(payload["guest"], true);
  EXPECT_EQ(payload["lines"], nlohmann::json::parse(R"([{"product_id": "mug", "qty": 2}])"));
  EXPECT_EQ(abandoned[0].payload.find(guest.guest_token), std::string::npos);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().get(key), ErrorCode::kFailedPrecondition),
            guest.cart.id);
  // The TTL is a store option, positive.
  StoreOptions no_ttl;
  no_ttl.clock = clock_;
  no_ttl.guest_cart_ttl_ms = 0;
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(Store::open(location_, no_ttl), ErrorCode::kInvalidArgument),
            "guest_cart_ttl_ms");
  // A user's cart never expires.
  const CartKey user = CartKey::for_user(store_->carts().open_for_user("carol").id, "carol");
  store_->carts().add(user, "mug", 1);
  clock_->advance(100 * kTtl);
  EXPECT_TRUE(store_->carts().sweep().empty());
  EXPECT_EQ(store_->carts().get(user).lines.size(), 1u);
}

TEST_P(StorageConformance, SignInMergesTheGuestCartKeepingTheLargerQuantity) {
  seed_products(*store_);
  const CartKey user = CartKey::for_user(store_->carts().open_for_user("dave").id, "dave");
  store_->carts().add(user, "mug", 2);
  store_->carts().add(user, "tea", 3);
  const GuestCart guest = store_->carts().open_guest();
  const CartKey guest_key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  store_->carts().add(guest_key, "mug", 5);
  store_->carts().add(guest_key, "tea", 1);
  store_->carts().add(guest_key, "cup", 1);

  const Cart merged = store_->carts().sign_in(guest.guest_token, "dave");
  EXPECT_EQ(merged.id, user.cart_id);
  EXPECT_EQ(merged.lines, lines({{"cup", 1}, {"mug", 5}, {"tea", 3}}, merged));
  const Cart closed = store_->carts().get(guest_key);  // a merged cart can still be read
  EXPECT_EQ(closed.status, CartStatus::kMerged);
  EXPECT_EQ(closed.lines.size(), 3u);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(guest_key, "pot", 1),
                                  ErrorCode::kFailedPrecondition),
            guest.cart.id);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().sign_in(guest.guest_token, "dave"),
                                  ErrorCode::kFailedPrecondition),
            guest.cart.id);
  // A user without a cart gets one holding the guest's lines.
  const GuestCart second = store_->carts().open_guest();
  store_->carts().add(CartKey::for_guest(second.cart.id, second.guest_token), "pot", 4);
  const Cart erin = store_->carts().sign_in(second.guest_token, "erin");
  EXPECT_EQ(erin.user_id, "erin");
  EXPECT_EQ(erin.lines, lines({{"pot", 4}}, erin));
  EXPECT_EQ(store_->carts().open_for_user("erin").id, erin.id);
}

TEST_P(StorageConformance, AShareTokenIsStableAndCopiesTheLinesKeepingTheLargerQuantity) {
  seed_products(*store_);
  const CartKey owner = CartKey::for_user(store_->carts().open_for_user("fay").id, "fay");
  store_->carts().add(owner, "mug", 2);
  store_->carts().add(owner, "tea", 1);
  const std::string token = store_->carts().share(owner);
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(store_->carts().share(owner), token);
  EXPECT_EQ(open_again()->carts().share(owner), token);

  const GuestCart guest = store_->carts().open_guest();
  const CartKey into = CartKey::for_guest(guest.cart.id, guest.guest_token);
  store_->carts().add(into, "mug", 1);
  store_->carts().add(into, "tea", 4);
  store_->carts().add(owner, "cup", 1);  // the share copies the current lines
  Cart copied = store_->carts().copy_shared(token, into);
  EXPECT_EQ(copied.lines, lines({{"cup", 1}, {"mug", 2}, {"tea", 4}}, copied));
  copied = store_->carts().copy_shared(token, into);  // again: the same lines
  EXPECT_EQ(copied.lines, lines({{"cup", 1}, {"mug", 2}, {"tea", 4}}, copied));
  EXPECT_EQ(store_->carts().get(owner).lines.size(), 3u);  // the shared cart is unchanged

  const std::string unknown(32, 'A');
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().copy_shared(unknown, into),
                                  ErrorCode::kNotFound),
            "share_token");
}

TEST_P(StorageConformance, AKeyThatDoesNotFitTheCartIsRefusedAsIfItDidNotExist) {
  const CartKey alice = CartKey::for_user(store_->carts().open_for_user("alice").id, "alice");
  const GuestCart guest = store_->carts().open_guest();
  const GuestCart other = store_->carts().open_guest();
  auto& carts = store_->carts();
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.get(CartKey::for_user(alice.cart_id, "mallory")),
                                  ErrorCode::kNotFound),
            "user_id");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.get(CartKey::for_guest(alice.cart_id, guest.guest_token)),
                                  ErrorCode::kNotFound),
            "guest_token");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.get(CartKey::for_guest(guest.cart.id, other.guest_token)),
                                  ErrorCode::kNotFound),
            "guest_token");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.get(CartKey::for_user(guest.cart.id, "alice")),
                                  ErrorCode::kNotFound),
            "user_id");
  const std::string missing = "0190a5c4-0000-7000-8000-000000000000";
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.get(CartKey::for_user(missing, "alice")),
                                  ErrorCode::kNotFound),
            missing);
}

TEST_P(StorageConformance, ACheckedOutCartKeepsItsOrderAndRefusesChanges) {
  seed_products(*store_);
  const CartKey key = CartKey::for_user(store_->carts().open_for_user("gus").id, "gus");
  store_->carts().add(key, "mug", 1);
  // The hook checkout closes a cart with, in the unit that places the order.
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kWrite, [&](Transaction& tx) {
    EXPECT_TRUE(tx.try_close_cart(key.cart_id, CartStatus::kCheckedOut, "order-7", kStart));
    EXPECT_FALSE(tx.try_close_cart(key.cart_id, CartStatus::kCheckedOut, "order-8", kStart));
  });
  const Cart cart = store_->carts().get(key);
  EXPECT_EQ(cart.status, CartStatus::kCheckedOut);
  EXPECT_EQ(cart.order_id, "order-7");
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "mug", 1),
                                  ErrorCode::kFailedPrecondition),
            key.cart_id);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().clear(key), ErrorCode::kFailedPrecondition),
            key.cart_id);
  const Cart next = store_->carts().open_for_user("gus");  // a new open cart
  EXPECT_NE(next.id, key.cart_id);
  EXPECT_TRUE(next.lines.empty());
}

TEST_P(StorageConformance, AddAndSignInAreIdempotentPerRequestIdAndKeepNoToken) {
  seed_products(*store_);
  const GuestCart guest = store_->carts().open_guest();
  const CartKey key = CartKey::for_guest(guest.cart.id, guest.guest_token);
  const Cart first = store_->carts().add(key, "mug", 2, "req-add");
  EXPECT_EQ(store_->carts().add(key, "mug", 2, "req-add"), first);  // a replay adds nothing
  EXPECT_EQ(store_->carts().get(key).lines, first.lines);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().add(key, "tea", 2, "req-add"),
                                  ErrorCode::kConflict),
            "req-add");
  const Cart merged = store_->carts().sign_in(guest.guest_token, "jo", "req-sign-in");
  EXPECT_EQ(store_->carts().sign_in(guest.guest_token, "jo", "req-sign-in"), merged);
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(store_->carts().sign_in(guest.guest_token, "jo"),
                                  ErrorCode::kFailedPrecondition),
            guest.cart.id);
  // The idempotency records keep the token's digest, never the token.
  run_unit(commerce::detail::storage_of(*store_), Storage::Access::kRead, [&](Transaction& tx) {
    for (const char* id : {"req-add", "req-sign-in"}) {
      const auto record = tx.find_request(id);
      ASSERT_TRUE(record.has_value()) << id;
      EXPECT_EQ(record->fingerprint.find(guest.guest_token), std::string::npos) << id;
      EXPECT_EQ(record->result.find(guest.guest_token), std::string::npos) << id;
    }
  });
}

TEST_P(StorageConformance, AWishlistPagesNewestFirst) {
  seed_products(*store_);
  store_->catalog().create({.id = "tee", .name = "Tee", .axes = {{"size", {"S", "M"}}}});
  auto& carts = store_->carts();
  carts.add_to_wishlist("hal", "mug");
  clock_->advance(10);
  carts.add_to_wishlist("hal", "tea");
  carts.add_to_wishlist("hal", "tee");  // a product with variants may be wished for
  clock_->advance(10);
  carts.add_to_wishlist("hal", "cup");
  carts.add_to_wishlist("hal", "mug");  // there already: keeps its added_at
  carts.add_to_wishlist("ivy", "pot");
  std::vector<WishlistItem> all;
  std::string cursor;
  int pages = 0;
  do {
    auto page = carts.wishlist("hal", cursor, 2);
    all.insert(all.end(), page.items.begin(), page.items.end());
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(all, (std::vector<WishlistItem>{{"cup", kStart + 20},
                                            {"tee", kStart + 10},
                                            {"tea", kStart + 10},
                                            {"mug", kStart}}));
  EXPECT_TRUE(carts.remove_from_wishlist("hal", "tea"));
  EXPECT_FALSE(carts.remove_from_wishlist("hal", "tea"));
  EXPECT_EQ(carts.wishlist("hal").items.size(), 3u);
  EXPECT_EQ(carts.wishlist("ivy").items, (std::vector<WishlistItem>{{"pot", kStart + 20}}));
  EXPECT_EQ(EXPECT_COMMERCE_ERROR(carts.add_to_wishlist("hal", "nope"), ErrorCode::kNotFound),
            "nope");
  EXPECT_EQ(store_->stock().level("mug").available, 5);  // no stock effect
}

}  // namespace
}  // namespace commerce::testing
