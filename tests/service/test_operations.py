"""Health, readiness and graceful shutdown: SIGTERM lets the request in flight finish (its
response arrives whole, its effect is stored) and the process exits 0."""
import json
import socket
import subprocess

from conftest import KEYS, cli_path


def test_health_and_readiness(own_server):
    assert own_server.call("GET", "/healthz")[:3:2] == (200, {"status": "ok"})
    assert own_server.call("GET", "/readyz")[:3:2] == (200, {"status": "ready"})


def test_sigterm_finishes_the_request_in_flight(own_server):
    s = own_server
    body = json.dumps({"id": "late", "name": "Late", "price": 700, "initial_stock": 3}).encode()
    connection = socket.create_connection(("127.0.0.1", s.port), timeout=30)
    connection.sendall(
        b"POST /products HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + KEYS["admin"].encode() + b"\r\n"
        b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    # "100 Continue" means the service has the request's headers: it is in flight now.
    interim = connection.recv(4096)
    assert interim.startswith(b"HTTP/1.1 100"), interim
    s.process.send_signal(15)  # SIGTERM
    connection.sendall(body)
    response = b""
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        response += chunk
    connection.close()
    head, _, payload = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 201"), response
    assert json.loads(payload)["id"] == "late"
    assert s.process.wait(timeout=30) == 0, s.log_text()
    assert "stopped" in s.log_text()
    # The product was stored; a new process finds it (and nothing left to recover).
    shown = subprocess.run([cli_path(), *s.location, "--json", "product", "get", "late"],
                           check=True, capture_output=True, text=True)
    assert json.loads(shown.stdout)["price"] == 700


def test_operator_routes(own_server):
    s = own_server
    op = KEYS["operator"]
    assert s.admin("POST", "/products", {"id": "op1", "name": "Op", "price": 10,
                                         "initial_stock": 2})[0] == 201
    status, _, report = s.call("POST", "/recover", key=op)
    assert status == 200 and report["unresolved"] == [] and report["examined"] == 0, report
    status, _, swept = s.call("POST", "/sweep", key=op, body={"limit": 10})
    assert status == 200 and swept == {"cancelled_orders": [], "released_reservations": [],
                                       "expired_carts": []}
    status, _, dead = s.call("GET", "/outbox/dead-letters?after=0&limit=10", key=op)
    assert status == 200 and dead == {"items": []}
    status, _, retried = s.call("POST", "/outbox/dead-letters/retry", key=op, body={})
    assert status == 200 and retried == {"requeued": 0}
    status, _, stats = s.call("GET", "/stats", key=op)
    assert status == 200 and stats["products"] == 1 and stats["outbox"]["dead_letters"] == 0
    for method, path, body, subject in (("POST", "/sweep", {"limit": 0}, "limit"),
                                        ("POST", "/recover", {"all": True}, "all"),
                                        ("GET", "/outbox/dead-letters?after=x", None, "after")):
        status, _, doc = s.call(method, path, key=op, body=body)
        assert status == 422 and doc["subject"] == subject, doc
