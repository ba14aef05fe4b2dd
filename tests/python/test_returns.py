"""Giving units back (docs/returns.md): partial cancellation (OrderBook.cancel_items) and returns
(Store.returns: request, approve or reject, receive with inspection), refunded by one rule."""

from __future__ import annotations

from pathlib import Path

import pytest

import commerce_core as cc

R = cc.ReturnStatus


def _open(path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway,
          returns: cc.ReturnOptions | None = None) -> cc.Store:
    """A store with locations a and b, the mug (1000; 5 at a) and tea (700; 10 at a), flat
    shipping (3000) and 100000 points for ann."""
    store = cc.Store.open(path, clock=clock, gateway=gateway, attempts=1,
                          shipping_options=[cc.flat_shipping("flat", 3000)], returns=returns)
    store.locations.create("a", "A", priority=1)
    store.locations.create("b", "B", priority=2)
    store.catalog.create(id="mug", name="Mug", price=1000)
    store.catalog.create(id="tea", name="Tea", price=700)
    store.stock.adjust("mug", 5, "seed", location_id="a")
    store.stock.adjust("tea", 10, "seed", location_id="a")
    store.points.charge("ann", 100_000)
    return store


def _place(store: cc.Store, points: int = 2_000) -> cc.Order:
    """3 mugs and 4 teas with points and flat shipping."""
    order = store.orders.place("ann", [cc.LineItem("mug", 3), cc.LineItem("tea", 4)],
                               points_to_use=points, shipping_option="flat")
    assert order.status == cc.OrderStatus.CONFIRMED, order.failure_reason
    return order


def _deliver(store: cc.Store, clock: cc.ManualClock, order: cc.Order) -> None:
    shipment = store.shipments.dispatch(store.shipments.create(order.id, "a").id)
    event = cc.TrackingEvent(status=cc.ShipmentStatus.DELIVERED, occurred_at=clock.now(),
                             detail="at the door")
    store.shipments.track(cc.TrackingUpdate(shipment_id=shipment.id, event=event))
    assert store.orders.get(order.id).status == cc.OrderStatus.DELIVERED


def _line(order: cc.Order, product_id: str) -> cc.OrderItem:
    return next(i for i in order.items if i.product_id == product_id)


def _on_hand(store: cc.Store, product_id: str, location_id: str) -> int:
    return next(level.on_hand for level in store.stock.levels(product_id)
                if level.location_id == location_id)


def _money_share(order: cc.Order, value: int) -> int:
    """The rule's money share of `value` (docs/returns.md, step 3)."""
    return value * order.total // (order.total + order.points_used)


def test_cancelling_unshipped_units_refunds_their_share_and_restocks_them(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "cancel.db", clock, gateway)
    order = _place(store)
    mugs_at_a = _on_hand(store, "mug", "a")
    points_before = store.points.balance("ann")

    done = store.orders.cancel_items(order.id, [cc.LineItem("mug", 2)], reason="changed mind",
                                     request_id="c-1")
    back = done.given_back
    assert back.value == _line(order, "mug").total * 2 // 3
    assert back.money == _money_share(order, back.value) > 0
    assert back.points == back.value - back.money > 0
    assert not back.coupon_restored and not back.shipping_refunded
    assert [(r.id, r.amount, r.status) for r in store.orders.refunds(order.id)] == [
        (back.refund_id, back.money, cc.RefundStatus.APPROVED)]
    assert gateway.net_for(order.id) == order.total - back.money
    assert store.points.balance("ann") == points_before + back.points
    refund_entry = store.points.history("ann").items[0]
    assert (refund_entry.kind, refund_entry.amount, refund_entry.order_id) == (
        cc.PointsEntryKind.REFUND, back.points, order.id)
    mug = _line(done.order, "mug")
    assert (mug.cancelled, mug.returned, mug.given_back) == (2, 0, 2)
    assert done.order.status == cc.OrderStatus.CONFIRMED
    assert _on_hand(store, "mug", "a") == mugs_at_a + 2
    # The same request_id and arguments answer the same; nothing moves twice.
    assert store.orders.cancel_items(order.id, [cc.LineItem("mug", 2)], reason="changed mind",
                                     request_id="c-1") == done
    assert gateway.net_for(order.id) == order.total - back.money
    assert store.check().ok


