"""Shipping addresses and the erasure of personal data (issue 19): Address, PlaceOrder's and
Cart's address, OrderBook.erase_personal_data*, and Store.compact() with personal_data_ms."""

from __future__ import annotations

from pathlib import Path

import pytest

import commerce_core as cc

DAY = 86_400_000


def _home() -> cc.Address:
    return cc.Address(name="Kim Minji", phone="+82 10-1234-5678", line1="123 Teheran-ro",
                      city="Seoul", postal_code="06236", country="KR")


def test_an_order_keeps_its_address_until_it_is_erased(shop: cc.Store,
                                                       clock: cc.ManualClock) -> None:
    order = shop.orders.place("ann", [cc.LineItem("mug", 1)], shipping_address=_home(),
                              request_id="req-ann")
    assert order.shipping_address == _home()
    assert order.personal_data_erased_at == 0
    assert shop.orders.place("bob", [cc.LineItem("mug", 1)]).shipping_address is None
    # In flight: refused, nothing changed.
    with pytest.raises(cc.IllegalTransitionError) as refused:
        shop.orders.erase_personal_data(order.id)
    assert refused.value.subject == order.id
    shop.orders.ship(order.id)
    delivered = shop.orders.deliver(order.id)
    clock.advance(40 * DAY)
    assert shop.orders.erase_personal_data_before(clock.now() - 30 * DAY, limit=10) == 1
    erased = shop.orders.get(order.id)
    assert erased.shipping_address is None
    assert erased.personal_data_erased_at == clock.now()
    assert (erased.total, erased.status, erased.items) == (delivered.total, delivered.status,
                                                          delivered.items)
    assert shop.orders.erase_personal_data(order.id) == erased  # idempotent
    # The placement still replays by its request_id.
    assert shop.orders.place("ann", [cc.LineItem("mug", 1)], shipping_address=_home(),
                             request_id="req-ann").id == order.id
    assert shop.check().ok


def test_a_bad_address_field_is_named(shop: cc.Store) -> None:
    bad = _home()
    bad.country = "kr"
    with pytest.raises(cc.InvalidArgumentError) as e:
        shop.orders.place("ann", [cc.LineItem("mug", 1)], shipping_address=bad)
    assert e.value.subject == "shipping_address.country"
    assert "Kim Minji" not in str(e.value)
    bad = _home()
    bad.phone = "call me"
    with pytest.raises(cc.InvalidArgumentError) as e:
        shop.orders.place("ann", [cc.LineItem("mug", 1)], shipping_address=bad)
    assert e.value.subject == "shipping_address.phone"
    assert shop.orders.list_for_user("ann").items == []
    with pytest.raises(cc.InvalidArgumentError):
        shop.orders.erase_personal_data_before(0, limit=0)


def test_a_carts_address_goes_to_its_order_and_compaction_erases_it(
        tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway) -> None:
    store = cc.Store.open(tmp_path / "pii.db", clock=clock, gateway=gateway,
                          retention=cc.RetentionOptions(personal_data_ms=30 * DAY))
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=10)
    cart = store.carts.open_for_user("ann")
    store.carts.add(cart.id, "mug", 1, user_id="ann")
    assert store.carts.set_shipping_address(cart.id, _home(),
                                            user_id="ann").shipping_address == _home()
    order = store.carts.checkout(cart.id, user_id="ann")
    assert order.shipping_address == _home()
    store.orders.cancel(order.id)
    clock.advance(31 * DAY)
    report = store.compact()
    assert (report.orders_erased, report.carts_erased) == (1, 1)
    assert store.orders.get(order.id).shipping_address is None
    assert store.carts.get(cart.id, user_id="ann").shipping_address is None
    assert store.check().ok
