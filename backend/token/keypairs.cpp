#include "keykiosk/token/keypairs.h"

#include "attributetemplate.h"
#include "publickeys.h"

#include "keykiosk/logging.h"
#include "keykiosk/opensslptr.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>

#include <algorithm>

namespace kk {

namespace {

constexpr int kChallengeBytes = 32; // a SHA-256-sized digest: within every curve's order

QByteArray randomBytes(int length)
{
    QByteArray bytes(length, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), length) != 1)
        return {};
    return bytes;
}

unsigned long pairKeyType(const KeyPair &pair)
{
    if (pair.publicKey)
        return pair.publicKey->keyType;
    if (!pair.certificates.isEmpty())
        return pair.certificates.first().keyType;
    return pair.privateKey ? pair.privateKey->keyType : ~0UL;
}

bool holdsId(const KeyPair &pair, const QByteArray &id)
{
    const auto objects = pair.objects();
    return std::any_of(objects.begin(), objects.end(),
                       [&id](const TokenObject *o) { return o->id == id; });
}

// A raw ECDSA signature (r || s) of `digest` made by the private key on the token.
QByteArray ecdsaSign(TokenSession &session, CK_OBJECT_HANDLE key, const QByteArray &digest)
{
    CK_FUNCTION_LIST *p11 = session.functions();
    CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
    if (p11->C_SignInit(session.handle(), &mechanism, key) != CKR_OK)
        return {};
    unsigned char signature[160];
    CK_ULONG length = sizeof signature;
    const CK_RV rv = p11->C_Sign(
        session.handle(), reinterpret_cast<unsigned char *>(const_cast<char *>(digest.constData())),
        CK_ULONG(digest.size()), signature, &length);
    if (rv != CKR_OK)
        return {};
    return QByteArray(reinterpret_cast<const char *>(signature), int(length));
}

// The key's public half from two of its own signatures: the one candidate both agree on.
QByteArray recoverEcPublicKey(TokenSession &session, const TokenObject &key)
{
    QVector<QByteArray> common;
    for (int round = 0; round < 2; ++round) {
        const QByteArray digest = randomBytes(kChallengeBytes);
        const QByteArray signature =
            digest.isEmpty() ? QByteArray() : ecdsaSign(session, key.handle, digest);
        if (signature.isEmpty())
            return {};
        const QVector<QByteArray> candidates =
            ecPublicKeyCandidates(key.ecParams, digest, signature);
        if (round == 0) {
            common = candidates;
            continue;
        }
        common.erase(
            std::remove_if(common.begin(), common.end(),
                           [&candidates](const QByteArray &c) { return !candidates.contains(c); }),
            common.end());
    }
    return common.size() == 1 ? common.first() : QByteArray();
}

TokenObject readObject(TokenSession &session, CK_OBJECT_HANDLE handle, CK_OBJECT_CLASS cls)
{
    TokenObject object;
    object.handle = handle;
    object.objectClass = cls;
    if (auto id = session.attribute(handle, CKA_ID))
        object.id = id.value();
    if (auto label = session.attribute(handle, CKA_LABEL))
        object.label = QString::fromUtf8(label.value());
    if (cls == CKO_CERTIFICATE) {
        if (auto value = session.attribute(handle, CKA_VALUE)) {
            object.certificateDer = value.value();
            const auto *p =
                reinterpret_cast<const unsigned char *>(object.certificateDer.constData());
            X509Ptr cert(d2i_X509(nullptr, &p, object.certificateDer.size()));
            if (cert)
                object.spki = derBytes([&cert](unsigned char **out) {
                    return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), out);
                });
        }
        object.keyType = keyTypeOf(object.spki);
        return object;
    }
    auto keyType = session.attribute(handle, CKA_KEY_TYPE);
    if (keyType && keyType->size() == int(sizeof(CK_KEY_TYPE)))
        object.keyType = *reinterpret_cast<const CK_KEY_TYPE *>(keyType->constData());
    if (cls == CKO_PUBLIC_KEY) {
        if (auto spki = session.spkiFromPublicKeyObject(handle))
            object.spki = spki.value();
        return object;
    }
    // A private key's public material, where the token shows it: PKCS#11 2.40's
    // CKA_PUBLIC_KEY_INFO (SoftHSM2 leaves it empty for generated keys), an RSA modulus, an EC
    // point (some tokens keep one on the private key).
    if (auto info = session.attribute(handle, CKA_PUBLIC_KEY_INFO); info && !info->isEmpty())
        object.spki = info.value();
    else if (auto spki = session.spkiFromPublicKeyObject(handle))
        object.spki = spki.value();
    if (object.keyType == CKK_EC) {
        if (auto params = session.attribute(handle, CKA_EC_PARAMS))
            object.ecParams = params.value();
    }
    return object;
}

} // namespace

