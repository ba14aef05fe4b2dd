#!/usr/bin/env bash
# The main job: builds the `commerce` command line (if needed) and runs `commerce demo`: a
# scripted day of a small shop on a SQLite file, printing what happens, relaying the events to a
# JSON-lines file and checking every invariant at the end.
#
#   bash scripts/demo.sh [DATABASE_FILE]     (default: build-ci/demo/shop.db, recreated each run)
set -euo pipefail

COMMERCE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export COMMERCE_ROOT
# shellcheck source=scripts/lib.sh
source "$COMMERCE_ROOT/scripts/lib.sh"

dir="$COMMERCE_ROOT/build-ci/demo"
db=${1:-"$dir/shop.db"}
commerce_install_packages "${COMMERCE_DEBIAN_PACKAGES[@]}"
commerce_configure "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCOMMERCE_BUILD_TESTS=OFF \
  -DCOMMERCE_BUILD_BENCH=OFF -DCOMMERCE_BUILD_EXAMPLES=OFF -DCOMMERCE_BUILD_CLI=ON >/dev/null
cmake --build "$dir" -j "${COMMERCE_JOBS:-2}" --target commerce_cli
mkdir -p "$(dirname "$db")"
echo "== demo on $db"
"$dir/tools/commerce/commerce" --db "$db" demo --force
