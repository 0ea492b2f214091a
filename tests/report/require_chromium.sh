# Sourced by the report's browser tests: sets $chromium to Debian's Chromium or ends the test,
# skipped (77) where it is absent, failed where CXM_REQUIRE_BROWSER=1 says it must be there (CI).
chromium=${CXM_CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
  if [[ ${CXM_REQUIRE_BROWSER:-0} == 1 ]]; then
    echo "no $chromium: CXM_WITH_BROWSER=1 scripts/bootstrap.sh installs Debian's chromium" >&2
    exit 1
  fi
  echo "skipped: no $chromium (CXM_WITH_BROWSER=1 scripts/bootstrap.sh installs it)"
  exit 77
fi
