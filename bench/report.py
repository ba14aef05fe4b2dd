#!/usr/bin/env python3
"""Prints the benchmark table: each scenario's figure beside its baseline from the same run.

Usage: report.py RESULTS.json... [--markdown]
Each file is Google Benchmark JSON output (--benchmark_format=json), optionally with a "load"
entry added by run_benchmarks.sh under "context". Python-side results (python_bench.py) and the
yardsticks' results (run_benchmarks.sh turns their output line into yardstick-*.json, names
yardstick/...) use the same layout.
"""
import json
import os
import statistics
import sys


def load(paths):
    runs = {}
    loads = {}
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        load_avg = doc.get("context", {}).get("load_avg")
        # The C++ run made right before the Python one, kept apart from the main SQLite run.
        prefix = "python-cxx/" if os.path.basename(path) == "python-cxx.json" else ""
        for b in doc.get("benchmarks", []):
            name = prefix + b["name"].split("/iterations:")[0]
            # Rounds of one scenario (".../round:N", the Kafka runs) count as one, by median.
            name, _, round_no = name.partition("/round:")
            if round_no:
                b = dict(b, rounds=runs.get(name, {}).get("rounds", []) + [b])
            runs[name] = b
            if load_avg:
                loads[name] = ",".join(f"{x:.1f}" for x in load_avg)
    return runs, loads


def rate(b):
    if b is None:
        return None
    if "rounds" in b:
        rates = sorted(r for r in map(rate, b["rounds"]) if r is not None)
        return statistics.median(rates) if len(rates) == len(b["rounds"]) else None
    if b.get("error_occurred"):
        return None
    return b.get("orders_per_s") or b.get("events_per_s")


def ms(b):
    """Milliseconds of a timed run, or None if it failed or is missing."""
    return b["real_time"] if b and not b.get("error_occurred") else None


def beside(runs, name, baseline):
    """A ".../library" run, its milliseconds and those of its ".../<baseline>" sibling."""
    lib = runs[name]
    return lib, ms(lib), ms(runs.get(name.rsplit("/", 1)[0] + "/" + baseline))


def fmt_rate(x):
    return "n/a" if x is None else f"{x:,.0f}"


