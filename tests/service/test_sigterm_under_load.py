"""SIGTERM while 16 clients place orders: the service finishes the requests it has, closes, and
exits 0; no request is half-applied: every order answered 2xx is stored in the state the answer
gave, at most one request per client (the one its connection failed on) was applied without an
answer, recover() finds nothing to finish, and check is clean. On SQLite and, under
run_postgres_tests.sh, PostgreSQL."""
import signal
import subprocess
import tempfile
import threading
import json

from conftest import KEYS, Server, cli_path
from load_client import Connection, run_clients

CLIENTS = 16
ANSWERS_BEFORE_SIGTERM = 150


def test_sigterm_under_order_load():
    with tempfile.TemporaryDirectory(prefix="commerce-sigterm-") as workdir:
        s = Server(workdir)
        assert s.admin("POST", "/products", {"id": "load", "name": "Load", "price": 1000,
                                             "initial_stock": 100000})[0] == 201
        admin = {"Authorization": f"Bearer {KEYS['admin']}"}
        lock = threading.Lock()
        answered = []            # (order id, status) of every 2xx
        failed_requests = [0]    # requests whose connection failed (the service was closing)
        enough = threading.Event()
        stopped = threading.Event()

        def client(index):
            connection = Connection(s.base)
            n = 0
            while True:
                n += 1
                try:
                    status, order = connection.request(
                        "POST", "/orders",
                        {"user_id": f"u{index}", "items": [{"product_id": "load", "qty": 1}]},
                        headers={**admin, "Idempotency-Key": f"c{index}-{n}"})
                except OSError as error:  # refused or closed: the service is stopping
                    assert stopped.is_set(), f"client {index} failed before SIGTERM: {error}"
                    with lock:
                        failed_requests[0] += 1
                    return
                assert status == 201 or (stopped.is_set() and status == 503), (status, order)
                if status == 201:
                    with lock:
                        answered.append((order["id"], order["status"]))
                        if len(answered) >= ANSWERS_BEFORE_SIGTERM:
                            enough.set()

        def terminate():
            enough.wait(timeout=120)
            stopped.set()
            s.process.send_signal(signal.SIGTERM)

        killer = threading.Thread(target=terminate)
        killer.start()
        run_clients(CLIENTS, client)
        killer.join()
        assert enough.is_set(), "the load never reached the SIGTERM point"
        assert s.process.wait(timeout=60) == 0, s.log_text()[-3000:]
        s.stop()
        assert "stopped" in s.log_text()

        # A new process on the same store: every answered order is there as answered.
        after = Server(workdir, location=s.location, name="after")
        try:
            assert {status for _, status in answered} == {"confirmed"}
            for order_id, status in answered:
                got, _, order = after.admin("GET", f"/orders/{order_id}")
                assert got == 200 and order["status"] == status, (order_id, order)
            status, _, report = after.call("GET", "/check", key=KEYS["operator"])
            assert status == 200 and report["ok"], report
            stored = report["orders"]
            print(f"answered {len(answered)}, failed requests {failed_requests[0]}, stored {stored}")
            assert len(answered) <= stored <= len(answered) + failed_requests[0], \
                (len(answered), stored, failed_requests[0])
            status, _, level = after.admin("GET", "/products/load/stock")
            assert level["sold"] == stored and level["reserved"] == 0, level
        finally:
            assert after.stop() == 0
        # recover() (the CLI's, as an operator runs it after a stop) has nothing to finish.
        recovered = subprocess.run([cli_path(), *s.location, "--json", "recover"],
                                   check=True, capture_output=True, text=True)
        report = json.loads(recovered.stdout)
        assert report["examined"] == 0 and report["unresolved"] == [], report
