#pragma once
// What the kiosk checks in a certificate the bank sends before it goes to the token
// (docs/architecture.md, "The kiosk and the bank"): beyond carrying the new key and chaining
// to the bank CA, it must be a client certificate of this bank, valid now and for a sane time.
// A certificate that fails is never written to the token; the client keeps the current key.

#include "keykiosk/enroll/roles.h"
#include "keykiosk/errors.h"

#include <QDateTime>
#include <QString>

#include <openssl/x509.h>

namespace kk {

struct ClientCertificateRules
{
    QString clientPolicyOid = QString::fromLatin1(roles::kClientPolicy);
    int maxValidityDays = 5 * 366;  // longer is not a client certificate of this bank
    int clockSkewSeconds = 300;     // notBefore a little ahead of the kiosk's clock is fine
    int minRemainingSeconds = 3600; // one that expires within the hour is useless
};

// None if `cert` is a client certificate by `rules` at `now`; otherwise the first failed
// rule, named for staff (NewCertificateInvalid).
Error checkClientCertificate(X509 *cert, const ClientCertificateRules &rules, const QDateTime &now);

} // namespace kk
