#!/usr/bin/env bash
# Builds and installs the Python package commerce_core (`pip install .`, scikit-build-core) into
# a virtual environment, starts a throw-away PostgreSQL server and a single-node Apache Kafka
# broker on 127.0.0.1, then runs the pytest suite (the PostgreSQL and Kafka tests against those
# servers), the check that the committed stubs (commerce_core/_core.pyi) are what
# bindings/python/generate_stubs.sh makes of the built module, `mypy --strict` on the examples
# and tests, and `stubtest` of the typed stubs against the built module. Stops the servers
# whatever the outcome. Exits non-zero if anything fails.
#
#   tests/python/run_python_tests.sh            # from anywhere
#   COMMERCE_PY_VENV=/tmp/venv COMMERCE_PY_BUILD_DIR=/tmp/pybuild tests/python/run_python_tests.sh
#
# Environment:
#   COMMERCE_PY_VENV          the virtual environment (default build-py/venv)
#   COMMERCE_PY_BUILD_DIR     scikit-build-core's build tree (default build-py/<wheel tag>)
#   COMMERCE_PY_CXX_FLAGS     the C++ flags of that (Release) build, in place of CMake's -O3
#                             (scripts/test.sh: its release stage's -O1 -g1, a faster build)
#   COMMERCE_PY_CMAKE_DEFINES more CMake definitions for it, NAME=VALUE separated by spaces
#                             (scripts/test.sh: COMMERCE_WERROR=ON, as its release stage)
#   COMMERCE_PG_URL           use this PostgreSQL server instead of starting one
#   COMMERCE_KAFKA_BOOTSTRAP  use this Kafka broker instead of starting one
#   COMMERCE_PY_SERVERS=0     start no servers (their tests skip, or fail under CI=true)
#   CI=true                   nothing may skip: a missing server or component fails the tests
#
# Works on a fresh Debian machine: installs what it needs with apt-get (as root) first; the
# module is built with the PostgreSQL and Kafka components (libpq-dev, librdkafka-dev).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${COMMERCE_PY_VENV:-$ROOT/build-py/venv}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
export COMMERCE_ROOT="$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
mkdir -p "$ROOT/build-py"  # logs (and by default the scikit-build tree) live here
LOGDIR="$ROOT/build-py"
T_START=$(date +%s)
log() { echo "run_python_tests: $*"; }
servers=${COMMERCE_PY_SERVERS:-1}

# --- system packages: compiler, CMake, the C++ dependencies, pybind11, Python headers, venv,
# the optional components' libraries and the PostgreSQL server (the broker's Java and Maven come
# from tests/kafka/broker.sh deps below)
commerce_install_packages g++ cmake ninja-build pkg-config python3-dev python3-venv pybind11-dev \
  libsqlite3-dev libsqlitecpp-dev libfmt-dev nlohmann-json3-dev libpq-dev librdkafka-dev \
  postgresql

# --- servers, torn down on exit. The broker starts in the background while the module builds.
kafka_state=""
kafka_env=""
kafka_pid=""
cleanup() {
  local status=$?
  if [[ -n $kafka_pid ]] && kill -0 "$kafka_pid" 2>/dev/null; then
    kill "$kafka_pid" 2>/dev/null || true
    wait "$kafka_pid" 2>/dev/null || true
  fi
  if [[ -n $kafka_state ]]; then
    "$ROOT/tests/kafka/broker.sh" stop "$kafka_state" >/dev/null 2>&1 || true
    rm -rf "$kafka_state"
  fi
  if [[ -n $kafka_env ]]; then rm -f "$kafka_env" "$kafka_env.log"; fi
  commerce_pg_stop
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $servers != 0 && -z ${COMMERCE_KAFKA_BOOTSTRAP:-} ]]; then
  "$ROOT/tests/kafka/broker.sh" deps
  kafka_state="$(mktemp -d "${TMPDIR:-/tmp}/commerce-py-kafka.XXXXXX")"
  kafka_env="$(mktemp "${TMPDIR:-/tmp}/commerce-py-kafka-env.XXXXXX")"
  "$ROOT/tests/kafka/broker.sh" start "$kafka_state" >"$kafka_env" 2>"$kafka_env.log" &
  kafka_pid=$!
