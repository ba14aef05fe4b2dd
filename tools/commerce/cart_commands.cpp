// commerce cart: carts of users and guests, sharing, checkout, wishlists (commerce/carts.h).
//
// A cart is named by its id and who acts: --user USER, or --guest-token TOKEN (the token
// `cart open --guest` printed; $COMMERCE_GUEST_TOKEN is read when the option is not given, so
// the token need not appear in the process list).
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace commerce::cli {

json to_json(const Cart& c) {
  json lines = json::array();
  for (const CartLine& l : c.lines) {
    lines.push_back({{"product_id", l.product_id}, {"qty", l.qty}, {"added_at", l.added_at}});
  }
  return json{{"id", c.id},
              {"user_id", c.user_id},
              {"status", to_string(c.status)},
              {"lines", lines},
              {"order_id", c.order_id},
              {"created_at", c.created_at},
              {"updated_at", c.updated_at},
              {"expires_at", c.expires_at},
              {"held_until", c.held_until},
              {"shipping_address", address_json(c.shipping_address)}};
}

namespace {

// The options every command on one cart takes.
struct KeyArgs {
  std::string cart_id, user, guest_token;
  std::int64_t guest_ttl_ms = kDefaultGuestCartTtlMs;
  void add_to(CLI::App& cmd) {
    cmd.add_option("cart", cart_id, "the cart id")->required();
    cmd.add_option("--user", user, "the owning user");
    cmd.add_option("--guest-token", guest_token, "the guest token")
        ->envname("COMMERCE_GUEST_TOKEN");
    cmd.add_option("--guest-ttl-ms", guest_ttl_ms,
                   "how long a guest cart lives after this change (default 7 days)");
  }
  CartKey key() const { return {cart_id, user, user.empty() ? guest_token : std::string()}; }
};

void print_cart(const Printer& out, const Cart& cart, const std::string& guest_token = {}) {
  json doc = to_json(cart);
  if (!guest_token.empty()) doc["guest_token"] = guest_token;
  out.emit(doc);
  if (out.json_mode()) return;
  Printer::fields({{"cart", cart.id},
                   {"owner", cart.guest() ? "guest" : cart.user_id},
                   {"status", std::string(to_string(cart.status))},
                   {"expires", format_time(cart.expires_at)},
                   {"ship to", cart.shipping_address ? address_text(*cart.shipping_address)
                                                     : std::string("-")}});
  if (!guest_token.empty()) std::cout << "guest token (keep it secret): " << guest_token << '\n';
  std::vector<std::vector<std::string>> rows;
  for (const CartLine& l : cart.lines) {
    rows.push_back({l.product_id, std::to_string(l.qty), format_time(l.added_at)});
  }
  Printer::table({"PRODUCT", "QTY", "ADDED"}, rows);
}

// Adds `name` acting on one cart: `act(carts, key)` returns the cart to print.
template <class Act>
void add_cart_command(CLI::App& group, Globals& globals, const char* name, const char* help,
                      std::shared_ptr<KeyArgs> args, Act act) {
  auto* cmd = group.add_subcommand(name, help);
  args->add_to(*cmd);
  cmd->callback([&globals, args, act] {
    auto store = open_store_for_carts(globals, args->guest_ttl_ms);
    print_cart(Printer(globals), act(store->carts(), args->key()));
  });
}

void add_line_commands(CLI::App& group, Globals& globals) {
  struct LineArgs {
    std::string product, request_id;
    std::int64_t qty = 1;
  };
  {
    auto key = std::make_shared<KeyArgs>();
    auto line = std::make_shared<LineArgs>();
    add_cart_command(group, globals, "add", "add units of a product to a cart", key,
                     [line](Carts& carts, const CartKey& k) {
                       return carts.add(k, line->product, line->qty, line->request_id);
                     });
    auto* cmd = group.get_subcommand("add");
    cmd->add_option("product", line->product, "the product (a variant, not its parent)")
        ->required();
    cmd->add_option("qty", line->qty, "units to add (default 1)");
    cmd->add_option("--request-id", line->request_id, "idempotency key");
  }
  {
    auto key = std::make_shared<KeyArgs>();
    auto line = std::make_shared<LineArgs>();
    add_cart_command(group, globals, "set", "set a line's quantity (0 removes it)", key,
                     [line](Carts& carts, const CartKey& k) {
                       return carts.set_quantity(k, line->product, line->qty);
                     });
    auto* cmd = group.get_subcommand("set");
    cmd->add_option("product", line->product, "the product")->required();
    cmd->add_option("qty", line->qty, "the quantity")->required();
  }
  {
    auto key = std::make_shared<KeyArgs>();
    auto line = std::make_shared<LineArgs>();
    add_cart_command(group, globals, "remove", "remove a product's line", key,
                     [line](Carts& carts, const CartKey& k) {
                       return carts.remove(k, line->product);
                     });
    group.get_subcommand("remove")->add_option("product", line->product, "the product")->required();
  }
  add_cart_command(group, globals, "clear", "remove every line", std::make_shared<KeyArgs>(),
                   [](Carts& carts, const CartKey& k) { return carts.clear(k); });
  add_cart_command(group, globals, "hold", "reserve the cart's lines for a few minutes",
                   std::make_shared<KeyArgs>(),
                   [](Carts& carts, const CartKey& k) { return carts.hold(k); });
  {
    auto key = std::make_shared<KeyArgs>();
    struct ShipToArgs {
      AddressFlags address;
      bool clear = false;
    };
    auto ship_to = std::make_shared<ShipToArgs>();
    add_cart_command(group, globals, "ship-to",
                     "set (or --clear) the address an order from the cart ships to", key,
                     [ship_to](Carts& carts, const CartKey& k) {
                       const std::optional<Address> address = ship_to->address.address();
                       if (address.has_value() == ship_to->clear) {
                         throw Error::invalid_argument(
                             "--ship-to-json", "give the address, or --clear to remove it");
                       }
                       return carts.set_shipping_address(k, address);
                     });
    auto* cmd = group.get_subcommand("ship-to");
    ship_to->address.add_to(*cmd);
    cmd->add_flag("--clear", ship_to->clear, "remove the cart's address");
  }
  add_cart_command(group, globals, "show", "show a cart and its lines",
                   std::make_shared<KeyArgs>(),
                   [](Carts& carts, const CartKey& k) { return carts.get(k); });
}

void add_share_commands(CLI::App& group, Globals& globals) {
  {
    auto args = std::make_shared<KeyArgs>();
    auto* cmd = group.add_subcommand("share", "print the cart's share token (the same each time)");
    args->add_to(*cmd);
    cmd->callback([&globals, args] {
      auto store = open_store_for_carts(globals, args->guest_ttl_ms);
      const std::string token = store->carts().share(args->key());
      Printer out(globals);
      out.emit(json{{"cart_id", args->cart_id}, {"share_token", token}});
      if (!out.json_mode()) std::cout << token << '\n';
    });
  }
  {
    auto key = std::make_shared<KeyArgs>();
    auto token = std::make_shared<std::string>();
    add_cart_command(group, globals, "copy",
                     "copy a shared cart's lines into this cart (a product in both keeps the "
                     "larger quantity)",
                     key, [token](Carts& carts, const CartKey& k) {
                       return carts.copy_shared(*token, k);
                     });
    group.get_subcommand("copy")
        ->add_option("--share-token", *token, "the token `cart share` printed")
        ->required();
  }
}

// `cart quote` and `cart checkout`: the cart's lines priced, or placed, with the order flags
// of `order quote` and `order place`.
void add_checkout_commands(CLI::App& group, Globals& globals) {
  struct Args {
    KeyArgs key;
    OrderFlags order;
    bool requote = false;
    GatewayArgs gateway;
    CartCheckout request() const {
      const PlaceOrder r = order.request();
      return CartCheckout{.coupon_id = r.coupon_id,
                          .coupon_required = r.coupon_required,
                          .points_to_use = r.points_to_use,
                          .payment_method = r.payment_method,
                          .region = r.region,
                          .shipping_option = r.shipping_option,
                          .expected_total = r.expected_total,
                          .requote = requote,
                          .shipping_address = r.shipping_address};
    }
  };
  {
    auto args = std::make_shared<Args>();
    auto* cmd = group.add_subcommand(
        "quote", "what `cart checkout` with the same flags would charge now; writes nothing");
    args->key.add_to(*cmd);
    args->order.add_to(*cmd);
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals, nullptr, true);
      print_quote(Printer(globals), store->carts().quote(args->key.key(), args->request()));
    });
  }
  auto args = std::make_shared<Args>();
  auto* cmd = group.add_subcommand(
      "checkout",
      "place an order from the cart's lines and close the cart (a checked-out cart prints its "
      "order again)");
  args->key.add_to(*cmd);
  args->order.add_to(*cmd);
  cmd->add_flag("--requote", args->requote,
                "place at the current price even if it differs from --expect-total");
  cmd->add_option("--payment", args->gateway.payment,
                  "how the fake gateway answers this charge: approve, decline, pending, "
                  "timeout or fail");
  args->gateway.add_to(*cmd);
  cmd->callback([&globals, args] {
    auto opened = open_store_with_gateway(globals, args->gateway);
    print_order(Printer(globals), opened.store->carts().checkout(args->key.key(), args->request()));
  });
}

