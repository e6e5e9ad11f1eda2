#!/usr/bin/env bash
# The acceptance act, checked from the outside: a token is made (SoftHSM2, certificate from
# the test CA), `keykiosk-tool act` reads the certificate from the token and writes the PDF;
# pdftotext must find every field equal to what openssl reads from the same certificate, two
# copies on two pages; zbarimg must decode the QR code on each page to the SHA-256
# fingerprint openssl computes. The rendered first page is kept as a test artifact.
set -euo pipefail
build=$1 harness=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
artifacts=$build/test-artifacts
mkdir -p "$artifacts"
fail=0
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi; }

"$harness/make-token.sh" --dir "$out/token" --testpki "$build/tests/harness/kk-testpki" >/dev/null
# shellcheck disable=SC1091
source "$out/token/token.env"
tool=$build/kiosk/keykiosk-tool
"$tool" act --module /usr/lib/softhsm/libsofthsm2.so --out "$out/act.pdf" \
  --bank-name 'АО КБ «Космос»' --support-phone '+7 (4842) 57-10-56' \
  --support-email 'support@bank.example' --date 2026-11-23 2>/dev/null
cert=$out/token/client.cert.pem

pages=$(pdfinfo "$out/act.pdf" | awk '/^Pages:/ {print $2}')
check "two pages ($pages)" test "$pages" = 2
# Text with all runs of white space as one space, so that wrapped lines still match.
text() { pdftotext "$@" - | tr -s ' \n\t' '   '; }
all=$(text "$out/act.pdf")
page1=$(text -f 1 -l 1 "$out/act.pdf")
page2=$(text -f 2 -l 2 "$out/act.pdf")
has() { grep -qF -- "$2" <<<"$1"; }
count() { { grep -oF -- "$2" <<<"$1" || true; } | wc -l; }

check "title" has "$all" "АКТ признания открытого ключа (сертификата) для обмена сообщениями"
copies="$(count "$page1" "Экземпляр 1") $(count "$page1" "Экземпляр 2") $(count "$page2" "Экземпляр 2") $(count "$page2" "Экземпляр 1")"
check "copy 1 on page 1, copy 2 on page 2 ($copies)" test "$copies" = "1 0 1 0"
check "date and bank" has "$all" "Дата: 23.11.2026. Банк: АО КБ «Космос»"
# The subject, as openssl prints it (the test CA's names: CN, O, INN, OGRN, SNILS).
subject=$(openssl x509 -in "$cert" -noout -subject -nameopt sep_multiline,utf8,sname)
field() { sed -n "s/^ *$1=//p" <<<"$subject" | head -1; }
cn=$(field CN) org=$(field O) inn=$(field INN) ogrn=$(field OGRN) snils=$(field SNILS)
check "owner $cn" has "$page1" "Владелец ключа: $cn"
check "organization $org" has "$page1" "Организация: $org"
check "INN $inn" has "$page1" "ИНН: $inn"
check "OGRN $ogrn" has "$page1" "ОГРН: $ogrn"
check "SNILS $snils" has "$page1" "СНИЛС: $snils"
[[ -n $inn && -n $ogrn && -n $snils ]] || { echo "FAIL: openssl found no INN/OGRN/SNILS in the subject"; fail=1; }

# Algorithm and parameters: the OIDs in the act must name what openssl calls the key.
algorithm_oid=$(grep -oP 'Алгоритм: \S+ \(\K[0-9.]+' <<<"$page1")
parameters_oid=$(grep -oP 'Parameters OID: \K[0-9.]+' <<<"$page1")
oid_name() { openssl asn1parse -genstr "OID:$1" | sed -n 's/.*OBJECT *://p'; }
x509_text=$(openssl x509 -in "$cert" -noout -text)
check "algorithm $algorithm_oid = $(oid_name "$algorithm_oid")" \
  grep -q "Public Key Algorithm: $(oid_name "$algorithm_oid")" <<<"$x509_text"
check "parameters $parameters_oid = $(oid_name "$parameters_oid")" \
  grep -q "ASN1 OID: $(oid_name "$parameters_oid")" <<<"$x509_text"

# The public key text: hex groups between "Текст открытого ключа:" and "Сертификат".
key_hex=$(sed -n 's/.*Текст открытого ключа: \(.*\) Сертификат .*/\1/p' <<<"$page1" | tr -d ' ')
spki_hex=$(openssl x509 -in "$cert" -noout -pubkey | openssl pkey -pubin -outform DER | xxd -p | tr -d '\n')
key_matches() { [[ ${#key_hex} -ge 130 && ${spki_hex^^} == *"$key_hex" ]]; }
check "public key (${#key_hex} hex digits) ends the SubjectPublicKeyInfo" key_matches

serial=$(openssl x509 -in "$cert" -noout -serial | cut -d= -f2)
check "serial $serial" has "$page1" "Серийный номер: $serial"
from=$(date -u -d "$(openssl x509 -in "$cert" -noout -startdate | cut -d= -f2)" +%d.%m.%Y)
to=$(date -u -d "$(openssl x509 -in "$cert" -noout -enddate | cut -d= -f2)" +%d.%m.%Y)
check "validity $from - $to" has "$page1" "Срок действия: с $from по $to"
fingerprint=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | cut -d= -f2)
check "fingerprint in the text" has "$(tr -d ' ' <<<"$page1")" "$fingerprint"
has_all() { local text=$1; shift; for s in "$@"; do grep -qF -- "$s" <<<"$text" || return 1; done; }
check "signature blocks" has_all "$page1" "Владелец ключа" "Руководитель организации" "Представитель банка" "М.П."
check "support contacts" has "$page1" "Техническая поддержка Телефон: +7 (4842) 57-10-56 E-mail: support@bank.example"

# The QR code on each page decodes to the fingerprint.
pdftoppm -r 150 -png "$out/act.pdf" "$out/page"
for page in 1 2; do
  png=$(ls "$out"/page-*"$page".png)
  decoded=$(zbarimg -q --raw "$png" 2>/dev/null || true)
  check "QR on page $page decodes to the fingerprint" test "$decoded" = "$fingerprint"
done
cp "$(ls "$out"/page-*1.png)" "$artifacts/act-ru-page1.png"
echo "artifact: $artifacts/act-ru-page1.png"

# The same template in Kazakh and English.
for language in kk en; do
  "$tool" act --cert "$cert" --language "$language" --out "$out/act-$language.pdf" 2>/dev/null
  t=$(text "$out/act-$language.pdf")
  title=$([[ $language == kk ]] && echo "Хабар алмасуға арналған ашық кілтті (сертификатты) тану АКТІСІ" \
          || echo "ACT of acceptance of the public key (certificate) for message exchange")
  check "$language title" has "$t" "$title"
  check "$language serial and fingerprint" has_all "$t $(tr -d ' ' <<<"$t")" "$serial" "$fingerprint"
  pdftoppm -r 150 -png -f 1 -l 1 "$out/act-$language.pdf" "$out/$language"
  cp "$(ls "$out/$language"-*1.png)" "$artifacts/act-$language-page1.png"
done
exit $fail
