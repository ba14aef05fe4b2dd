"""KafkaSink from Python: configuration errors, failures reported per event when no broker
answers, and a relay publishing the outbox to a real broker, read back with a Kafka consumer.

run_python_tests.sh starts a throw-away broker (tests/kafka/broker.sh) and exports
COMMERCE_KAFKA_BOOTSTRAP; without one (or without the Kafka component) these tests skip, and
fail under CI=true."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

import commerce_core as cc
from conftest import require_kafka_build

QUIET = {"log_level": "0"}  # librdkafka logs to stderr by default


def test_configuration_errors() -> None:
    require_kafka_build()
    cases: list[tuple[dict[str, object], str]] = [
        ({"bootstrap_servers": ""}, "bootstrap_servers"),
        ({"bootstrap_servers": "127.0.0.1:9", "report_grace_ms": -1}, "report_grace_ms"),
        ({"bootstrap_servers": "127.0.0.1:9", "properties": {"acks": "1"}}, "properties.acks"),
        (
            {"bootstrap_servers": "127.0.0.1:9", "properties": {"enable.idempotence": "false"}},
            "properties.enable.idempotence",
        ),
        ({"bootstrap_servers": "127.0.0.1:9", "topic_overrides": {"order-events": ""}},
         "topic_overrides"),
    ]
    for kwargs, subject in cases:
        with pytest.raises(cc.InvalidArgumentError) as bad:
            cc.KafkaSink(**kwargs)  # type: ignore[arg-type]
        assert bad.value.subject == subject, (kwargs, bad.value)
    with pytest.raises(cc.InvalidArgumentError):
        cc.KafkaSink("127.0.0.1:9", properties={"no.such.property": "1"})
    with pytest.raises(TypeError):
        cc.KafkaSink("127.0.0.1:9", on_error="not callable")


def test_naming_and_lifecycle() -> None:
    require_kafka_build()
    sink = cc.KafkaSink(
        "127.0.0.1:9",
        topic_prefix="shop1.",
        topic_overrides={"order-events": "orders-v2"},
        properties=QUIET,
    )
    assert sink.name() == "kafka:127.0.0.1:9" and repr(sink) == "KafkaSink(kafka:127.0.0.1:9)"
    assert isinstance(sink, cc.EventSink)
    assert sink.topic_for(cc.Event(topic="order-events")) == "orders-v2"
    assert sink.topic_for(cc.Event(topic="product-events")) == "shop1.product-events"
    assert cc.KafkaSink.librdkafka_version()[0].isdigit()
    assert sink.counters() == cc.KafkaSinkCounters()
    assert sink.publish([]) == []
    sink.close()
    sink.close()  # idempotent
    assert sink.flush(10)
    with pytest.raises(cc.FailedPreconditionError):
        sink.publish([cc.Event(id=cc.new_id(1), type="T", topic="t", key="k", payload="{}")])


def test_absent_broker_fails_events_and_reports_errors() -> None:
    require_kafka_build()
    errors: list[str] = []
    sink = cc.KafkaSink(
        "127.0.0.1:1",
        properties={**QUIET, "message.timeout.ms": "1000"},
        report_grace_ms=500,
        on_error=errors.append,
    )
    event = cc.Event(id=cc.new_id(1), type="T", topic="t", key="k", occurred_at=1, payload="{}")
    acks = sink.publish([event, event])
    assert [a.status for a in acks] == [cc.AckStatus.FAILED, cc.AckStatus.NOT_ATTEMPTED] or [
        a.status for a in acks
    ] == [cc.AckStatus.FAILED, cc.AckStatus.FAILED]
    assert acks[0].error
    counters = sink.counters()
    assert counters.failed >= 1 and counters.acked == 0 and counters.last_error
    sink.close()
    assert errors, "on_error was not called"


def test_relay_publishes_the_outbox_to_a_real_broker(kafka_bootstrap: str, tmp_path: Path) -> None:
    from confluent_kafka import Consumer, TopicPartition

    store = cc.Store.open(tmp_path / "kafka.db", gateway=cc.FakeGateway())
    store.catalog.create(id="mug", name="Mug", price=12_000, initial_stock=5)
    order = store.orders.place("alice", [cc.LineItem("mug", 2)])
    assert order.status == cc.OrderStatus.CONFIRMED
    outbox = store.run_unit(lambda unit: unit.events.outbox(limit=1000))
    assert len(outbox) >= 3

    prefix = f"py-{uuid.uuid4().hex[:8]}."
    sink = cc.KafkaSink(kafka_bootstrap, topic_prefix=prefix, properties=QUIET)
    relay = cc.OutboxRelay(store, sink)
    batch = relay.drain()
    assert batch.delivered == len(outbox) and batch.failed == 0
    assert relay.stats().pending == 0
    counters = sink.counters()
    assert counters.acked == len(outbox) and counters.failed == 0
    assert relay.drain().published == 0  # nothing left to send

    # read every topic back from the beginning
    topics = sorted({sink.topic_for(e) for e in outbox})
    consumer = Consumer(
        {
            "bootstrap.servers": kafka_bootstrap,
            "group.id": f"py-test-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
            "log_level": 0,
        }
    )
    try:
        metadata = consumer.list_topics(timeout=10)
        assignment = [
            TopicPartition(topic, p, -2)  # OFFSET_BEGINNING
            for topic in topics
            for p in metadata.topics[topic].partitions
        ]
        consumer.assign(assignment)
        received: dict[str, tuple[str, str, bytes, dict[str, str]]] = {}
        deadline = time.monotonic() + 30
        while len(received) < len(outbox) and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error() is not None:
                continue
            raw = msg.headers() or []
            pairs = list(raw.items()) if isinstance(raw, dict) else raw
            headers = {n: v.decode() if isinstance(v, bytes) else str(v) for n, v in pairs}
            key, value = msg.key(), msg.value()
            assert isinstance(key, bytes) and isinstance(value, bytes)
            received[headers["event_id"]] = (msg.topic() or "", key.decode(), value, headers)
    finally:
        consumer.close()

    assert sorted(received) == sorted(e.id for e in outbox)
    for event in outbox:
        topic, key_text, body, event_headers = received[event.id]
        assert topic == prefix + event.topic and key_text == event.key
        assert event_headers["event_type"] == event.type
        assert event_headers["schema_version"] == str(event.schema_version)
        envelope = cc.parse_envelope_json(body.decode())
        assert envelope.id == event.id and envelope.type == event.type
        assert json.loads(envelope.payload) == json.loads(event.payload)
    sink.close()