void add_wishlist_commands(CLI::App& group, Globals& globals) {
  auto* wishlist = group.add_subcommand("wishlist", "a user's wishlist (no stock effect)");
  wishlist->require_subcommand(1);
  struct Args {
    std::string user, product, cursor;
    int limit = kDefaultPageSize;
  };
  for (const bool adding : {true, false}) {
    auto args = std::make_shared<Args>();
    auto* cmd = wishlist->add_subcommand(adding ? "add" : "remove",
                                         adding ? "add a product" : "remove a product");
    cmd->add_option("user", args->user, "the user")->required();
    cmd->add_option("product", args->product, "the product")->required();
    cmd->callback([&globals, args, adding] {
      auto store = open_existing_store(globals);
      bool changed = true;
      if (adding) {
        store->carts().add_to_wishlist(args->user, args->product);
      } else {
        changed = store->carts().remove_from_wishlist(args->user, args->product);
      }
      Printer out(globals);
      out.emit(json{{"user_id", args->user}, {"product_id", args->product}, {"changed", changed}});
      if (!out.json_mode()) {
        std::cout << fmt::format("{} {} {}'s wishlist\n", args->product,
                                 adding ? "is on" : changed ? "left" : "was not on", args->user);
      }
    });
  }
  auto args = std::make_shared<Args>();
  auto* cmd = wishlist->add_subcommand("list", "list a user's wishlist, newest first");
  cmd->add_option("user", args->user, "the user")->required();
  cmd->add_option("--cursor", args->cursor, "next_cursor of the previous page");
  cmd->add_option("--limit", args->limit, "items per page (1..500)");
  cmd->callback([&globals, args] {
    auto store = open_existing_store(globals, nullptr, true);
    const auto page = store->carts().wishlist(args->user, args->cursor, args->limit);
    Printer out(globals);
    out.emit(page_json(page));
    if (out.json_mode()) return;
    std::vector<std::vector<std::string>> rows;
    for (const auto& item : page.items) {
      rows.push_back({item.product_id, format_time(item.added_at)});
    }
    Printer::table({"PRODUCT", "ADDED"}, rows);
    if (!page.next_cursor.empty()) std::cout << "next: --cursor " << page.next_cursor << '\n';
  });
}

}  // namespace

