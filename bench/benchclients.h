#pragma once
// What the RA benchmarks share: software-key clients with certificates from the bank CA, one
// renewal each, and percentiles.
#include "harness.h"

#include "keykiosk/enroll/roles.h"
#include "keykiosk/opensslptr.h"

#include <QFile>
#include <QSet>
#include <QTemporaryDir>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <openssl/cmp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <functional>
#include <mutex>
#include <vector>

namespace kk::test {

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

inline X509Ptr readCert(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

inline EvpPkeyPtr readKey(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    return EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// A client certificate from the bank CA, for a software key (the throughput clients).
inline X509Ptr issueClientCert(EVP_PKEY *key, X509 *ca, EVP_PKEY *caKey, int n)
{
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1000 + n);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 20);
    const QByteArray cn = QByteArray("Bench Client ") + QByteArray::number(n);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn.constData()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(ca));
    X509_set_pubkey(cert.get(), key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca, cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION *ku =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_key_usage, "critical,digitalSignature");
    X509_add_ext(cert.get(), ku, -1);
    X509_EXTENSION_free(ku);
    // The bank's client profile, by its certificate policy.
    CERTIFICATEPOLICIES *policies = sk_POLICYINFO_new_null();
    POLICYINFO *info = POLICYINFO_new();
    ASN1_OBJECT_free(info->policyid);
    info->policyid = OBJ_txt2obj(roles::kClientPolicy, 1);
    sk_POLICYINFO_push(policies, info);
    X509_add1_ext_i2d(cert.get(), NID_certificate_policies, policies, 0, X509V3_ADD_DEFAULT);
    CERTIFICATEPOLICIES_free(policies);
    X509_sign(cert.get(), caKey, EVP_sha256());
    return cert;
}

// As the kiosk's connections (cmpclient.cpp, tlsBio): no Nagle delay. A request is two writes
// (headers, body); on a kept connection the second would wait for the bank's delayed ACK.
inline BIO *noDelay(BIO *bio, void *, int connect, int)
{
    int fd = -1;
    if (connect && bio && BIO_get_fd(bio, &fd) > 0 && fd >= 0) {
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return bio;
}

// One renewal, sent where `route` points the context (a server's address, or a transfer
// callback over several nodes); on success the client works with the new key and certificate
// (its old one is superseded: a certificate renews once).
inline bool softwareKur(X509 *raCert, X509Ptr &oldCert, EvpPkeyPtr &oldKey,
                        const std::function<void(OSSL_CMP_CTX *)> &route)
{
    std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
        OSSL_CMP_CTX_new(nullptr, nullptr));
    OSSL_CMP_CTX_set1_server(ctx.get(), "127.0.0.1");
    OSSL_CMP_CTX_set1_serverPath(ctx.get(), "/.well-known/cmp");
    route(ctx.get());
    OSSL_CMP_CTX_set1_srvCert(ctx.get(), raCert);
    OSSL_CMP_CTX_set1_cert(ctx.get(), oldCert.get());
    OSSL_CMP_CTX_set1_pkey(ctx.get(), oldKey.get());
    OSSL_CMP_CTX_set1_oldCert(ctx.get(), oldCert.get());
    EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
    EVP_PKEY_up_ref(newKey.get());
    OSSL_CMP_CTX_set0_newPkey(ctx.get(), 1, newKey.get());
    // The kiosk's way (cmpclient.cpp): the certConf on the kur's connection when the bank keeps it.
    OSSL_CMP_CTX_set_option(ctx.get(), OSSL_CMP_OPT_KEEP_ALIVE, 1);
    OSSL_CMP_CTX_set_http_cb(ctx.get(), noDelay);
    OSSL_CMP_CTX_set_log_verbosity(ctx.get(), OSSL_CMP_LOG_EMERG);
    X509 *issued = OSSL_CMP_exec_certreq(ctx.get(), 7 /* kur */, nullptr);
    if (!issued)
        return false;
    X509_up_ref(issued);
    oldCert.reset(issued);
    oldKey = std::move(newKey);
    return true;
}

inline bool softwareKur(const RaServer &ra, X509 *raCert, X509Ptr &oldCert, EvpPkeyPtr &oldKey)
{
    return softwareKur(raCert, oldCert, oldKey,
                       [&ra](OSSL_CMP_CTX *ctx) { OSSL_CMP_CTX_set_serverPort(ctx, ra.port()); });
}

// Every certificate the clients received, by serial and by the key it certifies: each must
// come once, for one new key.
class IssuedCertificates
{
public:
    void add(X509 *cert)
    {
        const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
        unsigned char digest[SHA256_DIGEST_LENGTH];
        unsigned int length = 0;
        X509_pubkey_digest(cert, EVP_sha256(), digest, &length);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_serials.insert(QByteArray(reinterpret_cast<const char *>(serial->data), serial->length));
        m_keys.insert(QByteArray(reinterpret_cast<const char *>(digest), int(length)));
    }
    int serials() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return int(m_serials.size());
    }
    int keys() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return int(m_keys.size());
    }

private:
    mutable std::mutex m_mutex;
    QSet<QByteArray> m_serials, m_keys;
};

// `count` clients with software keys and certificates from the RA's CA, entered into its
// register (the bank knows its clients' certificates). False if the register refused them.
inline bool makeClients(const RaServer &ra, int count, std::vector<EvpPkeyPtr> &keys,
                        std::vector<X509Ptr> &certs)
{
    X509Ptr ca = readCert(ra.caCertPath());
    EvpPkeyPtr caKey = readKey(ra.dir() + QStringLiteral("/ca.key.pem"));
    QTemporaryDir pems;
    QStringList import = {QStringLiteral("certificates"), QStringLiteral("import")};
    for (int i = 0; i < count; ++i) {
        keys.emplace_back(EVP_EC_gen("P-256"));
        certs.push_back(issueClientCert(keys.back().get(), ca.get(), caKey.get(), i));
        const QString path = pems.filePath(QStringLiteral("client%1.pem").arg(i));
        BioPtr out(BIO_new_file(QFile::encodeName(path).constData(), "w"));
        PEM_write_bio_X509(out.get(), certs.back().get());
        import << path;
    }
    int registered = -1;
    ra.cli(import, &registered);
    return registered == 0;
}

} // namespace kk::test
