#!/usr/bin/env bash
# bench/generate_bench.sh [CUSTOMERS] [FOLDER]: generation speed and peak memory of
# `cxm generate` (default 1,000,000 customers), on all cores, CSV, written to FOLDER
# (default a temporary folder, removed afterwards). Prints rows, bytes, wall time, peak RSS.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
customers=${1:-1000000}
out=${2:-$(mktemp -d)}
keep=${2:+yes}  # a folder given by the caller is kept
cxm=${CXM_BINARY:-$repo_root/build/release/cxm}
cleanup() { [[ -n $keep ]] || rm -rf "$out"; }
trap cleanup EXIT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); disk: $(df -h "$out" | awk 'NR==2 {print $4}') free"
/usr/bin/time -f "wall %e s, user %U s, system %S s, peak RSS %M KiB" \
  "$cxm" generate --customers "$customers" --seed 1 --out "$out/company" 2>&1 | grep -v "^generating"
du -sh "$out/company"
