#include "keykiosk/workflow/renewalworkflow.h"

#include "keykiosk/logging.h"

#include <QRegularExpression>

namespace kk {

RenewalWorkflow::RenewalWorkflow(TokenService *tokens, Journal *journal, CmpEndpoint endpoint,
                                 RenewalOptions options, QObject *parent)
    : QObject(parent), m_tokens(tokens), m_journal(journal), m_endpoint(std::move(endpoint)),
      m_options(options)
{
    qRegisterMetaType<kk::WorkflowState>();
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &RenewalWorkflow::poll);
}

RenewalWorkflow::~RenewalWorkflow()
{
    cleanup();
}

QString RenewalWorkflow::message() const
{
    if (m_state == WorkflowState::Refused || m_state == WorkflowState::WithBank)
        return m_bankText;
    return m_error ? clientMessage(m_error.code) : QString();
}

QString RenewalWorkflow::errorId() const
{
    return m_error ? kk::errorId(m_error.code) : QString();
}

template <typename Result, typename Job, typename Done, typename Abandoned>
void RenewalWorkflow::onToken(Job job, Done done, Abandoned abandoned)
{
    const quint64 generation = m_generation;
    m_tokens->run<Result>(this, std::function<Result(TokenContext &)>(std::move(job)),
                          [this, generation, done, abandoned](Result result) {
                              if (generation == m_generation)
                                  done(std::move(result));
                              else // cancelled or removed meanwhile
                                  abandoned(std::move(result));
                          });
}

template <typename Result, typename Job, typename Done>
void RenewalWorkflow::onToken(Job job, Done done)
{
    onToken<Result>(std::move(job), std::move(done), [](Result) {});
}

void RenewalWorkflow::releaseOnTokenThread(std::shared_ptr<TokenRenewal> renewal)
{
    // Its sessions belong to the token thread, and so does its destruction (which also makes
    // libp11 release its slots and wipe its PIN copy).
    if (!renewal)
        return;
    m_tokens->run<int>(
        this,
        [renewal](TokenContext &) mutable {
            renewal.reset();
            return 0;
        },
        [](int) {});
}

void RenewalWorkflow::enter(WorkflowState state)
{
    if (state == m_state)
        return;
    qCInfo(lcWorkflow) << "renewal" << m_token.serial << m_state << "->" << state;
    m_state = state;
    if (state == WorkflowState::WithBank)
        m_requestWithBank = true;
    // Ending this visit does not end a request the bank already holds: the journal keeps it.
    const bool keepBankEntry =
        m_requestWithBank && (state == WorkflowState::Cancelled || state == WorkflowState::Error);
    if (m_journal && state == WorkflowState::CertificateReceived) {
        m_journal->remove(m_token.serial, m_currentKeyId); // done: nothing left to resume
    } else if (m_journal && !m_token.serial.isEmpty() && state != WorkflowState::Idle &&
               state != WorkflowState::Finished && !keepBankEntry) {
        // (Finished only follows CertificateReceived, whose entry is already gone.)
        JournalEntry entry;
        entry.tokenSerial = m_token.serial;
        entry.currentKeyId = m_currentKeyId;
        entry.state = state;
        entry.newKeyId = m_newKeyId;
        entry.detail = m_error ? kk::errorId(m_error.code) : m_bankText;
        if (Error e = m_journal->record(entry))
            qCWarning(lcWorkflow)
                << e.logText(); // the token's pending key still lets the client resume
    }
    emit stateChanged(state);
}

bool RenewalWorkflow::isActive() const
{
    switch (m_state) {
    case WorkflowState::Idle:
    case WorkflowState::CertificateReceived:
    case WorkflowState::Refused:
    case WorkflowState::Error:
    case WorkflowState::Cancelled:
    case WorkflowState::Finished:
        return false;
    default:
        return true;
    }
}

QString requestNumberIn(const QString &bankText)
{
    // keykiosk-ra numbers its requests R-NNNNNN and names the number in its "waiting" text.
    static const QRegularExpression number(QStringLiteral("\\bR-\\d{6,}\\b"));
    return number.match(bankText).captured(0);
}

void RenewalWorkflow::start(const TokenInfo &token, const QByteArray &currentKeyId,
                            bool pendingOnToken)
{
    cleanup();
    ++m_generation;
    m_token = token;
    m_currentKeyId = currentKeyId;
    m_newKeyId.clear();
    m_error = {};
    m_bankText.clear();
    m_requestNumber.clear();
    m_newCertificate.clear();
    m_pinState = token.pinState;
    m_resuming = pendingOnToken;
    m_requestWithBank = false;
    if (m_journal) {
        auto entry = m_journal->find(token.serial, currentKeyId);
        if (entry && entry.value() && entry.value()->state == WorkflowState::WithBank) {
            m_resuming = true; // the request is with the bank: straight to pickup after the PIN
            m_newKeyId = entry.value()->newKeyId;
            m_requestNumber = requestNumberIn(entry.value()->detail);
        }
    }
    m_state = WorkflowState::Idle;
    if (token.pinState == PinState::Locked) {
        fail(Error(ErrorCode::PinLocked, QStringLiteral("token %1 is locked").arg(token.serial)));
        return;
    }
    enter(m_resuming ? WorkflowState::EnteringPin : WorkflowState::Explaining);
}

void RenewalWorkflow::confirm()
{
    if (m_state == WorkflowState::Explaining)
        enter(WorkflowState::EnteringPin);
}

