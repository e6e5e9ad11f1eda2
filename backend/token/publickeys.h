#pragma once
// Public keys between PKCS#11 attributes and DER SubjectPublicKeyInfo (private to the token
// layer): what a public key object is read into and written from, and checking a raw token
// signature against a key.

#include <QByteArray>

#include <optional>

namespace kk {

// A SubjectPublicKeyInfo from an EC key's CKA_EC_PARAMS (the curve's OID, DER) and point
// (CKA_EC_POINT: a DER OCTET STRING around it, or the raw point some tokens hand out); empty if
// either is not one.
QByteArray ecSpki(const QByteArray &ecParamsDer, const QByteArray &point);
// A SubjectPublicKeyInfo from an RSA key's CKA_MODULUS and CKA_PUBLIC_EXPONENT (big-endian).
QByteArray rsaSpki(const QByteArray &modulus, const QByteArray &exponent);

// What a public key object is written with.
struct PublicKeyParts
{
    unsigned long keyType = ~0UL; // CKK_EC or CKK_RSA
    QByteArray ecParamsDer;       // the curve's OID
    QByteArray ecPointDer;        // DER OCTET STRING around the uncompressed point
    QByteArray modulus, exponent;
};
std::optional<PublicKeyParts> publicKeyParts(const QByteArray &spki);
unsigned long keyTypeOf(const QByteArray &spki); // CKK_EC, CKK_RSA, ~0 for anything else

// Whether an ECDSA signature as PKCS#11 returns it (r || s) over `digest` verifies with `spki`.
bool ecdsaVerifies(const QByteArray &spki, const QByteArray &digest, const QByteArray &signature);

} // namespace kk
