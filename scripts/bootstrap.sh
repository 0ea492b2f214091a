#!/usr/bin/env bash
# Installs what cxm needs on Debian 12, idempotently: Debian packages that are missing, and
# DuckDB 1.4.4 (C API header + libduckdb.so) from npm, checked against pinned sha512 integrity.
# Takes a few seconds when everything is already present.
#
#   scripts/bootstrap.sh            # packages, web/node_modules (npm ci), DuckDB into .deps/duckdb
#   CXM_WITH_BROWSER=1 scripts/bootstrap.sh   # also Debian's chromium, for the browser tests
#   CXM_WITH_FUZZER=1 scripts/bootstrap.sh    # also Debian's clang and libFuzzer, for scripts/fuzz.sh
#   DUCKDB_ROOT=/opt/duckdb scripts/bootstrap.sh   # use a system DuckDB, skip npm
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps_dir="$repo_root/.deps"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Build, test and runtime libraries. Keep this list in step with find_package calls in CMake.
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates openssl
  libgtest-dev libgmock-dev libbenchmark-dev
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev libre2-dev libicu-dev libzstd-dev
  libsimdjson-dev libcpp-httplib-dev libstemmer-dev libcld2-dev libeigen3-dev nlohmann-json3-dev
)
# The report's browser test drives Debian's Chromium (never a downloaded browser).
[ "${CXM_WITH_BROWSER:-0}" = 1 ] && packages+=(chromium)
# The fuzz targets build with Debian's clang and its libFuzzer runtime (scripts/fuzz.sh).
[ "${CXM_WITH_FUZZER:-0}" = 1 ] && packages+=(clang libclang-rt-14-dev)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
# Node.js may come from elsewhere (e.g. NodeSource, whose nodejs bundles npm); only Debian's if absent.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# The report's renderer (TypeScript + ECharts, bundled by Vite at build time) and the browser
# test's driver (playwright-core) come from npm, pinned by web/package-lock.json; no install
# scripts run, so no browser is ever downloaded.
if [ ! -f "$repo_root/web/node_modules/.package-lock.json" ] ||
   ! cmp -s "$repo_root/web/package-lock.json" "$repo_root/web/node_modules/.cxm-lock"; then
  echo "bootstrap: installing the web front end's packages (npm ci)"
  (cd "$repo_root/web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null &&
   cp package-lock.json node_modules/.cxm-lock)
fi

# DuckDB: a system install wins when DUCKDB_ROOT points at one (include/duckdb.h, lib/libduckdb.so).
if [ -n "${DUCKDB_ROOT:-}" ]; then
  if [ -f "$DUCKDB_ROOT/include/duckdb.h" ]; then
    echo "bootstrap: using DuckDB at $DUCKDB_ROOT"
    exit 0
  fi
  echo "bootstrap: DUCKDB_ROOT=$DUCKDB_ROOT has no include/duckdb.h" >&2
  exit 1
fi

duckdb_version=1.4.4
duckdb_dir="$deps_dir/duckdb"
stamp="$duckdb_dir/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$duckdb_version" ] &&
   [ -f "$duckdb_dir/include/duckdb.h" ] && [ -f "$duckdb_dir/lib/libduckdb.so" ]; then
  exit 0
fi

# Pinned integrity (npm's dist.integrity): a tarball that does not match is refused.
header_pkg="duckdb@1.4.4"
header_sha512="hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=="
lib_pkg="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
lib_sha512="jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=="

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch PACKAGE SHA512 -> prints the tarball path
  local package=$1 expected=$2 tarball actual
  tarball=$(cd "$work" && npm pack --silent --ignore-scripts "$package" 2>/dev/null | tail -n 1)
  actual=$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w0)
  if [ "$actual" != "$expected" ]; then
    echo "bootstrap: $package integrity mismatch (got sha512-$actual)" >&2
    exit 1
  fi
  echo "$work/$tarball"
}

echo "bootstrap: fetching DuckDB $duckdb_version from npm"
header_tgz=$(fetch "$header_pkg" "$header_sha512")
lib_tgz=$(fetch "$lib_pkg" "$lib_sha512")

mkdir -p "$duckdb_dir/include" "$duckdb_dir/lib"
tar -xzf "$header_tgz" -C "$work" package/src/duckdb/src/include/duckdb.h
cp "$work/package/src/duckdb/src/include/duckdb.h" "$duckdb_dir/include/duckdb.h"
rm -rf "$work/package"
tar -xzf "$lib_tgz" -C "$work" package/libduckdb.so
cp "$work/package/libduckdb.so" "$duckdb_dir/lib/libduckdb.so"
echo "$duckdb_version" > "$stamp"
echo "bootstrap: DuckDB $duckdb_version in $duckdb_dir"
