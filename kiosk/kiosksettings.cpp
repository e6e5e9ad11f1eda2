#include "kiosksettings.h"

#include "keykiosk/configfile.h"

#include <QRegularExpression>
#include <QUrl>

namespace kk {

KioskSettings KioskSettings::load(const QString &path, QStringList *problems)
{
    KioskSettings settings;
    if (path.isEmpty())
        return settings;
    ConfigFile ini = ConfigFile::read(path);
    settings.modulePath = ini.path(QStringLiteral("token/module"), settings.modulePath);
    settings.language =
        ini.choice(QStringLiteral("kiosk/language"), settings.language,
                   {QStringLiteral("ru"), QStringLiteral("kk"), QStringLiteral("en")});
    settings.fullscreen = ini.flag(QStringLiteral("kiosk/fullscreen"), settings.fullscreen);
    settings.highContrast = ini.flag(QStringLiteral("kiosk/highContrast"), settings.highContrast);
    settings.idleSeconds =
        ini.number(QStringLiteral("kiosk/idleSeconds"), settings.idleSeconds, 5, 3600);
    settings.countdownSeconds =
        ini.number(QStringLiteral("kiosk/countdownSeconds"), settings.countdownSeconds, 3, 300);
    settings.usbTokenList = ini.path(QStringLiteral("presence/usbTokenList"));
    settings.entropyTargetBits =
        ini.number(QStringLiteral("entropy/targetBits"), settings.entropyTargetBits, 32, 4096);
    settings.statusPolicy.renewalWindowDays =
        ini.number(QStringLiteral("status/renewalWindowDays"),
                   settings.statusPolicy.renewalWindowDays, 0, 365);
    settings.statusPolicy.initialIssuePolicyOid =
        ini.oid(QStringLiteral("status/initialIssuePolicyOid"),
                settings.statusPolicy.initialIssuePolicyOid);
    settings.staffIdleSeconds =
        ini.number(QStringLiteral("staff/idleSeconds"), settings.staffIdleSeconds, 30, 3600);
    settings.staffPolicyOid = ini.oid(QStringLiteral("staff/policyOid"), settings.staffPolicyOid);
    settings.pinShuffle = ini.flag(QStringLiteral("pinpad/shuffle"), settings.pinShuffle);
    settings.pinPressFeedback =
        ini.flag(QStringLiteral("pinpad/pressFeedback"), settings.pinPressFeedback);
    // Relative paths are relative to the configuration file.
    settings.bankUrl = ini.text(QStringLiteral("bank/url"));
    // One URL per RA node, separated by spaces, tried in that order.
    for (const QString &one :
         settings.bankUrl.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
        const QUrl url(one, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
            ini.problem(QStringLiteral("bank/url"),
                        QStringLiteral("'%1' is not an https:// URL").arg(one));
    }
    settings.bankRaCert = ini.path(QStringLiteral("bank/raCert"));
    settings.bankCaCert = ini.path(QStringLiteral("bank/caCert"));
    settings.bankTls.pinnedCertPath = ini.path(QStringLiteral("bank/tlsPin"));
    settings.bankTls.clientCertPath = ini.path(QStringLiteral("bank/tlsClientCert"));
    settings.bankTls.clientKeyPath = ini.path(QStringLiteral("bank/tlsClientKey"));
    settings.bankTls.allowPlainHttp = ini.flag(QStringLiteral("bank/allowPlainHttp"), false);
    settings.bankMessageTimeoutSeconds = ini.number(QStringLiteral("bank/messageTimeout"),
                                                    settings.bankMessageTimeoutSeconds, 1, 600);
    settings.bankProbeSeconds =
        ini.number(QStringLiteral("bank/probeSeconds"), settings.bankProbeSeconds, 1, 3600);
    settings.bankClientPolicyOid =
        ini.oid(QStringLiteral("bank/clientPolicyOid"), settings.bankClientPolicyOid);
    settings.journalPath = ini.path(QStringLiteral("journal/path"), settings.journalPath);
    settings.actBankName = ini.text(QStringLiteral("act/bankName"), settings.actBankName);
    if (settings.actBankName.trimmed().isEmpty())
        ini.problem(QStringLiteral("act/bankName"),
                    QStringLiteral("the act needs the bank's name"));
    settings.actSupportPhone = ini.text(QStringLiteral("act/supportPhone"));
    settings.actSupportEmail = ini.text(QStringLiteral("act/supportEmail"));
    settings.actPrinter = ini.text(QStringLiteral("act/printer"));
    settings.actDirectory = ini.path(QStringLiteral("act/directory"), settings.actDirectory);
    settings.actKeepDays =
        ini.number(QStringLiteral("act/keepDays"), settings.actKeepDays, 1, 3650);
    for (const char *required : {"journal/path", "act/directory", "token/module"})
        if (ini.has(QLatin1String(required)) &&
            ini.text(QLatin1String(required)).trimmed().isEmpty())
            ini.problem(QLatin1String(required), QStringLiteral("a path is expected"));
    if (problems)
        *problems = ini.problems();
    return settings;
}

} // namespace kk
