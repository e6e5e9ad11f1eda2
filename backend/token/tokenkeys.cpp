#include "keykiosk/token/pkcs11module.h"

// A session's keys: what the token is asked for to make a key pair of each algorithm, the key
// identifier, a public key as SubjectPublicKeyInfo, and the checks that a key was made on the
// token and never left it. A new key algorithm goes here (keyPairRecipe, signingMechanisms).

#include "attributetemplate.h"
#include "publickeys.h"

#include "keykiosk/logging.h"
#include "keykiosk/opensslptr.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

namespace kk {

QByteArray subjectKeyIdentifier(const QByteArray &spkiDer)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spkiDer.constData());
    X509PubkeyPtr pub(d2i_X509_PUBKEY(nullptr, &p, spkiDer.size()));
    const unsigned char *bits = nullptr;
    int bitsLength = 0;
    if (!pub || !X509_PUBKEY_get0_param(nullptr, &bits, &bitsLength, nullptr, pub.get()))
        return {};
    QByteArray digest(SHA_DIGEST_LENGTH, Qt::Uninitialized);
    SHA1(bits, std::size_t(bitsLength), reinterpret_cast<unsigned char *>(digest.data()));
    return digest;
}

Expected<QByteArray> TokenSession::spkiFromPublicKeyObject(CK_OBJECT_HANDLE object)
{
    // A public key object; a private key too, where the token shows its public material.
    auto keyType = attribute(object, CKA_KEY_TYPE);
    if (!keyType || keyType->size() != int(sizeof(CK_KEY_TYPE)))
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("public key has no readable CKA_KEY_TYPE"));
    const CK_KEY_TYPE type = *reinterpret_cast<const CK_KEY_TYPE *>(keyType->constData());
    QByteArray spki;
    if (type == CKK_EC) {
        auto params = attribute(object, CKA_EC_PARAMS);
        auto point = attribute(object, CKA_EC_POINT);
        if (!params || !point)
            return Error(ErrorCode::TokenFailure,
                         QStringLiteral("EC public key lacks CKA_EC_PARAMS/CKA_EC_POINT"));
        spki = ecSpki(params.value(), point.value());
    } else if (type == CKK_RSA) {
        auto modulus = attribute(object, CKA_MODULUS);
        auto exponent = attribute(object, CKA_PUBLIC_EXPONENT);
        if (!modulus || !exponent)
            return Error(ErrorCode::TokenFailure,
                         QStringLiteral("RSA public key lacks modulus/exponent"));
        spki = rsaSpki(modulus.value(), exponent.value());
    } else {
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("unsupported key type 0x%1").arg(type, 0, 16));
    }
    if (spki.isEmpty())
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("public key on token could not be decoded"));
    return spki;
}

Expected<QByteArray> TokenSession::publicKeySpki(const QByteArray &id)
{
    auto objects = findObjects(CKO_PUBLIC_KEY, &id);
    if (!objects)
        return objects.error();
    if (objects->isEmpty())
        return Error(
            ErrorCode::ObjectNotFound,
            QStringLiteral("no public key with id %1").arg(QString::fromLatin1(id.toHex())));
    return spkiFromPublicKeyObject(objects->first());
}

