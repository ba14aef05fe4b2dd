// Carts: users' and guests' carts, sharing, wishlists (commerce/carts.h, docs/carts.md).
#include "commerce/carts.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "commerce/error.h"
#include "commerce/ids.h"
#include "context.h"
#include "core/secret_token.h"
#include "event_writer.h"
#include "idempotency.h"
#include "json_codec.h"
#include "ledger_steps.h"
#include "option_checks.h"
#include "order_saga.h"
#include "validate.h"

namespace commerce {

using detail::Command;

namespace {

constexpr std::size_t kGuestTokenBytes = 32;  // 256 bits: 43 url-safe characters
constexpr std::size_t kShareTokenBytes = 24;  // 192 bits: 32 url-safe characters

bool url_safe(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// A token this library issues: `chars` url-safe characters. The token itself is never quoted.
void check_token(std::string_view field, const std::string& token, std::size_t chars) {
  if (token.size() != chars || !std::all_of(token.begin(), token.end(), url_safe)) {
    throw Error::invalid_argument(
        std::string(field),
        fmt::format("is not a token issued by this library ({} url-safe characters)", chars));
  }
}

constexpr std::size_t token_chars(std::size_t bytes) { return (bytes * 8 + 5) / 6; }

void check_guest_token(const std::string& token) {
  check_token("guest_token", token, token_chars(kGuestTokenBytes));
}

void check_key(const CartKey& key) {
  detail::check_id("cart_id", key.cart_id);
  if (key.user_id.empty() && key.guest_token.empty()) {
    throw Error::invalid_argument("user_id",
                                  "a cart key names the owning user_id or the guest_token");
  }
  if (!key.user_id.empty() && !key.guest_token.empty()) {
    throw Error::invalid_argument("guest_token",
                                  "a cart key names the user_id or the guest_token, not both");
  }
  if (!key.user_id.empty()) {
    detail::check_id("user_id", key.user_id);
  } else {
    check_guest_token(key.guest_token);
  }
}

void check_line_qty(std::int64_t qty, std::int64_t min) {
  if (qty < min || qty > kMaxCartLineQty) {
    throw Error::invalid_argument("qty", fmt::format("must be {}..{}, got {}", min,
                                                     kMaxCartLineQty, qty));
  }
}

bool past_expiry(const Cart& cart, Timestamp now) {
  return cart.guest() && (cart.status == CartStatus::kExpired ||
                          (cart.status == CartStatus::kOpen && cart.expires_at <= now));
}

// A guest cart past its expiry: its token no longer opens it.
void refuse_expired(const Cart& cart, Timestamp now) {
  if (past_expiry(cart, now)) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, cart.id,
        fmt::format("guest cart '{}' expired at {}: its guest_token no longer opens it", cart.id,
                    cart.expires_at));
  }
}

void require_open(const Cart& cart) {
  if (cart.status != CartStatus::kOpen) {
    throw Error::failed_precondition(
        Reason::kIllegalTransition, cart.id,
        fmt::format("cart '{}' is {}: a closed cart cannot change", cart.id,
                    to_string(cart.status)));
  }
}

// The cart `key` names, when the key fits it (refused as if the cart did not exist otherwise).
// With `lock`, its row stays locked to the end of the unit.
CartRow authorize(Command& cmd, const CartKey& key, bool lock) {
  auto row = cmd.tx.find_cart(key.cart_id, lock);
  if (!row) throw Error::not_found("cart", key.cart_id);
  if (!key.user_id.empty()) {
    if (row->cart.user_id != key.user_id) {
      throw Error(ErrorCode::kNotFound, "user_id",
                  fmt::format("user '{}' has no cart '{}'", key.user_id, key.cart_id));
    }
  } else if (row->guest_token_hash != detail::sha256_hex(key.guest_token)) {
    throw Error(ErrorCode::kNotFound, "guest_token",
                fmt::format("the guest_token given does not open cart '{}'", key.cart_id));
  }
  refuse_expired(row->cart, cmd.now);
  return *row;
}

Cart with_lines(Transaction& tx, Cart cart) {
  cart.lines = tx.find_cart_lines(cart.id);
  return cart;
}

// A change of a cart's lines is done: updated_at, a guest cart's expiry moved on.
Cart touched(Command& cmd, Cart cart) {
  cart.updated_at = cmd.now;
  if (cart.guest()) cart.expires_at = cmd.now + cmd.ctx.options.guest_cart_ttl_ms;
  cmd.tx.touch_cart(cart.id, cart.updated_at, cart.expires_at);
  return with_lines(cmd.tx, std::move(cart));
}

void require_orderable_product(Transaction& tx, const std::string& product_id) {
  const auto product = tx.find_product(product_id);
  if (!product) throw Error::not_found("product", product_id);
  detail::require_orderable(*product);
}

CartLine* find_line(std::vector<CartLine>& lines, const std::string& product_id) {
  const auto it = std::find_if(lines.begin(), lines.end(),
                               [&](const CartLine& l) { return l.product_id == product_id; });
  return it == lines.end() ? nullptr : &*it;
}

void require_room_for_line(const Cart& cart, std::size_t lines, std::string_view field) {
  if (lines > static_cast<std::size_t>(kMaxCartLines)) {
    throw Error::failed_precondition(
        Reason::kNone, std::string(field),
        fmt::format("cart '{}' would hold {} lines; at most {}", cart.id, lines, kMaxCartLines));
  }
}

// The key as an idempotency record keeps it: a guest token only as its digest.
nlohmann::json key_json(const CartKey& key) {
  return {{"cart_id", key.cart_id},
          {"user_id", key.user_id},
          {"guest_token_sha256",
           key.guest_token.empty() ? "" : detail::sha256_hex(key.guest_token)}};
}

// Releases the cart's hold (its stock reservation), if it has one.
void drop_hold(Command& cmd, CartRow& row) {
  if (row.hold_id.empty()) return;
  detail::release_stock(cmd, row.hold_id);
  cmd.tx.set_cart_hold(row.cart.id, "", 0);
  row.hold_id.clear();
  row.cart.held_until = 0;
}

// Runs `edit(cmd, cart, lines)` on the open cart `key` names, locked, and returns it changed;
// once per request_id (`call` names the command and its arguments) when one is given.
template <class Edit>
Cart change_cart(const detail::Context& ctx, const CartKey& key, Edit&& edit,
                 const nlohmann::json& call = {}, const std::string& request_id = {}) {
  return run_unit(ctx.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx, ctx.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      CartRow row = authorize(cmd, key, true);
      require_open(row.cart);
      std::vector<CartLine> lines = tx.find_cart_lines(row.cart.id);
      edit(cmd, row.cart, lines);
      drop_hold(cmd, row);  // it held the lines as they were
      return touched(cmd, std::move(row.cart));
    });
  });
}

