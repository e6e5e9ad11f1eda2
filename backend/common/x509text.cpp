#include "keykiosk/x509text.h"

#include "keykiosk/opensslptr.h"

#include <openssl/bn.h>
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

QString serialHex(const X509 *cert)
{
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    char *hex = bn ? BN_bn2hex(bn.get()) : nullptr;
    if (!hex)
        return {};
    QString s = QString::fromLatin1(hex);
    OPENSSL_free(hex);
    return s;
}

QDateTime notAfterOf(const X509 *cert)
{
    struct tm t
    {
    };
    ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t);
    return QDateTime(QDate(t.tm_year + 1900, t.tm_mon + 1, t.tm_mday),
                     QTime(t.tm_hour, t.tm_min, t.tm_sec), Qt::UTC);
}

QString subjectLine(const X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0,
                       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, int(length));
}

Error addCertificatePolicies(X509 *cert, const QStringList &oids)
{
    // Built by hand: the v3 config parser wants a config database for policies.
    std::unique_ptr<CERTIFICATEPOLICIES,
                    OpenSslDeleter<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>>
        policies(sk_POLICYINFO_new_null());
    for (const QString &oid : oids) {
        POLICYINFO *info = POLICYINFO_new();
        ASN1_OBJECT_free(info->policyid);
        info->policyid = OBJ_txt2obj(oid.toLatin1().constData(), 1);
        if (!info->policyid || !sk_POLICYINFO_push(policies.get(), info)) {
            POLICYINFO_free(info);
            return Error(ErrorCode::Internal, QStringLiteral("bad policy OID %1").arg(oid));
        }
    }
    if (!X509_add1_ext_i2d(cert, NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT))
        return Error(ErrorCode::Internal, QStringLiteral("cannot add certificate policies"));
    return {};
}

} // namespace kk
