#!/usr/bin/env bash
# Runs every test of commerce-core; the README's test command and what CI runs (.ci/run).
#
#   bash scripts/test.sh
#
# 1. packages: installs the Debian packages it needs (apt-get; skipped when all are present),
# 2. release: builds everything (with the PostgreSQL and Kafka components) with warnings as
#    errors and runs ctest (all labels except negative-control and the server-backed ones),
# 3. postgres: a throw-away PostgreSQL server on 127.0.0.1, ctest -L postgres on that build,
# 4. kafka: a real single-node Apache Kafka broker (jars from Maven Central), ctest -L kafka,
# 5. asan: an ASan+UBSan build of the suite, running ctest (except negative-control, the
#    server-backed labels and the consumer projects, which test packaging and rebuild the
#    library),
# 6. tsan: a TSan build of the concurrency tests and of the events tests (the relay's publisher
#    thread), running ctest -L 'concurrency|events' (ASLR disabled with setarch -R where
#    possible: TSan needs a fixed memory layout),
# 7. fuzz: the inbox message parser under libFuzzer for a bounded time,
# 8. python: pip install . into a venv, pytest, mypy --strict, stubtest,
# then prints each runner's own summary lines and exits non-zero if anything failed.
#
# Build trees live in build-ci/ (git-ignored). Environment: COMMERCE_JOBS (default 2),
# COMMERCE_STAGES (default "release postgres kafka asan tsan fuzz python"),
# COMMERCE_TSAN_TARGETS (extra targets the TSan stage builds, for other tests labelled
# concurrency or events), COMMERCE_FUZZ_SECONDS (default 20).
# The negative control is NOT run here; see README.md ("Negative control").
set -uo pipefail

COMMERCE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export COMMERCE_ROOT
# shellcheck source=scripts/lib.sh
source "$COMMERCE_ROOT/scripts/lib.sh"

JOBS=${COMMERCE_JOBS:-2}
STAGES=${COMMERCE_STAGES:-"release postgres kafka asan tsan fuzz python"}
BUILD_ROOT="$COMMERCE_ROOT/build-ci"
LOGS="$BUILD_ROOT/logs"
mkdir -p "$LOGS"
export CTEST_OUTPUT_ON_FAILURE=1

START=$(date +%s)
FAILED=()
SUMMARY_LOGS=()

# stage NAME COMMAND...: runs COMMAND with output to the terminal and to build-ci/logs/NAME.log.
stage() {
  local name=$1
  shift
  local log="$LOGS/$name.log"
  local t0
  t0=$(date +%s)
  echo
  echo "================ $name: $*"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  echo "================ $name: exit $rc after $(($(date +%s) - t0)) s"
  [ "$rc" -eq 0 ] || FAILED+=("$name")
  return "$rc"
}

# ctest_stage NAME BUILD_DIR [ctest args...]: runs ctest (prefixed by the CTEST_PREFIX array,
# if set); its summary lines are reprinted at the end.
CTEST_PREFIX=()
ctest_stage() {
  local name=$1 dir=$2
  shift 2
  SUMMARY_LOGS+=("$name")
  stage "$name" ${CTEST_PREFIX[@]+"${CTEST_PREFIX[@]}"} ctest --test-dir "$dir" \
    --output-on-failure --timeout 1500 -j "$JOBS" "$@"
}

# build DIR [cmake args...] [-- targets...]: configure (if needed) and build.
build() {
  local dir=$1
  shift
  local args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  commerce_configure "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMMERCE_WERROR=ON "${args[@]}" &&
    cmake --build "$dir" -j "$JOBS" ${targets[@]+--target "${targets[@]}"}
}

stage packages commerce_install_packages "${COMMERCE_DEBIAN_PACKAGES[@]}" ccache || exit 1

# Every build goes through ccache, with a cache in build-ci/: the Python stage's build of the
# library (pip install .) then takes the release stage's objects, since both compile it alike
# (flags, and paths relative to trees at the same depth: build-ci/release, build-py/<tag>).
# CCACHE_NOHASHDIR: the build directory itself does not count. CXX: one name for the compiler
# (CMake's default finds c++, scikit-build-core g++: the same compiler, but ccache tells them
# apart by name).
export CXX=g++ CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_DIR="$BUILD_ROOT/ccache"
export CCACHE_BASEDIR="$COMMERCE_ROOT" CCACHE_NOHASHDIR=1
# The release stage's library flags, which the Python stage repeats.
RELEASE_FLAGS="-O1 -g1 -DNDEBUG"

