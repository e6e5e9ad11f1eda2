#include "keykiosk/journey/runner.h"

#include "keykiosk/logging.h"

#include <QMetaEnum>

namespace kk {

namespace {
const char *name(StepId id)
{
    static const char *const names[] = {"Start",
                                        "Explain",
                                        "EnterPin",
                                        "CheckPin",
                                        "OpenRenewal",
                                        "CollectEntropy",
                                        "GenerateKey",
                                        "Submit",
                                        "PickUp",
                                        "WithBank",
                                        "Poll",
                                        "Retire",
                                        "CertificateReceived",
                                        "Finished",
                                        "Refused",
                                        "Failed",
                                        "Cancelled",
                                        "CheckStaff",
                                        "Checklist",
                                        "DropRefusedKey"};
    static_assert(sizeof(names) / sizeof(*names) == int(StepId::DropRefusedKey) + 1,
                  "one name per StepId");
    return names[int(id)];
}
const char *name(Outcome outcome)
{
    static const char *const names[] = {"Ok",
                                        "Explain",
                                        "Resume",
                                        "Confirmed",
                                        "PinEntered",
                                        "PinOk",
                                        "PinWrong",
                                        "NeedKey",
                                        "HavePendingKey",
                                        "WithBank",
                                        "HaveCertificate",
                                        "BankConfirmed",
                                        "EntropyCollected",
                                        "Waiting",
                                        "Issued",
                                        "Refused",
                                        "PollDue",
                                        "Acknowledged",
                                        "Failed",
                                        "Unreachable"};
    static_assert(sizeof(names) / sizeof(*names) == int(Outcome::Unreachable) + 1,
                  "one name per Outcome");
    return names[int(outcome)];
}
} // namespace

bool StepCall::current() const
{
    return m_runner->m_generation == m_generation;
}

void StepCall::finish(Outcome outcome) const
{
    m_runner->finished(m_generation, outcome);
}

JourneyContext &StepCall::context() const
{
    return m_runner->m_context;
}

const JourneyServices &StepCall::services() const
{
    return m_runner->m_services;
}

QObject *StepCall::receiver() const
{
    return m_runner;
}

JourneyRunner::JourneyRunner(JourneyServices services, QObject *parent)
    : QObject(parent), m_services(services)
{
    qRegisterMetaType<kk::WorkflowState>();
}

JourneyRunner::~JourneyRunner()
{
    ++m_generation;
    m_context.wipe();
}

WorkflowState JourneyRunner::state() const
{
    return m_started ? stepFor(m_step).screen() : WorkflowState::Idle;
}

bool JourneyRunner::isActive() const
{
    return m_started && stepFor(m_step).kind() != StepKind::Terminal;
}

void JourneyRunner::start(const Journey &journey, JourneyContext context)
{
    ++m_generation;
    m_context.wipe(); // whatever the last journey left
    m_context = std::move(context);
    m_journey = &journey;
    m_started = true;
    qCInfo(lcWorkflow) << "journey" << journey.name << "for token" << m_context.token.serial
                       << "profile" << m_context.profileKeyId.toHex() << "at"
                       << lifecycleName(m_context.lifecycle);
    go(journey.first);
}

void JourneyRunner::go(StepId next)
{
    const WorkflowState before = state();
    ++m_generation;
    m_step = next;
    const Step &step = stepFor(next);
    qCInfo(lcWorkflow) << "step" << name(next);
    if (step.kind() == StepKind::Terminal) {
        // The one cleanup, for every exit.
        m_context.wipe();
        if (next == StepId::Failed)
            qCWarning(lcWorkflow) << "journey failed:" << m_context.error.logText();
    }
    const quint64 generation = m_generation;
    step.enter(StepCall(this, generation));
    // enter() may have moved on already (an instant step); report the screen only if not.
    if (generation == m_generation && state() != before)
        emit stateChanged(state());
    else if (generation == m_generation)
        emit contextChanged(); // the same screen (a poll): its data may have changed
}

void JourneyRunner::finished(quint64 generation, Outcome outcome)
{
    if (generation != m_generation || !m_journey)
        return; // a result of the past: the journey has moved on
    for (const Transition &t : m_journey->table) {
        if (t.from == m_step && t.on == outcome) {
            go(t.to);
            return;
        }
    }
    if (outcome == Outcome::Failed) {
        go(StepId::Failed);
        return;
    }
    qCWarning(lcWorkflow) << "journey" << m_journey->name << ": step" << name(m_step)
                          << "ended with" << name(outcome) << "which its table does not take";
    m_context.error = Error(ErrorCode::Internal,
                            QStringLiteral("no transition from %1 on %2")
                                .arg(QLatin1String(name(m_step)), QLatin1String(name(outcome))));
    go(StepId::Failed);
}

bool JourneyRunner::input(Outcome event)
{
    // What carries data comes only with it: the PIN, the drawing, what staff confirmed.
    if (event == Outcome::PinEntered || event == Outcome::EntropyCollected ||
        (event == Outcome::Confirmed && m_step == StepId::Checklist))
        return false;
    return follow(event);
}

bool JourneyRunner::follow(Outcome event)
{
    if (!m_started || stepFor(m_step).kind() != StepKind::Input)
        return false;
    for (const Transition &t : m_journey->table) {
        if (t.from == m_step && t.on == event) {
            go(t.to);
            return true;
        }
    }
    return false;
}

void JourneyRunner::submitPin(SecureBuffer pin)
{
    if (!m_started || m_step != StepId::EnterPin)
        return; // the PIN is wiped as `pin` goes out of scope
    m_context.pin = std::make_shared<SecureBuffer>(std::move(pin));
    follow(Outcome::PinEntered);
}

void JourneyRunner::entropyReady(const QByteArray &seed)
{
    if (!m_started || m_step != StepId::CollectEntropy)
        return;
    m_context.seed = seed;
    follow(Outcome::EntropyCollected);
}

void JourneyRunner::cancel()
{
    if (!isActive())
        return;
    // A request already with the bank stays there: the token's key and the journal bring
    // the client back to it. Cancelling only ends this visit.
    go(StepId::Cancelled);
}

void JourneyRunner::abort(const Error &error)
{
    if (!isActive())
        return;
    m_context.error = error;
    go(StepId::Failed);
}

void JourneyRunner::bankReachable()
{
    if (m_started && m_step == StepId::WithBank && m_context.bankOutage) {
        qCInfo(lcWorkflow) << "the bank is reachable again: asking it now";
        follow(Outcome::PollDue);
    }
}

void JourneyRunner::confirmChecklist(const InitialRequestInfo &info)
{
    if (!m_started || m_step != StepId::Checklist)
        return;
    m_context.recovery = info;
    follow(Outcome::Confirmed);
}

void JourneyRunner::tokenRemoved(const QString &serial)
{
    if (!isActive())
        return;
    // Staff authorize the whole journey: without their token, every step of it ends.
    if (m_context.staff && serial == m_context.staff->tokenSerial()) {
        m_context.error =
            Error(ErrorCode::StaffTokenRemoved, QStringLiteral("staff token %1 removed during %2")
                                                    .arg(serial, QLatin1String(name(m_step))));
        go(StepId::Failed);
        return;
    }
    if (serial != m_context.token.serial || !stepFor(m_step).abortsOnTokenRemoved())
        return;
    m_context.error = Error(
        ErrorCode::TokenRemoved,
        QStringLiteral("token %1 removed during %2").arg(serial, QLatin1String(name(m_step))));
    go(StepId::Failed);
}

} // namespace kk
