#include "cmptransaction.h"

#include "keykiosk/languagetext.h"

#include "protectionpolicy.h"

#include "certificatecache.h"

#include "ralog.h"
#include "signer.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/x509text.h"

#include <QCryptographicHash>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/cmp.h>
#include <openssl/crmf.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstring>

Q_LOGGING_CATEGORY(lcRa, "kk.ra", QtInfoMsg)

namespace kk::ra {

using namespace cmp;

void RaService::Transaction::receive(const QByteArray &der, const ParsedMessage &parsed,
                                     const CmpHeaderFields *validating)
{
    certRequestDer = der;
    protectionCertDer = parsed.firstExtraCertDer;
    if (!parsed.message || !validating)
        return;
    // A protection certificate whose path already held (or holds now) is named to OpenSSL,
    // which then checks the signature and the sender's name against it, and no path again
    // (sendercertificates.h). Any other is only offered where OpenSSL looks for it, and
    // OpenSSL refuses it with its own reason. (Offered in both cases: OpenSSL 3.0 needs a
    // list that is not empty there.)
    X509 *first = sk_X509_num(parsed.extraCerts.get()) > 0
                      ? sk_X509_value(parsed.extraCerts.get(), 0)
                      : nullptr;
    const bool known = service->m_senders.protects(protectionCertDer, first, *validating);
    OSSL_CMP_CTX_set1_srvCert(OSSL_CMP_SRV_CTX_get0_cmp_ctx(srv.get()), known ? first : nullptr);
    offerSenderCertificate(srv.get(), parsed.extraCerts.get());
}

bool RaService::Transaction::admitInbound()
{
    if (inboundAdmitted)
        return true;
    QString why;
    if (!service->m_replay.admit(inbound, &why)) {
        logRefusal(QtWarningMsg, QStringLiteral("message refused: ") + why);
        // OpenSSL answers a callback's failure with an error message carrying this reason.
        raiseRaReason(RaReason::MessageRefused, why);
        return false;
    }
    inboundAdmitted = true;
    return true;
}

namespace {

OSSL_CMP_PKISI *onCertRequest(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int,
                              const OSSL_CRMF_MSG *crm, const X509_REQ *, X509 **certOut,
                              STACK_OF(X509) * *chainOut, STACK_OF(X509) * *caPubs)
{
    auto *t = static_cast<RaService::Transaction *>(OSSL_CMP_SRV_CTX_get0_custom_ctx(srv));
    *chainOut = nullptr;
    *caPubs = nullptr;
    *certOut = nullptr;
    if (!t->admitInbound())
        return nullptr;
    t->waiting = false;
    t->registerUnavailable = false;
    OSSL_CMP_PKISI *si = t->certRequest(req, crm, certOut);
    if (t->registerUnavailable) {
        logRefusal(QtWarningMsg, QStringLiteral("the register is unavailable; the client will "
                                                "send the request again"));
        OSSL_CMP_PKISI_free(si);
        X509_free(*certOut);
        *certOut = nullptr;
        raiseRaReason(RaReason::TryAgain, QStringLiteral("the register is unavailable"));
        return nullptr;
    }
    t->refused = si && !*certOut && !t->waiting;
    return si;
}

int onPollReq(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *, int, OSSL_CMP_MSG **certReq,
              int64_t *checkAfter)
{
    auto *t = static_cast<RaService::Transaction *>(OSSL_CMP_SRV_CTX_get0_custom_ctx(srv));
    *certReq = nullptr;
    *checkAfter = 0;
    if (!t->admitInbound() || t->requestId == 0 || t->originalRequest.isEmpty())
        return 0;
    Store *store = t->service->store();
    if (t->service->policy().approval == ApprovalMode::Auto &&
        t->service->policy().autoDelaySeconds > 0)
        store->approveDue(QDateTime::currentDateTimeUtc());
    auto record = store->findById(t->requestId);
    if (!record || !record.value())
        return 0;
    if (record.value()->status == RequestStatus::Pending) {
        *checkAfter = t->service->policy().checkAfterSeconds;
        return 1;
    }
    // Decided: run the original request again; the cert-request callback answers it.
    ParsedMessage original = parseMessage(t->originalRequest);
    t->receive(t->originalRequest, original, nullptr);
    *certReq = original.message.release();
    return *certReq != nullptr;
}

int onCertConf(OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *, int, const ASN1_OCTET_STRING *certHash,
               const OSSL_CMP_PKISI *si)
{
    auto *t = static_cast<RaService::Transaction *>(OSSL_CMP_SRV_CTX_get0_custom_ctx(srv));
    if (!t->admitInbound())
        return 0;
    auto record = t->service->store()->findById(t->requestId);
    if (!record || !record.value() || record.value()->certDer.isEmpty())
        return 0;
    X509Ptr cert = parsedCertificate(record.value()->certDer);
    // certHash uses the hash of the certificate's own signature algorithm (RFC 4210 5.3.18).
    Asn1OctetStringPtr expected(cert ? X509_digest_sig(cert.get(), nullptr, nullptr) : nullptr);
    if (!expected || !certHash || ASN1_OCTET_STRING_cmp(expected.get(), certHash) != 0) {
        qCWarning(lcRa) << "certConf hash does not match the certificate of request"
                        << t->requestId;
        return 0;
    }
    char text[256] = {};
    const bool accepted = !si || OSSL_CMP_snprint_PKIStatusInfo(si, text, sizeof text) == nullptr ||
                          QByteArray(text).startsWith("PKIStatus: accepted");
    qCInfo(lcRa) << "request" << record.value()->number
                 << (accepted ? "confirmed by the client" : "refused by the client:")
                 << (accepted ? "" : text);
    if (t->service->store()
            ->markConfirmed(*record.value(), accepted,
                            accepted ? QString() : QString::fromUtf8(text))
            .isError())
        return 0;
    KK_FAULT_POINT("ra-confirmed");
    return 1;
}

void onError(OSSL_CMP_SRV_CTX *, const OSSL_CMP_MSG *, const OSSL_CMP_PKISI *si,
             const ASN1_INTEGER *, const OSSL_CMP_PKIFREETEXT *)
{
    char text[256] = {};
    if (si)
        OSSL_CMP_snprint_PKIStatusInfo(si, text, sizeof text);
    qCInfo(lcRa) << "client reported an error:" << text;
}

} // namespace

RaService::RaService(RaIdentity identity, RaPolicy policy, Store *store, Issuer issuer)
    : m_identity(std::move(identity)), m_policy(policy), m_store(store), m_replay(m_policy),
      m_senders(m_identity.caCert.get()), m_issuer(std::move(issuer))
{
    if (!m_issuer && m_identity.caKey) {
        X509_up_ref(m_identity.caCert.get());
        EVP_PKEY_up_ref(m_identity.caKey.get());
        m_ownSigner = std::make_unique<Signer>(
            X509Ptr(m_identity.caCert.get()), EvpPkeyPtr(m_identity.caKey.get()),
            SignerProfile{m_policy.clientPolicyOid, m_policy.validityDays, m_policy.crlUrl, 24},
            m_store);
        m_issuer = [this](qint64 id) { return m_ownSigner->issue(id); };
        m_crlSource = [this] { return m_ownSigner->crl(); };
    }
}

Expected<QByteArray> RaService::crl()
{
    if (!m_crlSource)
        return Error(ErrorCode::Internal, QStringLiteral("no signer configured"));
    return m_crlSource();
}

RaService::~RaService() = default;

int RaService::openTransactions() const
{
    std::lock_guard<std::mutex> lock(m_mapMutex);
    return int(m_transactions.size());
}

void RaService::expireIdleTransactions()
{
    const auto limit =
        std::chrono::steady_clock::now() - std::chrono::seconds(m_policy.transactionIdleSeconds);
    {
        std::lock_guard<std::mutex> lock(m_mapMutex);
        for (auto it = m_transactions.begin(); it != m_transactions.end();) {
            if (it->second->lastUsed < limit)
                it = m_transactions.erase(it);
            else
                ++it;
        }
    }
    // The register forgets a transaction after a week: a client away longer sends its request
    // again, with the same key, and the bank continues the request it holds for that key.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!m_lastPrune.isValid() || m_lastPrune.secsTo(now) > 3600) {
        m_lastPrune = now;
        if (Error e = m_store->forgetTransactionsBefore(now.addDays(-m_policy.transactionKeepDays)))
            qCWarning(lcRa) << e.logText();
    }
}

