"""Variants through the Python API: a product with option axes sold through its variants."""

from __future__ import annotations

import pytest

import commerce_core as cc


def _tee(store: cc.Store) -> None:
    store.catalog.create(
        id="tee",
        name="Tee",
        price=20_000,
        axes=[cc.OptionAxis("size", ["S", "M", "L"]), cc.OptionAxis("colour", ["red", "blue"])],
    )


def test_variants_are_products_with_a_parent(store: cc.Store) -> None:
    _tee(store)
    assert store.catalog.get("tee").axes[0] == cc.OptionAxis(name="size", values=["S", "M", "L"])
    red = store.catalog.add_variant(
        "tee", id="tee-m-red", options={"size": "M", "colour": "red"}, price=21_000,
        initial_stock=3,
    )
    assert (red.parent_id, red.options, red.name) == (
        "tee", {"colour": "red", "size": "M"}, "Tee (M, red)")
    store.catalog.add_variant("tee", id="tee-s-blue", options={"size": "S", "colour": "blue"},
                              price=21_000, name="Small blue tee")
    page = store.catalog.variants("tee")
    assert [(v.variant.id, v.available) for v in page] == [("tee-m-red", 3), ("tee-s-blue", 0)]
    assert [p.id for p in store.catalog.list(options={"colour": "red"})] == ["tee-m-red"]
    assert [p.id for p in store.catalog.list(parent_id="")] == ["tee"]
    assert [p.id for p in store.catalog.list(parent_id="tee")] == ["tee-m-red", "tee-s-blue"]


def test_bad_options_are_refused_naming_options(store: cc.Store) -> None:
    _tee(store)
    store.catalog.add_variant("tee", id="a", options={"size": "M", "colour": "red"}, price=1)
    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.catalog.add_variant("tee", id="b", options={"size": "XL", "colour": "red"}, price=1)
    assert bad.value.subject == "options"
    with pytest.raises(cc.FailedPreconditionError) as taken:
        store.catalog.add_variant("tee", id="b", options={"size": "M", "colour": "red"}, price=1)
    assert taken.value.subject == "options"
    assert [v.variant.id for v in store.catalog.variants("tee")] == ["a"]


def test_a_variant_is_ordered_and_its_parent_is_not(shop: cc.Store) -> None:
    _tee(shop)
    shop.catalog.add_variant("tee", id="tee-m-red", options={"size": "M", "colour": "red"},
                             price=21_000, initial_stock=3)
    order = shop.orders.place("alice", [cc.LineItem("tee-m-red", 2)])
    assert order.status == cc.OrderStatus.CONFIRMED
    assert order.items[0].name == "Tee (M, red)"
    assert shop.stock.level("tee-m-red").sold == 2
    with pytest.raises(cc.FailedPreconditionError) as refused:
        shop.orders.place("alice", [cc.LineItem("tee", 1)])
    assert refused.value.subject == "tee"
    assert shop.check().ok
