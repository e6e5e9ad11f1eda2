#include "raservice.h"

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

namespace {

// OpenSSL's CMP diagnostics (which print whole certificates when a signature fails) go to the
// debug level of the RA's category: a flood of junk must not become a flood of log.
int cmpLog(const char *, const char *, int, OSSL_CMP_severity level, const char *message)
{
    if (level <= OSSL_CMP_LOG_ERR)
        qCDebug(lcRa).noquote() << "OpenSSL CMP:" << QString::fromUtf8(message).left(300);
    return 1;
}

// Not public in OpenSSL 3.0 (RFC 4210 section 5.1.2 numbering).
constexpr int kBodyIr = 0, kBodyCr = 2, kBodyP10cr = 4, kBodyKur = 7;

QByteArray toDer(const OSSL_CMP_MSG *msg)
{
    return derBytes([msg](unsigned char **out) { return i2d_OSSL_CMP_MSG(msg, out); });
}

CmpMsgPtr parseDer(const QByteArray &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return CmpMsgPtr(der.isEmpty() ? nullptr : d2i_OSSL_CMP_MSG(nullptr, &p, der.size()));
}

QByteArray certDer(const X509 *cert)
{
    return derBytes([cert](unsigned char **out) { return i2d_X509(cert, out); });
}

using CertStackPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509) *)>;
void freeCertStack(STACK_OF(X509) * certs)
{
    sk_X509_pop_free(certs, X509_free);
}

// A PKIMessage parsed once, exactly: OpenSSL parses it without its extraCerts, and the
// certificates come from the cache (certificatecache.h), each key decoded once in the
// process's life instead of in every message. Null if any part is malformed.
struct ParsedMessage
{
    CmpMsgPtr message;
    CertStackPtr extraCerts{nullptr, freeCertStack};
    QByteArray firstExtraCertDer; // the protection certificate (RFC 9483 3.3)
};
ParsedMessage parseMessage(const QByteArray &der)
{
    ParsedMessage parsed;
    const QByteArray stripped = withoutExtraCerts(der);
    const QByteArray &body = stripped.isEmpty() ? der : stripped;
    const auto *p = reinterpret_cast<const unsigned char *>(body.constData());
    CmpMsgPtr message(d2i_OSSL_CMP_MSG(nullptr, &p, body.size()));
    if (!message || p != reinterpret_cast<const unsigned char *>(body.constData()) + body.size())
        return parsed;
    parsed.extraCerts.reset(sk_X509_new_null());
    if (!stripped.isEmpty()) {
        const QVector<QByteArray> certificates = extraCertsDer(der);
        for (const QByteArray &certificate : certificates) {
            X509Ptr cert = parsedCertificate(certificate);
            if (!cert || !sk_X509_push(parsed.extraCerts.get(), cert.get()))
                return parsed; // not a certificate: the message is malformed
            cert.release();
        }
        parsed.firstExtraCertDer = certificates.value(0);
    }
    parsed.message = std::move(message);
    return parsed;
}

// The protection certificate is the first of extraCerts (RFC 9483 3.3), and it is the only one
// OpenSSL may check the protection with: so a request OpenSSL accepts was signed with the key of
// the first certificate, whose chain to the bank CA OpenSSL also checked. (The bank CA issues
// the client certificates itself: no intermediate is needed from the client.)
void offerSenderCertificate(OSSL_CMP_SRV_CTX *srv, STACK_OF(X509) * extraCerts)
{
    CertStackPtr first(sk_X509_new_null(), freeCertStack);
    if (sk_X509_num(extraCerts) > 0 && sk_X509_push(first.get(), sk_X509_value(extraCerts, 0)))
        X509_up_ref(sk_X509_value(extraCerts, 0));
    OSSL_CMP_CTX_set1_untrusted(OSSL_CMP_SRV_CTX_get0_cmp_ctx(srv), first.get());
}

