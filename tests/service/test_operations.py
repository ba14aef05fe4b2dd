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
    shown = subprocess.run([cli_path(), "--db", s.db, "--json", "product", "get", "late"],
                           check=True, capture_output=True, text=True)
    assert json.loads(shown.stdout)["price"] == 700
