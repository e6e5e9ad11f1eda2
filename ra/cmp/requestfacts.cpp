#include "cmptransaction.h"

// The facts of a kur or an ir, gathered for the policy (requestpolicy.h), and the request the
// register writes from its decision.

#include "certificatecache.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/x509text.h"

#include <QCryptographicHash>

namespace kk::ra {

using namespace cmp;

bool RaService::Transaction::readNewKey(const OSSL_CRMF_MSG *crm, RequestRecord &draft, bool lookUp,
                                        bool *hasNewKey,
                                        std::optional<RequestStatus> *existingRequest)
{
    const QByteArray spki = templatePublicKeySpki(crm);
    *hasNewKey = !spki.isEmpty();
    draft.newKeySpki = spki;
    draft.newKeyHash = QCryptographicHash::hash(spki, QCryptographicHash::Sha256);
    if (!lookUp || !*hasNewKey)
        return true;
    auto existing = service->store()->findByKeyHash(draft.newKeyHash);
    if (!existing)
        return false;
    if (existing.value())
        *existingRequest = existing.value()->status;
    return true;
}

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
    if (!readNewKey(crm, draft, facts.sameAsRegistered, &facts.hasNewKey, &facts.existingRequest))
        return unavailable(QStringLiteral("registration database unavailable"));
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

Expected<std::optional<AbonentRecord>>
RaService::Transaction::abonentFor(const X509_NAME *requested)
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
    if (!readNewKey(crm, draft, true, &facts.hasNewKey, &facts.existingRequest))
        return unavailable(QStringLiteral("registration database unavailable"));
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

} // namespace kk::ra
