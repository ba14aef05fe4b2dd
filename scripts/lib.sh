# Shared by scripts/test.sh and scripts/demo.sh: Debian packages and the CMake configure step.
# shellcheck shell=bash

# Everything the default build and the test run need, as Debian package names.
COMMERCE_DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libsqlitecpp-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libpq-dev postgresql librdkafka-dev maven default-jre-headless libmicrohttpd-dev python3-pytest
  python3-jsonschema
  clang libclang-rt-14-dev python3-dev python3-venv pybind11-dev
)

# Installs the missing ones (apt-get update first); does nothing when all are present.
commerce_install_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "== packages: all ${#} present"
    return 0
  fi
  echo "== packages: installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "error: not root and no sudo; install: ${missing[*]}" >&2
      return 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
}

# commerce_configure BUILD_DIR [cmake args...]: configures with Ninja unless already configured
# with the same arguments.
commerce_configure() {
  local dir=$1
  shift
  local stamp="$dir/.commerce-configure-args"
  local args="$*"
  if [ -f "$dir/build.ninja" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$args" ]; then
    return 0
  fi
  cmake -S "$COMMERCE_ROOT" -B "$dir" -G Ninja "$@"
  printf '%s' "$args" >"$stamp"
}

# --- A throw-away PostgreSQL server (tests/postgres/run_postgres_tests.sh,
# tests/python/run_python_tests.sh).
#
# commerce_pg_start LOG_NAME: installs the server from Debian if missing (root only), creates a
# cluster in a temporary directory (owned by the `postgres` system user when run as root: initdb
# refuses root), starts it on 127.0.0.1 on a free port with durability off, and exports
#   COMMERCE_PG_URL            postgresql://postgres@127.0.0.1:PORT/postgres
#   COMMERCE_PG_KEEP_DATABASES 1 (the tests need not drop their databases: the cluster goes)
#   COMMERCE_PG_STOP_CMD, COMMERCE_PG_START_CMD  shell commands that stop / start this server
#   COMMERCE_PG_DATA           the data directory (its postmaster.pid names the server process)
# and sets COMMERCE_PG_WORK (the directory). Returns non-zero (after printing why) on failure.
# commerce_pg_stop: stops the server (immediate) and deletes the directory; safe to call twice
# or when nothing was started (use it in an EXIT trap).
# commerce_pg_log_tail [N]: the last N (50) lines of the server log, to stderr.
commerce_pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

commerce_pg_as_server() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

commerce_pg_start() {
  local name=${1:-commerce_pg}
  local bindir
  if ! bindir=$(commerce_pg_bindir); then
    if [[ $(id -u) -ne 0 ]]; then
      echo "$name: PostgreSQL server is not installed and this is not root: apt-get install postgresql" >&2
      return 1
    fi
    echo "$name: installing PostgreSQL from Debian" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir=$(commerce_pg_bindir) || return 1
  fi
  echo "$name: server binaries: $bindir" >&2
  COMMERCE_PG_BIN=$bindir
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  COMMERCE_PG_WORK=$(mktemp -d "${TMPDIR:-/tmp}/commerce-pg.XXXXXX")
  chmod 700 "$COMMERCE_PG_WORK"
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$COMMERCE_PG_WORK"; fi
  COMMERCE_PG_DATA="$COMMERCE_PG_WORK/data"

  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  if ! commerce_pg_as_server "$bindir/initdb" -D "$COMMERCE_PG_DATA" -U postgres --auth=trust \
      --encoding=UTF8 --no-locale >"$COMMERCE_PG_WORK/initdb.log" 2>&1; then
    cat "$COMMERCE_PG_WORK/initdb.log" >&2
    return 1
  fi
  # Durability settings are off: the cluster is thrown away after the run.
  local server_options="-c listen_addresses=127.0.0.1 -p $port \
-c unix_socket_directories=$COMMERCE_PG_WORK -c max_connections=300 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off"
  local start_cmd=("$bindir/pg_ctl" -D "$COMMERCE_PG_DATA" -l "$COMMERCE_PG_WORK/server.log" -w
                   -t 60 -o "$server_options" start)
  local stop_cmd=("$bindir/pg_ctl" -D "$COMMERCE_PG_DATA" -m fast -w -t 60 stop)
  if [[ $(id -u) -eq 0 ]]; then
    start_cmd=(runuser -u postgres -- "${start_cmd[@]}")
    stop_cmd=(runuser -u postgres -- "${stop_cmd[@]}")
  fi
  if ! "${start_cmd[@]}" >/dev/null; then
    cat "$COMMERCE_PG_WORK/server.log" >&2
    return 1
  fi
  echo "$name: server up on 127.0.0.1:$port (data in $COMMERCE_PG_WORK)" >&2
  export COMMERCE_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  export COMMERCE_PG_KEEP_DATABASES=1
  export COMMERCE_PG_DATA  # the freeze test reads the postmaster's pid from it
  COMMERCE_PG_STOP_CMD=$(printf '%q ' "${stop_cmd[@]}")
  COMMERCE_PG_START_CMD=$(printf '%q ' "${start_cmd[@]}")
  export COMMERCE_PG_STOP_CMD COMMERCE_PG_START_CMD
}

commerce_pg_stop() {
  [[ -n ${COMMERCE_PG_WORK:-} ]] || return 0
  if [[ -f $COMMERCE_PG_DATA/postmaster.pid ]]; then
    commerce_pg_as_server "$COMMERCE_PG_BIN/pg_ctl" -D "$COMMERCE_PG_DATA" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$COMMERCE_PG_WORK"
  COMMERCE_PG_WORK=""
}

commerce_pg_log_tail() {
  [[ -n ${COMMERCE_PG_WORK:-} ]] || return 0
  tail -n "${1:-50}" "$COMMERCE_PG_WORK/server.log" >&2 || true
}
