#include "opensslcmpfloor.h"

#include "cmpder.h"
#include "keykiosk/opensslptr.h"

#include <QByteArray>

#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <QElapsedTimer>

#include <cstdio>
#include <ctime>
#include <thread>

namespace kk::bench {

namespace {

constexpr int kBodyKur = 7; // PKIBody's kur (RFC 4210 5.1.2); OpenSSL 3.0 has no public name

double threadCpuMs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

X509NamePtr nameOf(const char *commonName)
{
    X509NamePtr name(X509_NAME_new());
    X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    return name;
}

// A certificate for `key`, issued by `issuer` (itself when null) and signed with `issuerKey`.
X509Ptr certificate(const char *commonName, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuerKey,
                    bool ca)
{
    X509Ptr cert(X509_new());
    const X509NamePtr subject = nameOf(commonName);
    static long serial = 1;
    X509V3_CTX v3{};
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    if (!X509_set_version(cert.get(), 2) ||
        !ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++) ||
        !X509_set_subject_name(cert.get(), subject.get()) ||
        !X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject.get()) ||
        !X509_set_pubkey(cert.get(), key) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L))
        return nullptr;
    const std::pair<int, const char *> extensions[] = {
        {NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        {NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
        {NID_subject_key_identifier, "hash"}};
    for (const auto &[nid, value] : extensions) {
        X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value));
        if (!ext || !X509_add_ext(cert.get(), ext.get(), -1))
            return nullptr;
    }
    if (X509_sign(cert.get(), issuerKey, EVP_sha256()) <= 0)
        return nullptr;
    return cert;
}

// The bank's side of one renewal at a time.
struct Bank
{
    EvpPkeyPtr caKey{EVP_EC_gen("P-256")};
    X509Ptr caCert = certificate("floor CA", caKey.get(), nullptr, caKey.get(), true);
    EvpPkeyPtr raKey{EVP_EC_gen("P-256")};
    X509Ptr raCert = certificate("floor RA", raKey.get(), caCert.get(), caKey.get(), false);
    X509StorePtr trusted{X509_STORE_new()};
    CmpSrvCtxPtr server{nullptr};
    X509 *clientCert = nullptr; // the kiosk's current certificate
    EVP_PKEY *newKey = nullptr; // the kiosk's new key, for the certificate the signer makes
    OpenSslCmpShare share;
    double callbackMs = 0; // the certificate request callback's, taken out of the kur's
    bool failed = false;
};

OSSL_CMP_PKISI *onCertRequest(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *, int,
                              const OSSL_CRMF_MSG *, const X509_REQ *, X509 **certOut,
                              STACK_OF(X509) * *chainOut, STACK_OF(X509) * *caPubs)
{
    auto *bank = static_cast<Bank *>(OSSL_CMP_SRV_CTX_get0_custom_ctx(srv));
    const double entered = threadCpuMs();
    *chainOut = nullptr;
    *caPubs = nullptr;
    // The signer process's work, not timed: the certificate, as DER.
    const X509Ptr made =
        certificate("floor client", bank->newKey, bank->caCert.get(), bank->caKey.get(), false);
    const QByteArray der =
        made ? derBytes([&made](unsigned char **out) { return i2d_X509(made.get(), out); })
             : QByteArray();
    // The RA's: the signer's answer parsed into the X509 OpenSSL wants.
    const double parseStart = threadCpuMs();
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    *certOut = d2i_X509(nullptr, &p, der.size());
    const double parsed = threadCpuMs();
    bank->share.issuedCertMs += parsed - parseStart;
    bank->callbackMs += parsed - entered;
    if (!*certOut) {
        bank->failed = true;
        return nullptr;
    }
    return OSSL_CMP_STATUSINFO_new(OSSL_CMP_PKISTATUS_accepted, 0, nullptr);
}

int onCertConf(OSSL_CMP_SRV_CTX *, const OSSL_CMP_MSG *, int, const ASN1_OCTET_STRING *,
               const OSSL_CMP_PKISI *)
{
    return 1;
}

