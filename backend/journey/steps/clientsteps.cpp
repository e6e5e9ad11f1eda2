// The steps where the client acts, or waits.
#include "steps.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"

#include <QTimer>

namespace kk::steps {

void advance(JourneyContext &context, const JourneyServices &services, KeyLifecycle lifecycle)
{
    context.lifecycle = lifecycle;
    if (!isStable(lifecycle) || !services.journal)
        return;
    JournalEntry entry;
    entry.tokenSerial = context.token.serial;
    entry.profileKeyId = context.profileKeyId;
    entry.lifecycle = lifecycle;
    entry.newKeyId = context.newKeyId;
    entry.requestNumber = context.requestNumber;
    entry.detail = context.bankText;
    // A journal that cannot be written (a full disk) costs nothing: the token still tells
    // where the renewal is, so the journey goes on and staff find the reason in the log.
    if (Error e = services.journal->record(entry))
        qCWarning(lcWorkflow) << e.logText();
    // The kill point of this record: "journal-have-pending-key", ... (docs/architecture.md).
    KK_FAULT_POINT(QByteArray("journal-" + lifecycleName(lifecycle).toLatin1()).constData());
}

void Start::enter(const StepCall &call) const
{
    // A request the bank holds (or a certificate to confirm) goes straight to the PIN; a key
    // still to be made, or one the bank never acknowledged, first tells what will happen.
    JourneyContext &context = call.context();
    if (context.token.pinState == PinState::Locked) { // never even the pad
        context.error = Error(ErrorCode::PinLocked,
                              QStringLiteral("token %1 is locked").arg(context.token.serial));
        call.finish(Outcome::Failed);
        return;
    }
    call.finish(picksUp(context.lifecycle) ? Outcome::Resume : Outcome::Explain);
}

void CollectEntropy::enter(const StepCall &call) const
{
    call.context().seed.clear(); // only what the client draws now may seed the new key
}

void WithBank::enter(const StepCall &call) const
{
    const JourneyContext &context = call.context();
    const JourneyServices &services = call.services();
    int delayMs =
        context.checkAfterSeconds > 0 ? context.checkAfterSeconds * 1000 : services.defaultPollMs;
    if (context.bankOutage) {
        // The bank holds the request but did not answer: try again, less often the longer it
        // lasts (the bank monitor seeing it again cuts the wait short: JourneyRunner).
        delayMs = services.outageFirstRetryMs;
        for (int i = 1; i < context.failedPolls && delayMs < services.outageMaxRetryMs; ++i)
            delayMs *= 2;
        delayMs = qMin(delayMs, services.outageMaxRetryMs);
        qCInfo(lcWorkflow) << "the bank cannot be reached (" << context.failedPolls
                           << "failed poll(s)); trying again in" << delayMs << "ms";
    }
    QTimer::singleShot(delayMs, call.receiver(), [call] { call.finish(Outcome::PollDue); });
}

} // namespace kk::steps
