#!/usr/bin/env bash
# Generates the typed stubs of the extension module, commerce_core/_core.pyi, from the installed
# module with pybind11-stubgen: the signatures and docstrings come from the pybind11 definitions
# (bindings/python/src), so the API is described in one place.
#
#   bindings/python/generate_stubs.sh           # rewrite bindings/python/commerce_core/_core.pyi
#   bindings/python/generate_stubs.sh --check   # fail if the committed file differs
#
# The output is post-processed only where it is not valid for mypy (see below).
#
# Environment: PYTHON, the interpreter that has commerce_core installed (default python3); the
# module must be built with both optional components (WITH_POSTGRES and WITH_KAFKA), so the
# stubs describe the whole API. pybind11-stubgen is installed into that environment, pinned.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY="${PYTHON:-python3}"
STUBGEN_VERSION="3.0.0"
COMMITTED="$ROOT/bindings/python/commerce_core/_core.pyi"
mode="${1:-write}"
if [[ $mode != write && $mode != --check ]]; then
  echo "usage: $0 [--check]" >&2
  exit 2
fi

"$PY" -m pip install -q "pybind11-stubgen==$STUBGEN_VERSION"
# From a neutral directory, so the installed package is imported, not the source tree.
cd "${TMPDIR:-/tmp}"
if ! "$PY" -c 'import sys, commerce_core as cc; sys.exit(0 if cc.WITH_POSTGRES and cc.WITH_KAFKA else 1)'; then
  echo "generate_stubs: the installed commerce_core lacks the PostgreSQL or Kafka component;" \
       "build it with libpq-dev and librdkafka-dev installed" >&2
  exit 1
fi
out="$(mktemp -d "${TMPDIR:-/tmp}/commerce-stubs.XXXXXX")"
trap 'rm -rf "$out"' EXIT
# --exit-code: a signature pybind11-stubgen cannot render (a C++ type without a Python name) is
# an error, not a silent "..." in the stubs.
"$PY" -m pybind11_stubgen commerce_core._core --exit-code -o "$out" >"$out/log" 2>&1 || {
  cat "$out/log" >&2
  exit 1
}
generated="$out/commerce_core/_core.pyi"
# Post-processing, only where pybind11-stubgen's text is not valid for mypy or leaves a fact out:
# - value classes are unhashable (__hash__ = None): mypy accepts that in the form typeshed uses;
# - classes bound with py::is_final() cannot be subclassed at runtime: they get @typing.final,
#   read from the module itself;
# - in a class with a method named `list` (Catalog), `list[...]` in the methods after it would
#   name that method: there it is written `builtins.list[...]`.
"$PY" - "$generated" <<'POSTPROCESS'
import re
import sys

import commerce_core._core as core

path = sys.argv[1]
text = open(path).read()
text = re.sub(r"^( +__hash__: typing\.ClassVar\[None\] = None)$",
              r"\1  # type: ignore[assignment]", text, flags=re.M)
BASETYPE = 1 << 10  # Py_TPFLAGS_BASETYPE
for name, obj in vars(core).items():
    if isinstance(obj, type) and not obj.__flags__ & BASETYPE:
        text = re.sub(rf"^class {name}\b", f"@typing.final\nclass {name}", text, flags=re.M)

def builtin_lists(match: re.Match) -> str:
    head, rest = match.group(1), match.group(2)
    return head + re.sub(r"(?<![\w.])list\[", "builtins.list[", rest)


text, shadowed = re.subn(r"(^    def list\(.*?$)(.*?)(?=^\S|\Z)", builtin_lists, text,
                         flags=re.M | re.S)
if shadowed:
    text = text.replace("import typing\n", "import builtins\nimport typing\n", 1)
open(path, "w").write(text)
POSTPROCESS

if [[ $mode == --check ]]; then
  if ! diff -u "$COMMITTED" "$generated"; then
    echo "generate_stubs: bindings/python/commerce_core/_core.pyi is stale; run" \
         "bindings/python/generate_stubs.sh and commit the result" >&2
    exit 1
  fi
  echo "generate_stubs: _core.pyi matches the module"
else
  cp "$generated" "$COMMITTED"
  echo "generate_stubs: wrote $COMMITTED"
fi
