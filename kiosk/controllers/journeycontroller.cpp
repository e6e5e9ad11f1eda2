#include "journeycontroller.h"

#include "actcontroller.h"
#include "entropycontroller.h"
#include "idlewatch.h"
#include "kioskcontroller.h"
#include "pinpadcontroller.h"

#include "keykiosk/journal/journal.h"
#include "keykiosk/journey/recovery.h"
#include "keykiosk/journey/runner.h"
#include "keykiosk/languagetext.h"
#include "keykiosk/logging.h"

namespace kk {

namespace {
bool isBusy(WorkflowState state)
{
    switch (state) {
    case WorkflowState::CheckingPin:
    case WorkflowState::GeneratingKey:
    case WorkflowState::Sending:
    case WorkflowState::PickingUp:
    case WorkflowState::Installing:
        return true;
    default:
        return false;
    }
}
} // namespace

JourneyController::JourneyController(JourneyRunner *runner, KioskController *kiosk,
                                     PinPadController *pinPad, EntropyController *entropy,
                                     IdleWatch *idle, ActController *act, Journal *journal,
                                     QObject *parent)
    : QObject(parent), m_runner(runner), m_kiosk(kiosk), m_pinPad(pinPad), m_entropy(entropy),
      m_idle(idle), m_act(act), m_journal(journal)
{
    connect(m_runner, &JourneyRunner::stateChanged, this, &JourneyController::onRunnerState);
    connect(m_runner, &JourneyRunner::contextChanged, this, &JourneyController::stateChanged);
    connect(m_kiosk, &KioskController::tokenLeft, this, &JourneyController::onTokenLeft);
    connect(m_kiosk, &KioskController::screenChanged, this, &JourneyController::updateIdle);
    if (m_idle)
        connect(m_idle, &IdleWatch::timedOut, this, &JourneyController::onIdleTimeout);
    // The PIN and the seed go from one C++ object to the other: QML only pressed the keys.
    connect(m_pinPad, &PinPadController::submitted, this,
            [this] { m_runner->submitPin(m_pinPad->takePin()); });
    connect(m_entropy, &EntropyController::completed, this, [this] {
        if (m_runner->state() != WorkflowState::CollectingEntropy)
            return;
        auto seed = m_entropy->takeSeed();
        if (!seed) { // the OS source failed: nothing to seed a key with
            qCWarning(lcWorkflow) << seed.error().logText();
            return;
        }
        m_runner->entropyReady(seed.value());
    });
    m_progressTick.setInterval(250);
    connect(&m_progressTick, &QTimer::timeout, this, &JourneyController::progressChanged);
}

WorkflowState JourneyController::state() const
{
    return m_runner->state();
}

QString JourneyController::message() const
{
    return clientMessage(m_runner->context().error.code); // empty when there is no error
}

QString JourneyController::errorId() const
{
    const Error &error = m_runner->context().error;
    return error ? kk::errorId(error.code) : QString();
}

QString JourneyController::bankReason() const
{
    // The bank's words in the client's language (a refusal by the policy comes in three).
    return state() == WorkflowState::Refused ? textInUiLanguage(m_runner->context().bankText)
                                             : QString();
}

bool JourneyController::seeStaff() const
{
    switch (m_runner->context().error.code) {
    case ErrorCode::PinLocked:
    case ErrorCode::PinExpired:
    case ErrorCode::CertificateExpiredSeeStaff:
    case ErrorCode::CertificateRevoked:
    case ErrorCode::KeyNotTrusted:
        return true;
    default:
        return false;
    }
}

bool JourneyController::keyOnToken() const
{
    return newKeyUnderWay(m_runner->context().lifecycle);
}

RenewalAftermath JourneyController::aftermath() const
{
    const JourneyContext &context = m_runner->context();
    bool journalHolds = false;
    if (m_journal && bankHeardOf(context.lifecycle)) {
        auto entry = m_journal->find(context.token.serial, context.profileKeyId);
        journalHolds = entry && entry.value() && bankHeardOf(entry.value()->lifecycle) &&
                       entry.value()->newKeyId == context.newKeyId;
    }
    return aftermathOf(context, journalHolds);
}

QString JourneyController::aftermathText() const
{
    const QString number = m_runner->context().requestNumber;
    switch (aftermath()) {
    case RenewalAftermath::AftermathNothingChanged:
        return tr("Nothing was changed on your token: your current key still works.");
    case RenewalAftermath::AftermathNewKeyUncertain:
        return tr("Your current key still works. Next time the kiosk reads the token and "
                  "continues from what is on it.");
    case RenewalAftermath::AftermathNewKeyKept:
        return tr("Your current key still works. The new key stays on your token, but the bank "
                  "has not received the request yet: next time the kiosk sends it, with no "
                  "drawing.");
    case RenewalAftermath::AftermathBankHoldsRequest:
        return number.isEmpty()
                   ? tr("Your current key still works. The bank has received your request.")
                   : tr("Your current key still works. The bank has received your request %1.")
                         .arg(number);
    case RenewalAftermath::AftermathRequestKept:
        return number.isEmpty()
                   ? tr("Your current key still works. The bank keeps your request: next time, "
                        "at any kiosk, you continue where you left off.")
                   : tr("Your current key still works. The bank keeps your request %1: next "
                        "time, at any kiosk, you continue where you left off.")
                         .arg(number);
    case RenewalAftermath::AftermathCertificateOnToken:
        return tr("Your current key still works. Your new certificate is on the token: next time "
                  "the kiosk tells the bank and switches your keys.");
    case RenewalAftermath::AftermathSwitchPending:
        return tr("The bank has confirmed your new certificate. Next time the kiosk finishes "
                  "switching your token to the new keys.");
    case RenewalAftermath::AftermathRenewed:
        return tr("Your new keys are in operation.");
    }
    return {};
}

bool JourneyController::bankOutage() const
{
    return state() == WorkflowState::WithBank && m_runner->context().bankOutage;
}

QString JourneyController::requestNumber() const
{
    return m_runner->context().requestNumber;
}

QString JourneyController::owner() const
{
    return m_runner->context().owner;
}

QString JourneyController::identifier() const
{
    return m_runner->context().identifier;
}

bool JourneyController::showProgress() const
{
    return m_busy.isValid() && m_busy.elapsed() >= 500;
}

void JourneyController::startFor(const TokenProfile &profile)
{
    JourneyContext context = contextFor(*m_kiosk->token(), profile, m_journal);
    m_resuming = picksUp(context.lifecycle);
    m_entropy->reset();
    m_kind = JourneyKind::ClientRenewal;
    context.sitting = m_sitting;
    m_runner->start(renewalJourney(), std::move(context));
}

void JourneyController::beginStaffLogin(const TokenInfo &staffToken)
{
    if (m_kiosk->journeyActive())
        return;
    qCInfo(lcWorkflow) << "staff login on token" << staffToken.serial;
    JourneyContext context;
    context.token = staffToken;
    m_resuming = false;
    m_kind = JourneyKind::StaffLogin;
    m_runner->start(staffLoginJourney(), std::move(context));
    m_kiosk->setJourneyActive(true);
    updateIdle();
}

bool JourneyController::beginRecovery(RecoveryCase recoveryCase,
                                      std::shared_ptr<StaffSession> staff)
{
    const auto token = m_kiosk->token();
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    if (!token || !profile || !staff || m_kiosk->journeyActive() ||
        !recoveryCasesFor(*profile, token->pinState, QDateTime::currentDateTimeUtc())
             .contains(recoveryCase))
        return false;
    qCInfo(lcWorkflow) << "staff recovery" << recoveryCaseName(recoveryCase) << "for token"
                       << token->serial << "by" << staff->certificateSerial();
    JourneyContext context = contextFor(*token, *profile, m_journal);
    context.staff = std::move(staff);
    context.sitting = m_sitting;
    m_resuming = false;
    m_kind = JourneyKind::StaffRecovery;
    m_recoveryCase = recoveryCase;
    m_entropy->reset();
    m_runner->start(staffRecoveryJourney(), std::move(context));
    m_kiosk->setJourneyActive(true);
    updateIdle();
    return true;
}

void JourneyController::confirmChecklist(const InitialRequestInfo &info)
{
    m_runner->confirmChecklist(info);
}

void JourneyController::staffModeEnded()
{
    if (!m_kiosk->journeyActive() || m_kind == JourneyKind::ClientRenewal)
        return;
    // As if the staff token had left: the PIN is wiped, the sessions close, the client's
    // current key is untouched, and the screen says why. A journey that has ended already
    // keeps its last screen (KK-603 when the staff token left) until it is closed.
    m_runner->abort(Error(ErrorCode::StaffModeEnded,
                          QStringLiteral("staff mode ended during a staff journey")));
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
    qCInfo(lcWorkflow) << "journey" << action << "for token" << token->serial;
    startFor(*profile);
    m_kiosk->setJourneyActive(true); // after start(): the first frame shows the first step
    updateIdle();
}

void JourneyController::confirm()
{
    m_runner->input(Outcome::Confirmed);
}

void JourneyController::cancel()
{
    m_runner->cancel();
    end();
}

void JourneyController::acknowledge()
{
    m_runner->input(Outcome::Acknowledged);
}

void JourneyController::newRequest()
{
    if (state() != WorkflowState::Refused || m_kind != JourneyKind::ClientRenewal)
        return; // a staff recovery starts again with its checklist
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    if (!m_kiosk->token() || !profile)
        return;
    // The refused key is still on the token (its record of the refusal): the new request
    // removes it after the PIN, then a new key is drawn for (DropRefusedKey).
    TokenProfile fresh = *profile;
    fresh.lifecycle = KeyLifecycle::Refused;
    fresh.renewal.newKeyRefused = true;
    fresh.renewal.newKeyAccepted = false;
    startFor(fresh);
}

void JourneyController::close()
{
    if (m_runner->isActive())
        return; // only from a step that ended the journey
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

void JourneyController::onRunnerState(WorkflowState state)
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
        m_pinPad->setPinState(m_runner->context().pinState);
    else
        m_pinPad->dismiss(); // whatever was typed and not submitted goes, on every way out
    if (state == WorkflowState::CollectingEntropy)
        m_entropy->reset();
    if (state == WorkflowState::CertificateReceived && m_act)
        m_act->load(m_runner->context().newCertificate); // the act comes last, as in the seeds
    if (m_kind == JourneyKind::StaffLogin && state == WorkflowState::Finished) {
        end(); // staff mode has its session: straight to its screen
        return;
    }
    emit stateChanged();
    emit screenChanged();
    emit progressChanged();
    updateIdle();
}

void JourneyController::onTokenLeft(const QString &serial)
{
    if (!m_kiosk->journeyActive())
        return;
    // Only the journey's own tokens matter: the client's (or, logging in, the staff member's),
    // and the staff token of a staff-authorized journey. The staff token leaving during a
    // client's own renewal changes nothing for the client.
    const JourneyContext &context = m_runner->context();
    if (context.staff && serial == context.staff->tokenSerial() && serial != context.token.serial) {
        // The staff token left a staff journey: it ends (KK-603) and says so on its screen,
        // while the client's token, still in, goes back to its table from there.
        m_runner->tokenRemoved(serial);
        return;
    }
    if (serial != context.token.serial)
        return;
    // A step that touches the token (or holds its PIN) ends in KK-104; any other step ends
    // because the client left. Either way the current key is untouched.
    m_kiosk->setJourneyInterrupted(m_runner->isActive() &&
                                   m_runner->context().lifecycle != KeyLifecycle::Done);
    m_runner->tokenRemoved(serial);
    m_runner->cancel();
    end(); // the insert screen says the token was removed
}

void JourneyController::onIdleTimeout()
{
    qCInfo(lcWorkflow) << "idle timeout in" << m_runner->state();
    m_runner->cancel(); // wipes the PIN and closes the sessions
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
