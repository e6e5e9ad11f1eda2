#include "cmptransaction.h"

#include "certificatecache.h"
#include "ralog.h"

#include "keykiosk/languagetext.h"

namespace kk::ra::cmp {

// OpenSSL's CMP diagnostics (which print whole certificates when a signature fails) go to the
// debug level of the RA's category: a flood of junk must not become a flood of log.
int cmpLog(const char *, const char *, int, OSSL_CMP_severity level, const char *message)
{
    if (level <= OSSL_CMP_LOG_ERR)
        qCDebug(lcRa).noquote() << "OpenSSL CMP:" << QString::fromUtf8(message).left(300);
    return 1;
}

QByteArray toDer(const OSSL_CMP_MSG *msg)
{
    return derBytes([msg](unsigned char **out) { return i2d_OSSL_CMP_MSG(msg, out); });
}

CmpMsgPtr parseDer(const QByteArray &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return CmpMsgPtr(der.isEmpty() ? nullptr : d2i_OSSL_CMP_MSG(nullptr, &p, der.size()));
}

QByteArray certDer(const X509 *cert)
{
    return derBytes([cert](unsigned char **out) { return i2d_X509(cert, out); });
}

void freeCertStack(STACK_OF(X509) * certs)
{
    sk_X509_pop_free(certs, X509_free);
}

ParsedMessage parseMessage(const QByteArray &der)
{
    ParsedMessage parsed;
    const QByteArray stripped = withoutExtraCerts(der);
    const QByteArray &body = stripped.isEmpty() ? der : stripped;
    const auto *p = reinterpret_cast<const unsigned char *>(body.constData());
    CmpMsgPtr message(d2i_OSSL_CMP_MSG(nullptr, &p, body.size()));
    if (!message || p != reinterpret_cast<const unsigned char *>(body.constData()) + body.size())
        return parsed;
    parsed.extraCerts.reset(sk_X509_new_null());
    if (!stripped.isEmpty()) {
        const QVector<QByteArray> certificates = extraCertsDer(der);
        for (const QByteArray &certificate : certificates) {
            X509Ptr cert = parsedCertificate(certificate);
            if (!cert || !sk_X509_push(parsed.extraCerts.get(), cert.get()))
                return parsed; // not a certificate: the message is malformed
            cert.release();
        }
        parsed.firstExtraCertDer = certificates.value(0);
    }
    parsed.message = std::move(message);
    return parsed;
}

// The protection certificate is the first of extraCerts (RFC 9483 3.3), and it is the only one
// OpenSSL may check the protection with: so a request OpenSSL accepts was signed with the key of
// the first certificate, whose chain to the bank CA OpenSSL also checked. (The bank CA issues
// the client certificates itself: no intermediate is needed from the client.)
void offerSenderCertificate(OSSL_CMP_SRV_CTX *srv, STACK_OF(X509) * extraCerts)
{
    CertStackPtr first(sk_X509_new_null(), freeCertStack);
    if (sk_X509_num(extraCerts) > 0 && sk_X509_push(first.get(), sk_X509_value(extraCerts, 0)))
        X509_up_ref(sk_X509_value(extraCerts, 0));
    OSSL_CMP_CTX_set1_untrusted(OSSL_CMP_SRV_CTX_get0_cmp_ctx(srv), first.get());
}

OSSL_CMP_PKISI *status(int pkiStatus, int failBit, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return OSSL_CMP_STATUSINFO_new(pkiStatus, failBit >= 0 ? 1 << failBit : 0,
                                   utf8.isEmpty() ? nullptr : utf8.constData());
}

namespace {
LogRateLimit g_refusalLog(5, std::chrono::seconds(10));
} // namespace

void logRefusal(QtMsgType type, const QString &text)
{
    int skipped = 0;
    if (!g_refusalLog.allow(text.left(48), &skipped))
        return;
    const QString more =
        skipped ? QStringLiteral(" (%1 more like it left out of the log)").arg(skipped) : QString();
    if (type == QtWarningMsg)
        qCWarning(lcRa).noquote() << text + more;
    else
        qCInfo(lcRa).noquote() << text + more;
}

OSSL_CMP_PKISI *rejection(int failBit, const QString &text)
{
    logRefusal(QtInfoMsg, QStringLiteral("rejecting: ") + text);
    return status(OSSL_CMP_PKISTATUS_rejection, failBit, text);
}

namespace {

int failureBit(FailureInfo failure)
{
    switch (failure) {
    case FailureInfo::BadRequest:
        return OSSL_CMP_PKIFAILUREINFO_badRequest;
    case FailureInfo::BadTime:
        return OSSL_CMP_PKIFAILUREINFO_badTime;
    case FailureInfo::BadCertId:
        return OSSL_CMP_PKIFAILUREINFO_badCertId;
    case FailureInfo::BadMessageCheck:
        return OSSL_CMP_PKIFAILUREINFO_badMessageCheck;
    case FailureInfo::BadCertTemplate:
        return OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
    case FailureInfo::NotAuthorized:
        return OSSL_CMP_PKIFAILUREINFO_notAuthorized;
    case FailureInfo::CertRevoked:
        return OSSL_CMP_PKIFAILUREINFO_certRevoked;
    }
    return OSSL_CMP_PKIFAILUREINFO_badRequest;
}

} // namespace

// The policy's refusal: its reason in the kiosk's three languages, in one tagged string
// (keykiosk/languagetext.h); the log has the rule's name, Russian and English.
OSSL_CMP_PKISI *refusal(const Decision &decision)
{
    const RefusalRow &row = refusalRow(*decision.refusal);
    const Reason reason = reasonOf(decision);
    logRefusal(QtInfoMsg, QStringLiteral("rejecting (%1): %2 (%3)")
                              .arg(QLatin1String(row.name), reason.ru, reason.en));
    return status(OSSL_CMP_PKISTATUS_rejection, failureBit(row.failure),
                  taggedText({{QStringLiteral("ru"), reason.ru},
                              {QStringLiteral("kk"), reason.kk},
                              {QStringLiteral("en"), reason.en}}));
}

OSSL_CMP_PKISI *refusal(const std::optional<Refusal> &refused)
{
    Decision decision;
    decision.refusal = refused;
    return refusal(decision);
}

// A new request starts as the policy decided: approved at once, or waiting for approvals.
void startAs(RequestRecord &draft, const Decision &decision)
{
    draft.status = decision.status;
    draft.approvalsNeeded = decision.approvalsNeeded;
    draft.approveAfter = decision.approveAfter;
}

QHash<QString, QString> requestAttributes(const OSSL_CRMF_MSG *crm)
{
    QHash<QString, QString> attributes;
    const X509_EXTENSIONS *extensions =
        OSSL_CRMF_CERTTEMPLATE_get0_extensions(OSSL_CRMF_MSG_get0_tmpl(crm));
    for (int i = 0; extensions && i < sk_X509_EXTENSION_num(extensions); ++i) {
        X509_EXTENSION *ext = sk_X509_EXTENSION_value(extensions, i);
        char oid[128] = {};
        OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
        const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
        const unsigned char *p = ASN1_STRING_get0_data(data);
        std::unique_ptr<ASN1_UTF8STRING, OpenSslDeleter<ASN1_UTF8STRING, ASN1_UTF8STRING_free>>
            value(d2i_ASN1_UTF8STRING(nullptr, &p, ASN1_STRING_length(data)));
        if (value)
            attributes.insert(QString::fromLatin1(oid),
                              QString::fromUtf8(reinterpret_cast<const char *>(
                                                    ASN1_STRING_get0_data(value.get())),
                                                ASN1_STRING_length(value.get())));
    }
    return attributes;
}

bool validNow(const X509 *cert)
{
    return X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
           X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
}

} // namespace kk::ra::cmp
