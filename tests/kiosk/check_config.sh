#!/usr/bin/env bash
# The locked configuration, through the binaries as staff use them: `keykiosk --check-config`
# and `keykiosk-ra check-config` list every wrong or unknown key with its line and exit 1; the
# kiosk does not start on such a file (exit 78, which its unit does not restart on); under
# systemd (JOURNAL_STREAM names stderr) each line carries its journald priority.
set -uo pipefail
build=$1
kiosk=$build/kiosk/keykiosk
ra=$build/ra/keykiosk-ra
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
expect() { # description, condition...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

cat >"$dir/keykiosk.conf" <<'CONF'
[kiosk]
language=ru
idleSeconds=abc
fulscreen=false
[act]
bankName=АО «Банк», филиал №2
CONF
out=$("$kiosk" --check-config --config "$dir/keykiosk.conf"); rc=$?
echo "$out"
expect "check-config exits 1 on problems" test $rc -eq 1
expect "a bad value is named with its line" grep -qF "keykiosk.conf:3: [kiosk] idleSeconds = 'abc': a whole number from 5 to 3600 is expected" <<<"$out"
expect "an unknown key is named with its line" grep -qF "keykiosk.conf:4: [kiosk] fulscreen is not a known key" <<<"$out"
expect "a bank name with a comma is no problem" bash -c "! grep -q bankName <<<\"\$0\"" "$out"
expect "the count" grep -qF "2 problem(s)" <<<"$out"

env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$kiosk" --config "$dir/keykiosk.conf" \
  >"$dir/start.out" 2>"$dir/start.err"; rc=$?
expect "the kiosk refuses to start on it (exit 78)" test $rc -eq 78
expect "and says why" grep -qF "not starting: fix the configuration" "$dir/start.err"

# Under systemd: journald reads the priority from the line's start.
stream=$(stat -c '%d:%i' "$dir/journal.err" 2>/dev/null || { : >"$dir/journal.err"; stat -c '%d:%i' "$dir/journal.err"; })
env -u DISPLAY JOURNAL_STREAM="$stream" QT_QPA_PLATFORM=offscreen "$kiosk" --config "$dir/keykiosk.conf" \
  >/dev/null 2>"$dir/journal.err"
expect "journald lines carry the priority (<3> critical)" grep -q "^<3>kk.kiosk: configuration: .*idleSeconds" "$dir/journal.err"

printf '[kiosk]\nlanguage=en\n' >"$dir/good.conf"
out=$("$kiosk" --check-config --config "$dir/good.conf"); rc=$?
expect "a good file: exit 0, 'configuration OK'" test $rc -eq 0 -a "${out##*: }" = "configuration OK"

# The RA's config, the same way.
"$ra" init-demo "$dir/bank" --port 0 >/dev/null
out=$("$ra" check-config --config "$dir/bank/ra.conf"); rc=$?
expect "the demo bank's ra.conf is clean" test $rc -eq 0
sed -i 's/^threads=.*/threads=4x/; s/^validity_days=.*/validity_days=0/' "$dir/bank/ra.conf"
sed -i 's/^path=ra.db/path=ra.db\nmode=0644\npostgresql=host=\/run\/postgresql dbname=keykiosk/' "$dir/bank/ra.conf"
printf '[policy]\napproval=sometimes\n[polcy]\nstaff_approvals=2\n' >>"$dir/bank/ra.conf"
out=$("$ra" check-config --config "$dir/bank/ra.conf"); rc=$?
echo "$out"
expect "ra check-config exits 1" test $rc -eq 1
expect "ra: a second [policy] approval is named" grep -qF "[policy] approval is given twice" <<<"$out"
expect "ra: a bad number is named" grep -qF "[server] threads = '4x': a whole number from 1 to 256" <<<"$out"
expect "ra: an out-of-range number is named" grep -qF "[policy] validity_days = '0'" <<<"$out"
expect "ra: a register readable by others is refused" grep -qF "[store] mode: at most 0640" <<<"$out"
expect "ra: a register both a file and a PostgreSQL database is refused" \
  grep -qF "[store] postgresql: the register is either a file (path) or a PostgreSQL database" <<<"$out"
expect "ra: an unknown section's key is named" grep -qF "[polcy] staff_approvals is not a known key" <<<"$out"
"$ra" serve --config "$dir/bank/ra.conf" >/dev/null 2>"$dir/ra.err"; rc=$?
expect "the RA refuses to serve on it" test $rc -ne 0
exit $fail
