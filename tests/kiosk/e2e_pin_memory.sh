#!/usr/bin/env bash
# While the bank holds the request, the kiosk's memory holds no PIN: the demo runs with a PIN
# of its own and a bank that takes 25 s to decide; when the kiosk shows "with the bank", its
# whole address space is read through /proc/PID/mem (as root) and searched for the PIN, as
# text and as UTF-16. libp11 kept a copy of the PIN for as long as it held the token's slot.
set -euo pipefail
root=$1 build=$2
out=$(mktemp -d)
chmod 755 "$out"
trap 'kill $(cat "$out/demo/kiosk.pid" 2>/dev/null) 2>/dev/null || true; wait; rm -rf "$out"' EXIT
pin=$(printf '%08d' $((RANDOM * 32768 + RANDOM)) | cut -c1-8) # fresh: in no binary or file
env -u DISPLAY KK_BUILD_DIR="$build" KK_DEMO_DIR="$out/demo" KK_DEMO_SKIP_BUILD=1 \
  KK_DEMO_PIN="$pin" KK_DEMO_APPROVAL_DELAY=25 \
  "$root/kiosk/demo.sh" </dev/null >"$out/demo.log" 2>&1 &
demo=$!
for _ in $(seq 600); do
  compgen -G "$out/demo/screens/*Renewal-WithBank*.png" >/dev/null && break
  kill -0 $demo 2>/dev/null || { cat "$out/demo.log"; echo "FAIL: the demo ended before the bank had the request"; exit 1; }
  sleep 0.1
done
compgen -G "$out/demo/screens/*Renewal-WithBank*.png" >/dev/null || { echo "FAIL: never with the bank"; exit 1; }
sleep 1 # the request is signed and sent: the kiosk is waiting
kiosk=$(cat "$out/demo/kiosk.pid")
grep -q "autopilot: typed the client's PIN (8 digits)" "$out/demo/kiosk.out" || { echo "FAIL: the PIN was not typed"; exit 1; }
rc=0
"$root/tests/kiosk/scan_memory.py" "$kiosk" "$pin" || rc=$?
if tr '\0' '\n' <"/proc/$kiosk/environ" | grep -q "$pin"; then
  echo "FAIL: the PIN is in the kiosk's environment, in: $(tr '\0' '\n' <"/proc/$kiosk/environ" | grep "$pin" | cut -d= -f1)"
  rc=1
fi
wait $demo || { echo "FAIL: the demo did not finish"; tail -20 "$out/demo.log"; rc=1; }
[[ $rc -eq 0 ]] && echo "ok: no PIN in the kiosk's memory while the bank decided"
exit $rc
