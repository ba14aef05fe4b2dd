"""Shipments: split by location, carriers (FakeCarrier and one written in Python), tracking that
never moves backwards, bad input, recover after an unknown carrier answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import commerce_core as cc

from conftest import T0

B = cc.FakeCarrier.Behaviour
Op = cc.FakeCarrier.Operation
S = cc.ShipmentStatus


def _open(path: Path, clock: cc.ManualClock, carriers: dict[str, cc.Carrier]) -> cc.Store:
    """A store with the carriers, locations a and b, the mug (2 at a, 2 at b), tea (10 at a)."""
    store = cc.Store.open(
        path, clock=clock, gateway=cc.FakeGateway(), carriers=carriers,
        backoff_initial_ms=1, backoff_max_ms=1,
    )
    store.locations.create("a", "A", priority=1)
    store.locations.create("b", "B", priority=2)
    store.catalog.create(id="mug", name="Mug", price=1000)
    store.catalog.create(id="tea", name="Tea", price=500)
    store.stock.adjust("mug", 2, "seed", location_id="a")
    store.stock.adjust("mug", 2, "seed", location_id="b")
    store.stock.adjust("tea", 10, "seed", location_id="a")
    return store


def _place(store: cc.Store, items: list[tuple[str, int]]) -> cc.Order:
    order = store.orders.place("ann", [cc.LineItem(product_id=p, qty=q) for p, q in items])
    assert order.status == cc.OrderStatus.CONFIRMED, order.failure_reason
    return order


def _units(store: cc.Store, order_id: str) -> dict[str, tuple[int, int]]:
    """product -> (shipped, delivered)."""
    return {i.product_id: (i.shipped, i.delivered) for i in store.orders.get(order_id).items}


def _track(store: cc.Store, shipment: cc.Shipment, status: cc.ShipmentStatus, at: int,
           detail: str = "") -> cc.Shipment:
    event = cc.TrackingEvent(status=status, occurred_at=at, detail=detail)
    return store.shipments.track(cc.TrackingUpdate(shipment_id=shipment.id, event=event))


def test_a_split_order_ships_from_two_locations_and_the_order_follows_its_units(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    carrier = cc.FakeCarrier()
    store = _open(tmp_path / "ship.db", clock, {"fake": carrier})
    order = _place(store, [("mug", 3), ("tea", 2)])  # mug: 2 at a, 1 at b; tea at a
    ships = store.shipments

    from_a = ships.create(order.id, "a", carrier="fake")  # every unit unshipped at a
    assert from_a.status == S.PENDING
    assert from_a.items == [cc.ShipmentItem(product_id="mug", qty=2),
                            cc.ShipmentItem(product_id="tea", qty=2)]
    assert from_a.tracking_number == carrier.tracking_number_of(from_a.id) != ""
    from_b = ships.create(order.id, "b", items=[cc.LineItem(product_id="mug", qty=1)],
                          tracking_number="OWN-1")
    assert (from_b.status, from_b.carrier, from_b.tracking_number) == (S.PENDING, "", "OWN-1")

    assert ships.dispatch(from_a.id).status == S.SHIPPED
    assert store.orders.get(order.id).status == cc.OrderStatus.CONFIRMED
    assert _units(store, order.id) == {"mug": (2, 0), "tea": (2, 0)}
    ships.dispatch(from_b.id)
    assert store.orders.get(order.id).status == cc.OrderStatus.SHIPPED
    assert _units(store, order.id) == {"mug": (3, 0), "tea": (2, 0)}

    assert _track(store, from_a, S.IN_TRANSIT, T0 + 10, "hub").note == "hub"
    assert _track(store, from_a, S.DELIVERED, T0 + 20).status == S.DELIVERED
    assert _units(store, order.id) == {"mug": (3, 2), "tea": (2, 2)}
    assert store.orders.get(order.id).status == cc.OrderStatus.SHIPPED
    _track(store, from_b, S.DELIVERED, T0 + 30)
    assert store.orders.get(order.id).status == cc.OrderStatus.DELIVERED
    assert _units(store, order.id) == {"mug": (3, 3), "tea": (2, 2)}
    assert [s.id for s in ships.for_order(order.id)] == [from_a.id, from_b.id]
    assert ships.get(from_b.id).status == S.DELIVERED
    assert carrier.created_for(order.id) == 1 and carrier.calls(Op.CREATE) == 1
    assert store.check().ok


class ParcelService(cc.Carrier):
    """A carrier written in Python: labels "PS-n", cancels before pick-up, reports its scans."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.labels: dict[str, str] = {}  # idempotency key -> tracking number
        self.cancelled: set[str] = set()
        self.scans: dict[str, list[cc.TrackingEvent]] = {}
        self.requests: list[cc.CarrierRequest] = []

    def create(self, request: cc.CarrierRequest) -> cc.CarrierLabel:
        with self.lock:
            self.requests.append(request)
            if request.idempotency_key in self.cancelled:
                return cc.CarrierLabel(outcome=cc.CarrierOutcome.REFUSED, message="cancelled")
            number = self.labels.setdefault(request.idempotency_key, f"PS-{len(self.labels) + 1}")
            return cc.CarrierLabel(outcome=cc.CarrierOutcome.DONE, tracking_number=number,
                                   label_url=f"https://ps.example/{number}")

    def cancel(self, idempotency_key: str, timeout_ms: int) -> cc.CarrierOutcome:
        with self.lock:
            self.cancelled.add(idempotency_key)
            return cc.CarrierOutcome.DONE

    def track(self, tracking_number: str, timeout_ms: int) -> list[cc.TrackingEvent]:
        with self.lock:
            if tracking_number not in self.labels.values():
                raise cc.NotFoundError("no such parcel", subject=tracking_number)
            return list(self.scans.get(tracking_number, []))