std::shared_ptr<RaService::Transaction> RaService::newTransaction(const QByteArray &id)
{
    auto t = std::make_shared<Transaction>();
    t->service = this;
    t->id = id;
    t->srv.reset(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
    OSSL_CMP_CTX *cmp = OSSL_CMP_SRV_CTX_get0_cmp_ctx(t->srv.get());
    X509_STORE *trusted = m_senders.trustStore(); // one for all transactions
    if (!trusted || !OSSL_CMP_CTX_set1_cert(cmp, m_identity.raCert.get()) ||
        !OSSL_CMP_CTX_set1_pkey(cmp, m_identity.raKey.get()) ||
        !OSSL_CMP_CTX_set0_trustedStore(cmp, trusted) ||
        !OSSL_CMP_SRV_CTX_init(t->srv.get(), t.get(), onCertRequest, nullptr, nullptr, onError,
                               onCertConf, onPollReq)) {
        X509_STORE_free(trusted);
        return nullptr;
    }
    OSSL_CMP_CTX_set_log_cb(cmp, cmpLog);
    OSSL_CMP_CTX_set_log_verbosity(cmp, OSSL_CMP_LOG_ERR);
    OSSL_CMP_SRV_CTX_set_accept_unprotected(t->srv.get(), 0);
    OSSL_CMP_SRV_CTX_set_send_unprotected_errors(t->srv.get(), 0);
    OSSL_CMP_SRV_CTX_set_grant_implicit_confirm(t->srv.get(), 0);
    return t;
}

std::shared_ptr<RaService::Transaction> RaService::transactionFor(const QByteArray &id,
                                                                  int bodyType)
{
    {
        std::lock_guard<std::mutex> lock(m_mapMutex);
        auto it = m_transactions.find(id);
        if (it != m_transactions.end())
            return it->second;
    }
    std::shared_ptr<Transaction> t = newTransaction(id);
    const bool opensTransaction = bodyType == kBodyIr || bodyType == kBodyCr ||
                                  bodyType == kBodyKur || bodyType == kBodyP10cr;
    if (!t || opensTransaction || id.isEmpty())
        return t;
    // A pollReq or certConf for a transaction this process does not hold (it restarted, or
    // another process answered the request): the register continues it (docs/architecture.md,
    // "The bank's transactions").
    auto stored = m_store->findTransaction(id);
    if (!stored || !stored.value())
        return t; // nothing to continue: the library answers with an error
    t->requestId = stored.value()->requestId;
    t->senderDer = stored.value()->senderDer;
    t->originalRequest = stored.value()->requestDer;
    t->remembered = true;
    // OpenSSL's context learns the transaction (its id, the request id a poll must name) only
    // from the request itself, so the request runs through it again: it was admitted when it
    // first came, and it is answered from the register as a resend of it would be. The answer
    // is dropped, and so is its nonce, which the client never saw.
    ParsedMessage original = parseMessage(t->originalRequest);
    t->inbound = cmpHeaderFields(t->originalRequest);
    t->receive(t->originalRequest, original, &t->inbound);
    t->inboundAdmitted = true;
    CmpMsgPtr primed(original.message
                         ? OSSL_CMP_SRV_process_request(t->srv.get(), original.message.get())
                         : nullptr);
    ERR_clear_error();
    if (!primed ||
        !OSSL_CMP_CTX_set1_senderNonce(OSSL_CMP_SRV_CTX_get0_cmp_ctx(t->srv.get()), nullptr)) {
        qCWarning(lcRa) << "transaction" << id.toHex() << "could not be continued";
        return newTransaction(id); // the library answers with an error; the client resends
    }
    qCInfo(lcRa) << "transaction" << id.toHex() << "continued from the register";
    return t;
}

QByteArray RaService::errorAnswer(const OSSL_CMP_MSG *req, RaReason reason, const QString &detail)
{
    // A fresh context with no callbacks answers with an error bound to nothing of the
    // transaction the message names. OpenSSL words it after the first error queued: ours
    // (protectionpolicy.h). It is given the message as if unprotected, and takes it so:
    // checking a protection again would clear the queue (and word it in OpenSSL's terms).
    CmpMsgPtr bare(parseDer(unprotectedCopy(toDer(req))));
    if (!bare)
        return {};
    ERR_clear_error();
    raiseRaReason(reason, detail);
    CmpSrvCtxPtr scratch(OSSL_CMP_SRV_CTX_new(nullptr, nullptr));
    OSSL_CMP_CTX *cmp = OSSL_CMP_SRV_CTX_get0_cmp_ctx(scratch.get());
    OSSL_CMP_CTX_set1_cert(cmp, m_identity.raCert.get());
    OSSL_CMP_CTX_set1_pkey(cmp, m_identity.raKey.get());
    OSSL_CMP_CTX_set_log_cb(cmp, cmpLog);
    OSSL_CMP_CTX_set_log_verbosity(cmp, OSSL_CMP_LOG_ERR);
    OSSL_CMP_SRV_CTX_init(scratch.get(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                          nullptr);
    OSSL_CMP_SRV_CTX_set_accept_unprotected(scratch.get(), 1);
    CmpMsgPtr response(OSSL_CMP_SRV_process_request(scratch.get(), bare.get()));
    ERR_clear_error();
    return response ? toDer(response.get()) : QByteArray();
}

QByteArray RaService::handle(const QByteArray &requestDer, const QString &peer)
{
    ExchangeLogScope scope(peer.isEmpty() ? QStringLiteral("local") : peer);
    ParsedMessage parsed = parseMessage(requestDer);
    const OSSL_CMP_MSG *req = parsed.message.get();
    const CmpHeaderFields header = req ? cmpHeaderFields(requestDer) : CmpHeaderFields();
    if (!req || !header.valid) {
        ERR_clear_error();
        qCDebug(lcRa) << "not a CMP message (" << requestDer.size() << "bytes)";
        return {};
    }
    const QByteArray id = header.transactionId;
    const int bodyType = OSSL_CMP_MSG_get_bodytype(req);
    ExchangeLogScope::setTransaction(id);
    // A protection the bank never accepts is refused in its own words before OpenSSL tries
    // it (and would answer in its internals).
    const ProtectionVerdict protection = judgeProtection(header.protectionAlgOid);
    if (!protection.accepted) {
        logRefusal(QtWarningMsg, QStringLiteral("message refused: ") + protection.detail);
        return errorAnswer(req, protection.reason, protection.detail);
    }

    std::shared_ptr<Transaction> t = transactionFor(id, bodyType);
    if (!t)
        return {};
    std::lock_guard<std::mutex> lock(t->lock);
    if (!t->senderDer.isEmpty() && header.senderDer != t->senderDer) {
        // Whoever else names the transaction changes nothing of it.
        const QString why = QStringLiteral("another sender than the transaction's");
        logRefusal(QtWarningMsg, QStringLiteral("message refused: ") + why);
        return errorAnswer(req, RaReason::MessageRefused, why);
    }
    t->lastUsed = std::chrono::steady_clock::now();
    t->inbound = header;
    t->inboundAdmitted = false;
    t->refused = false;
    t->receive(requestDer, parsed, &header);
    ERR_clear_error();
    CmpMsgPtr response(OSSL_CMP_SRV_process_request(t->srv.get(), req));
    if (!response) {
        unsigned long e = ERR_peek_last_error();
        qCWarning(lcRa) << "no response:" << ERR_reason_error_string(e);
        ERR_clear_error();
        return {};
    }
    // pkiconf or error ends the transaction in OpenSSL's context (RFC 4210 5.1.2 body
    // numbers), and so does a refusal; the register still holds what was decided. Only an
    // open transaction stays in memory, so a refused or unprotected message costs nothing
    // once answered.
    constexpr int kBodyPkiConf = 19, kBodyError = 23;
    const int rspType = OSSL_CMP_MSG_get_bodytype(response.get());
    // An error OpenSSL wrote in its own words (it takes them from the first error queued)
    // is answered in the bank's; staff find OpenSSL's in the log.
    ProtectionVerdict reworded;
    QByteArray responseDer = toDer(response.get());
    if (rspType == kBodyError) {
        const long code = errorMessageCode(responseDer);
        const unsigned long first = code > 0 ? (unsigned long)code : 0;
        reworded = rewordOpenSslError(first);
        if (!reworded.accepted) {
            char text[256];
            ERR_error_string_n(first, text, sizeof text);
            logRefusal(QtWarningMsg, QStringLiteral("message refused: %1 (OpenSSL: %2)")
                                         .arg(reworded.detail, QString::fromLatin1(text)));
        }
    }
    ERR_clear_error();
    bool open = rspType != kBodyPkiConf && rspType != kBodyError && !t->refused &&
                t->requestId != 0 && !id.isEmpty();
    // Nothing leaves the process before what it says is on disk: one flush for the answers
    // of all threads at this moment (sqldatabase.h, Durability::AtFlush). Without it, the
    // client hears "try again later" and the transaction is dropped from memory: its request
    // again, with the same key, continues what the register holds.
    Error unflushed = m_store->flush();
    if (unflushed) {
        logRefusal(QtWarningMsg, QStringLiteral("answer withheld: ") + unflushed.detail);
        open = false;
    }
    {
        std::lock_guard<std::mutex> mapLock(m_mapMutex);
        auto it = m_transactions.find(id);
        if (open)
            m_transactions[id] = t;
        else if (it != m_transactions.end() && it->second == t)
            m_transactions.erase(it);
    }
    if (unflushed)
        return errorAnswer(req, RaReason::TryAgain, QStringLiteral("the register is busy"));
    if (!reworded.accepted)
        return errorAnswer(req, reworded.reason, reworded.detail);
    return responseDer;
}

} // namespace kk::ra
