// kk-token-audit: what a token holds, for the crash tests - every object set by id with its
// labels, and for each certificate in operation whether its private key still signs (a
// signature made on the token, checked with the certificate's public key). Then the key sets
// by what the keys are (token/keypairs.h): halves without their other half, keys whose CKA_ID
// is not the SHA-1 of their public key (but for the ids the test provisioned itself), and
// objects that belong to no profile. A process of its own, so that the test never keeps a
// PKCS#11 module loaded across the kiosk's runs.
//   kk-token-audit --module PATH --pin PIN [--label TOKEN] [--provisioned-ids 01,5a]
#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/token/keypairs.h"
#include "keykiosk/token/pkcs11module.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSet>

#include <openssl/ecdsa.h>
#include <openssl/sha.h>

#include <cstdio>

using namespace kk;

namespace {

// Signs a SHA-256 digest with the private key `id`, on the token, and checks the signature
// against the certificate.
bool signsAndVerifies(CK_FUNCTION_LIST *p11, CK_SESSION_HANDLE session, const QByteArray &id,
                      const QByteArray &certDer)
{
    const auto *c = reinterpret_cast<const unsigned char *>(certDer.constData());
    X509Ptr cert(d2i_X509(nullptr, &c, certDer.size()));
    if (!cert)
        return false;
    EVP_PKEY *pub = X509_get0_pubkey(cert.get());
    const bool ec = EVP_PKEY_get_base_id(pub) == EVP_PKEY_EC;
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE query[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_ID, const_cast<char *>(id.constData()), CK_ULONG(id.size())}};
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE;
    CK_ULONG found = 0;
    if (p11->C_FindObjectsInit(session, query, 2) != CKR_OK)
        return false;
    p11->C_FindObjects(session, &key, 1, &found);
    p11->C_FindObjectsFinal(session);
    if (found != 1)
        return false;
    const QByteArray message("kill matrix: does this key still sign?");
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char *>(message.constData()),
           std::size_t(message.size()), digest);
    CK_MECHANISM mechanism{ec ? CKM_ECDSA : CKM_SHA256_RSA_PKCS, nullptr, 0};
    unsigned char signature[512];
    CK_ULONG length = sizeof signature;
    const bool signedOk =
        p11->C_SignInit(session, &mechanism, key) == CKR_OK &&
        (ec ? p11->C_Sign(session, digest, sizeof digest, signature, &length)
            : p11->C_Sign(
                  session,
                  reinterpret_cast<unsigned char *>(const_cast<char *>(message.constData())),
                  CK_ULONG(message.size()), signature, &length)) == CKR_OK;
    if (!signedOk)
        return false;
    EvpPkeyCtxPtr verify(EVP_PKEY_CTX_new(pub, nullptr));
    if (!verify || EVP_PKEY_verify_init(verify.get()) != 1)
        return false;
    if (ec) { // PKCS#11 gives r || s; OpenSSL wants DER
        std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG, ECDSA_SIG_free>> sig(ECDSA_SIG_new());
        const int half = int(length / 2);
        ECDSA_SIG_set0(sig.get(), BN_bin2bn(signature, half, nullptr),
                       BN_bin2bn(signature + half, half, nullptr));
        const QByteArray der =
            derBytes([&sig](unsigned char **out) { return i2d_ECDSA_SIG(sig.get(), out); });
        return EVP_PKEY_verify(verify.get(),
                               reinterpret_cast<const unsigned char *>(der.constData()),
                               std::size_t(der.size()), digest, sizeof digest) == 1;
    }
    EVP_PKEY_CTX_set_rsa_padding(verify.get(), RSA_PKCS1_PADDING);
    EVP_PKEY_CTX_set_signature_md(verify.get(), EVP_sha256());
    return EVP_PKEY_verify(verify.get(), signature, length, digest, sizeof digest) == 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("module"), QStringLiteral("PKCS#11 module"), QStringLiteral("path")});
    parser.addOption({QStringLiteral("pin"), QStringLiteral("user PIN"), QStringLiteral("pin")});
    parser.addOption({QStringLiteral("label"),
                      QStringLiteral("the token's label (default: the first)"),
                      QStringLiteral("label")});
    parser.addOption({QStringLiteral("provisioned-ids"),
                      QStringLiteral("key ids the test wrote itself (not SHA-1 of the key)"),
                      QStringLiteral("hex,..."), QStringLiteral("01")});
    parser.process(app);
    auto module = Pkcs11Module::load(parser.value(QStringLiteral("module")));
    if (!module) {
        std::fprintf(stderr, "%s\n", qPrintable(module.error().logText()));
        return 1;
    }
    auto tokens = module.value()->tokens();
    if (!tokens || tokens->isEmpty()) {
        std::fprintf(stderr, "no token\n");
        return 1;
    }
    TokenInfo token = tokens->first();
    for (const TokenInfo &t : tokens.value()) {
        if (t.label == parser.value(QStringLiteral("label")))
            token = t;
    }
    auto session = module.value()->openSession(token.slotId, false);
    const QByteArray pin = parser.value(QStringLiteral("pin")).toUtf8();
    if (!session ||
        session.value()
            ->login(SecureBuffer::fromText(std::string_view(pin.constData(), pin.size())))
            .error) {
        std::fprintf(stderr, "login failed\n");
        return 1;
    }
    auto entries = session.value()->keyEntries();
    if (!entries)
        return 1;
    int live = 0, archived = 0, newCertificates = 0, keysWithoutCertificate = 0, unverified = 0;
    for (const TokenKeyEntry &e : entries.value()) {
        std::printf("object %s key-label \"%s\" certificate-label \"%s\" private %d public %d "
                    "certificate %d\n",
                    e.id.toHex().constData(), qPrintable(e.label), qPrintable(e.certificateLabel),
                    int(e.hasPrivateKey), int(e.hasPublicKey), int(!e.certificateDer.isEmpty()));
        if (e.certificateDer.isEmpty()) {
            keysWithoutCertificate += e.hasPrivateKey;
            continue;
        }
        if (isArchivedLabel(e.certificateLabel)) {
            ++archived;
        } else if (!renewedKeyIdIn(e.certificateLabel).isEmpty()) {
            ++newCertificates; // written inside certConf, not yet in operation
        } else {
            ++live;
            const bool ok = signsAndVerifies(module.value()->functions(), session.value()->handle(),
                                             e.id, e.certificateDer);
            unverified += !ok;
            std::printf("live %s signature %s\n", e.id.toHex().constData(),
                        ok ? "verifies" : "FAILS");
        }
    }
    // The key sets by what the keys are.
    auto pairs = readKeyPairs(*session.value());
    if (!pairs)
        return 1;
    QSet<QByteArray> profiles{initialProfileId()}; // what a lifecycle label may name
    for (const KeyPair &pair : pairs.value()) {
        for (const TokenObject &c : pair.certificates)
            profiles.insert(c.id);
    }
    QSet<QByteArray> provisioned;
    for (const QString &id :
         parser.value(QStringLiteral("provisioned-ids")).split(QLatin1Char(',')))
        provisioned.insert(QByteArray::fromHex(id.toLatin1()));
    int halves = 0, badIds = 0, orphans = 0;
    for (const KeyPair &pair : pairs.value()) {
        const bool half = (pair.privateKey.has_value() != pair.publicKey.has_value()) ||
                          (!pair.privateKey && !pair.publicKey);
        bool idOk = !pair.spki.isEmpty();
        bool belongs = !pair.certificates.isEmpty();
        QStringList ids;
        for (const TokenObject *o : pair.objects()) {
            ids << QString::fromLatin1(o->id.toHex());
            idOk = idOk && (o->id == pair.keyId() || provisioned.contains(o->id));
            const QByteArray named = renewedKeyIdIn(o->label);
            belongs = belongs || (!named.isEmpty() && profiles.contains(named));
        }
        halves += half;
        badIds += !idOk;
        orphans += !belongs;
        std::printf("pair %s private %d public %d certificates %d ids %s%s%s%s\n",
                    pair.keyId().toHex().constData(), int(pair.privateKey.has_value()),
                    int(pair.publicKey.has_value()), int(pair.certificates.size()),
                    qPrintable(ids.join(QLatin1Char(','))), half ? " HALF" : "",
                    idOk ? "" : " BAD-ID", belongs ? "" : " ORPHAN");
    }
    std::printf("summary live-certificates=%d archived=%d new-certificates=%d "
                "keys-without-certificate=%d unverified=%d halves=%d bad-ids=%d orphans=%d\n",
                live, archived, newCertificates, keysWithoutCertificate, unverified, halves, badIds,
                orphans);
    return 0;
}
