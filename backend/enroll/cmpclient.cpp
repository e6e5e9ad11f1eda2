#include "keykiosk/enroll/cmpclient.h"

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
// OSSL_CMP_PKIBODY_* are not public in OpenSSL 3.0 (RFC 4210 5.1.2 numbering).
constexpr int kBodyIr = 0, kBodyIp = 1, kBodyCp = 3, kBodyKur = 7, kBodyKup = 8, kBodyCertConf = 24,
              kBodyError = 23, kBodyPollReq = 25;
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

// OpenSSL's own HTTP exchange, with the kill point where the bank has heard "accepted" and
// the kiosk has not yet read the answer (docs/architecture.md, "The kill matrix"). What was
// sent and what came back decide what a failure means (CmpRequest::step).
namespace {
QString opensslErrors();

// While it lives, a write to a connection the bank closed (a kept one, after its idle time)
// is an error for this thread instead of a SIGPIPE that ends the process: OpenSSL writes to
// the socket without MSG_NOSIGNAL, and the client runs in processes that do not all ignore
// SIGPIPE (the kiosk does; tests and tools embed this client too). The signal is blocked for
// this thread and, if the write raised one, taken back before the mask is restored.
class BrokenPipeIsAnError
{
public:
    BrokenPipeIsAnError()
    {
        sigemptyset(&m_pipe);
        sigaddset(&m_pipe, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        m_alreadyPending = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &m_pipe, &m_previous);
    }
    ~BrokenPipeIsAnError()
    {
        sigset_t pending;
        sigpending(&pending);
        if (!m_alreadyPending && sigismember(&pending, SIGPIPE) == 1) {
            const timespec now{0, 0};
            sigtimedwait(&m_pipe, nullptr, &now);
        }
        pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
    }
    BrokenPipeIsAnError(const BrokenPipeIsAnError &) = delete;
    BrokenPipeIsAnError &operator=(const BrokenPipeIsAnError &) = delete;

private:
    sigset_t m_pipe{}, m_previous{};
    bool m_alreadyPending = false;
};
} // namespace

OSSL_CMP_MSG *CmpRequest::transfer(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *request)
{
    auto *self = static_cast<CmpRequest *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    const BrokenPipeIsAnError noSigpipe;
    OSSL_CMP_MSG *response = OSSL_CMP_MSG_http_perform(ctx, request);
    // The connection kept from the last message may have been closed by the bank in the
    // meantime (its idle time is short; a poll comes seconds later): OpenSSL has dropped it,
    // and the same node is asked again on a new connection before any other.
    if (!response && self && self->m_connectionMayBeKept) {
        qCInfo(lcEnroll).noquote() << "the kept connection to the bank failed (" << opensslErrors()
                                   << "); sending again on a new one";
        response = OSSL_CMP_MSG_http_perform(ctx, request);
    }
    // No answer from this node (down, refusing, a TLS or HTTP failure): the same message to
    // the next ones, in order. Any node continues the transaction from the shared register.
    const int tried = self ? self->m_address : 0;
    for (int step = 1; !response && self && step < self->m_addresses.size(); ++step) {
        const int next = (tried + step) % self->m_addresses.size();
        qCWarning(lcEnroll).noquote()
            << "no answer from the bank at" << self->m_addresses[self->m_address].host
            << self->m_addresses[self->m_address].port << "(" << opensslErrors() << "); trying"
            << self->m_addresses[next].host << self->m_addresses[next].port;
        if (!self->useAddress(next))
            break;
        response = OSSL_CMP_MSG_http_perform(ctx, request);
    }
    if (!response && self) {
        // OpenSSL reports its last retry ("connect timeout"); ask the node once more, plainly,
        // what the first failure was (ERR_peek keeps the queue for step()).
        char last[256] = {};
        ERR_error_string_n(ERR_peek_last_error(), last, sizeof last);
        if (std::strstr(last, "connect")) {
            const BankAddress &address = self->m_addresses[self->m_address];
            self->m_transportCause = connectCause(address.host, address.port, 2000);
        }
    }
    if (response && OSSL_CMP_MSG_get_bodytype(request) == kBodyCertConf)
        KK_FAULT_POINT("bank-confirmed");
    if (self) {
        self->m_connectionMayBeKept = response != nullptr;
        self->m_lastRequestBody = OSSL_CMP_MSG_get_bodytype(request);
        self->m_lastResponseBody = response ? OSSL_CMP_MSG_get_bodytype(response) : -1;
    }
    return response;
}

