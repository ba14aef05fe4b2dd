"""Variants through the Python API: a product with option axes sold through its variants."""

from __future__ import annotations

import pytest

import commerce_core as cc


def _shirt(store: cc.Store) -> None:
    store.catalog.create(
        id="shirt",
        name="Shirt",
        price=20_000,
        axes=[cc.OptionAxis("size", ["S", "M", "L"]), cc.OptionAxis("colour", ["red", "blue"])],
    )


def test_variants_are_products_with_a_parent(store: cc.Store) -> None:
    _shirt(store)
    size = cc.OptionAxis(name="size", values=["S", "M", "L"])
    assert store.catalog.get("shirt").axes[0] == size
    red = store.catalog.add_variant(
        "shirt", id="shirt-m-red", options={"size": "M", "colour": "red"}, price=21_000,
        initial_stock=3,
    )
    assert (red.parent_id, red.options, red.name) == (
        "shirt", {"colour": "red", "size": "M"}, "Shirt (M, red)")
    store.catalog.add_variant("shirt", id="shirt-s-blue",
                              options={"size": "S", "colour": "blue"}, price=21_000,
                              name="Small blue shirt")
    page = store.catalog.variants("shirt")
    assert [(v.variant.id, v.available) for v in page] == [
        ("shirt-m-red", 3), ("shirt-s-blue", 0)]
    assert [p.id for p in store.catalog.list(options={"colour": "red"})] == ["shirt-m-red"]
    assert [p.id for p in store.catalog.list(parent_id="")] == ["shirt"]
    variants = store.catalog.list(parent_id="shirt")
    assert [p.id for p in variants] == ["shirt-m-red", "shirt-s-blue"]


def test_bad_options_are_refused_naming_options(store: cc.Store) -> None:
    _shirt(store)
    store.catalog.add_variant("shirt", id="a", options={"size": "M", "colour": "red"}, price=1)
    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.catalog.add_variant("shirt", id="b", options={"size": "XL", "colour": "red"},
                                  price=1)
    assert bad.value.subject == "options"
    with pytest.raises(cc.FailedPreconditionError) as taken:
        store.catalog.add_variant("shirt", id="b", options={"size": "M", "colour": "red"},
                                  price=1)
    assert taken.value.subject == "options"
    assert [v.variant.id for v in store.catalog.variants("shirt")] == ["a"]


def test_a_variant_is_ordered_and_its_parent_is_not(shop: cc.Store) -> None:
    _shirt(shop)
    shop.catalog.add_variant("shirt", id="shirt-m-red", options={"size": "M", "colour": "red"},
                             price=21_000, initial_stock=3)
    order = shop.orders.place("alice", [cc.LineItem("shirt-m-red", 2)])
    assert order.status == cc.OrderStatus.CONFIRMED
    assert order.items[0].name == "Shirt (M, red)"
    assert shop.stock.level("shirt-m-red").sold == 2
    with pytest.raises(cc.FailedPreconditionError) as refused:
        shop.orders.place("alice", [cc.LineItem("shirt", 1)])
    assert refused.value.subject == "shirt"
    assert shop.check().ok