QByteArray KeyPair::keyId() const
{
    return spki.isEmpty() ? QByteArray() : subjectKeyIdentifier(spki);
}

QVector<const TokenObject *> KeyPair::objects() const
{
    QVector<const TokenObject *> all;
    if (privateKey)
        all << &*privateKey;
    if (publicKey)
        all << &*publicKey;
    for (const TokenObject &certificate : certificates)
        all << &certificate;
    return all;
}

QVector<KeyPair> pairKeys(const QVector<TokenObject> &objects, const SignatureTest &signs)
{
    QVector<KeyPair> pairs;
    auto pairOf = [&pairs](const QByteArray &spki, bool wantsPrivate) -> KeyPair * {
        for (KeyPair &pair : pairs) {
            if (!spki.isEmpty() && pair.spki == spki && !(wantsPrivate && pair.privateKey))
                return &pair;
        }
        return nullptr;
    };
    // Public keys first: each is a pair's public half (a second object of the same key is a
    // half of its own, and will stand alone).
    for (const TokenObject &o : objects) {
        if (o.objectClass != CKO_PUBLIC_KEY)
            continue;
        KeyPair pair;
        pair.publicKey = o;
        pair.spki = o.spki;
        pairs << pair;
    }
    // Certificates join the pair of the key they carry, or stand for a key of their own.
    for (const TokenObject &o : objects) {
        if (o.objectClass != CKO_CERTIFICATE)
            continue;
        if (KeyPair *pair = pairOf(o.spki, false)) {
            pair->certificates << o;
            continue;
        }
        KeyPair pair;
        pair.spki = o.spki;
        pair.certificates << o;
        pairs << pair;
    }
    // Private keys whose public material the token shows: by equal keys.
    QVector<const TokenObject *> unknown;
    for (const TokenObject &o : objects) {
        if (o.objectClass != CKO_PRIVATE_KEY)
            continue;
        if (o.spki.isEmpty()) {
            unknown << &o;
            continue;
        }
        if (KeyPair *pair = pairOf(o.spki, true)) {
            pair->privateKey = o;
            continue;
        }
        KeyPair pair;
        pair.privateKey = o;
        pair.spki = o.spki;
        pairs << pair;
    }
    // The others by a signature: the key of their own id first, then any key of their type
    // still without a private half.
    for (const TokenObject *o : unknown) {
        QVector<int> candidates;
        for (int i = 0; i < pairs.size(); ++i) {
            if (!pairs[i].privateKey && !pairs[i].spki.isEmpty() &&
                pairKeyType(pairs[i]) == o->keyType)
                candidates << i;
        }
        std::stable_partition(candidates.begin(), candidates.end(),
                              [&pairs, o](int i) { return holdsId(pairs[i], o->id); });
        bool paired = false;
        for (int i : candidates) {
            // The common case needs no signature (one costs 50-200 ms on a real token): the
            // public key of the private key's own id, and that id the SHA-1 of the key, as
            // the kiosk and pkcs11-tool write them. A split or provisional id never matches.
            const bool settled =
                pairs[i].publicKey && pairs[i].publicKey->id == o->id && pairs[i].keyId() == o->id;
            if (settled || (signs && signs(*o, pairs[i].spki))) {
                pairs[i].privateKey = *o;
                paired = true;
                break;
            }
        }
        if (!paired) {
            KeyPair pair;
            pair.privateKey = *o;
            pairs << pair;
        }
    }
    return pairs;
}

