#pragma once
// Runs any journey (journey/step.h) over one context: enters each step, follows the table
// on its outcome, and takes the client's actions only where the table has them. Beyond the
// table, three rules hold for every journey:
//   - a step that fails goes to Failed (the error is in the context);
//   - cancel() ends any step that is not terminal in Cancelled;
//   - a removed or swapped token (by serial) ends a step that aborts on removal in Failed,
//     with KK-104;
//   - in a staff-authorized journey, the staff token removed ends any step in Failed, with
//     KK-603.
// There is one cleanup for every exit: entering a terminal step wipes the context (PIN, seed,
// the bank's transaction, the token's session), and results that arrive afterwards are dropped.

#include "keykiosk/journey/step.h"

#include <QObject>

namespace kk {

class JourneyRunner : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::WorkflowState state READ state NOTIFY stateChanged)
public:
    explicit JourneyRunner(JourneyServices services, QObject *parent = nullptr);
    ~JourneyRunner() override;

    // Starts `journey` with `context` (its token, profile and reconciled lifecycle).
    void start(const Journey &journey, JourneyContext context);
    // The client's actions; ignored unless the current step takes them. The ones that carry
    // data (a PIN, a drawing, a checklist) come only through their own calls below.
    bool input(Outcome event);
    void submitPin(SecureBuffer pin);
    void entropyReady(const QByteArray &seed);
    // Staff confirmed the case and the checklist (the Checklist step).
    void confirmChecklist(const InitialRequestInfo &info);
    void cancel();
    void tokenRemoved(const QString &serial);
    // Ends a journey under way in Failed with `error` (staff mode ended under a staff journey).
    void abort(const Error &error);
    // The kiosk's bank monitor sees the bank again: a client waiting through an outage is
    // asked for at once, instead of at the next retry.
    void bankReachable();

    StepId step() const { return m_step; }
    WorkflowState state() const;
    bool isActive() const;
    const JourneyContext &context() const { return m_context; }
    const JourneyServices &services() const { return m_services; }
    // How soon to poll again when the bank does not say (tests use a short one).
    void setDefaultPollMs(int ms) { m_services.defaultPollMs = ms; }
    void setOutageRetryMs(int firstMs, int maxMs)
    {
        m_services.outageFirstRetryMs = firstMs;
        m_services.outageMaxRetryMs = maxMs;
    }

signals:
    void stateChanged(kk::WorkflowState state); // the client's screen changed
    void contextChanged();                      // same screen, news (the bank's text)

private:
    friend class StepCall;
    void finished(quint64 generation, Outcome outcome);
    void go(StepId next);
    bool follow(Outcome event); // the table's arrow for an input step, if it has one

    JourneyServices m_services;
    const Journey *m_journey = nullptr;
    JourneyContext m_context;
    StepId m_step = StepId::Cancelled;
    quint64 m_generation = 0; // every step change starts a new one; late results are dropped
    bool m_started = false;
};

} // namespace kk
