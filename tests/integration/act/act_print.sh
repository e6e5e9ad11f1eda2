#!/usr/bin/env bash
# Printing the act through a real CUPS: a private cupsd (tests/harness/private-cupsd.sh) with
# a cups-pdf queue as the default printer and a queue whose backend runs out of paper.
#   - the act printed on the default printer comes out of cups-pdf as a two-page PDF whose QR
#     codes hold the certificate's fingerprint;
#   - the out-of-paper printer gives KK-502, and the job is cancelled, not left queued;
#   - with no CUPS at all, KK-501 (no printer).
set -euo pipefail
build=$1 harness=$2
out=$(mktemp -d)
chmod 755 "$out"
queue=KKTest$$
cleanup() { "$harness/private-cupsd.sh" stop "$out/cups" "$queue"; rm -rf "$out"; }
trap cleanup EXIT
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi; }

"$build/tests/harness/kk-testpki" ca --dir "$out/ca" >/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$out/client.key" 2>/dev/null
openssl pkey -in "$out/client.key" -pubout -outform DER -out "$out/client.pub.der"
"$build/tests/harness/kk-testpki" issue --dir "$out/ca" --spki "$out/client.pub.der" \
  --out "$out/client.der" --cn "Петров Пётр" --o 'ООО «Василёк»' >/dev/null
fingerprint=$(openssl x509 -inform DER -in "$out/client.der" -noout -fingerprint -sha256 | cut -d= -f2)

eval "$("$harness/private-cupsd.sh" start "$out/cups" "$queue" 2>/dev/null)"
tool=$build/kiosk/keykiosk-tool
printed=$("$tool" act --cert "$out/client.der" --out "$out/act.pdf" --print 2>"$out/print.log") || true
check "printed on the default printer ($queue)" grep -q "printed on $queue" <<<"$printed"
for _ in $(seq 100); do compgen -G "$out/cups/out/*.pdf" >/dev/null && break; sleep 0.1; done
result=$(compgen -G "$out/cups/out/*.pdf" | head -1 || true)
check "cups-pdf wrote the printed act ($result)" test -s "$result"
if [[ -s $result ]]; then
  check "the printout has two pages" test "$(pdfinfo "$result" | awk '/^Pages:/ {print $2}')" = 2
  # cups-pdf goes through PostScript and Ghostscript, which drops the fonts' text mapping,
  # so the printout is checked by its QR codes: the act's fingerprint on both pages.
  pdftoppm -r 150 -png "$result" "$out/printed" 2>/dev/null
  decoded=$(zbarimg -q --raw "$out"/printed-*.png 2>/dev/null | sort -u | tr '\n' ' ')
  check "the printout's QR codes decode to the fingerprint ($decoded)" test "$decoded" = "$fingerprint "
fi

set +e
"$tool" act --cert "$out/client.der" --out "$out/act2.pdf" --print --printer "$queue-nopaper" \
  >/dev/null 2>"$out/nopaper.log"
rc=$?
set -e
check "out of paper: exit 5 and KK-502 (rc $rc)" bash -c "[[ $rc == 5 ]] && grep -q 'KK-502 PrinterOutOfPaper' '$out/nopaper.log'"
check "the stuck job was cancelled" test -z "$(lpstat -o "$queue-nopaper" 2>/dev/null)"

"$harness/private-cupsd.sh" stop "$out/cups" "$queue"
set +e
"$tool" act --cert "$out/client.der" --out "$out/act3.pdf" --print >/dev/null 2>"$out/none.log"
rc=$?
set -e
check "no CUPS: exit 5 and KK-501 (rc $rc)" bash -c "[[ $rc == 5 ]] && grep -q 'KK-501 PrinterMissing' '$out/none.log'"

# A scheduler that accepts and never answers: the kiosk gives up (bounded waits) instead of
# freezing, and says there is no printer. Without the bounds this would hang until ctest's timeout.
python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); time.sleep(120)' \
  "$out/silent.sock" &
silent=$!
for _ in $(seq 50); do [[ -S $out/silent.sock ]] && break; sleep 0.1; done
set +e
CUPS_SERVER=$out/silent.sock "$tool" act --cert "$out/client.der" --out "$out/act4.pdf" --print \
  >/dev/null 2>"$out/silent.log"
rc=$?
set -e
kill "$silent" 2>/dev/null || true
check "a silent CUPS: exit 5 and KK-501 (rc $rc)" bash -c "[[ $rc == 5 ]] && grep -q 'KK-501 PrinterMissing' '$out/silent.log'"
exit $fail
