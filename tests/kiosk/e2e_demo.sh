#!/usr/bin/env bash
# Runs ./kiosk/demo.sh headless against the already-built tree and checks what it produced:
# a screenshot of each screen (insert, token table, insert after removal), a clean log.
set -euo pipefail
root=$1 build=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
env -u DISPLAY KK_BUILD_DIR="$build" KK_DEMO_DIR="$out/demo" KK_DEMO_SKIP_BUILD=1 \
  "$root/kiosk/demo.sh" </dev/null >"$out/demo.log" 2>&1 || { cat "$out/demo.log"; exit 1; }
fail=0
for screen in 01-InsertToken 02-TokenProfiles 03-InsertToken-after-removal; do
  file="$out/demo/screens/$screen.png"
  if [[ ! -s $file ]] || [[ $(head -c 8 "$file" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
    echo "FAIL: missing or not a PNG: $screen"; fail=1
  else
    echo "ok: $screen ($(stat -c %s "$file") bytes)"
  fi
done
# The kiosk must not log QML or layout warnings.
if grep -vE '^(kk\.|QStandardPaths)' "$out/demo/kiosk.log" | grep -q .; then
  echo "FAIL: unexpected warnings in the kiosk log:"; grep -vE '^(kk\.|QStandardPaths)' "$out/demo/kiosk.log"; fail=1
fi
grep -q "presence .* -> kk::PresenceState::TokenReady" "$out/demo/kiosk.log" || { echo "FAIL: token never ready"; fail=1; }
grep -q "screen kk::KioskScreen::TokenProfiles" "$out/demo/kiosk.log" || { echo "FAIL: profiles never shown"; fail=1; }
exit $fail
