#include "kioskcontroller.h"

#include "keykiosk/logging.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/token/tokenservice.h"

namespace kk {

KioskController::KioskController(TokenService *tokens, TokenPresence *presence, StatusPolicy policy,
                                 QObject *parent)
    : QObject(parent), m_tokens(tokens), m_policy(std::move(policy))
{
    if (presence) {
        connect(presence, &TokenPresence::stateChanged, this,
                [this, presence](PresenceState state) {
                    onPresence(state, presence->token(), presence->error());
                });
    }
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

RenewalAction actionFor(ProfileStatus status, PinState pinState)
{
    if (pinState == PinState::Locked)
        return RenewalAction::SeeStaff;
    switch (status) {
    case ProfileStatus::InOperation:               // unscheduled: the bank's policy decides
    case ProfileStatus::PrimaryRegenerationNeeded: // made at the office: must be replaced
    case ProfileStatus::PlannedRegenerationNeeded:
        return RenewalAction::Renew;
    case ProfileStatus::AcceptedByBank:
        return RenewalAction::PickUp;
    case ProfileStatus::RegistrationRefused:
        return RenewalAction::NewRequest;
    case ProfileStatus::NewCertificateReceived:
        return RenewalAction::NoAction;
    case ProfileStatus::InitialGenerationNeeded: // needs a staff-authorized initial generation
    case ProfileStatus::Expired:                 // cannot sign its own renewal
    case ProfileStatus::NotYetValid:
        return RenewalAction::SeeStaff;
    }
    return RenewalAction::NoAction;
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
    if (profile->error)
        return RenewalAction::SeeStaff; // an unreadable certificate
    return actionFor(profile->status, m_token->pinState);
}

bool KioskController::canShowAct() const
{
    const TokenProfile *profile = selectedTokenProfile();
    return profile && !profile->error && !profile->entry.certificateDer.isEmpty();
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
            m_profiles.setProfiles(
                deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), m_policy));
            m_selectedProfile = 0;
            emit selectedProfileChanged();
            show(KioskScreen::TokenProfiles);
        });
}

} // namespace kk