namespace {

// What the token is asked for to make a key pair of one algorithm: the mechanism, the key
// type, and the public template's parameters. Class and key type are spelled out: vendor
// modules (JaCarta, Rutoken) expect them. The values live as long as the program.
struct KeyPairRecipe
{
    CK_MECHANISM_TYPE mechanism;
    CK_KEY_TYPE keyType;
    void (*addPublicParameters)(AttributeTemplate &publicKey);
};

KeyPairRecipe keyPairRecipe(KeyAlgorithm algorithm)
{
    static const CK_BYTE p256Oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    static const CK_BYTE rsaExponent[] = {0x01, 0x00, 0x01};
    static const CK_ULONG rsaBits = 2048;
    if (algorithm == KeyAlgorithm::EcP256)
        return {CKM_EC_KEY_PAIR_GEN, CKK_EC, [](AttributeTemplate &publicKey) {
                    publicKey.add(CKA_EC_PARAMS, p256Oid, sizeof p256Oid);
                }};
    return {CKM_RSA_PKCS_KEY_PAIR_GEN, CKK_RSA, [](AttributeTemplate &publicKey) {
                publicKey.add(CKA_MODULUS_BITS, &rsaBits, sizeof rsaBits);
                publicKey.add(CKA_PUBLIC_EXPONENT, rsaExponent, sizeof rsaExponent);
            }};
}

// The design's rule for every private key: it can sign and nothing else, and never leaves.
void addPrivateKeyRules(AttributeTemplate &privateKey, const CK_KEY_TYPE &keyType,
                        const std::vector<CK_MECHANISM_TYPE> &mechanisms)
{
    static const CK_OBJECT_CLASS privateClass = CKO_PRIVATE_KEY;
    privateKey.add(CKA_CLASS, &privateClass, sizeof privateClass);
    privateKey.add(CKA_KEY_TYPE, &keyType, sizeof keyType);
    privateKey.addBool(CKA_TOKEN, true);
    privateKey.addBool(CKA_PRIVATE, true);
    privateKey.addBool(CKA_SENSITIVE, true);
    privateKey.addBool(CKA_SIGN, true);
    privateKey.addBool(CKA_EXTRACTABLE, false);
    privateKey.addBool(CKA_DECRYPT, false);
    privateKey.addBool(CKA_UNWRAP, false);
    privateKey.addBool(CKA_DERIVE, false);
    privateKey.addBool(CKA_SIGN_RECOVER, false);
    privateKey.addBool(CKA_COPYABLE, false);
    privateKey.add(CKA_ALLOWED_MECHANISMS, mechanisms.data(),
                   mechanisms.size() * sizeof(CK_MECHANISM_TYPE));
}

// A generation's failure, as the catalogue says it.
Error generationError(const char *call, CK_RV rv)
{
    Error error = pkcs11Error(call, rv);
    if (error.code == ErrorCode::TokenFailure)
        error.code = ErrorCode::KeyGenerationFailed;
    return error;
}

} // namespace

Expected<GeneratedKey> TokenSession::generateKeyPair(KeyAlgorithm algorithm, const QString &label)
{
    // A random provisional CKA_ID until the public key is known; replaced below.
    QByteArray provisionalId(16, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(provisionalId.data()), provisionalId.size()) !=
        1) // two pending keys with one id could be confused: no key without it
        return Error(ErrorCode::Internal,
                     QStringLiteral("no randomness for a provisional key id (RAND_bytes failed)"));
    const QByteArray labelUtf8 = label.toUtf8();
    const KeyPairRecipe recipe = keyPairRecipe(algorithm);
    const std::vector<CK_MECHANISM_TYPE> mechanisms = signingMechanisms(algorithm);
    AttributeTemplate pub;
    pub.addPublicKeyBasics(recipe.keyType, provisionalId, labelUtf8);
    recipe.addPublicParameters(pub);
    AttributeTemplate priv;
    addPrivateKeyRules(priv, recipe.keyType, mechanisms);
    priv.addBytes(CKA_ID, provisionalId);
    priv.addBytes(CKA_LABEL, labelUtf8);

    CK_MECHANISM mechanism{recipe.mechanism, nullptr, 0};
    CK_OBJECT_HANDLE publicKey = CK_INVALID_HANDLE, privateKey = CK_INVALID_HANDLE;
    CK_RV rv = m_functions->C_GenerateKeyPair(m_handle, &mechanism, pub.data(), pub.size(),
                                              priv.data(), priv.size(), &publicKey, &privateKey);
    if (rv != CKR_OK)
        return generationError("C_GenerateKeyPair", rv);

    auto destroyBoth = [&] {
        m_functions->C_DestroyObject(m_handle, privateKey);
        m_functions->C_DestroyObject(m_handle, publicKey);
    };
    auto spki = spkiFromPublicKeyObject(publicKey);
    if (!spki) {
        destroyBoth();
        return spki.error();
    }
    GeneratedKey key;
    key.algorithm = algorithm;
    key.publicKeySpki = spki.value();
    key.id = subjectKeyIdentifier(key.publicKeySpki);
    AttributeTemplate idTemplate;
    idTemplate.addBytes(CKA_ID, key.id);
    rv =
        m_functions->C_SetAttributeValue(m_handle, publicKey, idTemplate.data(), idTemplate.size());
    if (rv == CKR_OK)
        rv = m_functions->C_SetAttributeValue(m_handle, privateKey, idTemplate.data(),
                                              idTemplate.size());
    if (rv != CKR_OK) {
        destroyBoth();
        return generationError("C_SetAttributeValue(CKA_ID)", rv);
    }
    // The same check a resumed key must pass: the token says it made the key and never let
    // it out. A module that ignores the template fails here, not later.
    if (Error untrusted = checkKeyOrigin(key.id)) {
        destroyBoth();
        return untrusted;
    }
    qCInfo(lcToken) << "generated" << algorithm << "key pair with id" << key.id.toHex();
    return key;
}

