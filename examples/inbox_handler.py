"""An inbox handler written in Python, and reading an order's saga log.

Another service sends "LoyaltyBonus" messages; the handler credits the points through the inbox's
own unit of work (one call: the ledger entry with balance_after and the PointAdjusted event come
with it), so each message is applied exactly once however often it is delivered. Then an order's
stored saga is read through Store.run_unit.

    python examples/inbox_handler.py [DIRECTORY]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import commerce_core as cc


def on_bonus(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
    """Credits payload.amount to payload.user_id; refuses amounts above 10,000."""
    payload = json.loads(message.payload)
    user, amount = payload["user_id"], payload["amount"]
    if not isinstance(amount, int) or not 0 < amount <= 10_000:
        raise cc.InvalidArgumentError("amount must be 1..10000", subject="payload.amount")
    ctx.unit.points.credit(user, amount, f"loyalty bonus {message.id}")
    ctx.unit.after_commit(lambda: print(f"  (after commit: {message.id} applied)"))


def main(directory: Path) -> None:
    store = cc.Store.open(directory / "inbox-example.db", gateway=cc.FakeGateway())
    store.inbox.register_handler("LoyaltyBonus", on_bonus)

    bonus = {"id": "bonus-42", "type": "LoyaltyBonus", "payload": {"user_id": "alice", "amount": 700}}
    for attempt in (1, 2):
        outcome = store.inbox.receive(bonus)
        print(f"delivery {attempt}: {outcome.name}; alice has {store.points.balance('alice')} points")
    try:
        store.inbox.receive({"id": "bonus-43", "type": "LoyaltyBonus",
                             "payload": {"user_id": "alice", "amount": 50_000}})
    except cc.InvalidArgumentError as e:
        print(f"refused: {e.subject}; recorded: {store.inbox.seen('bonus-43')}")

    if not store.catalog.list(text="Mug").items:
        store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=10)
    order = store.orders.place("alice", [cc.LineItem("mug", 1)], points_to_use=700,
                               request_id="example-order-1")
    saga = store.run_unit(lambda unit: unit.lookups.saga(order.id))
    assert saga is not None
    print(f"order {order.status.name}; saga {saga.state.name} after steps {', '.join(saga.steps)}")
    for entry in store.run_unit(lambda unit: unit.lookups.saga_log(order.id)):
        print(f"  {entry.step}: {entry.action}")
    print(f"invariants ok: {store.check().ok}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
