"""The order flow over HTTP: products, stock, points, place, cancel, ship, deliver, refund;
idempotency keys, cursor pages, the storefront key's own user, and the store checked clean."""
from conftest import KEYS, assert_problem


def create_product(server, pid, price, stock):
    status, head, doc = server.admin("POST", "/products",
                                     {"id": pid, "name": f"Product {pid}", "price": price,
                                      "initial_stock": stock, "attributes": {"color": "red"}})
    assert status == 201, doc
    assert head["Location"] == f"/products/{pid}"
    assert doc["id"] == pid and doc["price"] == price and doc["attributes"] == {"color": "red"}
    return doc


def stock(server, pid):
    status, _, doc = server.call("GET", f"/products/{pid}/stock", key=KEYS["storefront"])
    assert status == 200, doc
    return doc


def place(server, user, items, key=None, **extra):
    body = {"user_id": user, "items": [{"product_id": p, "qty": q} for p, q in items], **extra}
    return server.call("POST", "/orders", key=KEYS["storefront"], user=user, body=body,
                       headers={"Idempotency-Key": key} if key else None)


def test_products_stock_and_pages(server):
    for i in range(3):
        create_product(server, f"page-{i}", 1000 + i, 5)
    status, _, doc = server.admin("POST", "/products/page-0/stock/adjustments",
                                  {"delta": 7, "reason": "restock"})
    assert status == 201 and doc["on_hand"] == 12, doc
    assert stock(server, "page-0")["available"] == 12

    seen, cursor = [], ""
    while True:
        status, _, page = server.call("GET", f"/products?limit=1&cursor={cursor}",
                                      key=KEYS["storefront"])
        assert status == 200, page
        assert len(page["items"]) <= 1
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [s for s in seen if s.startswith("page-")] == ["page-0", "page-1", "page-2"]

    status, _, doc = server.admin("PATCH", "/products/page-1", {"price": 1500})
    assert status == 200 and doc["price"] == 1500, doc
    status, _, doc = server.admin("DELETE", "/products/page-2")
    assert status == 200 and doc["status"] == "deleted", doc
    assert_problem(server.call("GET", "/products/nope", key=KEYS["storefront"]), 404,
                   "NotFound", "nope")
    assert_problem(server.call("GET", "/products?limit=0", key=KEYS["storefront"]), 422,
                   "InvalidArgument", "limit")


def test_order_life(server):
    create_product(server, "mug", 12000, 10)
    create_product(server, "cup", 3000, 10)
    status, _, entry = server.admin("POST", "/points/alice/charge", {"amount": 5000},
                                    headers={"Idempotency-Key": "charge-alice-1"})
    assert status == 201 and entry["balance_after"] == 5000, entry
    # The same Idempotency-Key returns the first charge: the balance moves once.
    status, _, again = server.admin("POST", "/points/alice/charge", {"amount": 5000},
                                    headers={"Idempotency-Key": "charge-alice-1"})
    assert status == 201 and again["id"] == entry["id"], again
    status, _, balance = server.call("GET", "/points/alice", key=KEYS["storefront"], user="alice")
    assert status == 200 and balance == {"user_id": "alice", "balance": 5000}

    # Placed and cancelled: stock and points come back.
    status, head, order = place(server, "alice", [("mug", 2), ("cup", 1)], key="order-alice-1",
                                points_to_use=2000)
    assert status == 201 and order["status"] == "confirmed", order
    assert head["Location"] == f"/orders/{order['id']}"
    assert order["points_used"] == 2000 and order["total"] == 12000 * 2 + 3000 - 2000
    status, _, replay = place(server, "alice", [("mug", 2), ("cup", 1)], key="order-alice-1",
                              points_to_use=2000)
    assert status == 201 and replay["id"] == order["id"]
    # The same key with other arguments: Conflict (422), nothing placed.
    assert_problem(place(server, "alice", [("mug", 1)], key="order-alice-1"), 422, "Conflict")
    assert stock(server, "mug")["sold"] == 2
    status, _, got = server.call("GET", f"/orders/{order['id']}", key=KEYS["storefront"],
                                 user="alice")
    assert status == 200 and got["id"] == order["id"]
    status, _, cancelled = server.call("PUT", f"/orders/{order['id']}/cancel",
                                       key=KEYS["storefront"], user="alice",
                                       body={"reason": "changed my mind"})
    assert status == 200 and cancelled["status"] == "cancelled", cancelled
    assert stock(server, "mug")["available"] == 10 and stock(server, "mug")["reserved"] == 0
    assert server.call("GET", "/points/alice", key=KEYS["storefront"], user="alice")[2][
        "balance"] == 5000

    # Placed, shipped, delivered, partly refunded.
    status, _, order = place(server, "alice", [("mug", 1)], key="order-alice-2")
    assert status == 201 and order["status"] == "confirmed", order
    for move, expected in (("ship", "shipped"), ("deliver", "delivered")):
        status, _, moved = server.admin("PUT", f"/orders/{order['id']}/{move}")
        assert status == 200 and moved["status"] == expected, moved
    status, _, shipments = server.admin("GET", f"/orders/{order['id']}/shipments")
    assert status == 200 and shipments["items"][0]["status"] == "delivered", shipments
    status, _, refund = server.admin("POST", f"/orders/{order['id']}/refunds",
                                     {"amount": 2000, "reason": "scratched"},
                                     headers={"Idempotency-Key": "refund-1"})
    assert status == 201 and refund["status"] == "approved" and refund["amount"] == 2000, refund
    status, _, refunds = server.admin("GET", f"/orders/{order['id']}/refunds")
    assert status == 200 and [r["id"] for r in refunds["items"]] == [refund["id"]]
    assert_problem(server.admin("POST", f"/orders/{order['id']}/refunds", {"amount": 999999}),
                   422, "InvalidArgument", "amount")
    # A delivered order cannot be cancelled: 409 with the library's reason.
    doc = assert_problem(server.admin("PUT", f"/orders/{order['id']}/cancel"), 409,
                         "FailedPrecondition")
    assert doc["reason"] == "illegal_transition"
    status, _, audit = server.admin("GET", f"/orders/{order['id']}/audit")
    assert [a["to"] for a in audit["items"]][-2:] == ["shipped", "delivered"]

    status, _, mine = server.call("GET", "/users/alice/orders?limit=1", key=KEYS["storefront"],
                                  user="alice")
    assert status == 200 and len(mine["items"]) == 1 and mine["next_cursor"], mine

    # Out of stock is a FAILED order (the saga's business refusal), not an HTTP error.
    status, _, failed = place(server, "alice", [("cup", 1000)])
    assert status == 201 and failed["status"] == "failed", failed

    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["ok"], report
    status, _, stats = server.call("GET", "/stats", key=KEYS["operator"])
    assert status == 200 and stats["orders"] >= 3 and stats["outbox"]["pending"] > 0, stats


