#!/usr/bin/env bash
# KeyKiosk demo: the whole stack on real parts, with no hardware.
#   - a demo bank: keykiosk-ra on a loopback port, auto-approving after 6 s (init-demo), so
#     that «принят банком» stays on screen long enough to print the slip
#   - a demo SoftHSM2 token holding a client certificate from the demo bank CA, expiring in 20 days
#   - a private pcscd with a virtual reader (vpcd), reachable only from this machine
#   - a private CUPS with a PDF printer (cups-pdf) as the kiosk's printer: the acceptance act
#     comes out as a PDF in the demo folder
#   - the kiosk itself (keykiosk), with the token "inserted" and "removed" on request
# With a display it runs interactively: press i to insert the token, r to remove it, q to quit;
# you renew the keys yourself (the PIN is 123456).
# Without one it runs under Xvfb with --autopilot: a simulated client renews the keys through
# the real UI by touches; the script inserts and removes the token, saves a screenshot of
# every screen and prints the command that shows the new certificate on the token.
#
# KK_DEMO_SCENARIO=staff-recovery runs the staff journey instead: a staff token (Петрова Анна
# Сергеевна, PIN 135790) in the first reader and a client token whose certificate expired
# three days ago in the second; the autopilot logs the staff member in, chooses "recover the
# expired key", fills the checklist, and the client enters their PIN (123456) and draws.
# KK_DEMO_SCENARIO=sitting runs a signers' sitting: three tokens of one organization (ООО
# «Ромашка») take turns in the reader - the director, the chief accountant and a signer whose
# certificate has expired (shown as needing staff); the autopilot starts the sitting, each
# signer renews and prints their act, and the summary is printed at the end. PIN 123456.
#
# Environment: KK_BUILD_DIR (default ./build), KK_DEMO_DIR (default ./demo-out),
#              KK_DEMO_SCENARIO (renewal, the default, staff-recovery or sitting),
#              KK_DEMO_LANGUAGE (ru, kk or en; default ru),
#              KK_DEMO_PIN (the renewal token's PIN, default 123456),
#              KK_DEMO_APPROVAL_DELAY (seconds the demo bank takes to approve, default 6),
#              KK_DEMO_TOKEN_ARGS (more tests/harness/make-token.sh options, e.g. "--days-left -3"
#              for an expired certificate or "--no-cert" for a token that needs initial generation).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${KK_BUILD_DIR:-$root/build}
demo=${KK_DEMO_DIR:-$root/demo-out}
language=${KK_DEMO_LANGUAGE:-ru}
scenario=${KK_DEMO_SCENARIO:-renewal}
pin=${KK_DEMO_PIN:-123456} # the client's PIN (the renewal scenario's token; the tests choose one)
unset KK_DEMO_PIN           # and not in the kiosk's environment
case $scenario in
  renewal|staff-recovery|sitting) ;;
  *) echo "KK_DEMO_SCENARIO: renewal, staff-recovery or sitting, not '$scenario'" >&2; exit 2 ;;
esac

if [[ -z ${KK_DEMO_SKIP_BUILD:-} ]]; then # the e2e test runs the demo on its own build
  "$root/packaging/deps.sh"
  echo "== building"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j2 --target keykiosk keykiosk-ra kk-testpki kk-pcscd-launch kk-loopback-bind kk-vcard kk-pinshim >/dev/null
fi
harness=$build/tests/harness

pids=()
stop_cups() { :; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  stop_cups
  wait 2>/dev/null || true
}
trap cleanup EXIT

rm -rf "$demo"
mkdir -p "$demo/screens" "$demo/pcscd-conf" /run/pcscd

free_port() { # the first free TCP port from $1 on
  local p=$1
  while ss -ltn | grep -qE ":$p "; do p=$((p + 1)); done
  echo "$p"
}

