#!/usr/bin/env bash
# Refreshes the .ts catalogues from the sources (C++ tr/translate and QML qsTr).
# Translators then fill them with Qt Linguist; the build compiles them with lrelease.
set -euo pipefail
cd "$(dirname "$0")/../.."
/usr/lib/qt5/bin/lupdate -locations none -no-obsolete backend kiosk qml \
  -ts qml/i18n/keykiosk_ru.ts qml/i18n/keykiosk_kk.ts qml/i18n/keykiosk_en.ts
