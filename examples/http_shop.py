"""A shop's day over HTTP against a running `commerce serve` (docs/service.md, "The demo shop
over HTTP"): products with stock, points, an order placed with an Idempotency-Key, one order
cancelled, another shipped and delivered, a partial return refunded, an exchange, and the
store checked. Python 3's standard library only.

    python3 examples/http_shop.py --url http://127.0.0.1:8080 --key ADMIN_KEY

Prints what each step did; exits 1 at the first answer that is not the one expected.
Every run uses ids of its own (a random tag), so it can run again on the same store.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

Doc = Any  # a JSON document as json.loads gives it


class Unexpected(Exception):
    """An answer the shop did not expect."""


class Service:
    def __init__(self, url: str, key: str) -> None:
        self.url = url.rstrip("/")
        self.key = key

    def call(self, method: str, path: str, body: Doc = None, idempotency_key: str = "",
             user: str = "") -> tuple[int, Doc]:
        """(status, the answer's JSON document or None)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if idempotency_key:
            request.add_header("Idempotency-Key", idempotency_key)
        if user:
            request.add_header("X-Commerce-User", user)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        return status, json.loads(text) if text else None

    def expect(self, status: int, method: str, path: str, body: Doc = None,
               idempotency_key: str = "", user: str = "") -> Doc:
        """The answer's document; Unexpected unless the status is `status`."""
        got, doc = self.call(method, path, body, idempotency_key, user)
        if got != status:
            raise Unexpected(f"{method} {path}: expected {status}, got {got}: {doc}")
        return doc


def require(condition: bool, what: str, doc: Doc) -> None:
    if not condition:
        raise Unexpected(f"{what}; the answer: {json.dumps(doc)}")


def shop_day(shop: Service, tag: str) -> None:
    mug, tea = f"mug-{tag}", f"tea-{tag}"
    alice, bob = f"alice-{tag}", f"bob-{tag}"

    for pid, name, price, stock in ((mug, "Mug", 12_000, 10), (tea, "Green tea", 3_000, 20)):
        product = shop.expect(201, "POST", "/products",
                              {"id": pid, "name": name, "price": price, "initial_stock": stock})
        require(product["price"] == price, f"product {pid} priced {price}", product)
        print(f"product   {pid:<14} {name:<10} price {price:>6}, {stock} in stock")

    entry = shop.expect(201, "POST", f"/points/{alice}/charge", {"amount": 5_000},
                        idempotency_key=f"welcome-{alice}")
    require(entry["balance_after"] == 5_000, "alice's balance 5000 after the charge", entry)
    print(f"points    {alice} charged 5000, balance {entry['balance_after']}")

    body = {"user_id": alice, "items": [{"product_id": mug, "qty": 1},
                                        {"product_id": tea, "qty": 2}],
            "points_to_use": 2_000}
    order = shop.expect(201, "POST", "/orders", body, idempotency_key=f"order-{alice}-1",
                        user=alice)
    require(order["status"] == "confirmed", "the order confirmed", order)
    require(order["total"] == 12_000 + 2 * 3_000 - 2_000, "total 16000 after 2000 points", order)
    again = shop.expect(201, "POST", "/orders", body, idempotency_key=f"order-{alice}-1",
                        user=alice)
    require(again["id"] == order["id"], "the same Idempotency-Key answers the same order", again)
    print(f"order     {order['id']} for {alice}: 1 mug + 2 tea - 2000 points = "
          f"{order['total']}, {order['status']} (placed again with its key: the same order)")

    shown = shop.expect(200, "GET", f"/orders/{order['id']}", user=alice)
    require(shown["id"] == order["id"] and shown["status"] == "confirmed", "the order shown",
            shown)
    print(f"shown     {shown['id']}: {shown['status']}, total {shown['total']}, "
          f"points used {shown['points_used']}")

    other = shop.expect(201, "POST", "/orders",
                        {"user_id": bob, "items": [{"product_id": tea, "qty": 1}]},
                        idempotency_key=f"order-{bob}-1", user=bob)
    require(other["status"] == "confirmed", "bob's order confirmed", other)
    cancelled = shop.expect(200, "PUT", f"/orders/{other['id']}/cancel",
                            {"reason": "ordered by mistake"}, user=bob)
    require(cancelled["status"] == "cancelled", "bob's order cancelled", cancelled)
    level = shop.expect(200, "GET", f"/products/{tea}/stock")
    require(level["available"] == 20 - 2, "bob's tea back in stock", level)
    print(f"cancelled {other['id']} for {bob}: tea available {level['available']} again")

    for move, state in (("ship", "shipped"), ("deliver", "delivered")):
        moved = shop.expect(200, "PUT", f"/orders/{order['id']}/{move}")
        require(moved["status"] == state, f"the order {state}", moved)
        print(f"{state:<9} {order['id']}")

    asked = shop.expect(201, "POST", f"/orders/{order['id']}/returns",
                        {"items": [{"product_id": tea, "qty": 1}], "reason": "too bitter"},
                        user=alice)
    shop.expect(200, "PUT", f"/returns/{asked['id']}/approve", {"note": "sorry"})
    back = shop.expect(200, "PUT", f"/returns/{asked['id']}/receive",
                       {"inspections": [{"product_id": tea, "restock_qty": 1,
                                         "location_id": "default"}]})
    given = back["given_back"]
    require(back["status"] == "refunded" and given["money"] > 0, "one tea returned, refunded",
            back)
    print(f"returned  1 tea of {order['id']}: refunded {given['money']} money, "
          f"{given['points']} points; tea restocked")

    asked = shop.expect(201, "POST", f"/orders/{order['id']}/returns",
                        {"items": [{"product_id": mug, "qty": 1}], "reason": "wanted tea",
                         "replacement": [{"product_id": tea, "qty": 1}]}, user=alice)
    shop.expect(200, "PUT", f"/returns/{asked['id']}/approve", {"note": "exchange"})
    swapped = shop.expect(200, "PUT", f"/returns/{asked['id']}/receive",
                          {"inspections": [{"product_id": mug, "restock_qty": 1,
                                            "location_id": "default"}]})
    require(swapped["status"] == "refunded" and swapped["exchange_credit"] == 3_000,
            "the mug exchanged for a tea worth 3000", swapped)
    replacement = shop.expect(200, "GET", f"/orders/{swapped['replacement_order_id']}")
    require(replacement["status"] == "confirmed" and replacement["points_used"] == 3_000,
            "the replacement order confirmed, paid by the credit", replacement)
    given = swapped["given_back"]
    print(f"exchanged the mug for a tea: order {replacement['id']} {replacement['status']}; "
          f"the mug gave back {given['money']} money and {given['points']} points, "
          f"{swapped['exchange_credit']} of them paid the tea")

    report = shop.expect(200, "GET", "/check")
    require(report["ok"] and report["violations"] == [], "the store's check clean", report)
    print("check     ok")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the service, e.g. http://127.0.0.1:8080")
    parser.add_argument("--key", required=True, help="an admin API key of the service")
    args = parser.parse_args(argv)
    try:
        shop_day(Service(args.url, args.key), uuid.uuid4().hex[:8])
    except (Unexpected, urllib.error.URLError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
