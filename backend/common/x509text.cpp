#include "keykiosk/x509text.h"

#include "keykiosk/opensslptr.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace kk {

QString asn1Utf8(const ASN1_STRING *value)
{
    unsigned char *utf8 = nullptr;
    const int length = value ? ASN1_STRING_to_UTF8(&utf8, value) : -1;
    if (length < 0)
        return {};
    QString text = QString::fromUtf8(reinterpret_cast<const char *>(utf8), length);
    OPENSSL_free(utf8);
    return text;
}

QString nameField(const X509_NAME *name, const char *field)
{
    Asn1ObjectPtr object(OBJ_txt2obj(field, 0));
    const int i = name && object ? X509_NAME_get_index_by_OBJ(name, object.get(), -1) : -1;
    return i < 0 ? QString() : asn1Utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
}

QStringList certificatePolicies(const X509 *cert)
{
    QStringList oids;
    using Policies = STACK_OF(POLICYINFO);
    std::unique_ptr<Policies, OpenSslDeleter<Policies, CERTIFICATEPOLICIES_free>> policies(
        static_cast<Policies *>(
            X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr)));
    for (int i = 0; policies && i < sk_POLICYINFO_num(policies.get()); ++i) {
        char oid[128] = {};
        OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies.get(), i)->policyid, 1);
        oids << QString::fromLatin1(oid);
    }
    return oids;
}

} // namespace kk
