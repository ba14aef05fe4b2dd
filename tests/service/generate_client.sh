#!/usr/bin/env bash
# generate_client.sh CACHE_DIR OPENAPI_JSON OUT_DIR: generates the Python client of the
# service's OpenAPI document with openapi-generator (generator `python`) into OUT_DIR, and
# prints the path of a Python that can import it (a venv under CACHE_DIR with the client's
# runtime packages). test_generated_client.py runs it.
#
# CACHE_DIR keeps what does not change between runs: the generator's jar (from Maven Central,
# through Maven, the first time) and the venv (its packages from PyPI, the first time). Needs
# java, mvn and python3 with venv (scripts/lib.sh installs them).
set -euo pipefail

cache=$1 spec=$2 out=$3
version=7.17.0
jar="$cache/openapi-generator-cli-$version.jar"
mkdir -p "$cache"
if [ ! -f "$jar" ]; then
  mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="org.openapitools:openapi-generator-cli:$version" \
    -DoutputDirectory="$cache" -Dmdep.useBaseVersion=true >&2
fi

rm -rf "$out"
# The document is validated by the generator too: an invalid one fails here.
java -jar "$jar" generate -i "$spec" -g python -o "$out" \
  --package-name commerce_client --additional-properties=projectName=commerce-client \
  --global-property apiTests=false,modelTests=false,apiDocs=false,modelDocs=false >&2

venv="$cache/venv"
stamp="$venv/.commerce-requirements"
if [ ! -f "$stamp" ] || ! cmp -s "$stamp" "$out/requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$out/requirements.txt" >&2
  cp "$out/requirements.txt" "$stamp"
fi
echo "$venv/bin/python"
