"""The outbox relay with built-in and Python sinks."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Sequence

import pytest

import commerce_core as cc


def _make_events(store: cc.Store) -> None:
    store.catalog.create(id="a", name="A", price=100, initial_stock=3)
    store.catalog.create(id="b", name="B", price=100, initial_stock=3)
    store.stock.reserve("o1", [cc.LineItem("a", 1)])


def test_relay_to_memory_sink(store: cc.Store) -> None:
    _make_events(store)
    sink = cc.MemorySink()
    relay = cc.OutboxRelay(store, sink)
    batch = relay.drain()
    assert batch.leader and batch.delivered == len(sink) >= 3 and batch.progressed
    types = [e.type for e in sink.events()]
    assert types[:2] == ["ProductCreated", "StockAdjusted"] or "ProductCreated" in types
    assert "StockReserved" in types
    stats = relay.stats()
    assert stats.pending == 0 and not stats.pending_capped and stats.lag_seqs == 0
    assert stats.delivered_through_seq == stats.last_seq == max(e.seq for e in sink.events())
    assert store.run_unit(lambda unit: unit.events.counts()).delivered == len(sink)
    capped = cc.OutboxRelay(store, sink).stats(count_cap=1)
    assert capped.pending == 0 and not capped.pending_capped
    with pytest.raises(cc.InvalidArgumentError, match="count_cap"):
        relay.stats(count_cap=0)
    assert not relay.drain().progressed  # nothing left
    sink.clear()
    assert len(sink) == 0


class RecordingSink(cc.EventSinkBase):
    """A Python sink, one event at a time; fails every event of key "b"."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[cc.Event] = []
        self.flushes = 0
        self.thread_ids: set[int] = set()

    def name(self) -> str:
        return "recording"

    def write(self, event: cc.Event) -> None:
        self.thread_ids.add(threading.get_ident())
        if event.key == "b":
            raise ConnectionError("broker down for key b")
        self.seen.append(event)

    def flush(self) -> None:
        self.flushes += 1


def test_python_event_sink_base(store: cc.Store) -> None:
    _make_events(store)
    sink = RecordingSink()
    relay = cc.OutboxRelay(store, sink, max_attempts=2, backoff_initial_ms=0, backoff_max_ms=0)
    first = relay.run_once()
    assert first.delivered == len(sink.seen) and first.failed >= 1
    assert sink.flushes == 1
    assert all(e.key != "b" for e in sink.seen)
    relay.drain()
    dead = relay.dead_letters()
    assert dead and all(d.event.key == "b" for d in dead)
    assert "broker down for key b" in dead[0].last_error
    assert relay.stats().dead_letters == len(dead)
    sink_ok = cc.MemorySink()
    relay2 = cc.OutboxRelay(store, sink_ok)
    assert relay.retry_dead_letters("b") == len(dead)
    relay.release_lease()
    assert relay2.drain().delivered == len(dead)
    assert [e.key for e in sink_ok.events()] == ["b"] * len(dead)


class BatchSink(cc.EventSink):
    """A Python sink implementing the whole batch interface."""

    def __init__(self, fail: bool) -> None:
        super().__init__()
        self.fail = fail
        self.batches: list[list[str]] = []

    def name(self) -> str:
        return "batch"

    def publish(self, batch: Sequence[cc.Event]) -> list[cc.Ack]:
        if self.fail:
            raise RuntimeError("whole batch failed")
        self.batches.append([e.id for e in batch])
        return [cc.Ack(status=cc.AckStatus.ACKED) for _ in batch]


def test_python_event_sink_batches_and_failures(store: cc.Store) -> None:
    _make_events(store)
    failing = BatchSink(fail=True)
    relay = cc.OutboxRelay(store, failing, backoff_initial_ms=0, backoff_max_ms=0)
    result = relay.run_once()
    assert result.delivered == 0 and result.published > 0 and result.failed > 0
    assert relay.stats().pending > 0
    failing.fail = False
    relay.drain()
    assert relay.stats().pending == 0
    delivered = store.run_unit(lambda unit: unit.events.counts()).delivered
    assert sum(len(b) for b in failing.batches) == delivered


def test_callback_and_json_lines_sinks(store: cc.Store, tmp_path: Path) -> None:
    _make_events(store)
    got: list[str] = []
    relay = cc.OutboxRelay(store, cc.CallbackSink(lambda e: got.append(e.type)))
    relay.drain()
    assert "StockReserved" in got

    store.stock.reserve("o2", [cc.LineItem("b", 1)])
    path = tmp_path / "events.jsonl"
    sink = cc.JsonLinesSink(path, fsync=False)
    assert sink.path == str(path) and sink.name() == f"jsonl:{path}"
    relay.release_lease()
    cc.OutboxRelay(store, sink).drain()
    events = cc.read_json_lines(path)
    assert [e.type for e in events] == ["StockReserved"]
    line = path.read_text().splitlines()[0]
    assert json.loads(line)["key"] == "b"
    assert cc.parse_envelope_json(cc.envelope_json(events[0])) == events[0]


def test_callback_sink_exception_fails_the_event(store: cc.Store) -> None:
    _make_events(store)

    def boom(event: cc.Event) -> None:
        raise ValueError("nope")

    relay = cc.OutboxRelay(store, cc.CallbackSink(boom, name="boom"), backoff_initial_ms=0,
                           backoff_max_ms=0, max_attempts=1)
    batch = relay.drain()
    assert batch.delivered == 0 and batch.dead_lettered + batch.parked > 0
    assert "nope" in relay.dead_letters()[0].last_error


def test_relay_service_runs_until_stopped(store: cc.Store) -> None:
    _make_events(store)
    sink = cc.MemorySink()
    relay = cc.OutboxRelay(store, sink, idle_poll_ms=5)
    reports: list[cc.RelayProgress] = []
    delivered = threading.Event()

    def on_progress(progress: cc.RelayProgress) -> None:
        reports.append(progress)
        if progress.delivered > 0:
            delivered.set()

    service = cc.RelayService(relay, progress_interval_ms=0, on_progress=on_progress)
    result: list[cc.RelayProgress] = []
    runner = threading.Thread(target=lambda: result.append(service.run()))
    runner.start()
    assert delivered.wait(timeout=120)
    service.stop()
    runner.join()
    assert result[0].final and result[0].delivered == len(sink) > 0
    assert result[0].stats.pending == 0
    assert reports[-1].final