Expected<QVector<KeyPair>> readKeyPairs(TokenSession &session)
{
    QVector<TokenObject> objects;
    for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE}) {
        auto handles = session.findObjects(cls, nullptr);
        if (!handles)
            return handles.error();
        for (CK_OBJECT_HANDLE handle : handles.value())
            objects << readObject(session, handle, cls);
    }
    int signatures = 0;
    const SignatureTest signs = [&session, &signatures](const TokenObject &key,
                                                        const QByteArray &spki) {
        if (key.keyType != CKK_EC)
            return false; // RSA keys show their modulus; nothing else is made here
        const QByteArray challenge = randomBytes(kChallengeBytes);
        ++signatures;
        return !challenge.isEmpty() &&
               ecdsaVerifies(spki, challenge, ecdsaSign(session, key.handle, challenge));
    };
    QVector<KeyPair> pairs = pairKeys(objects, signs);
    for (KeyPair &pair : pairs) {
        if (!pair.privateKey || !pair.spki.isEmpty() || pair.privateKey->keyType != CKK_EC)
            continue;
        // A private half alone: its public key, from its own signatures.
        pair.spki = recoverEcPublicKey(session, *pair.privateKey);
        pair.publicKeyRecovered = !pair.spki.isEmpty();
        signatures += 2;
        qCInfo(lcToken) << "private key" << pair.privateKey->id.toHex() << "has no public key:"
                        << (pair.publicKeyRecovered ? "recovered from its signatures"
                                                    : "could not be recovered");
    }
    if (signatures > 0)
        qCInfo(lcToken) << "paired" << objects.size() << "objects into" << pairs.size()
                        << "key sets with" << signatures << "signature(s) on the token";
    return pairs;
}

QVector<TokenKeyEntry> entriesOf(const QVector<KeyPair> &pairs)
{
    QVector<TokenKeyEntry> entries;
    for (const KeyPair &pair : pairs) {
        TokenKeyEntry entry;
        if (!pair.certificates.isEmpty())
            entry.id = pair.certificates.first().id;
        else if (pair.publicKey)
            entry.id = pair.publicKey->id;
        else if (pair.privateKey)
            entry.id = pair.privateKey->id;
        for (const TokenObject *key : {pair.privateKey ? &*pair.privateKey : nullptr,
                                       pair.publicKey ? &*pair.publicKey : nullptr}) {
            if (!key)
                continue;
            if (entry.label.isEmpty())
                entry.label = key->label;
            entry.keyLabels << key->label;
            entry.keyType = key->keyType;
        }
        entry.hasPrivateKey = pair.privateKey.has_value();
        entry.hasPublicKey = pair.publicKey.has_value();
        if (!pair.certificates.isEmpty()) {
            entry.certificateDer = pair.certificates.first().certificateDer;
            entry.certificateLabel = pair.certificates.first().label;
        }
        entries << entry;
    }
    return entries;
}

Error setObjectId(TokenSession &session, const TokenObject &object, const QByteArray &id)
{
    AttributeTemplate attributes;
    attributes.addBytes(CKA_ID, id);
    const CK_RV rv = session.functions()->C_SetAttributeValue(session.handle(), object.handle,
                                                              attributes.data(), attributes.size());
    return rv == CKR_OK ? Error() : pkcs11Error("C_SetAttributeValue(CKA_ID)", rv);
}

Error destroyObject(TokenSession &session, const TokenObject &object)
{
    const CK_RV rv = session.functions()->C_DestroyObject(session.handle(), object.handle);
    return rv == CKR_OK ? Error() : pkcs11Error("C_DestroyObject", rv);
}

Error createPublicKeyObject(TokenSession &session, const QByteArray &spki, const QByteArray &id,
                            const QString &label)
{
    const auto parts = publicKeyParts(spki);
    if (!parts)
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("cannot write a public key object for this key type"));
    const CK_KEY_TYPE type = parts->keyType;
    const QByteArray labelUtf8 = label.toUtf8();
    AttributeTemplate object;
    object.addPublicKeyBasics(type, id, labelUtf8);
    if (type == CKK_EC) {
        object.addBytes(CKA_EC_PARAMS, parts->ecParamsDer);
        object.addBytes(CKA_EC_POINT, parts->ecPointDer);
    } else {
        object.addBytes(CKA_MODULUS, parts->modulus);
        object.addBytes(CKA_PUBLIC_EXPONENT, parts->exponent);
    }
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    const CK_RV rv = session.functions()->C_CreateObject(session.handle(), object.data(),
                                                         object.size(), &handle);
    return rv == CKR_OK ? Error() : pkcs11Error("C_CreateObject(public key)", rv);
}