OSSL_CMP_PKISI *status(int pkiStatus, int failBit, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    return OSSL_CMP_STATUSINFO_new(pkiStatus, failBit >= 0 ? 1 << failBit : 0,
                                   utf8.isEmpty() ? nullptr : utf8.constData());
}

// Refusals repeat when someone tries the same thing many times: a few lines and a count.
LogRateLimit g_refusalLog(5, std::chrono::seconds(10));

void logRefusal(QtMsgType type, const QString &text)
{
    int skipped = 0;
    if (!g_refusalLog.allow(text.left(48), &skipped))
        return;
    const QString more =
        skipped ? QStringLiteral(" (%1 more like it left out of the log)").arg(skipped) : QString();
    if (type == QtWarningMsg)
        qCWarning(lcRa).noquote() << text + more;
    else
        qCInfo(lcRa).noquote() << text + more;
}

OSSL_CMP_PKISI *rejection(int failBit, const QString &text)
{
    logRefusal(QtInfoMsg, QStringLiteral("rejecting: ") + text);
    return status(OSSL_CMP_PKISTATUS_rejection, failBit, text);
}

int failureBit(FailureInfo failure)
{
    switch (failure) {
    case FailureInfo::BadRequest:
        return OSSL_CMP_PKIFAILUREINFO_badRequest;
    case FailureInfo::BadTime:
        return OSSL_CMP_PKIFAILUREINFO_badTime;
    case FailureInfo::BadCertId:
        return OSSL_CMP_PKIFAILUREINFO_badCertId;
    case FailureInfo::BadMessageCheck:
        return OSSL_CMP_PKIFAILUREINFO_badMessageCheck;
    case FailureInfo::BadCertTemplate:
        return OSSL_CMP_PKIFAILUREINFO_badCertTemplate;
    case FailureInfo::NotAuthorized:
        return OSSL_CMP_PKIFAILUREINFO_notAuthorized;
    case FailureInfo::CertRevoked:
        return OSSL_CMP_PKIFAILUREINFO_certRevoked;
    }
    return OSSL_CMP_PKIFAILUREINFO_badRequest;
}

// The policy's refusal: its reason in the kiosk's three languages, in one tagged string
// (keykiosk/languagetext.h); the log has the rule's name, Russian and English.
OSSL_CMP_PKISI *refusal(const Decision &decision)
{
    const RefusalRow &row = refusalRow(*decision.refusal);
    const Reason reason = reasonOf(decision);
    logRefusal(QtInfoMsg, QStringLiteral("rejecting (%1): %2 (%3)")
                              .arg(QLatin1String(row.name), reason.ru, reason.en));
    return status(OSSL_CMP_PKISTATUS_rejection, failureBit(row.failure),
                  taggedText({{QStringLiteral("ru"), reason.ru},
                              {QStringLiteral("kk"), reason.kk},
                              {QStringLiteral("en"), reason.en}}));
}

OSSL_CMP_PKISI *refusal(const std::optional<Refusal> &refused)
{
    Decision decision;
    decision.refusal = refused;
    return refusal(decision);
}

// A new request starts as the policy decided: approved at once, or waiting for approvals.
void startAs(RequestRecord &draft, const Decision &decision)
{
    draft.status = decision.status;
    draft.approvalsNeeded = decision.approvalsNeeded;
    draft.approveAfter = decision.approveAfter;
}

const char kOidInn[] = "1.2.643.3.131.1.1";
const char kOidOgrn[] = "1.2.643.100.1";
const char kOidSnils[] = "1.2.643.100.3";

