#pragma once
// A PKCS#11 attribute template built up in C++ (private to the token layer): the values it
// points at must outlive it, as PKCS#11 reads them only during the call.

#include <p11-kit/pkcs11.h>

#include <QByteArray>

#include <vector>

namespace kk {

class AttributeTemplate
{
public:
    void add(CK_ATTRIBUTE_TYPE type, const void *value, std::size_t length)
    {
        m_attributes.push_back({type, const_cast<void *>(value), CK_ULONG(length)});
    }
    void addBool(CK_ATTRIBUTE_TYPE type, bool value)
    {
        add(type, value ? &kTrue : &kFalse, sizeof(CK_BBOOL));
    }
    void addBytes(CK_ATTRIBUTE_TYPE type, const QByteArray &bytes)
    {
        add(type, bytes.constData(), std::size_t(bytes.size()));
    }
    // A public key object's common part, the same for a generated pair's public half and for
    // one written again by a repair (enroll/tokenrepair.h): on the token, readable by anyone,
    // for verifying only.
    void addPublicKeyBasics(const CK_KEY_TYPE &keyType, const QByteArray &id,
                            const QByteArray &label)
    {
        add(CKA_CLASS, &kPublicKeyClass, sizeof kPublicKeyClass);
        add(CKA_KEY_TYPE, &keyType, sizeof keyType);
        addBool(CKA_TOKEN, true);
        addBool(CKA_PRIVATE, false);
        addBool(CKA_VERIFY, true);
        addBool(CKA_ENCRYPT, false);
        addBool(CKA_WRAP, false);
        addBool(CKA_VERIFY_RECOVER, false);
        addBytes(CKA_ID, id);
        addBytes(CKA_LABEL, label);
    }
    CK_ATTRIBUTE *data() { return m_attributes.data(); }
    CK_ULONG size() const { return CK_ULONG(m_attributes.size()); }

private:
    static constexpr CK_BBOOL kTrue = CK_TRUE;
    static constexpr CK_BBOOL kFalse = CK_FALSE;
    static constexpr CK_OBJECT_CLASS kPublicKeyClass = CKO_PUBLIC_KEY;
    std::vector<CK_ATTRIBUTE> m_attributes;
};

} // namespace kk
