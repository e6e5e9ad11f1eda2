#pragma once
// The journey's screen logic (KDE Itinerary's small controller): starts the journey the token
// screen offers for the selected profile, hands the runner the PIN from the pad and the seed
// from the entropy pad (C++ to C++: neither passes through QML), shows progress after 0.5 s,
// aborts the journey when the token leaves, and wipes the session on the idle timeout.
// QML reads Journey.state (kk::WorkflowState, the current step's screen) and calls the
// invokables; nothing else.

#include "keykiosk/enums.h"
#include "keykiosk/token/tokentypes.h"

#include <memory>

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace kk {

class JourneyRunner;
class Journal;
class KioskController;
class PinPadController;
class EntropyController;
class IdleWatch;
class ActController;
class StaffSession;
struct TokenProfile;
struct InitialRequestInfo;

class JourneyController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::WorkflowState state READ state NOTIFY stateChanged)
    // Whose journey: the client's renewal, the staff login, or a staff recovery (its case).
    Q_PROPERTY(kk::JourneyKind kind READ kind NOTIFY stateChanged)
    Q_PROPERTY(kk::RecoveryCase recoveryCase READ recoveryCase NOTIFY stateChanged)
    Q_PROPERTY(QString message READ message NOTIFY stateChanged)
    Q_PROPERTY(QString errorId READ errorId NOTIFY stateChanged)
    Q_PROPERTY(QString bankReason READ bankReason NOTIFY stateChanged)
    Q_PROPERTY(bool seeStaff READ seeStaff NOTIFY stateChanged)
    // A returning client picks up what the bank holds: no explanation, no drawing.
    Q_PROPERTY(bool resuming READ resuming NOTIFY stateChanged)
    // The new key is already on the token (made on an earlier visit): nothing to draw.
    Q_PROPERTY(bool keyOnToken READ keyOnToken NOTIFY stateChanged)
    // After an error or a removed token: what is left on the token and with the bank, from
    // the journey's state (never from the error code alone), and what the client is told of
    // it. "You continue where you left off" only when the journal and the bank both hold the
    // request.
    Q_PROPERTY(kk::RenewalAftermath aftermath READ aftermath NOTIFY stateChanged)
    Q_PROPERTY(QString aftermathText READ aftermathText NOTIFY stateChanged)
    // Waiting with the bank while it cannot be reached: the kiosk keeps trying.
    Q_PROPERTY(bool bankOutage READ bankOutage NOTIFY stateChanged)
    Q_PROPERTY(QString requestNumber READ requestNumber NOTIFY stateChanged)
    Q_PROPERTY(QString owner READ owner NOTIFY stateChanged)
    Q_PROPERTY(QString identifier READ identifier NOTIFY stateChanged)
    Q_PROPERTY(bool showProgress READ showProgress NOTIFY progressChanged)
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY progressChanged)
public:
    JourneyController(JourneyRunner *runner, KioskController *kiosk, PinPadController *pinPad,
                      EntropyController *entropy, IdleWatch *idle, ActController *act = nullptr,
                      Journal *journal = nullptr, QObject *parent = nullptr);

    WorkflowState state() const;
    JourneyKind kind() const { return m_kind; }
    RecoveryCase recoveryCase() const { return m_recoveryCase; }
    QString message() const;
    QString errorId() const;
    QString bankReason() const;
    bool seeStaff() const;
    bool resuming() const { return m_resuming; }
    bool keyOnToken() const;
    RenewalAftermath aftermath() const;
    QString aftermathText() const;
    bool bankOutage() const;
    QString requestNumber() const;
    QString owner() const;
    QString identifier() const;
    bool showProgress() const;
    int elapsedSeconds() const { return m_busy.isValid() ? int(m_busy.elapsed() / 1000) : 0; }

    // From the token screen: the selected profile's offer (renew, pick up, new request).
    Q_INVOKABLE void begin();
    Q_INVOKABLE void confirm();     // "what will happen" -> the PIN pad
    Q_INVOKABLE void cancel();      // the client stops; a request with the bank stays there
    Q_INVOKABLE void acknowledge(); // certificate received -> done
    Q_INVOKABLE void newRequest();  // after a refusal
    Q_INVOKABLE void close();       // back to the token's profiles
    void retranslate() { emit stateChanged(); }

    // Staff mode (StaffController): the staff member's PIN on the same pad, on their token.
    void beginStaffLogin(const TokenInfo &staffToken);
    // A staff-authorized recovery for the client's selected profile.
    bool beginRecovery(RecoveryCase recoveryCase, std::shared_ptr<StaffSession> staff);
    // The signers' sitting the next journeys belong to (empty: none); the bank keeps it.
    void setSitting(const QString &id) { m_sitting = id; }
    QString sitting() const { return m_sitting; }
    // What staff confirmed on the checklist (ChecklistController).
    void confirmChecklist(const InitialRequestInfo &info);
    // Staff mode ended (its token left, its idle timeout, "end staff mode"): a staff journey
    // under way ends with it; the client's own renewal goes on.
    void staffModeEnded();

signals:
    void stateChanged();  // any news: the properties' NOTIFY
    void screenChanged(); // only when the client's screen (state) changes
    void progressChanged();

private:
    void startFor(const TokenProfile &profile);
    void onRunnerState(WorkflowState state);
    void onTokenLeft(const QString &serial);
    void onIdleTimeout();
    void updateIdle();
    void wipeSession(); // the pads and the progress; the runner cleans up after itself
    void end();

    JourneyRunner *m_runner;
    KioskController *m_kiosk;
    PinPadController *m_pinPad;
    EntropyController *m_entropy;
    IdleWatch *m_idle;
    ActController *m_act;
    Journal *m_journal;
    bool m_resuming = false;
    JourneyKind m_kind = JourneyKind::ClientRenewal;
    QString m_sitting;
    RecoveryCase m_recoveryCase = RecoveryCase::ExpiredKey;
    QElapsedTimer m_busy; // since the token or the bank started working
    QTimer m_progressTick;
};

} // namespace kk
