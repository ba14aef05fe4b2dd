"""`commerce serve --relay-jsonl FILE`: the outbox relay runs in a thread of the service. The
events of the requests reach the file, /metrics counts them, SIGTERM stops the relay with the
service (exit 0) and releases its lease, so a relay started afterwards takes over at once."""
import json
import os
import subprocess
import time

from conftest import KEYS, Server, cli_path, key_line
from test_metrics_and_openapi import series


def lines_of(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_for(condition, what, seconds=30):
    """Polls `condition` until it holds (no timing is asserted: the deadline only bounds a hang)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_relay_runs_in_the_service_and_stops_with_it(tmp_path):
    events_file = str(tmp_path / "events.jsonl")
    s = Server(str(tmp_path), extra_args=("--relay-jsonl", events_file, "--relay-no-fsync"))
    try:
        assert s.admin("POST", "/products", {"id": "r1", "name": "R", "price": 500,
                                             "initial_stock": 5})[0] == 201
        status, _, order = s.admin("POST", "/orders", {"user_id": "ann",
                                                       "items": [{"product_id": "r1", "qty": 2}]})
        assert status == 201 and order["status"] == "confirmed"
        op = KEYS["operator"]
        wait_for(lambda: s.call("GET", "/stats", key=op)[2]["outbox"]["pending"] == 0,
                 "the in-process relay to deliver the outbox")
        delivered = lines_of(events_file)
        types = [e["type"] for e in delivered]
        assert "OrderCreated" in types and "OrderConfirmed" in types, types
        assert len({e["id"] for e in delivered}) == len(delivered)  # each once
        metrics = s.call("GET", "/metrics", key=op)[2]
        assert series(metrics, "commerce_relay_events_total", result="delivered") == \
            len(delivered)
        assert "\ncommerce_outbox_pending_events 0\n" in metrics
        assert "\ncommerce_relay_lag_seconds_count " + str(len(delivered)) + "\n" in metrics
    finally:
        assert s.stop() == 0, s.log_text()
    # Stopped by SIGTERM: its lease is released, so a relay started now is the leader at once
    # and finds nothing left to send.
    again = subprocess.run([cli_path(), *s.location, "--json", "relay", "--jsonl",
                            str(tmp_path / "after.jsonl")],
                           check=True, capture_output=True, text=True)
    report = json.loads(again.stdout)
    assert report["leader"] is True and report["outbox"]["pending"] == 0, report


def test_relay_flags_are_checked(tmp_path):
    location = ["--db", str(tmp_path / "shop.db")]
    subprocess.run([cli_path(), *location, "init"], check=True, stdout=subprocess.DEVNULL)
    both = subprocess.run([cli_path(), *location, "--json", "serve", "--listen", "127.0.0.1:0",
                           "--relay-jsonl", str(tmp_path / "e.jsonl"), "--relay-kafka", "x:9092"],
                          capture_output=True, text=True, timeout=30,
                          env={**os.environ, "COMMERCE_API_KEYS": key_line("admin", KEYS["admin"])})
    assert both.returncode != 0 and "--relay-jsonl" in both.stdout + both.stderr
