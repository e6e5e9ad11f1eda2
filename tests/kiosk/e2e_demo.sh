#!/usr/bin/env bash
# The whole journey end to end: ./kiosk/demo.sh runs headless on the already-built tree - the
# demo bank (keykiosk-ra), a SoftHSM2 token behind a private pcscd and virtual reader, the
# kiosk under Xvfb driven by --autopilot through the real UI by simulated touches. Afterwards
# this script checks, with outside tools only (pkcs11-tool, openssl), that the token holds
# the new certificate: issued by the demo bank CA, for the token's new key, the one the
# bank's register lists as confirmed; and that the old certificate is still there, archived.
set -euo pipefail
root=$1 build=$2
out=$(mktemp -d)
chmod 755 "$out" # CUPS filters run as lp and must reach the demo's private spool
trap 'rm -rf "$out"' EXIT
env -u DISPLAY KK_BUILD_DIR="$build" KK_DEMO_DIR="$out/demo" KK_DEMO_SKIP_BUILD=1 \
  "$root/kiosk/demo.sh" </dev/null >"$out/demo.log" 2>&1 || { cat "$out/demo.log"; cat "$out/demo/kiosk.log" 2>/dev/null | tail -40; exit 1; }
demo=$out/demo
fail=0
check() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# A screenshot of every step, in order.
expected=(InsertToken TokenProfiles Renewal-Explaining Renewal-EnteringPin Renewal-CollectingEntropy
          Renewal-WithBank Renewal-CertificateReceived Renewal-Finished Renewal-Finished-act-printed
          InsertToken-after-removal)
mapfile -t shots < <(ls -1 "$demo/screens" | sed -E 's/^[0-9]+-//; s/\.png$//')
check "screens in order: ${shots[*]}" test "${shots[*]}" = "${expected[*]}"
for file in "$demo"/screens/*.png; do
  [[ $(head -c 8 "$file" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || { echo "FAIL: not a PNG: $file"; fail=1; }
done
grep -q "autopilot: typed the client's PIN (6 digits)" "$demo/kiosk.out" || { echo "FAIL: the PIN was not typed on the pad"; fail=1; }
# The kiosk must not log QML or layout warnings, nor the PIN.
if grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log" | grep -q .; then
  echo "FAIL: unexpected warnings in the kiosk log:"; grep -vE '^(kk\.|QStandardPaths)' "$demo/kiosk.log"; fail=1
fi
check "the PIN appears in no log" bash -c "! grep -q 123456 '$demo/kiosk.log' '$demo/ra.log'"

# The token, through pkcs11-tool and openssl only.
export SOFTHSM2_CONF=$demo/token/softhsm2.conf
p11() { pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so "$@" 2>/dev/null; }
listing=$(p11 --list-objects --type cert)
new_id=$(awk '/label:/ {archived = ($0 ~ /archived/)} /ID:/ && !archived {print $2}' <<<"$listing" | head -1)
old_id=$(awk '/label:/ {archived = ($0 ~ /archived/)} /ID:/ && archived {print $2}' <<<"$listing" | head -1)
check "a current certificate (id $new_id) and an archived one (id $old_id)" test -n "$new_id" -a -n "$old_id" -a "$new_id" != "$old_id"
p11 --read-object --type cert --id "$new_id" -o "$out/new.der" >/dev/null
p11 --read-object --type pubkey --id "$new_id" -o "$out/new.pub.der" >/dev/null
openssl x509 -inform DER -in "$out/new.der" -out "$out/new.pem"
check "the new certificate chains to the demo bank CA" \
  openssl verify -CAfile "$demo/bank/ca.cert.pem" "$out/new.pem"
check "the new certificate is for the token's new key" \
  cmp <(openssl x509 -in "$out/new.pem" -noout -pubkey | openssl pkey -pubin -outform DER) \
      <(openssl pkey -pubin -inform DER -in "$out/new.pub.der" -outform DER)
serial=$(openssl x509 -in "$out/new.pem" -noout -serial | cut -d= -f2)
fingerprint=$(openssl x509 -in "$out/new.pem" -noout -fingerprint -sha256 | cut -d= -f2)
register=$("$build/ra/keykiosk-ra" requests --config "$demo/bank/ra.conf" --status confirmed)
check "the bank's register lists serial $serial as confirmed" grep -qi "$serial" <<<"$register"
check "the new key is on the token, never extractable" \
  bash -c "pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --login --pin 123456 --list-objects --type privkey --id $new_id 2>/dev/null | grep -q 'never extractable'"
# The acceptance act of the new certificate: kept by the kiosk, and printed (cups-pdf).
saved=$({ ls "$demo"/acts/act-*.pdf 2>/dev/null || true; } | head -1)
check "the kiosk saved the act ($saved)" test -s "$saved"
if [[ -s $saved ]]; then
  check "the saved act names serial $serial" grep -q "$serial" <(pdftotext "$saved" -)
  check "the saved act names the bank from the kiosk's settings" grep -q "Банк: АО «Демо Банк»" <(pdftotext "$saved" -)
fi
printed=$({ ls "$demo"/cups/out/Act_*.pdf 2>/dev/null || true; } | head -1)
check "the printer produced the act ($printed)" test -s "$printed"
if [[ -s $printed ]]; then
  pdftoppm -r 150 -png -f 1 -l 1 "$printed" "$out/printed" 2>/dev/null
  check "the printed act's QR code holds the new certificate's fingerprint" \
    test "$(zbarimg -q --raw "$out"/printed-*.png 2>/dev/null)" = "$fingerprint"
fi
# The «принят банком» slip, printed while the bank decided.
check "the autopilot printed the slip" grep -q "autopilot: the slip is printed" "$demo/kiosk.out"
slip=$({ ls "$demo"/acts/slip-*.pdf 2>/dev/null || true; } | head -1)
check "the slip names the request number ($slip)" grep -q "Номер запроса: R-000001" <(pdftotext "$slip" - 2>/dev/null)
check "the printer produced the slip" compgen -G "$demo/cups/out/Slip_*.pdf"
echo "new certificate: serial $serial, $(openssl x509 -in "$out/new.pem" -noout -enddate)"
exit $fail
