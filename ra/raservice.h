#pragma once
// The bank's registration authority: CMP (RFC 4210 / RFC 9483) on OpenSSL's server API.
// One OpenSSL server context per transaction (a context holds exactly one), kept in a map
// by transactionID, each used under its own lock, and dropped when idle.

#include "keykiosk/enroll/roles.h"
#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"
#include "store.h"

#include <openssl/crmf.h>

#include <QDateTime>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

namespace kk::ra {

enum class ApprovalMode
{
    Auto,
    Manual
};

struct RaPolicy
{
    // The bank CA's profiles, by certificate policy OID ([roles], enroll/roles.h).
    QString clientPolicyOid = QString::fromLatin1(roles::kClientPolicy);
    QString staffPolicyOid = QString::fromLatin1(roles::kStaffPolicy);
    QString raPolicyOid = QString::fromLatin1(roles::kRaPolicy);
    // Operators who must approve a staff-authorized initial request before it is issued: 0
    // (the staff member's authorization suffices), 1, or 2 (dual control: two different ones).
    int staffApprovals = 0;
    ApprovalMode approval = ApprovalMode::Auto;
    int autoDelaySeconds = 3;
    bool allowUnscheduled = true; // renewal before the window opens
    int renewalWindowDays = 30;
    int validityDays = 365;
    int checkAfterSeconds = 2; // what pollRep tells the client
    int transactionIdleSeconds = 300;
};

struct RaIdentity
{
    X509Ptr caCert;   // the bank CA: client certificates chain to it, new ones are issued by it
    EvpPkeyPtr caKey; // from a PEM file or an HSM (EVP_PKEY through libp11)
    X509Ptr raCert;   // protects the RA's answers; kiosks pin it
    EvpPkeyPtr raKey;
};

class RaService
{
public:
    RaService(RaIdentity identity, RaPolicy policy, Store *store);
    ~RaService();

    // One CMP request in, one CMP response out (DER). Empty when the input is not a CMP
    // message at all; the HTTP layer answers 400 then.
    QByteArray handle(const QByteArray &requestDer);
    void expireIdleTransactions();
    int openTransactions() const;

    // Used by the server callbacks.
    struct Transaction;
    const RaPolicy &policy() const { return m_policy; }
    const RaIdentity &identity() const { return m_identity; }
    Store *store() const { return m_store; }

private:
    std::shared_ptr<Transaction> transactionFor(const QByteArray &id, int bodyType);
    bool seenBefore(const QByteArray &messageHash);

    RaIdentity m_identity;
    RaPolicy m_policy;
    Store *m_store;
    mutable std::mutex m_mapMutex;
    std::map<QByteArray, std::shared_ptr<Transaction>> m_transactions;
    // Replay detection: hashes of recent messages. In memory on purpose: a replay can at
    // most re-deliver a (public) certificate to the holder of its key, so it needs no disk
    // write per message; the window is bounded in time and size.
    std::mutex m_replayMutex;
    std::map<QByteArray, std::chrono::steady_clock::time_point> m_recentMessages;
};

// The certificate policy OIDs a certificate carries (its roles), and a certificate policies
// extension with these OIDs.
QStringList certificatePolicies(X509 *cert);
Error addCertificatePolicies(X509 *cert, const QStringList &oids);
// Serial (hex, upper case) and subject (one line) of a certificate.
QString serialHex(const X509 *cert);
QString subjectLine(const X509 *cert);
QDateTime notAfterOf(const X509 *cert);

// Helpers the RA needs because OpenSSL 3.0 has no public getter for them (exposed for tests).
QByteArray templatePublicKeySpki(const OSSL_CRMF_MSG *crm);
QVector<QByteArray> extraCertsDer(const QByteArray &messageDer);

} // namespace kk::ra
