# Shared by scripts/test.sh and scripts/demo.sh: Debian packages and the CMake configure step.
# shellcheck shell=bash

# Everything the default build and the test run need, as Debian package names.
COMMERCE_DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libsqlite3-dev libsqlitecpp-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev
  libpq-dev postgresql librdkafka-dev maven default-jre-headless
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