// The request attributes of an initial request (enroll/roles.h), from the template's
// extensions: OID -> UTF8String value.
QHash<QString, QString> requestAttributes(const OSSL_CRMF_MSG *crm)
{
    QHash<QString, QString> attributes;
    const X509_EXTENSIONS *extensions =
        OSSL_CRMF_CERTTEMPLATE_get0_extensions(OSSL_CRMF_MSG_get0_tmpl(crm));
    for (int i = 0; extensions && i < sk_X509_EXTENSION_num(extensions); ++i) {
        X509_EXTENSION *ext = sk_X509_EXTENSION_value(extensions, i);
        char oid[128] = {};
        OBJ_obj2txt(oid, sizeof oid, X509_EXTENSION_get_object(ext), 1);
        const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(ext);
        const unsigned char *p = ASN1_STRING_get0_data(data);
        std::unique_ptr<ASN1_UTF8STRING, OpenSslDeleter<ASN1_UTF8STRING, ASN1_UTF8STRING_free>>
            value(d2i_ASN1_UTF8STRING(nullptr, &p, ASN1_STRING_length(data)));
        if (value)
            attributes.insert(QString::fromLatin1(oid),
                              QString::fromUtf8(reinterpret_cast<const char *>(
                                                    ASN1_STRING_get0_data(value.get())),
                                                ASN1_STRING_length(value.get())));
    }
    return attributes;
}

bool validNow(const X509 *cert)
{
    return X509_cmp_current_time(X509_get0_notBefore(cert)) < 0 &&
           X509_cmp_current_time(X509_get0_notAfter(cert)) > 0;
}

} // namespace

// ---------------------------------------------------------------------------------------

struct RaService::Transaction
{
    RaService *service = nullptr;
    std::mutex lock;
    CmpSrvCtxPtr srv;
    std::chrono::steady_clock::time_point lastUsed = std::chrono::steady_clock::now();
    QByteArray id;              // the transactionID
    QByteArray senderDer;       // who opened it: only they continue it
    QByteArray originalRequest; // the ir/kur, re-processed when a poll finds it decided
    qint64 requestId = 0;
    bool remembered = false; // in the register's transactions: any process continues it
    bool waiting = false;    // the last answer was "waiting"
    bool refused = false;    // the last answer refused the request: nothing to continue
    // The message being handled, and whether it passed the replay window (once per message:
    // a poll that finds the request decided runs the original request again).
    CmpHeaderFields inbound;
    bool inboundAdmitted = false;
    // The message OpenSSL is given (the one being handled, the original request run again,
    // or the original request that primes a transaction continued from the register): its
    // bytes, and the certificate that protects it, which OpenSSL checked.
    QByteArray certRequestDer;
    QByteArray protectionCertDer;
    // Makes `der`, parsed as `parsed`, the message above. With its header when OpenSSL is
    // about to validate it: tells OpenSSL which certificate to check its protection with
    // (none when a poll runs the already validated original request again).
    void receive(const QByteArray &der, const ParsedMessage &parsed,
                 const CmpHeaderFields *validating);

    bool admitInbound();
    // The register could not be read or written (a full disk, a lock): no decision was made,
    // so the client gets an error message, never a refusal, and sends the request again.
    bool registerUnavailable = false;
    OSSL_CMP_PKISI *unavailable(const QString &detail)
    {
        registerUnavailable = true;
        return status(OSSL_CMP_PKISTATUS_rejection, OSSL_CMP_PKIFAILUREINFO_systemUnavail, detail);
    }
    OSSL_CMP_PKISI *certRequest(const OSSL_CMP_MSG *req, const OSSL_CRMF_MSG *crm, X509 **certOut);
    // Each checks its kind of request and fills in the draft; a refusal is returned.
    OSSL_CMP_PKISI *keyUpdate(const OSSL_CRMF_MSG *crm, RequestRecord &draft, QString &actor);
    OSSL_CMP_PKISI *initialRequest(const OSSL_CRMF_MSG *crm, RequestRecord &draft, QString &actor);
    // The client an initial request names, from the register.
    Expected<std::optional<AbonentRecord>> abonentFor(const X509_NAME *requested);
};

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

