"""Quickstart: open a store, add products, charge points, issue a coupon, place and ship an
order, then publish the outbox to a JSON-lines file.

    python examples/quickstart.py [DIRECTORY]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import commerce_core as cc


def main(directory: Path) -> int:
    gateway = cc.FakeGateway()  # approves every payment; see custom_gateway.py for your own
    store = cc.Store.open(directory / "shop.db", currency="KRW", gateway=gateway)
    now = store.now

    store.catalog.add_category("kitchen", "Kitchen")
    if not store.catalog.list(text="mug").items:
        store.catalog.create(id="mug", name="Mug", price=12_000, category="kitchen",
                             attributes={"color": "white"}, initial_stock=5)
    print("products:", [p.id for p in store.catalog.list()])

    store.points.charge("alice", 3_000, request_id="welcome-bonus-alice")
    try:
        store.coupons.get_template("WELCOME")
    except cc.NotFoundError:
        store.coupons.create_template(code="WELCOME", kind=cc.CouponKind.FIXED, value=2_000,
                                      valid_from=now, valid_until=now + 86_400_000,
                                      total_limit=100)
    coupon = store.coupons.issue("WELCOME", "alice", request_id="issue-welcome-alice")

    order = store.orders.place("alice", [cc.LineItem("mug", 2)], coupon_id=coupon.id,
                               points_to_use=3_000, request_id="alice-order-1")
    print(f"order {order.id}: {order.status.name}, subtotal {order.subtotal}, "
          f"discount {order.discount}, points {order.points_used}, paid {order.total}")
    store.orders.ship(order.id)

    try:
        store.orders.place("bob", [cc.LineItem("mug", 99)], request_id="bob-order-1")
    except cc.CommerceError as e:  # not raised: business refusals return a FAILED order
        print("unexpected:", e)
    failed = store.orders.get(store.orders.list_for_user("bob").items[0].id)
    print(f"bob's order: {failed.status.name} ({failed.failure_reason})")

    try:
        store.catalog.get("no-such-sku")
    except cc.NotFoundError as e:
        print(f"NotFoundError for {e.subject!r}")

    level = store.stock.level("mug")
    print(f"mug stock: on_hand {level.on_hand}, reserved {level.reserved}, sold {level.sold}")

    relay = cc.OutboxRelay(store, cc.JsonLinesSink(directory / "events.jsonl"))
    sent = relay.drain()
    print(f"published {sent.delivered} events to {directory / 'events.jsonl'}")
    print("invariants ok:", store.check().ok)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(main(Path(sys.argv[1])))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(main(Path(tmp)))
