#include "staffcontroller.h"

#include "actionhint.h"

#include "idlewatch.h"
#include "journeycontroller.h"
#include "kioskcontroller.h"

#include "keykiosk/journey/gateways.h"
#include "keykiosk/journey/recovery.h"
#include "keykiosk/logging.h"

namespace kk {

StaffController::StaffController(KioskController *kiosk, JourneyController *journey,
                                 IdleWatch *idle, QObject *parent)
    : QObject(parent), m_kiosk(kiosk), m_journey(journey), m_idle(idle)
{
    connect(m_kiosk, &KioskController::staffTokenInserted, this, [this](const TokenInfo &token) {
        m_token = token;
        emit changed();
        logIn(); // the pad comes up by itself: the staff member only types their PIN
    });
    connect(m_kiosk, &KioskController::staffTokenLeft, this, [this] {
        m_token.reset();
        end("the staff token was removed");
    });
    connect(m_kiosk, &KioskController::selectedProfileChanged, this,
            &StaffController::casesChanged);
    connect(m_kiosk, &KioskController::tokenChanged, this, &StaffController::casesChanged);
    connect(this, &StaffController::casesChanged, this, &StaffController::hintChanged);
    connect(this, &StaffController::changed, this, &StaffController::hintChanged);
    if (m_idle) {
        connect(m_idle, &IdleWatch::timedOut, this, [this] { end("staff mode's idle timeout"); });
        connect(m_idle, &IdleWatch::countdownChanged, this, &StaffController::idleChanged);
    }
}

StaffController::~StaffController() = default;

QString StaffController::name() const
{
    return m_session ? m_session->name() : QString();
}

QString StaffController::title() const
{
    return m_session ? m_session->title() : QString();
}

QVariantList StaffController::recoveryCases() const
{
    QVariantList cases;
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    const auto token = m_kiosk->token();
    if (!m_session || !profile || !token)
        return cases;
    for (RecoveryCase c :
         recoveryCasesFor(*profile, token->pinState, QDateTime::currentDateTimeUtc()))
        cases << int(c); // QML compares them with KK.ExpiredKey, ...
    return cases;
}

bool StaffController::clientPinLocked() const
{
    const auto token = m_kiosk->token();
    return m_session && token && token->pinState == PinState::Locked;
}

ActionHint StaffController::actionHint() const
{
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    return actionHintFor(m_kiosk->selectedAction(),
                         profile ? profile->status : ProfileStatus::InOperation, active(),
                         clientPinLocked(), !recoveryCases().isEmpty());
}

bool StaffController::countingDown() const
{
    return m_idle && m_idle->countingDown();
}

int StaffController::secondsLeft() const
{
    return m_idle ? m_idle->secondsLeft() : 0;
}

void StaffController::logIn()
{
    if (!m_token || m_session || m_kiosk->journeyActive())
        return;
    m_journey->beginStaffLogin(*m_token);
}

void StaffController::setSession(std::shared_ptr<StaffSession> session)
{
    m_session = std::move(session);
    qCInfo(lcKiosk) << "staff mode:" << (m_session ? m_session->certificateSerial() : QString());
    if (m_idle)
        m_idle->setArmed(bool(m_session));
    emit changed();
    emit casesChanged();
}

void StaffController::endStaffMode()
{
    end("staff ended staff mode");
}

void StaffController::end(const char *why)
{
    if (!m_session) {
        emit changed();
        return;
    }
    qCInfo(lcKiosk) << "staff mode ends:" << why;
    // The journey's own reference goes with the journey (it ends now, if it is staff's);
    // this one, with it the staff token's login and libp11's copy of the staff PIN.
    m_session.reset();
    if (m_idle)
        m_idle->setArmed(false);
    m_journey->staffModeEnded();
    emit changed();
    emit casesChanged();
}

void StaffController::beginRecovery(int recoveryCase)
{
    const auto chosen = RecoveryCase(recoveryCase);
    if (!m_session || !recoveryCases().contains(recoveryCase))
        return;
    if (m_journey->beginRecovery(chosen, m_session))
        emit recoveryStarted(chosen);
}

} // namespace kk
