#!/usr/bin/env bash
# The analysis layer's two rules, checked on the source: it reaches the store only through
# store/engine.h (no DuckDB header, no DuckDB type), and it names touchpoints by role, never
# by a name in SQL.
set -euo pipefail
src=$(cd "$(dirname "$0")/../../src/analytics" && pwd)
failed=0
if grep -rnE '#include [<"](duckdb\.h|store/duckdb\.h|store/store\.h)|DUCKDB_TYPE|duckdb_' "$src"; then
  echo "layering: analytics/ must reach the store through store/engine.h only (above)"
  failed=1
fi
if grep -rnE "touchpoint *(=|<>|!=|IN) *\(?'|'(support|purchase|delivery|billing|returns|onboarding|discovery|renewal)'" "$src"; then
  echo "layering: analytics/ compares touchpoints with names (above); look them up by role (touchpoint_roles)"
  failed=1
fi
[[ $failed == 0 ]] && echo "layering: analytics/ includes no DuckDB header and names no touchpoint"
exit $failed