OSSL_CMP_PKISI *RaService::Transaction::keyUpdate(const OSSL_CRMF_MSG *crm, RequestRecord &draft,
                                                  QString &actor)
{
    Store *store = service->store();
    // The facts, for the policy (requestpolicy.h). OpenSSL accepted the protection with the
    // first of extraCerts only (offerSenderCertificate): that certificate protected the
    // request, and it must be the one oldCertID names. No second verification.
    RenewalFacts facts;
    const OSSL_CRMF_CERTID *oldId = OSSL_CRMF_MSG_get0_regCtrl_oldCertID(crm);
    facts.namesOldCertificate = oldId != nullptr;
    X509Ptr oldCert = parsedCertificate(protectionCertDer);
    facts.oldCertificateSent = oldCert != nullptr;
    QString oldSerial;
    if (oldId && oldCert) {
        facts.protectedByNamedCertificate =
            X509_NAME_cmp(X509_get_issuer_name(oldCert.get()),
                          OSSL_CRMF_CERTID_get0_issuer(oldId)) == 0 &&
            ASN1_INTEGER_cmp(X509_get0_serialNumber(oldCert.get()),
                             OSSL_CRMF_CERTID_get0_serialNumber(oldId)) == 0;
        oldSerial = serialHex(oldCert.get());
        actor = QStringLiteral("client %1").arg(oldSerial);
        facts.clientPolicy =
            certificatePolicies(oldCert.get()).contains(service->policy().clientPolicyOid);
        facts.oldNotAfter = notAfterOf(oldCert.get());
    }
    if (facts.protectedByNamedCertificate && facts.clientPolicy) {
        auto registered = store->findCertificate(oldSerial);
        if (!registered)
            return unavailable(QStringLiteral("registration database unavailable"));
        facts.registered = registered.value();
        // The register holds only certificates the bank issued, and OpenSSL has checked the
        // chain of the one that protected the request: the same bytes are the same one.
        facts.sameAsRegistered = facts.registered && facts.registered->der == protectionCertDer;
    }
    const QByteArray spki = templatePublicKeySpki(crm);
    facts.hasNewKey = !spki.isEmpty();
    draft.newKeySpki = spki;
    draft.newKeyHash = QCryptographicHash::hash(spki, QCryptographicHash::Sha256);
    if (facts.sameAsRegistered && facts.hasNewKey) {
        auto existing = store->findByKeyHash(draft.newKeyHash);
        if (!existing)
            return unavailable(QStringLiteral("registration database unavailable"));
        if (existing.value())
            facts.existingRequest = existing.value()->status;
    }
    const Decision decision =
        decideRenewal(facts, service->policy(), QDateTime::currentDateTimeUtc());
    if (decision.refused())
        return refusal(decision);

    // The request, once per new public key.
    draft.kind = QStringLiteral("kur");
    draft.caseKind = QStringLiteral("renewal");
    const X509_NAME *subject = X509_get_subject_name(oldCert.get());
    draft.uid = facts.registered->abonentUid.isEmpty() ? nameField(subject, "UID")
                                                       : facts.registered->abonentUid;
    if (draft.uid.isEmpty())
        draft.uid = oldSerial;
    draft.abonent = nameField(subject, "CN");
    const QString organization = nameField(subject, "O");
    if (!organization.isEmpty())
        draft.abonent += QStringLiteral(", ") + organization;
    draft.oldCertSerial = oldSerial;
    draft.subjectDer =
        derBytes([subject](unsigned char **out) { return i2d_X509_NAME(subject, out); });
    startAs(draft, decision);
    return nullptr;
}

Expected<std::optional<AbonentRecord>> RaService::Transaction::abonentFor(const X509_NAME *requested)
{
    // By UID, or by SNILS and INN (one abonent only).
    Store *store = service->store();
    const QString uid = requested ? nameField(requested, "UID") : QString();
    if (!uid.isEmpty())
        return store->findAbonent(uid);
    if (!requested)
        return std::optional<AbonentRecord>();
    auto found =
        store->findAbonents(nameField(requested, kOidSnils), nameField(requested, kOidInn));
    if (!found)
        return found.error();
    return found->size() == 1 ? std::optional<AbonentRecord>(found->first())
                              : std::optional<AbonentRecord>();
}

