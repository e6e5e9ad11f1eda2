#include "keykiosk/enroll/cmpclient.h"

#include "cmpinternal.h"
#include "keykiosk/enroll/roles.h"
#include "keykiosk/faultpoint.h"
#include "keykiosk/languagetext.h"
#include "keykiosk/logging.h"
#include "keykiosk/x509text.h"
#include "transportcause.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

#include <csignal>
#include <cstring>
#include <ctime>
#include <memory>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>

#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace kk {

namespace {
// The Russian identifiers, by OID (their short names differ between OpenSSL versions).
const char kOidInn[] = "1.2.643.3.131.1.1";
const char kOidSnils[] = "1.2.643.100.3";

struct ExtensionsDeleter
{
    void operator()(X509_EXTENSIONS *extensions) const
    {
        sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    }
};

} // namespace

QString cmpStatusText(OSSL_CMP_CTX *ctx)
{
    QStringList texts;
    const OSSL_CMP_PKIFREETEXT *strings = OSSL_CMP_CTX_get0_statusString(ctx);
    for (int i = 0; strings && i < sk_ASN1_UTF8STRING_num(strings); ++i) {
        const ASN1_UTF8STRING *s = sk_ASN1_UTF8STRING_value(strings, i);
        texts << QString::fromUtf8(reinterpret_cast<const char *>(ASN1_STRING_get0_data(s)),
                                   ASN1_STRING_length(s));
    }
    return texts.join(QLatin1Char(' '));
}

std::optional<ProfileStatus> statusAfter(const EnrollStep &step)
{
    switch (step.state) {
    case EnrollState::Waiting:
        return ProfileStatus::AcceptedByBank;
    case EnrollState::Issued:
        return ProfileStatus::NewCertificateReceived;
    case EnrollState::Rejected:
        return step.error.code == ErrorCode::CertificateExpiredSeeStaff
                   ? ProfileStatus::Expired
                   : ProfileStatus::RegistrationRefused;
    case EnrollState::Failed:
        break;
    }
    return std::nullopt;
}

void CmpRequest::CtxDeleter::operator()(OSSL_CMP_CTX *ctx) const
{
    OSSL_CMP_CTX_free(ctx);
}

CmpRequest::CmpRequest(const CmpEndpoint &endpoint, int bodyType, X509 *protectingCert,
                       EVP_PKEY *protectingKey, EVP_PKEY *newKey, CertificateSink sink)
    : m_ctx(OSSL_CMP_CTX_new(nullptr, nullptr)), m_bodyType(bodyType),
      m_bankCa(certFromPem(endpoint.bankCaPem)), m_sink(std::move(sink)),
      m_addresses(endpoint.addresses)
{
    m_clientRules = endpoint.clientCertificates;
    X509Ptr raCert = certFromPem(endpoint.raCertPem);
    if (newKey && EVP_PKEY_up_ref(newKey))
        m_newKey.reset(newKey);
    OSSL_CMP_CTX *ctx = m_ctx.get();
    const bool ok =
        ctx && raCert && m_bankCa && m_newKey && !m_addresses.isEmpty() && useAddress(0) &&
        OSSL_CMP_CTX_set1_srvCert(ctx, raCert.get()) &&
        OSSL_CMP_CTX_set1_cert(ctx, protectingCert) && OSSL_CMP_CTX_set1_pkey(ctx, protectingKey) &&
        EVP_PKEY_up_ref(newKey) && OSSL_CMP_CTX_set0_newPkey(ctx, 1, newKey) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_MSG_TIMEOUT, endpoint.messageTimeoutSeconds) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_TOTAL_TIMEOUT, endpoint.totalTimeoutSeconds) &&
        // A transaction's messages on one connection if the bank keeps it (over HTTPS, one TLS
        // handshake instead of two or more); a write to a connection the bank closed is an
        // error (BrokenPipeIsAnError), and transfer() sends again.
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_KEEP_ALIVE, 1) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_IMPLICIT_CONFIRM, 0) &&
        OSSL_CMP_CTX_set_http_cb(ctx, &CmpRequest::tlsBio) &&
        OSSL_CMP_CTX_set_transfer_cb(ctx, &CmpRequest::transfer) &&
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx, this) &&
        OSSL_CMP_CTX_set_certConf_cb(ctx, &KeyUpdate::certConfCallback) &&
        OSSL_CMP_CTX_set_certConf_cb_arg(ctx, this);
    if (!ok)
        failSetup(QStringLiteral("CMP setup"));
    if (ctx)
        OSSL_CMP_CTX_set_log_verbosity(ctx, OSSL_CMP_LOG_ERR);
}