void RenewalWorkflow::submitPin(SecureBuffer pin)
{
    if (m_state != WorkflowState::EnteringPin)
        return;
    m_pin = std::make_shared<SecureBuffer>(std::move(pin));
    enter(WorkflowState::CheckingPin);
    if (m_state != WorkflowState::CheckingPin)
        return; // a handler ended the workflow (token removed, cancel) while entering
    const unsigned long slot = m_token.slotId;
    auto checkedPin = m_pin;
    // The PIN is checked on its own first, so that a wrong one costs nothing else and the
    // tries left are shown at once; it is never retried automatically.
    onToken<LoginOutcome>(
        [slot, checkedPin](TokenContext &context) -> LoginOutcome {
            auto module = context.module();
            if (!module)
                return LoginOutcome{module.error(), PinState::Ok};
            auto session = module.value()->openSession(slot, false);
            if (!session)
                return LoginOutcome{session.error(), PinState::Ok};
            return session.value()->login(*checkedPin);
        },
        [this](LoginOutcome outcome) {
            m_pinState = outcome.pinState;
            if (!outcome.error) {
                if (m_resuming)
                    generateAndSend({}); // no new key: the pending one is picked up
                else
                    enter(WorkflowState::CollectingEntropy);
                return;
            }
            m_pin.reset(); // wiped
            qCInfo(lcWorkflow) << outcome.error.logText();
            if (outcome.error.code == ErrorCode::PinIncorrect) {
                m_error = outcome.error;
                m_state = WorkflowState::CheckingPin;
                enter(WorkflowState::EnteringPin); // the client decides whether to try again
                return;
            }
            fail(outcome.error);
        });
}

void RenewalWorkflow::entropyReady(const QByteArray &seed)
{
    if (m_state == WorkflowState::CollectingEntropy)
        generateAndSend(seed);
}

void RenewalWorkflow::generateAndSend(const QByteArray &seed)
{
    m_error = {};
    enter(WorkflowState::GeneratingKey);
    if (m_state != WorkflowState::GeneratingKey)
        return;
    auto pin = std::move(m_pin); // consumed by this step, wiped when it ends
    const TokenInfo token = m_token;
    const QByteArray currentId = m_currentKeyId;
    const CmpEndpoint endpoint = m_endpoint;
    const RenewalOptions options = m_options;
    struct Begun
    {
        std::shared_ptr<TokenRenewal> renewal;
        Error error;
        QByteArray newKeyId;
    };
    onToken<Begun>(
        [=](TokenContext &context) -> Begun {
            auto renewal =
                std::make_shared<TokenRenewal>(context, token, currentId, endpoint, options);
            Error error = renewal->begin(*pin, seed);
            return Begun{renewal, error, renewal->newKeyId()};
        },
        [this](Begun begun) {
            m_renewal = begun.renewal;
            if (begun.error) {
                fail(begun.error);
                return;
            }
            m_newKeyId = begun.newKeyId;
            enter(WorkflowState::Sending);
            if (m_state == WorkflowState::Sending)
                poll();
        },
        [this](Begun abandoned) { releaseOnTokenThread(std::move(abandoned.renewal)); });
}

void RenewalWorkflow::poll()
{
    auto renewal = m_renewal;
    if (!renewal)
        return;
    onToken<EnrollStep>([renewal](TokenContext &) { return renewal->step(); },
                        [this](EnrollStep step) { handleStep(step); });
}

void RenewalWorkflow::handleStep(const EnrollStep &step)
{
    if (!step.serverText.isEmpty())
        m_bankText = step.serverText; // a pollRep carries no text: keep the kur's
    if (const QString number = requestNumberIn(m_bankText); !number.isEmpty())
        m_requestNumber = number;
    switch (step.state) {
    case EnrollState::Waiting:
        enter(WorkflowState::WithBank);
        if (m_state != WorkflowState::WithBank)
            return;
        m_pollTimer.start(step.checkAfterSeconds > 0 ? step.checkAfterSeconds * 1000
                                                     : m_defaultPollMs);
        return;
    case EnrollState::Issued:
        m_newCertificate = step.certDer;
        finish(WorkflowState::CertificateReceived);
        return;
    case EnrollState::Rejected:
        m_error = step.error;
        finish(step.error.code == ErrorCode::BankRejected ? WorkflowState::Refused
                                                          : WorkflowState::Error);
        return;
    case EnrollState::Failed:
        fail(step.error);
        return;
    }
}

void RenewalWorkflow::acknowledge()
{
    if (m_state == WorkflowState::CertificateReceived)
        enter(WorkflowState::Finished);
}

void RenewalWorkflow::cancel()
{
    if (!isActive())
        return;
    // A request already with the bank stays there: the journal and the pending key bring the
    // client back to it. Cancelling only ends this visit.
    finish(WorkflowState::Cancelled);
}

void RenewalWorkflow::tokenRemoved(const QString &serial)
{
    if (serial != m_token.serial || !isActive())
        return;
    fail(Error(ErrorCode::TokenRemoved,
               QStringLiteral("token %1 removed during %2").arg(serial).arg(int(m_state))));
}

void RenewalWorkflow::fail(const Error &error)
{
    m_error = error;
    qCWarning(lcWorkflow) << "renewal failed:" << error.logText();
    finish(WorkflowState::Error);
}

void RenewalWorkflow::finish(WorkflowState terminal)
{
    ++m_generation; // whatever is still running belongs to the past
    cleanup();
    enter(terminal);
}

void RenewalWorkflow::cleanup()
{
    m_pollTimer.stop();
    m_pin.reset(); // SecureBuffer wipes itself
    releaseOnTokenThread(std::move(m_renewal));
}

} // namespace kk