QVector<QByteArray> ecPublicKeyCandidates(const QByteArray &ecParamsDer, const QByteArray &digest,
                                          const QByteArray &signature)
{
    const auto *p = reinterpret_cast<const unsigned char *>(ecParamsDer.constData());
    Asn1ObjectPtr curve(d2i_ASN1_OBJECT(nullptr, &p, ecParamsDer.size()));
    const int nid = curve ? OBJ_obj2nid(curve.get()) : NID_undef;
    using GroupPtr = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP, EC_GROUP_free>>;
    using PointPtr = std::unique_ptr<EC_POINT, OpenSslDeleter<EC_POINT, EC_POINT_free>>;
    using BnCtxPtr = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX, BN_CTX_free>>;
    GroupPtr group(nid == NID_undef ? nullptr : EC_GROUP_new_by_curve_name(nid));
    BnCtxPtr ctx(BN_CTX_new());
    if (!group || !ctx || signature.isEmpty() || signature.size() % 2 != 0)
        return {};
    const int half = signature.size() / 2;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.constData());
    const BIGNUM *order = EC_GROUP_get0_order(group.get());
    BignumPtr r(BN_bin2bn(raw, half, nullptr)), s(BN_bin2bn(raw + half, half, nullptr));
    BignumPtr e(BN_bin2bn(reinterpret_cast<const unsigned char *>(digest.constData()),
                          digest.size(), nullptr));
    BignumPtr field(BN_new()), x(BN_new()), rInverse(BN_new()), u1(BN_new()), u2(BN_new());
    if (!r || !s || !e || !field || !x || !rInverse || !u1 || !u2 || BN_is_zero(r.get()) ||
        BN_cmp(r.get(), order) >= 0 || BN_is_zero(s.get()) || BN_cmp(s.get(), order) >= 0 ||
        !EC_GROUP_get_curve(group.get(), field.get(), nullptr, nullptr, ctx.get()))
        return {};
    // A digest longer than the order keeps its leftmost bits (SEC 1, 4.1.3 step 5).
    const int excess = digest.size() * 8 - BN_num_bits(order);
    if (excess > 0 && !BN_rshift(e.get(), e.get(), excess))
        return {};
    // Q = r^-1 (s R - e G) for each point R whose x is r (or r + n, below the field's size).
    if (!BN_mod_inverse(rInverse.get(), r.get(), order, ctx.get()) ||
        !BN_mod_mul(u1.get(), s.get(), rInverse.get(), order, ctx.get()) ||
        !BN_mod_mul(u2.get(), e.get(), rInverse.get(), order, ctx.get()) ||
        !BN_sub(u2.get(), order, u2.get()))
        return {};
    QVector<QByteArray> candidates;
    for (int j = 0; j < 2; ++j) {
        if (!BN_copy(x.get(), r.get()) || (j == 1 && !BN_add(x.get(), x.get(), order)))
            return candidates;
        if (BN_cmp(x.get(), field.get()) >= 0)
            break;
        for (int odd = 0; odd < 2; ++odd) {
            PointPtr point(EC_POINT_new(group.get())), q(EC_POINT_new(group.get()));
            ERR_set_mark(); // an x with no point on the curve is not an error here
            const bool onCurve = point && q &&
                                 EC_POINT_set_compressed_coordinates(group.get(), point.get(),
                                                                     x.get(), odd, ctx.get()) == 1;
            ERR_pop_to_mark();
            if (!onCurve ||
                !EC_POINT_mul(group.get(), q.get(), u2.get(), point.get(), u1.get(), ctx.get()) ||
                EC_POINT_is_at_infinity(group.get(), q.get()))
                continue;
            unsigned char octets[200];
            const std::size_t length =
                EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, octets,
                                   sizeof octets, ctx.get());
            const QByteArray spki =
                length ? ecSpki(ecParamsDer,
                                QByteArray(reinterpret_cast<const char *>(octets), int(length)))
                       : QByteArray();
            if (!spki.isEmpty() && !candidates.contains(spki))
                candidates << spki;
        }
    }
    return candidates;
}

} // namespace kk
