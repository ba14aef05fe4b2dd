"""Catalog, stock, points and coupons through the Python API."""

from __future__ import annotations

import json

import pytest

import commerce_core as cc
from conftest import T0

DAY = 86_400_000


def _used_coupon(store: cc.Store) -> str:
    """A coupon in USED state (revoking it is an illegal transition)."""
    store.coupons.create_template(code="ONCE", kind=cc.CouponKind.FIXED, value=100,
                                  valid_from=T0, valid_until=T0 + DAY, total_limit=1)
    coupon = store.coupons.issue("ONCE", "zed")
    store.coupons.use(coupon.id, "zed", "o-used", 1000)
    return coupon.id


def test_store_properties(store: cc.Store) -> None:
    assert store.url.startswith("sqlite:") and store.url.endswith("shop.db")
    assert store.currency == "KRW"
    assert store.now == T0
    assert repr(store) == f"Store({store.url})"


def test_catalog_create_get_update_remove(store: cc.Store, clock: cc.ManualClock) -> None:
    store.catalog.add_category("cups", "Cups")
    assert store.catalog.categories() == [cc.Category(id="cups", name="Cups")]
    p = store.catalog.create(
        id="mug",
        name="Mug",
        price=12_000,
        category="cups",
        brand="Acme",
        attributes={"color": "red"},
        initial_stock=5,
    )
    assert p.created_at == T0 and json.loads(p.attributes) == {"color": "red"}
    assert store.catalog.get("mug") == p
    clock.advance(10)
    q = store.catalog.update("mug", price=11_000, description="A big mug")
    assert (q.price, q.description, q.name, q.updated_at) == (11_000, "A big mug", "Mug", T0 + 10)
    gone = store.catalog.remove("mug")
    assert gone.status == cc.ProductStatus.DELETED
    with pytest.raises(cc.FailedPreconditionError):
        store.catalog.update("mug", price=1)


def test_catalog_list_filters_and_pages(store: cc.Store) -> None:
    for i in range(7):
        store.catalog.create(
            id=f"p{i}", name=f"Item {i}", price=1000 * i, brand="A" if i % 2 else "B"
        )
    page1 = store.catalog.list(limit=3)
    assert [p.id for p in page1] == ["p0", "p1", "p2"] and page1.has_more
    page2 = store.catalog.list(limit=3, cursor=page1.next_cursor)
    page3 = store.catalog.list(limit=3, cursor=page2.next_cursor)
    assert [p.id for p in page2.items + page3.items] == ["p3", "p4", "p5", "p6"]
    assert page3.next_cursor == ""
    assert [p.id for p in store.catalog.list(brand="A", min_price=2000)] == ["p3", "p5"]
    assert [p.id for p in store.catalog.list(text="item 6")] == ["p6"]
    store.catalog.create(id="q", name="Plain", description="item 6 of 7", price=1)
    ranked = store.catalog.list(text="ITEM 6", order=cc.ProductOrder.RELEVANCE, limit=1)
    assert [p.id for p in ranked] == ["p6"] and ranked.has_more
    rest = store.catalog.list(text="ITEM 6", order=cc.ProductOrder.RELEVANCE,
                              cursor=ranked.next_cursor)
    assert [p.id for p in rest] == ["q"]
    with pytest.raises(cc.InvalidArgumentError) as info:
        store.catalog.list(text="it", order=cc.ProductOrder.RELEVANCE)
    assert info.value.subject == "order"
    with pytest.raises(cc.InvalidArgumentError) as info:
        store.catalog.list(text="item", cursor=ranked.next_cursor)
    assert info.value.subject == "cursor"
    with pytest.raises(cc.InvalidArgumentError) as info:
        store.catalog.list(limit=0)
    assert info.value.subject == "limit"


