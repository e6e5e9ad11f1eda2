#pragma once
// The renewal journey's screen logic (KDE Itinerary's small controller): starts the workflow
// for the profile selected on the token screen, hands it the PIN from the pad and the seed
// from the entropy pad (C++ to C++: neither passes through QML), shows progress after
// 0.5 s, aborts it when the token leaves, and wipes the session on the idle timeout.
// QML reads Journey.state (kk::WorkflowState) and calls the invokables; nothing else.

#include "keykiosk/enums.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace kk {

class RenewalWorkflow;
class KioskController;
class PinPadController;
class EntropyController;
class IdleWatch;
class ActController;

class JourneyController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::WorkflowState state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString message READ message NOTIFY stateChanged)
    Q_PROPERTY(QString errorId READ errorId NOTIFY stateChanged)
    Q_PROPERTY(QString bankReason READ bankReason NOTIFY stateChanged)
    Q_PROPERTY(bool seeStaff READ seeStaff NOTIFY stateChanged)
    Q_PROPERTY(bool resuming READ resuming NOTIFY stateChanged)
    Q_PROPERTY(QString requestNumber READ requestNumber NOTIFY stateChanged)
    Q_PROPERTY(QString owner READ owner NOTIFY stateChanged)
    Q_PROPERTY(QString identifier READ identifier NOTIFY stateChanged)
    Q_PROPERTY(bool showProgress READ showProgress NOTIFY progressChanged)
    Q_PROPERTY(int elapsedSeconds READ elapsedSeconds NOTIFY progressChanged)
public:
    JourneyController(RenewalWorkflow *workflow, KioskController *kiosk, PinPadController *pinPad,
                      EntropyController *entropy, IdleWatch *idle, ActController *act = nullptr,
                      QObject *parent = nullptr);

    WorkflowState state() const;
    QString message() const;
    QString errorId() const;
    QString bankReason() const;
    bool seeStaff() const;
    bool resuming() const;
    QString requestNumber() const;
    QString owner() const { return m_owner; }
    QString identifier() const { return m_identifier; }
    bool showProgress() const;
    int elapsedSeconds() const { return m_busy.isValid() ? int(m_busy.elapsed() / 1000) : 0; }

    // From the token screen: the selected profile's action (renew, pick up, new request).
    Q_INVOKABLE void begin();
    Q_INVOKABLE void confirm();     // "what will happen" -> the PIN pad
    Q_INVOKABLE void cancel();      // the client stops; a request with the bank stays there
    Q_INVOKABLE void acknowledge(); // certificate received -> done
    Q_INVOKABLE void newRequest();  // after a refusal
    Q_INVOKABLE void close();       // back to the token's profiles
    void retranslate() { emit stateChanged(); }

signals:
    void stateChanged();
    void progressChanged();

private:
    void onWorkflowState(WorkflowState state);
    void onTokenLeft(const QString &serial);
    void onIdleTimeout();
    void updateIdle();
    void wipeSession(); // the pads and the progress; the workflow cleans up after itself
    void end();

    RenewalWorkflow *m_workflow;
    KioskController *m_kiosk;
    PinPadController *m_pinPad;
    EntropyController *m_entropy;
    IdleWatch *m_idle;
    ActController *m_act;
    QString m_owner;
    QString m_identifier;
    QElapsedTimer m_busy; // since the token or the bank started working
    QTimer m_progressTick;
};

} // namespace kk
