#!/usr/bin/env bash
# The report under injection: a generated company whose every text field holds a script payload
# (web/tests/hostile_company.mjs) is loaded, analysed and reported; Debian's headless Chromium
# then hovers every chart and checks that nothing ran (web/tests/report_xss_test.mjs).
#
#   tests/report/report_xss_test.sh CXM_BINARY WEB_DIR OUT_DIR
set -euo pipefail
cxm=$1
web_dir=$2
out_dir=$3
source "$(dirname "${BASH_SOURCE[0]}")/require_chromium.sh"
rm -rf "$out_dir"
mkdir -p "$out_dir"
"$cxm" generate --customers 1500 --seed 5 --format jsonl --out "$out_dir/co" > /dev/null
node "$web_dir/tests/hostile_company.mjs" "$out_dir/co"
db="$out_dir/cxm.duckdb"
for table in customers employees self_assessment currency_rates interactions transactions churn employee_feedback messages feedback; do
  "$cxm" --db "$db" ingest --table "$table" "$out_dir/co/$table.jsonl" > /dev/null
done
"$cxm" --db "$db" analyze > /dev/null
"$cxm" --db "$db" report --title '<img src=x onerror="window.__cxmXss=1"> report' --out "$out_dir/report.html" > /dev/null
CXM_CHROMIUM=$chromium node "$web_dir/tests/report_xss_test.mjs" "$out_dir/report.html" "$out_dir/report.png"
