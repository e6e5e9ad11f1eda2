#include "kioskcontroller.h"

#include "screenchoice.h"

#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/token/tokenservice.h"

#include <QMetaEnum>

#include <algorithm>

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
        onTokens(state, presence->tokens(), presence->error());
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
    if (m_sittingActive) { // the board as it was; the token in the kiosk is ignored
        applyScreen();
        return;
    }
    show(KioskScreen::InsertToken);
    emit screenChanged();
}

void KioskController::applyPresence()
{
    // The client's token is read again (a journey ended: the table shows its new statuses).
    if (m_token) {
        m_tableReady = false;
        readToken(*m_token);
    }
    onTokens(m_presenceState, m_presenceTokens, m_presenceError);
}

void KioskController::onPresence(PresenceState state, const std::optional<TokenInfo> &token,
                                 const Error &error)
{
    onTokens(state, token ? QVector<TokenInfo>{*token} : QVector<TokenInfo>(), error);
}

void KioskController::onTokens(PresenceState state, const QVector<TokenInfo> &tokens,
                               const Error &error)
{
    m_presenceState = state;
    m_presenceTokens = tokens;
    m_presenceError = error;
    auto present = [&tokens](const QString &serial) {
        return std::any_of(tokens.cbegin(), tokens.cend(),
                           [&serial](const TokenInfo &t) { return t.serial == serial; });
    };
    // Tokens that left (or were swapped for others: by serial). Journeys abort first.
    if (m_staffToken && !present(m_staffToken->serial)) {
        const QString serial = m_staffToken->serial;
        m_staffToken.reset();
        emit tokenLeft(serial);
        emit staffTokenLeft(serial);
    }
    if (m_token && !present(m_token->serial)) {
        const QString serial = m_token->serial;
        m_token.reset();
        m_tableReady = false;
        m_sessionTimedOut = false; // the timed-out token is out: the next one is welcome
        m_profiles.setProfiles({});
        emit tokenLeft(serial);
        emit tokenChanged();
    }
    for (auto it = m_reading.begin(); it != m_reading.end();)
        it = present(it.key()) ? std::next(it) : m_reading.erase(it);
    m_extraClients.erase(std::remove_if(m_extraClients.begin(), m_extraClients.end(),
                                        [&present](const QString &s) { return !present(s); }),
                         m_extraClients.end());
    // Tokens that arrived: read them, to tell the staff token from the client's.
    for (const TokenInfo &token : tokens) {
        const bool known = (m_token && m_token->serial == token.serial) ||
                           (m_staffToken && m_staffToken->serial == token.serial) ||
                           m_reading.contains(token.serial) ||
                           m_extraClients.contains(token.serial);
        if (!known)
            readToken(token);
    }
    if (tokens.isEmpty()) {
        m_sessionTimedOut = false;
        m_readError = ErrorCode::None;
    }
    m_tokenWasRemoved = state == PresenceState::TokenGone;
    if (!m_tokenWasRemoved)
        m_journeyInterrupted = false;
    applyScreen();
}

void KioskController::applyScreen()
{
    ScreenFacts facts;
    facts.journeyActive = m_journeyActive;
    facts.sessionTimedOut = m_sessionTimedOut;
    facts.sittingActive = m_sittingActive;
    facts.bankReachable = m_bankReachable;
    facts.presence = m_presenceState;
    facts.presenceError = m_presenceError.code;
    facts.extraClientToken = !m_extraClients.isEmpty();
    facts.readError = m_readError;
    facts.reading = !m_reading.isEmpty();
    facts.clientToken = m_token.has_value();
    facts.clientTableReady = m_tableReady;
    facts.staffToken = m_staffToken.has_value();
    facts.current = m_screen;
    const ScreenChoice choice = chooseScreen(facts);
    if (!choice.screen)
        return;
    if (m_presenceState == PresenceState::TokenError && choice.screen == KioskScreen::Message)
        qCWarning(lcKiosk) << m_presenceError.logText();
    show(*choice.screen, choice.code);
    if (choice.refresh)
        emit screenChanged();
}

