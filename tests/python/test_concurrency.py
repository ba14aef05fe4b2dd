"""Threads from Python: a flash sale sells exactly the stock, and storage calls release the
GIL so other Python code runs while a call waits on the database."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Callable

import commerce_core as cc


def _run_threads(n: int, target: Callable[[int], None]) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_flash_sale_with_stock_reserve_sells_exactly_the_stock(store: cc.Store) -> None:
    store.catalog.create(id="drop", name="Limited", price=99_000, initial_stock=7)
    sold: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(24)

    def buyer(i: int) -> None:
        start.wait()
        for k in range(3):
            order = f"o-{i}-{k}"
            try:
                store.stock.reserve(order, [cc.LineItem("drop", 1)])
                with lock:
                    sold.append(order)
            except cc.OutOfStockError as e:
                assert e.subject == "drop"
                with lock:
                    refused.append(order)

    _run_threads(24, buyer)
    assert len(sold) == 7 and len(refused) == 24 * 3 - 7
    level = store.stock.level("drop")
    assert (level.reserved, level.available) == (7, 0)
    assert store.check().ok


def test_flash_sale_with_orders_place_sells_exactly_the_stock(shop: cc.Store) -> None:
    start = threading.Barrier(12)
    results: list[cc.Order] = []
    lock = threading.Lock()

    def buyer(i: int) -> None:
        start.wait()
        order = shop.orders.place(f"user-{i}", [cc.LineItem("tee", 1)])
        with lock:
            results.append(order)

    _run_threads(12, buyer)
    confirmed = [o for o in results if o.status == cc.OrderStatus.CONFIRMED]
    failed = [o for o in results if o.status == cc.OrderStatus.FAILED]
    assert len(confirmed) == 3 and len(failed) == 9
    assert all("stock" in o.failure_reason for o in failed)
    level = shop.stock.level("tee")
    assert (level.on_hand, level.reserved, level.sold) == (0, 0, 3)
    assert shop.check().ok


def test_storage_calls_release_the_gil(tmp_path: Path) -> None:
    """While a stock.adjust waits for a SQLite write lock held by another connection, this
    thread keeps running Python code; it then releases the lock and the call completes. If the
    call held the GIL, this thread could not run until the call gave up (UnavailableError)."""
    path = tmp_path / "gil.db"
    store = cc.Store.open(path)
    store.catalog.create(id="mug", name="Mug", price=100, initial_stock=1)

    blocker = sqlite3.connect(path, isolation_level=None, timeout=60)
    blocker.execute("BEGIN IMMEDIATE")  # hold the write lock the library needs
    entered = threading.Event()
    outcome: list[object] = []

    def worker() -> None:
        entered.set()
        try:
            outcome.append(store.stock.adjust("mug", 5, "restock"))
        except cc.CommerceError as e:  # pragma: no cover - only if the GIL was held
            outcome.append(e)

    t = threading.Thread(target=worker)
    t.start()
    entered.wait()
    spins = 0
    while spins < 200:  # Python work while the worker sits inside the C++ call
        spins += 1
        threading.Event().wait(0.001)
    assert outcome == [], "the worker cannot finish while the write lock is held"
    blocker.execute("ROLLBACK")
    blocker.close()
    t.join()
    assert len(outcome) == 1 and isinstance(outcome[0], cc.StockLevel)
    assert outcome[0].on_hand == 6
    assert spins == 200