def test_a_return_is_requested_approved_and_received_one_unit_restocked_one_written_off(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "return.db", clock, gateway)
    order = _place(store)
    _deliver(store, clock, order)
    returns = store.returns

    asked = returns.request(order.id, [cc.LineItem("mug", 2)], reason="chipped",
                            request_id="rma-1")
    assert (asked.status, asked.reason, asked.order_id) == (R.REQUESTED, "chipped", order.id)
    assert asked.items == [cc.ReturnItem(product_id="mug", qty=2)]
    assert returns.request(order.id, [cc.LineItem("mug", 2)], reason="chipped",
                           request_id="rma-1") == asked
    approved = returns.approve(asked.id, note="photo checked")
    assert (approved.status, approved.note) == (R.APPROVED, "photo checked")

    mugs_at_b = sum(level.on_hand for level in store.stock.levels("mug")
                    if level.location_id == "b")
    points_before = store.points.balance("ann")
    got = returns.receive(asked.id, [cc.Inspection(product_id="mug", restock_qty=1,
                                                   write_off_qty=1, location_id="b")])
    assert got.status == R.REFUNDED
    assert got.items == [cc.ReturnItem(product_id="mug", qty=2, restocked=1, written_off=1,
                                       location_id="b")]
    back = got.given_back
    assert back.value == _line(order, "mug").total * 2 // 3
    assert back.money == _money_share(order, back.value)
    assert back.points == back.value - back.money
    assert gateway.net_for(order.id) == order.total - back.money
    assert store.points.balance("ann") == points_before + back.points
    assert _on_hand(store, "mug", "b") == mugs_at_b + 1  # one restocked at b, one written off
    assert returns.get(asked.id) == got
    assert returns.for_order(order.id) == [got]
    mug = _line(store.orders.get(order.id), "mug")
    assert (mug.delivered, mug.returned, mug.given_back) == (3, 2, 2)

    # A rejected return frees its units for another.
    other = returns.request(order.id, [cc.LineItem("tea", 4)], reason="not as pictured")
    assert returns.reject(other.id, reason="opened").status == R.REJECTED
    assert returns.request(order.id, [cc.LineItem("tea", 4)], reason="again").status == R.REQUESTED
    assert store.check().ok


def test_an_exchange_pays_for_its_replacement_and_refunds_the_difference(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "exchange.db", clock, gateway)
    order = _place(store)
    _deliver(store, clock, order)
    returns = store.returns
    with pytest.raises(cc.InvalidArgumentError) as bad:
        returns.request(order.id, [cc.LineItem("mug", 3)], reason="x",
                        replacement=[cc.LineItem("tea", 0)])
    assert bad.value.subject == "replacement[0].qty"

    asked = returns.request(order.id, [cc.LineItem("mug", 3), cc.LineItem("tea", 4)],
                            reason="wrong colour", replacement=[cc.LineItem("tea", 1)])
    assert asked.replacement == [cc.LineItem("tea", 1)]
    returns.approve(asked.id)
    points_before = store.points.balance("ann")
    got = returns.receive(asked.id, [
        cc.Inspection(product_id="mug", restock_qty=3, location_id="a"),
        cc.Inspection(product_id="tea", restock_qty=4, location_id="a")])
    price = 700 + 3000  # the tea and the flat shipping
    value = order.total + order.points_used  # every unit back, the shipping fee with them
    assert value > price
    replacement = store.orders.get(got.replacement_order_id)
    assert replacement.status == cc.OrderStatus.CONFIRMED
    assert (replacement.points_used, replacement.total) == (price, 0)
    assert got.exchange_credit == price
    assert got.exchange_note == ""
    money = _money_share(order, value)
    from_money = min(money, price)
    assert got.given_back.money == money - from_money  # the difference refunded
    assert gateway.net_for(order.id) == order.total - (money - from_money)
    assert store.points.balance("ann") == points_before + got.given_back.points - price
    assert store.check().ok


