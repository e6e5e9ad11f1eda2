#include "publickeys.h"

#include "keykiosk/opensslptr.h"

#include <p11-kit/pkcs11.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

namespace kk {

namespace {

QByteArray spkiOf(const char *type, OSSL_PARAM_BLD *builder)
{
    ParamPtr params(OSSL_PARAM_BLD_to_param(builder));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY *key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0)
        return {};
    const EvpPkeyPtr owned(key);
    return derBytes([key](unsigned char **out) { return i2d_PUBKEY(key, out); });
}

EvpPkeyPtr keyOf(const QByteArray &spki)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &p, spki.size()));
    if (key && p != reinterpret_cast<const unsigned char *>(spki.constData()) + spki.size())
        return nullptr; // trailing bytes: not one key
    return key;
}

QByteArray bytesOf(const unsigned char *data, int length)
{
    return QByteArray(reinterpret_cast<const char *>(data), length);
}

} // namespace

QByteArray ecSpki(const QByteArray &ecParamsDer, const QByteArray &point)
{
    const auto *p = reinterpret_cast<const unsigned char *>(ecParamsDer.constData());
    Asn1ObjectPtr curve(d2i_ASN1_OBJECT(nullptr, &p, ecParamsDer.size()));
    const int nid = curve ? OBJ_obj2nid(curve.get()) : NID_undef;
    if (nid == NID_undef)
        return {};
    // CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 2.40); some tokens hand out
    // the raw point, so both are accepted.
    QByteArray rawPoint = point;
    const auto *q = reinterpret_cast<const unsigned char *>(point.constData());
    Asn1OctetStringPtr octets(d2i_ASN1_OCTET_STRING(nullptr, &q, point.size()));
    if (octets && q == reinterpret_cast<const unsigned char *>(point.constData()) + point.size())
        rawPoint = bytesOf(ASN1_STRING_get0_data(octets.get()), ASN1_STRING_length(octets.get()));
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, OBJ_nid2sn(nid),
                                         0) ||
        !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                          rawPoint.constData(), std::size_t(rawPoint.size())))
        return {};
    return spkiOf("EC", builder.get());
}

QByteArray rsaSpki(const QByteArray &modulus, const QByteArray &exponent)
{
    BignumPtr n(BN_bin2bn(reinterpret_cast<const unsigned char *>(modulus.constData()),
                          modulus.size(), nullptr));
    BignumPtr e(BN_bin2bn(reinterpret_cast<const unsigned char *>(exponent.constData()),
                          exponent.size(), nullptr));
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!n || !e || !builder || BN_is_zero(n.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()))
        return {};
    return spkiOf("RSA", builder.get());
}

unsigned long keyTypeOf(const QByteArray &spki)
{
    EvpPkeyPtr key = keyOf(spki);
    if (!key)
        return ~0UL;
    switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC:
        return CKK_EC;
    case EVP_PKEY_RSA:
        return CKK_RSA;
    default:
        return ~0UL;
    }
}

std::optional<PublicKeyParts> publicKeyParts(const QByteArray &spki)
{
    EvpPkeyPtr key = keyOf(spki);
    if (!key)
        return std::nullopt;
    PublicKeyParts parts;
    if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC) {
        char group[80] = {};
        std::size_t groupLength = 0;
        unsigned char point[200];
        std::size_t pointLength = 0;
        if (!EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group,
                                            sizeof group, &groupLength) ||
            !EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point,
                                             sizeof point, &pointLength))
            return std::nullopt;
        Asn1ObjectPtr curve(OBJ_nid2obj(OBJ_sn2nid(group)));
        Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
        if (!curve || !octets || !ASN1_OCTET_STRING_set(octets.get(), point, int(pointLength)))
            return std::nullopt;
        parts.keyType = CKK_EC;
        parts.ecParamsDer =
            derBytes([&curve](unsigned char **out) { return i2d_ASN1_OBJECT(curve.get(), out); });
        parts.ecPointDer = derBytes(
            [&octets](unsigned char **out) { return i2d_ASN1_OCTET_STRING(octets.get(), out); });
        return parts.ecParamsDer.isEmpty() || parts.ecPointDer.isEmpty()
                   ? std::nullopt
                   : std::optional<PublicKeyParts>(parts);
    }
    if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
        BIGNUM *n = nullptr, *e = nullptr;
        if (!EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n) ||
            !EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e)) {
            BN_free(n);
            return std::nullopt;
        }
        const BignumPtr modulus(n), exponent(e);
        parts.keyType = CKK_RSA;
        parts.modulus = QByteArray(BN_num_bytes(n), '\0');
        BN_bn2bin(n, reinterpret_cast<unsigned char *>(parts.modulus.data()));
        parts.exponent = QByteArray(BN_num_bytes(e), '\0');
        BN_bn2bin(e, reinterpret_cast<unsigned char *>(parts.exponent.data()));
        return parts;
    }
    return std::nullopt;
}

bool ecdsaVerifies(const QByteArray &spki, const QByteArray &digest, const QByteArray &signature)
{
    EvpPkeyPtr key = keyOf(spki);
    if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || signature.isEmpty() ||
        signature.size() % 2 != 0)
        return false;
    const int half = signature.size() / 2;
    const auto *raw = reinterpret_cast<const unsigned char *>(signature.constData());
    std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG, ECDSA_SIG_free>> sig(ECDSA_SIG_new());
    BIGNUM *r = BN_bin2bn(raw, half, nullptr), *s = BN_bin2bn(raw + half, half, nullptr);
    if (!sig || !r || !s || !ECDSA_SIG_set0(sig.get(), r, s)) {
        BN_free(r);
        BN_free(s);
        return false;
    }
    const QByteArray der =
        derBytes([&sig](unsigned char **out) { return i2d_ECDSA_SIG(sig.get(), out); });
    EvpPkeyCtxPtr verify(EVP_PKEY_CTX_new(key.get(), nullptr));
    return verify && EVP_PKEY_verify_init(verify.get()) == 1 &&
           EVP_PKEY_verify(verify.get(), reinterpret_cast<const unsigned char *>(der.constData()),
                           std::size_t(der.size()),
                           reinterpret_cast<const unsigned char *>(digest.constData()),
                           std::size_t(digest.size())) == 1;
}

} // namespace kk