def test_quote_and_payment_callback(server):
    create_product(server, "quoted", 5000, 3)
    status, _, quote = server.call("POST", "/orders/quote", key=KEYS["storefront"], user="bob",
                                   body={"user_id": "bob",
                                         "items": [{"product_id": "quoted", "qty": 2}]})
    assert status == 200 and quote["total"] == 10000, quote
    status, _, order = place(server, "bob", [("quoted", 1)], expected_total=5000)
    assert status == 201 and order["status"] == "confirmed", order
    # The gateway's callback: the same result again returns the order; the other result for
    # an order that is not waiting for its payment is refused (409), nothing changed.
    status, _, same = server.admin("PUT", f"/orders/{order['id']}/payment", {"approved": True})
    assert status == 200 and same["status"] == "confirmed", same
    doc = assert_problem(server.admin("PUT", f"/orders/{order['id']}/payment",
                                      {"approved": False}), 409, "FailedPrecondition")
    assert doc["reason"] == "illegal_transition"


def test_storefront_key_acts_for_its_user_only(server):
    create_product(server, "own", 100, 5)
    status, _, order = place(server, "carol", [("own", 1)])
    assert status == 201, order
    before = server.dump()
    for method, path, body in (("GET", f"/orders/{order['id']}", None),
                               ("PUT", f"/orders/{order['id']}/cancel", None),
                               ("GET", "/points/carol", None),
                               ("GET", "/users/carol/orders", None),
                               ("POST", "/orders", {"user_id": "carol",
                                                    "items": [{"product_id": "own", "qty": 1}]})):
        for user in ("dave", None):
            assert_problem(server.call(method, path, key=KEYS["storefront"], user=user,
                                       body=body), 403, "Forbidden", "X-Commerce-User")
    assert server.dump() == before
    # An admin key acts for any user.
    status, _, got = server.admin("GET", f"/orders/{order['id']}")
    assert status == 200 and got["user_id"] == "carol"