OSSL_CMP_PKISI *RaService::Transaction::initialRequest(const OSSL_CRMF_MSG *crm,
                                                       RequestRecord &draft, QString &actor)
{
    Store *store = service->store();
    // The facts, for the policy (requestpolicy.h). OpenSSL checked the protection with the
    // first of extraCerts only, and its chain to the bank CA (offerSenderCertificate): that
    // certificate is the one to judge.
    InitialFacts facts;
    X509Ptr staffCert = parsedCertificate(protectionCertDer);
    facts.staffCertificateSent = staffCert != nullptr;
    if (staffCert) {
        const QString staffSerial = serialHex(staffCert.get());
        const QString staffName = nameField(X509_get_subject_name(staffCert.get()), "CN");
        actor = QStringLiteral("staff %1 (%2)").arg(staffName, staffSerial);
        draft.staff = QStringLiteral("%1 (%2)").arg(staffName, staffSerial);
        auto registered = store->findCertificate(staffSerial);
        if (!registered)
            return unavailable(QStringLiteral("registration database unavailable"));
        facts.staffRegistered = registered.value();
        facts.staffPolicy =
            certificatePolicies(staffCert.get()).contains(service->policy().staffPolicyOid);
        facts.staffValidNow = validNow(staffCert.get());
    }
    // What staff checked: the case, the client's signed application, the checklist.
    const QHash<QString, QString> attributes = requestAttributes(crm);
    facts.caseKind = attributes.value(QString::fromLatin1(roles::kRequestCase));
    facts.application = attributes.value(QString::fromLatin1(roles::kRequestApplication));
    facts.applicationDate = attributes.value(QString::fromLatin1(roles::kRequestApplicationDate));
    draft.checklist = attributes.value(QString::fromLatin1(roles::kRequestChecklist));
    facts.checklist = draft.checklist.split(QLatin1Char(','));
    // The client, from the bank's register: the subject of the new certificate is the
    // register's, never what the kiosk sent.
    auto abonent = abonentFor(OSSL_CRMF_CERTTEMPLATE_get0_subject(OSSL_CRMF_MSG_get0_tmpl(crm)));
    if (!abonent)
        return unavailable(QStringLiteral("registration database unavailable"));
    facts.clientFound = abonent->has_value();
    if (facts.clientFound) {
        auto held = store->certificates(abonent.value()->uid);
        if (!held)
            return unavailable(QStringLiteral("registration database unavailable"));
        for (const CertificateRecord &c : held.value()) {
            if (c.role == CertificateRole::Client && c.state == CertificateState::Live)
                facts.liveClientCertificate = c;
        }
    }
    const QByteArray spki = templatePublicKeySpki(crm);
    facts.hasNewKey = !spki.isEmpty();
    draft.newKeySpki = spki;
    draft.newKeyHash = QCryptographicHash::hash(spki, QCryptographicHash::Sha256);
    auto existing = store->findByKeyHash(draft.newKeyHash);
    if (!existing)
        return unavailable(QStringLiteral("registration database unavailable"));
    if (existing.value())
        facts.existingRequest = existing.value()->status;
    const Decision decision =
        decideInitial(facts, service->policy(), QDateTime::currentDateTimeUtc());
    if (decision.refused())
        return refusal(decision);

    const AbonentRecord &client = *abonent.value();
    const std::optional<CertificateRecord> &live = facts.liveClientCertificate;
    draft.kind = QStringLiteral("ir");
    draft.caseKind = facts.caseKind;
    draft.application = QStringLiteral("%1 от %2").arg(facts.application, facts.applicationDate);
    draft.uid = client.uid;
    draft.abonent = client.organization.isEmpty()
                        ? client.name
                        : client.name + QStringLiteral(", ") + client.organization;
    draft.oldCertSerial =
        draft.caseKind == QLatin1String("first-key") || !live ? QString() : live->serial;
    draft.subjectDer = client.subjectDer;
    startAs(draft, decision);
    return nullptr;
}

