#include "keykiosk/enroll/renewalkeys.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/tokenrepair.h"
#include "keykiosk/faultpoint.h"
#include "keykiosk/logging.h"

#include <algorithm>

namespace kk {

RenewalKeys::RenewalKeys(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                         RenewalOptions options)
    : m_context(context), m_token(std::move(token)), m_currentKeyId(std::move(currentKeyId)),
      m_options(options)
{
}

RenewalKeys::~RenewalKeys()
{
    // Cleanup on every path: the keys go before their libp11 slots; the store forgets the
    // token's keys (or, its last user, lets libp11 release the slots); then our own session
    // closes and logs the token out.
    m_oldKey.reset();
    m_newKey.reset();
    if (m_store)
        m_store->release(m_token.serial);
    m_session.reset();
}

Expected<RenewalFacts> RenewalKeys::open(const SecureBuffer &pin)
{
    auto module = m_context.module();
    if (!module)
        return module.error();
    auto store = m_context.keyStore();
    if (!store)
        return store.error();
    auto session = module.value()->openSession(m_token.slotId, true);
    if (!session)
        return session.error();
    m_session = session.takeValue();
    if (LoginOutcome login = m_session->login(pin); login.error)
        return login.error;
    auto entries = readRepairedEntries();
    if (!entries)
        return entries.error();
    m_facts = renewalFacts(entries.value(), m_currentKeyId);
    // A first key (or a replacement token) has no current key: there is nothing to load or,
    // later, to archive.
    const bool initial = isInitialProfile(m_currentKeyId);
    if (!initial && !m_facts.currentCertificate)
        return Error(ErrorCode::NoCertificate,
                     QStringLiteral("no certificate with id %1 on the token")
                         .arg(QString::fromLatin1(m_currentKeyId.toHex())));
    for (const TokenKeyEntry &entry : entries.value()) {
        if (!initial && entry.id == m_currentKeyId) {
            const auto *p =
                reinterpret_cast<const unsigned char *>(entry.certificateDer.constData());
            m_currentCert.reset(d2i_X509(nullptr, &p, entry.certificateDer.size()));
        }
    }
    if (!initial && !m_currentCert)
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("the current certificate cannot be decoded"));
    for (const QByteArray &stray : m_facts.strayKeyIds) {
        // Two whole new key sets for one profile (only an older version could leave them; a
        // pair split by a kill is one pair since keys are paired by what they are): the one
        // the lifecycle continues with stays. Another that the bank refused goes; any other
        // may be the request the bank holds (pending: killed before the bank's "waiting" was
        // written), so it is kept, never removed while it can sign, and staff are told.
        const auto it = std::find_if(entries->begin(), entries->end(),
                                     [&stray](const TokenKeyEntry &e) { return e.id == stray; });
        const bool refused =
            it != entries->end() &&
            (isRefusedLabel(it->label) ||
             std::any_of(it->keyLabels.begin(), it->keyLabels.end(), isRefusedLabel));
        if (!refused) {
            qCWarning(lcEnroll) << "keeping the new key" << stray.toHex() << "beside"
                                << m_facts.newKeyId.toHex()
                                << "for staff: the bank may hold a request for it";
            continue;
        }
        qCWarning(lcEnroll) << "removing the refused key" << stray.toHex() << "of profile"
                            << m_currentKeyId.toHex();
        for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE})
            m_session->destroyObjects(cls, stray);
    }
    m_facts.strayKeyIds.clear();

    m_store = store.value();
    m_store->retain(m_token.serial);
    if (!initial) {
        auto oldKey = m_store->privateKey(m_token.serial, m_currentKeyId);
        if (!oldKey)
            return oldKey.error();
        m_oldKey = oldKey.takeValue();
    }
    if (!m_facts.newKeyId.isEmpty() && !m_facts.newKeyRefused) {
        m_resumed = true;
        if (Error untrusted = m_session->checkKeyOrigin(m_facts.newKeyId))
            return untrusted;
        if (Error e = loadNewKey())
            return e;
        qCInfo(lcEnroll) << "resuming with the pending key" << m_facts.newKeyId.toHex() << "at"
                         << lifecycleName(lifecycleOnToken(m_facts));
    }
    return m_facts;
}

