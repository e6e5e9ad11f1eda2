#include "keykiosk/enroll/tokenrenewal.h"

#include "keykiosk/logging.h"

#include <QDate>

namespace kk {

namespace {
const char kPendingPrefix[] = "kk-pending ";
const char kAcceptedPrefix[] = "kk-accepted ";
const char kArchivedPrefix[] = "archived ";
} // namespace

QString pendingKeyLabel(const QByteArray &currentKeyId)
{
    return QLatin1String(kPendingPrefix) + QString::fromLatin1(currentKeyId.toHex());
}

QString acceptedKeyLabel(const QByteArray &currentKeyId)
{
    return QLatin1String(kAcceptedPrefix) + QString::fromLatin1(currentKeyId.toHex());
}

QString archivedLabel(const QString &label, const QDate &date)
{
    return QLatin1String(kArchivedPrefix) + date.toString(Qt::ISODate) + QLatin1Char(' ') + label;
}

bool isArchivedLabel(const QString &label)
{
    return label.startsWith(QLatin1String(kArchivedPrefix));
}

TokenRenewal::TokenRenewal(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                           CmpEndpoint endpoint, RenewalOptions options)
    : m_context(context), m_token(std::move(token)), m_currentKeyId(std::move(currentKeyId)),
      m_endpoint(std::move(endpoint)), m_options(options)
{
}

TokenRenewal::~TokenRenewal()
{
    // Cleanup on every path: drop the keys before their libp11 slots, close our session, and
    // let libp11 wipe its copy of the PIN.
    m_update.reset();
    m_oldKey.reset();
    m_newKey.reset();
    m_session.reset();
    if (m_retainedStore)
        m_retainedStore->release();
}

Error TokenRenewal::begin(const SecureBuffer &pin, const QByteArray &seed)
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

    auto entries = m_session->keyEntries();
    if (!entries)
        return entries.error();
    const QString pendingLabel = pendingKeyLabel(m_currentKeyId);
    const QString acceptedLabel = acceptedKeyLabel(m_currentKeyId);
    for (const TokenKeyEntry &entry : entries.value()) {
        if (entry.id == m_currentKeyId && !entry.certificateDer.isEmpty()) {
            const auto *p =
                reinterpret_cast<const unsigned char *>(entry.certificateDer.constData());
            m_currentCert.reset(d2i_X509(nullptr, &p, entry.certificateDer.size()));
            m_currentLabel = entry.certificateLabel;
        }
        if ((entry.label == pendingLabel || entry.label == acceptedLabel) && entry.hasPrivateKey &&
            entry.hasPublicKey && entry.certificateDer.isEmpty()) {
            m_newKeyId = entry.id;
            m_resumed = true;
            m_markedAccepted = entry.label == acceptedLabel;
        }
    }
    if (!m_currentCert)
        return Error(ErrorCode::NoCertificate,
                     QStringLiteral("no certificate with id %1 on the token")
                         .arg(QString::fromLatin1(m_currentKeyId.toHex())));

    if (!m_resumed) {
        if (!seed.isEmpty())
            m_session->seedRandom(reinterpret_cast<const unsigned char *>(seed.constData()),
                                  std::size_t(seed.size()));
        auto key = m_session->generateKeyPair(m_options.algorithm, pendingLabel);
        if (!key)
            return key.error();
        m_newKeyId = key->id;
    }
    qCInfo(lcEnroll) << (m_resumed ? "resuming with the pending key" : "generated the new key")
                     << m_newKeyId.toHex();

    if (!m_retainedStore) {
        m_retainedStore = store.value();
        m_retainedStore->retain();
    }
    auto oldKey = store.value()->privateKey(m_token.serial, m_currentKeyId, pin);
    if (!oldKey)
        return oldKey.error();
    m_oldKey = oldKey.takeValue();
    auto newKey = store.value()->privateKey(m_token.serial, m_newKeyId, pin);
    if (!newKey)
        return newKey.error();
    m_newKey = newKey.takeValue();
    m_update = std::make_unique<KeyUpdate>(
        m_endpoint, m_currentCert.get(), m_oldKey.get(), m_newKey.get(),
        [this](const QByteArray &der) { return storeCertificate(der); });
    return {};
}

Error TokenRenewal::storeCertificate(const QByteArray &certDer)
{
    const QString label = m_currentLabel.isEmpty() ? QStringLiteral("KeyKiosk") : m_currentLabel;
    if (Error e = m_session->storeCertificate(certDer, m_newKeyId, label))
        return e;
    // The new key is no longer pending: it has its certificate.
    m_session->setLabel(CKO_PRIVATE_KEY, m_newKeyId, label);
    m_session->setLabel(CKO_PUBLIC_KEY, m_newKeyId, label);
    return {};
}

void TokenRenewal::retireOldKey()
{
    const CK_OBJECT_CLASS classes[] = {CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
    for (CK_OBJECT_CLASS cls : classes) {
        if (m_options.oldKeyPolicy == OldKeyPolicy::Delete)
            m_session->destroyObjects(cls, m_currentKeyId);
        else
            m_session->setLabel(cls, m_currentKeyId,
                                archivedLabel(m_currentLabel, QDate::currentDate()));
    }
    qCInfo(lcEnroll) << (m_options.oldKeyPolicy == OldKeyPolicy::Delete ? "deleted" : "archived")
                     << "the old key" << m_currentKeyId.toHex();
}

EnrollStep TokenRenewal::step()
{
    if (!m_update) {
        EnrollStep failed;
        failed.error = Error(ErrorCode::Internal, QStringLiteral("renewal not begun"));
        return failed;
    }
    EnrollStep result = m_update->step();
    if (result.state == EnrollState::Waiting && !m_markedAccepted) {
        // The bank holds the request now: the token itself says «принят банком» from here on.
        const QString label = acceptedKeyLabel(m_currentKeyId);
        m_markedAccepted = !m_session->setLabel(CKO_PRIVATE_KEY, m_newKeyId, label) &&
                           !m_session->setLabel(CKO_PUBLIC_KEY, m_newKeyId, label);
        if (!m_markedAccepted)
            qCWarning(lcEnroll) << "could not mark key" << m_newKeyId.toHex()
                                << "accepted; the journal still knows";
    }
    if (result.state == EnrollState::Issued) {
        retireOldKey(); // only now: the new certificate is on the token next to the new key
    } else if (result.state == EnrollState::Rejected) {
        // A refused key will never get a certificate: drop it, so that a new request starts
        // with a new key instead of resuming the refused one.
        m_session->destroyObjects(CKO_PRIVATE_KEY, m_newKeyId);
        m_session->destroyObjects(CKO_PUBLIC_KEY, m_newKeyId);
        qCInfo(lcEnroll) << "dropped the refused key" << m_newKeyId.toHex();
    }
    return result;
}

} // namespace kk
