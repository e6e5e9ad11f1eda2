#pragma once
// The certificates that protect the clients' messages, each checked against the bank CA once
// in the process's life. OpenSSL 3.0's CMP server validates the sender's certificate path
// again for every message, also for the certConf of a transaction whose kur it has just
// validated (an ECDSA verification and the chain building each time, about a twentieth of a
// renewal's CPU). The RA checks the path here, remembers the certificates that passed, and
// names the certificate to OpenSSL as the one to check the protection with: OpenSSL then checks
// the signature and the sender's name against it, and this class the rest of what it would
// have checked (docs/architecture.md, "The bank at scale").

#include "keykiosk/opensslptr.h"

#include <QByteArray>
#include <QSet>

#include <atomic>
#include <mutex>

namespace kk::ra {

struct CmpHeaderFields;

class SenderCertificates
{
public:
    explicit SenderCertificates(X509 *bankCa);

    // The store OpenSSL checks certificates with: the bank CA, time not checked (the policy
    // checks it and gives the client a reason). A new reference, for
    // OSSL_CMP_CTX_set0_trustedStore.
    X509_STORE *trustStore() const;

    // Whether `cert` (encoded as `der`) may be named to OpenSSL as the one that protects a
    // message with this header: its subject key identifier is the header's senderKID (when the
    // header has one), and its path to the bank CA holds. Only a path that held is remembered:
    // a certificate that fails is left to OpenSSL, which fails it with its own reason.
    bool protects(const QByteArray &der, X509 *cert, const CmpHeaderFields &header);

    // How many paths were validated (the rest were remembered).
    quint64 pathValidations() const { return m_pathValidations.load(); }

private:
    bool chainsToBank(const QByteArray &der, X509 *cert);

    X509StorePtr m_store;
    std::mutex m_mutex;
    QSet<QByteArray> m_valid; // the DER of each certificate whose path held
    std::atomic<quint64> m_pathValidations{0};
};

} // namespace kk::ra
