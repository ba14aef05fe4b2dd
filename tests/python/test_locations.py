"""Stock locations: levels per location, split reservations, transfers, thresholds, backorders."""

from __future__ import annotations

import pytest

import commerce_core as cc


def _spread(store: cc.Store) -> None:
    """mug: 1 unit at "default", 2 at "north" (priority 1, region eu)."""
    store.catalog.create(id="mug", name="Mug", price=0, initial_stock=1)
    north = store.locations.create("north", "North", priority=1, region="eu")
    assert north.active and north.region == "eu"
    store.stock.adjust("mug", 2, "seed", location_id="north")


def test_a_line_splits_across_locations_and_levels_show_each(store: cc.Store) -> None:
    _spread(store)
    assert [l.id for l in store.locations.list()] == ["default", "north"]
    rows = store.stock.reserve("o1", [cc.LineItem(product_id="mug", qty=3)])
    assert [(r.location_id, r.qty, r.backordered) for r in rows] == [
        ("default", 1, 0),
        ("north", 2, 0),
    ]
    assert store.stock.level("mug").available == 0
    levels = {l.location_id: l for l in store.stock.levels("mug")}
    assert levels["north"].reserved == 2 and levels["default"].reserved == 1
    with pytest.raises(cc.OutOfStockError) as e:
        store.stock.reserve("o2", [cc.LineItem(product_id="mug", qty=1)])
    assert e.value.subject == "mug"


def test_transfers_thresholds_backorders_and_bad_input(store: cc.Store) -> None:
    _spread(store)
    t = store.stock.transfer("mug", "north", "default", 2, "rebalance")
    assert (t.from_location_id, t.to_location_id, t.qty) == ("north", "default", 2)
    with pytest.raises(cc.InvalidArgumentError) as e:
        store.stock.transfer("mug", "north", "default", 1, "nothing left")
    assert e.value.subject == "qty"
    with pytest.raises(cc.InvalidArgumentError) as e:
        store.stock.set_low_threshold("mug", "default", -1)
    assert e.value.subject == "low_threshold"
    assert store.stock.set_low_threshold("mug", "default", 2).low_threshold == 2
    assert store.stock.set_backorder_limit("mug", "north", 1).backorder_room == 1
    store.locations.update("default", active=False)
    rows = store.stock.reserve("o1", [cc.LineItem(product_id="mug", qty=1)])
    assert (rows[0].location_id, rows[0].backordered) == ("north", 1)
    order = store.orders.place("u1", [cc.LineItem(product_id="mug", qty=1)], region="eu")
    assert order.region == "eu" and order.status == cc.OrderStatus.FAILED


def test_an_order_says_when_part_of_it_is_backordered(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=0, initial_stock=1)
    store.catalog.create(id="tee", name="Tee", price=0, initial_stock=5)
    store.stock.set_backorder_limit("mug", "default", 1)
    partly = store.orders.place("u1", [cc.LineItem(product_id="mug", qty=2),
                                       cc.LineItem(product_id="tee", qty=1)])
    assert partly.status == cc.OrderStatus.CONFIRMED, partly.failure_reason
    for order in (partly, store.orders.get(partly.id)):
        assert order.backordered
        assert [(i.product_id, i.backordered) for i in order.items] == [("mug", 1), ("tee", 0)]
    in_stock = store.orders.place("u2", [cc.LineItem(product_id="tee", qty=1)])
    assert not in_stock.backordered and in_stock.items[0].backordered == 0
