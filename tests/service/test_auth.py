"""Every route without a key, with a wrong key and with a key of the wrong scope: 401/403,
problem+json, and the store unchanged (its dump compared). Key rotation without a restart."""
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

from conftest import KEYS, WRONG_KEY, assert_problem, cli_path, key_line

# (method, pattern, access, body): every route the service has (test_routes_are_all_here
# checks); called with the sample values of SAMPLES in the pattern.
SAMPLES = {"{id}": "p1", "{user}": "u1", "{code}": "T1", "{product}": "p1",
           "{location}": "default"}
ROUTES = [
    ("GET", "/products", "storefront", None),
    ("POST", "/products", "admin", {"id": "new", "name": "New", "price": 1}),
    ("GET", "/products/{id}", "storefront", None),
    ("PATCH", "/products/{id}", "admin", {"price": 2}),
    ("DELETE", "/products/{id}", "admin", None),
    ("GET", "/products/{id}/stock", "storefront", None),
    ("POST", "/products/{id}/stock/adjustments", "admin", {"delta": 1, "reason": "r"}),
    ("POST", "/points/{user}/charge", "admin", {"amount": 10}),
    ("GET", "/points/{user}", "storefront", None),
    ("GET", "/points/{user}/history", "storefront", None),
    ("POST", "/orders", "storefront",
     {"user_id": "u1", "items": [{"product_id": "p1", "qty": 1}]}),
    ("POST", "/orders/quote", "storefront",
     {"user_id": "u1", "items": [{"product_id": "p1", "qty": 1}]}),
    ("GET", "/orders/{id}", "storefront", None),
    ("GET", "/users/{user}/orders", "storefront", None),
    ("PUT", "/orders/{id}/cancel", "storefront", None),
    ("PUT", "/orders/{id}/ship", "admin", None),
    ("PUT", "/orders/{id}/deliver", "admin", None),
    ("PUT", "/orders/{id}/payment", "admin", {"approved": True}),
    ("POST", "/orders/{id}/refunds", "admin", {"amount": 1}),
    ("GET", "/orders/{id}/refunds", "admin", None),
    ("GET", "/orders/{id}/audit", "admin", None),
    ("GET", "/orders/{id}/shipments", "admin", None),
    ("POST", "/orders/{id}/cancel-items", "storefront",
     {"items": [{"product_id": "p1", "qty": 1}]}),
    ("POST", "/orders/{id}/returns", "storefront",
     {"items": [{"product_id": "p1", "qty": 1}], "reason": "r"}),
    ("GET", "/orders/{id}/returns", "storefront", None),
    ("GET", "/returns/{id}", "admin", None),
    ("PUT", "/returns/{id}/approve", "admin", None),
    ("PUT", "/returns/{id}/reject", "admin", {"reason": "r"}),
    ("PUT", "/returns/{id}/receive", "admin", {"inspections": []}),
    ("POST", "/shipments", "admin", {"order_id": "o1", "location_id": "default"}),
    ("GET", "/shipments/{id}", "admin", None),
    ("PUT", "/shipments/{id}/dispatch", "admin", None),
    ("PUT", "/shipments/{id}/cancel", "admin", None),
    ("PUT", "/shipments/{id}/status", "admin", {"status": "delivered", "occurred_at": 1}),
    ("POST", "/coupon-templates", "admin",
     {"code": "T2", "value": 1, "valid_from": 0, "valid_until": 1, "total_limit": 1}),
    ("GET", "/coupon-templates/{code}", "admin", None),
    ("POST", "/coupons", "admin", {"code": "T1", "user_id": "u1"}),
    ("GET", "/coupons/{id}", "storefront", None),
    ("GET", "/users/{user}/coupons", "storefront", None),
    ("PUT", "/coupons/{id}/revoke", "admin", None),
    ("POST", "/products/{id}/variants", "admin", {"id": "v1", "options": {"size": "M"}}),
    ("GET", "/products/{id}/variants", "storefront", None),
    ("POST", "/categories", "admin", {"id": "c1", "name": "C"}),
    ("GET", "/categories", "storefront", None),
    ("POST", "/locations", "admin", {"id": "l2", "name": "L2"}),
    ("GET", "/locations", "admin", None),
    ("GET", "/locations/{id}", "admin", None),
    ("PATCH", "/locations/{id}", "admin", {"priority": 1}),
    ("GET", "/products/{id}/stock/locations", "admin", None),
    ("POST", "/products/{id}/stock/transfers", "admin",
     {"from_location_id": "default", "to_location_id": "l2", "qty": 1, "reason": "r"}),
    ("PUT", "/products/{id}/stock/locations/{location}/low-threshold", "admin",
     {"low_threshold": 1}),
    ("PUT", "/products/{id}/stock/locations/{location}/backorder-limit", "admin",
     {"backorder_limit": 1}),
    ("GET", "/orders/{id}/reservations", "admin", None),
    ("DELETE", "/orders/{id}/personal-data", "admin", None),
    ("POST", "/points/{user}/adjustments", "admin", {"delta": 1, "reason": "r"}),
    ("POST", "/users/{user}/cart", "storefront", None),
    ("POST", "/carts", "storefront", None),
    ("GET", "/carts/{id}", "storefront", None),
    ("POST", "/carts/{id}/lines", "storefront", {"product_id": "p1", "qty": 1}),
    ("PUT", "/carts/{id}/lines/{product}", "storefront", {"qty": 1}),
    ("DELETE", "/carts/{id}/lines/{product}", "storefront", None),
    ("DELETE", "/carts/{id}/lines", "storefront", None),
    ("PUT", "/carts/{id}/shipping-address", "storefront", {"name": "N"}),
    ("DELETE", "/carts/{id}/shipping-address", "storefront", None),
    ("POST", "/carts/{id}/hold", "storefront", None),
    ("POST", "/carts/{id}/quote", "storefront", None),
    ("POST", "/carts/{id}/checkout", "storefront", None),
    ("POST", "/carts/{id}/share", "storefront", None),
    ("POST", "/carts/{id}/copy-shared", "storefront", {"share_token": "t"}),
    ("POST", "/users/{user}/cart/sign-in", "storefront", None),
    ("GET", "/users/{user}/wishlist", "storefront", None),
    ("PUT", "/users/{user}/wishlist/{product}", "storefront", None),
    ("DELETE", "/users/{user}/wishlist/{product}", "storefront", None),
    ("POST", "/inbox/messages", "admin",
     {"id": "m1", "type": "DeliveryUpdated", "payload": {"order_id": "o1", "status": "shipped"}}),
    ("GET", "/inbox/messages/{id}", "admin", None),
    ("GET", "/check", "operator", None),
    ("GET", "/stats", "operator", None),
    ("GET", "/metrics", "operator", None),
    ("POST", "/recover", "operator", None),
    ("POST", "/sweep", "operator", None),
    ("GET", "/outbox/dead-letters", "operator", None),
    ("POST", "/outbox/dead-letters/retry", "operator", None),
]
PUBLIC = [("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/openapi.json")]
WRONG_SCOPES = {"storefront": ["operator"], "operator": ["storefront"],
                "admin": ["storefront", "operator"]}