for s in $STAGES; do
  case $s in
    release)
      dir="$BUILD_ROOT/release"
      # -g1 (line tables): backtraces keep file:line; full debug info made the build 30 % slower.
      # -O1: the library and the CLI from scratch built in 207 s against 268 s at -O2 (2 jobs);
      # the figures that need -O2 are the benchmarks', measured in a build of their own.
      # Unity builds (COMMERCE_UNITY_BUILD): the libraries, the tests and the CLI compiled 8
      # files at a time. The consumer test (add_subdirectory) still builds the library file by
      # file, so a missing #include that a batch hides fails there.
      if stage release-build build "$dir" -DCOMMERCE_WITH_POSTGRES=ON -DCOMMERCE_WITH_KAFKA=ON \
          -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$RELEASE_FLAGS" -DCOMMERCE_UNITY_BUILD=ON; then
        ctest_stage release-ctest "$dir" -LE 'negative-control|postgres|kafka'
      fi
      ;;
    postgres)
      SUMMARY_LOGS+=(postgres)
      stage postgres bash "$COMMERCE_ROOT/tests/postgres/run_postgres_tests.sh" "$BUILD_ROOT/release"
      ;;
    kafka)
      SUMMARY_LOGS+=(kafka)
      stage kafka bash "$COMMERCE_ROOT/tests/kafka/run_kafka_tests.sh" "$BUILD_ROOT/release"
      ;;
    fuzz)
      SUMMARY_LOGS+=(fuzz)
      # -O0: the library under clang, ASan, UBSan and coverage took 296 s of CPU against
      # 406 s at -O1; the 20 s of fuzzing then try fewer inputs.
      COMMERCE_FUZZ_BUILD_DIR="$BUILD_ROOT/fuzz" COMMERCE_FUZZ_JOBS="$JOBS" \
        COMMERCE_FUZZ_CXX_FLAGS="-O0 -g1" COMMERCE_FUZZ_UNITY_BUILD=ON \
        stage fuzz sh "$COMMERCE_ROOT/fuzz/run_inbox_fuzzer.sh" "${COMMERCE_FUZZ_SECONDS:-20}"
      ;;
    python)
      SUMMARY_LOGS+=(python)
      # The release stage's flags (the module is built for the tests, not for its speed), its
      # -Werror and its batches: the library's objects come from the cache.
      COMMERCE_PY_VENV="$BUILD_ROOT/venv" COMMERCE_PY_CXX_FLAGS="$RELEASE_FLAGS" \
        COMMERCE_PY_CMAKE_DEFINES="COMMERCE_WERROR=ON COMMERCE_UNITY_BUILD=ON" \
        stage python bash "$COMMERCE_ROOT/tests/python/run_python_tests.sh"
      ;;
    asan)
      dir="$BUILD_ROOT/asan"
      # -O0 -g1: the sanitizers find the same faults; at -O1 -g the build took twice as long.
      if stage asan-build build "$dir" -DCOMMERCE_SANITIZE=address,undefined \
          -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O0 -g1" -DCOMMERCE_BUILD_BENCH=OFF \
          -DCOMMERCE_UNITY_BUILD=ON; then
        # A 16 MB quarantine and 8-frame allocation stacks: with the defaults (256 MB, 30) the
        # crash matrix's half took 122 s against 85 s, mostly copying the parent's memory at each
        # fork. The crash matrix kills once per boundary here (COMMERCE_CRASH_MATRIX_ONE_KILL).
        ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16:malloc_context_size=8 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 COMMERCE_CRASH_MATRIX_ONE_KILL=1 \
          ctest_stage asan-ctest "$dir" -LE 'negative-control|consumers|postgres|kafka'
      fi
      ;;
    tsan)
      dir="$BUILD_ROOT/tsan"
      # shellcheck disable=SC2206
      targets=(commerce_concurrency_tests commerce_events_tests ${COMMERCE_TSAN_TARGETS:-})
      # -O1 -g1 (TSan's advice is -O1 or more; line tables name the racing lines).
      if stage tsan-build build "$dir" -DCOMMERCE_SANITIZE=thread -DCOMMERCE_BUILD_BENCH=OFF \
          -DCOMMERCE_BUILD_EXAMPLES=OFF -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
          -DCOMMERCE_UNITY_BUILD=ON -- "${targets[@]}"; then
        # TSan maps its shadow memory at fixed addresses; with high ASLR entropy it dies with
        # "unexpected memory mapping". setarch -R disables ASLR for ctest and everything it
        # starts, forked workers included.
        if setarch "$(uname -m)" -R true 2>/dev/null; then CTEST_PREFIX=(setarch "$(uname -m)" -R); fi
        TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
          ctest_stage tsan-ctest "$dir" -L 'concurrency|events'
        CTEST_PREFIX=()
      fi
      ;;
    *)
      echo "unknown stage '$s' (known: release postgres kafka asan tsan fuzz python)" >&2
      FAILED+=("$s")
      ;;
  esac
done

echo
echo "================ summary ($(($(date +%s) - START)) s)"
for name in "${SUMMARY_LOGS[@]}"; do
  echo "---- $name"
  grep -E "tests passed|tests failed out of|Total Test time|The following tests FAILED|^[[:space:]]+[0-9]+ - |[0-9]+ (passed|failed)" \
    "$LOGS/$name.log" || echo "(no summary: see $LOGS/$name.log)"
done
# A failed stage's own last lines: the cause when it stopped before its runner's summary
# (a package fetch, a build, a server that did not start).
for name in ${FAILED[@]+"${FAILED[@]}"}; do
  echo "---- $name failed; the last lines of $LOGS/$name.log:"
  tail -n 40 "$LOGS/$name.log" 2>/dev/null || echo "(no log)"
done
if [ ${#FAILED[@]} -ne 0 ]; then
  echo "FAILED stages: ${FAILED[*]}"
  exit 1
fi
echo "all stages passed"
