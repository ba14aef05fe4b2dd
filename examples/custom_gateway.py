"""A payment gateway written in Python.

The library calls the gateway from its own threads with an idempotency key per payment; the
gateway must apply at most one charge per key and answer status(key) truthfully. This one
keeps an in-memory ledger and declines amounts above a limit, standing in for a real provider's
HTTP API. An exception raised inside it (a bug, a network error) never crashes the host: the
library treats it as a transport failure, asks status() and compensates the order.

    python examples/custom_gateway.py [DIRECTORY]
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

import commerce_core as cc


class LimitGateway(cc.PaymentGateway):
    """Approves charges up to `limit` minor units; keeps one ledger entry per key."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.lock = threading.Lock()
        self.ledger: dict[str, tuple[str, int]] = {}  # key -> (state, amount)

    def _result(self, outcome: cc.PaymentOutcome, message: str = "") -> cc.PaymentResult:
        return cc.PaymentResult(outcome=outcome, message=message)

    def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        with self.lock:
            if request.idempotency_key in self.ledger:  # a retry: answer the first outcome
                state, _ = self.ledger[request.idempotency_key]
                ok = state == "captured"
                return self._result(cc.PaymentOutcome.APPROVED if ok else cc.PaymentOutcome.DECLINED)
            if request.amount > self.limit:
                self.ledger[request.idempotency_key] = ("declined", 0)
                return self._result(cc.PaymentOutcome.DECLINED, f"over the {self.limit} limit")
            self.ledger[request.idempotency_key] = ("captured", request.amount)
            return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED,
                                    reference=f"lim-{len(self.ledger)}")

    def authorize(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        return self._result(cc.PaymentOutcome.DECLINED, "authorize-only is not supported")

    def capture(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return self._result(cc.PaymentOutcome.DECLINED, "nothing to capture")

    def void_payment(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        with self.lock:
            state, amount = self.ledger.get(idempotency_key, ("voided", 0))
            if state == "captured":
                return self._result(cc.PaymentOutcome.DECLINED, "captured: refund instead")
            self.ledger[idempotency_key] = ("voided", 0)
            return self._result(cc.PaymentOutcome.APPROVED)

    def refund(self, idempotency_key: str, amount: int, timeout_ms: int) -> cc.PaymentResult:
        with self.lock:
            state, held = self.ledger.get(idempotency_key, ("unknown", 0))
            if state == "refunded":
                return self._result(cc.PaymentOutcome.APPROVED)
            if state != "captured":
                return self._result(cc.PaymentOutcome.DECLINED, "no capture for this key")
            self.ledger[idempotency_key] = ("refunded", held)
            return self._result(cc.PaymentOutcome.APPROVED)

    def status(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        with self.lock:
            if idempotency_key not in self.ledger:
                return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED, known=False)
            state, _ = self.ledger[idempotency_key]
            approved = state in ("captured", "refunded")
            return self._result(cc.PaymentOutcome.APPROVED if approved else cc.PaymentOutcome.DECLINED)


class FlakyGateway(LimitGateway):
    """Raises on every charge, like a client library with a bug."""

    def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        raise ConnectionResetError("provider closed the connection")


def main(directory: Path) -> int:
    gateway = LimitGateway(limit=50_000)
    store = cc.Store.open(directory / "gateway.db", gateway=gateway)
    store.catalog.create(id="lamp", name="Lamp", price=30_000, initial_stock=10)

    ok = store.orders.place("alice", [cc.LineItem("lamp", 1)])
    too_much = store.orders.place("bob", [cc.LineItem("lamp", 2)])
    print(f"alice: {ok.status.name}; bob: {too_much.status.name} ({too_much.failure_reason})")
    refunded = store.orders.cancel(ok.id, reason="customer request")
    print(f"alice cancelled: {refunded.status.name}; ledger: {sorted(s for s, _ in gateway.ledger.values())}")

    flaky_store = cc.Store.open(directory / "flaky.db", gateway=FlakyGateway(limit=50_000),
                                attempts=2, backoff_initial_ms=1, backoff_max_ms=5)
    flaky_store.catalog.create(id="lamp", name="Lamp", price=30_000, initial_stock=1)
    order = flaky_store.orders.place("carol", [cc.LineItem("lamp", 1)])
    if order.status == cc.OrderStatus.AWAITING_PAYMENT:
        flaky_store.orders.recover()
        order = flaky_store.orders.get(order.id)
    level = flaky_store.stock.level("lamp")
    print(f"carol with a raising gateway: {order.status.name}; lamp available again: {level.available}")
    return 0 if (ok.status, too_much.status, order.status) == (
        cc.OrderStatus.CONFIRMED, cc.OrderStatus.FAILED, cc.OrderStatus.FAILED) else 1


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(main(Path(sys.argv[1])))
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(main(Path(tmp)))