def main(argv):
    md = "--markdown" in argv
    paths = [a for a in argv if not a.startswith("--")]
    runs, loads = load(paths)
    rows = []  # scenario, figure, baseline name, baseline, ratio, target, load

    def pair(label, lib_name, base_name, base_label, target):
        lib, base = runs.get(lib_name), runs.get(base_name)
        if lib is None and base is None:
            return
        a, b = rate(lib), rate(base)
        ratio = a / b if a and b else None
        met = "" if ratio is None or target is None else ("yes" if ratio >= target else "NO")
        rows.append([label, fmt_rate(a), base_label, fmt_rate(b),
                     "n/a" if ratio is None else f"{ratio:.2f}x",
                     "-" if target is None else f">= {target}x {met}".rstrip(),
                     loads.get(lib_name, loads.get(base_name, "?"))])

    for pay in ("points", "gateway"):
        for sync in ("NORMAL", "FULL"):
            p = f"order/{pay}/{sync}"
            pair(f"place_order {pay}, {sync}, 1 thread", f"{p}/threads:1/library",
                 f"{p}/threads:1/raw", "raw sqlite3, 1 thread", 0.8)
            pair(f"place_order {pay}, {sync}, 8 threads", f"{p}/threads:8/library",
                 f"{p}/threads:1/raw", "raw sqlite3, 1 thread", 3.0)
            pair(f"place_order {pay}, {sync}, 8 threads", f"{p}/threads:8/library",
                 f"{p}/threads:8/raw", "raw sqlite3, 8 threads", None)
    # Issue 17: the two lines from two different locations (of three) beside one location.
    pair("place_order points, NORMAL, 1 thread, 2 locations of 3",
         "order/points/split/NORMAL/threads:1/library", "order/points/NORMAL/threads:1/library",
         "one location, 1 thread", 0.8)
    for name in sorted(n for n in runs if n.startswith("flash_sale/") and n.endswith("/library")):
        pair("flash sale " + name.split("/", 1)[1].rsplit("/", 1)[0].replace("/", " "), name,
             name.rsplit("/", 1)[0] + "/raw", "raw sqlite3, same threads", None)
    for pay in ("points", "gateway"):
        p = f"postgres/{pay}/clients:16"
        pair(f"place_order {pay}, PostgreSQL, 16 clients", f"{p}/library", f"{p}/raw",
             "raw libpq, 16 clients", 0.7)
    # Issue 18: checkout of a 10-line cart (the cart filled beforehand, not timed) beside placing
    # an order with the same 10 lines, in the same run.
    for prefix, where in (("", "SQLite NORMAL"), ("postgres/", "PostgreSQL")):
        pair(f"checkout of a 10-line cart, {where}, 1 thread", f"{prefix}cart/checkout/10-lines",
             f"{prefix}order/place/10-lines", "place, same 10 lines", 0.8)
    rounds = len(runs.get("kafka/raw_producer", {}).get("rounds", [])) or 1
    per = f", median of {rounds} rounds" if rounds > 1 else ""
    pair(f"outbox relay to Kafka, batch 1000 (events/s{per})", "kafka/relay",
         "kafka/raw_producer", "librdkafka producer", 0.8)
    pair(f"outbox relay to Kafka, batch 100 (events/s{per})", "kafka/relay_batch100",
         "kafka/raw_producer", "librdkafka producer", 0.8)
    for pay in ("points", "gateway"):
        cxx = f"order/{pay}/NORMAL/threads:1/library"
        if "python-cxx/" + cxx in runs:
            cxx = "python-cxx/" + cxx
        pair(f"place_order {pay} from Python, 1 thread", f"python/order/{pay}/NORMAL/threads:1",
             cxx, "C++ library, 1 thread", 0.8)

    # Beside the yardstick (bench/yardstick/: the same business effect, 9 statements and one
    # transaction an order, written by hand), run right after the library's orders.
    ys = "yardstick/sqlite"
    for label, lib_name, base_name, base_label, target in (
            ("place_order points, NORMAL, 1 thread", "order/points/NORMAL/threads:1/library",
             f"{ys}/NORMAL/threads:1", "yardstick, 1 thread", 0.4),
            ("place_order points, NORMAL, 8 threads", "order/points/NORMAL/threads:8/library",
             f"{ys}/NORMAL/threads:8", "yardstick, 8 threads", None),
            ("place_order points, FULL, 1 thread", "order/points/FULL/threads:1/library",
             f"{ys}/FULL/threads:1", "yardstick FULL, 1 thread", None),
            ("place_order gateway (2 commits), NORMAL, 1 thread",
             "order/gateway/NORMAL/threads:1/library", f"{ys}/NORMAL/threads:1/commits:2",
             "yardstick, 2 commits", None),
            ("place_order points, PostgreSQL, 16 clients (spread)",
             "postgres/points/clients:16/spread/library", "yardstick/postgres/clients:16",
             "yardstick, 16 clients", 0.4),
            ("place_order points, PostgreSQL, 16 clients, hot product",
             "postgres/points/clients:16/library", "yardstick/postgres/clients:16/hot",
             "yardstick, hot product", 0.8)):
        pair(label, lib_name, base_name, base_label, target)

    headers = ["scenario", "orders/s", "baseline", "baseline/s", "ratio", "target", "load (1,5,15m)"]
    print_table(headers, rows, md)

    for name, b in sorted(runs.items()):
        if name.startswith("census/") and not b.get("error_occurred"):
            print(f"\n{name}: per order {b['write_units_per_order']:.1f} write units "
                  f"({b['write_statements_per_order']:.1f} write statements), "
                  f"{b['read_units_per_order']:.1f} read units "
                  f"({b['read_statements_per_order']:.1f} read statements); the raw baseline: "
                  f"{1 if '/points/' in name else 2} write transaction(s), no read transaction")

    carts = [n for n in ("cart/quote/10-lines", "cart/checkout/10-lines", "order/place/10-lines",
                         "postgres/cart/quote/10-lines", "postgres/cart/checkout/10-lines",
                         "postgres/order/place/10-lines")
             if n in runs and not runs[n].get("error_occurred")]
    if carts:
        print("\ncarts (issue 18), latency per call of one thread")
    for name in carts:
        b = runs[name]
        extra = (f"; {b['quotes_per_s']:,.0f} quotes/s" if "quotes_per_s" in b else
                 f"; {b['orders_per_s']:,.0f} orders/s")
        if "fill_us_per_cart" in b:
            extra += f"; filling the cart (not timed): {b['fill_us_per_cart']:,.0f} us"
        print(f"  {name:<32} p50 {b['p50_us']:8,.0f} us  p99 {b['p99_us']:8,.0f} us{extra} "
              f"(load {loads.get(name, '?')})")

    searches = sorted(n for n in runs if n.startswith("search/") and n.endswith("/library"))
    if searches:
        print("\nproduct listing, first page of 50 (ms; before the indexes: the LIKE filter and "
              "price range walked in id order, by hand on the same file; _relevance: ranked, "
              "every match scored)")
        for name in searches:
            case = name.split('/')[1]
            if case.endswith("_relevance"):  # no baseline: beside the same text listed by id
                lib, a = runs[name], ms(runs[name])
                by_id = ms(runs.get(name.replace("_relevance/", "/")))
                print(f"  {case:<21} {a or 0:9.2f} ms   by id: {by_id or 0:9.2f} ms   "
                      f"({int(lib.get('matches', 0)):,} matches scored, "
                      f"{int(lib.get('rows', 0))} rows)")
                continue
            lib, a, b = beside(runs, name, "raw")
            ratio = f"{b / a:.0f}x faster" if a and b else "n/a"
            print(f"  {case:<21} {a or 0:9.2f} ms   before: {b or 0:9.2f} ms   "
                  f"{ratio}   ({int(lib.get('products', 0)):,} products, "
                  f"{int(lib.get('rows', 0))} rows)")

    for name in sorted(n for n in runs if n.startswith("relay_stats/") and n.endswith("/library")):
        lib, a, b = beside(runs, name, "counting")
        ratio = f"before/now {b / a:,.1f}x" if a and b else "n/a"
        print(f"\nrelay stats(), {name.split('/')[1]}, {int(lib.get('pending', 0)):,} pending "
              f"events: {a or 0:.3f} ms; before (counting every row, as Unit.events().counts() does): "
              f"{b or 0:.3f} ms; {ratio}")

    mem = [(n, b) for n, b in runs.items() if n.startswith("memory/")]
    for name, b in mem:
        if b.get("error_occurred"):
            print(f"\n{name}: error: {b.get('error_message')}")
            continue
        tenth, end, peak = b["rss_after_tenth_kib"], b["rss_end_kib"], b["peak_rss_kib"]
        growth = (end - tenth) / tenth * 100 if tenth else 0
        print(f"\n{name}: {b['orders']:,.0f} orders at {b['orders_per_s']:,.0f}/s; "
              f"RSS after the first tenth {tenth / 1024:.1f} MiB, at the end {end / 1024:.1f} MiB "
              f"({growth:+.1f}%), peak {peak / 1024:.1f} MiB (load {loads.get(name, '?')})")
    errors = [(n, r) for n, b in sorted(runs.items()) for r in b.get("rounds", [b])
              if r.get("error_occurred")]
    for name, b in errors:
        print(f"\nERROR {name}: {b.get('error_message')}", file=sys.stderr)
    return 1 if errors else 0


def print_table(headers, rows, md):
    if md:
        print("| " + " | ".join(headers) + " |")
        print("|" + "|".join("---" for _ in headers) + "|")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        return
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