// Puts `from` into the cart `into` holding `lines`: a product in both keeps the larger qty,
// the others are added. FailedPrecondition naming `field` if the cart would pass
// kMaxCartLines; nothing is written then.
void merge_lines(Command& cmd, const Cart& into, std::vector<CartLine> lines,
                 const std::vector<CartLine>& from, std::string_view field) {
  std::vector<CartLine> puts;
  std::size_t count = lines.size();
  for (const CartLine& line : from) {
    if (CartLine* have = find_line(lines, line.product_id)) {
      if (have->qty < line.qty) puts.push_back({line.product_id, line.qty, have->added_at});
    } else {
      ++count;
      puts.push_back({line.product_id, line.qty, cmd.now});
    }
  }
  require_room_for_line(into, count, field);
  for (const CartLine& line : puts) cmd.tx.put_cart_line(into.id, line);
}

// The user's open cart, created if none (a concurrent creator's wins: the unique index
// carts_one_open_per_user lets one insert through). With `lock`, its row is locked.
Cart open_user_cart(Command& cmd, const std::string& user_id, bool lock) {
  if (auto row = cmd.tx.find_open_user_cart(user_id, lock)) return row->cart;
  CartRow row{.cart = {.id = new_id(cmd.now),
                       .user_id = user_id,
                       .created_at = cmd.now,
                       .updated_at = cmd.now}};
  if (cmd.tx.insert_cart(row)) return row.cart;
  // Another unit created it since the read above (PostgreSQL: the insert waited for its commit).
  if (auto other = cmd.tx.find_open_user_cart(user_id, lock)) return other->cart;
  throw Error::internal(fmt::format("user '{}' has an open cart that cannot be read", user_id));
}

