#!/usr/bin/env bash
# A signers' sitting end to end: KK_DEMO_SCENARIO=sitting ./kiosk/demo.sh runs headless on the
# already-built tree - three tokens of one organization taking turns in a virtual reader, the
# demo bank, the kiosk under Xvfb driven by --autopilot through the real UI. Afterwards this
# script checks with pdftotext, pkcs11-tool and the bank's CLI that each renewing signer's
# request carries the sitting, each got their act, the expired signer was sent to staff, and
# the one-page summary was saved and printed.
set -euo pipefail
root=$1 build=$2
out=$(mktemp -d)
chmod 755 "$out" # CUPS filters run as lp and must reach the demo's private spool
trap 'rm -rf "$out"' EXIT
env -u DISPLAY KK_BUILD_DIR="$build" KK_DEMO_DIR="$out/demo" KK_DEMO_SKIP_BUILD=1 \
  KK_DEMO_SCENARIO=sitting "$root/kiosk/demo.sh" </dev/null >"$out/demo.log" 2>&1 ||
  { cat "$out/demo.log"; tail -40 "$out/demo/kiosk.log" 2>/dev/null; exit 1; }
demo=$out/demo
fail=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

mapfile -t shots < <(ls -1 "$demo/screens" | sed -E 's/^[0-9]+-//; s/\.png$//')
check "screens: ${shots[*]}" test "$(printf '%s\n' "${shots[@]}" | grep -c '^SittingBoard')" -ge 4
check "the board after the first signer's token left" grep -qx "SittingBoard-after-removal" <(printf '%s\n' "${shots[@]}")
check "three signers finished on the board" test "$(grep -c 'autopilot: signer finished' "$demo/kiosk.out")" = 3
check "the expired signer was sent to staff" grep -q "autopilot: signer finished: нужен сотрудник банка" "$demo/kiosk.out"
check "two acts printed" test "$(grep -c 'autopilot: the act is printed (two copies)' "$demo/kiosk.out")" = 2
if grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log" | grep -q .; then
  echo "FAIL: unexpected warnings in the kiosk log:"; grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log"; fail=1
fi
check "the PIN appears in no log" bash -c "! grep -q 123456 '$demo/kiosk.log' '$demo/ra.log' '$demo/kiosk.out'"

sitting=$(grep -o 'sitting "S-[0-9A-F-]*" started' "$demo/kiosk.log" | head -1 | cut -d'"' -f2)
check "the kiosk started a sitting ($sitting)" test -n "$sitting"
listed=$("$build/ra/keykiosk-ra" requests --sitting "$sitting" --config "$demo/bank/ra.conf")
check "the bank lists the sitting's two requests, confirmed" \
  bash -c "grep -q 'sitting $sitting: 2 request(s)' <<<'$listed' && test \$(grep -c ' confirmed ' <<<'$listed') = 2"
check "Директоров and Бухгалтерова renewed in it" \
  bash -c "grep -q 'Директоров' <<<'$listed' && grep -q 'Бухгалтерова' <<<'$listed'"

summary=$({ ls "$demo"/acts/sitting-*.pdf 2>/dev/null || true; } | head -1)
check "the kiosk saved the summary ($summary)" test -s "$summary"
if [[ -s $summary ]]; then
  text=$(pdftotext "$summary" -)
  check "the summary names the organization, its INN and the sitting" \
    bash -c "grep -q 'ООО «Ромашка»' <<<'$text' && grep -q 'ИНН: 7707083893' <<<'$text' && grep -q '$sitting' <<<'$text'"
  check "the summary lists the three signers with their statuses" \
    bash -c "test \$(grep -c 'получен новый сертификат' <<<'$text') = 2 && grep -q 'Просроченко' <<<'$text' && grep -q 'нужен сотрудник банка' <<<'$text'"
  check "the summary names the bank from the kiosk's settings" grep -q "АО «Демо Банк»" <<<"$text"
fi
check "the printer printed the summary" compgen -G "$demo/cups/out/Sitting_*.pdf"
# The renewed signers' tokens, through pkcs11-tool: a new certificate and the old one archived.
export SOFTHSM2_CONF=$demo/token/softhsm2.conf
for label in Director Accountant; do
  listing=$(pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label "$label" --list-objects --type cert 2>/dev/null)
  check "$label: a new certificate and the old one archived" \
    bash -c "test \$(grep -c 'label:' <<<'$listing') = 2 && grep -q 'archived' <<<'$listing'"
done
exit $fail
