#!/usr/bin/env bash
# A longer hunt than the test suite's: every fuzz target for FUZZ_SECONDS (default 600) each,
# keeping the corpus in build/fuzz/corpus/ between runs. Prints inputs run, corpus size and
# crashes per target.
set -euo pipefail
FUZZ_SECONDS=${FUZZ_SECONDS:-600} exec "$(dirname "${BASH_SOURCE[0]}")/../scripts/fuzz.sh"
