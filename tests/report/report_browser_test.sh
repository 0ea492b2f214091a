#!/usr/bin/env bash
# The report in a real browser: `cxm demo` on a small generated company must end in report.html,
# and Debian's headless Chromium must render every chart with no console error and no network
# request (web/tests/report_browser_test.mjs). The screenshot stays in OUT_DIR as an artefact.
#
#   tests/report/report_browser_test.sh CXM_BINARY WEB_DIR OUT_DIR
set -euo pipefail
cxm=$1
web_dir=$2
out_dir=$3
source "$(dirname "${BASH_SOURCE[0]}")/require_chromium.sh"
rm -rf "$out_dir"
mkdir -p "$out_dir"
"$cxm" demo --customers 2000 --seed 3 --out "$out_dir/demo" > "$out_dir/demo.log"
grep -q "^Report: .*report.html" "$out_dir/demo.log"
CXM_CHROMIUM=$chromium node "$web_dir/tests/report_browser_test.mjs" "$out_dir/demo/report.html" "$out_dir/report.png"
