#!/usr/bin/env bash
# Runs every benchmark that this build has and prints the table of figures with their ratios to
# the baselines measured in the same run (bench/report.py).
#
#   bench/run_benchmarks.sh [--build-dir DIR] [--out DIR] [--smoke] [--memory-orders N]
#                           [--orders N] [--yardstick-orders N] [--pending N] [--quotes N]
#                           [--markdown] [--only postgres]
#
#   --build-dir   a build configured with -DCOMMERCE_BUILD_BENCH=ON (default: build-bench next
#                 to this script's parent); the benchmark targets must be built.
#   --smoke       tiny counts: checks that everything runs, measures nothing (used by ctest).
#   --orders N    orders per order scenario (default 2000), carts checked out too.
#   --quotes N    quotes of the 10-line cart (default 2000).
#   --memory-orders N   orders in the peak-memory run (default 100000; the report uses 1000000).
#   --yardstick-orders N   orders per SQLite yardstick run (default 20000; PostgreSQL: N / 4).
#   --pending N   pending outbox events for the relay stats() run (default 2000000).
#   --only postgres   only the PostgreSQL part (library, yardstick, relay stats): for work on
#                 the PostgreSQL adapter; SQLite, Python and Kafka are skipped.
#
# The yardsticks (bench/yardstick/: minimal hand-written checkouts, 9 statements and one
# transaction an order) run right after the library's order benchmarks of their storage, and the
# table shows the library/yardstick ratios: SQLite NORMAL 1 and 8 threads, FULL 1 thread, two
# commits (gateway), PostgreSQL 16 clients (orders spread over 1,000 products) and 16 clients on
# one hot pair of products.
#
# Optional parts run when their pieces exist: PostgreSQL (commerce_bench_postgres, needs
# COMMERCE_BENCH_PG_URL or a local initdb/pg_ctl to start a throw-away server), Kafka
# (commerce_bench_kafka, needs COMMERCE_BENCH_KAFKA_BROKERS), Python (commerce_core importable).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/../build-bench"
out=""
smoke=0
orders=2000
memory_orders=100000
yard_orders=20000
pending=2000000
quotes=2000
flash_buyers=10000
products=1000000
markdown=""
only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --orders) orders="$2"; shift 2 ;;
    --memory-orders) memory_orders="$2"; shift 2 ;;
    --yardstick-orders) yard_orders="$2"; shift 2 ;;
    --pending) pending="$2"; shift 2 ;;
    --quotes) quotes="$2"; shift 2 ;;
    --products) products="$2"; shift 2 ;;
    --markdown) markdown="--markdown"; shift ;;
    --only) only="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [[ -n "$only" && "$only" != postgres ]]; then
  echo "--only takes 'postgres'" >&2; exit 2
fi
if [[ $smoke -eq 1 ]]; then
  orders=40; memory_orders=200; flash_buyers=300; products=2000; yard_orders=40; pending=2000
  quotes=40
fi
[[ -n "$out" ]] || out="$(mktemp -d "${TMPDIR:-/tmp}/commerce-bench-results.XXXXXX")"
mkdir -p "$out"
export COMMERCE_BENCH_DIR="${COMMERCE_BENCH_DIR:-$out/db}"
mkdir -p "$COMMERCE_BENCH_DIR"

bin="$build/bench"
results=()
cleanups=()
cleanup() { local c; for c in "${cleanups[@]}"; do eval "$c" || true; done; }
trap cleanup EXIT
run() {  # run NAME COMMAND...: the benchmark's JSON results go to $out/NAME.json
  local name="$1"; shift
  echo "== $name ($(uptime | sed 's/.*load average: /load /'))" >&2
  "$@" --benchmark_out="$out/$name.json" --benchmark_out_format=json >/dev/null
  results+=("$out/$name.json")
}