nlohmann::json lines_json(const std::vector<CartLine>& lines) {
  nlohmann::json out = nlohmann::json::array();
  for (const CartLine& l : lines) out.push_back({{"product_id", l.product_id}, {"qty", l.qty}});
  return out;
}

}  // namespace

Cart Carts::open_for_user(const std::string& user_id) {
  detail::check_id("user_id", user_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return with_lines(tx, open_user_cart(cmd, user_id, false));
  });
}

GuestCart Carts::open_guest() {
  GuestCart out{.guest_token = detail::random_token(kGuestTokenBytes)};
  const std::string hash = detail::sha256_hex(out.guest_token);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    const Timestamp now = ctx_.clock.now();
    CartRow row{.cart = {.id = new_id(now),
                         .created_at = now,
                         .updated_at = now,
                         .expires_at = now + ctx_.options.guest_cart_ttl_ms},
                .guest_token_hash = hash};
    if (!tx.insert_cart(row)) throw Error::internal("a new guest cart's id or token is taken");
    out.cart = row.cart;
    return out;
  });
}

Cart Carts::get(const CartKey& key) {
  check_key(key);
  return run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    return with_lines(tx, authorize(cmd, key, false).cart);
  });
}

Cart Carts::add(const CartKey& key, const std::string& product_id, std::int64_t qty,
               const std::string& request_id) {
  check_key(key);
  detail::check_id("product_id", product_id);
  check_line_qty(qty, 1);
  const nlohmann::json call = {
      {"op", "carts.add"}, {"key", key_json(key)}, {"product_id", product_id}, {"qty", qty}};
  const auto edit = [&](Command& cmd, const Cart& cart, std::vector<CartLine>& lines) {
    require_orderable_product(cmd.tx, product_id);
    CartLine line{product_id, qty, cmd.now};
    if (const CartLine* have = find_line(lines, product_id)) {
      if (have->qty > kMaxCartLineQty - qty) {
        throw Error::invalid_argument(
            "qty", fmt::format("the line of '{}' would hold {}; at most {}", product_id,
                               have->qty + qty, kMaxCartLineQty));
      }
      line = {product_id, have->qty + qty, have->added_at};
    } else {
      require_room_for_line(cart, lines.size() + 1, "product_id");
    }
    cmd.tx.put_cart_line(cart.id, line);
  };
  return change_cart(ctx_, key, edit, call, request_id);
}

Cart Carts::set_quantity(const CartKey& key, const std::string& product_id, std::int64_t qty) {
  check_key(key);
  detail::check_id("product_id", product_id);
  check_line_qty(qty, 0);
  return change_cart(ctx_, key, [&](Command& cmd, const Cart& cart, std::vector<CartLine>& lines) {
    if (qty == 0) {
      cmd.tx.delete_cart_line(cart.id, product_id);
      return;
    }
    require_orderable_product(cmd.tx, product_id);
    if (!find_line(lines, product_id)) require_room_for_line(cart, lines.size() + 1, "product_id");
    cmd.tx.put_cart_line(cart.id, {product_id, qty, cmd.now});
  });
}

Cart Carts::remove(const CartKey& key, const std::string& product_id) {
  check_key(key);
  detail::check_id("product_id", product_id);
  return change_cart(ctx_, key, [&](Command& cmd, const Cart& cart, std::vector<CartLine>&) {
    cmd.tx.delete_cart_line(cart.id, product_id);
  });
}

Cart Carts::clear(const CartKey& key) {
  check_key(key);
  return change_cart(ctx_, key, [&](Command& cmd, const Cart& cart, std::vector<CartLine>&) {
    cmd.tx.delete_cart_lines(cart.id);
  });
}

Cart Carts::set_shipping_address(const CartKey& key, const std::optional<Address>& address) {
  check_key(key);
  if (address) validate_address(*address, "shipping_address");
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    CartRow row = authorize(cmd, key, true);
    require_open(row.cart);
    tx.set_cart_address(row.cart.id, address);
    row.cart.shipping_address = address;
    return touched(cmd, std::move(row.cart));
  });
}