def test_a_carrier_written_in_python_labels_is_polled_and_cancels(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    ps = ParcelService()
    store = _open(tmp_path / "ship.db", clock, {"ps": ps})
    to = cc.Address(name="Kim", line1="1 Sejong-daero", city="Seoul", postal_code="04524",
                    country="KR")
    order = store.orders.place("ann", [cc.LineItem(product_id="tea", qty=3)],
                               shipping_address=to)
    assert order.status == cc.OrderStatus.CONFIRMED

    kept = store.shipments.create(order.id, "a", items=[cc.LineItem(product_id="tea", qty=2)],
                                  carrier="ps")
    assert (kept.status, kept.tracking_number, kept.label_url) == (
        S.PENDING, "PS-1", "https://ps.example/PS-1")
    request = ps.requests[0]
    assert (request.idempotency_key, request.order_id, request.location_id) == (
        kept.id, order.id, "a")
    assert request.items == [cc.LineItem(product_id="tea", qty=2)] and request.timeout_ms > 0
    assert request.to == to  # the order's shipping address

    dropped = store.shipments.create(order.id, "a", carrier="ps")  # the third tea
    assert dropped.tracking_number == "PS-2"
    cancelled = store.shipments.cancel(dropped.id, reason="customer asked")
    assert cancelled.status == S.CANCELLED and dropped.id in ps.cancelled
    assert _units(store, order.id) == {"tea": (0, 0)}

    store.shipments.dispatch(kept.id)
    ps.scans["PS-1"] = [cc.TrackingEvent(status=S.IN_TRANSIT, occurred_at=T0 + 5, detail="hub"),
                        cc.TrackingEvent(status=S.DELIVERED, occurred_at=T0 + 9, detail="door")]
    report = store.shipments.poll()
    assert (report.examined, report.changed, report.unresolved) == (1, 1, [])
    delivered = store.shipments.get(kept.id)
    assert (delivered.status, delivered.note, delivered.tracked_at) == (S.DELIVERED, "door", T0 + 9)
    assert _units(store, order.id) == {"tea": (2, 2)}
    assert store.check(expect_settled=False).ok


def test_a_python_carrier_that_raises_leaves_the_shipment_for_recover(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    class Flaky(ParcelService):
        down = True

        def create(self, request: cc.CarrierRequest) -> cc.CarrierLabel:
            if self.down:
                raise RuntimeError("connection reset")
            return super().create(request)

    flaky = Flaky()
    store = _open(tmp_path / "ship.db", clock, {"flaky": flaky})
    order = _place(store, [("tea", 1)])
    waiting = store.shipments.create(order.id, "a", carrier="flaky")
    assert waiting.status == S.REQUESTED
    flaky.down = False
    report = store.shipments.recover()
    assert (report.examined, report.changed, report.unresolved) == (1, 1, [])
    assert store.shipments.get(waiting.id).tracking_number == "PS-1"


def test_tracking_never_moves_a_shipment_backwards(tmp_path: Path, clock: cc.ManualClock) -> None:
    store = _open(tmp_path / "ship.db", clock, {})
    order = _place(store, [("tea", 1)])
    s = store.shipments.create(order.id, "a")
    _track(store, s, S.IN_TRANSIT, T0 + 20, "hub")
    # Older, or backwards at a newer time: ignored.
    assert _track(store, s, S.SHIPPED, T0 + 10).status == S.IN_TRANSIT
    assert _track(store, s, S.SHIPPED, T0 + 30).status == S.IN_TRANSIT
    failed = _track(store, s, S.DELIVERY_FAILED, T0 + 40, "nobody home")
    assert (failed.status, failed.note) == (S.DELIVERY_FAILED, "nobody home")
    assert _track(store, s, S.IN_TRANSIT, T0 + 35).status == S.DELIVERY_FAILED  # older
    assert _track(store, s, S.IN_TRANSIT, T0 + 50).status == S.IN_TRANSIT  # re-attempt
    assert _track(store, s, S.DELIVERED, T0 + 45).status == S.DELIVERED  # final whenever
    final = _track(store, s, S.RETURNED, T0 + 60)
    assert (final.status, final.tracked_at) == (S.DELIVERED, T0 + 50)
    assert store.orders.get(order.id).status == cc.OrderStatus.DELIVERED


def test_bad_shipments_are_refused_naming_the_field_and_change_nothing(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    store = _open(tmp_path / "ship.db", clock, {"fake": cc.FakeCarrier()})
    store.locations.create("c", "C", priority=3)
    order = _place(store, [("mug", 3)])  # 2 at a, 1 at b
    ships = store.shipments

    def refused(error: type[cc.CommerceError], **kwargs: object) -> str:
        args: dict[str, object] = {"order_id": order.id, "location_id": "a"}
        args.update(kwargs)
        with pytest.raises(error) as e:
            ships.create(**args)  # type: ignore[arg-type]
        return e.value.subject

    assert refused(cc.NotFoundError, order_id="nope") == "nope"
    assert refused(cc.InvalidArgumentError, items=[cc.LineItem(product_id="tea", qty=1)]) == "items"
    assert refused(cc.InvalidArgumentError, items=[cc.LineItem(product_id="mug", qty=3)]) == "items"
    assert refused(cc.InvalidArgumentError, items=[cc.LineItem(product_id="mug", qty=0)]) == (
        "items[0].qty")
    assert refused(cc.InvalidArgumentError, location_id="c") == "location_id"
    assert refused(cc.InvalidArgumentError, carrier="dhl") == "carrier"
    assert ships.for_order(order.id) == []
    assert _units(store, order.id) == {"mug": (0, 0)}

    s = ships.create(order.id, "b")
    with pytest.raises(cc.InvalidArgumentError) as e:
        _track(store, s, S.CANCELLED, T0 + 1)
    assert e.value.subject == "status"
    with pytest.raises(cc.InvalidArgumentError) as e:
        _track(store, s, S.DELIVERED, 0)
    assert e.value.subject == "occurred_at"
    with pytest.raises(cc.NotFoundError):
        ships.get("nope")
    with pytest.raises(cc.IllegalTransitionError):
        ships.dispatch(ships.cancel(s.id).id)
    with pytest.raises(TypeError):
        cc.TrackingEvent(status="delivered")  # type: ignore[arg-type]
    assert store.check(expect_settled=False).ok


def test_recover_finishes_a_label_whose_answer_was_unknown(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    carrier = cc.FakeCarrier(str(tmp_path / "carrier.record"))
    store = _open(tmp_path / "ship.db", clock, {"fake": carrier})
    order = _place(store, [("tea", 4)])
    carrier.script(Op.CREATE, [B.REFUSE])
    refused = store.shipments.create(order.id, "a", items=[cc.LineItem(product_id="tea", qty=2)],
                                     carrier="fake")
    assert refused.status == S.CANCELLED and "refused" in refused.note
    # Every attempt creates, then loses the reply: the shipment stays requested.
    carrier.script(Op.CREATE, [B.TIMEOUT] * 4)
    unknown = store.shipments.create(order.id, "a", carrier="fake")
    assert unknown.status == S.REQUESTED and unknown.tracking_number == ""
    report = store.shipments.recover()
    assert (report.examined, report.changed) == (1, 1)
    done = store.shipments.get(unknown.id)
    assert done.status == S.PENDING
    assert done.tracking_number == carrier.tracking_number_of(unknown.id) != ""
    # Several calls, one shipment at the carrier, as its record (a fresh reader) says too.
    assert carrier.created_for(order.id) == 1
    assert cc.FakeCarrier(str(tmp_path / "carrier.record")).created_for(order.id) == 1
    assert store.check().ok


def test_tracking_from_python_threads_applies_each_update_by_the_rule(
    tmp_path: Path, clock: cc.ManualClock
) -> None:
    """Four threads apply the same scans of three shipments in different orders (the calls
    release the GIL); every shipment ends delivered, tracked at its delivery scan."""
    store = _open(tmp_path / "ship.db", clock, {})
    order = _place(store, [("tea", 3)])
    shipments = [store.shipments.create(order.id, "a", items=[cc.LineItem(product_id="tea", qty=1)])
                 for _ in range(3)]
    scans = [(s, status, T0 + 10 * step)
             for s in shipments
             for step, status in enumerate([S.SHIPPED, S.IN_TRANSIT, S.DELIVERY_FAILED,
                                            S.IN_TRANSIT, S.DELIVERED], start=1)]
    errors: list[BaseException] = []

    def apply(updates: list[tuple[cc.Shipment, cc.ShipmentStatus, int]]) -> None:
        try:
            for s, status, at in updates:
                _track(store, s, status, at)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    orders = [scans, scans[::-1], scans[1::2] + scans[::2], scans[::2] + scans[1::2]]
    threads = [threading.Thread(target=apply, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for s in shipments:
        done = store.shipments.get(s.id)
        assert (done.status, done.tracked_at) == (S.DELIVERED, T0 + 50)
    assert store.orders.get(order.id).status == cc.OrderStatus.DELIVERED
    assert _units(store, order.id) == {"tea": (3, 3)}
    assert store.check().ok