Expected<QVector<TokenKeyEntry>> RenewalKeys::readRepairedEntries()
{
    // After a kill between two token calls a key set may be split over two ids, carry a
    // provisional id, or be missing a half: the pairs are read by what the keys are, repaired,
    // and read again (docs/architecture.md, "Reconciliation after a restart"). Private keys
    // are visible only while logged in; without that, nothing is judged or repaired.
    if (!m_session->userLoggedIn())
        return Error(ErrorCode::NotLoggedIn,
                     QStringLiteral("the token's login ended before its keys were read"));
    auto pairs = readKeyPairs(*m_session);
    if (!pairs)
        return pairs.error();
    const RepairPlan plan = planRepairs(pairs.value());
    if (plan.isEmpty() && plan.kept.isEmpty())
        return entriesOf(pairs.value());
    if (Error e = carryOut(*m_session, plan))
        return e;
    if (plan.isEmpty())
        return entriesOf(pairs.value());
    pairs = readKeyPairs(*m_session);
    if (!pairs)
        return pairs.error();
    return entriesOf(pairs.value());
}

Error RenewalKeys::loadNewKey()
{
    // The token is logged in through m_session, which lives as long as the keys do.
    auto newKey = m_store->privateKey(m_token.serial, m_facts.newKeyId);
    if (!newKey)
        return newKey.error();
    m_newKey = newKey.takeValue();
    return {};
}

Error RenewalKeys::generateKey(const QByteArray &seed)
{
    if (!m_session || !m_store)
        return Error(ErrorCode::Internal, QStringLiteral("renewal not opened"));
    if (!m_facts.newKeyId.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("profile %1 already has the new key %2: it is resumed, never "
                                    "made twice")
                         .arg(QString::fromLatin1(m_currentKeyId.toHex()),
                              QString::fromLatin1(m_facts.newKeyId.toHex())));
    if (seed.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("no fresh entropy: a new key is never generated without it"));
    m_session->seedRandom(reinterpret_cast<const unsigned char *>(seed.constData()),
                          std::size_t(seed.size()));
    auto key = m_session->generateKeyPair(m_options.algorithm, pendingKeyLabel(m_currentKeyId));
    if (!key)
        return key.error();
    KK_FAULT_POINT("token-key-generated");
    m_facts.newKeyId = key->id;
    m_facts.newKeyAccepted = false;
    qCInfo(lcEnroll) << "generated the new key" << key->id.toHex();
    return loadNewKey();
}

Error RenewalKeys::relabel(const QByteArray &id, const QString &label, bool publicKeyFirst)
{
    // Keys first, the certificate last: a certificate's label is what decides the profile's
    // lifecycle (enroll/lifecycle.h), so it changes only when everything else has. A refusal
    // goes on the public key first: it is what the token shows before the PIN.
    const std::initializer_list<CK_OBJECT_CLASS> order =
        publicKeyFirst ? std::initializer_list<CK_OBJECT_CLASS>{CKO_PUBLIC_KEY, CKO_PRIVATE_KEY,
                                                                CKO_CERTIFICATE}
                       : std::initializer_list<CK_OBJECT_CLASS>{CKO_PRIVATE_KEY, CKO_PUBLIC_KEY,
                                                                CKO_CERTIFICATE};
    for (CK_OBJECT_CLASS cls : order) {
        if (Error e = m_session->setLabel(cls, id, label))
            return e;
    }
    return {};
}

Error RenewalKeys::markAccepted()
{
    if (m_facts.newKeyAccepted || m_facts.newKeyRefused)
        return {};
    if (Error e = relabel(m_facts.newKeyId, acceptedKeyLabel(m_currentKeyId)))
        return e;
    KK_FAULT_POINT("token-key-accepted");
    m_facts.newKeyAccepted = true;
    return {};
}

