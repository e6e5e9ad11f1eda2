// The key methods below are OpenSSL's legacy EC_KEY_METHOD and RSA_METHOD, deprecated in 3.0
// but the very interface libp11's keys use: a key with a method of its own is "foreign" to
// OpenSSL 3, which then signs through the method instead of a provider.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "keykiosk/token/tokenthreadkey.h"

#include "keykiosk/logging.h"
#include "keykiosk/token/tokenservice.h"

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

namespace kk {

namespace {

// What a proxy key signs with: the token's key and the service that owns its thread.
struct Target
{
    EVP_PKEY *tokenKey;
    TokenService *tokens;
};

void freeTarget(void *, void *pointer, CRYPTO_EX_DATA *, int, long, void *)
{
    delete static_cast<Target *>(pointer);
}

int ecIndex()
{
    static const int index = EC_KEY_get_ex_new_index(0, nullptr, nullptr, nullptr, &freeTarget);
    return index;
}

int rsaIndex()
{
    static const int index = RSA_get_ex_new_index(0, nullptr, nullptr, nullptr, &freeTarget);
    return index;
}

// Runs `sign` with the token's key on the token thread; false if that thread is gone.
template <typename Sign> bool onTokenThread(const Target *target, Sign sign)
{
    if (!target)
        return false;
    const bool ran = target->tokens->call([&](TokenContext &) { sign(target->tokenKey); });
    if (!ran)
        qCWarning(lcToken) << "signature refused: the token service is shutting down";
    return ran;
}

int ecSign(int type, const unsigned char *digest, int digestLength, unsigned char *signature,
           unsigned int *signatureLength, const BIGNUM *kinv, const BIGNUM *r, EC_KEY *proxy)
{
    int ok = 0;
    onTokenThread(static_cast<const Target *>(EC_KEY_get_ex_data(proxy, ecIndex())),
                  [&](EVP_PKEY *key) {
                      ok = ECDSA_sign_ex(type, digest, digestLength, signature, signatureLength,
                                         kinv, r, const_cast<EC_KEY *>(EVP_PKEY_get0_EC_KEY(key)));
                  });
    return ok;
}

ECDSA_SIG *ecSignSig(const unsigned char *digest, int digestLength, const BIGNUM *kinv,
                     const BIGNUM *r, EC_KEY *proxy)
{
    ECDSA_SIG *signature = nullptr;
    onTokenThread(static_cast<const Target *>(EC_KEY_get_ex_data(proxy, ecIndex())),
                  [&](EVP_PKEY *key) {
                      signature = ECDSA_do_sign_ex(digest, digestLength, kinv, r,
                                                   const_cast<EC_KEY *>(EVP_PKEY_get0_EC_KEY(key)));
                  });
    return signature;
}

const EC_KEY_METHOD *ecMethod()
{
    static EC_KEY_METHOD *method = [] {
        EC_KEY_METHOD *m = EC_KEY_METHOD_new(EC_KEY_OpenSSL());
        int (*setup)(EC_KEY *, BN_CTX *, BIGNUM **, BIGNUM **) = nullptr;
        EC_KEY_METHOD_get_sign(EC_KEY_OpenSSL(), nullptr, &setup, nullptr);
        EC_KEY_METHOD_set_sign(m, &ecSign, setup, &ecSignSig);
        return m;
    }();
    return method;
}

int rsaPrivateEncrypt(int length, const unsigned char *from, unsigned char *to, RSA *proxy,
                      int padding)
{
    int result = -1;
    onTokenThread(static_cast<const Target *>(RSA_get_ex_data(proxy, rsaIndex())),
                  [&](EVP_PKEY *key) {
                      result = RSA_private_encrypt(
                          length, from, to, const_cast<RSA *>(EVP_PKEY_get0_RSA(key)), padding);
                  });
    return result;
}

int rsaSign(int type, const unsigned char *digest, unsigned int digestLength,
            unsigned char *signature, unsigned int *signatureLength, const RSA *proxy)
{
    int ok = 0;
    onTokenThread(static_cast<const Target *>(RSA_get_ex_data(proxy, rsaIndex())),
                  [&](EVP_PKEY *key) {
                      ok = RSA_sign(type, digest, digestLength, signature, signatureLength,
                                    const_cast<RSA *>(EVP_PKEY_get0_RSA(key)));
                  });
    return ok;
}

const RSA_METHOD *rsaMethod()
{
    static RSA_METHOD *method = [] {
        RSA_METHOD *m = RSA_meth_dup(RSA_PKCS1_OpenSSL());
        RSA_meth_set1_name(m, "KeyKiosk token-thread key");
        RSA_meth_set_priv_enc(m, &rsaPrivateEncrypt);
        RSA_meth_set_sign(m, &rsaSign);
        return m;
    }();
    return method;
}

} // namespace

EvpPkeyPtr tokenThreadKey(EVP_PKEY *tokenKey, TokenService *tokens)
{
    using EcKeyPtr = std::unique_ptr<EC_KEY, OpenSslDeleter<EC_KEY, EC_KEY_free>>;
    using RsaPtr = std::unique_ptr<RSA, OpenSslDeleter<RSA, RSA_free>>;
    EvpPkeyPtr proxy(tokenKey && tokens ? EVP_PKEY_new() : nullptr);
    if (!proxy)
        return nullptr;
    // The key owns its target once the ex data is set (freeTarget), not before.
    auto target = std::make_unique<Target>(Target{tokenKey, tokens});
    switch (EVP_PKEY_get_base_id(tokenKey)) {
    case EVP_PKEY_EC: {
        const EC_KEY *source = EVP_PKEY_get0_EC_KEY(tokenKey);
        EcKeyPtr key(source ? EC_KEY_new() : nullptr);
        if (!key || !EC_KEY_set_group(key.get(), EC_KEY_get0_group(source)) ||
            !EC_KEY_set_public_key(key.get(), EC_KEY_get0_public_key(source)) ||
            !EC_KEY_set_method(key.get(), ecMethod()) ||
            !EC_KEY_set_ex_data(key.get(), ecIndex(), target.get()))
            return nullptr;
        target.release();
        if (!EVP_PKEY_assign_EC_KEY(proxy.get(), key.get()))
            return nullptr;
        key.release(); // the EVP_PKEY owns it
        return proxy;
    }
    case EVP_PKEY_RSA: {
        const RSA *source = EVP_PKEY_get0_RSA(tokenKey);
        RsaPtr key(source ? RSA_new() : nullptr);
        if (!key)
            return nullptr;
        const BIGNUM *n = nullptr, *e = nullptr;
        RSA_get0_key(source, &n, &e, nullptr);
        BignumPtr modulus(BN_dup(n)), exponent(BN_dup(e));
        if (!modulus || !exponent ||
            !RSA_set0_key(key.get(), modulus.get(), exponent.get(), nullptr))
            return nullptr;
        modulus.release(); // the RSA owns them
        exponent.release();
        if (!RSA_set_method(key.get(), rsaMethod()) ||
            !RSA_set_ex_data(key.get(), rsaIndex(), target.get()))
            return nullptr;
        target.release();
        if (!EVP_PKEY_assign_RSA(proxy.get(), key.get()))
            return nullptr;
        key.release();
        return proxy;
    }
    default:
        return nullptr;
    }
}

} // namespace kk