yardstick() {  # yardstick NAME COMMAND...: its orders_per_s line to $out/yardstick-NAME.json (/ and : as -)
  local name="$1"; shift
  local load line status=0 file="$out/yardstick-${name//[\/:]/-}"
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== yardstick/$name (load $load)" >&2
  line="$("$@" 2>"$file.err")" || status=$?
  echo "   ${line:-exit $status: $(tail -1 "$file.err")}" >&2
  python3 - "$name" "$status" "$load" "$file.json" "$line" "$*" <<'PY'
import json, sys
name, status, load, path, line, command = sys.argv[1:]
fields = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
b = {"name": "yardstick/" + name, "run_name": "yardstick/" + name, "command": command}
if status == "0" and "orders_per_s" in fields:
    b.update(orders_per_s=float(fields["orders_per_s"]), orders=int(fields["orders"]),
             real_time=float(fields["seconds"]) * 1000, time_unit="ms")
else:
    b.update(error_occurred=True, error_message=f"exit {status}: {line or 'no result line'}")
doc = {"context": {"load_avg": [float(x) for x in load.split()]}, "benchmarks": [b]}
with open(path, "w") as f:
    json.dump(doc, f, indent=1)
PY
  results+=("$file.json")
}

sqlite_env=(env COMMERCE_BENCH_ORDERS="$orders" COMMERCE_BENCH_FLASH_BUYERS="$flash_buyers"
            COMMERCE_BENCH_MEMORY_ORDERS="$memory_orders" COMMERCE_BENCH_QUOTES="$quotes")
if [[ -z "$only" ]]; then
  run sqlite "${sqlite_env[@]}" "$bin/commerce_bench_sqlite" \
    --benchmark_filter='^(census|order/(points|gateway)|flash_sale)/'
  # The SQLite yardstick right after the library's order runs: DBFILE ORDERS SYNC THREADS COMMITS.
  ydb="$COMMERCE_BENCH_DIR/yardstick.db"
  yardstick sqlite/NORMAL/threads:1 "$bin/commerce_yardstick_sqlite" "$ydb" "$yard_orders" normal 1 1
  yardstick sqlite/NORMAL/threads:8 "$bin/commerce_yardstick_sqlite" "$ydb" "$yard_orders" normal 8 1
  yardstick sqlite/FULL/threads:1 "$bin/commerce_yardstick_sqlite" "$ydb" "$yard_orders" full 1 1
  yardstick sqlite/NORMAL/threads:1/commits:2 "$bin/commerce_yardstick_sqlite" "$ydb" "$yard_orders" \
    normal 1 2
  rm -f "$ydb" "$ydb-wal" "$ydb-shm"
  # Memory in a process of its own, so that no other scenario's allocations count in its peak.
  run memory "${sqlite_env[@]}" "$bin/commerce_bench_sqlite" --benchmark_filter='^memory/'
  # Carts (issue 18): a 10-line cart's quote, and its checkout beside placing the same 10 lines.
  run carts "${sqlite_env[@]}" "$bin/commerce_bench_sqlite" --benchmark_filter='^(cart|order/place)/'
  # Search and pages on a catalog of $products products (seeded once, not timed).
  run search env COMMERCE_BENCH_PRODUCTS="$products" "$bin/commerce_bench_search"
  # The relay's stats() with $pending pending events beside the exact counts it used to run.
  run relay-stats env COMMERCE_BENCH_PENDING="$pending" "$bin/commerce_bench_relay_stats" \
    --benchmark_filter='^relay_stats/sqlite/'
fi

