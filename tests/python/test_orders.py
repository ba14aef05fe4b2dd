"""Orders, the saga, payments through fake and Python gateways, host saga steps."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import commerce_core as cc
from conftest import T0

DAY = 86_400_000


def test_place_confirm_ship_deliver(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    shop.points.charge("alice", 5000)
    order = shop.orders.place(
        "alice", [cc.LineItem("mug", 2)], points_to_use=4000, request_id="req-1"
    )
    assert order.status == cc.OrderStatus.CONFIRMED
    assert (order.subtotal, order.points_used, order.total) == (24_000, 4000, 20_000)
    # Its price breakdown: korean_vat() by default, 10% included (24,000 / 11, half up).
    assert order.items == [
        cc.OrderItem(product_id="mug", name="Mug", unit_price=12_000, qty=2, line_total=24_000,
                     discount=0, tax_class="standard", tax=2_182, total=24_000)
    ]
    assert (order.tax, order.tax_included, order.shipping_option) == (2_182, True, "")
    assert gateway.charges_for(order.id) == 1
    assert shop.orders.place("alice", [cc.LineItem("mug", 2)], points_to_use=4000,
                             request_id="req-1") == order
    with pytest.raises(cc.ConflictError):
        shop.orders.place("alice", [cc.LineItem("mug", 1)], request_id="req-1")
    assert shop.orders.ship(order.id).status == cc.OrderStatus.SHIPPED
    assert shop.orders.deliver(order.id).status == cc.OrderStatus.DELIVERED
    with pytest.raises(cc.IllegalTransitionError) as info:
        shop.orders.cancel(order.id)
    assert info.value.subject == order.id
    audit = shop.orders.audit(order.id)
    assert audit[0].from_status is None
    assert [a.to_status for a in audit][-2:] == [cc.OrderStatus.SHIPPED, cc.OrderStatus.DELIVERED]
    assert shop.stock.level("mug").sold == 2
    assert shop.check().ok


def test_cancel_refunds_and_compensates(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    shop.points.charge("bob", 1000)
    order = shop.orders.place("bob", [cc.LineItem("tee", 1)], points_to_use=1000)
    cancelled = shop.orders.cancel(order.id, reason="changed mind")
    assert cancelled.status == cc.OrderStatus.CANCELLED
    assert gateway.refunds_for(order.id) == 1 and gateway.net_for(order.id) == 0
    assert shop.points.balance("bob") == 1000
    assert shop.stock.level("tee").available == 3
    assert shop.orders.cancel(order.id) == cancelled  # idempotent


def test_out_of_stock_and_coupon_failures_return_failed_orders(
    shop: cc.Store, gateway: cc.FakeGateway
) -> None:
    failed = shop.orders.place("carol", [cc.LineItem("tee", 4)])
    assert failed.status == cc.OrderStatus.FAILED and failed.failure_reason
    shop.coupons.create_template(code="BIG", kind=cc.CouponKind.FIXED, value=1000,
                                 min_order_amount=1_000_000, valid_from=T0,
                                 valid_until=T0 + DAY, total_limit=10)
    coupon = shop.coupons.issue("BIG", "carol")
    required = shop.orders.place("carol", [cc.LineItem("mug", 1)], coupon_id=coupon.id,
                                 coupon_required=True)
    assert required.status == cc.OrderStatus.FAILED
    optional = shop.orders.place("carol", [cc.LineItem("mug", 1)], coupon_id=coupon.id)
    assert optional.status == cc.OrderStatus.CONFIRMED
    assert not optional.coupon_applied and optional.coupon_note
    assert gateway.total_charges() == 1
    page = shop.orders.list_for_user("carol", limit=2)
    assert [o.id for o in page] == [optional.id, required.id] and page.has_more
    rest = shop.orders.list_for_user("carol", cursor=page.next_cursor)
    assert [o.id for o in rest] == [failed.id]
    with pytest.raises(cc.NotFoundError):
        shop.orders.place("carol", [cc.LineItem("nope", 1)])
    with pytest.raises(cc.InvalidArgumentError) as info:
        shop.orders.place("carol", [])
    assert info.value.subject == "items"


def test_pending_payment_completed_later(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    gateway.script(cc.FakeGateway.Operation.CHARGE,
                   [cc.FakeGateway.Step(behaviour=cc.FakeGateway.Behaviour.PENDING)])
    order = shop.orders.place("dan", [cc.LineItem("mug", 1)])
    assert order.status == cc.OrderStatus.AWAITING_PAYMENT
    assert shop.orders.complete_payment(order.id, True).status == cc.OrderStatus.CONFIRMED


def test_pending_payment_via_inbox(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    gateway.script(cc.FakeGateway.Operation.CHARGE,
                   [cc.FakeGateway.Step(behaviour=cc.FakeGateway.Behaviour.PENDING)])
    order = shop.orders.place("dan", [cc.LineItem("mug", 1)])
    msg = {"id": "pg-1", "type": "PaymentFailed", "payload": {"order_id": order.id}}
    assert shop.inbox.receive(msg) == cc.InboxOutcome.APPLIED
    assert shop.inbox.receive(msg) == cc.InboxOutcome.DUPLICATE
    assert shop.inbox.seen("pg-1") and shop.inbox.applied_count() == 1
    assert shop.inbox.has_handler("PaymentCompleted")
    assert "DeliveryUpdated" in shop.inbox.types()
    assert shop.orders.get(order.id).status == cc.OrderStatus.FAILED
    with pytest.raises(cc.InvalidArgumentError) as info:
        shop.inbox.receive('{"id": "x-1", "type": "PaymentCompleted", "payload": {}}')
    assert info.value.subject == "payload.order_id"
    parsed = cc.parse_incoming_message(msg)
    assert (parsed.id, parsed.type) == ("pg-1", "PaymentFailed")


def test_sweep_cancels_expired_unpaid_orders(shop: cc.Store, gateway: cc.FakeGateway,
                                             clock: cc.ManualClock) -> None:
    gateway.script(cc.FakeGateway.Operation.CHARGE,
                   [cc.FakeGateway.Step(behaviour=cc.FakeGateway.Behaviour.PENDING)])
    order = shop.orders.place("erin", [cc.LineItem("mug", 1)])
    assert shop.orders.sweep() == []
    clock.set(order.expires_at + 1)
    assert shop.orders.sweep() == [order.id]
    assert shop.orders.get(order.id).status == cc.OrderStatus.CANCELLED
    assert shop.orders.recover().unresolved == []


class DecliningGateway(cc.PaymentGateway):
    """A Python gateway that declines every charge."""

    def __init__(self) -> None:
        super().__init__()
        self.keys: list[str] = []

    def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        self.keys.append(request.idempotency_key)
        return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED, message="card refused")

    def authorize(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        return self.charge(request)

    def capture(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED)

    def void_payment(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED)

    def refund(self, idempotency_key: str, amount: int, timeout_ms: int) -> cc.PaymentResult:
        return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED)

    def status(self, idempotency_key: str, timeout_ms: int) -> cc.PaymentResult:
        known = idempotency_key in self.keys
        return cc.PaymentResult(outcome=cc.PaymentOutcome.DECLINED, known=known)


class RaisingGateway(DecliningGateway):
    """A Python gateway whose charge raises a plain Python exception."""

    def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
        raise RuntimeError("gateway bug")


def _python_shop(tmp_path: Path, gw: cc.PaymentGateway) -> cc.Store:
    s = cc.Store.open(tmp_path / "py.db", gateway=gw, attempts=2, backoff_initial_ms=1,
                      backoff_max_ms=2)
    s.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=5)
    s.points.charge("alice", 500)
    return s


def test_python_gateway_that_declines(tmp_path: Path) -> None:
    gw = DecliningGateway()
    s = _python_shop(tmp_path, gw)
    order = s.orders.place("alice", [cc.LineItem("mug", 2)], points_to_use=500)
    assert order.status == cc.OrderStatus.FAILED
    assert gw.keys and all(k == gw.keys[0] for k in gw.keys)
    request_amount = 24_000 - 500
    assert order.total == request_amount
    assert s.points.balance("alice") == 500  # compensated
    assert s.stock.level("mug").available == 5
    assert s.check().ok


def test_python_gateway_that_raises_fails_the_step_without_crashing(tmp_path: Path) -> None:
    gw = RaisingGateway()
    s = _python_shop(tmp_path, gw)
    order = s.orders.place("alice", [cc.LineItem("mug", 1)], points_to_use=500)
    # The exception counts as a transport failure: the outcome is unknown, so the saga asks
    # status(); the gateway never saw the key, so the order fails and is compensated.
    if order.status == cc.OrderStatus.AWAITING_PAYMENT:
        s.orders.recover()
        order = s.orders.get(order.id)
    assert order.status == cc.OrderStatus.FAILED
    assert s.points.balance("alice") == 500
    assert s.stock.level("mug").available == 5
    assert s.check().ok


def test_python_gateway_missing_method_is_an_error_not_a_crash(tmp_path: Path) -> None:
    class Half(cc.PaymentGateway):
        pass

    s = _python_shop(tmp_path, Half())
    order = s.orders.place("alice", [cc.LineItem("mug", 1)])
    assert order.status in (cc.OrderStatus.FAILED, cc.OrderStatus.AWAITING_PAYMENT)
    assert s.stock.level("mug").reserved in (0, 1)


def test_python_gateway_called_from_many_threads(tmp_path: Path) -> None:
    class Approving(DecliningGateway):
        def __init__(self) -> None:
            super().__init__()
            self.lock = threading.Lock()

        def charge(self, request: cc.PaymentRequest) -> cc.PaymentResult:
            with self.lock:
                self.keys.append(request.idempotency_key)
            return cc.PaymentResult(outcome=cc.PaymentOutcome.APPROVED, reference="ref")

    gw = Approving()
    s = _python_shop(tmp_path, gw)
    orders: list[cc.Order] = []

    def buyer(i: int) -> None:
        orders.append(s.orders.place(f"u{i}", [cc.LineItem("mug", 1)]))

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(o.status.name for o in orders)
    assert statuses.count("CONFIRMED") == 5 and statuses.count("FAILED") == 3
    assert len(gw.keys) == 5
    assert s.stock.level("mug").sold == 5


class RemoteStock(cc.SagaStep):
    """A host saga step standing for a remote service; records what it did."""

    def __init__(self, refuse: bool = False, crash: bool = False) -> None:
        super().__init__()
        self.refuse, self.crash = refuse, crash
        self.done: list[str] = []
        self.undone: list[str] = []

    def name(self) -> str:
        return "remote_stock"

    def execute(self, order: cc.Order, idempotency_key: str) -> None:
        if self.crash:
            raise KeyError("bug in the host step")
        if self.refuse:
            raise cc.FailedPreconditionError("remote says no", subject=order.id)
        self.done.append(idempotency_key)

    def compensate(self, order: cc.Order, idempotency_key: str) -> None:
        self.undone.append(idempotency_key)


@pytest.mark.parametrize("refuse,crash", [(False, False), (True, False), (False, True)])
def test_host_saga_step(tmp_path: Path, refuse: bool, crash: bool) -> None:
    step = RemoteStock(refuse=refuse, crash=crash)
    gw = cc.FakeGateway()
    s = cc.Store.open(tmp_path / "steps.db", gateway=gw, steps=[step], attempts=1)
    s.catalog.create(id="mug", name="Mug", price=100, initial_stock=2)
    order = s.orders.place("alice", [cc.LineItem("mug", 1)])
    if refuse or crash:
        assert order.status == cc.OrderStatus.FAILED
        assert step.done == [] and gw.total_charges() == 0
        assert s.stock.level("mug").available == 2
    else:
        assert order.status == cc.OrderStatus.CONFIRMED
        assert step.done == [f"{order.id}:remote_stock"]
        s.orders.cancel(order.id)
        assert step.undone == [f"{order.id}:remote_stock"]


def test_store_without_gateway_refuses_paid_orders(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=100, initial_stock=2)
    with pytest.raises(cc.FailedPreconditionError):
        store.orders.place("alice", [cc.LineItem("mug", 1)])
    store.points.charge("alice", 100)
    free = store.orders.place("alice", [cc.LineItem("mug", 1)], points_to_use=100)
    assert free.status == cc.OrderStatus.CONFIRMED and free.total == 0


def test_check_and_repair(shop: cc.Store) -> None:
    report = shop.check()
    assert report.ok and report.violations == [] and report.products == 2
    assert shop.repair().repaired == []


def test_fake_gateway_scripted_decline_and_failures(shop: cc.Store, gateway: cc.FakeGateway) -> None:
    FG = cc.FakeGateway
    gateway.script(FG.Operation.CHARGE, [FG.Step(FG.Behaviour.DECLINE)])
    declined = shop.orders.place("gina", [cc.LineItem("mug", 1)])
    assert declined.status == cc.OrderStatus.FAILED
    assert gateway.calls(FG.Operation.CHARGE) == 1 and gateway.charges_for(declined.id) == 0
    gateway.script(FG.Operation.CHARGE, [FG.Step(FG.Behaviour.FAIL)])  # shop has attempts=1
    unknown = shop.orders.place("gina", [cc.LineItem("mug", 1)])
    assert unknown.status in (cc.OrderStatus.FAILED, cc.OrderStatus.AWAITING_PAYMENT)
    report = shop.orders.recover()
    assert report.unresolved == []
    assert shop.orders.get(unknown.id).status == cc.OrderStatus.FAILED
    assert gateway.charges_for(unknown.id) == 0
    assert shop.stock.level("mug").available == 10


def test_builtin_plugins_are_final() -> None:
    # Only the interfaces (PaymentGateway, SagaStep, EventSink, EventSinkBase) are meant to be
    # subclassed; overriding a built-in's method from Python would silently not take effect.
    for cls in (cc.FakeGateway, cc.MemorySink, cc.CallbackSink, cc.JsonLinesSink, cc.ManualClock):
        with pytest.raises(TypeError):
            type("Sub", (cls,), {})
