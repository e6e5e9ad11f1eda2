#include "kioskcontroller.h"

#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/token/tokenservice.h"

#include <QMetaEnum>

namespace kk {

KioskController::KioskController(TokenService *tokens, StatusPolicy policy, Journal *journal,
                                 ActSaved actSaved, QObject *parent)
    : QObject(parent), m_tokens(tokens), m_policy(std::move(policy)), m_journal(journal),
      m_actSaved(std::move(actSaved))
{
}

void KioskController::watch(TokenPresence *presence)
{
    connect(presence, &TokenPresence::stateChanged, this, [this, presence](PresenceState state) {
        onPresence(state, presence->token(), presence->error());
    });
}

QString KioskController::message() const
{
    return clientMessage(m_code);
}

QString KioskController::errorId() const
{
    return m_code == ErrorCode::None ? QString() : kk::errorId(m_code);
}

void KioskController::setSelectedProfile(int row)
{
    if (row == m_selectedProfile || row < 0 || row >= m_profiles.rowCount())
        return;
    m_selectedProfile = row;
    emit selectedProfileChanged();
}

void KioskController::retranslate()
{
    m_profiles.retranslate();
    emit screenChanged();
    emit tokenChanged();
}

void KioskController::show(KioskScreen screen, ErrorCode code)
{
    if (screen == m_screen && code == m_code)
        return;
    m_screen = screen;
    m_code = code;
    qCInfo(lcKiosk) << "screen" << screen
                    << (code == ErrorCode::None ? QString() : kk::errorId(code));
    emit screenChanged();
}

const TokenProfile *KioskController::selectedTokenProfile() const
{
    const auto &profiles = m_profiles.profiles();
    if (m_selectedProfile < 0 || m_selectedProfile >= profiles.size())
        return nullptr;
    return &profiles[m_selectedProfile];
}

RenewalAction KioskController::selectedAction() const
{
    const TokenProfile *profile = selectedTokenProfile();
    if (!profile || !m_token)
        return RenewalAction::NoAction;
    return offerFor({profile, m_token->pinState});
}

bool KioskController::canShowAct() const
{
    const TokenProfile *profile = selectedTokenProfile();
    if (!profile || profile->error || profile->entry.certificateDer.isEmpty() ||
        profile->lifecycle != KeyLifecycle::NeedKey)
        return false; // a certificate still being renewed is not the one an act is for
    return m_renewedHere.value(m_selectedProfile) || actPrintedBefore();
}

bool KioskController::actPrintedBefore() const
{
    const TokenProfile *profile = selectedTokenProfile();
    return profile && !profile->error && m_actSaved && m_actSaved(profile->certificate.serialHex);
}

void KioskController::showAcceptanceAct()
{
    if (!canShowAct() || m_journeyActive)
        return;
    emit actRequested(selectedTokenProfile()->entry.certificateDer);
    show(KioskScreen::AcceptanceAct);
}

void KioskController::closeAcceptanceAct()
{
    if (m_screen == KioskScreen::AcceptanceAct)
        show(KioskScreen::TokenProfiles);
}

void KioskController::setJourneyActive(bool active)
{
    if (active == m_journeyActive)
        return;
    m_journeyActive = active;
    if (active) {
        show(KioskScreen::Renewal);
        return;
    }
    applyPresence(); // the token is read again: the table shows the new statuses
}

void KioskController::setBankReachable(bool reachable)
{
    if (reachable == m_bankReachable)
        return;
    m_bankReachable = reachable;
    if (!m_journeyActive)
        applyPresence();
}

void KioskController::endSession()
{
    m_sessionTimedOut = m_token.has_value();
    m_journeyActive = false;
    show(KioskScreen::InsertToken);
    emit screenChanged();
}

void KioskController::applyPresence()
{
    onPresence(m_presenceState, m_presenceToken, m_presenceError);
}

void KioskController::onPresence(PresenceState state, const std::optional<TokenInfo> &token,
                                 const Error &error)
{
    m_presenceState = state;
    m_presenceToken = token;
    m_presenceError = error;
    // A token that left, or was swapped for another one (checked by serial).
    if (m_token &&
        (state != PresenceState::TokenReady || !token || token->serial != m_token->serial)) {
        const QString serial = m_token->serial;
        m_token.reset();
        ++m_readGeneration;
        m_profiles.setProfiles({});
        emit tokenLeft(serial);
        emit tokenChanged();
    }
    if (state != PresenceState::TokenReady)
        m_sessionTimedOut = false; // the timed-out token is out: the next one is welcome
    m_tokenWasRemoved = state == PresenceState::TokenGone;
    if (!m_tokenWasRemoved)
        m_journeyInterrupted = false;
    if (m_journeyActive)
        return; // the journey keeps the screen; it saw tokenLeft() if the token went
    if (m_sessionTimedOut) {
        show(KioskScreen::InsertToken);
        return;
    }
    if (!m_bankReachable && state != PresenceState::ServiceUnavailable) {
        show(KioskScreen::OutOfService, ErrorCode::BankUnreachable);
        return;
    }
    switch (state) {
    case PresenceState::Starting:
    case PresenceState::NoToken:
    case PresenceState::TokenGone:
        show(KioskScreen::InsertToken);
        emit screenChanged(); // tokenWasRemoved may have changed
        break;
    case PresenceState::ServiceUnavailable:
        show(KioskScreen::OutOfService, ErrorCode::PcscUnavailable);
        break;
    case PresenceState::TokenArriving:
        show(KioskScreen::ReadingToken);
        break;
    case PresenceState::TokenReady:
        if (token)
            readToken(*token);
        break;
    case PresenceState::SeveralTokens:
        show(KioskScreen::Message, ErrorCode::MultipleTokens);
        break;
    case PresenceState::ForeignDevice:
        show(KioskScreen::Message, ErrorCode::UnsupportedDevice);
        break;
    case PresenceState::TokenError:
        qCWarning(lcKiosk) << error.logText();
        show(KioskScreen::Message,
             error.code == ErrorCode::None ? ErrorCode::Internal : error.code);
        break;
    }
}

void KioskController::readToken(const TokenInfo &token)
{
    m_token = token;
    const quint64 generation = ++m_readGeneration;
    emit tokenChanged();
    show(KioskScreen::ReadingToken);

    using Snapshot = Expected<QVector<TokenKeyEntry>>;
    const unsigned long slot = token.slotId;
    m_tokens->run<Snapshot>(
        this,
        [slot](TokenContext &context) -> Snapshot {
            auto module = context.module();
            if (!module)
                return module.error();
            // Certificates are public objects: no PIN is needed to show the table.
            auto session = module.value()->openSession(slot, false);
            if (!session)
                return session.error();
            return session.value()->keyEntries();
        },
        [this, generation](Snapshot entries) {
            if (generation != m_readGeneration)
                return;
            if (!entries) {
                qCWarning(lcKiosk) << "reading the token failed:" << entries.error().logText();
                show(KioskScreen::Message, entries.error().code);
                return;
            }
            const TokenInfo token = *m_token;
            reconcileJournal(token, entries.value());
            const auto profiles =
                deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), m_policy);
            m_renewedHere.clear();
            for (const TokenProfile &profile : profiles) {
                auto installedBy =
                    m_journal
                        ? m_journal->findByNewKey(token.serial, profile.entry.id)
                        : Expected<std::optional<JournalEntry>>(std::optional<JournalEntry>());
                m_renewedHere << (installedBy && installedBy.value() &&
                                  installedBy.value()->lifecycle == KeyLifecycle::Done);
            }
            m_profiles.setProfiles(profiles);
            m_selectedProfile = 0;
            emit selectedProfileChanged();
            show(KioskScreen::TokenProfiles);
            logTable();
        });
}