def test_coupons(server):
    create_product(server, "tea", 10000, 5)
    status, _, template = server.admin("POST", "/coupon-templates",
                                       {"code": "WELCOME", "name": "Welcome", "kind": "fixed",
                                        "value": 1500, "valid_from": 0,
                                        "valid_until": 4102444800000, "total_limit": 10})
    assert status == 201 and template["code"] == "WELCOME", template
    status, _, got = server.admin("GET", "/coupon-templates/WELCOME")
    assert status == 200 and got["id"] == template["id"]
    status, _, coupon = server.admin("POST", "/coupons", {"code": "WELCOME", "user_id": "erin"},
                                     headers={"Idempotency-Key": "issue-erin"})
    assert status == 201 and coupon["user_id"] == "erin", coupon
    status, _, again = server.admin("POST", "/coupons", {"code": "WELCOME", "user_id": "erin"},
                                    headers={"Idempotency-Key": "issue-erin"})
    assert again["id"] == coupon["id"]
    # per_user_limit 1: a second coupon for erin is refused with the library's reason.
    doc = assert_problem(server.admin("POST", "/coupons", {"code": "WELCOME", "user_id": "erin"}),
                         409, "FailedPrecondition")
    assert doc["reason"] == "limit_reached"

    status, _, order = place(server, "erin", [("tea", 1)], coupon_id=coupon["id"],
                             coupon_required=True)
    assert status == 201 and order["status"] == "confirmed" and order["discount"] == 1500, order
    status, _, used = server.call("GET", f"/coupons/{coupon['id']}", key=KEYS["storefront"],
                                  user="erin")
    assert status == 200 and used["status"] == "used", used
    server.call("PUT", f"/orders/{order['id']}/cancel", key=KEYS["storefront"], user="erin")
    status, _, mine = server.call("GET", "/users/erin/coupons", key=KEYS["storefront"],
                                  user="erin")
    assert status == 200 and [c["status"] for c in mine["items"]] == ["available"], mine
    status, _, revoked = server.admin("PUT", f"/coupons/{coupon['id']}/revoke")
    assert status == 200 and revoked["status"] == "revoked", revoked
    assert_problem(server.call("GET", f"/coupons/{coupon['id']}", key=KEYS["storefront"],
                               user="frank"), 403, "Forbidden")


def test_shipments(server):
    create_product(server, "lamp", 4000, 5)
    create_product(server, "bulb", 500, 5)
    status, _, order = place(server, "gina", [("lamp", 1), ("bulb", 2)])
    assert status == 201 and order["status"] == "confirmed", order
    # The lamp first, then the rest; each shipment moves on by its own calls.
    status, head, first = server.admin("POST", "/shipments",
                                       {"order_id": order["id"], "location_id": "default",
                                        "items": [{"product_id": "lamp", "qty": 1}],
                                        "tracking_number": "TRK-1"},
                                       headers={"Idempotency-Key": "ship-lamp"})
    assert status == 201 and head["Location"] == f"/shipments/{first['id']}", first
    assert first["items"] == [{"product_id": "lamp", "qty": 1}]
    status, _, again = server.admin("POST", "/shipments",
                                    {"order_id": order["id"], "location_id": "default",
                                     "items": [{"product_id": "lamp", "qty": 1}],
                                     "tracking_number": "TRK-1"},
                                    headers={"Idempotency-Key": "ship-lamp"})
    assert again["id"] == first["id"]
    # More lamps than the order has left unshipped: refused naming the field.
    doc = assert_problem(server.admin("POST", "/shipments",
                                      {"order_id": order["id"], "location_id": "default",
                                       "items": [{"product_id": "lamp", "qty": 1}]}),
                         422, "InvalidArgument")
    assert doc["subject"].startswith("items")
    status, _, shipped = server.admin("PUT", f"/shipments/{first['id']}/dispatch")
    assert status == 200 and shipped["status"] == "shipped", shipped
    status, _, rest = server.admin("POST", "/shipments",
                                   {"order_id": order["id"], "location_id": "default"})
    assert status == 201 and rest["items"] == [{"product_id": "bulb", "qty": 2}], rest
    status, _, cancelled = server.admin("PUT", f"/shipments/{rest['id']}/cancel",
                                        {"reason": "wrong box"})
    assert status == 200 and cancelled["status"] == "cancelled", cancelled
    status, _, delivered = server.admin("PUT", f"/shipments/{first['id']}/status",
                                        {"status": "delivered", "occurred_at": 1767225600000,
                                         "detail": "left at the door"})
    assert status == 200 and delivered["status"] == "delivered", delivered
    assert server.admin("GET", f"/shipments/{first['id']}")[2]["note"] == "left at the door"
    assert_problem(server.admin("PUT", f"/shipments/{first['id']}/status",
                                {"status": "teleported", "occurred_at": 1}),
                   422, "InvalidArgument", "status")
    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["ok"], report


