#!/usr/bin/env bash
# Interop: OpenSSL's own CMP client (key files) performs a kur against keykiosk-ra, with
# polling (auto approval after a delay), over HTTP and over HTTPS; then, as a staff member
# (init-demo's staff key file), a first key for a registered client with `-cmd ir`.
set -euo pipefail
build=$1 harness=$2
ra=$build/ra/keykiosk-ra
work=$(mktemp -d)
trap 'kill $server $signer 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$ra" init-demo "$work" --port 0 >/dev/null
sed -i 's/auto_delay_seconds=3/auto_delay_seconds=1/; s/https_port=0/https_port=-1/' ra.conf
"$ra" signer --config ra.conf >signer.log 2>&1 & # the CA key's process
signer=$!
for _ in $(seq 100); do [[ -S signer.sock ]] && break; sleep 0.05; done
"$ra" serve --config ra.conf >serve.log 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "http://" serve.log && grep -q "https://" serve.log && break; sleep 0.05; done
port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.log)
tls_port=$(sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.log)

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out old.key 2>/dev/null
openssl pkey -in old.key -pubout -outform DER -out old.pub.der
"$build/tests/harness/kk-testpki" issue --dir "$work" --spki old.pub.der --pem-out old.pem \
  --cn "Interop Client" --o "OpenSSL" --uid INTEROP-1 --not-after-days 20
"$ra" certificates import old.pem --config ra.conf >/dev/null

fail=0
cert=old.pem key=old.key # the key in operation; each renewal replaces it (the old one is superseded)
for transport in http https; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "new-$transport.key" 2>/dev/null
  args=(-cmd kur -path .well-known/cmp -srvcert ra.cert.pem -cert "$cert" -key "$key"
        -newkey "new-$transport.key" -certout "new-$transport.pem" -trusted ca.cert.pem)
  if [[ $transport == https ]]; then
    args+=(-server "127.0.0.1:$tls_port" -tls_used -tls_trusted ca.cert.pem)
  else
    args+=(-server "127.0.0.1:$port")
  fi
  if ! openssl cmp "${args[@]}" >"cmp-$transport.log" 2>&1; then
    echo "FAIL: openssl cmp over $transport"; cat "cmp-$transport.log"; fail=1; continue
  fi
  grep -q "received ip/cp/kup after polling" "cmp-$transport.log" || { echo "FAIL: no polling over $transport"; fail=1; }
  # The enrolled certificate carries the new key and chains to the bank CA.
  if [[ $(openssl x509 -in "new-$transport.pem" -pubkey -noout) != $(openssl pkey -in "new-$transport.key" -pubout) ]]; then
    echo "FAIL: $transport certificate does not carry the new key"; fail=1
  fi
  openssl verify -CAfile ca.cert.pem "new-$transport.pem" >/dev/null || { echo "FAIL: $transport certificate does not chain"; fail=1; }
  echo "ok: openssl cmp kur over $transport"
  cert=new-$transport.pem key=new-$transport.key
done
# TLS: at least 1.2, and for 1.2 only AEAD suites with forward secrecy (no CBC, no SHA-1 MACs).
tls() { openssl s_client -connect "127.0.0.1:$tls_port" -CAfile ca.cert.pem "$@" </dev/null >/dev/null 2>&1; }
if tls -tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256; then echo "ok: TLS 1.2 with ECDHE-ECDSA-AES128-GCM-SHA256"
else echo "FAIL: TLS 1.2 with an AEAD suite refused"; fail=1; fi
for weak in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA384; do
  if tls -tls1_2 -cipher "$weak"; then echo "FAIL: TLS 1.2 accepted $weak"; fail=1
  else echo "ok: TLS 1.2 refuses $weak"; fi
done
if tls -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'; then echo "FAIL: TLS 1.1 accepted"; fail=1
else echo "ok: TLS 1.1 refused"; fi
# One live renewal per certificate: the first one, now superseded, renews no more.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out again.key 2>/dev/null
if openssl cmp -cmd kur -server "127.0.0.1:$port" -path .well-known/cmp -srvcert ra.cert.pem \
    -cert old.pem -key old.key -newkey again.key -certout again.pem -trusted ca.cert.pem >again.log 2>&1; then
  echo "FAIL: a superseded certificate renewed again"; fail=1
elif grep -q "superseded" again.log; then
  echo "ok: a kur from the superseded certificate is refused: $(grep -o 'Этот сертификат[^"]*superseded)' again.log | head -1)"
else
  echo "FAIL: unexpected refusal"; cat again.log; fail=1
fi
confirmed=$("$ra" requests --config ra.conf --status confirmed | grep -c "R-0" || true)
[[ $confirmed == 2 ]] || { echo "FAIL: expected 2 confirmed requests, got $confirmed"; "$ra" requests --config ra.conf; fail=1; }

# A staff-authorized initial request: protected by the staff key, what staff checked as
# request attributes (an OpenSSL config section), the client named by UID.
"$ra" abonents add --uid INTEROP-2 --name "Первый Ключ" --org "OpenSSL" --inn 7707083893 \
  --snils 11223344595 --config ra.conf >/dev/null
arc=2.25.115696035786316451948890919547718562684
cat > attributes.cnf <<CNF
[kk_attributes]
$arc.1 = ASN1:UTF8String:first-key
$arc.2 = ASN1:UTF8String:2026-117
$arc.3 = ASN1:UTF8String:$(date +%F)
$arc.4 = ASN1:UTF8String:identity-document,signed-application
CNF
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out first.key 2>/dev/null
if openssl cmp -cmd ir -server "127.0.0.1:$port" -path .well-known/cmp -srvcert ra.cert.pem \
    -cert staff.cert.pem -key staff.key.pem -newkey first.key -subject "/UID=INTEROP-2" \
    -config attributes.cnf -reqexts kk_attributes -certout first.pem -trusted ca.cert.pem >ir.log 2>&1; then
  subject=$(openssl x509 -in first.pem -noout -subject -nameopt utf8,sep_comma_plus)
  [[ $subject == *"CN=Первый Ключ"* && $subject == *"UID=INTEROP-2"* ]] ||
    { echo "FAIL: the ir certificate's subject is not the register's: $subject"; fail=1; }
  "$ra" requests --config ra.conf | grep "staff: Петрова Анна Сергеевна (" | grep -q "application 2026-117 от" ||
    { echo "FAIL: the request does not record the staff member and the application"; fail=1; }
  echo "ok: openssl cmp ir as staff: $subject"
else
  echo "FAIL: openssl cmp ir"; cat ir.log; fail=1
fi
exit $fail
