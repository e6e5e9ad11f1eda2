#pragma once
// A CMP client with software keys on OpenSSL's own client, for the RA's tests: its certificate
// comes from the RA's CA and is entered into the RA's register (the bank knows the
// certificates it issued). It renews in one go (renew) or a step at a time (begin, step),
// and records every message it sends.
#include "harness.h"

#include "raservice.h"

#include <QProcess>
#include <QTemporaryDir>

#include <openssl/cmp.h>
#include <openssl/pem.h>

namespace kk::test {

struct Exchange
{
    QVector<QByteArray> requests; // kur, pollReq..., certConf
    int outcome = 0;
};

// Records every request a real OpenSSL client sends, and forwards it over HTTP.
inline OSSL_CMP_MSG *recordAndSend(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *exchange = static_cast<Exchange *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    unsigned char *der = nullptr;
    const int length = i2d_OSSL_CMP_MSG(req, &der);
    exchange->requests << QByteArray(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return OSSL_CMP_MSG_http_perform(ctx, req);
}

constexpr int kBodyError = 23; // RFC 4210 5.1.2

// The body type of a CMP message, -1 if it is none.
inline int bodyType(const std::string &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.data());
    CmpMsgPtr msg(d2i_OSSL_CMP_MSG(nullptr, &p, long(der.size())));
    return msg ? OSSL_CMP_MSG_get_bodytype(msg.get()) : -1;
}

inline X509Ptr readPem(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// A client with software keys and a certificate from the RA's CA, entered into the RA's
// register (the bank knows the certificates it issued).
struct SoftClient
{
    // The request under way (begin/step).
    std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx;
    EvpPkeyPtr newKey;
    Exchange pending;
    X509Ptr issued;

    EvpPkeyPtr oldKey{EVP_EC_gen("P-256")};
    X509Ptr oldCert;
    QString firstCertPath; // the certificate it started with

    bool make(const RaServer &ra, QTemporaryDir &scratch,
              const QString &uid = QStringLiteral("FUZZ-1"))
    {
        unsigned char *spki = nullptr;
        const int length = i2d_PUBKEY(oldKey.get(), &spki);
        QFile pub(scratch.filePath(uid + QStringLiteral(".pub.der")));
        pub.open(QIODevice::WriteOnly);
        pub.write(reinterpret_cast<const char *>(spki), length);
        pub.close();
        OPENSSL_free(spki);
        const QString pem = scratch.filePath(uid + QStringLiteral(".pem"));
        if (QProcess::execute(harnessPath("testpki"),
                              {QStringLiteral("issue"), QStringLiteral("--dir"), ra.dir(),
                               QStringLiteral("--spki"), pub.fileName(),
                               QStringLiteral("--pem-out"), pem, QStringLiteral("--cn"),
                               QStringLiteral("Fuzz Client"), QStringLiteral("--uid"), uid,
                               QStringLiteral("--not-after-days"), QStringLiteral("20")}) != 0)
            return false;
        int registered = -1;
        ra.cli({QStringLiteral("certificates"), QStringLiteral("import"), pem}, &registered);
        firstCertPath = pem;
        oldCert = readPem(pem);
        return oldCert && registered == 0;
    }

    // A kur with a new key, not sent yet: each step() sends the next message (the request,
    // then polls) and returns OpenSSL's answer: 1 issued, -1 waiting, 0 failed.
    void begin(const RaServer &ra)
    {
        newKey.reset(EVP_EC_gen("P-256"));
        pending = Exchange();
        ctx.reset(clientContext(ra, newKey.get(), &pending));
    }
    int step(quint16 port)
    {
        OSSL_CMP_CTX_set_serverPort(ctx.get(), port);
        int checkAfter = 0;
        const int rv = OSSL_CMP_try_certreq(ctx.get(), 7 /* kur */, nullptr, &checkAfter);
        if (rv == 1) {
            X509 *cert = OSSL_CMP_CTX_get0_newCert(ctx.get());
            X509_up_ref(cert);
            issued.reset(cert);
        }
        return rv;
    }
    int status() const { return OSSL_CMP_CTX_get_status(ctx.get()); }

    OSSL_CMP_CTX *clientContext(const RaServer &ra, EVP_PKEY *key, Exchange *exchange) const
    {
        X509Ptr raCert = readPem(ra.raCertPath());
        OSSL_CMP_CTX *c = OSSL_CMP_CTX_new(nullptr, nullptr);
        OSSL_CMP_CTX_set1_server(c, "127.0.0.1");
        OSSL_CMP_CTX_set_serverPort(c, ra.port());
        OSSL_CMP_CTX_set1_serverPath(c, "/.well-known/cmp");
        OSSL_CMP_CTX_set1_srvCert(c, raCert.get());
        OSSL_CMP_CTX_set1_cert(c, oldCert.get());
        OSSL_CMP_CTX_set1_pkey(c, oldKey.get());
        OSSL_CMP_CTX_set1_oldCert(c, oldCert.get());
        EVP_PKEY_up_ref(key);
        OSSL_CMP_CTX_set0_newPkey(c, 1, key);
        OSSL_CMP_CTX_set_option(c, OSSL_CMP_OPT_KEEP_ALIVE, 0);
        OSSL_CMP_CTX_set_transfer_cb(c, recordAndSend);
        OSSL_CMP_CTX_set_transfer_cb_arg(c, exchange);
        OSSL_CMP_CTX_set_log_verbosity(c, OSSL_CMP_LOG_ERR);
        return c;
    }

    Exchange renew(const RaServer &ra)
    {
        Exchange exchange;
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        OSSL_CMP_CTX *ctx = clientContext(ra, newKey.get(), &exchange);
        X509 *issued = OSSL_CMP_exec_certreq(ctx, 7 /* kur */, nullptr); // polls by itself
        exchange.outcome = issued != nullptr;
        if (issued) { // the renewed key is the one in operation now
            X509_up_ref(issued);
            oldCert.reset(issued);
            oldKey = std::move(newKey);
        }
        OSSL_CMP_CTX_free(ctx);
        return exchange;
    }
};

// A renewal that gives up after `seconds` without an answer (OpenSSL's message timeout).
inline int renewWithin(SoftClient &client, const RaServer &ra, int seconds)
{
    client.begin(ra);
    OSSL_CMP_CTX_set_option(client.ctx.get(), OSSL_CMP_OPT_MSG_TIMEOUT, seconds);
    OSSL_CMP_CTX_set_option(client.ctx.get(), OSSL_CMP_OPT_TOTAL_TIMEOUT, 3 * seconds);
    int rv = -1;
    while (rv == -1)
        rv = client.step(ra.port());
    return rv;
}

} // namespace kk::test
