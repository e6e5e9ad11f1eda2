#include "keykiosk/enroll/certificatecheck.h"

#include "keykiosk/x509text.h"

#include <openssl/x509v3.h>

namespace kk {

namespace {
Error refused(const QString &why)
{
    return Error(ErrorCode::NewCertificateInvalid,
                 QStringLiteral("the new certificate is not a client certificate: %1").arg(why));
}

QDateTime asDateTime(const ASN1_TIME *time)
{
    struct tm parts
    {
    };
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}
} // namespace

Error checkClientCertificate(X509 *cert, const ClientCertificateRules &rules, const QDateTime &now)
{
    if (!cert)
        return refused(QStringLiteral("none"));
    // X509_get_extension_flags decodes the extensions once; EXFLAG_INVALID: one is malformed.
    const uint32_t flags = X509_get_extension_flags(cert);
    if (flags & EXFLAG_INVALID)
        return refused(QStringLiteral("an extension cannot be decoded"));
    if (flags & EXFLAG_CA)
        return refused(QStringLiteral("it is a CA certificate (CA:TRUE)"));
    if (!(flags & EXFLAG_KUSAGE))
        return refused(QStringLiteral("no key usage"));
    const uint32_t keyUsage = X509_get_key_usage(cert);
    if (!(keyUsage & KU_DIGITAL_SIGNATURE))
        return refused(QStringLiteral("key usage without digitalSignature"));
    if (keyUsage & (KU_KEY_CERT_SIGN | KU_CRL_SIGN))
        return refused(QStringLiteral("key usage allows signing certificates or CRLs"));
    if (!(flags & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(cert) & XKU_SSL_CLIENT))
        return refused(QStringLiteral("no clientAuth extended key usage"));
    if (!certificatePolicies(cert).contains(rules.clientPolicyOid))
        return refused(QStringLiteral("not the client policy %1").arg(rules.clientPolicyOid));

    const QDateTime from = asDateTime(X509_get0_notBefore(cert));
    const QDateTime to = asDateTime(X509_get0_notAfter(cert));
    if (!from.isValid() || !to.isValid() || to <= from)
        return refused(QStringLiteral("its validity cannot be read or ends before it begins"));
    if (from > now.addSecs(rules.clockSkewSeconds))
        return refused(QStringLiteral("valid only from %1").arg(from.toString(Qt::ISODate)));
    if (to < now.addSecs(rules.minRemainingSeconds))
        return refused(QStringLiteral("expired or expiring at %1").arg(to.toString(Qt::ISODate)));
    if (from.daysTo(to) > rules.maxValidityDays)
        return refused(QStringLiteral("valid for %1 days, more than %2")
                           .arg(from.daysTo(to))
                           .arg(rules.maxValidityDays));
    return {};
}

} // namespace kk
