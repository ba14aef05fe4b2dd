"""Bad input over HTTP: malformed JSON, wrong types, unknown fields, huge bodies, SQL
metacharacters, unknown routes and methods: problem+json naming the field, the store unchanged
(its dump compared)."""
import urllib.parse

from conftest import KEYS, assert_problem

SQL = "x'; DROP TABLE products; --"


def test_refused_bodies_name_the_field_and_change_nothing(server):
    server.admin("POST", "/products", {"id": "b1", "name": "B1", "price": 100,
                                       "initial_stock": 5})
    before = server.dump()
    cases = [
        # (method, path, raw body or JSON, status, code, subject)
        ("POST", "/products", b'{"id": "x", "name": ', 400, "MalformedJson", "body"),
        ("POST", "/products", b"\xff\xfe not json", 400, "MalformedJson", "body"),
        ("POST", "/products", b"[1, 2]", 422, "InvalidArgument", "body"),
        ("POST", "/products", {"id": "x", "name": "X", "price": "100"}, 422,
         "InvalidArgument", "price"),
        ("POST", "/products", {"id": "x", "name": "X", "price": 1.5}, 422,
         "InvalidArgument", "price"),
        ("POST", "/products", {"id": "x", "name": "X", "price": 2 ** 64}, 422,
         "InvalidArgument", "price"),
        ("POST", "/products", {"id": 7, "name": "X"}, 422, "InvalidArgument", "id"),
        ("POST", "/products", {"name": "X"}, 422, "InvalidArgument", "id"),
        ("POST", "/products", {"id": "x", "name": "X", "colour": "red"}, 422,
         "InvalidArgument", "colour"),
        ("POST", "/products", {"id": "x", "name": "X", "attributes": "{}"}, 422,
         "InvalidArgument", "attributes"),
        ("POST", "/products", {"id": "x", "name": "X", "price": -1}, 422,
         "InvalidArgument", "price"),
        ("POST", "/products", {"id": SQL, "name": "X"}, 422, "InvalidArgument", "id"),
        ("PATCH", "/products/b1", {"price": 5, "sku": "b"}, 422, "InvalidArgument", "sku"),
        ("PATCH", "/products/b1", {"status": "gone"}, 422, "InvalidArgument", "status"),
        ("POST", "/products/b1/stock/adjustments", {"delta": 1}, 422, "InvalidArgument",
         "reason"),
        ("POST", "/products/b1/stock/adjustments", {"delta": True, "reason": "r"}, 422,
         "InvalidArgument", "delta"),
        ("POST", "/points/u1/charge", {"amount": 0}, 422, "InvalidArgument", "amount"),
        ("POST", "/points/u1/charge", {"amount": None}, 422, "InvalidArgument", "amount"),
        ("POST", "/orders", {"user_id": "u1"}, 422, "InvalidArgument", "items"),
        ("POST", "/orders", {"user_id": "u1", "items": {"product_id": "b1"}}, 422,
         "InvalidArgument", "items"),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": "b1", "qty": "1"}]},
         422, "InvalidArgument", "items[0].qty"),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": "b1", "qty": 1,
                                                         "price": 1}]},
         422, "InvalidArgument", "items[0].price"),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": "b1", "qty": 0}]},
         422, "InvalidArgument", None),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": "b1", "qty": 1}],
                             "shipping_address": {"name": "A", "zip": "1"}},
         422, "InvalidArgument", "shipping_address.zip"),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": SQL, "qty": 1}]},
         422, "InvalidArgument", None),
        ("POST", "/orders", {"user_id": "u1", "items": [{"product_id": "b1", "qty": 1}],
                             "coupon_required": "yes"}, 422, "InvalidArgument",
         "coupon_required"),
        ("PUT", "/orders/o1/ship", {"now": True}, 422, "InvalidArgument", "now"),
        ("PUT", "/orders/o1/payment", {}, 422, "InvalidArgument", "approved"),
        ("POST", "/coupon-templates", {"code": "C", "kind": "half", "value": 1,
                                       "valid_from": 0, "valid_until": 1, "total_limit": 1},
         422, "InvalidArgument", "kind"),
        ("POST", "/coupon-templates", {"code": "C", "value": 1, "valid_from": "2026-01-01",
                                       "valid_until": 1, "total_limit": 1},
         422, "InvalidArgument", "valid_from"),
        ("POST", "/coupons", {"code": "C", "user_id": "u1", "count": 2}, 422,
         "InvalidArgument", "count"),
        ("PUT", "/coupons/c1/revoke", {"reason": "x"}, 422, "InvalidArgument", "reason"),
        ("POST", "/products/b1/variants", {"id": "v1", "options": "M"}, 422,
         "InvalidArgument", "options"),
        ("POST", "/categories", {"id": "c1", "name": "C", "parent": "x"}, 422,
         "InvalidArgument", "parent"),
        ("POST", "/locations", {"id": "l1", "name": "L", "priority": "high"}, 422,
         "InvalidArgument", "priority"),
        ("POST", "/locations", {"id": SQL, "name": "L"}, 422, "InvalidArgument", "id"),
        ("PATCH", "/locations/default", {"active": "no"}, 422, "InvalidArgument", "active"),
        ("POST", "/products/b1/stock/transfers", {"from_location_id": "default",
                                                  "to_location_id": "default", "qty": 1,
                                                  "reason": "r"}, 422, "InvalidArgument", None),
        ("PUT", "/products/b1/stock/locations/default/low-threshold", {"low_threshold": "1"},
         422, "InvalidArgument", "low_threshold"),
        ("POST", "/points/u1/adjustments", {"delta": 1}, 422, "InvalidArgument", "reason"),
        ("POST", "/carts/c1/lines", {"product_id": "b1", "qty": "2"}, 422, "InvalidArgument",
         "qty"),
        ("POST", "/carts/c1/lines", {"product_id": "b1", "qty": 1, "note": "x"}, 422,
         "InvalidArgument", "note"),
        ("PUT", "/carts/c1/lines/b1", {"qty": 1.5}, 422, "InvalidArgument", "qty"),
        ("PUT", "/carts/c1/shipping-address", {"zip": "1"}, 422, "InvalidArgument",
         "shipping_address.zip"),
        ("POST", "/carts/c1/quote", {"requote": True}, 422, "InvalidArgument", "requote"),
        ("POST", "/carts/c1/checkout", {"requote": "yes"}, 422, "InvalidArgument", "requote"),
        ("PUT", "/users/u1/wishlist/b1", {"note": "x"}, 422, "InvalidArgument", "note"),
        ("POST", "/inbox/messages", {"id": "m1", "type": "DeliveryUpdated", "payload": "x"},
         422, "InvalidArgument", "payload"),
        ("POST", "/inbox/messages", b"[1]", 422, "InvalidArgument", "body"),
    ]
    for method, path, body, status, code, subject in cases:
        raw = body if isinstance(body, bytes) else None
        doc = assert_problem(
            server.admin(method, path, None if raw else body, raw=raw), status, code, subject)
        assert doc["reason"] == "none"
    assert server.dump() == before