def test_units_given_back_over_http(server):
    """A partial cancellation by the customer, then a return: requested by the customer,
    approved and received by the store, each refunding the units' share."""
    create_product(server, "gb-lamp", 5000, 10)
    status, _, order = place(server, "alice", [("gb-lamp", 3)], key="order-lamps")
    assert status == 201 and order["status"] == "confirmed", order
    oid = order["id"]
    status, _, cancelled = server.call("POST", f"/orders/{oid}/cancel-items",
                                       key=KEYS["storefront"], user="alice",
                                       body={"items": [{"product_id": "gb-lamp", "qty": 1}]})
    assert status == 200 and cancelled["given_back"]["money"] == 5000, cancelled
    assert cancelled["order"]["status"] == "confirmed"
    assert_problem(server.call("POST", f"/orders/{oid}/cancel-items", key=KEYS["storefront"],
                               user="alice",
                               body={"items": [{"product_id": "gb-lamp", "qty": 5}]}),
                   422, "InvalidArgument", "items")
    for move in ("ship", "deliver"):
        assert server.admin("PUT", f"/orders/{oid}/{move}")[0] == 200
    status, head, asked = server.call("POST", f"/orders/{oid}/returns", key=KEYS["storefront"],
                                      user="alice",
                                      body={"items": [{"product_id": "gb-lamp", "qty": 1}],
                                            "reason": "flickers"})
    assert status == 201 and asked["status"] == "requested", asked
    assert head["Location"] == f"/returns/{asked['id']}"
    assert_problem(server.call("POST", f"/orders/{oid}/returns", key=KEYS["storefront"],
                               user="alice",
                               body={"items": [{"product_id": "gb-lamp", "qty": 2}],
                                     "reason": "x"}),
                   422, "InvalidArgument", "items")
    status, _, approved = server.admin("PUT", f"/returns/{asked['id']}/approve", {"note": "ok"})
    assert status == 200 and approved["status"] == "approved", approved
    status, _, got = server.admin(
        "PUT", f"/returns/{asked['id']}/receive",
        {"inspections": [{"product_id": "gb-lamp", "restock_qty": 1, "location_id": "default"}]})
    assert status == 200 and got["status"] == "refunded", got
    assert got["given_back"]["money"] == 5000 and got["items"][0]["restocked"] == 1
    assert server.admin("GET", f"/returns/{asked['id']}")[2] == got
    # A second return of the last unit, rejected: nothing comes back for it.
    second = server.call("POST", f"/orders/{oid}/returns", key=KEYS["storefront"], user="alice",
                         body={"items": [{"product_id": "gb-lamp", "qty": 1}],
                               "reason": "changed my mind"})[2]
    status, _, rejected = server.admin("PUT", f"/returns/{second['id']}/reject",
                                       {"reason": "past the return window"})
    assert status == 200 and rejected["status"] == "rejected", rejected
    assert rejected["given_back"]["money"] == 0
    status, _, listed = server.call("GET", f"/orders/{oid}/returns", key=KEYS["storefront"],
                                    user="alice")
    assert status == 200 and [r["id"] for r in listed["items"]] == [asked["id"], second["id"]]
    status, _, refunds = server.admin("GET", f"/orders/{oid}/refunds")
    assert sum(r["amount"] for r in refunds["items"]) == 10000
    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["violations"] == [], report


def test_an_exchange_over_http(server):
    """A delivered lamp exchanged for a cheaper bulb: the return's value pays for the
    replacement order, the rest is refunded."""
    create_product(server, "ex-lamp", 5000, 5)
    create_product(server, "ex-bulb", 1200, 5)
    status, _, order = place(server, "alice", [("ex-lamp", 1)], key="order-ex-lamp")
    assert status == 201 and order["status"] == "confirmed", order
    oid = order["id"]
    for move in ("ship", "deliver"):
        assert server.admin("PUT", f"/orders/{oid}/{move}")[0] == 200
    assert_problem(server.call("POST", f"/orders/{oid}/returns", key=KEYS["storefront"],
                               user="alice",
                               body={"items": [{"product_id": "ex-lamp", "qty": 1}],
                                     "reason": "x",
                                     "replacement": [{"product_id": "ex-bulb", "qty": 0}]}),
                   422, "InvalidArgument", "replacement[0].qty")
    status, _, asked = server.call("POST", f"/orders/{oid}/returns", key=KEYS["storefront"],
                                   user="alice",
                                   body={"items": [{"product_id": "ex-lamp", "qty": 1}],
                                         "reason": "too bright",
                                         "replacement": [{"product_id": "ex-bulb", "qty": 1}]})
    assert status == 201 and asked["replacement"] == [{"product_id": "ex-bulb", "qty": 1}], asked
    server.admin("PUT", f"/returns/{asked['id']}/approve", {"note": "ok"})
    status, _, got = server.admin(
        "PUT", f"/returns/{asked['id']}/receive",
        {"inspections": [{"product_id": "ex-lamp", "restock_qty": 1, "location_id": "default"}]})
    assert status == 200 and got["status"] == "refunded", got
    assert got["exchange_credit"] == 1200 and got["given_back"]["money"] == 5000 - 1200, got
    status, _, replacement = server.admin("GET", f"/orders/{got['replacement_order_id']}")
    assert status == 200 and replacement["status"] == "confirmed", replacement
    assert replacement["points_used"] == 1200 and replacement["total"] == 0
    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["violations"] == [], report
