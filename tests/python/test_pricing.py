"""The pricing pipeline from Python: shipping options and tax calculators (built in and written
in Python), OrderBook.quote() and the breakdown a placed order keeps (docs/pricing.md)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import commerce_core as cc
from conftest import T0

DAY = 86_400_000


class ParcelShipping(cc.ShippingOption):
    """A host option: 2,500 per started kilogram, double to the "island" region; its fee is taxed
    under the class "shipping"."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[cc.ShippingInput] = []

    def id(self) -> str:
        return "parcel"

    def tax_class(self) -> str:
        return "shipping"

    def fee(self, input: cc.ShippingInput) -> int:
        self.inputs.append(input)
        kilograms = -(-input.weight_grams // 1000)
        return 2_500 * kilograms * (2 if input.region == "island" else 1)


class HostTax(cc.TaxCalculator):
    """A host calculator: 10% on "standard", 5% on "shipping", rounded down; books untaxed."""

    RATES = {"standard": 10, "shipping": 5}

    def __init__(self, mode: cc.TaxMode) -> None:
        super().__init__()
        self._mode = mode
        self.calls = 0

    def mode(self) -> cc.TaxMode:
        return self._mode

    def tax(self, amounts: list[cc.TaxableAmount], region: str) -> list[int]:
        self.calls += 1
        out = []
        for a in amounts:
            rate = self.RATES.get(a.tax_class, 0)
            if self._mode == cc.TaxMode.INCLUSIVE:
                out.append(a.amount * rate // (100 + rate))
            else:
                out.append(a.amount * rate // 100)
        return out


class BrokenShipping(cc.ShippingOption):
    def id(self) -> str:
        return "broken"

    def fee(self, input: cc.ShippingInput) -> int:
        raise RuntimeError("the carrier's rate service is down")


class NoIslandShipping(cc.ShippingOption):
    """Refuses an order with a CommerceError, which keeps its code and subject."""

    def id(self) -> str:
        return "mainland"

    def fee(self, input: cc.ShippingInput) -> int:
        if input.region == "island":
            raise cc.InvalidArgumentError("no delivery to islands", subject="region")
        return 3_000


class BrokenTax(cc.TaxCalculator):
    def __init__(self, answer: str) -> None:
        super().__init__()
        self.answer = answer

    def mode(self) -> cc.TaxMode:
        return cc.TaxMode.EXCLUSIVE

    def tax(self, amounts: list[cc.TaxableAmount], region: str) -> list[int]:
        if self.answer == "raise":
            raise ZeroDivisionError("rates not loaded")
        if self.answer == "short":
            return [0] * (len(amounts) - 1)
        return [-1] * len(amounts)


PRODUCTS = [
    # id, price, stock, attributes
    ("mug", 12_000, 50, {"weight_g": 350}),
    ("tee", 25_000, 50, {"weight_g": 200}),
    ("book", 17_900, 50, {"weight_g": 600, "tax_class": "books"}),
    ("pen", 1_333, 50, {"weight_g": 15}),
]


def _shop(tmp_path: Path, name: str, gateway: cc.FakeGateway,
          calculator: cc.TaxCalculator | None,
          options: list[cc.ShippingOption] | None = None) -> cc.Store:
    if options is None:
        options = [
            cc.flat_shipping("flat", 3_000),
            cc.free_shipping_above("free50", 3_000, 50_000),
            cc.weight_shipping("weight",
                               [cc.WeightTier(1_000, 3_000), cc.WeightTier(5_000, 5_000)]),
            ParcelShipping(),
        ]
    store = cc.Store.open(tmp_path / name, clock=cc.ManualClock(T0), gateway=gateway, attempts=1,
                          shipping_options=options, tax_calculator=calculator)
    for product_id, price, stock, attributes in PRODUCTS:
        store.catalog.create(id=product_id, name=product_id.title(), price=price,
                             initial_stock=stock, attributes=json.dumps(attributes))
    store.points.charge("alice", 1_000_000)
    store.coupons.create_template(code="OFF1001", kind=cc.CouponKind.FIXED, value=1_001,
                                  valid_from=T0, valid_until=T0 + DAY, total_limit=100,
                                  per_user_limit=10)
    return store


def _assert_order_is_quote(quote: cc.Quote, order: cc.Order) -> None:
    line_fields = ("product_id", "name", "unit_price", "qty", "line_total", "discount",
                   "tax_class", "tax", "total")
    assert [[getattr(line, f) for f in line_fields] for line in quote.lines] == [
        [getattr(item, f) for f in line_fields] for item in order.items
    ]
    for f in ("subtotal", "discount", "coupon_applied", "coupon_note", "shipping_option",
              "shipping_fee", "shipping_tax", "tax", "tax_included", "points_used", "total"):
        assert getattr(quote, f) == getattr(order, f), f


def _assert_sums(q: cc.Quote) -> None:
    assert sum(line.line_total for line in q.lines) == q.subtotal
    assert sum(line.discount for line in q.lines) == q.discount
    assert sum(line.tax for line in q.lines) + q.shipping_tax == q.tax
    for line in q.lines:
        added = 0 if q.tax_included else line.tax
        assert line.total == line.line_total - line.discount + added
    shipping = q.shipping_fee + (0 if q.tax_included else q.shipping_tax)
    assert sum(line.total for line in q.lines) + shipping - q.points_used == q.total


CARTS = [
    # lines, shipping option, coupon, points, region
    ([("mug", 1)], "", False, 0, ""),
    ([("mug", 2), ("pen", 3)], "flat", True, 0, ""),
    ([("tee", 1), ("book", 2), ("pen", 7)], "free50", True, 5_000, ""),
    ([("mug", 3), ("book", 1)], "weight", False, 1_234, ""),
    ([("mug", 1), ("tee", 2), ("book", 1), ("pen", 1)], "parcel", True, 0, "island"),
]


@pytest.mark.parametrize("mode", [cc.TaxMode.INCLUSIVE, cc.TaxMode.EXCLUSIVE],
                         ids=["inclusive", "exclusive"])
@pytest.mark.parametrize("host_tax", [False, True], ids=["rate_table_tax", "host_tax"])
def test_the_placed_order_is_what_the_quote_said(tmp_path: Path, mode: cc.TaxMode,
                                                 host_tax: bool) -> None:
    gateway = cc.FakeGateway()
    calculator = (HostTax(mode) if host_tax else
                  cc.rate_table_tax({"standard": 1_000, "shipping": 500}, mode))
    store = _shop(tmp_path, "shop.db", gateway, calculator)
    for n, (lines, shipping, with_coupon, points, region) in enumerate(CARTS):
        coupon = store.coupons.issue("OFF1001", "alice").id if with_coupon else ""
        items = [cc.LineItem(p, q) for p, q in lines]
        quote = store.orders.quote("alice", items, coupon_id=coupon, points_to_use=points,
                                   shipping_option=shipping, region=region)
        _assert_sums(quote)
        assert quote.tax_included == (mode == cc.TaxMode.INCLUSIVE)
        assert quote.coupon_applied == with_coupon and quote.discount == (1_001 if coupon else 0)
        order = store.orders.place("alice", items, coupon_id=coupon, points_to_use=points,
                                   shipping_option=shipping, region=region, request_id=f"r{n}")
        assert order.status == cc.OrderStatus.CONFIRMED, order.failure_reason
        _assert_order_is_quote(quote, order)
        assert gateway.net_for(order.id) == order.total
        assert store.orders.get(order.id) == order  # the breakdown is kept
        # The book is untaxed; other lines are taxed.
        for line in quote.lines:
            assert (line.tax == 0) == (line.tax_class == "books"), line
    if isinstance(calculator, HostTax):
        assert calculator.calls == 2 * len(CARTS)  # one call per quote and per placement
    assert store.check().ok


def test_a_host_shipping_option_gets_the_goods_amount_weight_and_region(tmp_path: Path) -> None:
    parcel = ParcelShipping()
    store = _shop(tmp_path, "shop.db", cc.FakeGateway(), None, [parcel])
    assert [o.id() for o in store.shipping_options] == ["parcel"]
    assert store.shipping_options[0] is parcel
    assert store.tax_calculator.mode() == cc.TaxMode.INCLUSIVE  # korean_vat()
    coupon = store.coupons.issue("OFF1001", "alice").id
    quote = store.orders.quote("alice", [cc.LineItem("mug", 2), cc.LineItem("book", 1)],
                               coupon_id=coupon, shipping_option="parcel", region="island")
    assert parcel.inputs[-1] == cc.ShippingInput(goods_amount=2 * 12_000 + 17_900 - 1_001,
                                                 weight_grams=2 * 350 + 600, region="island")
    assert quote.shipping_fee == 2 * 2_500 * 2
    # korean_vat(): 10% of "standard" included; "shipping" and "books" have no rate there.
    assert quote.shipping_tax == 0
    mug = quote.lines[1]
    taxed = mug.line_total - mug.discount
    assert mug.product_id == "mug" and mug.tax == (2 * taxed + 11) // 22  # x / 11, half up


def test_built_in_options_and_calculators() -> None:
    heavy = cc.ShippingInput(goods_amount=60_000, weight_grams=6_000)
    assert cc.flat_shipping("flat", 3_000).fee(heavy) == 3_000
    assert cc.flat_shipping("flat", 3_000).tax_class() == "standard"
    assert cc.free_shipping_above("free", 3_000, 50_000).fee(heavy) == 0
    assert cc.free_shipping_above("free", 3_000, 70_000).fee(heavy) == 3_000
    tiers = cc.weight_shipping("w", [cc.WeightTier(1_000, 3_000), cc.WeightTier(6_000, 5_000)])
    assert tiers.fee(heavy) == 5_000 and tiers.id() == "w"
    with pytest.raises(cc.InvalidArgumentError) as raised:
        cc.weight_shipping("w", [cc.WeightTier(1_000, 3_000)]).fee(heavy)
    assert raised.value.subject == "shipping_option"
    with pytest.raises(cc.InvalidArgumentError) as raised:
        cc.weight_shipping("w", [cc.WeightTier(2_000, 1), cc.WeightTier(1_000, 2)])
    assert raised.value.subject == "tiers.up_to_grams"
    with pytest.raises(cc.InvalidArgumentError):
        cc.flat_shipping("", 3_000)

    amounts = [cc.TaxableAmount("p", "standard", 11_000), cc.TaxableAmount("p", "standard", 5),
               cc.TaxableAmount("", "none", 100)]
    inclusive = cc.rate_table_tax({"standard": 1_000}, cc.TaxMode.INCLUSIVE)
    assert inclusive.tax(amounts, "") == [1_000, 0, 0]  # 5 x 1000 / 11000 = 0.45 -> 0
    exclusive = cc.rate_table_tax({"standard": 1_000}, cc.TaxMode.EXCLUSIVE)
    assert exclusive.tax(amounts, "") == [1_100, 1, 0]  # 5 x 0.1 = 0.5 -> 1 (half up)
    assert exclusive.mode() == cc.TaxMode.EXCLUSIVE
    assert repr(exclusive.mode()) == "TaxMode.EXCLUSIVE"
    assert cc.korean_vat().tax(amounts, "") == inclusive.tax(amounts, "")
    with pytest.raises(cc.InvalidArgumentError) as raised:
        cc.rate_table_tax({"standard": 100_001}, cc.TaxMode.INCLUSIVE)
    assert raised.value.subject == "rates"


def _nothing_written(store: cc.Store, gateway: cc.FakeGateway) -> None:
    assert store.orders.list_for_user("alice").items == []
    assert store.stock.level("mug").available == 50
    assert store.points.balance("alice") == 1_000_000
    assert gateway.total_charges() == 0
    assert store.check().ok


def test_a_python_exception_in_a_host_option_is_the_documented_error(tmp_path: Path) -> None:
    gateway = cc.FakeGateway()
    store = _shop(tmp_path, "shop.db", gateway, HostTax(cc.TaxMode.EXCLUSIVE),
                  [BrokenShipping(), NoIslandShipping()])
    items = [cc.LineItem("mug", 1)]
    for call in (store.orders.quote, store.orders.place):
        with pytest.raises(cc.InvalidArgumentError) as raised:
            call("alice", items, points_to_use=100, shipping_option="broken")
        assert raised.value.subject == "shipping_option"
        assert "RuntimeError" in str(raised.value) and "rate service is down" in str(raised.value)
        # A CommerceError raised by the option keeps its code and subject.
        with pytest.raises(cc.InvalidArgumentError) as raised:
            call("alice", items, shipping_option="mainland", region="island")
        assert raised.value.subject == "region"
    assert store.orders.quote("alice", items, shipping_option="mainland").shipping_fee == 3_000
    _nothing_written(store, gateway)


@pytest.mark.parametrize("answer", ["raise", "short", "negative"])
def test_a_host_tax_calculators_failure_or_bad_answer_names_tax_calculator(
        tmp_path: Path, answer: str) -> None:
    gateway = cc.FakeGateway()
    store = _shop(tmp_path, "shop.db", gateway, BrokenTax(answer))
    for call in (store.orders.quote, store.orders.place):
        with pytest.raises(cc.InvalidArgumentError) as raised:
            call("alice", [cc.LineItem("mug", 1)], points_to_use=100, shipping_option="flat")
        assert raised.value.subject == "tax_calculator"
    _nothing_written(store, gateway)


def test_an_unknown_shipping_option_names_shipping_option(tmp_path: Path) -> None:
    gateway = cc.FakeGateway()
    store = _shop(tmp_path, "shop.db", gateway, None)
    for call in (store.orders.quote, store.orders.place):
        with pytest.raises(cc.InvalidArgumentError) as raised:
            call("alice", [cc.LineItem("mug", 1)], shipping_option="drone")
        assert raised.value.subject == "shipping_option"
        assert "drone" in str(raised.value)
    _nothing_written(store, gateway)
    with pytest.raises(cc.InvalidArgumentError) as raised:
        cc.Store.open(tmp_path / "twice.db",
                      shipping_options=[cc.flat_shipping("a", 1), cc.flat_shipping("a", 2)])
    assert raised.value.subject == "shipping_options"


def test_host_plugins_answer_quotes_from_many_threads(tmp_path: Path) -> None:
    """quote() releases the GIL; the host option and calculator take it back for each call."""
    store = _shop(tmp_path, "shop.db", cc.FakeGateway(), HostTax(cc.TaxMode.EXCLUSIVE))
    items = [cc.LineItem("mug", 2), cc.LineItem("book", 1)]
    expected = store.orders.quote("alice", items, shipping_option="parcel")
    with ThreadPoolExecutor(max_workers=4) as pool:
        quotes = list(pool.map(
            lambda _: store.orders.quote("alice", items, shipping_option="parcel"), range(40)))
    assert all(q == expected for q in quotes)
