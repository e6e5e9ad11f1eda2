#!/usr/bin/env bash
# The packaged kiosk as a branch runs it: the production binary (no demo hooks) from the
# .deb, under cage with the headless wlroots backend, as an unprivileged user. grim takes a
# screenshot of the insert-token screen; `keykiosk --self-test` runs under cage too and
# reports its checks; the running kiosk is not dumpable (its /proc files are root's).
#   cage_session.sh SOURCE BUILD DEBS   (DEBS: where check_packages.sh left the packages)
set -uo pipefail
root=$1 build=$2 debs=$3
harness=$build/tests/harness
tree=$debs/root
[[ -x $tree/usr/bin/keykiosk ]] || { echo "FAIL: no packaged kiosk in $tree (run check_packages first)"; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
pcscd_pid= ra_pid=
trap 'pkill -u nobody -f "cage -d -- " 2>/dev/null; kill $pcscd_pid $ra_pid 2>/dev/null; rm -rf "$work"' EXIT
fail=0
expect() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}
as_kiosk() { setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"; }
run=$work/run && mkdir -m 0700 "$run" && chown nobody:nogroup "$run"
state=$work/state && mkdir -m 0700 "$state" && chown nobody:nogroup "$state"
# The demo bank (the test build's RA), so that the kiosk is in service and waits for a token.
ra_port=37963
while ss -ltn | grep -qE ":($ra_port|$((ra_port + 1))) "; do ra_port=$((ra_port + 2)); done
"$build/ra/keykiosk-ra" init-demo "$work/bank" --port "$ra_port" >/dev/null
sed -i "s/^https_port=0/https_port=$((ra_port + 1))/" "$work/bank/ra.conf"
"$build/ra/keykiosk-ra" serve --config "$work/bank/ra.conf" >"$work/ra.log" 2>&1 &
ra_pid=$!
for _ in $(seq 100); do ss -ltn | grep -q "127.0.0.1:$((ra_port + 1)) " && break; sleep 0.05; done
chmod 755 "$work/bank" && chmod 644 "$work/bank"/*.cert.pem

cat >"$work/keykiosk.conf" <<CONF
[token]
module=/usr/lib/softhsm/libsofthsm2.so
[kiosk]
language=ru
[bank]
url=https://127.0.0.1:$((ra_port + 1))/.well-known/cmp
raCert=$work/bank/ra.cert.pem
caCert=$work/bank/ca.cert.pem
[journal]
path=$state/journal.db
[act]
directory=$state/acts
CONF
chmod 644 "$work/keykiosk.conf"
# An empty SoftHSM2 store the kiosk's user owns: the module loads and finds no token.
mkdir -p "$state/tokens" && chown nobody:nogroup "$state/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$state/tokens" >"$work/softhsm2.conf"
chmod 644 "$work/softhsm2.conf"
# A private pcscd with a virtual reader (no card): the kiosk waits for a token.
port=36963
while ss -ltn | grep -qE ":($port|$((port + 1))) "; do port=$((port + 2)); done
mkdir -p "$work/pcscd-conf"
printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:%s\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID %s\n' \
  "$port" "$port" >"$work/pcscd-conf/vpcd"
LD_PRELOAD=$harness/libkk-loopback-bind.so "$harness/kk-pcscd-launch" "$work/pcscd.comm" \
  pcscd -f -i -c "$work/pcscd-conf" >"$work/pcscd.log" 2>&1 &
pcscd_pid=$!
for _ in $(seq 100); do [[ -S $work/pcscd.comm ]] && break; sleep 0.05; done
chmod 0777 "$work/pcscd.comm" 2>/dev/null

# The unit's environment, and cage's headless backend (docs: ../shared/notes are not needed).
session_env=(XDG_RUNTIME_DIR="$run" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
  QT_QPA_PLATFORM=wayland QT_QUICK_BACKEND=software QT_WAYLAND_DISABLE_WINDOWDECORATION=1
  QT_LOGGING_RULES="kk.*.info=true" SOFTHSM2_CONF="$work/softhsm2.conf" PCSCLITE_CSOCK_NAME="$work/pcscd.comm" PATH=/usr/bin:/bin)

echo "== the kiosk under cage"
as_kiosk env "${session_env[@]}" cage -d -- "$tree/usr/bin/keykiosk" --config "$work/keykiosk.conf" \
  >"$work/cage.out" 2>"$work/cage.err" &
cage_pid=$!
for _ in $(seq 150); do grep -q "first frame after" "$work/cage.err" && break; sleep 0.1; done
expect "the kiosk rendered its first frame under cage" grep -q "first frame after" "$work/cage.err"
grep -o "first frame after [0-9]* ms" "$work/cage.err"
cp "$work/cage.err" "$debs/cage-kiosk.log"
sleep 1 # the insert-token screen settles (fonts, the first bank probe)
kiosk_pid=$(pgrep -u nobody -x keykiosk | head -1)
expect "the kiosk runs as nobody, not root" test -n "$kiosk_pid"
[[ -n $kiosk_pid ]] && expect "the packaged kiosk is not dumpable (/proc/PID/environ is root's)" \
  test "$(stat -c %U "/proc/$kiosk_pid/environ")" = root
display=$(basename "$(ls "$run"/wayland-* 2>/dev/null | grep -v lock | head -1)")
as_kiosk env XDG_RUNTIME_DIR="$run" WAYLAND_DISPLAY="$display" grim "$state/insert-token.png" 2>"$work/grim.err" &&
  cp "$state/insert-token.png" "$work/insert-token.png" ||
  cat "$work/grim.err"
expect "grim saved a screenshot" test -s "$work/insert-token.png"
expect "the screenshot shows a rendered screen" "$root/tests/packaging/pngcheck.py" "$work/insert-token.png" 50
# The kiosk starts on "insert your token" and logs a screen only when it leaves it.
expect "the screen on it: insert your token (no token, never another screen)" \
  bash -c "grep -q 'PresenceState::NoToken' '$work/cage.err' && ! grep -q 'kk.kiosk: screen' '$work/cage.err'"
cp "$work/insert-token.png" "$debs/cage-insert-token.png" 2>/dev/null
kill "$cage_pid" 2>/dev/null; wait "$cage_pid" 2>/dev/null
if grep -qiE "qml|warning" "$work/cage.err"; then grep -iE "qml|warning" "$work/cage.err" | head -5; fi

echo "== keykiosk --self-test under cage"
as_kiosk env "${session_env[@]}" cage -d -- "$tree/usr/bin/keykiosk" --self-test --config "$work/keykiosk.conf" \
  >"$work/selftest.out" 2>"$work/selftest.err"
rc=$?
cat "$work/selftest.out"
expect "self-test: the first frame" grep -qE "self-test: first frame +ok +rendered [0-9]+ ms after start" "$work/selftest.out"
expect "self-test: the configuration is clean" grep -qE "self-test: configuration +ok" "$work/selftest.out"
expect "self-test: the PKCS#11 module loads" grep -qE "self-test: PKCS#11 module +ok" "$work/selftest.out"
expect "self-test: pcscd answers" grep -qE "self-test: pcscd +ok +[0-9]+ reader" "$work/selftest.out"
expect "self-test: the bank answers" grep -qE "self-test: bank +ok +127.0.0.1:[0-9]+ answers" "$work/selftest.out"
expect "self-test: PASSED" grep -qx "self-test: PASSED" "$work/selftest.out"
# cage exits with its own status; the kiosk's own is the verdict: 0, and 1 when a check fails.
as_kiosk env "${session_env[@]}" QT_QPA_PLATFORM=offscreen "$tree/usr/bin/keykiosk" --self-test \
  --config "$work/keykiosk.conf" >/dev/null 2>&1
expect "self-test: exit code 0 when every check passes" test $? -eq 0
kill "$ra_pid" 2>/dev/null; wait "$ra_pid" 2>/dev/null
as_kiosk env "${session_env[@]}" QT_QPA_PLATFORM=offscreen "$tree/usr/bin/keykiosk" --self-test \
  --config "$work/keykiosk.conf" >"$work/selftest2.out" 2>&1
rc=$?
grep "self-test: bank\|self-test: FAILED" "$work/selftest2.out"
expect "self-test: the bank stopped: FAILED, exit code 1" \
  bash -c "test $rc -eq 1 && grep -q 'self-test: FAILED (1 of 5 checks)' '$work/selftest2.out'"
exit $fail
