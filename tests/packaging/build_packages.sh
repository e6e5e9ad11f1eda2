#!/usr/bin/env bash
# Builds the Debian packages from packaging/debian (dpkg-buildpackage, hardened by
# dpkg-buildflags) in a copy of the source tree and leaves them in OUT:
#   build_packages.sh SOURCE OUT
# Used by check_packages.sh (ctest) and by anyone who wants the .debs.
set -euo pipefail
root=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/keykiosk-0.1.0
mkdir -p "$src" "$out"
# The tracked files (a clean clone has nothing else), plus the working tree's edits.
(cd "$root" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$root" && xargs -0 cp --parents -t "$src" 2>/dev/null || true)
cp -r "$src/packaging/debian" "$src/debian"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck" dpkg-buildpackage -b -uc -us >"$work/build.log" 2>&1) ||
  { grep -E "error|Error|warning:" "$work/build.log" | tail -30; exit 1; }
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
cp "$work/build.log" "$out/"
ls "$out"/*.deb
