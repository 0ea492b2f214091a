#!/usr/bin/env bash
# The two set-up commands of README.md:
#   scripts/cxm.sh demo   install what is missing, build (release), run the demo, end in a report
#   scripts/cxm.sh test   install what is missing, build (ci: ASan+UBSan, -Werror), run every test,
#                         then the fuzz targets under clang's libFuzzer (scripts/fuzz.sh)
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_root"
what=${1:-}
jobs=$(nproc 2>/dev/null || echo 2)

if [ "$what" = test ]; then
  CXM_WITH_BROWSER=1 CXM_WITH_FUZZER=1 scripts/bootstrap.sh
else
  scripts/bootstrap.sh
fi

case "$what" in
  demo)
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$jobs"
    # The main job on the embedded default: a generated company (docs/demo-company.md),
    # loaded and analysed, ending in the findings and a self-contained HTML report.
    build/release/cxm demo --out "${CXM_DEMO_DIR:-cxm-demo}"
    ;;
  test)
    cmake --preset ci >/dev/null
    cmake --build --preset ci -j "$jobs"
    # The report's browser tests must run here, not skip: chromium was installed above.
    CXM_REQUIRE_BROWSER=1 ctest --preset ci
    # The parsers under Debian's clang and libFuzzer, a fixed number of inputs each.
    scripts/fuzz.sh
    ;;
  *)
    echo "usage: scripts/cxm.sh demo|test" >&2
    exit 1
    ;;
esac
