"""examples/http_shop.py, the demo shop over HTTP, run as a subprocess against a real
`commerce serve`: its whole day succeeds (twice on one store: every run has ids of its own),
and it exits non-zero when an answer is not the one it expects."""
import os
import subprocess
import sys

from conftest import KEYS

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "http_shop.py")


def run_shop(server, key):
    return subprocess.run([sys.executable, SCRIPT, "--url", server.base, "--key", key],
                          capture_output=True, text=True, timeout=120)


def test_the_demo_shop_runs_its_day_over_http(server):
    for _ in range(2):
        run = run_shop(server, KEYS["admin"])
        assert run.returncode == 0, run.stdout + run.stderr
        lines = run.stdout.splitlines()
        assert lines[-1] == "check     ok", run.stdout
        assert any(line.startswith("exchanged the mug for a tea") for line in lines), run.stdout
    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["violations"] == [], report


def test_the_demo_shop_fails_on_an_unexpected_answer(server):
    # A storefront key may not create products: the first step gets 403, the script stops.
    run = run_shop(server, KEYS["storefront"])
    assert run.returncode == 1, run.stdout + run.stderr
    assert "FAILED: POST /products: expected 201, got 403" in run.stderr, run.stderr
    assert run.stdout == ""
