#pragma once
// The kiosk's configuration: an INI file (--config), with defaults a branch can run on.

#include "keykiosk/enroll/profilestatus.h"

#include <QString>

namespace kk {

struct KioskSettings
{
    QString modulePath = QStringLiteral(KEYKIOSK_P11KIT_PROXY); // [token] module
    QString language = QStringLiteral("ru");                    // [kiosk] language: ru, kk, en
    bool fullscreen = true;                                     // [kiosk] fullscreen
    bool highContrast = false;                                  // [kiosk] highContrast
    QString usbTokenList;                                       // [presence] usbTokenList (TSV)
    int entropyTargetBits = 256;                                // [entropy] targetBits
    StatusPolicy statusPolicy; // [status] renewalWindowDays, initialIssuePolicyOid

    static KioskSettings load(const QString &path, QString *error = nullptr);
};

} // namespace kk