def test_every_route_refuses_missing_wrong_and_out_of_scope_keys(server):
    server.admin("POST", "/products", {"id": "p1", "name": "P1", "price": 100,
                                       "initial_stock": 5})
    before = server.dump()
    for method, pattern, access, body in ROUTES:
        path = sample_path(pattern)
        for key in (None, WRONG_KEY, ""):
            doc = assert_problem(server.call(method, path, key=key, body=body, user="u1"), 401,
                                 "Unauthorized", "Authorization")
            assert "key" in doc["detail"]
        for scope in WRONG_SCOPES[access]:
            assert_problem(server.call(method, path, key=KEYS[scope], body=body, user="u1"),
                           403, "Forbidden", "Authorization")
    assert server.dump() == before
    for method, path in PUBLIC:
        status, _, doc = server.call(method, path)
        assert status == 200, doc


def test_routes_are_all_here(server):
    """The route table above is the service's own: /openapi.json is generated from its router."""
    status, _, doc = server.call("GET", "/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"
    served = {(method.upper(), path, op["x-commerce-scope"])
              for path, ops in doc["paths"].items() for method, op in ops.items()}
    listed = {(m, p, a) for m, p, a, _ in ROUTES}
    listed |= {(m, p, "public") for m, p in PUBLIC}
    assert served == listed


def sample_path(pattern):
    """/orders/{id}/cancel -> /orders/p1/cancel."""
    for name, value in SAMPLES.items():
        pattern = pattern.replace(name, value)
    return pattern


def test_a_key_in_the_header_of_another_scheme_is_no_key(server):
    status, head, _ = server.call("GET", "/stats",
                                  headers={"Authorization": f"Basic {KEYS['operator']}"})
    assert status == 401 and head["WWW-Authenticate"] == "Bearer"


def test_keys_rotate_on_sighup_and_on_file_change(own_server):
    s = own_server
    new_admin = "rotated-admin-key-42"
    with open(s.keys_file, "w") as f:
        f.write(key_line("admin", new_admin))
    s.process.send_signal(signal.SIGHUP)
    # SIGHUP is taken by the main thread while requests run on others: wait for it to land.
    deadline = time.monotonic() + 20
    while s.call("GET", "/stats", key=new_admin)[0] != 200:
        assert time.monotonic() < deadline, s.log_text()
        time.sleep(0.05)
    assert_problem(s.call("GET", "/stats", key=KEYS["admin"]), 401)

    # A file that does not parse keeps the keys in use.
    with open(s.keys_file, "w") as f:
        f.write("admin not-a-digest\n")
    s.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 20
    while "old ones stay" not in s.log_text():
        assert time.monotonic() < deadline, s.log_text()
        time.sleep(0.05)
    assert s.call("GET", "/stats", key=new_admin)[0] == 200

    # Without a signal: a changed file (another modification time) is read on a later request.
    with open(s.keys_file, "w") as f:
        f.write(key_line("operator", "third-key"))
    os.utime(s.keys_file, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    deadline = time.monotonic() + 20
    while s.call("GET", "/stats", key="third-key")[0] != 200:
        assert time.monotonic() < deadline, s.log_text()
        time.sleep(0.1)
    assert_problem(s.call("GET", "/stats", key=new_admin), 401)


def test_keys_from_the_environment_and_none_at_all(tmp_path):
    db = str(tmp_path / "env.db")
    subprocess.run([cli_path(), "--db", db, "init"], check=True, stdout=subprocess.DEVNULL)
    # No key anywhere: the service refuses to start (it never runs open).
    refused = subprocess.run([cli_path(), "--db", db, "serve", "--listen", "127.0.0.1:0"],
                             capture_output=True, text=True, timeout=30,
                             env={k: v for k, v in os.environ.items()
                                  if k != "COMMERCE_API_KEYS"})
    assert refused.returncode != 0 and "--api-keys" in refused.stderr, refused
    # Keys in $COMMERCE_API_KEYS, ';'-separated.
    env = dict(os.environ, COMMERCE_API_KEYS=key_line("operator", "env-op").strip() + ";" +
               key_line("storefront", "env-shop").strip())
    process = subprocess.Popen([cli_path(), "--db", db, "serve", "--listen", "127.0.0.1:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=env)
    try:
        line = process.stdout.readline()
        base = line.split("listening on ")[1].split()[0]
        for key, expected in (("env-op", 200), ("env-shop", 403), ("nope", 401)):
            request = urllib.request.Request(base + "/stats",
                                             headers={"Authorization": f"Bearer {key}"})
            try:
                status = urllib.request.urlopen(request, timeout=30).status
            except urllib.error.HTTPError as error:
                status = error.code
            assert status == expected, key
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        process.stdout.close()
