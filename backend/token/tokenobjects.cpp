#include "keykiosk/token/pkcs11module.h"

// A session's objects: finding them, reading an attribute, the key entries a token's
// profiles are read from, storing a certificate, relabelling and destroying.

#include "attributetemplate.h"

#include "keykiosk/logging.h"
#include "keykiosk/opensslptr.h"

#include <QMap>

#include <openssl/x509.h>

namespace kk {

Expected<QVector<CK_OBJECT_HANDLE>> TokenSession::findObjects(CK_OBJECT_CLASS cls,
                                                              const QByteArray *id)
{
    AttributeTemplate query;
    query.add(CKA_CLASS, &cls, sizeof cls);
    if (id)
        query.addBytes(CKA_ID, *id);
    CK_RV rv = m_functions->C_FindObjectsInit(m_handle, query.data(), query.size());
    if (rv != CKR_OK)
        return pkcs11Error("C_FindObjectsInit", rv);
    QVector<CK_OBJECT_HANDLE> found;
    for (;;) {
        CK_OBJECT_HANDLE batch[32];
        CK_ULONG count = 0;
        rv = m_functions->C_FindObjects(m_handle, batch, 32, &count);
        if (rv != CKR_OK) {
            m_functions->C_FindObjectsFinal(m_handle);
            return pkcs11Error("C_FindObjects", rv);
        }
        for (CK_ULONG i = 0; i < count; ++i)
            found << batch[i];
        if (count < 32)
            break;
    }
    m_functions->C_FindObjectsFinal(m_handle);
    return found;
}

Expected<QByteArray> TokenSession::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE attr{type, nullptr, 0};
    CK_RV rv = m_functions->C_GetAttributeValue(m_handle, object, &attr, 1);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetAttributeValue", rv);
    if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("attribute 0x%1 unavailable").arg(type, 0, 16));
    QByteArray value(int(attr.ulValueLen), Qt::Uninitialized);
    attr.pValue = value.data();
    rv = m_functions->C_GetAttributeValue(m_handle, object, &attr, 1);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetAttributeValue", rv);
    value.resize(int(attr.ulValueLen));
    return value;
}

Expected<QVector<TokenKeyEntry>> TokenSession::keyEntries()
{
    QMap<QByteArray, TokenKeyEntry> byId;
    QVector<TokenKeyEntry> withoutId;
    const CK_OBJECT_CLASS classes[] = {CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
    for (CK_OBJECT_CLASS cls : classes) {
        auto objects = findObjects(cls, nullptr);
        if (!objects)
            return objects.error();
        for (CK_OBJECT_HANDLE object : objects.value()) {
            auto idValue = attribute(object, CKA_ID);
            const QByteArray id = idValue ? idValue.value() : QByteArray();
            auto labelValue = attribute(object, CKA_LABEL);
            const QString label = labelValue ? QString::fromUtf8(labelValue.value()) : QString();
            TokenKeyEntry scratch;
            TokenKeyEntry &entry = id.isEmpty() ? scratch : byId[id];
            entry.id = id;
            if (cls == CKO_CERTIFICATE) {
                auto value = attribute(object, CKA_VALUE);
                if (!value)
                    return value.error();
                entry.certificateDer = value.value();
                entry.certificateLabel = label;
            } else {
                if (entry.label.isEmpty())
                    entry.label = label;
                entry.keyLabels << label;
                (cls == CKO_PRIVATE_KEY ? entry.hasPrivateKey : entry.hasPublicKey) = true;
                auto keyType = attribute(object, CKA_KEY_TYPE);
                if (keyType && keyType->size() == int(sizeof(CK_KEY_TYPE)))
                    entry.keyType = *reinterpret_cast<const CK_KEY_TYPE *>(keyType->constData());
            }
            if (id.isEmpty())
                withoutId << scratch;
        }
    }
    QVector<TokenKeyEntry> entries = byId.values().toVector();
    entries += withoutId;
    return entries;
}

Error TokenSession::storeCertificate(const QByteArray &der, const QByteArray &id,
                                     const QString &label)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
    if (!cert)
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("certificate to store is not valid DER"));
    const QByteArray subject = derBytes(
        [&](unsigned char **out) { return i2d_X509_NAME(X509_get_subject_name(cert.get()), out); });
    const QByteArray issuer = derBytes(
        [&](unsigned char **out) { return i2d_X509_NAME(X509_get_issuer_name(cert.get()), out); });
    const QByteArray serial = derBytes([&](unsigned char **out) {
        return i2d_ASN1_INTEGER(X509_get0_serialNumber(cert.get()), out);
    });
    const QByteArray labelUtf8 = label.toUtf8();

    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE certType = CKC_X_509;
    AttributeTemplate object;
    object.add(CKA_CLASS, &cls, sizeof cls);
    object.add(CKA_CERTIFICATE_TYPE, &certType, sizeof certType);
    object.addBool(CKA_TOKEN, true);
    object.addBool(CKA_PRIVATE, false);
    object.addBytes(CKA_ID, id);
    object.addBytes(CKA_LABEL, labelUtf8);
    object.addBytes(CKA_SUBJECT, subject);
    object.addBytes(CKA_ISSUER, issuer);
    object.addBytes(CKA_SERIAL_NUMBER, serial);
    object.addBytes(CKA_VALUE, der);
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = m_functions->C_CreateObject(m_handle, object.data(), object.size(), &handle);
    if (rv != CKR_OK) {
        Error error = pkcs11Error("C_CreateObject(certificate)", rv);
        if (error.code == ErrorCode::TokenFailure)
            error.code = ErrorCode::TokenWriteFailed;
        return error;
    }
    qCInfo(lcToken) << "stored certificate with id" << id.toHex();
    return {};
}

Error TokenSession::setLabel(CK_OBJECT_CLASS cls, const QByteArray &id, const QString &label)
{
    auto objects = findObjects(cls, &id);
    if (!objects)
        return objects.error();
    const QByteArray utf8 = label.toUtf8();
    for (CK_OBJECT_HANDLE object : objects.value()) {
        AttributeTemplate attributes;
        attributes.addBytes(CKA_LABEL, utf8);
        const CK_RV rv = m_functions->C_SetAttributeValue(m_handle, object, attributes.data(),
                                                          attributes.size());
        if (rv != CKR_OK)
            return pkcs11Error("C_SetAttributeValue(CKA_LABEL)", rv);
    }
    return {};
}

Error TokenSession::destroyObjects(CK_OBJECT_CLASS cls, const QByteArray &id)
{
    auto objects = findObjects(cls, &id);
    if (!objects)
        return objects.error();
    for (CK_OBJECT_HANDLE object : objects.value()) {
        const CK_RV rv = m_functions->C_DestroyObject(m_handle, object);
        if (rv != CKR_OK)
            return pkcs11Error("C_DestroyObject", rv);
    }
    return {};
}

} // namespace kk
