"""Running a store for years (issue 15) through the Python API: retention, read-only opens, the
store's metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

import commerce_core as cc
from conftest import T0

DAY = 86_400_000


def test_compact_removes_what_the_windows_let_go(tmp_path: Path, clock: cc.ManualClock) -> None:
    retention = cc.RetentionOptions(idempotency_keys_ms=DAY, batch_size=10)
    store = cc.Store.open(tmp_path / "shop.db", clock=clock, gateway=cc.FakeGateway(),
                          retention=retention)
    store.catalog.create(id="mug", name="Mug", price=1_000, initial_stock=100)
    first = store.orders.place("alice", [cc.LineItem("mug", 1)], request_id="r-1")
    cc.OutboxRelay(store, cc.MemorySink()).drain()
    clock.set(T0 + 8 * DAY)
    report = store.compact()
    assert isinstance(report, cc.CompactionReport)
    assert report.events > 0 and report.saga_log_lines > 0 and report.requests == 1
    assert report.units > 1
    assert store.check().ok
    # The key's lifetime is over: the same request_id is a new request.
    assert store.orders.place("alice", [cc.LineItem("mug", 1)], request_id="r-1").id != first.id
    assert store.orders.get(first.id).status == cc.OrderStatus.CONFIRMED


def test_bad_retention_names_the_field(tmp_path: Path) -> None:
    with pytest.raises(cc.InvalidArgumentError) as err:
        cc.Store.open(tmp_path / "shop.db", retention=cc.RetentionOptions(batch_size=0))
    assert err.value.subject == "retention.batch_size"


def test_read_only_open_refuses_writes_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    cc.Store.open(path).catalog.create(id="mug", name="Mug", price=1_000)
    reader = cc.Store.open(path, read_only=True)
    assert reader.catalog.get("mug").name == "Mug"
    with pytest.raises(cc.FailedPreconditionError):
        reader.catalog.create(id="cup", name="Cup", price=1_000)
    with pytest.raises(cc.FailedPreconditionError):
        cc.Store.open(tmp_path / "absent.db", read_only=True)
    assert not (tmp_path / "absent.db").exists()


def test_metrics_count_what_this_store_did(tmp_path: Path, clock: cc.ManualClock) -> None:
    gateway = cc.FakeGateway()
    store = cc.Store.open(tmp_path / "shop.db", clock=clock, gateway=gateway)
    store.catalog.create(id="mug", name="Mug", price=1_000, initial_stock=1)
    assert store.metrics().orders.placed == 0
    paid = store.orders.place("alice", [cc.LineItem("mug", 1)])
    refused = store.orders.place("bob", [cc.LineItem("mug", 1)])  # out of stock
    assert (paid.status, refused.status) == (cc.OrderStatus.CONFIRMED, cc.OrderStatus.FAILED)
    m = store.metrics()
    assert isinstance(m, cc.MetricsSnapshot)
    assert (m.orders.placed, m.orders.confirmed, m.orders.failed) == (2, 1, 1)
    assert m.gateway.approved == 1
    assert m.gateway.latency.count == 1
    assert len(m.gateway.latency.within) == len(cc.LatencyHistogram.BOUNDS_SECONDS) + 1
    assert m.saga.steps_refused == 1
    assert m.storage.units > 0