CmpRequest::~CmpRequest() = default;

void CmpRequest::failSetup(const QString &what)
{
    if (!m_setupError)
        m_setupError =
            Error(ErrorCode::Internal, QStringLiteral("%1 failed: %2").arg(what, opensslErrors()));
}

KeyUpdate::KeyUpdate(const CmpEndpoint &endpoint, X509 *oldCert, EVP_PKEY *oldKey, EVP_PKEY *newKey,
                     CertificateSink sink, const QString &sitting)
    : CmpRequest(endpoint, kBodyKur, oldCert, oldKey, newKey, std::move(sink))
{
    if (!context() || !OSSL_CMP_CTX_set1_oldCert(context(), oldCert) ||
        !setRequestAttributes({{roles::kRequestSitting, sitting}}))
        failSetup(QStringLiteral("CMP key update setup"));
    // A renewal keeps the holder: the new certificate names exactly whom the old one named.
    std::shared_ptr<X509_NAME> oldSubject(
        oldCert ? X509_NAME_dup(X509_get_subject_name(oldCert)) : nullptr, X509_NAME_free);
    m_expectation = [oldSubject](X509 *cert) -> Error {
        if (!oldSubject || X509_NAME_cmp(X509_get_subject_name(cert), oldSubject.get()) != 0)
            return Error(ErrorCode::NewCertificateInvalid,
                         QStringLiteral("the new certificate names another subject than the "
                                        "current one"));
        return {};
    };
}

bool CmpRequest::setRequestAttributes(
    const std::initializer_list<std::pair<const char *, QString>> &attributes)
{
    // Non-critical extensions of the certificate template, UTF8String values; empty ones are
    // left out. The RA stores them with the request; they never reach the certificate.
    std::unique_ptr<X509_EXTENSIONS, ExtensionsDeleter> extensions(sk_X509_EXTENSION_new_null());
    bool ok = context() && extensions;
    int count = 0;
    for (const auto &[oid, value] : attributes) {
        if (!ok)
            break;
        if (value.isEmpty())
            continue;
        const QByteArray utf8 = value.toUtf8();
        std::unique_ptr<ASN1_UTF8STRING, OpenSslDeleter<ASN1_UTF8STRING, ASN1_UTF8STRING_free>>
            text(ASN1_UTF8STRING_new());
        Asn1ObjectPtr object(OBJ_txt2obj(oid, 1));
        const QByteArray der = text && ASN1_STRING_set(text.get(), utf8.constData(), utf8.size())
                                   ? derBytes([&text](unsigned char **out) {
                                         return i2d_ASN1_UTF8STRING(text.get(), out);
                                     })
                                   : QByteArray();
        Asn1OctetStringPtr data(ASN1_OCTET_STRING_new());
        ok = object && !der.isEmpty() && data &&
             ASN1_OCTET_STRING_set(
                 data.get(), reinterpret_cast<const unsigned char *>(der.constData()), der.size());
        X509_EXTENSION *ext =
            ok ? X509_EXTENSION_create_by_OBJ(nullptr, object.get(), 0, data.get()) : nullptr;
        ok = ext && sk_X509_EXTENSION_push(extensions.get(), ext);
        if (!ok)
            X509_EXTENSION_free(ext);
        ++count;
    }
    if (!ok)
        return false;
    if (count == 0)
        return true; // nothing to say: the template carries no extensions
    if (!OSSL_CMP_CTX_set0_reqExtensions(context(), extensions.get()))
        return false;
    extensions.release(); // the context owns them now
    return true;
}