OSSL_CMP_PKISI *RaService::Transaction::certRequest(const OSSL_CMP_MSG *req,
                                                    const OSSL_CRMF_MSG *crm, X509 **certOut)
{
    *certOut = nullptr;
    const RaPolicy &policy = service->policy();
    Store *store = service->store();
    const int body = OSSL_CMP_MSG_get_bodytype(req);
    if (auto refused = checkRequest(body == kBodyKur || body == kBodyIr, crm != nullptr))
        return refusal(refused);
    const QByteArray &der = certRequestDer; // what OpenSSL is answering (receive)
    RequestRecord draft;
    QString actor;
    if (OSSL_CMP_PKISI *refused =
            body == kBodyKur ? keyUpdate(crm, draft, actor) : initialRequest(crm, draft, actor))
        return refused;
    // A signers' sitting at a kiosk: the request says which (an id the kiosk made up; the
    // operator approves a sitting at once with `approve --sitting`).
    draft.sitting = requestAttributes(crm).value(QString::fromLatin1(roles::kRequestSitting));
    if (auto refused = checkSitting(draft.sitting))
        return refusal(refused);

    const QDateTime now = QDateTime::currentDateTimeUtc();
    // A new request and this transaction are written together (one commit).
    if (senderDer.isEmpty())
        senderDer = inbound.senderDer;
    const TransactionRecord transaction{id, 0, senderDer, der};
    bool rememberedNow = false;
    auto created = store->createOrGet(
        draft, actor, remembered || id.isEmpty() ? nullptr : &transaction, &rememberedNow);
    if (!created)
        return unavailable(QStringLiteral("registration database unavailable"));
    remembered = remembered || rememberedNow;
    if (created->status == RequestStatus::Pending && policy.approval == ApprovalMode::Auto &&
        policy.autoDelaySeconds > 0)
        store->approveDue(now);
    auto current =
        created->status == RequestStatus::Pending
            ? store->findById(created->id)
            : Expected<std::optional<RequestRecord>>(std::optional<RequestRecord>(created.value()));
    if (!current || !current.value())
        return unavailable(QStringLiteral("registration database unavailable"));
    RequestRecord record = *current.value();
    requestId = record.id;
    originalRequest = der;
    if (!remembered && !id.isEmpty()) {
        // From here on, a poll or a confirmation reaching any RA process continues it.
        if (Error e = store->rememberTransaction({id, requestId, senderDer, der}))
            qCWarning(lcRa) << "transaction" << id.toHex()
                            << "is held in memory only:" << e.logText();
        else
            remembered = true;
    }
    KK_FAULT_POINT("ra-request-created");

    switch (record.status) {
    case RequestStatus::Pending:
        qCInfo(lcRa) << "request" << record.number << "for" << record.abonent
                     << "is waiting for approval";
        waiting = true;
        return status(OSSL_CMP_PKISTATUS_waiting, -1,
                      QStringLiteral("Запрос %1 принят банком").arg(record.number));
    case RequestStatus::Rejected:
        return rejection(OSSL_CMP_PKIFAILUREINFO_badRequest, record.reason);
    case RequestStatus::Approved: {
        KK_FAULT_POINT("ra-approved");
        auto signedDer = service->m_issuer
                             ? service->m_issuer(record.id)
                             : Expected<QByteArray>(Error(ErrorCode::Internal,
                                                          QStringLiteral("no signer configured")));
        if (!signedDer) {
            // Approved stays approved: the client hears "waiting" and the next poll tries again.
            logRefusal(QtWarningMsg, QStringLiteral("request %1 not issued yet: %2")
                                         .arg(record.number, signedDer.error().detail));
            waiting = true;
            return status(
                OSSL_CMP_PKISTATUS_waiting, -1,
                QStringLiteral("Запрос %1 одобрен, сертификат выпускается").arg(record.number));
        }
        X509Ptr cert = parsedCertificate(signedDer.value());
        if (!cert)
            return rejection(OSSL_CMP_PKIFAILUREINFO_systemFailure,
                             QStringLiteral("the signer's answer is not a certificate"));
        if (Error e = store->markIssued(record.id, certDer(cert.get()), serialHex(cert.get()))) {
            // Another transaction issued first (a racing retry): deliver that certificate.
            auto again = store->findById(record.id);
            if (!again || !again.value() || again.value()->certDer.isEmpty())
                return unavailable(e.detail);
            record = *again.value();
            break;
        }
        KK_FAULT_POINT("ra-issued");
        qCInfo(lcRa) << "issued certificate" << serialHex(cert.get()) << "for request"
                     << record.number;
        *certOut = cert.release();
        // The number goes with the certificate too: a kiosk whose request was issued at once
        // (or after a restart) names it as well as one that waited.
        return status(OSSL_CMP_PKISTATUS_accepted, -1,
                      QStringLiteral("Запрос %1 исполнен").arg(record.number));
    }
    case RequestStatus::Issued:
    case RequestStatus::Confirmed:
    case RequestStatus::RejectedByClient:
        break;
    }
    // Already issued: the same certificate again (a return visit, or a restarted kiosk).
    *certOut = parsedCertificate(record.certDer).release();
    qCInfo(lcRa) << "delivering the certificate of request" << record.number << "again";
    return status(OSSL_CMP_PKISTATUS_accepted, -1,
                  QStringLiteral("Запрос %1 исполнен").arg(record.number));
}