echo "== demo bank: keykiosk-ra (auto approval after 6 s)"
ra_port=$(free_port 18480)
ra_tls_port=$(free_port $((ra_port + 1)))
"$build/ra/keykiosk-ra" init-demo "$demo/bank" --port "$ra_port" >/dev/null
sed -i "s/^auto_delay_seconds=.*/auto_delay_seconds=${KK_DEMO_APPROVAL_DELAY:-6}/" "$demo/bank/ra.conf"
# The kiosk speaks HTTPS to the bank: the RA's TLS certificate (from the demo bank CA, for
# 127.0.0.1) is checked against the bank CA and the address.
sed -i "s/^https_port=0/https_port=$ra_tls_port/" "$demo/bank/ra.conf"
# The CA key lives in the signer, a process of its own; the RA asks it to sign.
"$build/ra/keykiosk-ra" signer --config "$demo/bank/ra.conf" >"$demo/signer.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -S "$demo/bank/signer.sock" ]] && break; sleep 0.05; done
QT_LOGGING_RULES="kk.*.info=true" "$build/ra/keykiosk-ra" serve --config "$demo/bank/ra.conf" \
  >"$demo/ra.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do ss -ltn | grep -q "127.0.0.1:$ra_tls_port " && break; sleep 0.05; done

echo "== kiosk printer: a private CUPS with a PDF printer"
printer_queue=KeyKioskDemo$$
if cups_env=$("$root/tests/harness/private-cupsd.sh" start "$demo/cups" "$printer_queue" 2>"$demo/cups-start.log"); then
  eval "$cups_env"
  stop_cups() { "$root/tests/harness/private-cupsd.sh" stop "$demo/cups" "$printer_queue"; }
else
  echo "   (no CUPS here: the kiosk will say it has no printer)"
  stop_cups() { :; }
fi

module=/usr/lib/softhsm/libsofthsm2.so
if [[ $scenario == staff-recovery ]]; then
  echo "== demo tokens: a client's certificate that expired 3 days ago, and a staff token"
  "$root/tests/harness/make-token.sh" --dir "$demo/token" --label "Demo Token" --pin 123456 \
    --days-left -3 --ca-dir "$demo/bank" --testpki "$harness/kk-testpki" \
    --register "$build/ra/keykiosk-ra" --uid DEMO-EXPIRED-1 >/dev/null
  "$root/tests/harness/make-token.sh" --dir "$demo/token" --label "Staff Token" --pin 135790 \
    --role staff --cn "Петрова Анна Сергеевна" --title "Операционист" --snils 12345678964 \
    --id 5a --ca-dir "$demo/bank" --testpki "$harness/kk-testpki" \
    --register "$build/ra/keykiosk-ra" >/dev/null
  # SoftHSM2 holds both tokens at once; the shim names each slot after the reader its card is
  # in, as OpenSC does for real tokens: the staff token in the first place, the client's in
  # the second.
  module=$harness/libkk-pinshim.so
  export KK_SHIM_TARGET=/usr/lib/softhsm/libsofthsm2.so
  export KK_SHIM_SLOT_READERS="Staff Token=Virtual PCD 00 00;Demo Token=Virtual PCD 00 01"
  export KK_AUTOPILOT_STAFF_PIN=135790
elif [[ $scenario == sitting ]]; then
  echo "== demo tokens: three signers of ООО «Ромашка»"
  signer() { # label, name, title, days left
    "$root/tests/harness/make-token.sh" --dir "$demo/token" --label "$1" --pin 123456 \
      --cn "$2" --title "$3" --days-left "$4" --uid "ROM-$RANDOM$RANDOM" \
      --ca-dir "$demo/bank" --testpki "$harness/kk-testpki" \
      --register "$build/ra/keykiosk-ra" >/dev/null
  }
  signer "Director" "Директоров Дмитрий Петрович" "Генеральный директор" 20
  signer "Accountant" "Бухгалтерова Анна Ивановна" "Главный бухгалтер" 25
  signer "Deputy" "Просроченко Олег Викторович" "Заместитель директора" -3
  # One reader, three tokens in turn: the shim names the slot of whichever token the script
  # has just inserted after the reader (SoftHSM2 holds all three at once).
  module=$harness/libkk-pinshim.so
  export KK_SHIM_TARGET=/usr/lib/softhsm/libsofthsm2.so
  export KK_SHIM_SLOT_READERS_FILE=$demo/reader-holds
  : > "$KK_SHIM_SLOT_READERS_FILE"
  export KK_AUTOPILOT_SITTING=3
else
  echo "== demo token: certificate from the demo bank CA, expiring in 20 days"
  "$root/tests/harness/make-token.sh" --dir "$demo/token" --label "Demo Token" --pin "$pin" \
    --days-left 20 --ca-dir "$demo/bank" --testpki "$harness/kk-testpki" \
    --register "$build/ra/keykiosk-ra" \
    ${KK_DEMO_TOKEN_ARGS:-} >/dev/null # word-split on purpose
