"""GET /metrics (Prometheus text: requests by route and status, latency histograms) and
GET /openapi.json (OpenAPI 3.1, generated from the routes)."""
import re

from conftest import KEYS


def series(text, name, **labels):
    """The value of the sample `name{labels}` in Prometheus text, or None."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    return None if match is None else float(match.group(1))


def test_metrics_count_requests_by_route_and_status(own_server):
    s = own_server
    for pid in ("m1", "m2"):
        assert s.admin("POST", "/products", {"id": pid, "name": pid, "price": 1})[0] == 201
    assert s.call("GET", "/products/nope", key=KEYS["storefront"])[0] == 404
    assert s.call("GET", "/nowhere")[0] == 404
    assert s.call("GET", "/stats")[0] == 401
    status, head, text = s.call("GET", "/metrics", key=KEYS["operator"])
    assert status == 200 and head["Content-Type"].startswith("text/plain")
    assert series(text, "commerce_http_requests_total", method="POST", route="/products",
                  status="201") == 2
    assert series(text, "commerce_http_requests_total", method="GET", route="/products/{id}",
                  status="404") == 1
    assert series(text, "commerce_http_requests_total", method="GET", route="none",
                  status="404") == 1
    assert series(text, "commerce_http_requests_total", method="GET", route="/stats",
                  status="401") == 1
    labels = dict(method="POST", route="/products", status="201")
    assert series(text, "commerce_http_request_duration_seconds_count", **labels) == 2
    assert series(text, "commerce_http_request_duration_seconds_bucket", **labels,
                  le="+Inf") == 2
    assert series(text, "commerce_http_request_duration_seconds_sum", **labels) > 0
    assert "# TYPE commerce_http_request_duration_seconds histogram" in text


def test_openapi_document(server):
    status, _, doc = server.call("GET", "/openapi.json")
    assert status == 200 and doc["openapi"] == "3.1.0"
    refund = doc["paths"]["/orders/{id}/refunds"]["post"]
    assert refund["x-commerce-scope"] == "admin" and "201" in refund["responses"]
    assert refund["security"] == [{"apiKey": []}]
    names = {p["name"] for p in refund["parameters"]}
    assert names == {"id", "Idempotency-Key"}
    assert doc["paths"]["/healthz"]["get"]["security"] == []
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"code", "reason", "subject"}


def test_openapi_bodies_have_schemas(server):
    """Every route names its bodies' schemas; requests refuse unknown fields as the handlers do.
    (conftest.py checks every answer of the run against them.)"""
    doc = server.call("GET", "/openapi.json")[2]
    schemas = doc["components"]["schemas"]
    place = doc["paths"]["/orders"]["post"]
    assert place["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlaceOrder"}
    assert place["requestBody"]["required"] is True
    assert schemas["PlaceOrder"]["additionalProperties"] is False
    assert set(schemas["PlaceOrder"]["required"]) == {"user_id", "items"}
    assert place["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Order"}
    pages = doc["paths"]["/users/{user}/orders"]["get"]
    assert {p["name"] for p in pages["parameters"] if p["in"] == "query"} == {"cursor", "limit"}
    checkout = doc["paths"]["/carts/{id}/checkout"]["post"]
    assert {(p["name"], p["in"]) for p in checkout["parameters"]} == {
        ("id", "path"), ("X-Cart-Token", "header"), ("Idempotency-Key", "header"),
        ("X-Commerce-User", "header")}
    assert schemas["OrderPage"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/Order"}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            success = [code for code in op["responses"] if code != "default"]
            content = op["responses"][success[0]]["content"]
            (media, body), = content.items()
            name = body["schema"]["$ref"].rsplit("/", 1)[1]
            assert name in schemas, (method, path)
            if "requestBody" in op:
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                request = schemas[ref.rsplit("/", 1)[1]]
                assert request["additionalProperties"] is False, (method, path)
