"""Variants, categories, stock locations and a product's stock per location over HTTP:
locations created and changed, units moved between them, thresholds and backorder limits,
where an order's units are held; a product's variants with what can be ordered now."""
from conftest import KEYS, assert_problem

SHOP = KEYS["storefront"]


def test_categories_and_variants(server):
    status, _, cat = server.admin("POST", "/categories", {"id": "shirts", "name": "Shirts"})
    assert status == 201 and cat == {"id": "shirts", "name": "Shirts"}
    status, _, cats = server.call("GET", "/categories", key=SHOP)
    assert status == 200 and {"id": "shirts", "name": "Shirts"} in cats["items"]
    status, _, tee = server.admin("POST", "/products", {
        "id": "tee", "name": "Tee", "price": 2000, "category": "shirts",
        "axes": [{"name": "size", "values": ["S", "M"]}]})
    assert status == 201 and tee["axes"] == [{"name": "size", "values": ["S", "M"]}], tee
    status, head, variant = server.admin("POST", "/products/tee/variants", {
        "id": "tee-m", "options": {"size": "M"}, "price": 2100, "initial_stock": 4})
    assert status == 201 and head["Location"] == "/products/tee-m", variant
    assert variant["parent_id"] == "tee" and variant["options"] == {"size": "M"}
    assert_problem(server.admin("POST", "/products/tee/variants",
                                {"id": "tee-x", "options": {"size": 1}}), 422,
                   "InvalidArgument", "options.size")
    status, _, variants = server.call("GET", "/products/tee/variants", key=SHOP)
    assert status == 200 and [(v["id"], v["available"]) for v in variants["items"]] == [
        ("tee-m", 4)], variants
    # The list's filters: the variants of a parent, by option, by price.
    page = server.call("GET", "/products?parent_id=tee&option=size:M&min_price=2000"
                              "&max_price=3000", key=SHOP)[2]
    assert [p["id"] for p in page["items"]] == ["tee-m"], page
    assert_problem(server.call("GET", "/products?min_price=cheap", key=SHOP), 422,
                   "InvalidArgument", "min_price")
    assert_problem(server.call("GET", "/products?option=size", key=SHOP), 422,
                   "InvalidArgument", "option")


def test_locations_transfers_and_levels(server):
    status, head, loc = server.admin("POST", "/locations", {
        "id": "busan", "name": "Busan", "priority": 5, "region": "kr"})
    assert status == 201 and head["Location"] == "/locations/busan", loc
    assert (loc["active"], loc["priority"], loc["region"]) == (True, 5, "kr")
    assert server.admin("GET", "/locations/busan")[2] == loc
    status, _, changed = server.admin("PATCH", "/locations/busan", {"priority": -1})
    assert status == 200 and changed["priority"] == -1, changed
    locations = server.admin("GET", "/locations")[2]["items"]
    assert [l["id"] for l in locations][:2] == ["busan", "default"], locations
    assert_problem(server.admin("GET", "/locations/nowhere"), 404, "NotFound")

    server.admin("POST", "/products", {"id": "lamp", "name": "Lamp", "price": 500,
                                       "initial_stock": 10})
    status, _, moved = server.admin("POST", "/products/lamp/stock/transfers", {
        "from_location_id": "default", "to_location_id": "busan", "qty": 4, "reason": "rebalance"},
        headers={"Idempotency-Key": "move-lamp-1"})
    assert status == 201 and moved["qty"] == 4 and moved["to_location_id"] == "busan", moved
    again = server.admin("POST", "/products/lamp/stock/transfers", {
        "from_location_id": "default", "to_location_id": "busan", "qty": 4, "reason": "rebalance"},
        headers={"Idempotency-Key": "move-lamp-1"})[2]
    assert again["id"] == moved["id"]
    assert_problem(server.admin("POST", "/products/lamp/stock/transfers", {
        "from_location_id": "default", "to_location_id": "busan", "qty": 99, "reason": "x"}),
        422, "InvalidArgument", "qty")
    levels = {l["location_id"]: l for l in
              server.admin("GET", "/products/lamp/stock/locations")[2]["items"]}
    assert (levels["busan"]["on_hand"], levels["default"]["on_hand"]) == (4, 6), levels

    status, _, level = server.admin("PUT", "/products/lamp/stock/locations/busan/low-threshold",
                                    {"low_threshold": 2})
    assert status == 200 and level["low_threshold"] == 2, level
    status, _, level = server.admin(
        "PUT", "/products/lamp/stock/locations/busan/backorder-limit", {"backorder_limit": 3})
    assert status == 200 and level["backorder_room"] == 3, level

    # The order takes its units from busan first (priority -1): its reservation rows say so.
    order = server.call("POST", "/orders", key=SHOP, user="ivy",
                        body={"user_id": "ivy", "items": [{"product_id": "lamp", "qty": 2}]})[2]
    status, _, held = server.admin("GET", f"/orders/{order['id']}/reservations")
    assert status == 200 and [(r["location_id"], r["qty"], r["state"])
                              for r in held["items"]] == [("busan", 2, "committed")], held


def test_points_adjustment_and_personal_data(server):
    server.admin("POST", "/points/jo/charge", {"amount": 100})
    status, _, entry = server.admin("POST", "/points/jo/adjustments",
                                    {"delta": -30, "reason": "goodwill correction"})
    assert status == 201 and entry["kind"] == "adjust" and entry["balance_after"] == 70, entry
    status, _, history = server.call("GET", "/points/jo/history", key=SHOP, user="jo")
    assert status == 200 and [e["kind"] for e in history["items"]] == ["adjust", "charge"], history
    assert_problem(server.admin("POST", "/points/jo/adjustments",
                                {"delta": -1000, "reason": "too much"}), 409,
                   "FailedPrecondition")

    server.admin("POST", "/products", {"id": "pd-1", "name": "PD", "price": 10,
                                       "initial_stock": 3})
    order = server.call("POST", "/orders", key=SHOP, user="jo", body={
        "user_id": "jo", "items": [{"product_id": "pd-1", "qty": 1}],
        "shipping_address": {"name": "Jo", "line1": "2 Side St", "city": "Seoul",
                             "postal_code": "04524", "country": "KR"}})[2]
    # Only a finished order is erased.
    assert_problem(server.admin("DELETE", f"/orders/{order['id']}/personal-data"), 409,
                   "FailedPrecondition")
    server.call("PUT", f"/orders/{order['id']}/cancel", key=SHOP, user="jo")
    status, _, erased = server.admin("DELETE", f"/orders/{order['id']}/personal-data")
    assert status == 200 and erased["shipping_address"] is None, erased
    assert erased["personal_data_erased_at"] > 0