// ---------------------------------------------------------------------------------------

ReplayWindow::ReplayWindow(const RaPolicy &policy)
    : m_window(policy.messageTimeWindowSeconds),
      m_capacity(std::size_t(std::max(1, policy.replayCacheEntries))), m_key(32, '\0')
{
    if (RAND_bytes(reinterpret_cast<unsigned char *>(m_key.data()), m_key.size()) != 1)
        m_key = QByteArray::number(QDateTime::currentMSecsSinceEpoch()); // still per process
}

bool ReplayWindow::admit(const CmpHeaderFields &header, QString *why)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!header.messageTime.isValid() ||
        qAbs(header.messageTime.secsTo(now)) > qint64(m_window.count())) {
        *why = QStringLiteral("messageTime %1 is not within %2 s of the bank's clock")
                   .arg(header.messageTime.toString(Qt::ISODate))
                   .arg(m_window.count());
        return false;
    }
    if (header.senderNonce.size() < 16) {
        *why = QStringLiteral("no senderNonce of 128 bits");
        return false;
    }
    // A replay arriving after messageTime + the window fails the time check: the entry may
    // go then (for a client whose clock is right, one window after it came; at most two).
    // The capacity bounds memory whatever the rate.
    const auto steadyNow = std::chrono::steady_clock::now();
    // (Two seconds more: the time check compares whole seconds.)
    const auto expires = steadyNow + std::chrono::seconds(now.secsTo(header.messageTime)) +
                         m_window + std::chrono::seconds(2);
    const quint64 key = digest(header);
    std::lock_guard<std::mutex> lock(m_mutex);
    while (!m_order.empty() &&
           (m_order.front().first < steadyNow || m_order.size() >= m_capacity)) {
        m_seen.erase(m_order.front().second);
        m_order.pop_front();
    }
    if (!m_seen.insert(key).second) {
        *why = QStringLiteral("replayed message");
        return false;
    }
    m_order.emplace_back(expires, key);
    return true;
}

quint64 ReplayWindow::digest(const CmpHeaderFields &header) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(m_key);
    hash.addData(QByteArray::number(header.transactionId.size()) + ':');
    hash.addData(header.transactionId);
    hash.addData(header.senderNonce);
    quint64 value = 0;
    std::memcpy(&value, hash.result().constData(), sizeof value);
    return value;
}

std::size_t ReplayWindow::size() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_order.size();
}

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
