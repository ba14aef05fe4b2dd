"""Carts over HTTP: a user's cart and a guest's (X-Cart-Token), lines, address, hold, quote,
checkout, sharing, sign-in, wishlists; a storefront key reaches only its own user's carts."""
from conftest import KEYS, assert_problem

SHOP = KEYS["storefront"]


def product(server, pid, price=1000, stock=10):
    status, _, doc = server.admin("POST", "/products", {"id": pid, "name": pid, "price": price,
                                                        "initial_stock": stock})
    assert status == 201, doc


def stock(server, pid):
    return server.call("GET", f"/products/{pid}/stock", key=SHOP)[2]


def test_user_cart_to_order(server):
    product(server, "cart-mug", 1200)
    product(server, "cart-cup", 300)
    status, _, cart = server.call("POST", "/users/carol/cart", key=SHOP, user="carol")
    assert status == 200 and cart["user_id"] == "carol" and cart["status"] == "open", cart
    # The same open cart again.
    assert server.call("POST", "/users/carol/cart", key=SHOP, user="carol")[2]["id"] == cart["id"]
    path = f"/carts/{cart['id']}"

    status, _, doc = server.call("POST", path + "/lines", key=SHOP, user="carol",
                                 body={"product_id": "cart-mug", "qty": 1},
                                 headers={"Idempotency-Key": "carol-add-1"})
    assert status == 200 and doc["lines"][0]["qty"] == 1, doc
    # The same key: the line grows once.
    doc = server.call("POST", path + "/lines", key=SHOP, user="carol",
                      body={"product_id": "cart-mug", "qty": 1},
                      headers={"Idempotency-Key": "carol-add-1"})[2]
    assert doc["lines"][0]["qty"] == 1, doc
    doc = server.call("PUT", path + "/lines/cart-mug", key=SHOP, user="carol", body={"qty": 3})[2]
    assert [(l["product_id"], l["qty"]) for l in doc["lines"]] == [("cart-mug", 3)]
    server.call("POST", path + "/lines", key=SHOP, user="carol",
                body={"product_id": "cart-cup", "qty": 2})
    doc = server.call("DELETE", path + "/lines/cart-cup", key=SHOP, user="carol")[2]
    assert [l["product_id"] for l in doc["lines"]] == ["cart-mug"]

    status, _, doc = server.call("PUT", path + "/shipping-address", key=SHOP, user="carol",
                                 body={"name": "Carol", "line1": "1 Main St", "city": "Seoul",
                                       "postal_code": "04524", "country": "KR"})
    assert status == 200 and doc["shipping_address"]["city"] == "Seoul", doc
    assert_problem(server.call("PUT", path + "/shipping-address", key=SHOP, user="carol",
                               body={"town": "x"}), 422, "InvalidArgument",
                   "shipping_address.town")

    status, _, held = server.call("POST", path + "/hold", key=SHOP, user="carol")
    assert status == 200 and held["held_until"] > 0, held
    assert stock(server, "cart-mug")["reserved"] == 3

    status, _, quote = server.call("POST", path + "/quote", key=SHOP, user="carol", body={})
    assert status == 200 and quote["subtotal"] == 3600, quote
    status, head, order = server.call("POST", path + "/checkout", key=SHOP, user="carol",
                                      body={"expected_total": quote["total"]})
    assert status == 201 and order["status"] == "confirmed", order
    assert head["Location"] == f"/orders/{order['id']}"
    assert order["shipping_address"]["city"] == "Seoul"
    level = stock(server, "cart-mug")
    assert level["reserved"] == 0 and level["sold"] == 3, level
    # Checking out again returns the same order; the cart is closed for changes.
    assert server.call("POST", path + "/checkout", key=SHOP, user="carol")[2]["id"] == order["id"]
    closed = server.call("GET", path, key=SHOP, user="carol")[2]
    assert closed["status"] == "checked_out" and closed["order_id"] == order["id"]
    assert_problem(server.call("DELETE", path + "/lines", key=SHOP, user="carol"), 409,
                   "FailedPrecondition", cart["id"])


