#!/usr/bin/env python3
"""Which SQLite B-trees (tables and indexes) an order writes, and how many pages of each.

Places the bench's order (two products, a coupon, paid by points; as commerce_bench_sqlite's
order/points scenario) through commerce_core on a fresh SQLite file, checkpoints, and compares
the file page by page around each of the last N orders; the pages are named by SQLite's dbstat
table. A page an order changes is a WAL frame its commit writes (NORMAL; the frame is written
again by the checkpoint), so the total is the write volume that bench/run_benchmarks.sh's SQLite
ratios mostly measure.

Usage: page_census.py [--orders N] [--sampled N] [--dir DIR]
"""
import argparse
import collections
import os
import sqlite3
import tempfile

import commerce_core as cc
from python_bench import POINTS, seeded_store

PAGE = 4096


def snapshot(path):
    """The file's pages after a full checkpoint, and the B-tree each page belongs to."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    owner = dict((pageno, name) for name, pageno in db.execute("SELECT name, pageno FROM dbstat"))
    db.close()
    with open(path, "rb") as f:
        data = f.read()
    return owner, [data[i:i + PAGE] for i in range(0, len(data), PAGE)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=600, help="orders placed before sampling")
    parser.add_argument("--sampled", type=int, default=20, help="orders sampled one by one")
    parser.add_argument("--dir", help="where its temporary folder goes (default: the system's)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as workdir:
        census(os.path.join(workdir, "census.db"), args.orders, args.sampled)


def census(path, orders, sampled):
    total = orders + sampled
    users = min(total, 200)
    store, coupons, items = seeded_store(path, total, users)

    def place(i):
        order = store.orders.place(f"user-{i % users}", items, coupon_id=coupons[i],
                                   coupon_required=True, points_to_use=POINTS["points"])
        if order.status != cc.OrderStatus.CONFIRMED:
            raise SystemExit(f"order {i} ended {order.status}: {order.failure_reason}")

    for i in range(orders):
        place(i)
    changed = collections.Counter()
    owner, pages = snapshot(path)
    for i in range(orders, total):
        place(i)
        new_owner, new_pages = snapshot(path)
        for n in range(max(len(pages), len(new_pages))):
            before = pages[n] if n < len(pages) else None
            after = new_pages[n] if n < len(new_pages) else None
            if before != after:
                changed[new_owner.get(n + 1, owner.get(n + 1, "(freed)"))] += 1
        owner, pages = new_owner, new_pages
    print(f"{sum(changed.values()) / sampled:.2f} pages written an order "
          f"({sampled} orders sampled after {orders})")
    for name, count in changed.most_common():
        print(f"{count / sampled:6.2f}  {name}")


if __name__ == "__main__":
    main()
