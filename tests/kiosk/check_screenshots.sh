#!/usr/bin/env bash
# --screenshot-dir works on the offscreen platform as on Xvfb: the kiosk (no pcscd reachable, so
# it shows its out-of-service screen) saves a PNG of the window's size with the screen drawn on
# it, not an empty or single-colour image (the window grab gives nothing offscreen).
set -uo pipefail
build=$1
kiosk=$build/kiosk/keykiosk
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
expect() { # description, condition...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

cat >"$dir/keykiosk.conf" <<CONF
[kiosk]
fullscreen=false
[bank]
url=http://127.0.0.1:9/
allowPlainHttp=true
[journal]
path=$dir/journal.db
[act]
directory=$dir/acts
CONF
for backend in software ""; do
  shots=$dir/shots-${backend:-default}
  env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=$backend \
    PCSCLITE_CSOCK_NAME="$dir/no-pcscd" timeout 8 "$kiosk" --config "$dir/keykiosk.conf" \
    --windowed --screenshot-dir "$shots" >"$dir/out" 2>"$dir/err"
  png=$(ls "$shots"/*OutOfService.png 2>/dev/null | head -1)
  expect "offscreen (${backend:-default} backend): a screenshot is saved and announced" \
    bash -c "test -s '$png' && grep -qF 'screenshot: $png' '$dir/out'"
  expect "no failed screenshot in the log" bash -c "! grep -q 'screenshot failed' '$dir/err'"
  # The PNG, decoded: 1280x800, and drawn (the background, the top bar and the text are more
  # than a handful of colours).
  report=$(python3 - "$png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
pos, idat, width, height, kind = 8, b'', 0, 0, 0
while pos < len(data):
    length, tag = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if tag == b'IHDR':
        width, height, _, kind = struct.unpack('>IIBB', body[:10])
    elif tag == b'IDAT':
        idat += body
    pos += 12 + length
raw, channels = zlib.decompress(idat), {2: 3, 6: 4}[kind]
stride, colours, prior = width * channels, set(), bytearray(width * channels)
for y in range(height):
    line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
    f, row = line[0], bytearray(line[1:])
    for i in range(stride):
        a = row[i - channels] if i >= channels else 0
        b = prior[i]
        c = prior[i - channels] if i >= channels else 0
        if f == 1: row[i] = (row[i] + a) & 255
        elif f == 2: row[i] = (row[i] + b) & 255
        elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 8 == 0:
        for x in range(0, stride, channels * 4):
            colours.add(bytes(row[x:x + 3]))
    prior = row
print(f"{width}x{height} colours={len(colours)}")
PY
)
  echo "$report"
  expect "the PNG is the window's size" grep -qF "1280x800" <<<"$report"
  expect "and the screen is drawn on it" bash -c "[[ '$report' =~ colours=([0-9]+) ]] && (( \${BASH_REMATCH[1]} > 8 ))"
done
exit $fail
