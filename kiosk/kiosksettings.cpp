#include "kiosksettings.h"

#include <QDir>
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
    ini.setIniCodec("UTF-8"); // the bank's name on the act is Cyrillic; Qt 5 reads Latin-1
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
    auto positive = [&ini](const char *key, int fallback) {
        bool valid = false;
        const int value = ini.value(QLatin1String(key)).toInt(&valid);
        return valid && value > 0 ? value : fallback;
    };
    settings.idleSeconds = positive("kiosk/idleSeconds", settings.idleSeconds);
    settings.staffIdleSeconds = positive("staff/idleSeconds", settings.staffIdleSeconds);
    settings.staffPolicyOid =
        ini.value(QStringLiteral("staff/policyOid"), settings.staffPolicyOid).toString();
    settings.countdownSeconds = positive("kiosk/countdownSeconds", settings.countdownSeconds);
    settings.pinShuffle = ini.value(QStringLiteral("pinpad/shuffle"), settings.pinShuffle).toBool();
    settings.pinPressFeedback =
        ini.value(QStringLiteral("pinpad/pressFeedback"), settings.pinPressFeedback).toBool();
    // Relative paths in [bank] and [journal] are relative to the configuration file.
    const QDir base = QFileInfo(path).absoluteDir();
    auto file = [&ini, &base](const char *key, const QString &fallback) {
        const QString value = ini.value(QLatin1String(key)).toString();
        return value.isEmpty() ? fallback : base.absoluteFilePath(value);
    };
    settings.bankUrl = ini.value(QStringLiteral("bank/url")).toString();
    settings.bankRaCert = file("bank/raCert", {});
    settings.bankCaCert = file("bank/caCert", {});
    settings.bankTls.pinnedCertPath = file("bank/tlsPin", {});
    settings.bankTls.clientCertPath = file("bank/tlsClientCert", {});
    settings.bankTls.clientKeyPath = file("bank/tlsClientKey", {});
    settings.bankTls.allowPlainHttp =
        ini.value(QStringLiteral("bank/allowPlainHttp"), false).toBool();
    settings.bankMessageTimeoutSeconds =
        positive("bank/messageTimeout", settings.bankMessageTimeoutSeconds);
    settings.bankProbeSeconds = positive("bank/probeSeconds", settings.bankProbeSeconds);
    settings.journalPath = file("journal/path", settings.journalPath);
    settings.actBankName =
        ini.value(QStringLiteral("act/bankName"), settings.actBankName).toString();
    settings.actSupportPhone = ini.value(QStringLiteral("act/supportPhone")).toString();
    settings.actSupportEmail = ini.value(QStringLiteral("act/supportEmail")).toString();
    settings.actPrinter = ini.value(QStringLiteral("act/printer")).toString();
    settings.actDirectory = file("act/directory", settings.actDirectory);
    return settings;
}

} // namespace kk
