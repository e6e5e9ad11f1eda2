#pragma once
// The bank's registration authority: CMP (RFC 4210 / RFC 9483) on OpenSSL's server API.
// One OpenSSL server context per transaction (a context holds exactly one), kept in a map
// by transactionID, each used under its own lock, and dropped when idle.

#include "cmpder.h"
#include "keykiosk/enroll/roles.h"
#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"
#include "protectionpolicy.h"
#include "requestpolicy.h"
#include "sendercertificates.h"
#include "store.h"

#include <openssl/cmp.h>
#include <openssl/crmf.h>

#include <QDateTime>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

namespace kk::ra {

// The replay window: O(1) per message, bounded in time and in memory.
class ReplayWindow
{
public:
    explicit ReplayWindow(const RaPolicy &policy);
    // True for a fresh message; else false and why.
    bool admit(const CmpHeaderFields &header, QString *why);
    std::size_t size() const;

private:
    // A keyed 64-bit digest of (transactionID, senderNonce): eight bytes a message instead
    // of the two strings (the window of a busy bank holds hundreds of thousands), and no
    // sender can aim at another's entry.
    quint64 digest(const CmpHeaderFields &header) const;
    std::chrono::seconds m_window;
    std::size_t m_capacity;
    QByteArray m_key; // random, per process
    mutable std::mutex m_mutex;
    std::unordered_set<quint64> m_seen;
    // In arrival order, each with the moment a replay of it fails the time check anyway (its
    // messageTime plus the window, on the steady clock).
    std::deque<std::pair<std::chrono::steady_clock::time_point, quint64>> m_order;
};

struct RaIdentity
{
    X509Ptr caCert;   // the bank CA: client certificates chain to it, new ones are issued by it
    EvpPkeyPtr caKey; // from a PEM file or an HSM; none when a signer process holds it
    X509Ptr raCert;   // protects the RA's answers; kiosks pin it
    EvpPkeyPtr raKey;
};

class Signer;

// Who signs an approved request: the signer process over its socket, or an in-process Signer
// when the RA holds the CA key itself. The certificate's DER, or why not.
using Issuer = std::function<Expected<QByteArray>(qint64 requestId)>;

class RaService
{
public:
    // Without an issuer, the CA key in `identity` signs in this process.
    RaService(RaIdentity identity, RaPolicy policy, Store *store, Issuer issuer = {});
    ~RaService();

    // One CMP request in, one CMP response out (DER). Empty when the input is not a CMP
    // message at all; the HTTP layer answers 400 then.
    // `peer` names the client in the log lines of the exchange.
    QByteArray handle(const QByteArray &requestDer, const QString &peer = {});
    void expireIdleTransactions();
    // The CRL (DER) from whoever signs: the signer process or the in-process signer.
    Expected<QByteArray> crl();
    void setCrlSource(std::function<Expected<QByteArray>()> source)
    {
        m_crlSource = std::move(source);
    }
    int openTransactions() const;

    // Used by the server callbacks.
    struct Transaction;
    const RaPolicy &policy() const { return m_policy; }
    const RaIdentity &identity() const { return m_identity; }
    Store *store() const { return m_store; }

    std::size_t replayEntries() const { return m_replay.size(); }
    // Paths of protection certificates validated so far: one per certificate, not per message.
    quint64 senderPathValidations() const { return m_senders.pathValidations(); }

private:
    std::shared_ptr<Transaction> newTransaction(const QByteArray &id);
    std::shared_ptr<Transaction> transactionFor(const QByteArray &id, int bodyType);
    QByteArray errorAnswer(const OSSL_CMP_MSG *req, RaReason reason, const QString &detail);

    RaIdentity m_identity;
    RaPolicy m_policy;
    Store *m_store;
    mutable std::mutex m_mapMutex;
    std::map<QByteArray, std::shared_ptr<Transaction>> m_transactions;
    // Replay detection, after the protection check. In memory on purpose: a replay can at
    // most re-deliver a (public) certificate to the holder of its key, so it needs no disk
    // write per message.
    ReplayWindow m_replay;
    SenderCertificates m_senders;
    QDateTime m_lastPrune;
    std::unique_ptr<Signer> m_ownSigner;
    Issuer m_issuer;
    std::function<Expected<QByteArray>()> m_crlSource;
};

} // namespace kk::ra
