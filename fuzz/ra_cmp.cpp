// The RA's CMP message handler (RaService::handle) on any bytes. The bank here is made at
// start: a CA, the RA's certificate, and a client certificate in the register. Its real
// messages (a kur, two pollReqs, a certConf from a whole renewal) are written into the corpus
// directory as seeds, so that mutations start from messages that pass the protection check
// (extraCerts lie outside the protection and reach the key update's checks).
#include "raservice.h"
#include "store.h"

#include "keykiosk/enroll/roles.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <openssl/cmp.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <cstdlib>

using namespace kk;
using namespace kk::ra;

namespace {

X509Ptr makeCert(EVP_PKEY *key, const char *cn, const char *uid, X509 *issuer, EVP_PKEY *issuerKey,
                 const char *policy, bool ca)
{
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), long(std::rand()) + 2);
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cn), -1, -1, 0);
    if (uid)
        X509_NAME_add_entry_by_txt(name, "UID", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(uid), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 20);
    X509_set_pubkey(cert.get(), key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    X509ExtensionPtr basic(X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                               ca ? "critical,CA:TRUE" : "critical,CA:FALSE"));
    X509ExtensionPtr keyId(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_key_identifier, "hash"));
    X509_add_ext(cert.get(), basic.get(), -1);
    X509_add_ext(cert.get(), keyId.get(), -1);
    if (policy)
        addCertificatePolicies(cert.get(), {QString::fromLatin1(policy)});
    X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256());
    return cert;
}

struct Bank
{
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    std::unique_ptr<RaService> service;
    EvpPkeyPtr caKey{EVP_EC_gen("P-256")}, raKey{EVP_EC_gen("P-256")},
        clientKey{EVP_EC_gen("P-256")};
    X509Ptr caCert, raCert, clientCert;

    RaIdentity identity()
    {
        RaIdentity id;
        X509_up_ref(caCert.get());
        id.caCert.reset(caCert.get());
        EVP_PKEY_up_ref(caKey.get());
        id.caKey.reset(caKey.get());
        X509_up_ref(raCert.get());
        id.raCert.reset(raCert.get());
        EVP_PKEY_up_ref(raKey.get());
        id.raKey.reset(raKey.get());
        return id;
    }
};

Bank *g_bank = nullptr;

struct Seeds
{
    RaService *service = nullptr;
    QVector<QByteArray> messages;
};

OSSL_CMP_MSG *inProcess(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *seeds = static_cast<Seeds *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    const QByteArray der =
        derBytes([req](unsigned char **out) { return i2d_OSSL_CMP_MSG(req, out); });
    seeds->messages << der;
    const QByteArray response = seeds->service->handle(der);
    const auto *p = reinterpret_cast<const unsigned char *>(response.constData());
    return d2i_OSSL_CMP_MSG(nullptr, &p, response.size());
}

// A whole renewal against a bank that waits for an operator: kur, pollReq, (approval),
// pollReq, certConf.
QVector<QByteArray> realMessages(Bank &bank)
{
    RaPolicy manual;
    manual.approval = ApprovalMode::Manual;
    RaService service(bank.identity(), manual, bank.store.get());
    Seeds seeds;
    seeds.service = &service;
    EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
    std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
        OSSL_CMP_CTX_new(nullptr, nullptr));
    OSSL_CMP_CTX_set1_srvCert(ctx.get(), bank.raCert.get());
    OSSL_CMP_CTX_set1_cert(ctx.get(), bank.clientCert.get());
    OSSL_CMP_CTX_set1_pkey(ctx.get(), bank.clientKey.get());
    OSSL_CMP_CTX_set1_oldCert(ctx.get(), bank.clientCert.get());
    EVP_PKEY_up_ref(newKey.get());
    OSSL_CMP_CTX_set0_newPkey(ctx.get(), 1, newKey.get());
    OSSL_CMP_CTX_set_transfer_cb(ctx.get(), inProcess);
    OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &seeds);
    int checkAfter = 0;
    OSSL_CMP_try_certreq(ctx.get(), 7, nullptr, &checkAfter); // kur: waiting
    OSSL_CMP_try_certreq(ctx.get(), 7, nullptr, &checkAfter); // pollReq: waiting
    auto requests = bank.store->list();
    if (requests && !requests.value().isEmpty())
        bank.store->approve(requests.value().first().id, QStringLiteral("fuzz"));
    OSSL_CMP_try_certreq(ctx.get(), 7, nullptr, &checkAfter); // pollReq, ip, certConf
    return seeds.messages;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    QLoggingCategory::setFilterRules(QStringLiteral("kk.*=false")); // no log per input
    auto *bank = new Bank;                                          // for the whole run
    bank->caCert =
        makeCert(bank->caKey.get(), "Fuzz Bank CA", nullptr, nullptr, nullptr, nullptr, true);
    bank->raCert = makeCert(bank->raKey.get(), "Fuzz RA", nullptr, bank->caCert.get(),
                            bank->caKey.get(), roles::kRaPolicy, false);
    bank->clientCert = makeCert(bank->clientKey.get(), "Fuzz Client", "FUZZ-1", bank->caCert.get(),
                                bank->caKey.get(), roles::kClientPolicy, false);
    auto store = Store::open(bank->dir.filePath(QStringLiteral("ra.db")));
    if (!store)
        std::abort();
    bank->store = store.takeValue();
    CertificateRecord client;
    client.serial = serialHex(bank->clientCert.get());
    client.abonentUid = QStringLiteral("FUZZ-1");
    client.subject = subjectLine(bank->clientCert.get());
    client.notAfter = notAfterOf(bank->clientCert.get());
    client.der =
        derBytes([bank](unsigned char **out) { return i2d_X509(bank->clientCert.get(), out); });
    if (bank->store->registerCertificate(client, QStringLiteral("fuzz")))
        std::abort();

    // Seeds into the first corpus directory given.
    for (int i = 1; i < *argc; ++i) {
        const QString arg = QString::fromLocal8Bit((*argv)[i]);
        if (arg.startsWith(QLatin1Char('-')) || !QDir(arg).exists())
            continue;
        const QVector<QByteArray> messages = realMessages(*bank);
        for (int m = 0; m < messages.size(); ++m) {
            QFile seed(QDir(arg).filePath(QStringLiteral("seed-%1.der").arg(m)));
            if (seed.open(QIODevice::WriteOnly))
                seed.write(messages[m]);
        }
        break;
    }
    RaPolicy policy; // auto approval at once: a request that passes goes all the way
    policy.autoDelaySeconds = 0;
    bank->service = std::make_unique<RaService>(bank->identity(), policy, bank->store.get());
    g_bank = bank;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), int(size));
    g_bank->service->handle(bytes);
    return 0;
}