if [[ -x "$bin/commerce_bench_postgres" ]]; then
  pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "${COMMERCE_BENCH_PG_URL:-}" && -n "$pgbin" && -x "$pgbin/initdb" ]]; then
    # A throw-away server on a Unix socket; initdb refuses root, so run it as `postgres` then.
    as_server=()
    [[ $(id -u) -eq 0 ]] && as_server=(runuser -u postgres --)
    pgdir="$(mktemp -d "${TMPDIR:-/tmp}/commerce-bench-pg.XXXXXX")"
    chmod 777 "$pgdir"
    port=$((20000 + RANDOM % 20000))
    "${as_server[@]}" "$pgbin/initdb" -D "$pgdir/data" -U bench -A trust --no-locale \
      >"$pgdir/initdb.log" 2>&1 || { cat "$pgdir/initdb.log" >&2; exit 1; }
    "${as_server[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 60 \
      -o "-p $port -k $pgdir -c listen_addresses='' -c max_connections=100" start >/dev/null
    cleanups+=('"${as_server[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pgdir"')
    export COMMERCE_BENCH_PG_URL="postgresql://bench@/postgres?host=$pgdir&port=$port"
  fi
  if [[ -n "${COMMERCE_BENCH_PG_URL:-}" ]]; then
    run postgres env COMMERCE_BENCH_ORDERS="$orders" COMMERCE_BENCH_QUOTES="$quotes" \
      "$bin/commerce_bench_postgres"
    # The PostgreSQL yardstick drops and creates its own tables (orders, stock, ...): it gets a
    # schema of its own on the same server, dropped afterwards. CONNINFO ORDERS THREADS HOT.
    psql_bin="$(command -v psql || echo "$pgbin/psql")"
    if [[ -x "$bin/commerce_yardstick_postgres" && -x "$psql_bin" ]] &&
       "$psql_bin" "$COMMERCE_BENCH_PG_URL" -qXc 'CREATE SCHEMA IF NOT EXISTS yardstick' >&2; then
      case "$COMMERCE_BENCH_PG_URL" in
        postgres://*\?* | postgresql://*\?*) yurl="$COMMERCE_BENCH_PG_URL&options=-csearch_path%3Dyardstick" ;;
        postgres://* | postgresql://*) yurl="$COMMERCE_BENCH_PG_URL?options=-csearch_path%3Dyardstick" ;;
        *) yurl="$COMMERCE_BENCH_PG_URL options=-csearch_path=yardstick" ;;
      esac
      pg_yard_orders=$(( yard_orders / 4 > 16 ? yard_orders / 4 : 16 ))
      yardstick postgres/clients:16 "$bin/commerce_yardstick_postgres" "$yurl" "$pg_yard_orders" 16 0
      yardstick postgres/clients:16/hot "$bin/commerce_yardstick_postgres" "$yurl" \
        "$pg_yard_orders" 16 1
      "$psql_bin" "$COMMERCE_BENCH_PG_URL" -qXc 'DROP SCHEMA yardstick CASCADE' >/dev/null 2>&1 || true
    else
      echo "PostgreSQL yardstick: not built or no psql to give it a schema; skipped" >&2
    fi
    # The guest checkout over HTTP (`commerce serve`, issue 21) beside the library in-process:
    # two new databases on the same server, the service started on the second with a one-off
    # admin key, stopped by SIGTERM afterwards. Its own table (http / library ratios) on stderr.
    cli="$build/tools/commerce/commerce"
    if [[ -x "$bin/commerce_bench_http" && -x "$cli" && -x "$psql_bin" ]]; then
      http_url() { case "$COMMERCE_BENCH_PG_URL" in
        *\?*) echo "${COMMERCE_BENCH_PG_URL%%\?*}" | sed "s|/[^/]*\$|/$1|"; ;;
        *) echo "$COMMERCE_BENCH_PG_URL" | sed "s|/[^/]*\$|/$1|"; ;; esac; }
      http_query="${COMMERCE_BENCH_PG_URL#*\?}"
      [[ "$http_query" == "$COMMERCE_BENCH_PG_URL" ]] && http_query="" || http_query="?$http_query"
      for db in bench_http_library bench_http_service; do
        PGOPTIONS="-c client_min_messages=warning" "$psql_bin" "$COMMERCE_BENCH_PG_URL" -qX \
          -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
        "$cli" --url "$(http_url $db)$http_query" init >/dev/null
      done
      key="bench-$RANDOM$RANDOM$RANDOM"
      printf 'admin sha256:%s bench\n' "$(printf %s "$key" | sha256sum | cut -d' ' -f1)" \
        >"$out/api-keys"
      "$cli" --url "$(http_url bench_http_service)$http_query" serve --listen 127.0.0.1:0 \
        --api-keys "$out/api-keys" >"$out/serve.out" 2>/dev/null &
      serve_pid=$!
      cleanups+=("kill $serve_pid 2>/dev/null")
      for _ in $(seq 100); do grep -q listening "$out/serve.out" && break; sleep 0.1; done
      service="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$out/serve.out")"
      echo "== http_checkout (load $(cut -d' ' -f1-3 /proc/loadavg)) service $service" >&2
      "$bin/commerce_bench_http" --store "$(http_url bench_http_library)$http_query" \
        --service "$service" --key "$key" --orders "$orders" --out "$out/http.json" ||
        echo "http_checkout: failed" >&2
      kill -TERM "$serve_pid"; wait "$serve_pid" || true
    else
      echo "http_checkout: commerce_bench_http or the commerce CLI not built; skipped" >&2
    fi
    # The relay's stats() on the same server, with the same backlog as on SQLite (the outbox
    # tables are emptied first).
    run relay-stats-pg env COMMERCE_BENCH_PENDING="$pending" "$bin/commerce_bench_relay_stats" \
      --benchmark_filter='^relay_stats/postgres/'
  else
    echo "PostgreSQL: no server (set COMMERCE_BENCH_PG_URL); skipped" >&2
  fi
