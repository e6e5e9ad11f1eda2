#!/usr/bin/env bash
# The Debian packages as a bank installs them: built from packaging/debian with the hardening
# flags, checked with lintian (no errors) and hardening-check (stack protector, fortify,
# RELRO, BIND_NOW, PIE), their units with systemd-analyze verify and security, their
# configuration files with the binaries' own checks, the udev rules and the USBGuard policy
# against data/usb-tokens.tsv, and the production kiosk for any trace of the demo hooks.
#   check_packages.sh SOURCE OUT   (OUT keeps the .debs for the cage test and the README)
set -uo pipefail
root=$1 out=$2
rm -rf "$out" && mkdir -p "$out"
"$root/tests/packaging/build_packages.sh" "$root" "$out" || exit 1
fail=0
expect() { # description, command...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

echo "== lintian"
lintian --fail-on error --tag-display-limit 0 "$out"/*.changes >"$out/lintian.txt" 2>&1; rc=$?
cat "$out/lintian.txt"
expect "lintian: no errors ($(grep -c '^E:' "$out/lintian.txt") E:, $(grep -c '^W:' "$out/lintian.txt") W:)" test $rc -eq 0

tree=$out/root
mkdir -p "$tree"
for deb in "$out"/keykiosk_*.deb "$out"/keykiosk-ra_*.deb; do dpkg-deb -x "$deb" "$tree"; done

echo "== hardening-check"
for bin in keykiosk keykiosk-ra keykiosk-tool; do
  hardening-check "$tree/usr/bin/$bin" | tee -a "$out/hardening.txt"
  # dpkg-buildflags' five: PIE, stack protector, fortify, RELRO, BIND_NOW. debian/rules adds
  # -fstack-clash-protection and -fcf-protection too, but hardening-check cannot confirm them
  # here: it finds no function with a stack big enough to probe, and the linker drops the
  # IBT/SHSTK property because the start files crti.o and crtbeginS.o lack it (every
  # function of ours does begin with endbr64).
  expect "$bin: PIE, stack protector, fortify, RELRO, BIND_NOW" \
    bash -c "! hardening-check -q --nocfprotection --nostackclash '$tree/usr/bin/$bin' | grep -q ."
done

echo "== no demo code in production"
expect "keykiosk has no autopilot" bash -c "! grep -qa -e autopilot -e KK_AUTOPILOT -e screenshot-dir '$tree/usr/bin/keykiosk'"
env -u DISPLAY QT_QPA_PLATFORM=offscreen "$tree/usr/bin/keykiosk" --autopilot >"$out/autopilot.txt" 2>&1; rc=$?
expect "keykiosk --autopilot is an unknown option" bash -c "test $rc -ne 0 && grep -q 'Unknown option' '$out/autopilot.txt'"

echo "== the shipped configuration"
expect "keykiosk --check-config accepts /etc/keykiosk/keykiosk.conf" \
  "$tree/usr/bin/keykiosk" --check-config --config "$tree/etc/keykiosk/keykiosk.conf"
expect "keykiosk-ra check-config accepts /etc/keykiosk-ra/ra.conf" \
  "$tree/usr/bin/keykiosk-ra" check-config --config "$tree/etc/keykiosk-ra/ra.conf"
expect "the p11-kit config turns user modules and call logging off" \
  grep -qx "log-calls: no" "$tree/etc/pkcs11/pkcs11.conf"

echo "== udev rules and USB policy from data/usb-tokens.tsv"
rules=$tree/lib/udev/rules.d/70-keykiosk-tokens.rules
while IFS=$'\t' read -r vid pid name; do
  [[ $vid =~ ^[0-9a-fA-F]{4}$ ]] || continue
  expect "udev: $name ($vid:$pid) for group keykiosk only" \
    grep -q "ATTR{idVendor}==\"$vid\", ATTR{idProduct}==\"$pid\", GROUP=\"keykiosk\", MODE=\"0660\", TAG-=\"uaccess\"" "$rules"
  expect "usbguard: $name allowed" grep -q "^allow id $vid:$pid " "$tree/usr/share/keykiosk/usbguard/rules.conf"
done <"$root/data/usb-tokens.tsv"
expect "udev: CCID readers for group keykiosk" grep -q 'ID_USB_INTERFACES}=="\*:0b????:\*", GROUP="keykiosk", MODE="0660"' "$rules"
expect "udev: USB storage interfaces are never authorized" grep -q 'ATTR{bInterfaceClass}=="08", ATTR{authorized}="0"' "$rules"
expect "usbguard-rule-parser reads the policy" usbguard-rule-parser -f "$tree/usr/share/keykiosk/usbguard/rules.conf" >/dev/null
expect "sysctl: SysRq off" grep -qx "kernel.sysrq = 0" "$tree/usr/lib/sysctl.d/60-keykiosk.conf"

echo "== systemd units"
units=$tree/lib/systemd/system
# verify --root looks for everything in the tree: systemd's own units and cage come from
# this machine, copied next to the package's (never over them).
cp -rn /lib/systemd/system/. "$units/"
cp -n /usr/bin/cage "$tree/usr/bin/"
for unit in keykiosk.service keykiosk-ra.socket keykiosk-ra.service keykiosk-signer.service; do
  systemd-analyze verify --man=no --root="$tree" "$units/$unit" >"$out/verify-$unit.txt" 2>&1; rc=$?
  cat "$out/verify-$unit.txt"
  expect "systemd-analyze verify $unit" test $rc -eq 0 -a ! -s "$out/verify-$unit.txt"
done
: >"$out/security.txt"
for unit in keykiosk.service keykiosk-ra.service keykiosk-signer.service; do
  score=$(systemd-analyze security --offline=true --root="$tree" "$units/$unit" 2>/dev/null | tail -1)
  echo "$unit: $score" | tee -a "$out/security.txt"
done
for unit in keykiosk-ra.service keykiosk-signer.service; do
  expect "$unit: exposure below 2.0 (OK or better)" bash -c "awk -v u=$unit: '\$1==u {for (i=1;i<=NF;i++) if (\$i ~ /^[0-9.]+\$/) {print \$i; exit}}' '$out/security.txt' | awk '{exit !(\$1 < 2.0)}'"
done
for unit in keykiosk-ra.service keykiosk-signer.service keykiosk.service; do
  expect "$unit: no core dumps, no new privileges, no capabilities" \
    bash -c "grep -qx LimitCORE=0 '$units/$unit' && grep -qx NoNewPrivileges=yes '$units/$unit' && grep -qx CapabilityBoundingSet= '$units/$unit'"
done
exit $fail
