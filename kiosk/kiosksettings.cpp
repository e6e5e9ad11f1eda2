#include "kiosksettings.h"

#include <QFileInfo>
#include <QSettings>

namespace kk {

KioskSettings KioskSettings::load(const QString &path, QString *error)
{
    KioskSettings settings;
    if (path.isEmpty())
        return settings;
    if (!QFileInfo::exists(path)) {
        if (error)
            *error = QStringLiteral("configuration file %1 not found; using defaults").arg(path);
        return settings;
    }
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError && error)
        *error =
            QStringLiteral("configuration file %1 is malformed; using defaults where unreadable")
                .arg(path);
    settings.modulePath = ini.value(QStringLiteral("token/module"), settings.modulePath).toString();
    settings.language = ini.value(QStringLiteral("kiosk/language"), settings.language).toString();
    settings.fullscreen =
        ini.value(QStringLiteral("kiosk/fullscreen"), settings.fullscreen).toBool();
    settings.highContrast =
        ini.value(QStringLiteral("kiosk/highContrast"), settings.highContrast).toBool();
    settings.usbTokenList = ini.value(QStringLiteral("presence/usbTokenList")).toString();
    bool ok = false;
    const int target = ini.value(QStringLiteral("entropy/targetBits")).toInt(&ok);
    if (ok && target > 0)
        settings.entropyTargetBits = target;
    const int window = ini.value(QStringLiteral("status/renewalWindowDays")).toInt(&ok);
    if (ok && window >= 0)
        settings.statusPolicy.renewalWindowDays = window;
    settings.statusPolicy.initialIssuePolicyOid =
        ini.value(QStringLiteral("status/initialIssuePolicyOid"),
                  settings.statusPolicy.initialIssuePolicyOid)
            .toString();
    return settings;
}

} // namespace kk