else
  echo "PostgreSQL: commerce_bench_postgres not built (COMMERCE_WITH_POSTGRES=OFF); skipped" >&2
fi

if [[ -z "$only" ]]; then
  # commerce_core: installed (pip install .), or the module of this build tree (COMMERCE_BUILD_PYTHON).
  pymod="$(ls "$build"/bindings/python/_core*.so 2>/dev/null | head -1 || true)"
  if ! python3 -c 'import commerce_core' 2>/dev/null && [[ -n "$pymod" ]]; then
    mkdir -p "$out/py/commerce_core"
    cp "$here/../bindings/python/commerce_core/"*.py "$out/py/commerce_core/"
    cp "$pymod" "$out/py/commerce_core/"
    export PYTHONPATH="$out/py${PYTHONPATH:+:$PYTHONPATH}"
  fi
  if python3 -c 'import commerce_core' 2>/dev/null; then
    # The C++ figure it is compared with, measured right before it under the same load.
    run python-cxx "${sqlite_env[@]}" "$bin/commerce_bench_sqlite" \
      --benchmark_filter='^order/(points|gateway)/NORMAL/threads:1/library'
    echo "== python ($(uptime | sed 's/.*load average: /load /'))" >&2
    python3 "$here/python_bench.py" --orders "$orders" --out "$out/python.json"
    results+=("$out/python.json")
    # The B-trees an order writes, with their pages (what the SQLite ratios mostly measure).
    echo "== page census" >&2
    if [[ $smoke -eq 1 ]]; then census=(--orders 20 --sampled 2); else census=(); fi
    python3 "$here/page_census.py" "${census[@]}" --dir "$COMMERCE_BENCH_DIR" | tee "$out/page-census.txt" >&2
  else
    echo "Python: commerce_core is not importable (pip install .); skipped" >&2
  fi

  # Kafka last: the broker's JVM stays busy for a while after a run, which slowed whatever ran
  # next on this two-core machine (once the Python run, to 0.7x of its C++ figure).
  if [[ -x "$bin/commerce_bench_kafka" ]]; then
    broker_script="$here/../tests/kafka/broker.sh"
    if [[ -z "${COMMERCE_BENCH_KAFKA_BROKERS:-}" && $smoke -eq 0 && -x "$broker_script" ]] &&
       command -v java >/dev/null; then
      # A throw-away single-node broker (tests/kafka/broker.sh), stopped on exit.
      kdir="$(mktemp -d "${TMPDIR:-/tmp}/commerce-bench-kafka.XXXXXX")"
      if eval "$("$broker_script" start "$kdir/state")"; then
        cleanups+=('"$broker_script" stop "$kdir/state" >/dev/null 2>&1; rm -rf "$kdir"')
        export COMMERCE_BENCH_KAFKA_BROKERS="$COMMERCE_KAFKA_BOOTSTRAP"
      fi
    fi
    if [[ -n "${COMMERCE_BENCH_KAFKA_BROKERS:-}" ]]; then
      run kafka env COMMERCE_BENCH_EVENTS="$((orders * 50))" "$bin/commerce_bench_kafka"
    else
      echo "Kafka: no broker (set COMMERCE_BENCH_KAFKA_BROKERS; not started in --smoke); skipped" >&2
    fi
  else
    echo "Kafka: commerce_bench_kafka not built (COMMERCE_WITH_KAFKA=OFF); skipped" >&2
  fi
fi

rm -rf "$COMMERCE_BENCH_DIR"
python3 "$here/report.py" $markdown "${results[@]}"
echo "(raw results: $out)" >&2