def test_bad_input_names_the_field_and_changes_nothing(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "bad.db", clock, gateway)
    order = _place(store)
    with pytest.raises(cc.InvalidArgumentError) as too_many:
        store.orders.cancel_items(order.id, [cc.LineItem("mug", 4)])
    assert too_many.value.subject == "items"
    with pytest.raises(cc.InvalidArgumentError) as zero:
        store.orders.cancel_items(order.id, [cc.LineItem("mug", 0)])
    assert zero.value.subject == "items[0].qty"
    with pytest.raises(cc.IllegalTransitionError):  # nothing delivered yet
        store.returns.request(order.id, [cc.LineItem("mug", 1)], reason="early")

    _deliver(store, clock, order)
    with pytest.raises(cc.InvalidArgumentError) as no_reason:
        store.returns.request(order.id, [cc.LineItem("mug", 1)], reason="")
    assert no_reason.value.subject == "reason"
    with pytest.raises(cc.InvalidArgumentError) as beyond:
        store.returns.request(order.id, [cc.LineItem("mug", 4)], reason="broken")
    assert beyond.value.subject == "items"
    with pytest.raises(cc.NotFoundError) as foreign:  # another user's order
        store.returns.request(order.id, [cc.LineItem("mug", 1)], reason="x", user_id="mallory")
    assert foreign.value.subject == order.id
    asked = store.returns.request(order.id, [cc.LineItem("mug", 1)], reason="broken")
    with pytest.raises(cc.IllegalTransitionError):  # not approved yet
        store.returns.receive(asked.id, [cc.Inspection("mug", 1, 0, "a")])
    store.returns.approve(asked.id)
    with pytest.raises(cc.InvalidArgumentError) as short:
        store.returns.receive(asked.id, [cc.Inspection("mug", 0, 0, "a")])
    assert short.value.subject == "inspections"
    with pytest.raises(cc.InvalidArgumentError) as nowhere:
        store.returns.receive(asked.id, [cc.Inspection("mug", 1, 0, "nowhere")])
    assert nowhere.value.subject == "inspections[0].location_id"
    with pytest.raises(cc.NotFoundError):
        store.returns.get("no-such-return")

    assert store.returns.get(asked.id).status == R.APPROVED
    assert store.orders.refunds(order.id) == []
    assert gateway.net_for(order.id) == order.total
    assert store.check().ok


def test_a_return_outside_the_window_is_refused(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    day = 24 * 60 * 60 * 1000
    store = _open(tmp_path / "window.db", clock, gateway, cc.ReturnOptions(window_ms=2 * day))
    order = _place(store)
    _deliver(store, clock, order)
    clock.advance(2 * day + 1)
    with pytest.raises(cc.IllegalTransitionError):
        store.returns.request(order.id, [cc.LineItem("tea", 1)], reason="late")
    assert store.returns.for_order(order.id) == []


def test_a_full_return_refunds_exactly_the_total_and_the_points(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "full.db", clock, gateway)
    order = _place(store, points=1_234)
    points_before = store.points.balance("ann")
    cancelled = store.orders.cancel_items(order.id, [cc.LineItem("tea", 1)]).given_back
    _deliver(store, clock, order)
    money, points = cancelled.money, cancelled.points
    mugs_at_a = _on_hand(store, "mug", "a")
    for items in ([cc.LineItem("mug", 1)], [cc.LineItem("mug", 2), cc.LineItem("tea", 3)]):
        asked = store.returns.request(order.id, items, reason="no longer needed")
        store.returns.approve(asked.id)
        received = store.returns.receive(
            asked.id, [cc.Inspection(i.product_id, i.qty, 0, "a") for i in items])
        assert [(i.restocked, i.written_off) for i in received.items] == [
            (i.qty, 0) for i in items]
        got = received.given_back
        money += got.money
        points += got.points
    assert got.shipping_refunded
    assert _on_hand(store, "mug", "a") == mugs_at_a + 3  # every mug back on the shelf
    assert (money, points) == (order.total, order.points_used)
    assert gateway.net_for(order.id) == 0
    assert store.points.balance("ann") == points_before + order.points_used
    assert store.check().ok


def test_the_shipping_fee_is_kept_when_the_store_says_so(
    tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway
) -> None:
    store = _open(tmp_path / "keep.db", clock, gateway, cc.ReturnOptions(refund_shipping=False))
    order = _place(store, points=0)
    _deliver(store, clock, order)
    items = [cc.LineItem("mug", 3), cc.LineItem("tea", 4)]
    asked = store.returns.request(order.id, items, reason="all of it")
    store.returns.approve(asked.id)
    got = store.returns.receive(
        asked.id, [cc.Inspection(i.product_id, 0, i.qty) for i in items]).given_back
    assert not got.shipping_refunded
    assert (got.money, got.points) == (order.total - order.shipping_fee, 0)
    assert gateway.net_for(order.id) == order.shipping_fee
    assert store.check().ok
