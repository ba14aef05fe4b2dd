"""Allocation strategies: the built-ins, a Python strategy through checked_plan, refusals."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

import commerce_core as cc


def _request() -> cc.AllocationRequest:
    """p1: 5 units from L1 (3, eu, first by priority) or L2 (5, us); p2: 1 unit from L1."""
    return cc.AllocationRequest(
        order_id="o1",
        region="eu",
        lines=[
            cc.AllocationLine(
                product_id="p1",
                qty=5,
                options=[
                    cc.StockOption(location_id="L1", available=3, priority=1, region="eu"),
                    cc.StockOption(location_id="L2", available=5, priority=2, region="us"),
                ],
            ),
            cc.AllocationLine(
                product_id="p2",
                qty=1,
                options=[cc.StockOption(location_id="L1", available=1, priority=1, region="eu")],
            ),
        ],
        attempt=1,
    )


def _plan(*rows: tuple[str, str, int]) -> list[cc.Allocation]:
    return [cc.Allocation(product_id=p, location_id=loc, qty=q) for p, loc, q in rows]


class FromLastOption(cc.AllocationStrategy):
    """A host rule: every line from its last option (no name(): the class name is used)."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts: list[int] = []

    def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
        self.attempts.append(request.attempt)
        return [
            cc.Allocation(
                product_id=line.product_id, location_id=line.options[-1].location_id, qty=line.qty
            )
            for line in request.lines
        ]


class Failing(cc.AllocationStrategy):
    def name(self) -> str:
        return "failing"

    def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
        raise RuntimeError("the warehouse service is down")


def test_values_are_keyword_constructible_and_compare_by_field() -> None:
    option = cc.StockOption(location_id="L1", available=-2, backorder_room=3, priority=1)
    assert (option.available, option.backorder_room, option.region) == (-2, 3, "")
    assert option == cc.StockOption("L1", -2, 3, 1, "")
    assert repr(cc.Allocation("p1", "L1", 2)) == (
        "Allocation(product_id='p1', location_id='L1', qty=2)"
    )
    assert _request().lines[0].options[1].location_id == "L2"


def test_built_in_strategies() -> None:
    request = _request()
    assert cc.priority_allocation().name() == "priority"
    assert cc.checked_plan(cc.priority_allocation(), request) == _plan(
        ("p1", "L1", 3), ("p1", "L2", 2), ("p2", "L1", 1)
    )
    # L2 covers 5 missing units, L1 4: L2 first, and p2 can only come from L1.
    assert cc.fewest_shipments_allocation().name() == "fewest_shipments"
    assert cc.checked_plan(cc.fewest_shipments_allocation(), request) == _plan(
        ("p1", "L2", 5), ("p2", "L1", 1)
    )
    request.region = "us"
    assert cc.region_first_allocation().name() == "region_first"
    assert cc.checked_plan(cc.region_first_allocation(), request) == _plan(
        ("p1", "L2", 5), ("p2", "L1", 1)
    )
    # plan() of a built-in is callable directly (unchecked, unmerged, in fill order).
    assert cc.priority_allocation().plan(request) == _plan(
        ("p1", "L1", 3), ("p1", "L2", 2), ("p2", "L1", 1)
    )


def test_python_strategy_planned_through_checked_plan() -> None:
    strategy = FromLastOption()
    assert strategy.name() == "FromLastOption"
    assert cc.checked_plan(strategy, _request()) == _plan(("p1", "L2", 5), ("p2", "L1", 1))
    assert strategy.attempts == [1]


def test_python_strategy_called_from_many_threads() -> None:
    strategy = FromLastOption()
    results: list[list[cc.Allocation]] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(20):
            plan = cc.checked_plan(strategy, _request())  # releases the GIL, plan() takes it
            with lock:
                results.append(plan)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 160
    assert all(plan == _plan(("p1", "L2", 5), ("p2", "L1", 1)) for plan in results)


def test_a_raising_strategy_is_refused_naming_allocation_strategy() -> None:
    with pytest.raises(cc.InvalidArgumentError) as raised:
        cc.checked_plan(Failing(), _request())
    assert raised.value.subject == "allocation_strategy"
    assert "strategy 'failing' failed" in str(raised.value)
    assert "RuntimeError: the warehouse service is down" in str(raised.value)


def test_impossible_plans_are_refused_naming_allocation_strategy() -> None:
    class AllFromFirst(cc.AllocationStrategy):
        def name(self) -> str:
            return "all_from_first"

        def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
            return [
                cc.Allocation(line.product_id, line.options[0].location_id, line.qty)
                for line in request.lines
            ]

    class Unknown(cc.AllocationStrategy):
        def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
            return _plan(("p1", "L9", 5), ("p2", "L1", 1))

    class TooFew(cc.AllocationStrategy):
        def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
            return _plan(("p1", "L2", 4), ("p2", "L1", 1))

    class NotAList(cc.AllocationStrategy):
        def plan(self, request: cc.AllocationRequest) -> list[cc.Allocation]:
            return 42  # type: ignore[return-value]

    class NoPlan(cc.AllocationStrategy):
        pass

    expected = {
        AllFromFirst: "strategy 'all_from_first' planned 5 of 'p1' at 'L1' where 3 are available",
        Unknown: "strategy 'Unknown' planned 5 of 'p1' at 'L9', a location not in the request",
        TooFew: "strategy 'TooFew' planned 4 of 'p1' where the order needs 5",
        NotAList: "strategy 'NotAList' failed",
        NoPlan: "does not implement plan()",
    }
    for cls, message in expected.items():
        with pytest.raises(cc.InvalidArgumentError) as raised:
            cc.checked_plan(cls(), _request())
        assert raised.value.subject == "allocation_strategy"
        assert message in str(raised.value)


def test_store_keeps_its_allocation_strategy(tmp_path: Path) -> None:
    default = cc.Store.open(tmp_path / "default.db")
    assert default.allocation_strategy.name() == "priority"
    # The store keeps the Python object alive (its attributes too) while it holds it.
    store = cc.Store.open(tmp_path / "host.db", allocation_strategy=FromLastOption())
    gc.collect()
    held = store.allocation_strategy
    assert isinstance(held, FromLastOption)
    assert cc.checked_plan(held, _request()) == _plan(("p1", "L2", 5), ("p2", "L1", 1))
    assert held.attempts == [1]
    built_in = cc.Store.open(
        tmp_path / "fewest.db", allocation_strategy=cc.fewest_shipments_allocation()
    )
    assert built_in.allocation_strategy.name() == "fewest_shipments"
