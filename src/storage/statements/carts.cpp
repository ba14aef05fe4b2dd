// Statements of carts, their lines and wishlists (commerce/carts.h). NULL columns (a guest
// cart's user, a user cart's token hash, a share token not made yet, an order not placed, a
// user cart's expiry) are bound as '' or 0 and stored as NULL, so the unique indexes and the
// partial indexes see no value.
#include <string>

#include "core/address_text.h"
#include "query.h"
#include "storage/transaction.h"

namespace commerce {

using statements::Query;

namespace {

const std::string kCartColumns =
    "id, coalesce(user_id, ''), coalesce(guest_token_hash, ''), status, "
    "coalesce(share_token, ''), coalesce(order_id, ''), created_at, updated_at, "
    "coalesce(expires_at, 0), coalesce(hold_id, ''), coalesce(hold_until, 0), shipping_address";
const Sql kInsertCart{
    "INSERT INTO carts(id, user_id, guest_token_hash, status, created_at, updated_at, "
    "expires_at) VALUES(?1, NULLIF(CAST(?2 AS TEXT), ''), NULLIF(CAST(?3 AS TEXT), ''), 'open', "
    "?4, ?4, NULLIF(CAST(?5 AS BIGINT), 0)) ON CONFLICT DO NOTHING"};
const Sql kFindCart{"SELECT " + kCartColumns + " FROM carts WHERE id = ?1"};
const Sql kLockCart{.text = kFindCart.text, .lock_rows = true};
const Sql kFindOpenUserCart{"SELECT " + kCartColumns +
                            " FROM carts WHERE user_id = ?1 AND status = 'open'"};
const Sql kLockOpenUserCart{.text = kFindOpenUserCart.text, .lock_rows = true};
const Sql kFindGuestCart{"SELECT " + kCartColumns + " FROM carts WHERE guest_token_hash = ?1"};
const Sql kLockGuestCart{.text = kFindGuestCart.text, .lock_rows = true};
const Sql kFindSharedCart{"SELECT " + kCartColumns + " FROM carts WHERE share_token = ?1"};
const Sql kTouchCart{
    "UPDATE carts SET updated_at = ?2, expires_at = NULLIF(CAST(?3 AS BIGINT), 0) "
    "WHERE id = ?1"};
const Sql kSetShareToken{
    "UPDATE carts SET share_token = ?2 WHERE id = ?1 AND share_token IS NULL"};
const Sql kCloseCart{
    "UPDATE carts SET status = ?2, order_id = NULLIF(CAST(?3 AS TEXT), ''), updated_at = ?4 "
    "WHERE id = ?1 AND status = 'open'"};
// Not while the user has opened another cart (one open cart per user).
const Sql kReopenCart{
    "UPDATE carts SET status = 'open', updated_at = ?3 "
    "WHERE id = ?1 AND status = 'checked_out' AND order_id = ?2 AND (user_id IS NULL OR "
    "NOT EXISTS (SELECT 1 FROM carts o WHERE o.user_id = carts.user_id AND o.status = 'open'))"};
const Sql kSetCartAttempt{
    "UPDATE carts SET order_id = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'open'"};
const Sql kSetCartHold{
    "UPDATE carts SET hold_id = NULLIF(CAST(?2 AS TEXT), ''), "
    "hold_until = NULLIF(CAST(?3 AS BIGINT), 0) WHERE id = ?1"};
const Sql kExpireGuestCart{
    "UPDATE carts SET status = 'expired', updated_at = ?2 "
    "WHERE id = ?1 AND status = 'open' AND user_id IS NULL AND expires_at <= ?2"};
const Sql kFindExpiredGuestCarts{
    "SELECT id FROM carts WHERE status = 'open' AND user_id IS NULL AND expires_at <= ?1 "
    "ORDER BY expires_at LIMIT ?2"};
const Sql kSetCartAddress{"UPDATE carts SET shipping_address = ?2 WHERE id = ?1"};
// The oldest ?2 closed carts last changed before ?1 that still hold an address: their address
// erased. The terms are those of the partial index carts_erasable_by_age.
const Sql kEraseOldCartAddresses{
    "UPDATE carts SET shipping_address = '' WHERE id IN (SELECT id FROM carts "
    "WHERE shipping_address <> '' AND status <> 'open' AND updated_at < ?1 "
    "ORDER BY updated_at, id LIMIT ?2) AND shipping_address <> '' AND status <> 'open'"};

const Sql kFindCartLines{
    "SELECT product_id, qty, added_at FROM cart_lines WHERE cart_id = ?1 ORDER BY product_id"};
const Sql kPutCartLine{
    "INSERT INTO cart_lines(cart_id, product_id, qty, added_at) VALUES(?1, ?2, ?3, ?4) "
    "ON CONFLICT(cart_id, product_id) DO UPDATE SET qty = excluded.qty"};
const Sql kDeleteCartLine{"DELETE FROM cart_lines WHERE cart_id = ?1 AND product_id = ?2"};
const Sql kDeleteCartLines{"DELETE FROM cart_lines WHERE cart_id = ?1"};

const Sql kInsertWishlistItem{
    "INSERT INTO wishlist_items(user_id, product_id, added_at) VALUES(?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING"};
const Sql kDeleteWishlistItem{
    "DELETE FROM wishlist_items WHERE user_id = ?1 AND product_id = ?2"};
const Sql kListWishlist{
    "SELECT product_id, added_at FROM wishlist_items WHERE user_id = ?1 "
    "AND (added_at, product_id) < (?2, ?3) ORDER BY added_at DESC, product_id DESC LIMIT ?4"};

CartRow cart_from(const Query& q) {
  CartRow row;
  row.cart.id = q.text(0);
  row.cart.user_id = q.text(1);
  row.guest_token_hash = q.text(2);
  row.cart.status = parse_cart_status(q.text(3));
  row.share_token = q.text(4);
  row.cart.order_id = q.text(5);
  row.cart.created_at = q.int64(6);
  row.cart.updated_at = q.int64(7);
  row.cart.expires_at = q.int64(8);
  row.hold_id = q.text(9);
  row.cart.held_until = q.int64(10);
  row.cart.shipping_address = detail::address_from_text(q.text(11));
  return row;
}

std::optional<CartRow> find_one(SqlSession& session, const Sql& sql, const std::string& key) {
  Query q(session, sql);
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return cart_from(q);
}

}  // namespace

bool Transaction::insert_cart(const CartRow& row) {
  Query q(session_, kInsertCart);
  q.bind(1, row.cart.id).bind(2, row.cart.user_id).bind(3, row.guest_token_hash);
  q.bind(4, row.cart.created_at).bind(5, row.cart.expires_at);
  return q.run() == 1;
}

std::optional<CartRow> Transaction::find_cart(const std::string& id, bool lock) {
  return find_one(session_, lock ? kLockCart : kFindCart, id);
}

std::optional<CartRow> Transaction::find_open_user_cart(const std::string& user_id, bool lock) {
  return find_one(session_, lock ? kLockOpenUserCart : kFindOpenUserCart, user_id);
}

std::optional<CartRow> Transaction::find_cart_by_guest_token_hash(const std::string& hash,
                                                                  bool lock) {
  return find_one(session_, lock ? kLockGuestCart : kFindGuestCart, hash);
}

std::optional<CartRow> Transaction::find_cart_by_share_token(const std::string& share_token) {
  return find_one(session_, kFindSharedCart, share_token);
}

std::vector<CartLine> Transaction::find_cart_lines(const std::string& cart_id) {
  Query q(session_, kFindCartLines);
  q.bind(1, cart_id);
  std::vector<CartLine> out;
  while (q.step()) {
    out.push_back({.product_id = q.text(0), .qty = q.int64(1), .added_at = q.int64(2)});
  }
  return out;
}

void Transaction::put_cart_line(const std::string& cart_id, const CartLine& line) {
  Query q(session_, kPutCartLine);
  q.bind(1, cart_id).bind(2, line.product_id).bind(3, line.qty).bind(4, line.added_at);
  q.run();
}

void Transaction::delete_cart_line(const std::string& cart_id, const std::string& product_id) {
  Query q(session_, kDeleteCartLine);
  q.bind(1, cart_id).bind(2, product_id);
  q.run();
}

void Transaction::delete_cart_lines(const std::string& cart_id) {
  Query q(session_, kDeleteCartLines);
  q.bind(1, cart_id);
  q.run();
}

void Transaction::touch_cart(const std::string& cart_id, Timestamp now, Timestamp expires_at) {
  Query q(session_, kTouchCart);
  q.bind(1, cart_id).bind(2, now).bind(3, expires_at);
  q.run();
}

bool Transaction::try_set_share_token(const std::string& cart_id, const std::string& token) {
  Query q(session_, kSetShareToken);
  q.bind(1, cart_id).bind(2, token);
  return q.run() == 1;
}

bool Transaction::try_close_cart(const std::string& cart_id, CartStatus to,
                                 const std::string& order_id, Timestamp now) {
  Query q(session_, kCloseCart);
  q.bind(1, cart_id).bind_name(2, to_string(to)).bind(3, order_id).bind(4, now);
  return q.run() == 1;
}

bool Transaction::try_reopen_cart(const std::string& cart_id, const std::string& order_id,
                                  Timestamp now) {
  Query q(session_, kReopenCart);
  q.bind(1, cart_id).bind(2, order_id).bind(3, now);
  return q.run() == 1;
}

bool Transaction::try_set_cart_attempt(const std::string& cart_id, const std::string& order_id,
                                       Timestamp now) {
  Query q(session_, kSetCartAttempt);
  q.bind(1, cart_id).bind(2, order_id).bind(3, now);
  return q.run() == 1;
}

void Transaction::set_cart_hold(const std::string& cart_id, const std::string& hold_id,
                                Timestamp until) {
  Query q(session_, kSetCartHold);
  q.bind(1, cart_id).bind(2, hold_id).bind(3, until);
  q.run();
}

void Transaction::set_cart_address(const std::string& cart_id,
                                   const std::optional<Address>& address) {
  const std::string text = detail::address_text(address);
  Query q(session_, kSetCartAddress);
  q.bind(1, cart_id).bind(2, text);
  q.run();
}

std::int64_t Transaction::erase_old_cart_addresses(Timestamp before, int limit) {
  Query q(session_, kEraseOldCartAddresses);
  q.bind(1, before).bind(2, limit);
  return q.run();
}

bool Transaction::try_expire_guest_cart(const std::string& cart_id, Timestamp now) {
  Query q(session_, kExpireGuestCart);
  q.bind(1, cart_id).bind(2, now);
  return q.run() == 1;
}

std::vector<std::string> Transaction::find_expired_guest_carts(Timestamp now, int limit) {
  Query q(session_, kFindExpiredGuestCarts);
  q.bind(1, now).bind(2, limit);
  std::vector<std::string> out;
  while (q.step()) out.push_back(q.text(0));
  return out;
}

bool Transaction::insert_wishlist_item(const std::string& user_id, const WishlistItem& item) {
  Query q(session_, kInsertWishlistItem);
  q.bind(1, user_id).bind(2, item.product_id).bind(3, item.added_at);
  return q.run() == 1;
}

bool Transaction::delete_wishlist_item(const std::string& user_id,
                                       const std::string& product_id) {
  Query q(session_, kDeleteWishlistItem);
  q.bind(1, user_id).bind(2, product_id);
  return q.run() == 1;
}

std::vector<WishlistItem> Transaction::list_wishlist(const std::string& user_id,
                                                     Timestamp before_added_at,
                                                     const std::string& before_product_id,
                                                     int limit) {
  Query q(session_, kListWishlist);
  q.bind(1, user_id).bind(2, before_added_at).bind(3, before_product_id).bind(4, limit);
  std::vector<WishlistItem> out;
  while (q.step()) out.push_back({.product_id = q.text(0), .added_at = q.int64(1)});
  return out;
}

}  // namespace commerce
