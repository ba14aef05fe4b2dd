"""Value types: constructors, attributes, repr, equality; enums; Page."""

from __future__ import annotations

import pytest

import commerce_core as cc


def test_value_constructor_by_keyword_and_position() -> None:
    a = cc.LineItem(product_id="sku", qty=2)
    b = cc.LineItem("sku", 2)
    assert a == b
    assert a.product_id == "sku" and a.qty == 2
    assert a != cc.LineItem("sku", 3)
    assert a != ("sku", 2)


def test_value_defaults_and_mutation() -> None:
    p = cc.Product(id="x")
    assert p.name == "" and p.price == 0 and p.status == cc.ProductStatus.ACTIVE
    assert p.attributes == "{}"
    p.price = 500
    assert p.price == 500


def test_value_repr_is_readable() -> None:
    r = repr(cc.LineItem("sku-1", 2))
    assert r == "LineItem(product_id='sku-1', qty=2)"
    assert "status=ProductStatus.ACTIVE" in repr(cc.Product(id="x"))


def test_value_constructor_rejects_unknown_and_mistyped_fields() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'quantity'"):
        cc.LineItem(product_id="x", quantity=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="LineItem.qty"):
        cc.LineItem(product_id="x", qty="many")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="multiple values"):
        cc.LineItem("x", product_id="y")  # type: ignore[misc]
    with pytest.raises(TypeError, match="at most 2 positional"):
        cc.LineItem("x", 1, 2)  # type: ignore[call-arg]


def test_values_are_unhashable_because_mutable() -> None:
    with pytest.raises(TypeError):
        hash(cc.LineItem("x", 1))


def test_enum_repr_and_members() -> None:
    assert repr(cc.OrderStatus.CONFIRMED) == "OrderStatus.CONFIRMED"
    assert cc.OrderStatus.CONFIRMED.name == "CONFIRMED"
    assert set(cc.ErrorCode.__members__) == {
        "NOT_FOUND",
        "INVALID_ARGUMENT",
        "FAILED_PRECONDITION",
        "CONFLICT",
        "UNAVAILABLE",
        "INTERNAL",
    }


def test_page_is_iterable_and_sized() -> None:
    page = cc.Page(items=[1, 2, 3], next_cursor="c")
    assert list(page) == [1, 2, 3] and len(page) == 3 and page.has_more
    assert not cc.Page(items=[]).has_more
    assert cc.Page(items=[1]) == cc.Page(items=[1], next_cursor="")


def test_public_names_have_docstrings() -> None:
    undocumented = []
    for name in cc.__all__:
        obj = getattr(cc, name)
        if not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if isinstance(obj, type):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or attr in getattr(obj, "__members__", {}):
                    continue
                if hasattr(obj, "__members__") and attr in ("name", "value"):
                    continue  # pybind11's own enum properties
                if not (getattr(member, "__doc__", None) or "").strip():
                    undocumented.append(f"{name}.{attr}")
    assert undocumented == []


def test_manual_clock() -> None:
    c = cc.ManualClock(1000)
    c.advance(500)
    assert c.now() == 1500
    c.set(42)
    assert c.now() == 42
    assert repr(c) == "ManualClock(42)"
    assert cc.SystemClock().now() > 1_600_000_000_000


def test_new_id_sorts_by_time() -> None:
    a, b = cc.new_id(1000), cc.new_id(2000)
    assert len(a) == 36 and a < b


def test_all_lists_every_public_name_of_the_extension() -> None:
    import importlib

    core = importlib.import_module("commerce_core._core")
    public = {n for n in vars(core) if not n.startswith("_")}
    assert public <= set(cc.__all__)
    assert all(hasattr(cc, n) for n in cc.__all__)


def test_all_lists_every_public_name_of_the_module_and_the_package() -> None:
    """__all__ is written once (in the package); it must name everything the module defines."""
    from commerce_core import _core

    module_names = set(_core.__all__)
    assert module_names == {name for name in vars(_core) if not name.startswith("_")}
    python_names = {"Page"} | {
        name for name, obj in vars(cc).items()
        if isinstance(obj, type) and issubclass(obj, cc.CommerceError)
    }
    assert sorted(cc.__all__) == sorted(module_names | python_names)
    assert len(cc.__all__) == len(set(cc.__all__))
