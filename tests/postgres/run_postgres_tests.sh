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

log() { echo "run_postgres_tests: $*" >&2; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# 1. The server binaries, from Debian.
if ! bindir=$(find_bindir); then
  if [[ $(id -u) -ne 0 ]]; then
    log "PostgreSQL server is not installed and this is not root: apt-get install postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir)
fi
log "server binaries: $bindir"

# 2. initdb refuses to run as root: run the server as the `postgres` system user.
if [[ $(id -u) -eq 0 ]]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  run_as_server() { runuser -u postgres -- "$@"; }
  server_user=postgres
else
  run_as_server() { "$@"; }
  server_user=$(id -un)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/commerce-pg.XXXXXX")
chmod 700 "$work"
[[ $(id -u) -eq 0 ]] && chown "$server_user" "$work"
data="$work/data"

cleanup() {
  local status=$?
  if [[ -f $data/postmaster.pid ]]; then
    run_as_server "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

# 3. A free port on the loopback interface.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

run_as_server "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale \
  >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }

# Durability settings are off: the cluster is thrown away after the run.
server_options="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$work \
-c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
start_cmd=("$bindir/pg_ctl" -D "$data" -l "$work/server.log" -w -t 60 -o "$server_options" start)
stop_cmd=("$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop)
if [[ $(id -u) -eq 0 ]]; then
  start_cmd=(runuser -u postgres -- "${start_cmd[@]}")
  stop_cmd=(runuser -u postgres -- "${stop_cmd[@]}")
fi
"${start_cmd[@]}" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
log "server up on 127.0.0.1:$port (data in $work)"

export COMMERCE_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
# The tests need not drop the databases they create: the whole cluster goes afterwards.
export COMMERCE_PG_KEEP_DATABASES=1
# For the restart test: shell commands that stop and start this server.
COMMERCE_PG_STOP_CMD=$(printf '%q ' "${stop_cmd[@]}")
COMMERCE_PG_START_CMD=$(printf '%q ' "${start_cmd[@]}")
export COMMERCE_PG_STOP_CMD COMMERCE_PG_START_CMD

# 4. Build the PostgreSQL test programs if needed, then run everything labelled postgres.
cmake --build "$build_dir" --target commerce_postgres_tests commerce_postgres_resilience_tests \
  commerce_postgres_restart_tests commerce_postgres_saga_tests commerce_postgres_concurrency_tests
status=0
ctest --test-dir "$build_dir" -L postgres --output-on-failure -j "${COMMERCE_PG_TEST_JOBS:-2}" \
  "$@" || status=$?
if [[ $status -ne 0 ]]; then
  log "tests failed; the server log follows"
  tail -n 50 "$work/server.log" >&2 || true
fi
exit "$status"
