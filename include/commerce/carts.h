// commerce/carts.h: shopping carts of users and guests, sharing a cart, and wishlists.
//
// A cart is owned by a user (a host user id) or by a guest: Carts::open_guest() issues a guest
// token, a random bearer secret (256 bits from the operating system's CSPRNG, url-safe base64)
// that the host keeps for the shopper (a cookie). The store keeps only its SHA-256, never the
// token, and never writes a token into an error message, an event or a log.
//
// Every call on a cart names the cart and who acts with a CartKey: the cart's id and either the
// user id that owns it or the guest token it was issued with. A key that does not fit the cart
// (another user's cart, a wrong token) is refused with NotFound naming "user_id" or
// "guest_token", as if the cart did not exist.
//
// Rules (docs/carts.md):
// - A line is (product, qty) with qty 1..kMaxCartLineQty; a cart holds at most kMaxCartLines
//   lines. A product added must exist and be orderable: active, and sold by itself (a product
//   with option axes is sold through its variants). Lines are not re-checked later (checkout
//   checks every line against the catalog and stock as they are then).
// - A user has at most one open cart (open_for_user returns it, creating it if none).
// - A guest cart expires StoreOptions::guest_cart_ttl_ms after its last change (every change
//   extends it); an expired guest cart refuses every call (FailedPrecondition naming the cart
//   id) and sweep() marks it expired, emitting CartAbandoned if it had lines.
// - A cart is open, or closed: checked out (by checkout), expired (a guest cart past its
//   expiry), or merged (a guest cart merged into a user's at sign-in). A closed cart can be read
//   (get) and shared, never changed (FailedPrecondition naming the cart id).
// - Merging (sign_in) and copying a shared cart keep, for a product in both carts, the larger
//   of the two quantities; the other lines are added. Neither may take the target cart past
//   kMaxCartLines (FailedPrecondition, nothing changed).
// - Adding a line reserves nothing. hold() reserves the cart's lines for a few minutes (the
//   flash-sale mode): checkout then takes that reservation over for the order, so a shopper
//   shown "available" cannot lose it to a later buyer. Changing the cart's lines releases its
//   hold; an expired hold is freed by the stock sweep (StockLedger::release_expired).
//
// Thread safety: Carts is safe to use from any number of threads and processes at once; the
// changes of one cart are serialised by the storage (a lock on the cart's row), so concurrent
// add() calls on one cart all count.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commerce/address.h"
#include "commerce/clock.h"
#include "commerce/money.h"
#include "commerce/orders.h"
#include "commerce/page.h"
#include "commerce/pricing.h"

namespace commerce {

namespace detail {
struct Context;
}

// The most units of one product a cart line may hold.
inline constexpr std::int64_t kMaxCartLineQty = 10'000;
// The most lines (distinct products) a cart may hold, as an order.
inline constexpr int kMaxCartLines = 100;
// StoreOptions::guest_cart_ttl_ms's default: 7 days.
inline constexpr std::int64_t kDefaultGuestCartTtlMs = 7LL * 24 * 60 * 60 * 1000;

enum class CartStatus {
  kOpen,        // may be changed
  kCheckedOut,  // an order was placed from it (Cart::order_id)
  kExpired,     // a guest cart swept after its expiry
  kMerged,      // a guest cart merged into a user's cart at sign-in
};

// "open", "checked_out", "expired", "merged".
std::string_view to_string(CartStatus status);
// Errors: InvalidArgument ("status") for any other name.
CartStatus parse_cart_status(std::string_view name);

struct CartLine {
  std::string product_id;
  std::int64_t qty = 0;
  Timestamp added_at = 0;  // when the product was first added to this cart
  bool operator==(const CartLine&) const = default;
};

struct Cart {
  std::string id;       // UUIDv7
  std::string user_id;  // the owning user; empty for a guest cart
  CartStatus status = CartStatus::kOpen;
  std::vector<CartLine> lines;  // by product id
  // The order placed from it (checked out); for an open cart whose last checkout failed, that
  // FAILED order; empty otherwise.
  std::string order_id;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp expires_at = 0;  // a guest cart's expiry; 0 for a user's cart
  // Until when hold() keeps its stock reserved; 0 for no hold. A hold past it may still be
  // taken by checkout until the stock sweep frees its units.
  Timestamp held_until = 0;
  // Where an order placed from the cart ships to (set_shipping_address); none if not set, and
  // none once a closed cart's address was erased (RetentionOptions::personal_data_ms).
  std::optional<Address> shipping_address;
  bool guest() const { return user_id.empty(); }
  bool operator==(const Cart&) const = default;
};

// A new guest cart and the token that opens it; the token is shown once, here.
struct GuestCart {
  Cart cart;
  std::string guest_token;
};

// Names a cart and who acts on it: its owner's user id, or the guest token it was issued with
// (exactly one of the two).
struct CartKey {
  std::string cart_id;
  std::string user_id;
  std::string guest_token;

