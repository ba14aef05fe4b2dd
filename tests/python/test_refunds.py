"""Partial refunds (OrderBook.refund) through the fake gateway and a Python gateway."""

from __future__ import annotations

from pathlib import Path

import pytest

import commerce_core as cc


def test_partial_refunds_add_up_to_the_payment(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    order = shop.orders.place("alice", [cc.LineItem("mug", 1)])
    first = shop.orders.refund(order.id, 2_000, reason="scratched", request_id="r-1")
    assert (first.status, first.amount, first.reason) == (cc.RefundStatus.APPROVED, 2_000,
                                                          "scratched")
    assert shop.orders.refund(order.id, 2_000, reason="scratched", request_id="r-1") == first
    with pytest.raises(cc.InvalidArgumentError) as above:
        shop.orders.refund(order.id, 10_001)
    assert above.value.subject == "amount"
    rest = shop.orders.refund(order.id, 10_000)
    assert shop.orders.refunds(order.id) == [first, rest]
    assert gateway.net_for(order.id) == 0 and gateway.refunds_for(order.id) == 2
    assert shop.check().ok


class WholeOnlyGateway(cc.PaymentGateway):
    """A Python gateway that charges and refunds only whole payments (no refund_part)."""

    def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED, reference="ch-1")

    def authorize(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        return self.charge(request)

    def capture(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED)

    def void_payment(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED)

    def refund(self, idempotency_key: str, amount: int, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED)

    def status(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED)


class PartialGateway(WholeOnlyGateway):
    """A Python gateway that refunds in part too, keeping its own ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.refunds: dict[str, int] = {}

    def refund_part(self, payment_key: str, refund_key: str, amount: int,
                    timeout_ms: int) -> cc.PaymentResult:
        self.refunds[refund_key] = amount
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED, reference="re-" + refund_key)


def test_a_python_gateway_refunds_in_part(tmp_path: Path) -> None:
    gw = PartialGateway()
    s = cc.Store.open(tmp_path / "py.db", gateway=gw, attempts=1)
    s.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=5)
    order = s.orders.place("alice", [cc.LineItem("mug", 1)])
    refund = s.orders.refund(order.id, 500)
    assert refund.status == cc.RefundStatus.APPROVED
    assert refund.reference == "re-" + refund.id
    assert gw.refunds == {refund.id: 500}


def test_a_python_gateway_without_refund_part_declines(tmp_path: Path) -> None:
    s = cc.Store.open(tmp_path / "py.db", gateway=WholeOnlyGateway(), attempts=1)
    s.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=5)
    order = s.orders.place("alice", [cc.LineItem("mug", 1)])
    refund = s.orders.refund(order.id, 500)
    assert refund.status == cc.RefundStatus.DECLINED
    assert "no partial refunds" in refund.message
    assert s.check().ok