InitialRequest::InitialRequest(const CmpEndpoint &endpoint, X509 *staffCert, EVP_PKEY *staffKey,
                               EVP_PKEY *newKey, const InitialRequestInfo &info,
                               CertificateSink sink)
    : CmpRequest(endpoint, kBodyIr, staffCert, staffKey, newKey, std::move(sink))
{
    OSSL_CMP_CTX *ctx = context();
    // Whom it is for: the bank looks the abonent up and takes the subject from its register.
    X509NamePtr subject(X509_NAME_new());
    auto addName = [&subject](const char *field, const QString &value) {
        const QByteArray utf8 = value.toUtf8();
        return value.isEmpty() ||
               X509_NAME_add_entry_by_txt(subject.get(), field, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char *>(utf8.constData()),
                                          -1, -1, 0);
    };
    bool ok = ctx && subject && addName("UID", info.uid) && addName(kOidSnils, info.snils) &&
              addName(kOidInn, info.inn) && OSSL_CMP_CTX_set1_subjectName(ctx, subject.get());
    // What staff checked: request attributes, never copied into the certificate.
    ok = ok && setRequestAttributes(
                   {{roles::kRequestCase, info.caseKind},
                    {roles::kRequestApplication, info.application},
                    {roles::kRequestApplicationDate, info.applicationDate.toString(Qt::ISODate)},
                    {roles::kRequestChecklist, info.checklist.join(QLatin1Char(','))},
                    {roles::kRequestSitting, info.sitting}});
    if (!ok)
        failSetup(QStringLiteral("CMP initial request setup"));
    // The certificate must name the abonent asked for.
    m_expectation = [info](X509 *cert) -> Error {
        const X509_NAME *name = X509_get_subject_name(cert);
        if ((!info.uid.isEmpty() && nameField(name, "UID") != info.uid) ||
            (!info.snils.isEmpty() && nameField(name, kOidSnils) != info.snils) ||
            (!info.inn.isEmpty() && nameField(name, kOidInn) != info.inn))
            return Error(ErrorCode::NewCertificateInvalid,
                         QStringLiteral("the certificate names another abonent than the one "
                                        "asked for"));
        return {};
    };
}

int CmpRequest::certConfCallback(OSSL_CMP_CTX *ctx, X509 *cert, int failInfo, const char **text)
{
    auto *self = static_cast<CmpRequest *>(OSSL_CMP_CTX_get_certConf_cb_arg(ctx));
    if (failInfo != 0 || !cert)
        return failInfo;
    return self->checkAndStore(cert, text);
}

int CmpRequest::checkAndStore(X509 *cert, const char **text)
{
    // 1. It carries the new public key (the one whose private half is on the token).
    if (EVP_PKEY_eq(X509_get0_pubkey(cert), m_newKey.get()) != 1) {
        m_sinkError = Error(ErrorCode::NewCertificateInvalid,
                            QStringLiteral("the certificate does not carry the new public key"));
        *text = "certificate does not match the new key";
        return 1 << OSSL_CMP_PKIFAILUREINFO_incorrectData;
    }
    // 2. It chains to the bank CA, now.
    X509StorePtr store(X509_STORE_new());
    X509StoreCtxPtr verify(X509_STORE_CTX_new());
    X509_STORE_add_cert(store.get(), m_bankCa.get());
    if (!verify || X509_STORE_CTX_init(verify.get(), store.get(), cert, nullptr) != 1 ||
        X509_verify_cert(verify.get()) != 1) {
        const int code = verify ? X509_STORE_CTX_get_error(verify.get()) : 0;
        m_sinkError = Error(ErrorCode::NewCertificateInvalid,
                            QStringLiteral("the certificate does not chain to the bank CA: %1")
                                .arg(QString::fromLatin1(X509_verify_cert_error_string(code))));
        *text = "certificate not trusted";
        return 1 << OSSL_CMP_PKIFAILUREINFO_incorrectData;
    }
    // 3. It is a client certificate of this bank: key usage, extended key usage, the client
    // policy, CA:FALSE, a sane validity.
    if (Error e = checkClientCertificate(cert, m_clientRules, QDateTime::currentDateTimeUtc())) {
        m_sinkError = e;
        *text = "certificate is not a client certificate";
        return 1 << OSSL_CMP_PKIFAILUREINFO_incorrectData;
    }
    // 4. What else it must show: the old certificate's subject (a key update), the abonent an
    // initial request asked for.
    if (m_expectation) {
        if (Error e = m_expectation(cert)) {
            m_sinkError = e;
            *text = "certificate names another subject";
            return 1 << OSSL_CMP_PKIFAILUREINFO_incorrectData;
        }
    }
    // 5. On the token before the bank hears "accepted".
    const QByteArray certDer =
        derBytes([cert](unsigned char **out) { return i2d_X509(cert, out); });
    if (Error e = m_sink(certDer)) {
        m_sinkError = e;
        *text = "certificate could not be stored on the token";
        return 1 << OSSL_CMP_PKIFAILUREINFO_systemFailure;
    }
    m_storedCert = certDer;
    return 0;
}

