#!/usr/bin/env bash
# The long fuzz runs: each libFuzzer target for 10 million executions (KK_FUZZ_RUNS), with
# its figures (executions, seconds, coverage, peak RSS). Slow on purpose: ra_cmp verifies a
# signature for most inputs (about an hour on the 2-core machine); not part of ./tests/run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${KK_FUZZ_BUILD_DIR:-$root/build-fuzz}
"$root/packaging/deps.sh"
"$root/fuzz/run.sh" build "$dir"
for target in ${KK_FUZZ_TARGETS:-ra_der ra_http ra_cmp}; do
  "$root/fuzz/run.sh" long "$dir" "$target" "${KK_FUZZ_RUNS:-10000000}"
done
