"""A real `commerce serve` process per test module, on 127.0.0.1 and a port the kernel picks,
talked to over HTTP with urllib (tests/service/CMakeLists.txt: how ctest runs these).

COMMERCE_CLI names the `commerce` binary (ctest sets it; the tests fail, never skip, without it).
COMMERCE_SERVICE_BACKEND=postgres puts each server's store in a new database of the server at
$COMMERCE_PG_URL (tests/postgres/run_postgres_tests.sh starts one); otherwise a SQLite file.

Every answer a test gets is checked against the server's own /openapi.json (schema_check.py):
a success's body against the route's response schema, a problem against Problem, and a request
body the route accepted against its request schema. With COMMERCE_SCHEMA_COVERAGE=1 (ctest sets
it) the run fails unless every route of the document answered at least one success.
"""
import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import urllib.error
import uuid
import urllib.request

import pytest

import schema_check

KEYS = {"admin": "admin-key-0123456789", "storefront": "storefront-key-0123456789",
        "operator": "operator-key-0123456789"}
WRONG_KEY = "not-a-key-of-this-service"


def key_line(scope, key):
    return f"{scope} sha256:{hashlib.sha256(key.encode()).hexdigest()} {scope} key\n"


def on_postgres():
    return os.environ.get("COMMERCE_SERVICE_BACKEND") == "postgres"


def new_store_location(workdir):
    """The --db / --url arguments of a new, empty store."""
    if not on_postgres():
        return ["--db", os.path.join(workdir, "shop.db")]
    server = os.environ.get("COMMERCE_PG_URL")
    assert server, "COMMERCE_SERVICE_BACKEND=postgres needs COMMERCE_PG_URL"
    name = "serve_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", server, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return ["--url", server.rsplit("/", 1)[0] + "/" + name]


def cli_path():
    path = os.environ.get("COMMERCE_CLI")
    assert path and os.access(path, os.X_OK), "set COMMERCE_CLI to the commerce binary"
    return path


class Server:
    """`commerce --db DB serve` on a free port, with the three keys in a key file.

    `location`: the --db / --url arguments of an existing store (another server's, to run
    several processes on one store); by default a new store. `extra_args`: more serve options.
    `name`: the log file's stem (serve.log), for several servers in one directory."""

    def __init__(self, workdir, location=None, extra_args=(), name="serve"):
        self.workdir = workdir
        self.log_path = os.path.join(workdir, name + ".log")
        self.keys_file = os.path.join(workdir, "api-keys")
        with open(self.keys_file, "w") as f:
            f.write("# scope digest label\n")
            for scope, key in KEYS.items():
                f.write(key_line(scope, key))
        if location is None:
            self.location = new_store_location(workdir)
            subprocess.run([cli_path(), *self.location, "init"], check=True,
                           stdout=subprocess.DEVNULL)
        else:
            self.location = location
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [cli_path(), *self.location, "serve", "--listen", "127.0.0.1:0",
             "--api-keys", self.keys_file, "--max-body-bytes", "65536", *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        assert "listening on http://" in line, f"commerce serve did not start: {line!r}"
        self.base = line.split("listening on ")[1].split()[0]
        self.schemas = None
        self.port = int(self.base.rsplit(":", 1)[1])

    def call(self, method, path, key=None, body=None, raw=None, headers=None, user=None):
        """(status, headers, the body: parsed if JSON, else text; None if empty)."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if key is not None:
            request.add_header("Authorization", f"Bearer {key}")
        if user is not None:
            request.add_header("X-Commerce-User", user)
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, head, text = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, head, text = error.code, error.headers, error.read()
        if not text:
            doc = None
        elif "json" in (head["Content-Type"] or ""):
            doc = json.loads(text)
        else:
            doc = text.decode()
        self.check_schema(method, path, data, status, head, doc)
        return status, head, doc

    def check_schema(self, method, path, data, status, head, doc):
        """The answer (and an accepted request body) against /openapi.json's schemas."""
        if self.schemas is None:
            if path.split("?")[0] == "/openapi.json" and status == 200:
                self.schemas = schema_check.Schemas(doc)
            else:
                self.schemas = schema_check.Schemas(self.call("GET", "/openapi.json")[2])
        self.schemas.check(method, path, data, status, head["Content-Type"], doc)

    def admin(self, method, path, body=None, **kw):
        return self.call(method, path, key=KEYS["admin"], body=body, **kw)

    def dump(self):
        """Every row of the store, to compare before and after refused requests."""
        kind, where = self.location
        if kind == "--url":
            dump = subprocess.run(["pg_dump", "--data-only", "--no-owner", "-d", where],
                                  check=True, capture_output=True, text=True).stdout
            # \restrict / \unrestrict carry a random token per run (pg_dump's own guard).
            return [line for line in dump.splitlines()
                    if not line.startswith(("\\restrict", "\\unrestrict"))]
        with sqlite3.connect(f"file:{where}?mode=ro", uri=True) as db:
            return list(db.iterdump())

    def stop(self):
        """SIGTERM; returns the exit code (the service stops gracefully)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise
        self.process.stdout.close()
        self.log.close()
        return self.process.returncode

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()


@contextlib.contextmanager
def running_server(extra_args=()):
    """A Server in a temporary directory, stopped (SIGTERM) afterwards; yields it and then
    checks that it stopped cleanly (exit 0)."""
    with tempfile.TemporaryDirectory(prefix="commerce-serve-") as workdir:
        s = Server(workdir, extra_args=extra_args)
        try:
            yield s
        finally:
            code = s.stop()
        assert code == 0, s.log_text()


@pytest.fixture(scope="module")
def server():
    with running_server() as s:
        yield s


@pytest.fixture
def own_server():
    """A server of the test's own (for signals and shutdown)."""
    with running_server() as s:
        yield s


def assert_problem(response, status, code=None, subject=None):
    got_status, head, doc = response
    assert got_status == status, doc
    assert head["Content-Type"] == "application/problem+json", head
    assert doc["status"] == status and doc["type"].startswith("urn:commerce:error:")
    assert doc["title"] == doc["code"] and isinstance(doc["detail"], str)
    if code is not None:
        assert doc["code"] == code, doc
    if subject is not None:
        assert doc["subject"] == subject, doc
    return doc


def pytest_sessionfinish(session, exitstatus):
    """COMMERCE_SCHEMA_COVERAGE=1: every route answered a success that was schema-checked."""
    if os.environ.get("COMMERCE_SCHEMA_COVERAGE") != "1" or exitstatus != 0:
        return
    missing = schema_check.unchecked_routes()
    if missing:
        print("\nroutes whose success no test checked against /openapi.json:")
        for method, pattern in missing:
            print(f"  {method} {pattern}")
        session.exitstatus = 1