Error RenewalKeys::storeCertificate(const QByteArray &certDer)
{
    if (!m_facts.newCertificateDer.isEmpty()) {
        if (m_facts.newCertificateDer == certDer)
            return {}; // the confirmation asked again after a restart: it is already there
        return Error(ErrorCode::NewCertificateInvalid,
                     QStringLiteral("the token already holds another certificate for key %1")
                         .arg(QString::fromLatin1(m_facts.newKeyId.toHex())));
    }
    if (Error e = m_session->storeCertificate(certDer, m_facts.newKeyId,
                                              acceptedKeyLabel(m_currentKeyId)))
        return e;
    KK_FAULT_POINT("token-certificate-written");
    m_facts.newCertificateDer = certDer;
    m_facts.newKeyAccepted = true;
    return {};
}

Error RenewalKeys::retireOldKey()
{
    if (m_facts.newCertificateDer.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("the old key stays until the new certificate is on the token"));
    // The new key set takes the profile's label; a first key, its owner's name.
    QString label = m_facts.currentLabel;
    if (label.isEmpty()) {
        const auto certificate = parseCertificate(m_facts.newCertificateDer);
        label = certificate && !certificate->ownerName.isEmpty() ? certificate->ownerName
                                                                 : QStringLiteral("KeyKiosk");
    }
    if (m_facts.currentCertificate && !m_facts.currentArchived) {
        // Archived even when the policy deletes it: then it goes only once the new set is in
        // operation, and a kill in the middle of the deletion leaves archived halves, which
        // the next reading removes, never a live certificate without its key.
        if (Error e = relabel(m_currentKeyId, archivedLabel(label, QDate::currentDate())))
            return e;
        m_facts.currentArchived = true;
        KK_FAULT_POINT("token-old-key-archived");
        qCInfo(lcEnroll) << "archived the old key" << m_currentKeyId.toHex();
    }
    // The new key set takes the profile's label: in operation from now on.
    if (Error e = relabel(m_facts.newKeyId, label))
        return e;
    KK_FAULT_POINT("token-new-key-promoted");
    qCInfo(lcEnroll) << "the new key" << m_facts.newKeyId.toHex() << "is in operation";
    if (m_options.oldKeyPolicy == OldKeyPolicy::Delete && m_facts.currentCertificate) {
        m_oldKey.reset();
        // The private key first: whatever a kill leaves of the set can no longer sign.
        for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE}) {
            if (Error e = m_session->destroyObjects(cls, m_currentKeyId))
                return e;
        }
        m_facts.currentCertificate = false;
        qCInfo(lcEnroll) << "deleted the archived old key" << m_currentKeyId.toHex();
    }
    return {};
}

Error RenewalKeys::markRefused()
{
    if (m_facts.newKeyId.isEmpty() || m_facts.newKeyRefused)
        return {};
    if (Error e = relabel(m_facts.newKeyId, refusedKeyLabel(m_currentKeyId), true))
        return e;
    KK_FAULT_POINT("token-key-refused");
    m_facts.newKeyRefused = true;
    m_facts.newKeyAccepted = false;
    qCInfo(lcEnroll) << "marked the new key" << m_facts.newKeyId.toHex() << "refused";
    return {};
}

Error RenewalKeys::dropNewKey()
{
    if (m_facts.newKeyId.isEmpty())
        return {};
    m_newKey.reset();
    // The private key first: a kill in between leaves a public half alone, labelled refused,
    // which the next reading removes; never a key that can still sign.
    for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY, CKO_CERTIFICATE}) {
        if (Error e = m_session->destroyObjects(cls, m_facts.newKeyId))
            return e;
    }
    qCInfo(lcEnroll) << "dropped the refused key" << m_facts.newKeyId.toHex();
    m_facts.newKeyId.clear();
    m_facts.newKeyAccepted = false;
    m_facts.newKeyRefused = false;
    m_facts.newCertificateDer.clear();
    return {};
}

} // namespace kk
