#!/usr/bin/env bash
# Golden outputs: the JSON of every analysis on one small generated company (1,500 customers,
# seed 7), compared byte for byte with the files beside this script. They pin behaviour: a
# refactor lands with them unchanged; a change that means to move a figure regenerates them on
# purpose, and its commit says why.
#
#   tests/golden/golden.sh CXM_BINARY GOLDEN_COMPARE            compare (exit 1 on any difference)
#   tests/golden/golden.sh CXM_BINARY GOLDEN_COMPARE --update   regenerate the files
#
# GOLDEN_COMPARE is tests/golden/golden_compare.cpp, built beside the tests: figures compare at
# the decimals their column shows (see there).
set -euo pipefail

cxm=$(realpath "$1")
compare=$(realpath "$2")
mode=${3:-compare}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cxm" generate --customers 1500 --seed 7 --threads 1 --out "$work/data" >/dev/null
db="$work/cxm.duckdb"
for table in customers employees self_assessment currency_rates interactions transactions churn employee_feedback messages feedback; do
  "$cxm" --db "$db" ingest --table "$table" "$work/data/$table.csv" >/dev/null
done
"$cxm" --db "$db" analyze >/dev/null 2>&1

# name | arguments
analyses=(
  "metrics|metrics --by touchpoint"
  "metrics_by_month|metrics --by month"
  "metrics_language_quarter|metrics --by language,quarter"
  "journeys|journeys"
  "moments|moments"
  "drivers|drivers"
  "loyalty|loyalty"
  "recovery|recovery"
  "gap|gap"
  "memory|memory"
  "metrics_filtered|metrics --by touchpoint --where \"kind = 'survey' AND language IN (sv, nb)\""
  "employees|employees"
  "quotes|quotes"
  "trend|trend"
)
mkdir -p "$work/out"
for entry in "${analyses[@]}"; do
  name=${entry%%|*}
  eval "arguments=(${entry#*|})"
  "$cxm" --db "$db" "${arguments[@]}" --format json >"$work/out/$name.json"
done

if [[ $mode == --update ]]; then
  for entry in "${analyses[@]}"; do
    name=${entry%%|*}
    "$compare" --write "$work/out/$name.json" >"$here/$name.json"
  done
  echo "golden: wrote ${#analyses[@]} files to $here"
  exit 0
fi
failed=0
for entry in "${analyses[@]}"; do
  name=${entry%%|*}
  if ! "$compare" "$here/$name.json" "$work/out/$name.json" >"$work/diff.txt"; then
    echo "golden: $name.json differs from $here/$name.json:"
    cat "$work/diff.txt"
    failed=1
  fi
done
[[ $failed == 0 ]] && echo "golden: ${#analyses[@]} analyses identical"
exit $failed
