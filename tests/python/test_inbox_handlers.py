"""Inbox handlers written in Python (Inbox.register_handler): the effect is written through the
InboxContext's Unit and commits with the inbox record, once per message id; a raising handler
refuses the message and nothing it wrote stays; the context and unit are dead after the call.
Also Store.run_unit: the Unit's calls keep the invariants (ledger entry with balance_after, audit
row, events), refusals change nothing, read units refuse writes; and the stored saga records
(SagaRecord, SagaLogEntry) read through it."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

import commerce_core as cc


def bonus_message(message_id: str, user: str = "alice", amount: int = 500) -> dict[str, Any]:
    return {"id": message_id, "type": "LoyaltyBonus", "payload": {"user_id": user, "amount": amount}}


def credit_points(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
    """Credits the payload's amount (ledger entry and PointAdjusted event come with it) and
    announces it with a host event."""
    payload = json.loads(message.payload)
    user, amount = payload["user_id"], payload["amount"]
    ctx.unit.points.credit(user, amount, f"loyalty bonus {message.id}")
    ctx.unit.events.emit("LoyaltyBonusApplied", user, json.dumps({"amount": amount}))


def outbox(store: cc.Store) -> list[cc.Event]:
    events: list[cc.Event] = store.run_unit(lambda unit: unit.events.outbox(limit=1000))
    return events


def test_python_handler_applies_once_and_duplicate_changes_nothing(store: cc.Store) -> None:
    calls: list[str] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        assert ctx.valid and ctx.unit.valid and ctx.unit.writable
        assert ctx.message == message and message.type == "LoyaltyBonus"
        assert ctx.unit.now == store.now
        assert "LoyaltyBonus" in repr(ctx)
        calls.append(message.id)
        credit_points(ctx, message)

    store.inbox.register_handler("LoyaltyBonus", handler)
    assert store.inbox.has_handler("LoyaltyBonus") and "LoyaltyBonus" in store.inbox.types()

    assert store.inbox.receive(bonus_message("bonus-1")) == cc.InboxOutcome.APPLIED
    assert store.points.balance("alice") == 500
    assert store.inbox.seen("bonus-1") and store.inbox.applied_count() == 1
    # a re-delivery is a duplicate: the handler does not run, nothing changes
    assert store.inbox.receive(bonus_message("bonus-1")) == cc.InboxOutcome.DUPLICATE
    assert calls == ["bonus-1"]
    assert store.points.balance("alice") == 500
    # the same id with other content is a conflict
    with pytest.raises(cc.ConflictError) as conflict:
        store.inbox.receive(bonus_message("bonus-1", amount=999))
    assert conflict.value.subject == "bonus-1"
    # the effect was written like a service's: ledger entry, outbox events, invariants hold
    entries = list(store.points.history("alice"))
    assert [e.amount for e in entries] == [500] and entries[0].reason == "loyalty bonus bonus-1"
    assert entries[0].balance_after == 500 and entries[0].kind == cc.PointsEntryKind.ADJUST
    events = outbox(store)
    assert [e.type for e in events] == ["PointAdjusted", "LoyaltyBonusApplied"]
    assert events[1].topic == "host-events" and events[1].key == "alice"
    assert json.loads(events[1].payload) == {"amount": 500}
    assert store.check().ok


def test_raising_handler_refuses_the_message_and_changes_nothing(store: cc.Store) -> None:
    class Refused(Exception):
        pass

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        credit_points(ctx, message)  # written, then rolled back with the unit
        raise Refused("not today")

    store.inbox.register_handler("LoyaltyBonus", handler)
    with pytest.raises(Refused, match="not today") as raised:
        store.inbox.receive(bonus_message("bonus-2"))
    assert raised.value.__traceback__ is not None
    assert store.points.balance("alice") == 0
    assert not store.inbox.seen("bonus-2") and store.inbox.applied_count() == 0
    assert outbox(store) == []
    assert list(store.points.history("alice")) == []

    # a CommerceError keeps its class, code and subject
    def not_found(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        raise cc.NotFoundError("no such member", subject="alice")

    store.inbox.register_handler("LoyaltyBonus", not_found)
    with pytest.raises(cc.NotFoundError) as missing:
        store.inbox.receive(bonus_message("bonus-2"))
    assert missing.value.subject == "alice"
    assert not store.inbox.seen("bonus-2")

    # refused messages may be sent again: once the handler accepts, it is applied
    store.inbox.register_handler("LoyaltyBonus", credit_points)
    assert store.inbox.receive(bonus_message("bonus-2")) == cc.InboxOutcome.APPLIED
    assert store.points.balance("alice") == 500
    assert store.check().ok


def test_context_and_unit_are_dead_after_the_call(store: cc.Store) -> None:
    kept: list[cc.InboxContext] = []
    kept_unit: list[cc.Unit] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        kept.append(ctx)
        kept_unit.append(ctx.unit)
        assert repr(ctx.unit) == "<Unit (open, write)>"
        ctx.unit.points.credit("alice", 5, message.id)

    store.inbox.register_handler("Note", handler)
    assert store.inbox.receive({"id": "n-1", "type": "Note", "payload": {}}) == cc.InboxOutcome.APPLIED
    ctx, unit = kept[0], kept_unit[0]
    assert not ctx.valid and not unit.valid
    assert repr(ctx) == "<InboxContext (closed)>" and repr(unit) == "<Unit (closed)>"
    for use in (lambda: ctx.unit, lambda: ctx.message):
        with pytest.raises(cc.FailedPreconditionError, match="only valid during") as e:
            use()
        assert e.value.subject == "inbox-context"
    for late in (
        lambda: unit.points.credit("alice", 5, "late"),
        lambda: unit.points.balance("alice"),
        lambda: unit.now,
        lambda: unit.after_commit(lambda: None),
    ):
        with pytest.raises(cc.FailedPreconditionError, match="only valid during") as dead:
            late()
        assert dead.value.subject == "unit"
    # the write made during the call committed; the late one did not happen
    assert store.points.balance("alice") == 5


def test_after_commit_runs_only_when_the_unit_commits(store: cc.Store) -> None:
    done: list[str] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        ctx.unit.after_commit(lambda: done.append(message.id))
        if json.loads(message.payload).get("fail"):
            raise RuntimeError("refused")

    store.inbox.register_handler("Note", handler)
    store.inbox.receive({"id": "n-1", "type": "Note", "payload": {}})
    with pytest.raises(RuntimeError):
        store.inbox.receive({"id": "n-2", "type": "Note", "payload": {"fail": True}})
    assert done == ["n-1"]


def test_register_handler_validates_its_arguments(store: cc.Store) -> None:
    with pytest.raises(cc.InvalidArgumentError) as bad:
        store.inbox.register_handler("bad type!", credit_points)
    assert bad.value.subject == "type"
    with pytest.raises(TypeError):
        store.inbox.register_handler("Note", "not callable")  # type: ignore[arg-type]
    # a handler whose signature does not fit fails the message, not the process
    def no_arguments() -> None:
        pass

    store.inbox.register_handler("Note", no_arguments)
    with pytest.raises(TypeError):
        store.inbox.receive({"id": "n-1", "type": "Note", "payload": {}})
    assert not store.inbox.seen("n-1")


def test_concurrent_deliveries_apply_once(store: cc.Store) -> None:
    store.inbox.register_handler("LoyaltyBonus", credit_points)
    outcomes: list[cc.InboxOutcome] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def deliver(i: int) -> None:
        start.wait()
        for k in range(5):
            outcome = store.inbox.receive(bonus_message(f"bonus-{k}"))
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(cc.InboxOutcome.APPLIED) == 5
    assert outcomes.count(cc.InboxOutcome.DUPLICATE) == 35
    assert store.points.balance("alice") == 5 * 500
    assert store.check().ok


# ---- Store.run_unit: the Unit's guarantees, and the saga records


def test_run_unit_reads_the_saga_log(shop: cc.Store) -> None:
    order = shop.orders.place("alice", [cc.LineItem("mug", 1)])
    assert order.status == cc.OrderStatus.CONFIRMED
    saga = shop.run_unit(lambda unit: unit.lookups.saga(order.id))
    assert isinstance(saga, cc.SagaRecord)
    assert saga.order_id == order.id and saga.state == cc.SagaState.CONFIRMED
    assert "stock" in saga.steps and "payment" in saga.steps
    assert repr(saga).startswith(f"SagaRecord(order_id='{order.id}', state=SagaState.CONFIRMED")
    # value semantics: equal field by field, unhashable, constructible by keyword
    again = shop.run_unit(lambda unit: unit.lookups.saga(order.id))
    assert saga == again and saga is not again
    copy = cc.SagaRecord(
        order_id=saga.order_id,
        state=saga.state,
        step=saga.step,
        position=saga.position,
        steps=list(saga.steps),
        reason=saga.reason,
        updated_at=saga.updated_at,
    )
    assert copy == saga
    copy.position += 1
    assert copy != saga
    with pytest.raises(TypeError):
        hash(saga)

    log = shop.run_unit(lambda unit: unit.lookups.saga_log(order.id))
    assert log and all(isinstance(e, cc.SagaLogEntry) and e.order_id == order.id for e in log)
    assert ("stock", "done") in [(e.step, e.action) for e in log]
    assert all(isinstance(json.loads(e.detail), dict) for e in log)
    assert repr(log[0]).startswith(f"SagaLogEntry(order_id='{order.id}', step=")
    assert log[0] == cc.SagaLogEntry(log[0].order_id, log[0].step, log[0].action, log[0].detail, log[0].at)
    assert log[0] != log[-1]
    assert shop.run_unit(lambda unit: unit.lookups.saga("no-such-order")) is None

    # the other lookups read what the services wrote
    def lookups(unit: cc.Unit) -> None:
        assert unit.lookups.order(order.id) == order
        payment = unit.lookups.payment(order.id)
        assert payment is not None and payment.amount == order.total
        product = unit.lookups.product("mug")
        assert product is not None and product.name == "Mug"
        assert unit.lookups.product("teapot") is None and unit.lookups.coupon("c-1") is None
        level = unit.stock.level("mug")
        assert level is not None and level.sold == 1
        assert [r.product_id for r in unit.stock.reservations(order.id)] == ["mug"]
        assert unit.events.counts().pending >= 3

    shop.run_unit(lookups)


def test_run_unit_credit_keeps_the_ledger_and_writes_the_event(store: cc.Store) -> None:
    def credit(unit: cc.Unit) -> cc.PointsEntry:
        unit.points.credit("alice", 300, "welcome")
        assert unit.points.balance("alice") == 300  # the unit reads its own writes
        return unit.points.credit("alice", 200, "loyalty bonus")

    entry = store.run_unit(credit, write=True)
    assert isinstance(entry, cc.PointsEntry)
    assert (entry.kind, entry.amount, entry.balance_after, entry.reason) == (
        cc.PointsEntryKind.ADJUST, 200, 500, "loyalty bonus")
    assert [e.balance_after for e in store.points.history("alice")] == [500, 300]
    events = outbox(store)
    assert [e.type for e in events] == ["PointAdjusted", "PointAdjusted"]
    assert json.loads(events[1].payload) == {"user_id": "alice", "amount": 200, "balance": 500}
    assert store.check().ok


def test_run_unit_refusals_and_bad_input_change_nothing(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=3)
    store.points.charge("alice", 100)

    def snapshot() -> tuple[int, int, int, int]:
        return (store.points.balance("alice"), len(list(store.points.history("alice"))),
                store.stock.level("mug").on_hand, len(outbox(store)))

    before = snapshot()

    def refused(unit: cc.Unit) -> None:
        with pytest.raises(cc.InsufficientPointsError) as short:
            unit.points.debit("alice", 101, "too much")
        assert short.value.subject == "alice"
        with pytest.raises(cc.OutOfStockError):
            unit.stock.adjust("mug", -4, "lost")
        with pytest.raises(cc.NotFoundError):
            unit.stock.adjust("teapot", 1, "found")
        for call, field in (
            (lambda: unit.points.credit("alice", 0, "r"), "amount"),
            (lambda: unit.points.credit("", 1, "r"), "user_id"),
            (lambda: unit.points.credit("alice", 1, ""), "reason"),
            (lambda: unit.stock.adjust("mug", 0, "r"), "delta"),
            (lambda: unit.events.emit("PaymentCompleted", "alice", "{}"), "type"),
            (lambda: unit.events.emit("bonus", "alice", "{}"), "type"),
            (lambda: unit.events.emit("BonusApplied", "", "{}"), "key"),
            (lambda: unit.events.emit("BonusApplied", "alice", "[1]"), "payload"),
            (lambda: unit.lookups.order("has space"), "order_id"),
        ):
            with pytest.raises(cc.InvalidArgumentError) as bad:
                call()
            assert bad.value.subject == field

    store.run_unit(refused, write=True)
    assert snapshot() == before

    # a read unit refuses writes, naming the unit
    def read_only(unit: cc.Unit) -> None:
        assert not unit.writable and repr(unit) == "<Unit (open, read)>"
        with pytest.raises(cc.FailedPreconditionError) as refused_write:
            unit.points.credit("alice", 1, "r")
        assert refused_write.value.subject == "unit"

    store.run_unit(read_only)
    assert snapshot() == before
    assert store.check().ok


def test_run_unit_commits_or_rolls_back(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=3)
    committed: list[int] = []

    def restock(unit: cc.Unit) -> int:
        level = unit.stock.adjust("mug", 2, "found two")
        unit.after_commit(lambda: committed.append(store.stock.level("mug").on_hand))
        return level.on_hand

    assert store.run_unit(restock, write=True) == 5
    assert store.stock.level("mug").on_hand == 5
    assert committed == [5]  # ran after the commit
    assert outbox(store)[-1].type == "StockAdjusted"
    assert store.check().ok  # the audit row keeps initial + adjustments = on_hand + sold

    class Abort(Exception):
        pass

    def half_done(unit: cc.Unit) -> None:
        unit.points.credit("alice", 700, "bonus")
        unit.stock.adjust("mug", 1, "found")
        unit.events.emit("LoyaltyBonusApplied", "alice", "{}")
        unit.after_commit(lambda: committed.append(-1))
        raise Abort()

    events_before = len(outbox(store))
    with pytest.raises(Abort):
        store.run_unit(half_done, write=True)
    assert store.points.balance("alice") == 0 and list(store.points.history("alice")) == []
    assert store.stock.level("mug").on_hand == 5
    assert len(outbox(store)) == events_before
    assert committed == [5]

    kept: list[cc.Unit] = []
    store.run_unit(kept.append)
    with pytest.raises(cc.FailedPreconditionError) as dead:
        kept[0].lookups.product("mug")
    assert dead.value.subject == "unit"


def test_host_event_topic_follows_the_naming_option(tmp_path: Path, clock: cc.ManualClock) -> None:
    store = cc.Store.open(tmp_path / "typed.db", clock=clock, topic_naming=cc.TopicNaming.PER_TYPE)
    event = store.run_unit(
        lambda unit: unit.events.emit("LoyaltyBonusApplied", "alice", '{"amount": 5}'), write=True)
    assert isinstance(event, cc.Event)
    assert event.topic == "host.loyalty.bonus-applied" and event.occurred_at == store.now
    assert outbox(store) == [event]
