#!/usr/bin/env bash
# Runs every test: installs what is missing (packaging/deps.sh), builds with warnings as
# errors, then runs ctest (unit, integration on real parts, kiosk/QML, e2e demo).
# Exits non-zero on any failure.
#
# Environment: KK_TEST_BUILD_DIR (default ./build-test), KK_CTEST_ARGS (e.g. "-L unit").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KK_TEST_BUILD_DIR:-$root/build-test}

"$root/packaging/deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKEYKIOSK_WERROR=ON -DKEYKIOSK_FAULT_INJECTION=ON >/dev/null
cmake --build "$build" -j2
cd "$build"
# shellcheck disable=SC2086
ctest --output-on-failure -j2 ${KK_CTEST_ARGS:-}
