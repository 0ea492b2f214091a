#!/bin/sh
# cxm drivers on a real churn snapshot against the same work in scikit-learn (bench/drivers_peer.py):
# single-driver AUCs and relative weights of the 12 numeric drivers of the Iranian telecom
# snapshot (3,150 customers). cxm reads its store (loaded once here); the peer reads the CSV.
#   bench/drivers_bench.sh [build/release/cxm]
# Needs python3-sklearn (apt). Prints both rankings, then times each command five times.
set -eu
cxm=${1:-build/release/cxm}
data="../shared/data/iranian-churn/Customer Churn.csv"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cxm" --db "$work/cxm.duckdb" init >/dev/null
"$cxm" --db "$work/cxm.duckdb" ingest --map examples/iranian-churn/mapping.toml "$data" >/dev/null
"$cxm" --db "$work/cxm.duckdb" drivers --outcome churned
/usr/bin/python3 bench/drivers_peer.py "$data"
for run in 1 2 3 4 5; do
  /usr/bin/time -f "cxm drivers: %e s, %M KB" "$cxm" --db "$work/cxm.duckdb" drivers --outcome churned --format json >/dev/null
  /usr/bin/time -f "scikit-learn: %e s, %M KB" /usr/bin/python3 bench/drivers_peer.py "$data" >/dev/null
done