fi
# shellcheck disable=SC1091
source "$demo/token/token.env"
unset KK_TOKEN_PIN # the kiosk's environment never carries a PIN
export SOFTHSM2_CONF=$demo/token/softhsm2.conf

echo "== private pcscd with a virtual reader"
port=35963
while ss -ltn | grep -qE ":($port|$((port + 1))) "; do port=$((port + 2)); done
cat > "$demo/pcscd-conf/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME /dev/null:$port
LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID $port
CONF
export PCSCLITE_CSOCK_NAME=$demo/pcscd.comm
LD_PRELOAD=$harness/libkk-loopback-bind.so "$harness/kk-pcscd-launch" "$PCSCLITE_CSOCK_NAME" \
  pcscd -f -i -c "$demo/pcscd-conf" >"$demo/pcscd.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do ss -ltn | grep -q "127.0.0.1:$port " && break; sleep 0.05; done

cat > "$demo/keykiosk.conf" <<CONF
[token]
# The default is p11-kit's proxy (every registered module); the demo names SoftHSM2.
module=$module
[kiosk]
language=$language
fullscreen=true
[status]
renewalWindowDays=30
[bank]
url=https://127.0.0.1:$ra_tls_port/.well-known/cmp
raCert=bank/ra.cert.pem
caCert=bank/ca.cert.pem
[journal]
path=journal.db
[act]
bankName=АО «Демо Банк»
supportPhone=+7 (800) 000-00-00
supportEmail=support@demo-bank.example
directory=acts
CONF

headless=0
if [[ -z ${DISPLAY:-} ]] || [[ ! -t 0 ]]; then
  headless=1
  if [[ -z ${DISPLAY:-} ]]; then
    display=:$((90 + RANDOM % 100))
    Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$demo/xvfb.log" 2>&1 &
    pids+=($!)
    export DISPLAY=$display
    for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.05; done 2>/dev/null || sleep 1
  fi
fi

echo "== starting the kiosk"
autopilot=()
((headless)) && autopilot=(--autopilot)
KK_AUTOPILOT_PIN=$pin QT_LOGGING_RULES="kk.*.info=true" "$build/kiosk/keykiosk" \
  --config "$demo/keykiosk.conf" --screenshot-dir "$demo/screens" "${autopilot[@]}" \
  >"$demo/kiosk.out" 2>"$demo/kiosk.log" &
kiosk=$!
pids+=($kiosk)
echo "$kiosk" >"$demo/kiosk.pid"

