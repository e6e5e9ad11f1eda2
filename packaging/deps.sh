#!/usr/bin/env bash
# The one list of Debian 12 packages KeyKiosk needs to build, test and demo.
# Idempotent: installs only what is missing. Both ./kiosk/demo.sh and ./tests/run.sh call it.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # fuzzing (fuzz/): clang with libFuzzer and the sanitizers
  clang libfuzzer-14-dev
  # Qt 5.15 Quick (software backend, controls, tests, linguist, qmllint)
  qtbase5-dev qtdeclarative5-dev qtquickcontrols2-5-dev qttools5-dev qttools5-dev-tools
  qtdeclarative5-dev-tools libqt5svg5-dev
  qml-module-qtquick2 qml-module-qtquick-window2 qml-module-qtquick-controls2
  qml-module-qtquick-layouts qml-module-qttest
  # crypto, token, presence, storage
  libssl-dev openssl libboost-dev libp11-dev libp11-kit-dev p11-kit libpcsclite-dev libudev-dev libsqlite3-dev
  libcpp-httplib-dev sqlite3 curl
  # the register of several RA nodes: libpq, and a PostgreSQL server for its tests
  libpq-dev postgresql
  # test harness: SoftHSM2 token, private pcscd + vpcd, umockdev, Xvfb
  softhsm2 opensc pcscd pcsc-tools vsmartcard-vpcd umockdev libumockdev-dev gir1.2-umockdev-1.0
  python3 python3-gi iproute2 util-linux xvfb xauth xdotool x11-utils bc
  # the RA under systemd socket activation (systemd-socket-activate); unit checks
  # (systemd-analyze verify/security)
  systemd
  # Debian packages (packaging/debian): build, lint, hardening check
  debhelper dpkg-dev fakeroot lintian devscripts
  # the kiosk session: cage (Wayland kiosk compositor, needs Xwayland), Qt's Wayland
  # platform, grim for screenshots of what cage shows; USBGuard for the optional USB policy
  cage xwayland qtwayland5 grim usbguard
  # fonts with Cyrillic (and Kazakh) glyphs for the kiosk
  fonts-dejavu-core
  # the acceptance act: QR code, printing through CUPS (PDF printer in tests), checks by
  # text extraction and QR decoding
  libqrencode-dev libcups2-dev cups cups-client cups-bsd printer-driver-cups-pdf
  poppler-utils zbar-tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "deps: missing packages and not root: ${missing[*]}" >&2
  exit 1
fi

echo "deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# pcscd from the package would grab /run/pcscd/pcscd.comm; our tests run private ones.
if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  systemctl disable --now pcscd.socket pcscd.service >/dev/null 2>&1 || true
fi
echo "deps: done"