namespace {

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

struct BankTls
{
    SSL_CTX *ctx = nullptr;
    std::string sniHost; // empty for an IP address
    ~BankTls() { SSL_CTX_free(ctx); }
};

namespace {

Expected<std::shared_ptr<const BankTls>>
makeBankTls(const QString &host, const QByteArray &bankCaPem, const BankTlsOptions &options)
{
    auto tls = std::make_shared<BankTls>();
    tls->ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *ctx = tls->ctx;
    auto failed = [](const QString &what) {
        return Error(ErrorCode::Internal,
                     QStringLiteral("bank TLS: %1: %2").arg(what, opensslErrors()));
    };
    // TLS 1.2 at least, and for 1.2 only AEAD suites with forward secrecy.
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        !SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20"))
        return failed(QStringLiteral("setup"));
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    if (!options.pinnedCertPath.isEmpty()) {
        // Exactly this certificate: it is its own trust anchor, whatever its issuer or name.
        QFile file(options.pinnedCertPath);
        X509Ptr pinned(file.open(QIODevice::ReadOnly) ? certFromPem(file.readAll()) : nullptr);
        if (!pinned || !X509_STORE_add_cert(store, pinned.get()))
            return failed(QStringLiteral("cannot read the pinned certificate %1")
                              .arg(options.pinnedCertPath));
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    } else {
        X509Ptr ca = certFromPem(bankCaPem);
        const QByteArray name = host.toUtf8();
        const bool ip = !QHostAddress(host).isNull();
        if (!ca || !X509_STORE_add_cert(store, ca.get()) ||
            !(ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.constData())
                 : X509_VERIFY_PARAM_set1_host(param, name.constData(), std::size_t(name.size()))))
            return failed(QStringLiteral("cannot check %1 against the bank CA").arg(host));
        if (!ip)
            tls->sniHost = name.toStdString();
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!options.clientCertPath.isEmpty() &&
        (SSL_CTX_use_certificate_chain_file(ctx, QFile::encodeName(options.clientCertPath)) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx, QFile::encodeName(options.clientKeyPath),
                                     SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_check_private_key(ctx) != 1))
        return failed(QStringLiteral("cannot load the kiosk's certificate %1 and key %2")
                          .arg(options.clientCertPath, options.clientKeyPath));
    return std::shared_ptr<const BankTls>(std::move(tls));
}

} // namespace

Expected<CmpEndpoint> CmpEndpoint::fromFiles(const QString &urls, const QString &raCertPath,
                                             const QString &bankCaPath, const BankTlsOptions &tls)
{
    CmpEndpoint endpoint;
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
    const QStringList list =
        urls.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
    if (list.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("bank URL must be https://host:port/path, not '%1'").arg(urls));
    for (const QString &url : list) {
        const QUrl parsed(url);
        const bool https = parsed.scheme() == QLatin1String("https");
        if (!parsed.isValid() || (!https && parsed.scheme() != QLatin1String("http")) ||
            parsed.host().isEmpty())
            return Error(
                ErrorCode::Internal,
                QStringLiteral("bank URL must be https://host:port/path, not '%1'").arg(url));
        if (!https && !tls.allowPlainHttp)
            return Error(ErrorCode::Internal,
                         QStringLiteral("bank URL %1 is plain HTTP: client names, INN and SNILS "
                                        "would travel in clear text; use https, or set "
                                        "allowPlainHttp")
                             .arg(url));
        BankAddress address;
        address.host = parsed.host();
        address.port = parsed.port(https ? 443 : 80);
        if (!parsed.path().isEmpty())
            address.path = parsed.path();
        if (https) {
            // Each node is checked for its own name (or address) against the bank CA.
            auto context = makeBankTls(address.host, endpoint.bankCaPem, tls);
            if (!context)
                return context.error();
            address.tls = context.value();
        } else {
            qCWarning(lcEnroll) << "the bank is reached over plain HTTP (" << url
                                << "): client names, INN and SNILS travel in clear text";
        }
        endpoint.addresses.append(address);
    }
    return endpoint;
}

BIO *CmpRequest::tlsBio(BIO *bio, void *arg, int connect, int detail)
{
    const auto *tls = static_cast<const BankTls *>(arg);
    if (connect) {
        // A request is several TLS records (or the header and the body): with Nagle's
        // algorithm the last one waits for the bank's delayed ACK, 40 ms a message.
        int fd = -1;
        if (bio && BIO_get_fd(bio, &fd) > 0 && fd >= 0) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        if (!detail || !tls) // detail: TLS wanted
            return bio;
        SSL *ssl = SSL_new(tls->ctx);
        BIO *sslBio = ssl ? BIO_new(BIO_f_ssl()) : nullptr;
        if (!sslBio) {
            SSL_free(ssl);
            return nullptr;
        }
        if (!tls->sniHost.empty())
            SSL_set_tlsext_host_name(ssl, tls->sniHost.c_str());
        SSL_set_connect_state(ssl);
        BIO_set_ssl(sslBio, ssl, BIO_CLOSE);
        return BIO_push(sslBio, bio);
    }
    // Disconnecting: TLS off, the connection underneath handed back to OpenSSL's HTTP code.
    if (bio && BIO_method_type(bio) == BIO_TYPE_SSL) {
        ERR_set_mark();
        BIO_ssl_shutdown(bio);
        BIO *underneath = BIO_pop(bio);
        BIO_free(bio);
        ERR_pop_to_mark();
        return underneath;
    }
    return bio;
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

bool CmpRequest::useAddress(int index)
{
    OSSL_CMP_CTX *ctx = m_ctx.get();
    const BankAddress &address = m_addresses[index];
    const QByteArray host = address.host.toUtf8(), path = address.path.toUtf8();
    m_address = index;
    // tlsBio with no BankTls leaves the connection plain (http://, allowed by the config).
    return ctx && OSSL_CMP_CTX_set1_server(ctx, host.constData()) &&
           OSSL_CMP_CTX_set_serverPort(ctx, address.port) &&
           OSSL_CMP_CTX_set1_serverPath(ctx, path.constData()) &&
           OSSL_CMP_CTX_set_http_cb_arg(ctx, const_cast<BankTls *>(address.tls.get()));
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
