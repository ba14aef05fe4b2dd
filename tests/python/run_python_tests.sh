#!/usr/bin/env bash
# Builds and installs the Python package commerce_core (`pip install .`, scikit-build-core) into
# a virtual environment, then runs the pytest suite, `mypy --strict` on the examples and tests,
# and `stubtest` of the typed stubs against the built module. Exits non-zero if any fails.
#
#   tests/python/run_python_tests.sh            # from anywhere
#   COMMERCE_PY_VENV=/tmp/venv tests/python/run_python_tests.sh
#
# Works on a fresh Debian machine: installs what it needs with apt-get (as root) first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${COMMERCE_PY_VENV:-$ROOT/build-py/venv}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
cd "$ROOT"
mkdir -p "$ROOT/build-py"  # logs and the scikit-build tree live here

# --- system packages (compiler, CMake, the C++ dependencies, pybind11, Python headers, venv)
needed=(g++ cmake ninja-build pkg-config python3-dev python3-venv pybind11-dev
        libsqlite3-dev libsqlitecpp-dev libfmt-dev nlohmann-json3-dev)
missing=()
for pkg in "${needed[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "run_python_tests: installing ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "run_python_tests: missing packages and not root: ${missing[*]}" >&2
    exit 1
  fi
fi

# --- virtual environment with the build and test tools
if [[ ! -x "$VENV/bin/python" ]]; then
  python3 -m venv "$VENV" || /usr/bin/python3 -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip >/dev/null
"$PY" -m pip install -q "scikit-build-core>=0.5" pytest mypy

# --- build and install (incremental: pyproject.toml keeps the build in build-py/<wheel tag>)
echo "run_python_tests: pip install . (CMAKE_BUILD_PARALLEL_LEVEL=$CMAKE_BUILD_PARALLEL_LEVEL)"
if ! "$PY" -m pip install -q --no-build-isolation "$ROOT" >"$ROOT/build-py/pip-install.log" 2>&1; then
  tail -n 60 "$ROOT/build-py/pip-install.log"
  echo "run_python_tests: pip install failed (log: build-py/pip-install.log)" >&2
  exit 1
fi

status=0
# --- pytest (from a neutral directory so `import commerce_core` is the installed package)
set +e
(cd "$ROOT/tests/python" && "$PY" -m pytest -q -p no:cacheprovider . 2>&1) | tee "$ROOT/build-py/pytest.log"
pytest_rc=${PIPESTATUS[0]}
set -e
summary="$(grep -E '^[=]* ?[0-9]+ (passed|failed|error)' "$ROOT/build-py/pytest.log" | tail -n 1 || true)"
[[ $pytest_rc -eq 0 ]] || status=1

# --- mypy --strict on the examples and the tests
echo "run_python_tests: mypy --strict examples/*.py tests/python/*.py"
if ! (cd "$ROOT/tests/python" && "$PY" -m mypy --strict --no-incremental \
        "$ROOT"/examples/*.py ./*.py); then
  status=1
fi

# --- stubtest: the stubs match the module
echo "run_python_tests: stubtest commerce_core"
if ! (cd "$ROOT/tests/python" && "$PY" -m mypy.stubtest commerce_core \
        --allowlist "$ROOT/bindings/python/stubtest-allowlist.txt"); then
  status=1
fi

echo "run_python_tests: pytest: ${summary:-no summary (pytest exit $pytest_rc)}"
if ((status)); then
  echo "run_python_tests: FAILED" >&2
else
  echo "run_python_tests: OK"
fi
exit $status
