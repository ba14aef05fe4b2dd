// bind_carts.cpp: carts of users and guests, sharing and wishlists (commerce/carts.h): their
// values and the Carts service. Every call that touches storage releases the GIL.
#include "bindings.h"
#include "commerce/carts.h"

namespace commerce::python {

namespace {

using Release = py::call_guard<py::gil_scoped_release>;

// Keyword-only owner arguments of a cart call: user_id or guest_token, as a CartKey.
CartKey key_of(std::string cart_id, std::string user_id, std::string guest_token) {
  return CartKey{std::move(cart_id), std::move(user_id), std::move(guest_token)};
}

// Defines Carts.`name`(cart_id, *, user_id, guest_token, coupon_id, ..., requote): the cart's
// key and a CartCheckout, which quote() and checkout() both take; `call` runs with the GIL
// released.
template <class Call>
void def_with_checkout(py::class_<Carts>& cls, const char* name, Call call, const char* doc) {
  cls.def(
      name,
      [call](Carts& self, std::string cart_id, std::string user_id, std::string guest_token,
             std::string coupon_id, bool coupon_required, Money points_to_use,
             std::string payment_method, std::string region, std::string shipping_option,
             Money expected_total, bool requote, std::optional<Address> shipping_address) {
        CartCheckout request{.coupon_id = std::move(coupon_id),
                             .coupon_required = coupon_required,
                             .points_to_use = points_to_use,
                             .payment_method = std::move(payment_method),
                             .region = std::move(region),
                             .shipping_option = std::move(shipping_option),
                             .expected_total = expected_total,
                             .requote = requote,
                             .shipping_address = std::move(shipping_address)};
        return call(self, key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)),
                    request);
      },
      py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "", py::arg("guest_token") = "",
      py::arg("coupon_id") = "", py::arg("coupon_required") = false, py::arg("points_to_use") = 0,
      py::arg("payment_method") = "card", py::arg("region") = "", py::arg("shipping_option") = "",
      py::arg("expected_total") = -1, py::arg("requote") = false,
      py::arg("shipping_address") = py::none(), Release(), doc);
}

}  // namespace