void KioskController::setSittingActive(bool active)
{
    if (active == m_sittingActive)
        return;
    m_sittingActive = active;
    applyScreen();
}

int KioskController::rowOf(const QByteArray &profileKeyId) const
{
    const auto &profiles = m_profiles.profiles();
    for (int row = 0; row < profiles.size(); ++row) {
        if (profiles[row].renewal.currentKeyId == profileKeyId)
            return row;
    }
    return -1;
}

const TokenProfile *KioskController::profileFor(const QByteArray &profileKeyId) const
{
    const int row = rowOf(profileKeyId);
    return row < 0 ? nullptr : &m_profiles.profiles()[row];
}

bool KioskController::selectProfile(const QByteArray &profileKeyId)
{
    const int row = rowOf(profileKeyId);
    if (row < 0)
        return false;
    m_selectedProfile = row;
    emit selectedProfileChanged();
    return true;
}

bool KioskController::isStaffToken(const QVector<TokenProfile> &profiles) const
{
    return !m_staffPolicy.isEmpty() &&
           std::any_of(profiles.cbegin(), profiles.cend(), [this](const TokenProfile &p) {
               return p.certificate.policyOids.contains(m_staffPolicy);
           });
}

void KioskController::readToken(const TokenInfo &token)
{
    const quint64 generation = ++m_readGeneration;
    m_reading.insert(token.serial, generation);
    m_readError = ErrorCode::None;

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
        [this, token, generation](Snapshot entries) {
            if (m_reading.value(token.serial) != generation)
                return; // the token left (or was read again) meanwhile
            m_reading.remove(token.serial);
            if (!entries) {
                qCWarning(lcKiosk) << "reading the token failed:" << entries.error().logText();
                m_readError = entries.error().code;
                applyScreen();
                return;
            }
            // The certificates are parsed once: the table, and whose token it is, come from it.
            const auto profiles =
                deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), m_policy);
            if (isStaffToken(profiles)) {
                qCInfo(lcKiosk) << "staff token" << token.serial << "inserted";
                if (!m_staffToken || m_staffToken->serial != token.serial) {
                    m_staffToken = token;
                    emit staffTokenInserted(token);
                }
            } else if (m_token && m_token->serial != token.serial) {
                qCInfo(lcKiosk) << "a second client token" << token.serial << "next to"
                                << m_token->serial;
                m_extraClients << token.serial;
            } else {
                showProfiles(token, entries.value(), profiles);
            }
            applyScreen();
        });
}

void KioskController::showProfiles(const TokenInfo &token, const QVector<TokenKeyEntry> &entries,
                                   const QVector<TokenProfile> &profiles)
{
    const bool sameToken = m_token && m_token->serial == token.serial;
    m_token = token;
    reconcileJournal(token, entries);
    m_renewedHere.clear();
    QVector<TokenProfile> shown = profiles;
    for (TokenProfile &profile : shown) {
        // The bank's words for a refusal, where this kiosk kept them.
        if (profile.lifecycle != KeyLifecycle::Refused || !m_journal)
            continue;
        auto entry = m_journal->find(token.serial, profile.renewal.currentKeyId);
        if (entry && entry.value() && entry.value()->lifecycle == KeyLifecycle::Refused)
            profile.bankReason = entry.value()->detail;
    }
    for (const TokenProfile &profile : shown) {
        auto installedBy =
            m_journal ? m_journal->findByNewKey(token.serial, profile.entry.id)
                      : Expected<std::optional<JournalEntry>>(std::optional<JournalEntry>());
        m_renewedHere << (installedBy && installedBy.value() &&
                          installedBy.value()->lifecycle == KeyLifecycle::Done);
    }
    m_profiles.setProfiles(shown);
    m_selectedProfile = 0;
    m_tableReady = true;
    if (!sameToken)
        emit tokenChanged();
    emit selectedProfileChanged();
    logTable();
    emit clientTokenRead();
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
