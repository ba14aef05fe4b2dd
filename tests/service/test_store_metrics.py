"""GET /metrics carries the library's metrics of the store (Store::metrics()): orders by
outcome, saga steps, gateway calls and latency, storage units, the outbox; each moves by
exactly what the requests did."""
from conftest import KEYS
from test_metrics_and_openapi import series


def scrape(s):
    status, _, text = s.call("GET", "/metrics", key=KEYS["operator"])
    assert status == 200
    return text


def test_orders_by_outcome_and_gateway_calls(own_server):
    s = own_server
    assert s.admin("POST", "/products", {"id": "sm", "name": "S", "price": 700,
                                         "initial_stock": 2})[0] == 201
    before = scrape(s)
    for outcome in ("placed", "confirmed", "failed", "cancelled"):
        assert series(before, "commerce_orders_total", outcome=outcome) == 0
    assert "# TYPE commerce_gateway_call_duration_seconds histogram" in before

    status, _, paid = s.admin("POST", "/orders", {"user_id": "ann",
                                                  "items": [{"product_id": "sm", "qty": 2}]})
    assert status == 201 and paid["status"] == "confirmed"
    status, _, short = s.admin("POST", "/orders", {"user_id": "bob",
                                                   "items": [{"product_id": "sm", "qty": 1}]})
    assert status == 201 and short["status"] == "failed"
    assert s.admin("PUT", f"/orders/{paid['id']}/cancel", {"reason": "test"})[0] == 200

    after = scrape(s)
    assert series(after, "commerce_orders_total", outcome="placed") == 2
    assert series(after, "commerce_orders_total", outcome="confirmed") == 1
    assert series(after, "commerce_orders_total", outcome="failed") == 1
    assert series(after, "commerce_orders_total", outcome="cancelled") == 1
    assert series(after, "commerce_saga_steps_total", result="refused") == 1
    assert series(after, "commerce_saga_steps_total", result="compensated") >= 1
    # The paid order's charge (approved); when cancelled, its void (declined: the CLI's
    # FakeGateway captures at once) and then its refund (approved).
    assert series(after, "commerce_gateway_calls_total", outcome="approved") == 2
    assert series(after, "commerce_gateway_calls_total", outcome="declined") == 1
    assert "\ncommerce_gateway_call_duration_seconds_count 3\n" in after
    assert "\ncommerce_gateway_call_duration_seconds_bucket{le=\"+Inf\"} 3\n" in after
    assert "\ncommerce_storage_units_total " in after
    # No relay runs in this service: the events wait in the outbox.
    assert series(after, "commerce_relay_events_total", result="delivered") == 0
    pending = [line for line in after.splitlines()
               if line.startswith("commerce_outbox_pending_events ")]
    assert len(pending) == 1 and float(pending[0].split()[1]) > 0, pending