card= second=
insert() { # the first token place (reader "Virtual PCD 00 00")
  [[ -n $card ]] && return
  "$harness/kk-vcard" "$port" >/dev/null &
  card=$!
  pids+=($card)
  echo "   token inserted"
}
remove() {
  [[ -z $card ]] && return
  kill "$card" 2>/dev/null || true
  wait "$card" 2>/dev/null || true
  card=
  echo "   token removed"
}
insert_second() { # the second token place (reader "Virtual PCD 00 01")
  [[ -n $second ]] && return
  "$harness/kk-vcard" "$((port + 1))" >/dev/null &
  second=$!
  pids+=($second)
  echo "   client's token inserted in the second place"
}
remove_second() {
  [[ -z $second ]] && return
  kill "$second" 2>/dev/null || true
  wait "$second" 2>/dev/null || true
  second=
  echo "   client's token removed"
}
screens_matching() { ls "$demo/screens" | grep -c -- "$1" || true; }
wait_for_count() { # pattern, count, seconds
  for _ in $(seq $(($3 * 10))); do
    (($(screens_matching "$1") >= $2)) && return 0
    kill -0 "$kiosk" 2>/dev/null || { echo "the kiosk exited; see $demo/kiosk.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "timed out waiting for the $1 screen; see $demo/kiosk.log" >&2
  exit 1
}
wait_for_screen() { # pattern, seconds
  for _ in $(seq $(($2 * 10))); do
    ls "$demo/screens" | grep -q -- "$1" && return 0
    kill -0 "$kiosk" 2>/dev/null || { echo "the kiosk exited; see $demo/kiosk.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "timed out waiting for the $1 screen; see $demo/kiosk.log" >&2
  exit 1
}

autopilot_said() { grep -c -- "autopilot: $1" "$demo/kiosk.out" || true; }
wait_for_autopilot() { # text, count, seconds
  for _ in $(seq $(($3 * 10))); do
    (($(autopilot_said "$1") >= $2)) && return 0
    kill -0 "$kiosk" 2>/dev/null || { echo "the kiosk exited; see $demo/kiosk.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "timed out waiting for the autopilot to say '$1'; see $demo/kiosk.out" >&2
  exit 1
}
if ((headless)) && [[ $scenario == sitting ]]; then
  wait_for_screen InsertToken 20
  n=0
  for label in Director Accountant Deputy; do
    n=$((n + 1))
    echo "$label=Virtual PCD 00 00" > "$KK_SHIM_SLOT_READERS_FILE"
    echo "   signer $n ($label) inserts their token"
    insert
    wait_for_autopilot "signer finished" "$n" 150
    remove
    sleep 1
  done
  wait_for_autopilot "sitting finished" 1 60
elif ((headless)) && [[ $scenario == staff-recovery ]]; then
  wait_for_screen InsertToken 20
  echo "   the staff member inserts their staff token"
  insert
  wait_for_screen -Renewal-StaffLogin-EnteringPin 20
  wait_for_screen StaffHome 30
  echo "   staff mode is on; the client inserts their token next to the staff token"
  insert_second
  wait_for_screen TokenProfiles 20
  echo "   the autopilot recovers the expired key: staff choose the case and fill the checklist, the client types their PIN and draws"
  wait_for_screen -Renewal-StaffRecovery-Finished 120
  for _ in $(seq 300); do grep -q "autopilot: journey finished" "$demo/kiosk.out" && break; sleep 0.1; done
  remove_second
  wait_for_count StaffHome 2 20
  remove
  wait_for_screen after-removal 20
elif ((headless)); then
  wait_for_screen InsertToken 20
  insert
  wait_for_screen TokenProfiles 20
  echo "   the autopilot renews the keys through the UI"
  wait_for_screen -Renewal-Finished 120
  for _ in $(seq 300); do grep -q "autopilot: journey finished" "$demo/kiosk.out" && break; sleep 0.1; done
  remove
  wait_for_screen after-removal 20
fi
if ((headless)); then
  kill -TERM "$kiosk"
  wait "$kiosk" 2>/dev/null || true
  echo
  echo "Screenshots of every screen, in order:"
  ls -1 "$demo/screens" | sed "s|^|  $demo/screens/|"
  echo "Kiosk log: $demo/kiosk.log   bank log: $demo/ra.log"
  echo "The acceptance act, as saved by the kiosk: $(ls "$demo"/acts/act-*.pdf 2>/dev/null | head -1)"
  echo "   and as the printer printed it: $(ls "$demo"/cups/out/*.pdf 2>/dev/null | head -1)"
  echo
  echo "The bank's register:"
  "$build/ra/keykiosk-ra" requests --config "$demo/bank/ra.conf" | sed 's/^/  /'
  if [[ $scenario == sitting ]]; then
    sitting_id=$(grep -o 'sitting "S-[0-9A-F-]*" started' "$demo/kiosk.log" | head -1 | cut -d'"' -f2)
    echo
    echo "The sitting at the bank ($sitting_id):"
    "$build/ra/keykiosk-ra" requests --sitting "$sitting_id" --config "$demo/bank/ra.conf" | sed 's/^/  /'
    echo "The sitting's summary, as saved by the kiosk: $(ls "$demo"/acts/sitting-*.pdf 2>/dev/null | head -1)"
    echo "   and as the printer printed it: $(ls "$demo"/cups/out/Sitting_*.pdf 2>/dev/null | head -1)"
    exit 0
  fi
  show="SOFTHSM2_CONF=$SOFTHSM2_CONF pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label \"Demo Token\" --list-objects --type cert"
  echo
  echo "The certificates on the demo token (the new one, and the old one archived):"
  echo "  $show"
  eval "$show" 2>/dev/null | sed 's/^/    /' 
else
  if [[ $scenario == staff-recovery ]]; then
    echo "Press s to insert the staff token (PIN 135790), c for the client's token (PIN 123456),"
    echo "S and C to remove them, q to quit."
  else
    echo "Press i to insert the token, r to remove it, q to quit. The token's PIN is 123456."
  fi
  while read -rsn1 key; do
    case $key in
      i|s) insert ;;
      r|S) remove ;;
      c) insert_second ;;
      C) remove_second ;;
      q) break ;;
    esac
  done
fi
