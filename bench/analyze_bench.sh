#!/usr/bin/env bash
# bench/analyze_bench.sh [CUSTOMERS] [FOLDER]: `cxm analyze` at scale (default 1,000,000
# customers: ~10M interactions, ~28M messages) — wall time and peak memory of a first run over
# everything and of a second run with nothing new (incremental) — then `cxm metrics --by
# touchpoint,month` end to end and in-process against plain DuckDB SQL (bench/metrics_bench).
# FOLDER keeps the company and the store between runs (default: a temporary folder, removed).
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
customers=${1:-1000000}
out=${2:-$(mktemp -d)}
keep=${2:+yes}  # a folder given by the caller is kept
build=${CXM_BUILD_DIR:-$repo_root/build/release}
cxm=$build/cxm
cleanup() { [[ -n $keep ]] || rm -rf "$out"; }
trap cleanup EXIT
timed() { /usr/bin/time -f "    wall %e s, user %U s, system %S s, peak RSS %M KiB" "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
if [[ ! -f $out/company/truth.json ]]; then
  echo "generate $customers customers"
  timed "$cxm" generate --customers "$customers" --seed 1 --out "$out/company" 2>&1 | grep -v "^generating" | tail -2
fi
store=$out/cxm.duckdb
if [[ ! -f $store ]]; then
  echo "ingest"
  for table in customers employees self_assessment currency_rates interactions transactions churn employee_feedback messages feedback; do
    echo "  $table"
    timed "$cxm" --db "$store" ingest --table "$table" "$out/company/$table.csv" 2>&1 | tail -1
  done
fi
echo "cxm analyze (first run: every text scored)"
timed "$cxm" --db "$store" analyze 2>&1 | grep -v "\.\.\.$"
echo "cxm analyze (second run: nothing new)"
timed "$cxm" --db "$store" analyze 2>&1 | grep -v "\.\.\.$"
echo "cxm metrics --by touchpoint,month (process end to end, 5 runs)"
for run in 1 2 3 4 5; do
  /usr/bin/time -f "    wall %e s" "$cxm" --db "$store" metrics --by touchpoint,month --format csv 2>&1 >/dev/null
done
echo "in-process: metrics vs plain DuckDB SQL"
"$build/bench/metrics_bench" "$store" 11

# What the analyses recover of the simulator's truth (truth.json, truth_customers.csv).
echo "recovered truth"
python3 -c "import json,sys; t=json.load(open(sys.argv[1])); print('  truth moments:', t['moments_of_truth']['ranking']); print('  truth recovery groups:', {k: (v['churn_rate_180d'], v['nps']) for k, v in t['recovery']['groups'].items()})" "$out/company/truth.json"
"$cxm" --db "$store" moments | sed -n '2,12p'
"$cxm" --db "$store" recovery | sed -n '2,16p'
"$cxm" --db "$store" memory | sed -n '2,9p'
"$cxm" --db "$store" query "SELECT avg((s.quadrant = t.quadrant)::INT) AS quadrant_agreement,
  avg(((s.expected_nps >= 7.75) = (t.attitudinal >= 0.25))::INT) AS attitudinal_agreement,
  avg(((s.behavioural >= 1) = (t.behavioural >= 1))::INT) AS behavioural_agreement, corr(s.memory, t.memory) AS memory_r
  FROM customer_state s JOIN read_csv('$out/company/truth_customers.csv') t USING (customer_id)"
