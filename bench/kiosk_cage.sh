#!/usr/bin/env bash
# The kiosk on its shipping platform, the way a person sees it: cage (headless wlroots, pixman)
# runs the kiosk as an unprivileged user, and grim takes screenshots until one shows the
# screen's content. Prints, against the budgets in docs/architecture.md:
#   - exec of cage to the first screenshot with content (median; grim's own time included),
#   - the kiosk's own first-frame figure,
#   - the kiosk's PSS at rest, and where it goes (the largest mappings).
# Prints figures only.
# The environment is the unit's, less what the kiosk must not depend on (it sets
# QT_WAYLAND_DISABLE_WINDOWDECORATION itself; pass it as an extra to compare).
#   bench/kiosk_cage.sh KIOSK_BINARY [ROUNDS] [extra environment...]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kiosk=$1 rounds=${2:-10}
shift 2 2>/dev/null || shift $#
extra=("$@")
work=$(mktemp -d)
chmod 755 "$work"
trap 'pkill -u nobody -x cage 2>/dev/null; rm -rf "$work"' EXIT
run=$work/run && mkdir -m 0700 "$run" && chown nobody:nogroup "$run"
state=$work/state && mkdir -m 0700 "$state" && chown nobody:nogroup "$state"
printf '[token]\nmodule=/nonexistent.so\n[journal]\npath=%s/journal.db\n[act]\ndirectory=%s/acts\n' \
  "$state" "$state" >"$work/keykiosk.conf"
chmod 644 "$work/keykiosk.conf"
as_kiosk() { setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"; }
session=(XDG_RUNTIME_DIR="$run" WLR_BACKENDS=headless WLR_RENDERER=pixman WLR_LIBINPUT_NO_DEVICES=1
  QT_QPA_PLATFORM=wayland QT_QUICK_BACKEND=software
  QT_LOGGING_RULES=kk.kiosk.info=true PCSCLITE_CSOCK_NAME="$work/none" PATH=/usr/bin:/bin "${extra[@]}")
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

seen=() blanks=() frames=() grims=() sockets=()
for i in $(seq "$rounds"); do
  rm -f "$run"/wayland-*
  start=$(date +%s%N)
  as_kiosk env "${session[@]}" cage -d -- "$kiosk" --config "$work/keykiosk.conf" >/dev/null 2>"$work/log" &
  cage=$!
  shot=
  for _ in $(seq 400); do
    socket=$(ls "$run" 2>/dev/null | grep -E '^wayland-[0-9]+$' | head -1)
    [[ -n $socket && -z ${socket_at:-} ]] && socket_at=$(ms "$start")
    if [[ -n $socket ]]; then
      g=$(date +%s%N)
      # A capture starts at g: the frame grim gets was on screen when it began, or within the
      # few milliseconds grim needs to connect (it then encodes for 20 to 40 ms more).
      # Content: the kiosk's first frame is its whole screen (the QML is loaded before it),
      # on a background that is not cage's black. A PPM of a band across the middle is quick
      # to take and to check: any byte not zero in its last rows is the kiosk's.
      if as_kiosk env XDG_RUNTIME_DIR="$run" WAYLAND_DISPLAY="$socket" grim -t ppm -g "0,300 1280x200" "$state/s.ppm" 2>>"$work/grim.err" &&
        (($(tail -c 30000 "$state/s.ppm" | tr -d '\000' | wc -c) > 0)); then
        done_at=$(date +%s%N)
        shot=$(( (g - start) / 1000000 )); grims+=("$(( (done_at - g) / 1000000 ))"); break
      fi
      blank_at=$(( (g - start) / 1000000 ))
    fi
    sleep 0.005
  done
  seen+=("${shot:-9999}") sockets+=("${socket_at:-9999}") blanks+=("${blank_at:-0}")
  socket_at= blank_at=
  frames+=("$(sed -n 's/.*first frame after \([0-9]*\) ms.*/\1/p' "$work/log" | head -1)")
  if ((i == rounds)); then
    sleep 3 # at rest
    pid=$(pgrep -u nobody -x keykiosk | head -1)
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup")
    mesa=$(grep -cE 'libLLVM|_dri\.so|libEGL_mesa' "/proc/$pid/maps")
    cage_pss=$(awk '/^Pss:/ {print $2}' "/proc/$(pgrep -u nobody -x cage | head -1)/smaps_rollup")
    # PSS by mapping (libraries by name, anonymous memory and the heap together).
    awk '/^[0-9a-f]+-[0-9a-f]+ / {name = ($6 == "" ? "[anonymous]" : $6); sub(/.*\//, "", name)}
         /^Pss:/ {pss[name] += $2} END {for (n in pss) printf "%8.1f MB  %s\n", pss[n] / 1024, n}' \
      "/proc/$pid/smaps" | sort -rn | head -${KK_BENCH_TOP:-12} >"$work/top"
  fi
  kill "$cage" 2>/dev/null; wait "$cage" 2>/dev/null
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| %-52s | %8s ms | %-12s |\n' "under cage: exec of cage to the content on screen (median of $rounds; the first capture that shows it began then)" "$(median "${seen[@]}")" "<= 100 ms"
printf '| %-52s | %8s ms | %-12s |\n' "  the last capture that showed no content began (median)" "$(median "${blanks[@]}")" ""
printf '| %-52s | %8s ms | %-12s |\n' "  cage's Wayland socket ready (median)" "$(median "${sockets[@]}")" ""
printf '| %-52s | %8s ms | %-12s |\n' "  one grim capture (median)" "$(median "${grims[@]}")" ""
printf '| %-52s | %8s ms | %-12s |\n' "under cage: the kiosk's own first frame (median)" "$(median "${frames[@]}")" ""
printf '| %-52s | %8.1f MB | %-12s |\n' "under cage: kiosk memory at rest (PSS)" "$(echo "$pss / 1024" | bc -l)" "<= 60 MB"
printf '| %-52s | %8.1f MB | %-12s |\n' "  cage itself (PSS)" "$(echo "$cage_pss / 1024" | bc -l)" ""
echo "Mesa (libLLVM, a DRI driver, libEGL_mesa) mapped in the kiosk: $((mesa > 0 ? 1 : 0)) ($mesa mappings)"
sort "$work/grim.err" | uniq -c | sort -rn | head -3
echo "largest parts of the kiosk's PSS:"
cat "$work/top"
