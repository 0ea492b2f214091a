#!/usr/bin/env bash
# Golden outputs: the JSON of every analysis on one small generated company (1,500 customers,
# seed 7), compared byte for byte with the files beside this script. They pin behaviour: a
# refactor lands with them unchanged; a change that means to move a figure regenerates them on
# purpose, and its commit says why.
#
#   tests/golden/golden.sh CXM_BINARY            compare (exit 1 on any difference, with a diff)
#   tests/golden/golden.sh CXM_BINARY --update   regenerate the files
set -euo pipefail

cxm=$(realpath "$1")
mode=${2:-compare}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$cxm" generate --customers 1500 --seed 7 --threads 1 --out "$work/data" >/dev/null
db="$work/cxm.duckdb"
for table in customers employees self_assessment interactions transactions churn employee_feedback messages feedback; do
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
)
mkdir -p "$work/out"
for entry in "${analyses[@]}"; do
  name=${entry%%|*}
  read -r -a arguments <<<"${entry#*|}"
  "$cxm" --db "$db" "${arguments[@]}" --format json >"$work/out/$name.json"
done

if [[ $mode == --update ]]; then
  cp "$work"/out/*.json "$here/"
  echo "golden: wrote ${#analyses[@]} files to $here"
  exit 0
fi
failed=0
for entry in "${analyses[@]}"; do
  name=${entry%%|*}
  if ! cmp -s "$here/$name.json" "$work/out/$name.json"; then
    echo "golden: $name.json differs from $here/$name.json"
    diff <(python3 -m json.tool --sort-keys "$here/$name.json" 2>/dev/null || cat "$here/$name.json") \
         <(python3 -m json.tool --sort-keys "$work/out/$name.json" 2>/dev/null || cat "$work/out/$name.json") | head -40 || true
    failed=1
  fi
done
[[ $failed == 0 ]] && echo "golden: ${#analyses[@]} analyses identical"
exit $failed
