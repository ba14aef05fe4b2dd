// Carts and wishlists (commerce/carts.h): POST /users/{user}/cart (the user's open cart),
// POST /carts (a guest cart and its token), GET /carts/{id}, POST /carts/{id}/lines,
// PUT|DELETE /carts/{id}/lines/{product}, DELETE /carts/{id}/lines,
// PUT|DELETE /carts/{id}/shipping-address, POST /carts/{id}/hold, POST /carts/{id}/quote,
// POST /carts/{id}/checkout, POST /carts/{id}/share, POST /carts/{id}/copy-shared,
// POST /users/{user}/cart/sign-in, GET /users/{user}/wishlist,
// PUT|DELETE /users/{user}/wishlist/{product}.
//
// Who acts on a cart is the library's CartKey: the guest token in the X-Cart-Token header,
// else the user X-Commerce-User names (a storefront key acts only for that user, so it reaches
// only that user's carts: the library answers NotFound for another's).
#include "cli.h"
#include "commerce/error.h"
#include "json_body.h"
#include "resource_fields.h"
#include "service.h"

namespace commerce::service {

namespace {

// The header of a guest cart's token, for the OpenAPI entries of the routes that take it.
const std::vector<QueryParam> kCartToken = {{.name = "X-Cart-Token", .header = true}};

CartKey cart_key(const Call& call) {
  const std::string token = call.request.header("x-cart-token");
  if (!token.empty()) return CartKey::for_guest(call.param("id"), token);
  call.require_user(call.asserted_user);
  if (call.asserted_user.empty()) {
    throw Error::invalid_argument("X-Commerce-User",
                                  "names the cart's user (or X-Cart-Token a guest cart's token)");
  }
  return CartKey::for_user(call.param("id"), call.asserted_user);
}

HttpResponse cart_response(const Cart& cart) {
  return json_response(200, cli::to_json(cart).dump());
}

// The body of a cart's quote and checkout: the order's terms (and `requote` for a checkout).
CartCheckout checkout_request(const Call& call, bool with_requote) {
  BodyFields fields(call.request.body);
  CartCheckout request = order_terms_fields(fields);
  if (with_requote) request.requote = fields.boolean("requote").value_or(false);
  fields.finish();
  return request;
}

}  // namespace

void add_cart_routes(Router& router, Store& store) {
  router.add({"POST", "/users/{user}/cart", Access::kStorefront, 200,
              "Carts::open_for_user: the user's open cart, created if none", "", "Cart"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               const std::string& user = call.param("user");
               call.require_user(user);
               return cart_response(store.carts().open_for_user(user));
             });
  router.add({"POST", "/carts", Access::kStorefront, 201,
              "Carts::open_guest: a guest cart and its token (shown once)", "", "GuestCart"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               const GuestCart guest = store.carts().open_guest();
               json doc = cli::to_json(guest.cart);
               doc["guest_token"] = guest.guest_token;
               HttpResponse out = json_response(201, doc.dump());
               out.headers["Location"] = "/carts/" + guest.cart.id;
               return out;
             });
  router.add({"GET", "/carts/{id}", Access::kStorefront, 200, "Carts::get", "", "Cart", kCartToken},
             [&store](const Call& call) {
               return cart_response(store.carts().get(cart_key(call)));
             });
  router.add({"POST", "/carts/{id}/lines", Access::kStorefront, 200,
              "Carts::add: qty units of a product, to its line or a new one", "CartLineAdd",
              "Cart", kCartToken},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string product = fields.required_text("product_id");
               const std::int64_t qty = fields.required_integer("qty");
               fields.finish();
               return cart_response(
                   store.carts().add(cart_key(call), product, qty, call.idempotency_key()));
             });
  router.add({"PUT", "/carts/{id}/lines/{product}", Access::kStorefront, 200,
              "Carts::set_quantity (qty 0 removes the line)", "CartLineQuantity", "Cart",
              kCartToken},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::int64_t qty = fields.required_integer("qty");
               fields.finish();
               return cart_response(
                   store.carts().set_quantity(cart_key(call), call.param("product"), qty));
             });
  router.add({"DELETE", "/carts/{id}/lines/{product}", Access::kStorefront, 200,
              "Carts::remove: the product's line", "", "Cart", kCartToken},
             [&store](const Call& call) {
               return cart_response(store.carts().remove(cart_key(call), call.param("product")));
             });
  router.add({"DELETE", "/carts/{id}/lines", Access::kStorefront, 200,
              "Carts::clear: every line", "", "Cart", kCartToken},
             [&store](const Call& call) {
               return cart_response(store.carts().clear(cart_key(call)));
             });
  router.add({"PUT", "/carts/{id}/shipping-address", Access::kStorefront, 200,
              "Carts::set_shipping_address", "AddressInput", "Cart", kCartToken},
             [&store](const Call& call) {
               // The body is the address: read as the field "shipping_address" of an object.
               const json wrapped = {{"shipping_address", parse_body_object(call.request.body)}};
               JsonFields fields(wrapped);
               const std::optional<Address> address = address_field(fields);
               return cart_response(store.carts().set_shipping_address(cart_key(call), address));
             });
  router.add({"DELETE", "/carts/{id}/shipping-address", Access::kStorefront, 200,
              "Carts::set_shipping_address with none: clears it", "", "Cart", kCartToken},
             [&store](const Call& call) {
               return cart_response(
                   store.carts().set_shipping_address(cart_key(call), std::nullopt));
             });
  router.add({"POST", "/carts/{id}/hold", Access::kStorefront, 200,
              "Carts::hold: reserves the cart's lines for a few minutes", "", "Cart", kCartToken},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               return cart_response(store.carts().hold(cart_key(call)));
             });
  router.add({"POST", "/carts/{id}/quote", Access::kStorefront, 200,
              "Carts::quote: what checking the cart out would cost now", "OrderTerms", "Quote",
              kCartToken},
             [&store](const Call& call) {
               const CartCheckout request = checkout_request(call, false);
               return json_response(
                   200, cli::to_json(store.carts().quote(cart_key(call), request)).dump());
             });
  router.add({"POST", "/carts/{id}/checkout", Access::kStorefront, 201,
              "Carts::checkout: the order placed from the cart (201, Location)", "CartCheckout",
              "Order", kCartToken},
             [&store](const Call& call) {
               const CartCheckout request = checkout_request(call, true);
               const Order order = store.carts().checkout(cart_key(call), request);
               HttpResponse out = json_response(201, cli::to_json(order).dump());
               out.headers["Location"] = "/orders/" + order.id;
               return out;
             });
  router.add({"POST", "/carts/{id}/share", Access::kStorefront, 200,
              "Carts::share: the cart's share token", "", "CartShare", kCartToken},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               return json_response(
                   200, json{{"share_token", store.carts().share(cart_key(call))}}.dump());
             });
  router.add({"POST", "/carts/{id}/copy-shared", Access::kStorefront, 200,
              "Carts::copy_shared: the lines of a shared cart into this one", "CartCopyShared",
              "Cart", kCartToken},
             [&store](const Call& call) {
               BodyFields fields(call.request.body);
               const std::string token = fields.required_text("share_token");
               fields.finish();
               return cart_response(store.carts().copy_shared(token, cart_key(call)));
             });
  router.add({"POST", "/users/{user}/cart/sign-in", Access::kStorefront, 200,
              "Carts::sign_in: merges the guest cart of X-Cart-Token into the user's cart", "",
              "Cart", kCartToken},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               const std::string& user = call.param("user");
               call.require_user(user);
               const std::string token = call.request.header("x-cart-token");
               if (token.empty()) throw Error::invalid_argument("X-Cart-Token", "is required");
               return cart_response(store.carts().sign_in(token, user, call.idempotency_key()));
             });
  router.add({"GET", "/users/{user}/wishlist", Access::kStorefront, 200,
              "Carts::wishlist: a page of the user's wishlist, newest first", "",
              "WishlistItemPage"},
             [&store](const Call& call) {
               const std::string& user = call.param("user");
               call.require_user(user);
               const auto page = store.carts().wishlist(user, call.cursor(), call.limit());
               return json_response(200, cli::page_json(page).dump());
             });
  router.add({"PUT", "/users/{user}/wishlist/{product}", Access::kStorefront, 200,
              "Carts::add_to_wishlist (nothing if it is there)", "", "WishlistEntry"},
             [&store](const Call& call) {
               require_no_fields(call.request.body);
               const std::string& user = call.param("user");
               call.require_user(user);
               store.carts().add_to_wishlist(user, call.param("product"));
               return json_response(
                   200, json{{"user_id", user}, {"product_id", call.param("product")}}.dump());
             });
  router.add({"DELETE", "/users/{user}/wishlist/{product}", Access::kStorefront, 200,
              "Carts::remove_from_wishlist (removed: whether it was there)", "",
              "WishlistRemoval"},
             [&store](const Call& call) {
               const std::string& user = call.param("user");
               call.require_user(user);
               const bool removed = store.carts().remove_from_wishlist(user, call.param("product"));
               return json_response(200, json{{"user_id", user},
                                              {"product_id", call.param("product")},
                                              {"removed", removed}}
                                             .dump());
             });
}

}  // namespace commerce::service
