#!/usr/bin/env bash
# Kiosk start-up and memory: time to the first frame (as the app logs it) and PSS at rest,
# under Xvfb like a GPU-less kiosk, against the budgets in docs/architecture.md. Prints figures only.
#   bench/kiosk_startup.sh BUILD_DIR [ROUNDS]
set -euo pipefail
build=$1 rounds=${2:-10}
kiosk=$build/kiosk/keykiosk
out=$(mktemp -d)
display=:$((200 + RANDOM % 50))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$out"' EXIT
export DISPLAY=$display
sleep 1
# A configuration of its own: the kiosk refuses to start without one (and without the
# package's /etc/keykiosk/keykiosk.conf there is none).
printf '[token]\nmodule=/nonexistent.so\n[journal]\npath=%s/journal.db\n[act]\ndirectory=%s/acts\n' \
  "$out" "$out" >"$out/keykiosk.conf"
frames=()
pss=
for i in $(seq "$rounds"); do
  QT_LOGGING_RULES="kk.kiosk.info=true" PCSCLITE_CSOCK_NAME=$out/none "$kiosk" --config "$out/keykiosk.conf" \
    >/dev/null 2>"$out/log" &
  pid=$!
  for _ in $(seq 100); do grep -q "first frame after" "$out/log" && break; sleep 0.05; done
  frames+=("$(sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$out/log" | head -1)")
  if ((i == rounds)); then
    sleep 3 # at rest
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
  fi
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done
median=$(printf '%s\n' "${frames[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '| %-44s | %8s ms | %-28s |\n' "kiosk first frame after start (median of $rounds)" "$median" "<= 150 ms"
printf '| %-44s | %8.1f MB | %-28s |\n' "kiosk memory at rest (PSS)" "$(echo "$pss / 1024" | bc -l)" "<= 60 MB"
