#!/usr/bin/env bash
# Builds the fuzz targets (tests/fuzz/) with Debian's clang and libFuzzer under ASan and UBSan
# (the `fuzz` preset) and runs each one from its seeds, growing a corpus in build/fuzz/corpus/.
#
#   scripts/fuzz.sh                  each target for FUZZ_RUNS inputs (default 4000), or FUZZ_CAP_SECONDS
#                                    (default 60) if that comes first: part of the test suite
#   FUZZ_SECONDS=600 scripts/fuzz.sh each target for that long instead (bench/fuzz.sh)
#
# Prints each target's inputs run, corpus size and crashes, then "fuzz: N passed, M failed".
# A crash leaves its input in build/fuzz/crashes/ and fails the run.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
runs=${FUZZ_RUNS:-4000}
seconds=${FUZZ_SECONDS:-0}
# The targets that run DuckDB per input manage a few dozen inputs a second under ASan: the cap
# keeps the test suite's share bounded whatever the corpus has grown to.
cap_seconds=${FUZZ_CAP_SECONDS:-60}
jobs=$(nproc 2>/dev/null || echo 2)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs"
out=build/fuzz
mkdir -p "$out/corpus" "$out/crashes"
passed=0
failed=0
for seeds in "$out"/fuzz-seeds/*.txt; do
  target=$(basename "$seeds" .txt)
  corpus="$out/corpus/$target"
  mkdir -p "$corpus"
  # Each seed file is one input, as the suite's driver reads them.
  while IFS= read -r seed; do
    [ -n "$seed" ] && cp "$seed" "$corpus/seed-$(basename "$seed")"
  done < "$seeds"
  budget=(-runs="$runs" -max_total_time="$cap_seconds")
  [ "$seconds" -gt 0 ] && budget=(-max_total_time="$seconds")
  log="$out/$target.log"
  if "$out/tests/$target" "${budget[@]}" -max_len=65536 -timeout=60 -rss_limit_mb=4096 \
       -artifact_prefix="$out/crashes/$target-" "$corpus" > "$log" 2>&1; then
    passed=$((passed + 1))
    verdict="no crash"
  else
    failed=$((failed + 1))
    verdict="CRASHED: see $log and $out/crashes/"
  fi
  executed=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' | tail -1 || true)
  echo "$target: ${executed:-?} inputs, corpus $(find "$corpus" -type f | wc -l) files, $verdict"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
