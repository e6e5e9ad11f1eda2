#!/usr/bin/env bash
# Creates a private SoftHSM2 token holding a client key pair (generated on the token by
# pkcs11-tool, an independent tool) and a certificate for it from the test bank CA.
#
#   make-token.sh --dir DIR [--label L] [--pin P] [--so-pin S] [--days-left N]
#                 [--algo ec|rsa] [--no-cert] [--blank] [--policy OID] [--cn NAME] [--org ORG]
#                 [--ca-dir DIR] [--testpki PATH] [--id HEX] [--role client|staff]
#                 [--title TITLE] [--uid UID] [--snils N] [--inn N] [--register KEYKIOSK_RA]
#
# Writes DIR/softhsm2.conf and DIR/token.env (source it: SOFTHSM2_CONF, KK_TOKEN_*).
# With --register, and a CA directory holding a keykiosk-ra configuration (ra.conf), the
# certificate is entered into that RA's register: the bank knows the certificates it issued.
# With --dir pointing at an existing SoftHSM2 store (its softhsm2.conf), the token is added
# to it: one store, two slots (a staff token next to a client's).
set -euo pipefail

dir= label="KeyKiosk Test" pin=123456 so_pin=87654321 days_left=200 algo=ec cert=1 policy=
cn="Иванов Иван Иванович" org='ООО «Ромашка»' ca_dir= testpki= id=01 role=client title= register= blank=0
uid="KK-$RANDOM$RANDOM" snils=11223344595 inn=7707083893
while (($#)); do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --pin) pin=$2; shift 2 ;;
    --so-pin) so_pin=$2; shift 2 ;;
    --days-left) days_left=$2; shift 2 ;;
    --algo) algo=$2; shift 2 ;;
    --no-cert) cert=0; shift ;;
    --blank) cert=0 blank=1; shift ;; # a new token as the bank hands it out: a PIN, no keys
    --policy) policy=$2; shift 2 ;;
    --cn) cn=$2; shift 2 ;;
    --org) org=$2; shift 2 ;;
    --ca-dir) ca_dir=$2; shift 2 ;;
    --testpki) testpki=$2; shift 2 ;;
    --id) id=$2; shift 2 ;;
    --role) role=$2; shift 2 ;;
    --title) title=$2; shift 2 ;;
    --uid) uid=$2; shift 2 ;;
    --snils) snils=$2; shift 2 ;;
    --inn) inn=$2; shift 2 ;;
    --register) register=$2; shift 2 ;;
    *) echo "make-token.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $dir ]] || { echo "make-token.sh: --dir is required" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
testpki=${testpki:-${KK_TESTPKI:-kk-testpki}}
ca_dir=${ca_dir:-$dir/ca}
module=${KK_SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

mkdir -p "$dir/tokens"
dir=$(cd "$dir" && pwd)
[[ -f $dir/softhsm2.conf ]] || cat > "$dir/softhsm2.conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF=$dir/softhsm2.conf

softhsm2-util --init-token --free --label "$label" --pin "$pin" --so-pin "$so_pin" >/dev/null
p11() { pkcs11-tool --module "$module" --token-label "$label" "$@" >/dev/null 2>&1; }

if [[ $algo == rsa ]]; then keytype=rsa:2048; else keytype=EC:prime256v1; fi
# The bank's key as made at the office: generated on the token, as a real token would.
if ((!blank)); then
  p11 --login --pin "$pin" --keypairgen --key-type "$keytype" --id "$id" --label "$cn"
  pkcs11-tool --module "$module" --token-label "$label" --read-object --type pubkey --id "$id" \
    --output-file "$dir/client.pub.der" >/dev/null 2>&1
fi

if ((cert)); then
  args=(issue --dir "$ca_dir" --spki "$dir/client.pub.der" --out "$dir/client.cert.der"
        --pem-out "$dir/client.cert.pem" --cn "$cn" --o "$org" --uid "$uid"
        --inn "$inn" --ogrn 1027700000000 --snils "$snils" --role "$role"
        --not-before-days $((days_left - 365)) --not-after-days "$days_left")
  [[ -n $policy ]] && args+=(--policy "$policy")
  [[ -n $title ]] && args+=(--title "$title")
  "$testpki" "${args[@]}"
  p11 --login --pin "$pin" --write-object "$dir/client.cert.der" --type cert --id "$id" --label "$cn"
  if [[ -n $register && -f $ca_dir/ra.conf ]]; then
    "$register" certificates import "$dir/client.cert.pem" --role "$role" --config "$ca_dir/ra.conf" >/dev/null
  fi
fi

serial=$(pkcs11-tool --module "$module" --list-token-slots 2>/dev/null |
  awk -v want="$label" -F': *' '/token label/ {label=$2} /serial num/ && label == want {print $2; exit}')
cat > "$dir/token.env" <<ENV
export SOFTHSM2_CONF='$dir/softhsm2.conf'
export KK_TOKEN_LABEL='$label'
export KK_TOKEN_SERIAL='$serial'
export KK_TOKEN_PIN='$pin'
export KK_TOKEN_CA='$ca_dir/ca.cert.pem'
ENV
echo "$dir"
