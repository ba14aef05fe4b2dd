#!/usr/bin/env bash
# Runs the PostgreSQL tests (ctest label "postgres") against a throw-away server.
#
#   tests/postgres/run_postgres_tests.sh BUILD_DIR [extra ctest arguments]
#
# BUILD_DIR must be configured with -DCOMMERCE_WITH_POSTGRES=ON. The script installs the
# PostgreSQL server from Debian if it is missing, creates a cluster in a temporary directory,
# starts it on 127.0.0.1 on a free port, exports COMMERCE_PG_URL (and the commands the restart
# test uses to stop and start it), runs the tests through ctest, and always stops the server and
# deletes the directory, whatever the outcome. Its exit status is ctest's.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [ctest arguments]" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
shift

# shellcheck source=scripts/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"

log() { echo "run_postgres_tests: $*" >&2; }

# 1-3. The server (scripts/lib.sh: commerce_pg_start installs it from Debian if missing, runs it
# as the `postgres` system user when root, on 127.0.0.1 on a free port, and exports
# COMMERCE_PG_URL, COMMERCE_PG_KEEP_DATABASES and, for the restart test, COMMERCE_PG_STOP_CMD and
# COMMERCE_PG_START_CMD); always stopped and deleted on exit.
cleanup() {
  local status=$?
  commerce_pg_stop
  exit "$status"
}
trap cleanup EXIT INT TERM
commerce_pg_start run_postgres_tests

# 4. Build the PostgreSQL test programs if needed, then run everything labelled postgres.
cmake --build "$build_dir" --target commerce_postgres_tests commerce_postgres_resilience_tests \
  commerce_postgres_restart_tests commerce_postgres_saga_tests commerce_postgres_concurrency_tests
status=0
ctest --test-dir "$build_dir" -L postgres --output-on-failure -j "${COMMERCE_PG_TEST_JOBS:-2}" \
  "$@" || status=$?
if [[ $status -ne 0 ]]; then
  log "tests failed; the server log follows"
  commerce_pg_log_tail 50
fi
exit "$status"