void bind_carts(py::module_& m) {
  m.attr("MAX_CART_LINE_QTY") = kMaxCartLineQty;
  m.attr("MAX_CART_LINES") = kMaxCartLines;

  py::enum_<CartStatus> status(m, "CartStatus", "State of a cart.");
  status.value("OPEN", CartStatus::kOpen, "May be changed.")
      .value("CHECKED_OUT", CartStatus::kCheckedOut, "An order was placed from it (order_id).")
      .value("EXPIRED", CartStatus::kExpired, "A guest cart swept after its expiry.")
      .value("MERGED", CartStatus::kMerged, "A guest cart merged into a user's cart at sign-in.");
  readable_enum_repr(status);

  ValueClass<CartLine>(m, "CartLine", "One product of a cart and its quantity.")
      .field("product_id", &CartLine::product_id, "The product (a variant, not its parent).")
      .field("qty", &CartLine::qty, "Units, 1..MAX_CART_LINE_QTY.")
      .field("added_at", &CartLine::added_at, "When the product was first added to the cart (ms).")
      .finish();
  ValueClass<Cart>(m, "Cart", "A user's or a guest's cart with its lines.")
      .field("id", &Cart::id, "The cart id (UUIDv7).")
      .field("user_id", &Cart::user_id, "The owning user; empty for a guest cart.")
      .field("status", &Cart::status, "OPEN, or closed: CHECKED_OUT, EXPIRED, MERGED.")
      .field("lines", &Cart::lines, "Its lines, by product id.")
      .field("order_id", &Cart::order_id,
             "The order placed from it (CHECKED_OUT); for an OPEN cart whose last checkout\n"
             "failed, that FAILED order; empty otherwise.")
      .field("created_at", &Cart::created_at, "Milliseconds since the Unix epoch.")
      .field("updated_at", &Cart::updated_at, "Milliseconds since the Unix epoch.")
      .field("expires_at", &Cart::expires_at, "A guest cart's expiry (ms); 0 for a user's cart.")
      .field("held_until", &Cart::held_until,
             "Until when hold() keeps its stock reserved (ms); 0 for no hold.")
      .field("shipping_address", &Cart::shipping_address,
             "Where an order from it ships to (set_shipping_address); None if not set, or\n"
             "once a closed cart's address was erased.")
      .finish();
  ValueClass<GuestCart>(m, "GuestCart", "A new guest cart and the token that opens it.")
      .field("cart", &GuestCart::cart, "The cart.")
      .field("guest_token", &GuestCart::guest_token,
             "The bearer secret that opens the cart; shown only here.")
      .finish();
  ValueClass<WishlistItem>(m, "WishlistItem", "A product on a user's wishlist.")
      .field("product_id", &WishlistItem::product_id, "The product.")
      .field("added_at", &WishlistItem::added_at, "When it was added (ms).")
      .finish();

  py::class_<Carts> carts(
      m, "Carts",
      "Carts of users and guests, sharing, wishlists (docs/carts.md). Every call on a cart\n"
      "names it by id and who acts: user_id=, or guest_token= (the token open_guest issued).\n"
      "A key that does not fit the cart raises NotFoundError naming \"user_id\" or\n"
      "\"guest_token\"; a closed cart refuses changes (FailedPreconditionError naming it).\n"
      "Thread-safe.");
  carts.def("open_for_user", &Carts::open_for_user, py::arg("user_id"), Release(),
           "The user's open cart, created if none; concurrent calls return the same cart.\n"
           "Raises InvalidArgumentError.")
      .def("open_guest", &Carts::open_guest, Release(),
           "A new empty guest cart and its token (guest_cart_ttl_ms of Store.open).")
      .def(
          "get",
          [](Carts& self, std::string cart_id, std::string user_id, std::string guest_token) {
            return self.get(key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)));
          },
          py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "", py::arg("guest_token") = "",
          Release(),
          "The cart with its lines (closed carts too, except an expired guest cart).\n"
          "Raises InvalidArgumentError, NotFoundError, FailedPreconditionError (expired).")
      .def(
          "add",
          [](Carts& self, std::string cart_id, const std::string& product_id, std::int64_t qty,
             std::string user_id, std::string guest_token, const std::string& request_id) {
            return self.add(key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)),
                            product_id, qty, request_id);
          },
          py::arg("cart_id"), py::arg("product_id"), py::arg("qty") = 1, py::kw_only(),
          py::arg("user_id") = "", py::arg("guest_token") = "", py::arg("request_id") = "",
          Release(),
          "Adds qty units of an orderable product (onto its line if there is one) and returns\n"
          "the cart; idempotent per request_id. Raises InvalidArgumentError (qty),\n"
          "NotFoundError, FailedPreconditionError\n"
          "(not orderable, closed cart, MAX_CART_LINES).")
      .def(
          "set_quantity",
          [](Carts& self, std::string cart_id, const std::string& product_id, std::int64_t qty,
             std::string user_id, std::string guest_token) {
            return self.set_quantity(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)), product_id,
                qty);
          },
          py::arg("cart_id"), py::arg("product_id"), py::arg("qty"), py::kw_only(),
          py::arg("user_id") = "", py::arg("guest_token") = "", Release(),
          "Sets the product's line to qty units (0 removes it). Errors as add().")
      .def(
          "remove",
          [](Carts& self, std::string cart_id, const std::string& product_id, std::string user_id,
             std::string guest_token) {
            return self.remove(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)), product_id);
          },
          py::arg("cart_id"), py::arg("product_id"), py::kw_only(), py::arg("user_id") = "",
          py::arg("guest_token") = "", Release(), "Removes the product's line, if any.")
      .def(
          "clear",
          [](Carts& self, std::string cart_id, std::string user_id, std::string guest_token) {
            return self.clear(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)));
          },
          py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "", py::arg("guest_token") = "",
          Release(), "Removes every line.")
      .def(
          "hold",
          [](Carts& self, std::string cart_id, std::string user_id, std::string guest_token) {
            return self.hold(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)));
          },
          py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "", py::arg("guest_token") = "",
          Release(),
          "Reserves the cart's lines for the store's cart_hold_ms (the flash-sale mode); checkout\n"
          "takes the hold over for the order; changing the cart releases it. Raises\n"
          "FailedPreconditionError (reason OUT_OF_STOCK naming the product; a closed or empty\n"
          "cart).")
      .def(
          "set_shipping_address",
          [](Carts& self, std::string cart_id, const std::optional<Address>& address,
             std::string user_id, std::string guest_token) {
            return self.set_shipping_address(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)), address);
          },
          py::arg("cart_id"), py::arg("address"), py::kw_only(), py::arg("user_id") = "",
          py::arg("guest_token") = "", Release(),
          "Sets (None clears) the Address an order from the cart ships to; checkout copies it\n"
          "unless given another. Raises InvalidArgumentError naming\n"
          "\"shipping_address.<field>\", FailedPreconditionError (closed cart).")
      .def("sweep", &Carts::sweep, py::arg("limit") = 100, Release(),
           "Expires at most `limit` open guest carts past their expiry (CartAbandoned for\n"
           "those with lines) and returns their ids.")
      .def("sign_in", &Carts::sign_in, py::arg("guest_token"), py::arg("user_id"), py::kw_only(),
           py::arg("request_id") = "", Release(),
           "Merges the guest cart into the user's open cart (a product in both keeps the larger\n"
           "quantity), closes the guest cart as MERGED and returns the user's cart; idempotent\n"
           "per request_id. Raises\n"
           "NotFoundError (guest_token), FailedPreconditionError (closed or expired guest\n"
           "cart, MAX_CART_LINES).")
      .def(
          "share",
          [](Carts& self, std::string cart_id, std::string user_id, std::string guest_token) {
            return self.share(
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)));
          },
          py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "", py::arg("guest_token") = "",
          Release(), "The cart's share token, the same on every call.")
      .def(
          "copy_shared",
          [](Carts& self, const std::string& share_token, std::string cart_id, std::string user_id,
             std::string guest_token) {
            return self.copy_shared(
                share_token,
                key_of(std::move(cart_id), std::move(user_id), std::move(guest_token)));
          },
          py::arg("share_token"), py::arg("cart_id"), py::kw_only(), py::arg("user_id") = "",
          py::arg("guest_token") = "", Release(),
          "Copies the shared cart's lines into this cart (a product already there keeps the\n"
          "larger quantity) and returns it. Raises NotFoundError (share_token).")
      .def("add_to_wishlist", &Carts::add_to_wishlist, py::arg("user_id"), py::arg("product_id"),
           Release(), "Adds the product to the user's wishlist (nothing if it is there).")
      .def("remove_from_wishlist", &Carts::remove_from_wishlist, py::arg("user_id"),
           py::arg("product_id"), Release(),
           "Removes the product from the wishlist; False if it was not there.")
      .def("wishlist", &Carts::wishlist, py::arg("user_id"), py::arg("cursor") = "",
           py::arg("limit") = kDefaultPageSize, Release(),
           "The user's wishlist, newest first, a page at a time.");
  def_with_checkout(
      carts, "quote",
      [](Carts& self, const CartKey& key, const CartCheckout& request) {
        return self.quote(key, request);
      },
      "What checking the cart out with these arguments would cost now (OrderBook.quote of\n"
      "its lines; expected_total and requote are ignored), writing nothing. Raises the\n"
      "errors of get(), FailedPreconditionError (the cart is closed or empty, naming its\n"
      "id), those of OrderBook.quote().");
  def_with_checkout(
      carts, "checkout",
      [](Carts& self, const CartKey& key, const CartCheckout& request) {
        return self.checkout(key, request);
      },
      "Places an order from the cart's lines (OrderBook.place with these arguments, shipping to\n"
      "shipping_address or else the cart's own; a guest\n"
      "cart's order is for the user \"guest:<cart id>\") and closes the cart as CHECKED_OUT\n"
      "with it, emitting CartCheckedOut. Idempotent by the cart: a checked-out cart returns\n"
      "its order, whatever the arguments. A FAILED order leaves the cart OPEN (order_id\n"
      "names it) to change and check out again. expected_total (-1: none) is the total the\n"
      "shopper was shown (quote().total): if the cart costs another amount now, nothing\n"
      "changes and FailedPreconditionError naming \"expected_total\" is raised, unless\n"
      "requote=True. Raises the errors of get(), FailedPreconditionError (the cart is\n"
      "closed other than checked out, or empty; expected_total), those of\n"
      "OrderBook.place(), UnavailableError (the cart kept changing: call again).");
}

}  // namespace commerce::python