void KioskController::reconcileJournal(const TokenInfo &token,
                                       const QVector<TokenKeyEntry> &entries)
{
    // A restart (or another kiosk, or a crash) may have left the journal behind the token or
    // ahead of it: the token is the truth (docs/architecture.md, "Reconciliation").
    if (!m_journal)
        return;
    auto rows = m_journal->forToken(token.serial);
    if (!rows) {
        qCWarning(lcKiosk) << rows.error().logText();
        return;
    }
    for (JournalEntry row : rows.value()) {
        const RenewalFacts facts = renewalFacts(entries, row.profileKeyId);
        const Reconciliation reconciled = reconcile(facts, row.lifecycle);
        if (!reconciled.journalStale)
            continue;
        qCInfo(lcKiosk) << "journal of token" << token.serial << "profile"
                        << row.profileKeyId.toHex() << ":" << reconciled.note;
        if (reconciled.lifecycle == KeyLifecycle::NeedKey) {
            m_journal->remove(token.serial, row.profileKeyId);
            continue;
        }
        row.lifecycle = reconciled.lifecycle;
        row.newKeyId = facts.newKeyId;
        if (Error e = m_journal->record(row))
            qCWarning(lcKiosk) << e.logText();
    }
}

void KioskController::logTable() const
{
    // One line per profile, for staff (and the crash tests): what the client sees and is offered.
    const auto &profiles = m_profiles.profiles();
    for (int row = 0; row < profiles.size(); ++row) {
        const TokenProfile &p = profiles[row];
        qCInfo(lcKiosk).noquote()
            << QStringLiteral("profile %1: status %2, lifecycle %3, offers %4")
                   .arg(QString::fromLatin1(p.renewal.currentKeyId.toHex()),
                        QString::fromLatin1(
                            QMetaEnum::fromType<ProfileStatus>().valueToKey(int(p.status))),
                        lifecycleName(p.lifecycle),
                        QString::fromLatin1(QMetaEnum::fromType<RenewalAction>().valueToKey(
                            int(offerFor({&p, m_token ? m_token->pinState : PinState::Ok})))));
    }
}

} // namespace kk
