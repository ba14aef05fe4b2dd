"""Shared fixtures of the commerce_core Python tests."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

import commerce_core as cc

T0 = 1_700_000_000_000  # a fixed start time (ms) for ManualClock


@pytest.fixture
def clock() -> cc.ManualClock:
    return cc.ManualClock(T0)


@pytest.fixture
def store(tmp_path: Path, clock: cc.ManualClock) -> Iterator[cc.Store]:
    yield cc.Store.open(tmp_path / "shop.db", clock=clock)


@pytest.fixture
def gateway() -> cc.FakeGateway:
    return cc.FakeGateway()


@pytest.fixture
def shop(tmp_path: Path, clock: cc.ManualClock, gateway: cc.FakeGateway) -> cc.Store:
    """A store with a fake gateway and two products."""
    s = cc.Store.open(tmp_path / "orders.db", clock=clock, gateway=gateway, attempts=1)
    s.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=10)
    s.catalog.create(id="tee", name="T-shirt", price=25_000, initial_stock=3)
    return s