def test_huge_bodies_get_413_and_reach_no_handler(server):
    before = server.dump()
    huge = b'{"id": "big", "name": "' + b"x" * 200_000 + b'"}'
    assert_problem(server.admin("POST", "/products", raw=huge), 413, "PayloadTooLarge", "body")
    # Sent in chunks without a Content-Length: the server counts what arrives.
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", "/products")
    connection.putheader("Authorization", f"Bearer {KEYS['admin']}")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    for _ in range(20):
        chunk = b"y" * 8192
        connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    assert response.status == 413 and response.getheader(
        "Content-Type") == "application/problem+json"
    connection.close()
    assert server.dump() == before


def test_sql_metacharacters_in_paths_and_queries_are_plain_text(server):
    server.admin("POST", "/products", {"id": "q1", "name": "Q1", "price": 100})
    before = server.dump()
    quoted = urllib.parse.quote(SQL, safe="")
    # Ids are checked by the library (letters, digits and - _ . : @ / + #), naming "id".
    assert_problem(server.call("GET", f"/products/{quoted}", key=KEYS["storefront"]), 422,
                   "InvalidArgument", "id")
    status, _, page = server.call("GET", f"/products?text={quoted}",
                                  key=KEYS["storefront"])
    assert status == 200 and page["items"] == [], page
    assert_problem(server.call("GET", f"/products?category={quoted}", key=KEYS["storefront"]),
                   422, "InvalidArgument", "category")
    assert_problem(server.call("GET", f"/products?cursor={quoted}", key=KEYS["storefront"]),
                   422, "InvalidArgument", "cursor")
    assert_problem(server.admin("POST", f"/points/{quoted}/charge", {"amount": 5}), 422,
                   "InvalidArgument")
    assert server.dump() == before
    status, _, product = server.call("GET", "/products/q1", key=KEYS["storefront"])
    assert status == 200 and product["name"] == "Q1"


def test_unknown_routes_and_methods(server):
    assert_problem(server.admin("GET", "/nothing/here"), 404, "NoRoute", "path")
    assert_problem(server.admin("PUT", "/products"), 405, "MethodNotAllowed", "method")
    assert_problem(server.admin("GET", "/orders//cancel"), 404, "NoRoute")
