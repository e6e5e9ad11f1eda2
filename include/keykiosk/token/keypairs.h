#pragma once
// The key pairs on a token, known by what they are (docs/architecture.md, "Key pairs by what
// they are"). A public and a private key are one pair when the private key's public material
// is the public key's, whatever their CKA_IDs and labels say: a kill between the two
// C_SetAttributeValue(CKA_ID) calls of key generation leaves one pair under two ids, and only
// the keys themselves can say which halves belong together.
//
// Where the token shows a private key's public material (CKA_PUBLIC_KEY_INFO, an RSA modulus,
// CKA_EC_POINT) it is compared; where it does not (EC private keys on SoftHSM2 and most
// tokens), the private key signs a fresh random challenge on the token and the candidate
// public key must verify it. A private key whose public half is gone gets its public key back
// from two of its own signatures (ECDSA public key recovery), so that the pair can be made
// whole again. Private keys are visible only after login: read the pairs from a logged-in
// session.

#include "keykiosk/token/pkcs11module.h"

#include <functional>
#include <optional>

namespace kk {

// One object of a key set: a private key, a public key or a certificate.
struct TokenObject
{
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_OBJECT_CLASS objectClass = CKO_DATA;
    unsigned long keyType = ~0UL; // CKK_*; for a certificate, its key's
    QByteArray id;
    QString label;
    // DER SubjectPublicKeyInfo: of a public key, of a certificate's key, and of a private key
    // where the token shows it (empty otherwise).
    QByteArray spki;
    QByteArray certificateDer;
    QByteArray ecParams; // a private EC key's CKA_EC_PARAMS (to rebuild its public half)
};

struct KeyPair
{
    std::optional<TokenObject> privateKey;
    std::optional<TokenObject> publicKey;
    QVector<TokenObject> certificates; // those that carry this pair's public key
    QByteArray spki;                   // the pair's public key, if any half or certificate has it
    // No public key object on the token: the public key was recovered from the private key's
    // signatures (an EC key; an RSA private key shows its modulus, which is the key).
    bool publicKeyRecovered = false;

    bool whole() const { return privateKey && publicKey; }
    QByteArray keyId() const; // SHA-1 of the public key (the CKA_ID convention), or empty
    QVector<const TokenObject *> objects() const; // private, public, then the certificates
};

// Whether this private key's signature on a fresh challenge verifies with `spki`.
using SignatureTest = std::function<bool(const TokenObject &privateKey, const QByteArray &spki)>;

// Pairs the objects by their public keys: certificates and public keys by equal SPKI; a
// private key with readable material likewise; one whose CKA_ID is its public key's and the
// SHA-1 of that key, with it at once (the common case: no signature); any other by `signs`,
// trying the public key of its own CKA_ID first, then every public key of its type that has no
// private half yet. A private key no public key verifies stands alone.
// Pure: the token is behind `signs`.
QVector<KeyPair> pairKeys(const QVector<TokenObject> &objects, const SignatureTest &signs);

// The token's key pairs, from a logged-in session: every key and certificate read, paired, and
// for a private half alone its public key recovered where the token lets it sign.
Expected<QVector<KeyPair>> readKeyPairs(TokenSession &session);

// The pairs as the lifecycle reads them: one entry per pair, under the pair's id (the halves
// agree once repaired; otherwise a certificate's id, then the public key's, then the private
// key's). Certificates of no pair become entries of their own.
QVector<TokenKeyEntry> entriesOf(const QVector<KeyPair> &pairs);

// Writing a pair whole again (enroll/tokenrepair.h decides when).
Error setObjectId(TokenSession &session, const TokenObject &object, const QByteArray &id);
Error destroyObject(TokenSession &session, const TokenObject &object);
// A public key object for a pair whose public half is gone: `spki` (an EC or RSA key), with
// the pair's id and label.
Error createPublicKeyObject(TokenSession &session, const QByteArray &spki, const QByteArray &id,
                            const QString &label);

// ECDSA public key recovery (SEC 1, 4.1.6): the public keys for which `signature` (r || s, as
// PKCS#11 gives it) over `digest` verifies, on the curve `ecParamsDer` names. Two signatures
// over different digests have one candidate in common: the key.
QVector<QByteArray> ecPublicKeyCandidates(const QByteArray &ecParamsDer, const QByteArray &digest,
                                          const QByteArray &signature);

} // namespace kk
