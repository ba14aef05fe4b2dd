"""Carts: user and guest carts, guest expiry and the sweep, sign-in merge, sharing, wishlists."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import commerce_core as cc

DAY = 24 * 60 * 60 * 1000


def _products(store: cc.Store) -> None:
    for pid in ("mug", "tea", "cup"):
        store.catalog.create(id=pid, name=pid, price=100, initial_stock=5)


def test_lines_are_added_set_removed_and_cleared(store: cc.Store) -> None:
    _products(store)
    cart = store.carts.open_for_user("alice")
    assert cart.status == cc.CartStatus.OPEN and cart.lines == [] and cart.expires_at == 0
    store.carts.add(cart.id, "mug", 2, user_id="alice")
    cart = store.carts.add(cart.id, "mug", user_id="alice")  # qty 1, onto the line
    cart = store.carts.set_quantity(cart.id, "tea", 4, user_id="alice")
    assert [(l.product_id, l.qty) for l in cart.lines] == [("mug", 3), ("tea", 4)]
    cart = store.carts.remove(cart.id, "mug", user_id="alice")
    assert [l.product_id for l in cart.lines] == ["tea"]
    assert store.carts.get(cart.id, user_id="alice") == cart
    assert store.carts.clear(cart.id, user_id="alice").lines == []
    with pytest.raises(cc.NotFoundError) as e:
        store.carts.get(cart.id, user_id="mallory")
    assert e.value.subject == "user_id"
    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.carts.add(cart.id, "mug", 0, user_id="alice")
    assert bad.value.subject == "qty"
    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.carts.add(cart.id, "mug", cc.MAX_CART_LINE_QTY + 1, user_id="alice")
    assert bad.value.subject == "qty"


def test_concurrent_opens_give_the_user_one_cart(tmp_path: Path, clock: cc.ManualClock) -> None:
    stores = [cc.Store.open(tmp_path / "shop.db", clock=clock) for _ in range(4)]
    ids: list[str] = []
    lock = threading.Lock()

    def open_cart(store: cc.Store) -> None:
        cart_id = store.carts.open_for_user("bob").id
        with lock:
            ids.append(cart_id)

    threads = [threading.Thread(target=open_cart, args=(s,)) for s in stores for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 8 and len(set(ids)) == 1


def test_a_guest_cart_expires_and_is_swept_once(tmp_path: Path, clock: cc.ManualClock) -> None:
    store = cc.Store.open(tmp_path / "shop.db", clock=clock, guest_cart_ttl_ms=DAY)
    _products(store)
    guest = store.carts.open_guest()
    assert len(guest.guest_token) == 43 and guest.cart.user_id == ""
    assert guest.cart.expires_at == clock.now() + DAY
    store.carts.add(guest.cart.id, "mug", 2, guest_token=guest.guest_token)
    store.carts.open_guest()  # empty: expires without an event
    clock.advance(DAY)
    assert len(store.carts.sweep()) == 2
    assert store.carts.sweep() == []
    with pytest.raises(cc.FailedPreconditionError) as e:
        store.carts.get(guest.cart.id, guest_token=guest.guest_token)
    assert e.value.subject == guest.cart.id
    sink = cc.MemorySink()
    cc.OutboxRelay(store, sink).drain()
    abandoned = [e for e in sink.events() if e.type == "CartAbandoned"]
    assert len(abandoned) == 1
    payload = json.loads(abandoned[0].payload)
    assert payload["cart_id"] == guest.cart.id
    assert payload["lines"] == [{"product_id": "mug", "qty": 2}]
    assert guest.guest_token not in abandoned[0].payload


def test_sign_in_merges_keeping_the_larger_quantity(store: cc.Store) -> None:
    _products(store)
    user = store.carts.open_for_user("dave")
    store.carts.add(user.id, "mug", 2, user_id="dave")
    guest = store.carts.open_guest()
    store.carts.add(guest.cart.id, "mug", 5, guest_token=guest.guest_token)
    store.carts.add(guest.cart.id, "tea", 1, guest_token=guest.guest_token)
    merged = store.carts.sign_in(guest.guest_token, "dave", request_id="sign-in-1")
    assert store.carts.sign_in(guest.guest_token, "dave", request_id="sign-in-1") == merged
    assert merged.id == user.id
    assert [(l.product_id, l.qty) for l in merged.lines] == [("mug", 5), ("tea", 1)]
    closed = store.carts.get(guest.cart.id, guest_token=guest.guest_token)
    assert closed.status == cc.CartStatus.MERGED
    with pytest.raises(cc.IllegalTransitionError):
        store.carts.add(guest.cart.id, "cup", guest_token=guest.guest_token)


def test_share_and_copy(store: cc.Store) -> None:
    _products(store)
    owner = store.carts.open_for_user("fay")
    store.carts.add(owner.id, "mug", 2, user_id="fay")
    token = store.carts.share(owner.id, user_id="fay")
    assert store.carts.share(owner.id, user_id="fay") == token
    mine = store.carts.open_for_user("gil")
    store.carts.add(mine.id, "mug", 3, user_id="gil")
    copied = store.carts.copy_shared(token, mine.id, user_id="gil")
    assert [(l.product_id, l.qty) for l in copied.lines] == [("mug", 3)]
    with pytest.raises(cc.NotFoundError) as e:
        store.carts.copy_shared("A" * 32, mine.id, user_id="gil")
    assert e.value.subject == "share_token"


def test_wishlist_pages_newest_first(store: cc.Store, clock: cc.ManualClock) -> None:
    _products(store)
    for pid in ("mug", "tea", "cup"):
        store.carts.add_to_wishlist("hal", pid)
        clock.advance(1)
    first = store.carts.wishlist("hal", limit=2)
    second = store.carts.wishlist("hal", cursor=first.next_cursor, limit=2)
    assert [i.product_id for i in first.items + second.items] == ["cup", "tea", "mug"]
    assert second.next_cursor == ""
    assert store.carts.remove_from_wishlist("hal", "tea")
    assert not store.carts.remove_from_wishlist("hal", "tea")


# ---- checkout (Carts.quote, Carts.checkout)


def _checkout_shop(tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway) -> cc.Store:
    store = cc.Store.open(tmp_path / "checkout.db", clock=clock, gateway=gateway, attempts=1,
                          shipping_options=[cc.flat_shipping("flat", 3_000)])
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=5)
    store.catalog.create(id="tea", name="Tea", price=4_500, initial_stock=50)
    return store


def test_a_checkout_places_the_quoted_order_once(tmp_path: Path, clock: cc.ManualClock,
                                                 gateway: cc.FakeGateway) -> None:
    store = _checkout_shop(tmp_path, clock, gateway)
    cart = store.carts.open_for_user("ann")
    store.carts.add(cart.id, "mug", 2, user_id="ann")
    store.carts.add(cart.id, "tea", 3, user_id="ann")
    quote = store.carts.quote(cart.id, user_id="ann", shipping_option="flat")
    assert quote.total == 2 * 12_000 + 3 * 4_500 + 3_000
    order = store.carts.checkout(cart.id, user_id="ann", shipping_option="flat",
                                 expected_total=quote.total)
    assert order.status == cc.OrderStatus.CONFIRMED and order.user_id == "ann"
    assert (order.total, order.tax, order.shipping_fee) == (quote.total, quote.tax,
                                                          quote.shipping_fee)
    assert [(i.product_id, i.qty, i.unit_price, i.discount, i.tax, i.total) for i in order.items] \
        == [(l.product_id, l.qty, l.unit_price, l.discount, l.tax, l.total) for l in quote.lines]
    closed = store.carts.get(cart.id, user_id="ann")
    assert closed.status == cc.CartStatus.CHECKED_OUT and closed.order_id == order.id
    # Again, with other arguments: the same order, charged once.
    assert store.carts.checkout(cart.id, user_id="ann", points_to_use=5).id == order.id
    assert gateway.charges_for(order.id) == 1
    with pytest.raises(cc.FailedPreconditionError) as e:
        store.carts.quote(cart.id, user_id="ann")
    assert e.value.subject == cart.id
    sink = cc.MemorySink()
    cc.OutboxRelay(store, sink).drain()
    checked_out = [e for e in sink.events() if e.type == "CartCheckedOut"]
    assert len(checked_out) == 1
    assert json.loads(checked_out[0].payload)["order_id"] == order.id


def test_a_guest_checkout_is_placed_for_its_guest(tmp_path: Path, clock: cc.ManualClock,
                                                  gateway: cc.FakeGateway) -> None:
    store = _checkout_shop(tmp_path, clock, gateway)
    guest = store.carts.open_guest()
    store.carts.add(guest.cart.id, "tea", 2, guest_token=guest.guest_token)
    order = store.carts.checkout(guest.cart.id, guest_token=guest.guest_token)
    assert order.status == cc.OrderStatus.CONFIRMED
    assert order.user_id == "guest:" + guest.cart.id


def test_a_checkout_at_another_price_fails_unless_requoted(
        tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway) -> None:
    store = _checkout_shop(tmp_path, clock, gateway)
    cart = store.carts.open_for_user("bo")
    store.carts.add(cart.id, "mug", 1, user_id="bo")
    quote = store.carts.quote(cart.id, user_id="bo")
    store.catalog.update("mug", price=13_000)
    with pytest.raises(cc.FailedPreconditionError) as e:
        store.carts.checkout(cart.id, user_id="bo", expected_total=quote.total)
    assert e.value.subject == "expected_total"
    assert store.carts.get(cart.id, user_id="bo").status == cc.CartStatus.OPEN
    assert store.orders.list_for_user("bo").items == []
    assert store.stock.level("mug").reserved == 0
    order = store.carts.checkout(cart.id, user_id="bo", expected_total=quote.total, requote=True)
    assert order.status == cc.OrderStatus.CONFIRMED and order.total == 13_000
    # OrderBook.place takes expected_total too.
    with pytest.raises(cc.FailedPreconditionError) as e:
        store.orders.place("bo", [cc.LineItem("tea", 1)], expected_total=4_000)
    assert e.value.subject == "expected_total"
    assert store.orders.place("bo", [cc.LineItem("tea", 1)], expected_total=4_500).total == 4_500


def test_a_failed_checkout_leaves_the_cart_open(tmp_path: Path, clock: cc.ManualClock,
                                                gateway: cc.FakeGateway) -> None:
    store = _checkout_shop(tmp_path, clock, gateway)
    cart = store.carts.open_for_user("cy")
    store.carts.add(cart.id, "mug", 9, user_id="cy")  # 5 on hand
    failed = store.carts.checkout(cart.id, user_id="cy")
    assert failed.status == cc.OrderStatus.FAILED
    opened = store.carts.get(cart.id, user_id="cy")
    assert opened.status == cc.CartStatus.OPEN and opened.order_id == failed.id
    store.carts.set_quantity(cart.id, "mug", 2, user_id="cy")
    placed = store.carts.checkout(cart.id, user_id="cy")
    assert placed.status == cc.OrderStatus.CONFIRMED and placed.id != failed.id
    assert store.carts.get(cart.id, user_id="cy").status == cc.CartStatus.CHECKED_OUT


def test_a_held_cart_keeps_its_stock_until_checkout(tmp_path: Path) -> None:
    store = cc.Store.open(str(tmp_path / "hold.db"), cart_hold_ms=60_000)
    store.catalog.create(id="drop", name="Drop", price=0, initial_stock=2)
    carts = store.carts
    early = carts.open_for_user("ann")
    carts.add(early.id, "drop", 2, user_id="ann")
    held = carts.hold(early.id, user_id="ann")
    assert held.held_until > 0
    assert store.stock.level("drop").available == 0
    late = carts.open_for_user("bo")
    carts.add(late.id, "drop", 1, user_id="bo")
    with pytest.raises(cc.FailedPreconditionError):
        carts.hold(late.id, user_id="bo")
    order = carts.checkout(early.id, user_id="ann")
    assert order.status == cc.OrderStatus.CONFIRMED
    assert store.stock.level("drop").sold == 2
