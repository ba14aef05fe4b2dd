#!/usr/bin/env bash
# tests/kafka/run_kafka_tests.sh: the Kafka tests (ctest label kafka) against a real broker.
#
#   tests/kafka/run_kafka_tests.sh [BUILD_DIR] [extra ctest args...]
#
# Configures BUILD_DIR (default build-kafka) with -DCOMMERCE_WITH_KAFKA=ON, builds the Kafka test
# targets, starts a throw-away single-node Apache Kafka broker (tests/kafka/broker.sh: jars from
# Maven Central, KRaft storage in a temp dir, 127.0.0.1 on free ports), runs `ctest -L kafka`,
# and stops the broker whatever the outcome.
#
# COMMERCE_KAFKA_BOOTSTRAP=host:port uses that broker instead of starting one (the test that
# kills and restarts the broker then skips, or fails under CI=true).
# Extra cmake arguments can be given in COMMERCE_CMAKE_ARGS.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$ROOT/build-kafka}"
shift || true

"$HERE/broker.sh" deps

generator=()
if [[ ! -f "$BUILD/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi
# shellcheck disable=SC2086
cmake -S "$ROOT" -B "$BUILD" "${generator[@]}" -DCOMMERCE_WITH_KAFKA=ON ${COMMERCE_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" --target commerce_kafka_tests commerce_kafka_relay_process -j "${COMMERCE_BUILD_JOBS:-2}"

state=""
cleanup() {
  if [[ -n "$state" ]]; then
    "$HERE/broker.sh" stop "$state" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "${COMMERCE_KAFKA_BOOTSTRAP:-}" ]]; then
  state="$(mktemp -d "${TMPDIR:-/tmp}/commerce-kafka.XXXXXX")"
  t0=$(date +%s%N)
  broker_env="$("$HERE/broker.sh" start "$state")"
  t1=$(date +%s%N)
  echo "run_kafka_tests: broker started in $(((t1 - t0) / 1000000)) ms"
  while IFS='=' read -r name value; do
    export "$name=$value"
  done <<<"$broker_env"
else
  echo "run_kafka_tests: using the broker at $COMMERCE_KAFKA_BOOTSTRAP"
fi

cd "$BUILD"
ctest -L kafka --output-on-failure "$@"