// The client's transport: the request crosses as DER, as over HTTP; only the bank's side is
// timed.
OSSL_CMP_MSG *transfer(OSSL_CMP_CTX *client, const OSSL_CMP_MSG *request)
{
    auto *bank = static_cast<Bank *>(OSSL_CMP_CTX_get_transfer_cb_arg(client));
    const QByteArray der =
        derBytes([request](unsigned char **out) { return i2d_OSSL_CMP_MSG(request, out); });
    const bool kur = OSSL_CMP_MSG_get_bodytype(request) == kBodyKur;

    double t = threadCpuMs();
    if (kur) {
        // A new transaction: its server context, as RaService::newTransaction builds it.
        bank->server.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
        OSSL_CMP_CTX *cmp = OSSL_CMP_SRV_CTX_get0_cmp_ctx(bank->server.get());
        X509_STORE_up_ref(bank->trusted.get());
        if (!OSSL_CMP_CTX_set1_cert(cmp, bank->raCert.get()) ||
            !OSSL_CMP_CTX_set1_pkey(cmp, bank->raKey.get()) ||
            !OSSL_CMP_CTX_set0_trustedStore(cmp, bank->trusted.get()) ||
            !OSSL_CMP_SRV_CTX_init(bank->server.get(), bank, onCertRequest, nullptr, nullptr,
                                   nullptr, onCertConf, nullptr))
            return nullptr;
        OSSL_CMP_SRV_CTX_set_accept_unprotected(bank->server.get(), 0);
        OSSL_CMP_SRV_CTX_set_grant_implicit_confirm(bank->server.get(), 0);
        const double built = threadCpuMs();
        bank->share.contextMs += built - t;
        t = built;
    }
    OSSL_CMP_CTX *cmp = OSSL_CMP_SRV_CTX_get0_cmp_ctx(bank->server.get());

    // Parsed as the RA parses it: without extraCerts, whose certificate the RA's cache holds
    // already parsed (certificatecache.h); so the cached one stands in for it here.
    const QByteArray stripped = ra::withoutExtraCerts(der);
    const QVector<QByteArray> extraCerts = ra::extraCertsDer(der);
    const QByteArray &body = stripped.isEmpty() ? der : stripped;
    const auto *p = reinterpret_cast<const unsigned char *>(body.constData());
    CmpMsgPtr parsed(d2i_OSSL_CMP_MSG(nullptr, &p, body.size()));
    double now = threadCpuMs();
    bank->share.parseMs += now - t;
    t = now;
    if (!parsed || extraCerts.isEmpty())
        return nullptr;
    X509 *sender = bank->clientCert; // the cache's entry for extraCerts' first certificate

    if (kur) {
        // The path, once per client certificate; then the certificate is named to OpenSSL,
        // which checks only the signature and the sender against it (sendercertificates.h).
        X509StoreCtxPtr path(X509_STORE_CTX_new());
        if (!path || !X509_STORE_CTX_init(path.get(), bank->trusted.get(), sender, nullptr) ||
            X509_verify_cert(path.get()) != 1)
            bank->failed = true;
        now = threadCpuMs();
        bank->share.pathMs += now - t;
        t = now;
    }
    OSSL_CMP_CTX_set1_srvCert(cmp, sender);

    bank->callbackMs = 0;
    CmpMsgPtr answer(OSSL_CMP_SRV_process_request(bank->server.get(), parsed.get()));
    now = threadCpuMs();
    (kur ? bank->share.kurMs : bank->share.certConfMs) += now - t - bank->callbackMs;
    t = now;
    const QByteArray answerDer = answer ? derBytes([&answer](unsigned char **out) {
        return i2d_OSSL_CMP_MSG(answer.get(), out);
    })
                                        : QByteArray();
    bank->share.encodeMs += threadCpuMs() - t;

    const auto *a = reinterpret_cast<const unsigned char *>(answerDer.constData());
    return answerDer.isEmpty() ? nullptr : d2i_OSSL_CMP_MSG(nullptr, &a, answerDer.size());
}

} // namespace