fi

# --- virtual environment with the build and test tools (confluent-kafka reads the Kafka topics
# back in the tests)
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV" || /usr/bin/python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip >/dev/null
"$PY" -m pip install -q "scikit-build-core>=0.5" pytest mypy confluent-kafka

# --- build and install (incremental: the build tree persists). pyproject.toml turns the
# PostgreSQL and Kafka components on when libpq and librdkafka are installed.
build_args=()
if [[ -n ${COMMERCE_PY_BUILD_DIR:-} ]]; then
  build_args+=("-Cbuild-dir=$COMMERCE_PY_BUILD_DIR")
fi
if [[ -n ${COMMERCE_PY_CXX_FLAGS:-} ]]; then
  build_args+=("-Ccmake.define.CMAKE_CXX_FLAGS_RELEASE=$COMMERCE_PY_CXX_FLAGS")
fi
for define in ${COMMERCE_PY_CMAKE_DEFINES:-}; do
  build_args+=("-Ccmake.define.$define")
done
t0=$(date +%s)
log "pip install . (CMAKE_BUILD_PARALLEL_LEVEL=$CMAKE_BUILD_PARALLEL_LEVEL)"
if ! "$PY" -m pip install -q --no-build-isolation ${build_args[@]+"${build_args[@]}"} "$ROOT" \
    >"$LOGDIR/pip-install.log" 2>&1; then
  tail -n 60 "$LOGDIR/pip-install.log"
  log "pip install failed (log: build-py/pip-install.log)" >&2
  exit 1
fi
log "pip install took $(($(date +%s) - t0)) s; components: $(cd /tmp && "$PY" -c \
  'import commerce_core as cc; print(f"WITH_POSTGRES={cc.WITH_POSTGRES} WITH_KAFKA={cc.WITH_KAFKA}")')"

# --- PostgreSQL (scripts/lib.sh) and the broker's address
if [[ $servers != 0 && -z ${COMMERCE_PG_URL:-} ]]; then
  commerce_pg_start run_python_tests
fi
if [[ -n $kafka_pid ]]; then
  if wait "$kafka_pid"; then
    kafka_pid=""
    while IFS='=' read -r name value; do
      [[ -n $name ]] && export "$name=$value"
    done <"$kafka_env"
    log "Kafka broker up at $COMMERCE_KAFKA_BOOTSTRAP"
  else
    kafka_pid=""
    cat "$kafka_env.log" >&2 || true
    log "the Kafka broker did not start (its tests will skip, or fail under CI=true)" >&2
  fi
fi

status=0
# --- pytest (from a neutral directory so `import commerce_core` is the installed package)
t0=$(date +%s)
set +e
(cd "$ROOT/tests/python" && "$PY" -m pytest -q -rs -p no:cacheprovider . 2>&1) | tee "$LOGDIR/pytest.log"
pytest_rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^[=]* ?[0-9]+ (passed|failed|error)' "$LOGDIR/pytest.log" | tail -n 1 || true)"
[[ $pytest_rc -eq 0 ]] || status=1
t_pytest=$(($(date +%s) - t0))

# --- the stubs: regenerated from the installed module, they must equal the committed file
log "stubs: bindings/python/generate_stubs.sh --check"
if ! PYTHON="$PY" "$ROOT/bindings/python/generate_stubs.sh" --check; then
  status=1
fi

# --- mypy --strict on the examples and the tests
log "mypy --strict examples/*.py tests/python/*.py"
if ! (cd "$ROOT/tests/python" && "$PY" -m mypy --strict --no-incremental \
        "$ROOT"/examples/*.py ./*.py); then
  status=1
fi

# --- stubtest: the stubs match the module
log "stubtest commerce_core"
if ! (cd "$ROOT/tests/python" && "$PY" -m mypy.stubtest commerce_core \
        --allowlist "$ROOT/bindings/python/stubtest-allowlist.txt"); then
  status=1
fi

log "pytest: ${summary:-no summary (pytest exit $pytest_rc)} in ${t_pytest} s"
log "total $(($(date +%s) - T_START)) s"
if ((status)); then
  log "FAILED" >&2
else
  log "OK"
fi
exit $status