  static CartKey for_user(std::string cart_id, std::string user_id) {
    return {std::move(cart_id), std::move(user_id), {}};
  }
  static CartKey for_guest(std::string cart_id, std::string guest_token) {
    return {std::move(cart_id), {}, std::move(guest_token)};
  }
};

// What a checkout or a cart's quote takes besides the cart's lines: the order's other fields
// (commerce/orders.h, PlaceOrder).
struct CartCheckout {
  std::string coupon_id;
  bool coupon_required = false;
  Money points_to_use = 0;
  std::string payment_method = "card";
  std::string region;
  std::string shipping_option;
  // The total the shopper was shown (Quote::total of quote()), or -1 for none. When the cart
  // would now cost another amount, checkout fails with FailedPrecondition naming
  // "expected_total" and changes nothing, unless `requote`.
  Money expected_total = -1;
  // Place at the current price even if it differs from expected_total.
  bool requote = false;
  // Where the order ships to; none: the cart's own address (Cart::shipping_address), if any.
  std::optional<Address> shipping_address;
};

struct WishlistItem {
  std::string product_id;
  Timestamp added_at = 0;
  bool operator==(const WishlistItem&) const = default;
};

class Carts {
 public:
  Carts(const detail::Context& ctx, OrderBook& orders) : ctx_(ctx), orders_(orders) {}

  // The user's open cart, created (empty) if the user has none. Concurrent calls for one user,
  // from any thread or process, return the same cart.
  // Errors: InvalidArgument ("user_id"), Unavailable.
  Cart open_for_user(const std::string& user_id);

  // A new empty guest cart expiring guest_cart_ttl_ms from now, and its token.
  // Errors: Unavailable.
  GuestCart open_guest();

  // The cart with its lines. Closed carts can be read, except an expired guest cart.
  // Errors: InvalidArgument ("cart_id", "user_id", "guest_token": malformed, or both or neither
  // of user_id and guest_token given), NotFound (no such cart: the cart id; another user's cart:
  // "user_id"; a wrong token: "guest_token"), FailedPrecondition (a guest cart past its expiry,
  // naming the cart id).
  Cart get(const CartKey& key);

  // Adds qty units of the product: to its line if the cart has one, else as a new line.
  // Returns the cart as changed. Idempotent per request_id (a replay returns the cart as the
  // first call left it, without its hold and address, which the record does not keep; the other
  // changes need none: they set, not add).
  // Errors: those of get(); InvalidArgument ("product_id"; "qty": not 1..kMaxCartLineQty, or the
  // line would go past it; "request_id"), NotFound (the product), FailedPrecondition (the
  // product is not orderable, naming it; the cart is closed, naming the cart id; the cart
  // already holds kMaxCartLines other lines, naming "product_id"), Conflict (request_id reused).
  Cart add(const CartKey& key, const std::string& product_id, std::int64_t qty,
           const std::string& request_id = {});

  // Sets the product's line to qty units (adding the line if missing); qty 0 removes the line.
  // Errors: those of add() (qty 0..kMaxCartLineQty; a product removed with qty 0 need not
  // exist or be orderable).
  Cart set_quantity(const CartKey& key, const std::string& product_id, std::int64_t qty);

  // Removes the product's line; nothing if the cart has none.
  // Errors: those of get(); InvalidArgument ("product_id"), FailedPrecondition (closed cart).
  Cart remove(const CartKey& key, const std::string& product_id);

  // Removes every line.
  // Errors: those of get(); FailedPrecondition (closed cart).
  Cart clear(const CartKey& key);

  // Sets the address an order placed from the cart ships to (checkout copies it to the order
  // unless its request names another); none clears it. Lines and hold are unchanged; a guest
  // cart's expiry moves on, as with every change. Returns the cart. The address is personal
  // data: no event or error message carries it.
  // Errors: those of get(); InvalidArgument naming "shipping_address.<field>" (the rules of
  // commerce/address.h), FailedPrecondition (closed cart).
  Cart set_shipping_address(const CartKey& key, const std::optional<Address>& address);

  // Marks at most `limit` open guest carts past their expiry expired, oldest expiry first, and
  // emits CartAbandoned (cart id, guest, its lines) for each that had lines, in the same unit of
  // work; an empty cart expires without an event. Returns the ids of the carts it expired. Its
  // cost is that of the carts it expires (an index seek), whatever the number of carts; safe to
  // run from several threads and processes at once (each cart is expired, and announced, once).
  // Errors: InvalidArgument ("limit": 1..kMaxPageSize), Unavailable.
  std::vector<std::string> sweep(int limit = 100);

