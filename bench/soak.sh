#!/usr/bin/env bash
# The long run of the bank side: N renewals (default 100,000) by 64 concurrent clients on each
# register, SQLite and PostgreSQL. Prints the throughput and the RA's RSS in each tenth of the
# run and the last tenth against the first (docs/architecture.md, "Performance budgets").
# Reports; never passes or fails on time. About 5 minutes per 100,000 on SQLite, 8 on
# PostgreSQL, on the 2-core machine.
#
#   bench/soak.sh [RENEWALS] [MESSAGE_TIME_WINDOW_SECONDS]
# The replay window keeps each message for the message-time window (600 s by default): a run
# shorter than that sees the RA grow by it; a shorter window shows where it levels off.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KK_BUILD_DIR:-$root/build-bench}
renewals=${1:-100000}
window=${2:-0}
"$root/packaging/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target kk-bench-ra keykiosk-ra kk-testpki >/dev/null
for backend in sqlite postgresql; do
  echo "== $renewals renewals on $backend"
  "$build/bench/kk-bench-ra" --soak "$renewals" --backends "$backend" --clients 64 --window "$window"
  echo
done
