"""The module over a real PostgreSQL server: Store.open("postgresql://...") from Python, orders,
threads placing orders at once, errors, and Python inbox handlers in a PostgreSQL transaction.

run_python_tests.sh starts a throw-away server and exports COMMERCE_PG_URL; without one these
tests skip (and fail under CI=true)."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

import commerce_core as cc


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def pg_shop(pg_url: str) -> cc.Store:
    return cc.Store.open(pg_url, gateway=cc.FakeGateway(), attempts=1)


def test_open_by_url_and_place_orders(pg_url: str, pg_shop: cc.Store) -> None:
    assert pg_shop.url.startswith("postgresql://") and repr(pg_shop).startswith("Store(postgresql://")
    assert pg_shop.currency == "KRW"
    mug, user = uid("mug"), uid("user")
    pg_shop.catalog.create(id=mug, name="Mug", price=12_000, initial_stock=5)
    pg_shop.points.charge(user, 3_000)
    order = pg_shop.orders.place(user, [cc.LineItem(mug, 2)], points_to_use=3_000)
    assert order.status == cc.OrderStatus.CONFIRMED and order.total == 21_000
    assert pg_shop.orders.get(order.id) == order
    level = pg_shop.stock.level(mug)
    assert (level.on_hand, level.reserved) == (3, 0)
    assert pg_shop.points.balance(user) == 0
    assert pg_shop.orders.ship(order.id).status == cc.OrderStatus.SHIPPED
    # a second Store over the same database sees the same data
    other = cc.Store.open(pg_url)
    assert other.orders.get(order.id).status == cc.OrderStatus.SHIPPED
    saga = other.run_unit(lambda unit: unit.lookups.saga(order.id))
    assert saga is not None and saga.state == cc.SagaState.CONFIRMED
    assert pg_shop.check().ok


def test_threads_place_orders_and_sell_exactly_the_stock(pg_shop: cc.Store) -> None:
    drop = uid("drop")
    pg_shop.catalog.create(id=drop, name="Limited", price=9_000, initial_stock=12)
    statuses: list[cc.OrderStatus] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def buyer(i: int) -> None:
        start.wait()
        for _ in range(4):
            try:
                order = pg_shop.orders.place(f"buyer-{i}", [cc.LineItem(drop, 1)])
                with lock:
                    statuses.append(order.status)
            except BaseException as e:  # noqa: BLE001 (reported below)
                with lock:
                    errors.append(e)

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert statuses.count(cc.OrderStatus.CONFIRMED) == 12
    assert statuses.count(cc.OrderStatus.FAILED) == 32 - 12
    level = pg_shop.stock.level(drop)
    assert (level.on_hand, level.reserved, level.available) == (0, 0, 0)
    assert pg_shop.check().ok


def test_errors_over_postgres(pg_shop: cc.Store) -> None:
    mug = uid("mug")
    with pytest.raises(cc.NotFoundError) as missing:
        pg_shop.catalog.get(mug)
    assert missing.value.subject == mug
    pg_shop.catalog.create(id=mug, name="Mug", price=1_000, initial_stock=1, request_id=mug)
    with pytest.raises(cc.ConflictError):
        pg_shop.catalog.create(id=mug, name="Other", price=1_000, request_id=mug)
    with pytest.raises(cc.InvalidArgumentError) as bad:
        pg_shop.catalog.create(id="", name="Nameless", price=1)
    assert bad.value.subject == "id"
    with pytest.raises(cc.OutOfStockError) as out:
        pg_shop.stock.reserve(uid("order"), [cc.LineItem(mug, 2)])
    assert out.value.subject == mug
    with pytest.raises(cc.InsufficientPointsError):
        pg_shop.points.use(uid("user"), 10, uid("order"))


def test_postgres_options(pg_url: str) -> None:
    options = cc.PostgresOptions(pool_size=2, application_name="py-tests")
    assert options.retry_budget_ms == 30_000 and options.connect_timeout_s == 5  # the defaults
    assert repr(options).startswith("PostgresOptions(pool_size=2, retry_budget_ms=30000")
    store = cc.Store.open(pg_url, postgres=options)
    assert store.url.startswith("postgresql://")
    with pytest.raises(cc.InvalidArgumentError) as bad:
        cc.Store.open("shop.db", postgres=options)
    assert bad.value.subject == "postgres"
    # an unreachable server is UnavailableError once the retry budget is spent
    quick = cc.PostgresOptions(retry_budget_ms=1_000, connect_timeout_s=1)
    with pytest.raises(cc.UnavailableError):
        cc.Store.open("postgresql://postgres@127.0.0.1:1/postgres", postgres=quick)


def test_python_inbox_handler_in_a_postgres_transaction(pg_shop: cc.Store) -> None:
    user = uid("user")

    def handler(ctx: cc.InboxContext, message: cc.IncomingMessage) -> None:
        amount = json.loads(message.payload)["amount"]
        ctx.unit.points.credit(user, amount, "bonus")
        if amount > 1_000:
            raise ValueError("too generous")

    pg_shop.inbox.register_handler("Bonus", handler)
    first, big = uid("m"), uid("m")
    message = {"id": first, "type": "Bonus", "payload": {"amount": 300}}
    assert pg_shop.inbox.receive(message) == cc.InboxOutcome.APPLIED
    assert pg_shop.inbox.receive(message) == cc.InboxOutcome.DUPLICATE
    with pytest.raises(ValueError, match="too generous"):
        pg_shop.inbox.receive({"id": big, "type": "Bonus", "payload": {"amount": 5_000}})
    assert pg_shop.points.balance(user) == 300
    assert pg_shop.inbox.seen(first) and not pg_shop.inbox.seen(big)