  // Signs the guest in: merges the guest cart into the user's open cart (created if none) in
  // one unit of work and returns the user's cart. A product in both keeps the larger quantity;
  // the guest's other lines are added; the guest cart's shipping address is taken when the
  // user's cart has none. The guest cart is closed as merged (its token then only reads it). Idempotent per request_id (a replay returns the cart the first call returned;
  // without one, a second sign-in with the token is FailedPrecondition).
  // Errors: InvalidArgument ("guest_token", "user_id", "request_id"), NotFound ("guest_token":
  // no cart has it), FailedPrecondition (the guest cart is closed or past its expiry, naming
  // its id; the merge would take the user's cart past kMaxCartLines, naming "guest_token"),
  // Conflict (request_id reused).
  Cart sign_in(const std::string& guest_token, const std::string& user_id,
               const std::string& request_id = {});

  // The cart's share token (32 url-safe characters, random), created on the first call; every
  // later call returns the same token. Whoever has it may copy the cart's lines (copy_shared);
  // it gives no other access to the cart.
  // Errors: those of get().
  std::string share(const CartKey& key);

  // Copies the current lines of the cart shared under share_token into the caller's cart (a
  // product already there keeps the larger quantity) and returns the caller's cart. The shared
  // cart may be closed; its lines are copied as they are.
  // Errors: InvalidArgument ("share_token"), NotFound ("share_token": unknown token), those of
  // add() for `into` (closed, kMaxCartLines naming "share_token").
  Cart copy_shared(const std::string& share_token, const CartKey& into);

  // Adds the product to the user's wishlist; nothing if it is there (it keeps its added_at).
  // Any product that exists and is not deleted may be wished for, a product with variants
  // too. Wishlists hold no stock.
  // Errors: InvalidArgument ("user_id", "product_id"), NotFound (the product),
  // FailedPrecondition (the product is deleted).
  void add_to_wishlist(const std::string& user_id, const std::string& product_id);

  // Removes the product from the user's wishlist; returns false if it was not there.
  // Errors: InvalidArgument ("user_id", "product_id").
  bool remove_from_wishlist(const std::string& user_id, const std::string& product_id);

  // The user's wishlist, newest first, a page at a time (commerce/page.h).
  // Errors: InvalidArgument ("user_id", "cursor", "limit").
  Page<WishlistItem> wishlist(const std::string& user_id, const std::string& cursor = {},
                              int limit = kDefaultPageSize);

  // Reserves the cart's lines (all or nothing, through the store's allocation strategy) for
  // StoreOptions::cart_hold_ms, replacing the cart's earlier hold, and returns the cart with
  // held_until set; emits CartHeld. The reservation's order id is "hold:<UUID>" (its
  // StockReserved / StockReleased events name it). checkout() takes it over for the order in
  // the order's unit of work; add, set_quantity, remove and clear release it.
  // Errors: those of get(); FailedPrecondition (the cart is closed or empty, naming its id;
  // kOutOfStock naming the product: nothing is held then, and an earlier hold stays).
  Cart hold(const CartKey& key);

  // What checking the cart out would cost now: OrderBook::quote() of its lines with `request`
  // (expected_total and requote are ignored), writing nothing.
  // Errors: those of get(); FailedPrecondition (the cart is closed or empty, naming its id);
  // those of OrderBook::quote().
  Quote quote(const CartKey& key, const CartCheckout& request);

  // Places an order from the cart's lines (OrderBook::place with `request`'s fields, shipping to
  // request.shipping_address or else the cart's own; a guest cart's order is placed for the
  // user "guest:<cart id>") and closes the cart as checked out
  // in the unit of work that creates the order, emitting CartCheckedOut; the order takes over
  // the cart's hold (hold()) if it still has one for its lines. Idempotent by the
  // cart: checking out a checked-out cart returns its order, whatever `request` says; of
  // concurrent checkouts of one cart, one places the order and the others return it. An order
  // that FAILED (out of stock, points, a required coupon, a declined payment) leaves the cart
  // open (Cart::order_id names it), so the shopper can change it and check out again (a new
  // order). A payment declined within checkout opens the cart again at once; one that fails
  // later (a pending payment) leaves it checked out until the next checkout() call, which opens
  // it again and places a new order (unless the user has opened another cart meanwhile: then
  // it returns the failed order).
  // Errors: those of get(); FailedPrecondition (the cart is closed other than checked out, or
  // empty, naming its id; "expected_total": the cart costs another amount now and !requote,
  // nothing changed); those of OrderBook::place() for `request`'s fields; Unavailable (the cart
  // kept changing while it was placed: call again).
  Order checkout(const CartKey& key, const CartCheckout& request);

 private:
  const detail::Context& ctx_;
  OrderBook& orders_;
};

}  // namespace commerce