OpenSslCmpShare measureOpenSslCmpShare(int rounds)
{
    Bank bank;
    if (!bank.caCert || !bank.raCert || !bank.trusted ||
        !X509_STORE_add_cert(bank.trusted.get(), bank.caCert.get()))
        return {};
    EvpPkeyPtr clientKey(EVP_EC_gen("P-256"));
    X509Ptr clientCert =
        certificate("floor client", clientKey.get(), bank.caCert.get(), bank.caKey.get(), false);
    bank.clientCert = clientCert.get();
    for (int i = 0; i < rounds && !bank.failed; ++i) {
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        bank.newKey = newKey.get();
        CmpCtxPtr client(OSSL_CMP_CTX_new(nullptr, nullptr));
        if (!client || !OSSL_CMP_CTX_set1_cert(client.get(), clientCert.get()) ||
            !OSSL_CMP_CTX_set1_pkey(client.get(), clientKey.get()) ||
            !OSSL_CMP_CTX_set1_oldCert(client.get(), clientCert.get()) ||
            !OSSL_CMP_CTX_set1_srvCert(client.get(), bank.raCert.get()) ||
            !OSSL_CMP_CTX_set0_newPkey(client.get(), 1, newKey.release()) ||
            !OSSL_CMP_CTX_set_transfer_cb(client.get(), transfer) ||
            !OSSL_CMP_CTX_set_transfer_cb_arg(client.get(), &bank))
            break;
        X509 *issued = OSSL_CMP_exec_certreq(client.get(), OSSL_CMP_KUR, nullptr);
        if (!issued || OSSL_CMP_CTX_get_status(client.get()) != OSSL_CMP_PKISTATUS_accepted)
            break;
        ++bank.share.renewals;
    }
    ERR_clear_error();
    OpenSslCmpShare perRenewal = bank.share;
    const double n = perRenewal.renewals > 0 ? perRenewal.renewals : 1;
    for (double *part :
         {&perRenewal.contextMs, &perRenewal.parseMs, &perRenewal.pathMs, &perRenewal.kurMs,
          &perRenewal.issuedCertMs, &perRenewal.certConfMs, &perRenewal.encodeMs})
        *part /= n;
    return perRenewal;
}

namespace {

struct CryptoFloor
{
    double signMs = 0, verifyMs = 0;
};

// ECDSA P-256 with SHA-256 over a CMP-sized message, as the bank's renewal does it.
CryptoFloor measureCryptoFloor()
{
    constexpr int kRounds = 2000;
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    const QByteArray message(600, 'm');
    const auto *data = reinterpret_cast<const unsigned char *>(message.constData());
    unsigned char signature[80];
    std::size_t length = sizeof signature;
    CryptoFloor floor;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < kRounds; ++i) {
        EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        length = sizeof signature;
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
        EVP_DigestSign(ctx.get(), signature, &length, data, std::size_t(message.size()));
    }
    floor.signMs = double(t.nsecsElapsed()) / 1e6 / kRounds;
    t.restart();
    for (int i = 0; i < kRounds; ++i) {
        EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get());
        EVP_DigestVerify(ctx.get(), signature, length, data, std::size_t(message.size()));
    }
    floor.verifyMs = double(t.nsecsElapsed()) / 1e6 / kRounds;
    return floor;
}

} // namespace

// The floors: the crypto alone, and OpenSSL's CMP server with it (opensslcmpfloor.h).
int printFloors(int renewals)
{
    const CryptoFloor floor = measureCryptoFloor();
    constexpr int kRaVerifications = 4, kRaSignatures = 2, kSignerSignatures = 1;
    const double raFloor = kRaVerifications * floor.verifyMs + kRaSignatures * floor.signMs;
    std::printf("\ncrypto floor of one renewal at the bank: the RA's %d ECDSA P-256 verifications "
                "(%.3f ms each) + %d signatures (%.3f ms each) = %.2f ms; with the signer's %d "
                "signature, %.2f ms. Clients and bank share the %u cores.\n",
                kRaVerifications, floor.verifyMs, kRaSignatures, floor.signMs, raFloor,
                kSignerSignatures, raFloor + kSignerSignatures * floor.signMs,
                std::thread::hardware_concurrency());
    const OpenSslCmpShare share = measureOpenSslCmpShare(renewals);
    if (share.renewals < renewals) {
        std::printf("OpenSSL's CMP server alone: failed after %d of %d renewals\n", share.renewals,
                    renewals);
        return 1;
    }
    std::printf("OpenSSL 3.0's CMP server alone, in one thread (no HTTP, register, signer or "
                "logging; %d renewals): %.2f ms of CPU per renewal = server context %.3f + "
                "parsing both requests %.3f + the client certificate's path %.3f + kur %.3f + "
                "the issued certificate's parsing %.3f + certConf %.3f + encoding both answers "
                "%.3f. The RA's budget is 0.6 ms.\n",
                share.renewals, share.totalMs(), share.contextMs, share.parseMs, share.pathMs,
                share.kurMs, share.issuedCertMs, share.certConfMs, share.encodeMs);
    return 0;
}

} // namespace kk::bench