std::vector<std::string> Carts::sweep(int limit) {
  detail::check_limit(limit);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    std::vector<std::string> expired;
    for (const std::string& id : tx.find_expired_guest_carts(cmd.now, limit)) {
      if (!tx.try_expire_guest_cart(id, cmd.now)) continue;  // another sweep, or a change
      expired.push_back(id);
      const std::vector<CartLine> lines = tx.find_cart_lines(id);
      if (lines.empty()) continue;
      detail::emit(cmd, "CartAbandoned", id,
                   {{"cart_id", id},
                    {"user_id", ""},
                    {"guest", true},
                    {"lines", lines_json(lines)}});
    }
    return expired;
  });
}

Cart Carts::sign_in(const std::string& guest_token, const std::string& user_id,
                    const std::string& request_id) {
  check_guest_token(guest_token);
  detail::check_id("user_id", user_id);
  const std::string hash = detail::sha256_hex(guest_token);
  const nlohmann::json call = {
      {"op", "carts.sign_in"}, {"guest_token_sha256", hash}, {"user_id", user_id}};
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), request_id};
    return detail::once_per_request(cmd, call, [&] {
      // The guest cart first, then the user's: every merge locks in this order.
      const auto guest = tx.find_cart_by_guest_token_hash(hash, true);
      if (!guest) {
        throw Error(ErrorCode::kNotFound, "guest_token", "no cart has the guest_token given");
      }
      refuse_expired(guest->cart, cmd.now);
      require_open(guest->cart);
      Cart cart = open_user_cart(cmd, user_id, true);
      merge_lines(cmd, cart, tx.find_cart_lines(cart.id), tx.find_cart_lines(guest->cart.id),
                  "guest_token");
      if (!cart.shipping_address && guest->cart.shipping_address) {
        cart.shipping_address = guest->cart.shipping_address;
        tx.set_cart_address(cart.id, cart.shipping_address);
      }
      if (!tx.try_close_cart(guest->cart.id, CartStatus::kMerged, {}, cmd.now)) {
        throw Error::internal(
            fmt::format("guest cart '{}' changed under its lock", guest->cart.id));
      }
      return touched(cmd, std::move(cart));
    });
  });
}

std::string Carts::share(const CartKey& key) {
  check_key(key);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    const CartRow row = authorize(cmd, key, true);
    if (!row.share_token.empty()) return row.share_token;
    std::string token = detail::random_token(kShareTokenBytes);
    if (!tx.try_set_share_token(row.cart.id, token)) {
      throw Error::internal(fmt::format("cart '{}' got a share token under its lock", row.cart.id));
    }
    return token;
  });
}

Cart Carts::copy_shared(const std::string& share_token, const CartKey& into) {
  check_token("share_token", share_token, token_chars(kShareTokenBytes));
  check_key(into);
  return change_cart(ctx_, into, [&](Command& cmd, const Cart& cart, std::vector<CartLine>& lines) {
    const auto shared = cmd.tx.find_cart_by_share_token(share_token);
    if (!shared) {
      throw Error(ErrorCode::kNotFound, "share_token",
                  "no cart is shared under the share_token given");
    }
    merge_lines(cmd, cart, lines, cmd.tx.find_cart_lines(shared->cart.id), "share_token");
  });
}

void Carts::add_to_wishlist(const std::string& user_id, const std::string& product_id) {
  detail::check_id("user_id", user_id);
  detail::check_id("product_id", product_id);
  run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    const auto product = tx.find_product(product_id);
    if (!product) throw Error::not_found("product", product_id);
    if (product->status == ProductStatus::kDeleted) {
      throw Error::failed_precondition(Reason::kInactive, product_id,
                                       fmt::format("product '{}' is deleted", product_id));
    }
    tx.insert_wishlist_item(user_id, {product_id, ctx_.clock.now()});
  });
}

bool Carts::remove_from_wishlist(const std::string& user_id, const std::string& product_id) {
  detail::check_id("user_id", user_id);
  detail::check_id("product_id", product_id);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    return tx.delete_wishlist_item(user_id, product_id);
  });
}

