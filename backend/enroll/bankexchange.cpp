#include "keykiosk/enroll/cmpclient.h"

// The exchange with the bank: the endpoint read from files, TLS to it with the pinned
// certificate, OpenSSL's HTTP transfer with the kill point, and the bank's addresses in turn.

#include "cmpinternal.h"
#include "keykiosk/faultpoint.h"
#include "keykiosk/logging.h"
#include "transportcause.h"

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

namespace kk {

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

// OpenSSL's own HTTP exchange, with the kill point where the bank has heard "accepted" and
// the kiosk has not yet read the answer (docs/architecture.md, "The kill matrix"). What was
// sent and what came back decide what a failure means (CmpRequest::step).
namespace {

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

BankTls::~BankTls()
{
    SSL_CTX_free(ctx);
}

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

} // namespace kk
