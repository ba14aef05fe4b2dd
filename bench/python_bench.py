#!/usr/bin/env python3
"""place_order from Python: the same scenario as the C++ benchmark (order/<payment>/NORMAL/
threads:1/library), through commerce_core, on a fresh SQLite file per scenario.

Usage: python_bench.py [--orders N] [--out RESULTS.json]
Writes Google Benchmark-shaped JSON (benchmarks named python/order/<payment>/NORMAL/threads:1
with an orders_per_s counter) so that report.py can put it beside the C++ figure of the same run.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import commerce_core as cc

PRICE_A, PRICE_B, COUPON = 10_000, 5_000, 1_000
POINTS = {"points": PRICE_A + PRICE_B - COUPON, "gateway": 4_000}


def seed(store, orders, users):
    """Seeds `store` as the C++ benchmark seeds it for `orders` orders of `users` users (two
    products, points for every order, a coupon issued per order); returns the coupon ids (order
    i uses coupons[i], by user-{i % users})."""
    store.catalog.create(id="bench-a", name="Bench mug", price=PRICE_A, initial_stock=10**9)
    store.catalog.create(id="bench-b", name="Bench spoon", price=PRICE_B, initial_stock=10**9)
    for u in range(users):
        store.points.charge(f"user-{u}", POINTS["points"] * (orders // users + 1))
    now_ms = int(time.time() * 1000)
    store.coupons.create_template(code="BENCH1000", kind=cc.CouponKind.FIXED, value=COUPON,
                                  valid_from=0, valid_until=now_ms + 10 * 365 * 86_400_000,
                                  total_limit=10**9, per_user_limit=10**9)
    return [store.coupons.issue("BENCH1000", f"user-{i % users}").id for i in range(orders)]


def seeded_store(path, orders, users):
    """A store at `path` seeded (seed()), closed and opened again as the C++ benchmark does, so
    that the orders start from a checkpointed file rather than behind the seeding's write-ahead
    log (2,000 points orders: 4,183 against 4,691 orders/s); returns the store, the coupon ids
    and the order's items."""
    seeding = cc.Store.open(path)
    coupons = seed(seeding, orders, users)
    del seeding  # the last reference: the store closes here
    store = cc.Store.open(path, gateway=cc.FakeGateway())
    return store, coupons, [cc.LineItem("bench-a", 1), cc.LineItem("bench-b", 1)]


def scenario(payment, orders, workdir):
    users = min(orders, 1000)
    store, coupons, items = seeded_store(os.path.join(workdir, f"python-{payment}.db"), orders,
                                         users)
    points = POINTS[payment]
    confirmed = 0
    start = time.perf_counter()
    for i in range(orders):
        order = store.orders.place(f"user-{i % users}", items, coupon_id=coupons[i],
                                   coupon_required=True, points_to_use=points)
        confirmed += order.status == cc.OrderStatus.CONFIRMED
    seconds = time.perf_counter() - start
    result = {"name": f"python/order/{payment}/NORMAL/threads:1", "run_type": "iteration",
              "iterations": 1, "real_time": seconds * 1e3, "time_unit": "ms",
              "orders": orders, "orders_per_s": orders / seconds, "label": "python"}
    if confirmed != orders:
        result["error_occurred"] = True
        result["error_message"] = f"{orders - confirmed} orders did not confirm"
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    doc = {"context": {"load_avg": list(os.getloadavg()), "executable": sys.executable},
           "benchmarks": []}
    with tempfile.TemporaryDirectory(dir=os.environ.get("COMMERCE_BENCH_DIR")) as workdir:
        for payment in ("points", "gateway"):
            doc["benchmarks"].append(scenario(payment, args.orders, workdir))
    text = json.dumps(doc, indent=2)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
