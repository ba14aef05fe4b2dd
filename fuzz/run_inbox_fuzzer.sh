#!/bin/sh
# Builds the inbox message fuzzer with clang (libFuzzer, ASan, UBSan) and runs it for a bounded
# time from the seed corpus. Exit status 0: no crash, no hang, no state change on rejected input.
#
#   fuzz/run_inbox_fuzzer.sh [seconds]          (default 30)
#
# Needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev.
# COMMERCE_FUZZ_BUILD_DIR overrides the build directory (default: <repo>/build-fuzz);
# COMMERCE_FUZZ_CXX_FLAGS the optimization flags (default -O1 -g1; scripts/test.sh: -O0 -g1, a
# build of about 3/4 the CPU time, for fewer inputs a second); COMMERCE_FUZZ_UNITY_BUILD=ON
# compiles the library in batches (COMMERCE_UNITY_BUILD; scripts/test.sh does).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build=${COMMERCE_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${COMMERCE_FUZZ_JOBS:-2}
flags=${COMMERCE_FUZZ_CXX_FLAGS:--O1 -g1}
unity=${COMMERCE_FUZZ_UNITY_BUILD:-OFF}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "run_inbox_fuzzer.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2
  exit 2
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$flags" \
  -DCOMMERCE_BUILD_FUZZERS=ON -DCOMMERCE_BUILD_TESTS=OFF -DCOMMERCE_UNITY_BUILD="$unity" \
  -DCOMMERCE_BUILD_BENCH=OFF -DCOMMERCE_BUILD_EXAMPLES=OFF -DCOMMERCE_FUZZ_SECONDS="$seconds" >/dev/null
ninja -C "$build" -j"$jobs" commerce_inbox_parser_fuzzer
ctest --test-dir "$build" -L fuzz --output-on-failure
