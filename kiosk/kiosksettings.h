#pragma once
// The kiosk's configuration: an INI file (--config; /etc/keykiosk/keykiosk.conf in the package),
// with defaults a branch can run on. Every key is known and typed (keykiosk/configfile.h): an
// unknown key or a bad value is a problem with its line, and the kiosk does not start with one
// (keykiosk --check-config lists them all).

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/roles.h"

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
    int idleSeconds = 60;      // [kiosk] idleSeconds: no touch for this long starts the countdown
    int countdownSeconds = 15; // [kiosk] countdownSeconds: then the session is wiped
    bool pinShuffle = true;    // [pinpad] shuffle: digits in a new order each time
    bool pinPressFeedback = true; // [pinpad] pressFeedback: highlight pressed keys
    // [bank] url (https://host:port/.well-known/cmp; several RA nodes separated by spaces,
    // tried in order), raCert (pinned), caCert, timeouts;
    // tlsPin (the RA's TLS certificate, pinned instead of the CA and host name check),
    // tlsClientCert and tlsClientKey (this kiosk's identity), allowPlainHttp.
    QString bankUrl;
    QString bankRaCert;
    QString bankCaCert;
    BankTlsOptions bankTls;
    int bankMessageTimeoutSeconds = 20; // [bank] messageTimeout
    int bankProbeSeconds = 15;          // [bank] probeSeconds: how often reachability is checked
    // [bank] clientPolicyOid: the policy the bank's client certificates carry (the RA's
    // roles/client_policy); a new certificate without it is not installed.
    QString bankClientPolicyOid = QString::fromLatin1(roles::kClientPolicy);
    // [act] the bank's name and support contacts on the act, the printer (CUPS destination;
    // empty: the default one) and where printed acts are kept for staff.
    QString actBankName = QStringLiteral("АО «Банк»");
    QString actSupportPhone;
    QString actSupportEmail;
    QString actPrinter;
    QString actDirectory = QStringLiteral("/var/lib/keykiosk/acts");
    int actKeepDays = 90; // [act] keepDays: saved acts and slips older than this are deleted
    QString journalPath = QStringLiteral("/var/lib/keykiosk/journal.db"); // [journal] path
    // [staff] policyOid: the bank CA's staff certificate policy (a token with such a
    // certificate opens staff mode); idleSeconds: staff mode ends after this long untouched.
    QString staffPolicyOid = QString::fromLatin1(roles::kStaffPolicy);
    int staffIdleSeconds = 300;

    // Defaults for an empty path. `problems` gets every problem of the file, each with its line.
    static KioskSettings load(const QString &path, QStringList *problems = nullptr);
};

} // namespace kk