std::vector<CK_MECHANISM_TYPE> signingMechanisms(KeyAlgorithm algorithm)
{
    // Signing only: OpenSSL hashes and the token signs the digest (libp11), or the token
    // hashes itself. No raw RSA (CKM_RSA_X_509), nothing that decrypts or derives.
    if (algorithm == KeyAlgorithm::EcP256)
        return {CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384, CKM_ECDSA_SHA512};
    return {CKM_RSA_PKCS,
            CKM_RSA_PKCS_PSS,
            CKM_SHA256_RSA_PKCS,
            CKM_SHA384_RSA_PKCS,
            CKM_SHA512_RSA_PKCS,
            CKM_SHA256_RSA_PKCS_PSS,
            CKM_SHA384_RSA_PKCS_PSS,
            CKM_SHA512_RSA_PKCS_PSS};
}

Error TokenSession::checkKeyOrigin(const QByteArray &id)
{
    auto protection = privateKeyProtection(id);
    if (!protection)
        return protection.error();
    const KeyProtection &p = protection.value();
    if (p.local && p.neverExtractable && p.alwaysSensitive && p.sensitive && !p.extractable)
        return {};
    return Error(ErrorCode::KeyNotTrusted,
                 QStringLiteral("key %1 was not generated on the token or has left it "
                                "(LOCAL %2, NEVER_EXTRACTABLE %3, ALWAYS_SENSITIVE %4, "
                                "SENSITIVE %5, EXTRACTABLE %6)")
                     .arg(QString::fromLatin1(id.toHex()))
                     .arg(p.local)
                     .arg(p.neverExtractable)
                     .arg(p.alwaysSensitive)
                     .arg(p.sensitive)
                     .arg(p.extractable));
}

Expected<KeyProtection> TokenSession::privateKeyProtection(const QByteArray &id)
{
    auto objects = findObjects(CKO_PRIVATE_KEY, &id);
    if (!objects)
        return objects.error();
    if (objects->isEmpty())
        return Error(
            ErrorCode::ObjectNotFound,
            QStringLiteral("no private key with id %1").arg(QString::fromLatin1(id.toHex())));
    const CK_OBJECT_HANDLE key = objects->first();
    KeyProtection protection;
    auto flag = [&](CK_ATTRIBUTE_TYPE type, bool &out) {
        CK_BBOOL value = CK_FALSE;
        CK_ATTRIBUTE attr{type, &value, sizeof value};
        if (m_functions->C_GetAttributeValue(m_handle, key, &attr, 1) == CKR_OK)
            out = value == CK_TRUE;
    };
    flag(CKA_TOKEN, protection.isToken);
    flag(CKA_PRIVATE, protection.isPrivate);
    flag(CKA_SENSITIVE, protection.sensitive);
    flag(CKA_ALWAYS_SENSITIVE, protection.alwaysSensitive);
    flag(CKA_EXTRACTABLE, protection.extractable);
    flag(CKA_NEVER_EXTRACTABLE, protection.neverExtractable);
    flag(CKA_LOCAL, protection.local);
    flag(CKA_SIGN, protection.sign);
    flag(CKA_DECRYPT, protection.decrypt);
    flag(CKA_UNWRAP, protection.unwrap);
    flag(CKA_DERIVE, protection.derive);
    flag(CKA_SIGN_RECOVER, protection.signRecover);
    flag(CKA_COPYABLE, protection.copyable);
    if (auto allowed = attribute(key, CKA_ALLOWED_MECHANISMS)) {
        const auto *types = reinterpret_cast<const CK_MECHANISM_TYPE *>(allowed->constData());
        for (std::size_t i = 0; i < std::size_t(allowed->size()) / sizeof(CK_MECHANISM_TYPE); ++i)
            protection.allowedMechanisms << quint64(types[i]);
    }
    protection.valueReadable = false;
    for (CK_ATTRIBUTE_TYPE secret : {CKA_VALUE, CKA_PRIVATE_EXPONENT, CKA_PRIME_1}) {
        CK_ATTRIBUTE attr{secret, nullptr, 0};
        CK_RV rv = m_functions->C_GetAttributeValue(m_handle, key, &attr, 1);
        if (rv == CKR_OK && attr.ulValueLen != CK_UNAVAILABLE_INFORMATION && attr.ulValueLen > 0)
            protection.valueReadable = true;
    }
    return protection;
}

} // namespace kk