def test_another_users_cart_is_not_found_and_unchanged(server):
    product(server, "own-cart", 100)
    cart = server.call("POST", "/users/dave/cart", key=SHOP, user="dave")[2]
    server.call("POST", f"/carts/{cart['id']}/lines", key=SHOP, user="dave",
                body={"product_id": "own-cart", "qty": 1})
    before = server.dump()
    path = f"/carts/{cart['id']}"
    # Another user's key: as if the cart did not exist; no user at all: 403.
    assert_problem(server.call("GET", path, key=SHOP, user="erin"), 404, "NotFound", "user_id")
    assert_problem(server.call("DELETE", path + "/lines", key=SHOP, user="erin"), 404,
                   "NotFound", "user_id")
    assert_problem(server.call("POST", path + "/checkout", key=SHOP, user="erin"), 404,
                   "NotFound", "user_id")
    assert_problem(server.call("GET", path, key=SHOP), 403, "Forbidden", "X-Commerce-User")
    assert_problem(server.call("POST", "/users/dave/cart", key=SHOP, user="erin"), 403,
                   "Forbidden", "X-Commerce-User")
    assert_problem(server.call("GET", path, key=SHOP, user="dave",
                               headers={"X-Cart-Token": "A" * 43}), 404, "NotFound",
                   "guest_token")
    # The admin key names the user it acts for, as the library's CartKey does.
    assert_problem(server.admin("GET", path), 422, "InvalidArgument", "X-Commerce-User")
    assert server.dump() == before
    assert server.admin("GET", path, user="dave")[2]["lines"][0]["qty"] == 1


def test_guest_cart_share_sign_in_and_clear(server):
    product(server, "guest-a", 500)
    product(server, "guest-b", 700)
    status, head, guest = server.call("POST", "/carts", key=SHOP)
    assert status == 201 and guest["user_id"] == "" and len(guest["guest_token"]) > 20, guest
    assert head["Location"] == f"/carts/{guest['id']}"
    token = {"X-Cart-Token": guest["guest_token"]}
    path = f"/carts/{guest['id']}"
    server.call("POST", path + "/lines", key=SHOP, headers=token,
                body={"product_id": "guest-a", "qty": 2})
    status, _, shared = server.call("POST", path + "/share", key=SHOP, headers=token)
    assert status == 200 and len(shared["share_token"]) == 32, shared

    # Frank copies the shared lines into his cart, then clears it.
    frank = server.call("POST", "/users/frank/cart", key=SHOP, user="frank")[2]
    status, _, copied = server.call("POST", f"/carts/{frank['id']}/copy-shared", key=SHOP,
                                    user="frank", body={"share_token": shared["share_token"]})
    assert status == 200 and [(l["product_id"], l["qty"]) for l in copied["lines"]] == [
        ("guest-a", 2)], copied
    cleared = server.call("DELETE", f"/carts/{frank['id']}/lines", key=SHOP, user="frank")[2]
    assert cleared["lines"] == []
    server.call("PUT", f"/carts/{frank['id']}/shipping-address", key=SHOP, user="frank",
                body={"name": "Frank", "country": "KR"})
    unset = server.call("DELETE", f"/carts/{frank['id']}/shipping-address", key=SHOP,
                        user="frank")[2]
    assert unset["shipping_address"] is None

    # The guest signs in as frank: the guest's lines merge into frank's cart.
    assert_problem(server.call("POST", "/users/frank/cart/sign-in", key=SHOP, user="frank"),
                   422, "InvalidArgument", "X-Cart-Token")
    status, _, merged = server.call("POST", "/users/frank/cart/sign-in", key=SHOP, user="frank",
                                    headers=token)
    assert status == 200 and merged["id"] == frank["id"], merged
    assert [(l["product_id"], l["qty"]) for l in merged["lines"]] == [("guest-a", 2)]
    assert server.call("GET", path, key=SHOP, headers=token)[2]["status"] == "merged"


def test_wishlist(server):
    product(server, "wish-1")
    product(server, "wish-2")
    for pid in ("wish-1", "wish-2"):
        status, _, doc = server.call("PUT", f"/users/gina/wishlist/{pid}", key=SHOP, user="gina")
        assert status == 200 and doc == {"user_id": "gina", "product_id": pid}
    status, _, page = server.call("GET", "/users/gina/wishlist?limit=1", key=SHOP, user="gina")
    assert status == 200 and len(page["items"]) == 1 and page["next_cursor"], page
    status, _, doc = server.call("DELETE", "/users/gina/wishlist/wish-1", key=SHOP, user="gina")
    assert doc == {"user_id": "gina", "product_id": "wish-1", "removed": True}
    doc = server.call("DELETE", "/users/gina/wishlist/wish-1", key=SHOP, user="gina")[2]
    assert doc["removed"] is False
    assert_problem(server.call("GET", "/users/gina/wishlist", key=SHOP, user="hank"), 403,
                   "Forbidden", "X-Commerce-User")