EnrollStep CmpRequest::step()
{
    EnrollStep result;
    if (m_setupError) {
        result.error = m_setupError;
        return result;
    }
    ERR_clear_error();
    int checkAfter = 0;
    m_lastRequestBody = m_lastResponseBody = -1;
    m_transportCause.clear();
    int rv = OSSL_CMP_try_certreq(m_ctx.get(), m_bodyType, nullptr, &checkAfter);
    // An error message answering a poll or a confirmation is no decision on the request: the
    // bank lost the transaction (a restart, another node, a forged message in between). The
    // request goes again, with the same key, and the bank continues the request it holds for
    // that key (docs/architecture.md, "The bank's transactions").
    for (int resend = 0;
         rv == 0 && !m_sinkError && resend < 2 && m_lastResponseBody == kBodyError &&
         (m_lastRequestBody == kBodyPollReq || m_lastRequestBody == kBodyCertConf);
         ++resend) {
        qCWarning(lcEnroll) << "the bank does not know the transaction any more ("
                            << cmpStatusText(m_ctx.get()) << "); sending the request again";
        ERR_clear_error();
        if (!OSSL_CMP_CTX_reinit(m_ctx.get()))
            break;
        m_lastRequestBody = m_lastResponseBody = -1;
        rv = OSSL_CMP_try_certreq(m_ctx.get(), m_bodyType, nullptr, &checkAfter);
    }
    const int status = OSSL_CMP_CTX_get_status(m_ctx.get());
    result.serverText = cmpStatusText(m_ctx.get());
    result.failInfo = OSSL_CMP_CTX_get_failInfoCode(m_ctx.get());
    if (rv == 1) {
        result.state = EnrollState::Issued;
        result.certDer = m_storedCert;
        qCInfo(lcEnroll) << "new certificate received and stored";
        return result;
    }
    if (rv == -1) {
        result.state = EnrollState::Waiting;
        result.checkAfterSeconds = checkAfter;
        qCInfo(lcEnroll) << "the bank accepted the request; check again after" << checkAfter
                         << "s:" << readableTaggedText(result.serverText);
        return result;
    }
    const QString details = opensslErrors();
    if (m_sinkError) {
        result.state = EnrollState::Failed;
        result.error = m_sinkError;
    } else if (status == OSSL_CMP_PKISTATUS_rejection &&
               (m_lastResponseBody == kBodyIp || m_lastResponseBody == kBodyCp ||
                m_lastResponseBody == kBodyKup)) {
        // Only the answer to the request itself is the bank's decision; an error message is not.
        result.state = EnrollState::Rejected;
        const int fail = result.failInfo;
        const ErrorCode code =
            fail & (1 << OSSL_CMP_PKIFAILUREINFO_badTime) ? ErrorCode::CertificateExpiredSeeStaff
            : fail & (1 << OSSL_CMP_PKIFAILUREINFO_certRevoked) ? ErrorCode::CertificateRevoked
                                                                : ErrorCode::BankRejected;
        result.error = Error(code, QStringLiteral("bank refused: %1 (failInfo 0x%2)")
                                       .arg(readableTaggedText(result.serverText))
                                       .arg(fail, 0, 16));
    } else if (tlsRefused(details)) {
        // The bank's TLS certificate did not verify, or the handshake was refused: not a
        // transport hiccup (a handshake the other end cut off is one, below).
        result.state = EnrollState::Failed;
        result.error =
            Error(ErrorCode::BankProtocolError, QStringLiteral("TLS to the bank failed: %1 (%2)")
                                                    .arg(transportCause(details), details));
    } else if (status < 0 || details.contains(QLatin1String("connect")) ||
               details.contains(QLatin1String("HTTP")) ||
               details.contains(QLatin1String("SSL routines")) ||
               details.contains(QLatin1String("timeout"))) {
        result.state = EnrollState::Failed;
        result.error =
            Error(ErrorCode::BankUnreachable,
                  QStringLiteral("CMP transport: %1 (%2)")
                      .arg(m_transportCause.isEmpty() ? transportCause(details) : m_transportCause,
                           details));
    } else {
        result.state = EnrollState::Failed;
        result.error = Error(
            ErrorCode::BankProtocolError,
            QStringLiteral("CMP status %1: %2 %3").arg(status).arg(result.serverText, details));
    }
    qCWarning(lcEnroll) << result.error.logText();
    return result;
}

} // namespace kk
