// The steps that talk to the bank: one CMP exchange step each, on the bank's thread in the
// kiosk (BankGateway), with the token signing on its own thread when asked.
#include "steps.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"

namespace kk::steps {

namespace {

// Inside certConf, on the bank's thread: the certificate goes to the token and the journal
// says so before the bank hears "accepted".
CertificateSink certificateSink(const StepCall &call)
{
    JourneyContext &context = call.context();
    std::weak_ptr<RenewalSession> session = context.renewal;
    JournalEntry entry;
    entry.tokenSerial = context.token.serial;
    entry.profileKeyId = context.profileKeyId;
    entry.lifecycle = KeyLifecycle::HaveCertificate;
    entry.newKeyId = context.newKeyId;
    entry.requestNumber = context.requestNumber;
    Journal *journal = call.services().journal;
    return [session, entry, journal](const QByteArray &certDer) -> Error {
        auto renewal = session.lock();
        if (!renewal)
            return Error(ErrorCode::Internal, QStringLiteral("the renewal has ended"));
        if (Error e = renewal->storeCertificate(certDer))
            return e;
        if (journal) {
            if (Error e = journal->record(entry))
                qCWarning(lcWorkflow) << e.logText(); // the token holds the truth anyway
        }
        KK_FAULT_POINT("journal-have-certificate");
        return {};
    };
}

void onBankAnswer(const StepCall &call, const EnrollStep &answer)
{
    JourneyContext &context = call.context();
    if (answer.state != EnrollState::Failed) { // the bank answered: any outage is over
        if (context.bankOutage)
            qCInfo(lcWorkflow) << "the bank answers again after" << context.failedPolls
                               << "failed poll(s)";
        context.bankOutage = false;
        context.failedPolls = 0;
        context.outageError = {};
    }
    if (!answer.serverText.isEmpty())
        context.bankText = answer.serverText; // a pollRep carries no text: keep the last one
    if (const QString number = requestNumberIn(context.bankText); !number.isEmpty())
        context.requestNumber = number;
    switch (answer.state) {
    case EnrollState::Waiting:
        context.checkAfterSeconds = answer.checkAfterSeconds;
        if (context.lifecycle == KeyLifecycle::WithBank) {
            call.finish(Outcome::Waiting);
            return;
        }
        // The bank holds the request now: the token itself says «принят банком» from here on.
        context.renewal->markAccepted(call.receiver(), [call](Error error) {
            if (!call.current())
                return;
            if (error) // the journal still knows, and the next answer marks it again
                qCWarning(lcWorkflow) << "could not mark the new key accepted:" << error.logText();
            else
                advance(call.context(), call.services(), KeyLifecycle::WithBank);
            call.finish(Outcome::Waiting);
        });
        return;
    case EnrollState::Issued:
        // On the token (inside certConf) and confirmed by the bank.
        context.newCertificate = answer.certDer;
        context.bankConfirmed = true;
        call.finish(Outcome::Issued);
        return;
    case EnrollState::Rejected: {
        context.error = answer.error;
        // A refusal is final for this key. The journal keeps the bank's words first (they are
        // what the client is shown, here and on the next visit); then the key is labelled
        // refused on the token, which is the record any kiosk reads. It stays until the client
        // makes a new request (DropRefusedKey).
        // A staff-authorized request is refused with the bank's own words whatever the reason
        // (the staff certificate revoked, the abonent not in the register): staff read them.
        // The client's catalogue texts ("your certificate is revoked") would mislead here.
        const bool refused =
            answer.error.code == ErrorCode::BankRejected || context.recovery.has_value();
        advance(context, call.services(), KeyLifecycle::Refused);
        context.renewal->markRefused(call.receiver(), [call, refused](Error error) {
            if (!call.current())
                return;
            if (error) // the journal knows; the next answer for this key is a refusal again
                qCWarning(lcWorkflow) << "could not mark the refused key:" << error.logText();
            call.finish(refused ? Outcome::Refused : Outcome::Failed);
        });
        return;
    }
    case EnrollState::Failed:
        if (answer.error.code == ErrorCode::BankUnreachable && picksUp(context.lifecycle) &&
            context.lifecycle != KeyLifecycle::Done) {
            // The bank holds the request (it said "waiting", or the certificate is on the
            // token): a bank that is down for a while does not send the client away.
            context.bankOutage = true;
            ++context.failedPolls;
            context.outageError = answer.error;
            call.finish(Outcome::Unreachable);
            return;
        }
        context.error = answer.error;
        call.finish(Outcome::Failed);
        return;
    }
}

} // namespace

void BankStep::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    if (!context.renewal) {
        context.error = Error(ErrorCode::Internal, QStringLiteral("no renewal on the token"));
        call.finish(Outcome::Failed);
        return;
    }
    if (context.lifecycle == KeyLifecycle::HavePendingKey)
        advance(context, call.services(), KeyLifecycle::Submitting);
    if (!context.exchange && context.recovery) {
        // Staff-authorized: an initial request, protected by the staff key.
        if (!context.staff) {
            context.error = Error(ErrorCode::StaffTokenRemoved,
                                  QStringLiteral("an initial request without a staff session"));
            call.finish(Outcome::Failed);
            return;
        }
        InitialRequestInfo info = *context.recovery;
        info.sitting = context.sitting;
        context.exchange = call.services().bank->initialRequest(context.renewal, context.staff,
                                                                info, certificateSink(call));
    } else if (!context.exchange) {
        context.exchange = call.services().bank->keyUpdate(context.renewal, certificateSink(call),
                                                           context.sitting);
    }
    context.exchange->step(call.receiver(), [call](EnrollStep answer) {
        if (call.current())
            onBankAnswer(call, answer);
    });
}

} // namespace kk::steps
