"""A flash sale over HTTP: two service processes on one store (PostgreSQL under
run_postgres_tests.sh, else one SQLite file), 16 concurrent clients, 100 units, 2,000 buyers
each ordering one unit: exactly 100 orders paid, the rest failed out of stock, nothing
oversold, `check` clean, and the two processes' metrics add up to what happened."""
import tempfile

from conftest import KEYS, Server
from load_client import Connection, run_clients
from test_metrics_and_openapi import series

UNITS = 100
BUYERS = 2000
CLIENTS = 16


def test_flash_sale_on_two_service_processes():
    with tempfile.TemporaryDirectory(prefix="commerce-flash-") as workdir:
        first = Server(workdir, name="first")
        second = Server(workdir, location=first.location, name="second")
        servers = [first, second]
        try:
            assert first.admin("POST", "/products", {"id": "hot", "name": "Hot", "price": 9900,
                                                     "initial_stock": UNITS})[0] == 201
            admin = {"Authorization": f"Bearer {KEYS['admin']}"}

            def client(index):
                connection = Connection(servers[index % 2].base)
                answers = []
                for buyer in range(index, BUYERS, CLIENTS):
                    status, order = connection.request(
                        "POST", "/orders",
                        {"user_id": f"buyer-{buyer}", "items": [{"product_id": "hot", "qty": 1}]},
                        headers={**admin, "Idempotency-Key": f"flash-{buyer}"})
                    answers.append((status, order))
                connection.close()
                return answers

            answers = [a for per_client in run_clients(CLIENTS, client) for a in per_client]
            assert len(answers) == BUYERS
            assert {status for status, _ in answers} == {201}, \
                [a for a in answers if a[0] != 201][:3]
            by_status = {}
            for _, order in answers:
                by_status[order["status"]] = by_status.get(order["status"], 0) + 1
            assert by_status == {"confirmed": UNITS, "failed": BUYERS - UNITS}, by_status

            status, _, level = first.admin("GET", "/products/hot/stock")
            assert status == 200
            assert (level["on_hand"], level["available"], level["sold"]) == (0, 0, UNITS), level
            status, _, report = first.call("GET", "/check", key=KEYS["operator"])
            assert status == 200 and report["ok"] and report["violations"] == [], report

            # Each process counted its own; together they are the sale.
            def total(name, **labels):
                return sum(series(s.call("GET", "/metrics", key=KEYS["operator"])[2], name,
                                  **labels) for s in servers)
            assert total("commerce_orders_total", outcome="placed") == BUYERS
            assert total("commerce_orders_total", outcome="confirmed") == UNITS
            assert total("commerce_orders_total", outcome="failed") == BUYERS - UNITS
            assert total("commerce_gateway_calls_total", outcome="approved") == UNITS
        finally:
            codes = [s.stop() for s in servers]
        assert codes == [0, 0], [s.log_text()[-2000:] for s in servers]
