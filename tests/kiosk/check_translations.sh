#!/usr/bin/env bash
# Every string of the UI and the error catalogue has a finished translation in ru, kk and en,
# and the catalogues are in step with the sources (lupdate finds nothing new).
set -euo pipefail
root=$1
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for lang in ru kk en; do
  ts=$root/qml/i18n/keykiosk_$lang.ts
  unfinished=$(grep -c 'type="unfinished"' "$ts" || true)
  [[ $unfinished == 0 ]] || { echo "FAIL: $unfinished unfinished translations in $ts"; fail=1; }
  cp "$ts" "$work/check.ts"
  (cd "$root" && /usr/lib/qt5/bin/lupdate -locations none -no-obsolete backend kiosk qml -ts "$work/check.ts") >"$work/lupdate.log" 2>&1
  grep -q "(0 new and" "$work/lupdate.log" || { echo "FAIL: sources have strings missing from $ts:"; grep Found "$work/lupdate.log"; fail=1; }
done
((fail)) || echo "ok: ru, kk and en catalogues complete and current"
exit $fail
