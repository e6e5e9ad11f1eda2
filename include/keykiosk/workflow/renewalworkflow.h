#pragma once
// The client's renewal journey as an explicit state machine (AusweisApp's workflows, with
// certmonger's lifecycle underneath). States are a typed enum for QML; every transition is
// journalled; token work runs on the token thread; every exit path - success, refusal,
// error, cancel, timeout, token removed - runs the same cleanup: the PIN is wiped, the
// renewal's sessions are closed and libp11 forgets its PIN copy. A returning client (the
// journal or the token's pending key says a request is under way) skips key generation.

#include "keykiosk/enroll/tokenrenewal.h"
#include "keykiosk/enums.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/token/tokenservice.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace kk {

// The request number ("R-000042") in the bank's text, or empty.
QString requestNumberIn(const QString &bankText);

class RenewalWorkflow : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::WorkflowState state READ state NOTIFY stateChanged)
    Q_PROPERTY(kk::PinState pinState READ pinState NOTIFY stateChanged)
    Q_PROPERTY(QString message READ message NOTIFY stateChanged)
    Q_PROPERTY(QString errorId READ errorId NOTIFY stateChanged)
    Q_PROPERTY(bool resuming READ resuming NOTIFY stateChanged)
    Q_PROPERTY(QString requestNumber READ requestNumber NOTIFY stateChanged)
public:
    RenewalWorkflow(TokenService *tokens, Journal *journal, CmpEndpoint endpoint,
                    RenewalOptions options = {}, QObject *parent = nullptr);
    ~RenewalWorkflow() override;

    WorkflowState state() const { return m_state; }
    PinState pinState() const { return m_pinState; }
    QString message() const;
    QString errorId() const;
    bool resuming() const { return m_resuming; }
    // The bank's number for the request ("R-000042"), once the bank has answered; for the slip.
    QString requestNumber() const { return m_requestNumber; }
    QString tokenSerial() const { return m_token.serial; }
    // The certificate written to the token in this visit (DER), for the acceptance act.
    QByteArray newCertificate() const { return m_newCertificate; }
    bool isActive() const; // between start() and a terminal state
    Error error() const { return m_error; }
    QString bankText() const { return m_bankText; }
    // How soon to poll again when the bank does not say (tests use a short one).
    void setDefaultPollMs(int ms) { m_defaultPollMs = ms; }

    // pendingOnToken: the token carries a pending new key for this profile (a request made at
    // another kiosk, or a lost journal): the visit resumes it, like a journal entry would.
    void start(const TokenInfo &token, const QByteArray &currentKeyId, bool pendingOnToken = false);
    void confirm();                            // Explaining -> EnteringPin
    void submitPin(SecureBuffer pin);          // EnteringPin -> CheckingPin -> ...
    void entropyReady(const QByteArray &seed); // CollectingEntropy -> GeneratingKey -> ...
    void acknowledge();                        // CertificateReceived -> Finished
    void cancel();                             // the client, or the idle timeout
    void tokenRemoved(const QString &serial);

signals:
    void stateChanged(kk::WorkflowState state);

private:
    void enter(WorkflowState state);
    void fail(const Error &error);
    void finish(WorkflowState terminal);
    void generateAndSend(const QByteArray &seed);
    void poll();
    void handleStep(const EnrollStep &step);
    void cleanup();
    template <typename Result, typename Job, typename Done> void onToken(Job job, Done done);
    template <typename Result, typename Job, typename Done, typename Abandoned>
    void onToken(Job job, Done done, Abandoned abandoned);
    void releaseOnTokenThread(std::shared_ptr<TokenRenewal> renewal);

    TokenService *m_tokens;
    Journal *m_journal;
    CmpEndpoint m_endpoint;
    RenewalOptions m_options;
    WorkflowState m_state = WorkflowState::Idle;
    TokenInfo m_token;
    QByteArray m_currentKeyId;
    QByteArray m_newKeyId;
    std::shared_ptr<SecureBuffer> m_pin;
    std::shared_ptr<TokenRenewal> m_renewal; // lives on the token thread between steps
    PinState m_pinState = PinState::Ok;
    Error m_error;
    QString m_bankText;
    QString m_requestNumber;
    QByteArray m_newCertificate;
    bool m_resuming = false;
    bool m_requestWithBank = false; // the bank answered "waiting" during this visit
    quint64 m_generation = 0;       // results of abandoned steps are dropped
    QTimer m_pollTimer;
    int m_defaultPollMs = 5000;
};

} // namespace kk
