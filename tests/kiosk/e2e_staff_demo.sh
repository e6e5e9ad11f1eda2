#!/usr/bin/env bash
# The staff journey end to end: KK_DEMO_SCENARIO=staff-recovery ./kiosk/demo.sh runs headless
# on the already-built tree - a staff token and a client token whose certificate has expired,
# each in its own virtual reader behind a private pcscd, the demo bank, the kiosk under Xvfb
# driven by --autopilot through the real UI. Afterwards this script checks, with outside tools
# (pkcs11-tool, openssl) and the bank's CLI, that the client's token holds a new certificate
# from the demo bank CA, the expired one archived beside it; that the bank recorded the staff
# member, the application and the checklist, and superseded the expired certificate.
set -euo pipefail
root=$1 build=$2
out=$(mktemp -d)
chmod 755 "$out" # CUPS filters run as lp and must reach the demo's private spool
trap 'rm -rf "$out"' EXIT
env -u DISPLAY KK_BUILD_DIR="$build" KK_DEMO_DIR="$out/demo" KK_DEMO_SKIP_BUILD=1 \
  KK_DEMO_SCENARIO=staff-recovery "$root/kiosk/demo.sh" </dev/null >"$out/demo.log" 2>&1 ||
  { cat "$out/demo.log"; tail -40 "$out/demo/kiosk.log" 2>/dev/null; exit 1; }
demo=$out/demo
fail=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

expected=(InsertToken Renewal-StaffLogin-EnteringPin StaffHome TokenProfiles
          Renewal-StaffRecovery-StaffChecklist Renewal-StaffRecovery-EnteringPin
          Renewal-StaffRecovery-CollectingEntropy Renewal-StaffRecovery-CertificateReceived
          Renewal-StaffRecovery-Finished Renewal-StaffRecovery-Finished-act-printed StaffHome
          InsertToken-after-removal)
mapfile -t shots < <(ls -1 "$demo/screens" | sed -E 's/^[0-9]+-//; s/\.png$//')
check "screens in order: ${shots[*]}" test "${shots[*]}" = "${expected[*]}"
check "the staff PIN was typed on the pad" grep -q "autopilot: typed the staff PIN (6 digits)" "$demo/kiosk.out"
check "staff chose the expired-key case" grep -q "autopilot: staff chose the recovery case ExpiredKey" "$demo/kiosk.out"
check "the client's PIN was typed on the pad" grep -q "autopilot: typed the client's PIN (6 digits)" "$demo/kiosk.out"
if grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log" | grep -q .; then
  echo "FAIL: unexpected warnings in the kiosk log:"; grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log"; fail=1
fi
check "neither PIN appears in any log" bash -c "! grep -qE '123456|135790' '$demo/kiosk.log' '$demo/ra.log' '$demo/kiosk.out'"

# The bank's records.
requests=$("$build/ra/keykiosk-ra" requests --config "$demo/bank/ra.conf")
check "the request is confirmed, as an expired-key recovery" grep -qE "confirmed +expired" <<<"$requests"
check "the request names the staff member and the application" \
  grep -q "staff: Петрова Анна Сергеевна (.*); application 1742 от $(date -u +%F); checked: identity-document,signed-application" <<<"$requests"
audit=$("$build/ra/keykiosk-ra" audit --config "$demo/bank/ra.conf")
check "the audit log has the staff member's request" grep -q "staff Петрова Анна Сергеевна" <<<"$audit"

# The client's token, through pkcs11-tool and openssl only.
export SOFTHSM2_CONF=$demo/token/softhsm2.conf
p11() { pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label "Demo Token" "$@" 2>/dev/null; }
listing=$(p11 --list-objects --type cert)
new_id=$(awk '/label:/ {archived = ($0 ~ /archived/)} /ID:/ && !archived {print $2}' <<<"$listing" | head -1)
old_id=$(awk '/label:/ {archived = ($0 ~ /archived/)} /ID:/ && archived {print $2}' <<<"$listing" | head -1)
check "a current certificate (id $new_id) and the expired one archived (id $old_id)" \
  test -n "$new_id" -a -n "$old_id" -a "$new_id" != "$old_id"
p11 --read-object --type cert --id "$new_id" -o "$out/new.der" >/dev/null
p11 --read-object --type cert --id "$old_id" -o "$out/old.der" >/dev/null
openssl x509 -inform DER -in "$out/new.der" -out "$out/new.pem"
openssl x509 -inform DER -in "$out/old.der" -out "$out/old.pem"
check "the new certificate chains to the demo bank CA" \
  openssl verify -CAfile "$demo/bank/ca.cert.pem" "$out/new.pem"
check "the new certificate is valid now" openssl x509 -in "$out/new.pem" -noout -checkend 0
check "the new certificate names the abonent from the register" \
  bash -c "openssl x509 -in '$out/new.pem' -noout -subject -nameopt RFC2253 | grep -q 'UID=DEMO-EXPIRED-1'"
old_serial=$(openssl x509 -in "$out/old.pem" -noout -serial | cut -d= -f2)
certificates=$("$build/ra/keykiosk-ra" certificates --config "$demo/bank/ra.conf")
check "the bank marked the expired certificate $old_serial superseded" \
  grep -qiE "^$old_serial +client +superseded" <<<"$certificates"
# The staff token is untouched: its certificate and key are where they were.
check "the staff token still holds its key" bash -c \
  "pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label 'Staff Token' --login --pin 135790 --list-objects --type privkey 2>/dev/null | grep -q 'Private Key'"
saved=$({ ls "$demo"/acts/act-*.pdf 2>/dev/null || true; } | head -1)
check "the kiosk saved the act ($saved)" test -s "$saved"
check "the printer produced the act" compgen -G "$demo/cups/out/Act_*.pdf"
exit $fail
