#pragma once
// A self-signed certificate for unit tests of what is read from certificates (statuses, the
// act): a fresh key, the Russian identifiers (INN, OGRN, SNILS, UID) in the subject,
// validity relative to now, an optional certificate policy.
#include "keykiosk/opensslptr.h"

#include <QString>

#include <openssl/x509v3.h>

#include <string>
#include <utility>

namespace kk::test {

struct CertSpec
{
    long notBeforeDays = -100;
    long notAfterDays = 200;
    const char *keyType = "EC";
    QString policy;
    // v3 extensions in openssl's config syntax; nullptr: left out.
    const char *basicConstraints = nullptr;
    const char *keyUsage = nullptr;
    const char *extendedKeyUsage = nullptr;
};

inline QByteArray makeCertificate(const CertSpec &spec)
{
    EvpPkeyPtr key(std::string(spec.keyType) == "RSA" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x1234abcd);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 86400L * spec.notBeforeDays);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * spec.notAfterDays);
    X509_NAME *name = X509_get_subject_name(cert.get());
    auto add = [name](const char *field, const char *value) {
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(value), -1, -1, 0);
    };
    add("CN", "Петров Пётр Петрович");
    add("O", "ООО «Ромашка»");
    add("1.2.643.3.131.1.1", "7701234567");
    add("1.2.643.100.1", "1027700000000");
    add("1.2.643.100.3", "11223344595");
    add("UID", "ABON-42");
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    if (!spec.policy.isEmpty()) {
        CERTIFICATEPOLICIES *policies = sk_POLICYINFO_new_null();
        POLICYINFO *info = POLICYINFO_new();
        ASN1_OBJECT_free(info->policyid);
        info->policyid = OBJ_txt2obj(spec.policy.toLatin1().constData(), 1);
        sk_POLICYINFO_push(policies, info);
        X509_add1_ext_i2d(cert.get(), NID_certificate_policies, policies, 0, X509V3_ADD_DEFAULT);
        CERTIFICATEPOLICIES_free(policies);
    }
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    for (const auto &[nid, value] : {std::pair{NID_basic_constraints, spec.basicConstraints},
                                     std::pair{NID_key_usage, spec.keyUsage},
                                     std::pair{NID_ext_key_usage, spec.extendedKeyUsage}}) {
        if (!value)
            continue;
        X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(cert.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(cert.get(), key.get(), EVP_sha256());
    return derBytes([&cert](unsigned char **out) { return i2d_X509(cert.get(), out); });
}

} // namespace kk::test
