"""A client generated from /openapi.json in another toolchain (openapi-generator, Java; its
`python` generator) runs the core order flow against a real service: what a Spring or Node
backend would generate from the same document. generate_client.sh fetches the generator from
Maven Central and the client's runtime packages from PyPI once, into the build directory."""
import json
import os
import subprocess

from conftest import KEYS

HERE = os.path.dirname(os.path.abspath(__file__))


def cache_dir():
    """<build>/openapi-client-cache (ctest sets COMMERCE_CLIENT_CACHE), kept between runs."""
    path = os.environ.get("COMMERCE_CLIENT_CACHE")
    assert path, "set COMMERCE_CLIENT_CACHE to a directory kept between runs"
    return path


def test_generated_client_runs_the_core_flow(server, tmp_path):
    status, _, document = server.call("GET", "/openapi.json")
    assert status == 200
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    out = tmp_path / "client"
    python = subprocess.run(
        ["bash", os.path.join(HERE, "generate_client.sh"), cache_dir(), str(spec), str(out)],
        check=True, capture_output=True, text=True, timeout=600).stdout.strip().splitlines()[-1]
    run = subprocess.run(
        [python, os.path.join(HERE, "generated_client_flow.py"), server.base, KEYS["admin"],
         KEYS["storefront"]],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, PYTHONPATH=str(out)))
    assert run.returncode == 0, run.stderr
    orders = json.loads(run.stdout.strip().splitlines()[-1])
    # What the client did is in the store, as the plain HTTP client reads it.
    assert server.admin("GET", f"/orders/{orders['cancelled']}")[2]["status"] == "cancelled"
    refunded = server.admin("GET", f"/orders/{orders['refunded']}/refunds")[2]["items"]
    assert [r["amount"] for r in refunded] == [3000]
    status, _, report = server.call("GET", "/check", key=KEYS["operator"])
    assert status == 200 and report["ok"], report