def test_stock_reserve_commit_release_adjust(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=100, initial_stock=5)
    rows = store.stock.reserve("o1", [cc.LineItem("mug", 1), cc.LineItem("mug", 1)])
    assert [(r.product_id, r.qty, r.state) for r in rows] == [
        ("mug", 2, cc.ReservationState.LIVE)
    ]
    assert store.stock.level("mug") == cc.StockLevel(
        product_id="mug", on_hand=5, reserved=2, available=3, sold=0
    )
    store.stock.commit("o1")
    assert store.stock.level("mug").sold == 2
    store.stock.reserve("o2", [cc.LineItem("mug", 3)])
    assert [r.state for r in store.stock.release("o2")] == [cc.ReservationState.RELEASED]
    assert store.stock.release("o2") == []  # idempotent
    assert store.stock.reservations("o2")[0].state == cc.ReservationState.RELEASED
    level = store.stock.adjust("mug", 10, "restock")
    assert level.on_hand == 13 and level.available == 13
    with pytest.raises(cc.OutOfStockError):
        store.stock.adjust("mug", -14, "shrink")


def test_stock_release_expired(store: cc.Store, clock: cc.ManualClock) -> None:
    store.catalog.create(id="mug", name="Mug", price=100, initial_stock=5)
    store.stock.reserve("o1", [cc.LineItem("mug", 2)], expires_at=T0 + 1000)
    assert store.stock.release_expired() == []
    clock.advance(1000)
    assert store.stock.release_expired() == ["o1"]
    assert store.stock.level("mug").available == 5


def test_points_ledger(store: cc.Store) -> None:
    store.points.charge("alice", 1000, request_id="c1")
    store.points.charge("alice", 1000, request_id="c1")  # same key: applied once
    assert store.points.balance("alice") == 1000
    use = store.points.use("alice", 300, "o1")
    assert (use.kind, use.amount, use.balance_after) == (cc.PointsEntryKind.USE, -300, 700)
    restored = store.points.restore("o1")
    assert restored is not None and restored.balance_after == 1000
    assert store.points.restore("o-none") is None
    store.points.adjust("alice", -100, "correction")
    history = store.points.history("alice", limit=2)
    assert [e.kind for e in history] == [cc.PointsEntryKind.ADJUST, cc.PointsEntryKind.RESTORE]
    rest = store.points.history("alice", cursor=history.next_cursor)
    assert [e.kind for e in rest] == [cc.PointsEntryKind.USE, cc.PointsEntryKind.CHARGE]
    assert store.points.balance("alice") == 900
    assert store.points.balance("nobody") == 0


def test_coupons(store: cc.Store, clock: cc.ManualClock) -> None:
    tmpl = store.coupons.create_template(
        code="TENOFF",
        kind=cc.CouponKind.PERCENT,
        value=10,
        max_discount=5000,
        min_order_amount=10_000,
        valid_from=T0,
        valid_until=T0 + DAY,
        total_limit=2,
        per_user_limit=1,
    )
    assert store.coupons.get_template("TENOFF") == tmpl
    c = store.coupons.issue("TENOFF", "alice")
    assert c.status == cc.CouponStatus.AVAILABLE and c.user_id == "alice"
    with pytest.raises(cc.LimitReachedError):
        store.coupons.issue("TENOFF", "alice")
    assert store.coupons.quote(c.id, "alice", 20_000) == 2000
    assert store.coupons.quote(c.id, "alice", 100_000) == 5000
    with pytest.raises(cc.CouponInvalidError) as info:
        store.coupons.quote(c.id, "alice", 5000)
    assert info.value.subject == c.id
    skipped = store.coupons.use(c.id, "alice", "o1", 5000, required=False)
    assert not skipped.applied and skipped.skipped_reason
    applied = store.coupons.use(c.id, "alice", "o1", 20_000)
    assert applied.applied and applied.discount == 2000
    assert store.coupons.get(c.id).status == cc.CouponStatus.USED
    restored = store.coupons.restore("o1")
    assert restored is not None and restored.status == cc.CouponStatus.AVAILABLE
    assert [x.id for x in store.coupons.list_for_user("alice")] == [c.id]
    assert store.coupons.revoke(c.id).status == cc.CouponStatus.REVOKED
    with pytest.raises(cc.CouponInvalidError) as revoked:
        store.coupons.use(c.id, "alice", "o2", 20_000)
    assert revoked.value.subject == c.id
    with pytest.raises(cc.IllegalTransitionError):
        store.coupons.revoke(_used_coupon(store))
    clock.advance(2 * DAY)
    with pytest.raises(cc.CouponInvalidError):
        store.coupons.issue("TENOFF", "bob")
