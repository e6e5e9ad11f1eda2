#!/usr/bin/env bash
# Interop: KeyKiosk's CMP client (keykiosk-tool renew, keys on a SoftHSM2 token) performs a
# kur against OpenSSL's built-in mock CMP server, with two pollReq rounds. The mock server
# listens on all interfaces, so this runs in a private network namespace (unshare -n); it
# serves only the path "pkix/", and only plain HTTP (hence --allow-plain-http).
set -euo pipefail
build=$1 harness=$2
if [[ ${KK_IN_NETNS:-} != 1 ]]; then
  exec unshare -n env KK_IN_NETNS=1 "$0" "$@"
fi
ip link set lo up
work=$(mktemp -d)
trap 'kill $mock 2>/dev/null || true; rm -rf "$work"' EXIT
module=/usr/lib/softhsm/libsofthsm2.so
"$build/ra/keykiosk-ra" init-demo "$work/bank" --port 0 >/dev/null
"$harness/make-token.sh" --dir "$work/token" --ca-dir "$work/bank" --testpki "$build/tests/harness/kk-testpki" \
  --days-left 20 --uid KK-MOCK-1 >/dev/null
source "$work/token/token.env"
echo 123456 >"$work/pin"

# The mock server only answers a kur for its own -rsp_cert, so the new key is made first (as a
# pending key the client resumes) and the response certificate is issued for it in advance,
# with the old certificate's serial, which the mock matches against oldCertID.
pkcs11-tool --module "$module" --login --pin 123456 --keypairgen --key-type EC:prime256v1 \
  --id 02 --label "kk-pending 01" >/dev/null 2>&1
pkcs11-tool --module "$module" --read-object --type pubkey --id 02 --output-file "$work/new.pub.der" >/dev/null 2>&1
# pkcs11-tool gave the key id 02; the kiosk repairs that to its own convention, the SHA-1 of
# the public key (the EC point, the last 65 bytes of a P-256 SubjectPublicKeyInfo).
new_id=$(tail -c 65 "$work/new.pub.der" | sha1sum | cut -d' ' -f1)
old_serial=$(openssl x509 -in "$work/token/client.cert.pem" -noout -serial | cut -d= -f2)
issue() { # out-stem, CN: a certificate for the new key, as make-token.sh names the holder
  "$build/tests/harness/kk-testpki" issue --dir "$work/bank" --spki "$work/new.pub.der" --pem-out "$work/$1.pem" \
    --out "$work/$1.der" --cn "$2" --o "ООО «Ромашка»" --uid KK-MOCK-1 --inn 7707083893 \
    --ogrn 1027700000000 --snils 11223344595 --serial $((16#$old_serial)) >/dev/null
}
issue rsp "Иванов Иван Иванович"
issue other "Петров Пётр Петрович"

port=18080
mock() { # the certificate the mock answers with
  openssl cmp -port $port -max_msgs 10 -srv_cert "$work/bank/ra.cert.pem" -srv_key "$work/bank/ra.key.pem" \
    -srv_trusted "$work/bank/ca.cert.pem" -rsp_cert "$1" -poll_count 2 -check_after 1 >"$work/mock.log" 2>&1 &
  mock=$!
  for _ in $(seq 100); do ss -ltn | grep -q ":$port " && break; sleep 0.05; done
}

# A bank that answers with a certificate for another holder (same key, same CA, same policy):
# the kiosk refuses it in the certConf, and it never reaches the token.
mock "$work/other.pem"
if "$build/kiosk/keykiosk-tool" renew --module "$module" --pin-file "$work/pin" \
     --bank "http://127.0.0.1:$port/pkix/" --allow-plain-http --ra-cert "$work/bank/ra.cert.pem" \
     --bank-ca "$work/bank/ca.cert.pem" --wait 20 >"$work/other.log" 2>&1; then
  echo "FAIL: a certificate for another subject was accepted"; cat "$work/other.log"; exit 1
fi
grep -q "names another subject" "$work/other.log" || { echo "FAIL: not refused for its subject"; cat "$work/other.log"; exit 1; }
if pkcs11-tool --module "$module" --list-objects --type cert 2>/dev/null | grep -q "ID:.*$new_id"; then
  echo "FAIL: the refused certificate is on the token"; exit 1
fi
echo "ok: a certificate naming another subject is refused and never written to the token"
kill $mock 2>/dev/null; wait $mock 2>/dev/null || true

mock "$work/rsp.pem"
if ! "$build/kiosk/keykiosk-tool" renew --module "$module" --pin-file "$work/pin" \
     --bank "http://127.0.0.1:$port/pkix/" --allow-plain-http --ra-cert "$work/bank/ra.cert.pem" \
     --bank-ca "$work/bank/ca.cert.pem" --wait 20 >"$work/client.log" 2>&1; then
  echo "FAIL: keykiosk-tool renew against openssl cmp mock server"; cat "$work/client.log" "$work/mock.log"; exit 1
fi
grep -q "resuming with pending key $new_id" "$work/client.log" || { echo "FAIL: did not resume the pending key"; cat "$work/client.log"; exit 1; }
grep -q "repair: .* id 02 -> $new_id" "$work/other.log" || { echo "FAIL: the provisional id 02 was not repaired"; cat "$work/other.log"; exit 1; }
grep -q "waiting:" "$work/client.log" || { echo "FAIL: no polling round"; cat "$work/client.log"; exit 1; }
pkcs11-tool --module "$module" --read-object --type cert --id "$new_id" --output-file "$work/stored.der" >/dev/null 2>&1
cmp -s "$work/stored.der" "$work/rsp.der" || { echo "FAIL: the token does not hold the mock's certificate"; exit 1; }
"$build/kiosk/keykiosk-tool" status --module "$module" 2>/dev/null | grep -q "InOperation" || { echo "FAIL: status"; exit 1; }
echo "ok: KeyKiosk client kur against openssl cmp mock server, certificate on the token"
