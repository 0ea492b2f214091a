#!/usr/bin/env bash
# The two set-up commands of README.md:
#   scripts/cxm.sh demo   install what is missing, build (release), run the demo, end in a report
#   scripts/cxm.sh test   install what is missing, build (ci: ASan+UBSan, -Werror), run every test
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
what=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)

scripts/bootstrap.sh

case "$what" in
  demo)
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$jobs"
    cxm=build/release/cxm
    demo_dir=${CXM_DEMO_DIR:-cxm-demo}
    mkdir -p "$demo_dir"
    db="$demo_dir/cxm.duckdb"
    rm -f "$db" "$db.wal"
    # Until `cxm demo` exists, the demo is the real path on the shipped examples: init, ingest
    # through mappings (validation, rejects, PII redaction), then what the store now holds.
    "$cxm" --db "$db" init
    "$cxm" --db "$db" ingest --map examples/ecommerce/mapping.toml
    "$cxm" --db "$db" ingest --map examples/natcs-banking/mapping.toml
    echo
    "$cxm" --db "$db" status
    echo
    echo "Deliveries later than promised, by customer language:"
    "$cxm" --db "$db" query "SELECT c.language, count(*) AS deliveries,
        count(*) FILTER (WHERE i.failure = 'late_delivery') AS late,
        round(100.0 * count(*) FILTER (WHERE i.failure = 'late_delivery') / count(*), 1) AS late_pct,
        round(avg(f.csat), 2) AS review_csat
      FROM interactions i JOIN customers c USING (customer_id)
      LEFT JOIN feedback f ON f.interaction_id = i.interaction_id
      WHERE i.touchpoint = 'delivery' GROUP BY ALL ORDER BY late_pct DESC"
    echo
    echo "Finding: what a late delivery does to the review that follows it:"
    "$cxm" --db "$db" query "SELECT CASE WHEN i.failure = 'late_delivery' THEN 'late' ELSE 'on time' END AS delivery,
        count(*) AS reviews, round(avg(f.csat), 2) AS mean_csat,
        round(100.0 * avg((f.csat >= 4)::INTEGER), 1) AS top2_box_pct
      FROM feedback f JOIN interactions i ON i.interaction_id = f.interaction_id
      GROUP BY ALL ORDER BY delivery"
    echo
    echo "Rows the exports got wrong (kept in the rejects table, never dropped):"
    "$cxm" --db "$db" query "SELECT source, line, column_name, value, reason FROM rejects ORDER BY source, line"
    echo
    echo "Report: the store is $db; ask it anything with: $cxm --db $db query \"SQL\""
    ;;
  test)
    cmake --preset ci >/dev/null
    cmake --build --preset ci -j "$jobs"
    ctest --preset ci
    ;;
  *)
    echo "usage: scripts/cxm.sh demo|test" >&2
    exit 1
    ;;
esac
