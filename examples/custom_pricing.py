"""Shipping and tax written in Python, and a quote the order keeps to.

A store is given its shipping options (built-in or the host's own) and a tax calculator; the
buyer is shown OrderBook.quote() and the order placed from it has the same lines and amounts
(docs/pricing.md). An exception inside a host option is refused as InvalidArgumentError naming
"shipping_option", writing nothing.

    python examples/custom_pricing.py [DIRECTORY]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import commerce_core as cc


class Courier(cc.ShippingOption):
    """3,000 per started 2 kg; islands pay double; its fee is taxed as "standard"."""

    def id(self) -> str:
        return "courier"

    def fee(self, input: cc.ShippingInput) -> int:
        if input.region == "moon":
            raise LookupError("no route to the moon")
        parcels = max(1, -(-input.weight_grams // 2_000))
        return 3_000 * parcels * (2 if input.region == "island" else 1)


class SalesTax(cc.TaxCalculator):
    """8% added on top; food 0%; rounded down."""

    def mode(self) -> cc.TaxMode:
        return cc.TaxMode.EXCLUSIVE

    def tax(self, amounts: list[cc.TaxableAmount], region: str) -> list[int]:
        return [0 if a.tax_class == "food" else a.amount * 8 // 100 for a in amounts]


def main(directory: Path) -> int:
    store = cc.Store.open(directory / "pricing.db", gateway=cc.FakeGateway(),
                          shipping_options=[Courier(), cc.flat_shipping("pickup", 0)],
                          tax_calculator=SalesTax())
    store.catalog.create(id="kettle", name="Kettle", price=45_000, initial_stock=5,
                         attributes=json.dumps({"weight_g": 1_500}))
    store.catalog.create(id="tea", name="Tea", price=8_000, initial_stock=50,
                         attributes=json.dumps({"weight_g": 250, "tax_class": "food"}))
    items = [cc.LineItem("kettle", 1), cc.LineItem("tea", 3)]
    quote = store.orders.quote("alice", items, shipping_option="courier", region="island")
    for line in quote.lines:
        print(f"{line.product_id}: {line.qty} x {line.unit_price}, tax {line.tax}, "
              f"total {line.total}")
    print(f"quote: shipping {quote.shipping_fee}, tax {quote.tax}, total {quote.total}")
    order = store.orders.place("alice", items, shipping_option="courier", region="island")
    same = [(i.product_id, i.tax, i.total) for i in order.items] == [
        (l.product_id, l.tax, l.total) for l in quote.lines] and order.total == quote.total
    print(f"order: {order.status.name}, total {order.total}, as quoted: {same}")
    try:
        store.orders.quote("alice", items, shipping_option="courier", region="moon")
    except cc.InvalidArgumentError as e:
        print(f"to the moon: InvalidArgumentError naming {e.subject!r}")
    return 0 if same and order.status == cc.OrderStatus.CONFIRMED else 1


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(main(Path(sys.argv[1])))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(main(Path(tmp)))
