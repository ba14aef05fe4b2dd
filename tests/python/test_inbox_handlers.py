"""Inbox handlers written in Python (Inbox.register_handler): the effect is written through the
InboxContext's Transaction and commits with the inbox record, once per message id; a raising
handler refuses the message; the context and transaction are dead after the call. Also
Store.run_unit and the stored saga records (SagaRecord, SagaLogEntry)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

import commerce_core as cc


def bonus_message(message_id: str, user: str = "alice", amount: int = 500) -> dict[str, Any]:
    return {"id": message_id, "type": "LoyaltyBonus", "payload": {"user_id": user, "amount": amount}}


def credit_points(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
    """Credits the payload's amount with a ledger entry and an outbox event, like a service."""
    payload = json.loads(message.payload)
    user, amount = payload["user_id"], payload["amount"]
    tx = ctx.transaction
    assert tx.try_credit_points(user, amount)
    balance = tx.find_points_balance(user)
    tx.insert_points_entry(
        cc.PointsEntry(
            id=cc.new_id(ctx.now),
            user_id=user,
            kind=cc.PointsEntryKind.ADJUST,
            amount=amount,
            balance_after=balance,
            reason=f"loyalty bonus {message.id}",
            created_at=ctx.now,
        )
    )
    tx.append_event(
        cc.Event(
            id=cc.new_id(ctx.now),
            type="LoyaltyBonusApplied",
            topic="points-events",
            key=user,
            occurred_at=ctx.now,
            payload=json.dumps({"user_id": user, "amount": amount}),
        )
    )


def test_python_handler_applies_once_and_duplicate_changes_nothing(store: cc.Store) -> None:
    calls: list[str] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        assert ctx.valid and ctx.transaction.valid
        assert ctx.message == message and message.type == "LoyaltyBonus"
        assert ctx.now == store.now
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
    # the effect was written like a service's: ledger entry, outbox event, invariants hold
    entries = list(store.points.history("alice"))
    assert [e.amount for e in entries] == [500] and entries[0].reason == "loyalty bonus bonus-1"
    events = store.run_unit(lambda tx: tx.read_outbox())
    assert [e.type for e in events] == ["LoyaltyBonusApplied"]
    record = store.run_unit(lambda tx: tx.find_inbox_message("bonus-1"))
    assert record is not None and record.type == "LoyaltyBonus" and record.message_id == "bonus-1"
    assert repr(record).startswith("InboxRecord(message_id='bonus-1'")
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
    assert store.run_unit(lambda tx: tx.read_outbox()) == []

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


def test_context_and_transaction_are_dead_after_the_call(store: cc.Store) -> None:
    kept: list[cc.InboxContext] = []
    kept_tx: list[cc.Transaction] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        kept.append(ctx)
        kept_tx.append(ctx.transaction)
        ctx.transaction.put_setting("py.last-message", message.id)

    store.inbox.register_handler("Note", handler)
    assert store.inbox.receive({"id": "n-1", "type": "Note", "payload": {}}) == cc.InboxOutcome.APPLIED
    ctx, tx = kept[0], kept_tx[0]
    assert not ctx.valid and not tx.valid
    assert repr(ctx) == "<InboxContext (closed)>" and repr(tx) == "<Transaction (closed)>"
    for use in (
        lambda: ctx.transaction,
        lambda: ctx.now,
        lambda: ctx.message,
        lambda: ctx.after_commit(lambda: None),
    ):
        with pytest.raises(cc.FailedPreconditionError, match="only valid during") as e:
            use()
        assert e.value.subject == "inbox-context"
    with pytest.raises(cc.FailedPreconditionError, match="only valid during") as dead:
        tx.put_setting("py.last-message", "late")
    assert dead.value.subject == "transaction"
    with pytest.raises(cc.FailedPreconditionError):
        tx.find_setting("py.last-message")
    # the write made during the call committed; the late one did not happen
    assert store.run_unit(lambda t: t.find_setting("py.last-message")) == "n-1"


def test_after_commit_runs_only_when_the_unit_commits(store: cc.Store) -> None:
    done: list[str] = []

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        ctx.after_commit(lambda: done.append(message.id))
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

    store.inbox.register_handler("Note", no_arguments)  # type: ignore[arg-type]
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


# ---- Store.run_unit and the saga records


def test_run_unit_reads_the_saga_log(shop: cc.Store) -> None:
    order = shop.orders.place("alice", [cc.LineItem("mug", 1)])
    assert order.status == cc.OrderStatus.CONFIRMED
    saga = shop.run_unit(lambda tx: tx.find_saga(order.id))
    assert isinstance(saga, cc.SagaRecord)
    assert saga.order_id == order.id and saga.state == cc.SagaState.CONFIRMED
    assert "stock" in saga.steps and "payment" in saga.steps
    assert repr(saga).startswith(f"SagaRecord(order_id='{order.id}', state=SagaState.CONFIRMED")
    # value semantics: equal field by field, unhashable, constructible by keyword
    again = shop.run_unit(lambda tx: tx.find_saga(order.id))
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

    log = shop.run_unit(lambda tx: tx.find_saga_log(order.id))
    assert log and all(isinstance(e, cc.SagaLogEntry) and e.order_id == order.id for e in log)
    assert ("stock", "done") in [(e.step, e.action) for e in log]
    assert all(isinstance(json.loads(e.detail), dict) for e in log)
    assert repr(log[0]).startswith(f"SagaLogEntry(order_id='{order.id}', step=")
    assert log[0] == cc.SagaLogEntry(log[0].order_id, log[0].step, log[0].action, log[0].detail, log[0].at)
    assert log[0] != log[-1]

    confirmed = shop.run_unit(lambda tx: tx.list_sagas(cc.SagaState.CONFIRMED))
    assert [s.order_id for s in confirmed] == [order.id]
    assert shop.run_unit(lambda tx: tx.find_saga("no-such-order")) is None


def test_run_unit_commits_or_rolls_back(store: cc.Store) -> None:
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=3)

    def restock(tx: cc.Transaction) -> int:
        assert tx.try_adjust_stock("mug", 2)
        tx.insert_stock_adjustment(
            cc.StockAdjustment(id=cc.new_id(store.now), product_id="mug", delta=2,
                               reason="found two", created_at=store.now)
        )
        level = tx.find_stock("mug")
        assert level is not None
        return level.on_hand

    assert store.run_unit(restock, write=True) == 5
    assert store.stock.level("mug").on_hand == 5
    assert store.check().ok

    class Abort(Exception):
        pass

    def half_done(tx: cc.Transaction) -> None:
        tx.put_setting("py.half", "written")
        raise Abort()

    with pytest.raises(Abort):
        store.run_unit(half_done, write=True)
    assert store.run_unit(lambda tx: tx.find_setting("py.half")) is None

    kept: list[cc.Transaction] = []
    store.run_unit(kept.append)
    with pytest.raises(cc.FailedPreconditionError) as dead:
        kept[0].find_product("mug")
    assert dead.value.subject == "transaction"
