#include "sendercertificates.h"

#include "cmpder.h"

#include <openssl/x509v3.h>

namespace kk::ra {

namespace {
constexpr int kMaxRemembered = 16384; // certificate hashes: well under 2 MB
} // namespace

SenderCertificates::SenderCertificates(X509 *bankCa) : m_store(X509_STORE_new())
{
    if (!m_store)
        return;
    X509_STORE_add_cert(m_store.get(), bankCa);
    X509_VERIFY_PARAM_set_flags(X509_STORE_get0_param(m_store.get()), X509_V_FLAG_NO_CHECK_TIME);
}

X509_STORE *SenderCertificates::trustStore() const
{
    if (!m_store || !X509_STORE_up_ref(m_store.get()))
        return nullptr;
    return m_store.get();
}

bool SenderCertificates::protects(const QByteArray &der, X509 *cert, const CmpHeaderFields &header)
{
    if (!cert || der.isEmpty())
        return false;
    if (header.hasSenderKid) {
        const ASN1_OCTET_STRING *kid = X509_get0_subject_key_id(cert);
        if (!kid ||
            QByteArray::fromRawData(reinterpret_cast<const char *>(ASN1_STRING_get0_data(kid)),
                                    ASN1_STRING_length(kid)) != header.senderKid)
            return false;
    }
    return chainsToBank(der, cert);
}

bool SenderCertificates::chainsToBank(const QByteArray &der, X509 *cert)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_valid.contains(der))
            return true;
    }
    // The same check as OpenSSL's (OSSL_CMP_validate_cert_path): the store above, no other
    // certificates (a client sends its own certificate only; the bank CA issues it directly).
    X509StoreCtxPtr check(X509_STORE_CTX_new());
    ++m_pathValidations;
    if (!m_store || !check || !X509_STORE_CTX_init(check.get(), m_store.get(), cert, nullptr) ||
        X509_verify_cert(check.get()) != 1)
        return false;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_valid.size() >= kMaxRemembered)
        m_valid.clear(); // starts over: memory stays flat however many clients come
    m_valid.insert(der);
    return true;
}

} // namespace kk::ra