json to_json(const WishlistItem& w) {
  return json{{"product_id", w.product_id}, {"added_at", w.added_at}};
}

void add_cart_commands(CLI::App& app, Globals& globals) {
  auto* group = app.add_subcommand("cart", "carts of users and guests, sharing, wishlists");
  group->require_subcommand(1);
  {
    struct Args {
      std::string user;
      bool guest = false;
      std::int64_t guest_ttl_ms = kDefaultGuestCartTtlMs;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "open", "a user's open cart (created if none), or a new guest cart and its token");
    auto* user = cmd->add_option("--user", args->user, "the user");
    cmd->add_flag("--guest", args->guest, "a new guest cart; prints its token once")
        ->excludes(user);
    cmd->add_option("--guest-ttl-ms", args->guest_ttl_ms,
                    "how long the guest cart lives after its last change (default 7 days)");
    cmd->callback([&globals, args] {
      if (args->user.empty() && !args->guest) {
        throw Error::invalid_argument("--user", "give --user USER or --guest");
      }
      auto store = open_store_for_carts(globals, args->guest_ttl_ms);
      if (args->guest) {
        const GuestCart guest = store->carts().open_guest();
        print_cart(Printer(globals), guest.cart, guest.guest_token);
      } else {
        print_cart(Printer(globals), store->carts().open_for_user(args->user));
      }
    });
  }
  add_line_commands(*group, globals);
  add_share_commands(*group, globals);
  add_checkout_commands(*group, globals);
  {
    struct Args {
      std::string guest_token, user, request_id;
    };
    auto args = std::make_shared<Args>();
    auto* cmd = group->add_subcommand(
        "sign-in", "merge a guest cart into the user's cart (a product in both keeps the larger "
                   "quantity)");
    cmd->add_option("--guest-token", args->guest_token, "the guest token")
        ->envname("COMMERCE_GUEST_TOKEN")
        ->required();
    cmd->add_option("--user", args->user, "the user signing in")->required();
    cmd->add_option("--request-id", args->request_id, "idempotency key");
    cmd->callback([&globals, args] {
      auto store = open_existing_store(globals);
      print_cart(Printer(globals),
                 store->carts().sign_in(args->guest_token, args->user, args->request_id));
    });
  }
  {
    auto limit = std::make_shared<int>(100);
    auto* cmd = group->add_subcommand(
        "sweep", "expire guest carts past their expiry (CartAbandoned for those with lines)");
    cmd->add_option("--limit", *limit, "at most this many carts (1..500)");
    cmd->callback([&globals, limit] {
      auto store = open_existing_store(globals);
      const auto expired = store->carts().sweep(*limit);
      Printer out(globals);
      out.emit(json{{"expired_carts", expired}});
      if (out.json_mode()) return;
      std::cout << fmt::format("sweep: {} guest carts expired\n", expired.size());
      for (const auto& id : expired) std::cout << "  expired cart " << id << '\n';
    });
  }
  add_wishlist_commands(*group, globals);
}

}  // namespace commerce::cli
