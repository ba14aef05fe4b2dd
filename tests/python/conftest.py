"""Shared fixtures of the commerce_core Python tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Iterator, NoReturn

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


# ---- servers (started by run_python_tests.sh): under CI=true a missing one fails, else skips


def need(what: str, how: str) -> NoReturn:
    """Skips the test with a clear message, or fails it under CI=true (nothing may skip there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what}; {how}", pytrace=False)
    pytest.skip(f"{what}; {how}")


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    """COMMERCE_PG_URL (a PostgreSQL server the tests may create databases on)."""
    if not cc.WITH_POSTGRES:
        need(
            "commerce_core was built without PostgreSQL (WITH_POSTGRES is False)",
            "install libpq-dev and rebuild (pip install .)",
        )
    url = os.environ.get("COMMERCE_PG_URL", "")
    if not url:
        need(
            "no PostgreSQL server: COMMERCE_PG_URL is not set",
            "run tests/python/run_python_tests.sh, which starts one",
        )
    return url


@pytest.fixture(scope="module")
def pg_url(pg_base_url: str) -> str:
    """A fresh database on the server (created with psql), one per test module."""
    psql = shutil.which("psql")
    if psql is None:
        return pg_base_url  # the tests use unique ids, so a shared database works too
    name = "py_" + uuid.uuid4().hex[:12]
    subprocess.run(
        [psql, pg_base_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"],
        check=True,
        capture_output=True,
    )
    return pg_base_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """COMMERCE_KAFKA_BOOTSTRAP (a Kafka broker, host:port)."""
    require_kafka_build()
    bootstrap = os.environ.get("COMMERCE_KAFKA_BOOTSTRAP", "")
    if not bootstrap:
        need(
            "no Kafka broker: COMMERCE_KAFKA_BOOTSTRAP is not set",
            "run tests/python/run_python_tests.sh, which starts one (tests/kafka/broker.sh)",
        )
    return bootstrap


def require_kafka_build() -> None:
    if not cc.WITH_KAFKA:
        need(
            "commerce_core was built without Kafka (WITH_KAFKA is False)",
            "install librdkafka-dev and rebuild (pip install .)",
        )