Page<WishlistItem> Carts::wishlist(const std::string& user_id, const std::string& cursor,
                                   int limit) {
  detail::check_id("user_id", user_id);
  detail::check_limit(limit);
  // The cursor is the last item's "added_at:product_id".
  Timestamp before_added_at = std::numeric_limits<Timestamp>::max();
  std::string before_product_id;
  if (!cursor.empty()) {
    const std::string key = detail::decode_cursor(cursor);
    const auto colon = key.find(':');
    try {
      std::size_t used = 0;
      before_added_at = std::stoll(key.substr(0, colon), &used);
      if (colon == std::string::npos || used != colon) throw std::invalid_argument("cursor");
    } catch (const std::logic_error&) {
      throw Error::invalid_argument("cursor", "is not a cursor returned by this library");
    }
    before_product_id = key.substr(colon + 1);
  }
  auto rows = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    return tx.list_wishlist(user_id, before_added_at, before_product_id, limit + 1);
  });
  Page<WishlistItem> page{std::move(rows), {}};
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(limit);
    const WishlistItem& last = page.items.back();
    page.next_cursor = detail::encode_cursor(fmt::format("{}:{}", last.added_at, last.product_id));
  }
  return page;
}

// --- checkout: the cart's lines placed as an order through the saga, the cart claimed in the
// order's own unit of work.

namespace {

// Another checkout of the cart placed its order first.
struct CartTaken {
  std::string order_id;
};
// The cart's lines changed between reading them and placing them.
struct CartChanged {};

// An empty cart can be neither held nor checked out.
void require_lines(const Cart& cart, const std::vector<CartLine>& lines) {
  if (lines.empty()) {
    throw Error::failed_precondition(Reason::kIllegalTransition, cart.id,
                                     fmt::format("cart '{}' is empty", cart.id));
  }
}

PlaceOrder order_request(const Cart& cart, const std::vector<CartLine>& lines,
                         const CartCheckout& c) {
  require_lines(cart, lines);
  PlaceOrder r{.user_id = cart.guest() ? "guest:" + cart.id : cart.user_id,
               .coupon_id = c.coupon_id,
               .coupon_required = c.coupon_required,
               .points_to_use = c.points_to_use,
               .payment_method = c.payment_method,
               .region = c.region,
               .shipping_option = c.shipping_option,
               .expected_total = c.requote ? -1 : c.expected_total,
               .shipping_address = c.shipping_address ? c.shipping_address : cart.shipping_address};
  for (const CartLine& line : lines) r.items.push_back({line.product_id, line.qty});
  return r;
}

// The cart's hold, taken over by `order` when it holds exactly the order's units (its rows
// re-keyed to the order and deleted, the units staying reserved), else released; the cart
// holds nothing afterwards.
std::vector<Reservation> take_hold(Command& cmd, CartRow& row, const Order& order) {
  if (row.hold_id.empty()) return {};
  std::vector<Reservation> held;
  for (Reservation& r : cmd.tx.find_reservations(row.hold_id)) {
    if (r.state == ReservationState::kLive) held.push_back(std::move(r));
  }
  std::map<std::string, std::int64_t> units;
  for (const Reservation& r : held) units[r.product_id] += r.qty;
  std::map<std::string, std::int64_t> wanted;
  for (const OrderItem& item : order.items) wanted[item.product_id] = item.qty;
  if (held.empty() || units != wanted) {
    drop_hold(cmd, row);
    return {};
  }
  cmd.tx.delete_live_reservations(row.hold_id);
  cmd.tx.set_cart_hold(row.cart.id, "", 0);
  for (Reservation& r : held) {
    r.order_id = order.id;
    r.expires_at = order.expires_at;
  }
  return held;
}

bool same_lines(const std::vector<CartLine>& a, const std::vector<CartLine>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.product_id == y.product_id && x.qty == y.qty;
  });
}

}  // namespace

Cart Carts::hold(const CartKey& key) {
  check_key(key);
  return run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    CartRow row = authorize(cmd, key, true);
    require_open(row.cart);
    const std::vector<CartLine> lines = tx.find_cart_lines(row.cart.id);
    require_lines(row.cart, lines);
    drop_hold(cmd, row);
    std::vector<LineItem> items;
    for (const CartLine& line : lines) items.push_back({line.product_id, line.qty});
    const std::string hold_id = "hold:" + new_id(cmd.now);
    const Timestamp until = cmd.now + ctx_.options.cart_hold_ms;
    detail::reserve_stock(cmd, hold_id, items, {}, until);
    tx.set_cart_hold(row.cart.id, hold_id, until);
    row.cart.held_until = until;
    detail::emit(cmd, "CartHeld", row.cart.id,
                 {{"cart_id", row.cart.id},
                  {"user_id", row.cart.user_id},
                  {"guest", row.cart.guest()},
                  {"held_until", until},
                  {"lines", lines_json(lines)}});
    return with_lines(tx, std::move(row.cart));
  });
}

