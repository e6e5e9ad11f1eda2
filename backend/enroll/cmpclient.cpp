#include "keykiosk/enroll/cmpclient.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/logging.h"

#include <QFile>
#include <QUrl>

#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

namespace kk {

namespace {
// OSSL_CMP_PKIBODY_* are not public in OpenSSL 3.0 (RFC 4210 5.1.2 numbering).
constexpr int kBodyKur = 7, kBodyCertConf = 24;

// OpenSSL's own HTTP exchange, with the kill point where the bank has heard "accepted" and
// the kiosk has not yet read the answer (docs/architecture.md, "The kill matrix").
OSSL_CMP_MSG *transfer(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *request)
{
    OSSL_CMP_MSG *response = OSSL_CMP_MSG_http_perform(ctx, request);
    if (response && OSSL_CMP_MSG_get_bodytype(request) == kBodyCertConf)
        KK_FAULT_POINT("bank-confirmed");
    return response;
}

X509Ptr certFromPem(const QByteArray &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.constData(), pem.size()));
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

QString opensslErrors()
{
    QStringList lines;
    unsigned long e;
    char buffer[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buffer, sizeof buffer);
        lines << QString::fromLatin1(buffer);
    }
    return lines.join(QStringLiteral("; "));
}

QString statusText(OSSL_CMP_CTX *ctx)
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
} // namespace

Expected<CmpEndpoint> CmpEndpoint::fromFiles(const QString &url, const QString &raCertPath,
                                             const QString &bankCaPath)
{
    const QUrl parsed(url);
    if (!parsed.isValid() || parsed.scheme() != QLatin1String("http") || parsed.host().isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("bank URL must be http://host:port/path, not '%1'").arg(url));
    CmpEndpoint endpoint;
    endpoint.host = parsed.host();
    endpoint.port = parsed.port(80);
    if (!parsed.path().isEmpty())
        endpoint.path = parsed.path();
    for (const auto &[path, target] :
         {std::pair{raCertPath, &endpoint.raCertPem}, std::pair{bankCaPath, &endpoint.bankCaPem}}) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorCode::Internal, QStringLiteral("cannot read %1").arg(path));
        *target = file.readAll();
        if (!certFromPem(*target))
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 is not a PEM certificate").arg(path));
    }
    return endpoint;
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

void KeyUpdate::CtxDeleter::operator()(OSSL_CMP_CTX *ctx) const
{
    OSSL_CMP_CTX_free(ctx);
}

KeyUpdate::KeyUpdate(const CmpEndpoint &endpoint, X509 *oldCert, EVP_PKEY *oldKey, EVP_PKEY *newKey,
                     CertificateSink sink)
    : m_ctx(OSSL_CMP_CTX_new(nullptr, nullptr)), m_bankCa(certFromPem(endpoint.bankCaPem)),
      m_sink(std::move(sink))
{
    X509Ptr raCert = certFromPem(endpoint.raCertPem);
    if (newKey && EVP_PKEY_up_ref(newKey))
        m_newKey.reset(newKey);
    OSSL_CMP_CTX *ctx = m_ctx.get();
    const QByteArray host = endpoint.host.toUtf8(), path = endpoint.path.toUtf8();
    const bool ok =
        ctx && raCert && m_bankCa && m_newKey && OSSL_CMP_CTX_set1_server(ctx, host.constData()) &&
        OSSL_CMP_CTX_set_serverPort(ctx, endpoint.port) &&
        OSSL_CMP_CTX_set1_serverPath(ctx, path.constData()) &&
        OSSL_CMP_CTX_set1_srvCert(ctx, raCert.get()) && OSSL_CMP_CTX_set1_cert(ctx, oldCert) &&
        OSSL_CMP_CTX_set1_pkey(ctx, oldKey) && OSSL_CMP_CTX_set1_oldCert(ctx, oldCert) &&
        EVP_PKEY_up_ref(newKey) && OSSL_CMP_CTX_set0_newPkey(ctx, 1, newKey) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_MSG_TIMEOUT, endpoint.messageTimeoutSeconds) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_TOTAL_TIMEOUT, endpoint.totalTimeoutSeconds) &&
        // A kept-alive connection that the server closed kills certConf (SIGPIPE).
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_KEEP_ALIVE, 0) &&
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_IMPLICIT_CONFIRM, 0) &&
        OSSL_CMP_CTX_set_transfer_cb(ctx, &transfer) &&
        OSSL_CMP_CTX_set_certConf_cb(ctx, &KeyUpdate::certConfCallback) &&
        OSSL_CMP_CTX_set_certConf_cb_arg(ctx, this);
    if (!ok)
        m_setupError =
            Error(ErrorCode::Internal, QStringLiteral("CMP setup failed: %1").arg(opensslErrors()));
    if (ctx)
        OSSL_CMP_CTX_set_log_verbosity(ctx, OSSL_CMP_LOG_ERR);
}

KeyUpdate::~KeyUpdate() = default;

int KeyUpdate::certConfCallback(OSSL_CMP_CTX *ctx, X509 *cert, int failInfo, const char **text)
{
    auto *self = static_cast<KeyUpdate *>(OSSL_CMP_CTX_get_certConf_cb_arg(ctx));
    if (failInfo != 0 || !cert)
        return failInfo;
    return self->checkAndStore(cert, text);
}

int KeyUpdate::checkAndStore(X509 *cert, const char **text)
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
    // 3. On the token before the bank hears "accepted".
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

EnrollStep KeyUpdate::step()
{
    EnrollStep result;
    if (m_setupError) {
        result.error = m_setupError;
        return result;
    }
    ERR_clear_error();
    int checkAfter = 0;
    const int rv = OSSL_CMP_try_certreq(m_ctx.get(), kBodyKur, nullptr, &checkAfter);
    const int status = OSSL_CMP_CTX_get_status(m_ctx.get());
    result.serverText = statusText(m_ctx.get());
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
                         << "s:" << result.serverText;
        return result;
    }
    const QString details = opensslErrors();
    if (m_sinkError) {
        result.state = EnrollState::Failed;
        result.error = m_sinkError;
    } else if (status == OSSL_CMP_PKISTATUS_rejection) {
        result.state = EnrollState::Rejected;
        const int fail = result.failInfo;
        const ErrorCode code =
            fail & (1 << OSSL_CMP_PKIFAILUREINFO_badTime) ? ErrorCode::CertificateExpiredSeeStaff
            : fail & (1 << OSSL_CMP_PKIFAILUREINFO_certRevoked) ? ErrorCode::CertificateRevoked
                                                                : ErrorCode::BankRejected;
        result.error = Error(code, QStringLiteral("bank refused: %1 (failInfo 0x%2)")
                                       .arg(result.serverText)
                                       .arg(fail, 0, 16));
    } else if (status < 0 || details.contains(QLatin1String("connect")) ||
               details.contains(QLatin1String("HTTP")) ||
               details.contains(QLatin1String("timeout"))) {
        result.state = EnrollState::Failed;
        result.error =
            Error(ErrorCode::BankUnreachable, QStringLiteral("CMP transport: %1").arg(details));
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
