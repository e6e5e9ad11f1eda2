#include "journeycontroller.h"

#include "actcontroller.h"
#include "entropycontroller.h"
#include "idlewatch.h"
#include "kioskcontroller.h"
#include "pinpadcontroller.h"

#include "keykiosk/logging.h"
#include "keykiosk/workflow/renewalworkflow.h"

namespace kk {

namespace {
bool isBusy(WorkflowState state)
{
    return state == WorkflowState::CheckingPin || state == WorkflowState::GeneratingKey ||
           state == WorkflowState::Sending;
}
} // namespace

JourneyController::JourneyController(RenewalWorkflow *workflow, KioskController *kiosk,
                                     PinPadController *pinPad, EntropyController *entropy,
                                     IdleWatch *idle, ActController *act, QObject *parent)
    : QObject(parent), m_workflow(workflow), m_kiosk(kiosk), m_pinPad(pinPad), m_entropy(entropy),
      m_idle(idle), m_act(act)
{
    connect(m_workflow, &RenewalWorkflow::stateChanged, this, &JourneyController::onWorkflowState);
    connect(m_kiosk, &KioskController::tokenLeft, this, &JourneyController::onTokenLeft);
    connect(m_kiosk, &KioskController::screenChanged, this, &JourneyController::updateIdle);
    if (m_idle)
        connect(m_idle, &IdleWatch::timedOut, this, &JourneyController::onIdleTimeout);
    // The PIN and the seed go from one C++ object to the other: QML only pressed the keys.
    connect(m_pinPad, &PinPadController::submitted, this,
            [this] { m_workflow->submitPin(m_pinPad->takePin()); });
    connect(m_entropy, &EntropyController::completed, this, [this] {
        if (m_workflow->state() != WorkflowState::CollectingEntropy)
            return;
        auto seed = m_entropy->takeSeed();
        if (!seed) { // the health tests failed: draw again
            qCWarning(lcWorkflow) << seed.error().logText();
            return;
        }
        m_workflow->entropyReady(seed.value());
    });
    m_progressTick.setInterval(250);
    connect(&m_progressTick, &QTimer::timeout, this, &JourneyController::progressChanged);
}

WorkflowState JourneyController::state() const
{
    return m_workflow->state();
}

QString JourneyController::message() const
{
    return clientMessage(m_workflow->error().code); // empty when there is no error
}

QString JourneyController::errorId() const
{
    return m_workflow->errorId();
}

QString JourneyController::bankReason() const
{
    return m_workflow->state() == WorkflowState::Refused ? m_workflow->bankText() : QString();
}

bool JourneyController::seeStaff() const
{
    switch (m_workflow->error().code) {
    case ErrorCode::PinLocked:
    case ErrorCode::PinExpired:
    case ErrorCode::CertificateExpiredSeeStaff:
    case ErrorCode::CertificateRevoked:
        return true;
    default:
        return false;
    }
}

bool JourneyController::resuming() const
{
    return m_workflow->resuming();
}

QString JourneyController::requestNumber() const
{
    return m_workflow->requestNumber();
}

bool JourneyController::showProgress() const
{
    return m_busy.isValid() && m_busy.elapsed() >= 500;
}

void JourneyController::begin()
{
    const auto token = m_kiosk->token();
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    const RenewalAction action = m_kiosk->selectedAction();
    if (!token || !profile || m_kiosk->journeyActive() ||
        (action != RenewalAction::Renew && action != RenewalAction::PickUp &&
         action != RenewalAction::NewRequest))
        return;
    m_owner = profile->certificate.ownerName;
    m_identifier = profile->certificate.identifier;
    m_entropy->reset();
    qCInfo(lcWorkflow) << "journey" << action << "for token" << token->serial;
    m_workflow->start(*token, profile->entry.id, action == RenewalAction::PickUp);
    m_kiosk->setJourneyActive(true); // after start(): the first frame shows the first step
    updateIdle();
}

void JourneyController::confirm()
{
    m_workflow->confirm();
}

void JourneyController::cancel()
{
    if (m_workflow->isActive())
        m_workflow->cancel();
    end();
}

void JourneyController::acknowledge()
{
    m_workflow->acknowledge();
}

void JourneyController::newRequest()
{
    if (m_workflow->state() != WorkflowState::Refused)
        return;
    const auto token = m_kiosk->token();
    if (!token)
        return;
    // The refused key was dropped from the token; the journal says Refused: a fresh start.
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    if (!profile)
        return;
    m_entropy->reset();
    m_workflow->start(*token, profile->entry.id, false);
}

void JourneyController::close()
{
    if (m_workflow->isActive())
        return; // only from a state that ended
    end();
}

void JourneyController::wipeSession()
{
    m_pinPad->dismiss();
    m_entropy->reset();
    m_busy.invalidate();
    m_progressTick.stop();
}

void JourneyController::end()
{
    wipeSession();
    m_kiosk->setJourneyActive(false);
    updateIdle();
}

void JourneyController::onWorkflowState(WorkflowState state)
{
    if (isBusy(state)) {
        if (!m_busy.isValid())
            m_busy.start();
        m_progressTick.start();
    } else {
        m_busy.invalidate();
        m_progressTick.stop();
    }
    if (state == WorkflowState::EnteringPin)
        m_pinPad->setPinState(m_workflow->pinState());
    if (state == WorkflowState::CollectingEntropy)
        m_entropy->reset();
    if (state == WorkflowState::CertificateReceived && m_act)
        m_act->load(m_workflow->newCertificate()); // the act comes last, as in the seeds
    emit stateChanged();
    emit progressChanged();
    updateIdle();
}

void JourneyController::onTokenLeft(const QString &serial)
{
    if (!m_kiosk->journeyActive())
        return;
    m_workflow->tokenRemoved(serial); // aborts a step that touches the token; keeps the key
    end();                            // the insert screen says the token was removed
}

void JourneyController::onIdleTimeout()
{
    qCInfo(lcWorkflow) << "idle timeout in" << m_workflow->state();
    if (m_workflow->isActive())
        m_workflow->cancel(); // wipes the PIN and closes the sessions
    wipeSession();
    m_kiosk->endSession();
}

void JourneyController::updateIdle()
{
    if (!m_idle)
        return;
    const KioskScreen screen = m_kiosk->screen();
    const bool clientSession = screen == KioskScreen::TokenProfiles ||
                               screen == KioskScreen::Message || screen == KioskScreen::Renewal ||
                               screen == KioskScreen::AcceptanceAct;
    // The token and the bank are working: the client waits, that is not idleness.
    m_idle->setArmed(clientSession && !(m_kiosk->journeyActive() && isBusy(state())));
}

} // namespace kk