Quote Carts::quote(const CartKey& key, const CartCheckout& request) {
  check_key(key);
  const auto read = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
    Command cmd{tx, ctx_, ctx_.clock.now(), {}};
    CartRow row = authorize(cmd, key, false);
    require_open(row.cart);
    return std::make_pair(row.cart, tx.find_cart_lines(row.cart.id));
  });
  PlaceOrder r = order_request(read.first, read.second, request);
  r.expected_total = -1;
  return orders_.quote(r);
}

Order Carts::checkout(const CartKey& key, const CartCheckout& request) {
  check_key(key);
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    const auto read = run_unit(ctx_.storage, Storage::Access::kRead, [&](Transaction& tx) {
      Command cmd{tx, ctx_, ctx_.clock.now(), {}};
      CartRow row = authorize(cmd, key, false);
      return std::make_pair(row.cart, tx.find_cart_lines(row.cart.id));
    });
    // Not structured bindings: clang 14 cannot capture those in the claim below.
    const Cart& cart = read.first;
    const std::vector<CartLine>& lines = read.second;
    if (cart.status == CartStatus::kCheckedOut) {
      Order order = orders_.get(cart.order_id);
      if (order.status != OrderStatus::kFailed) return order;
      // Its payment failed after checkout: the cart opens again for another try.
      const bool reopened = run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
        return tx.try_reopen_cart(cart.id, order.id, ctx_.clock.now());
      });
      if (!reopened) return order;  // the user has another open cart now
      continue;
    }
    require_open(cart);
    const PlaceOrder r = order_request(cart, lines, request);
    // The cart is claimed in the order's unit of work: locked before the stock step, its lines
    // as read, its hold taken over; then closed with the order (or, for an order that failed
    // there, left open naming it).
    bool closed = false;
    detail::PlacementClaim claim;
    claim.take_held = [&](Command& cmd, const Order& order) {
      closed = false;
      auto row = cmd.tx.find_cart(cart.id, true);
      if (!row) throw Error::internal(fmt::format("cart '{}' disappeared", cart.id));
      if (row->cart.status == CartStatus::kCheckedOut) throw CartTaken{row->cart.order_id};
      require_open(row->cart);
      if (!same_lines(cmd.tx.find_cart_lines(cart.id), lines) ||
          row->cart.shipping_address != cart.shipping_address) {
        throw CartChanged{};
      }
      return take_hold(cmd, *row, order);
    };
    claim.claim = [&](Command& cmd, const Order& order) {
      if (order.status == OrderStatus::kFailed) {
        cmd.tx.try_set_cart_attempt(cart.id, order.id, cmd.now);
        return;
      }
      cmd.tx.try_close_cart(cart.id, CartStatus::kCheckedOut, order.id, cmd.now);
      closed = true;
      detail::emit(cmd, "CartCheckedOut", cart.id,
                   {{"cart_id", cart.id},
                    {"order_id", order.id},
                    {"user_id", cart.user_id},
                    {"guest", cart.guest()},
                    {"total", order.total}});
    };
    try {
      Order order = detail::saga_of(orders_).place(r, claim);
      if (order.status == OrderStatus::kFailed && closed) {  // its payment failed after the claim
        run_unit(ctx_.storage, Storage::Access::kWrite, [&](Transaction& tx) {
          tx.try_reopen_cart(cart.id, order.id, ctx_.clock.now());
        });
      }
      return order;
    } catch (const CartTaken& taken) {
      return orders_.get(taken.order_id);
    } catch (const CartChanged&) {
      if (attempt == kAttempts) {
        throw Error::unavailable(cart.id, "the cart kept changing while it was checked out");
      }
    }
  }
}

}  // namespace commerce
