// The steps that work on the client's token (through TokenGateway / RenewalSession: on the
// token thread in the kiosk, in memory in the unit tests).
#include "steps.h"

#include "keykiosk/faultpoint.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"

namespace kk::steps {

void CheckPin::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    // The PIN is checked on its own first, so that a wrong one costs nothing else and the
    // tries left are shown at once; it is never retried by itself.
    call.services().token->checkPin(
        context.token, context.pin, call.receiver(), [call](LoginOutcome outcome) {
            if (!call.current())
                return;
            JourneyContext &context = call.context();
            context.pinState = outcome.pinState;
            context.error = outcome.error;
            if (!outcome.error) {
                call.finish(Outcome::PinOk);
                return;
            }
            context.pin.reset(); // wiped: the client types it again, or not
            qCInfo(lcWorkflow) << outcome.error.logText();
            call.finish(outcome.error.code == ErrorCode::PinIncorrect ? Outcome::PinWrong
                                                                      : Outcome::Failed);
        });
}

void CheckStaff::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    call.services().token->openStaff(
        context.token, context.pin, call.receiver(), [call](OpenedStaff opened) {
            if (!call.current())
                return; // the staff session closes as `opened` goes
            JourneyContext &context = call.context();
            context.pin.reset(); // libp11 holds the login while staff mode lasts
            context.pinState = opened.login.pinState;
            context.error = opened.login.error;
            if (opened.login.error || !opened.session) {
                qCInfo(lcWorkflow) << "staff login:" << opened.login.error.logText();
                call.finish(opened.login.error.code == ErrorCode::PinIncorrect ? Outcome::PinWrong
                                                                               : Outcome::Failed);
                return;
            }
            context.staff = opened.session;
            if (call.services().staffLoggedIn)
                call.services().staffLoggedIn(opened.session);
            call.finish(Outcome::PinOk);
        });
}

void OpenRenewal::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    call.services().token->openRenewal(
        context.token, context.profileKeyId, context.pin, call.receiver(),
        [call](OpenedRenewal opened) {
            if (!call.current())
                return; // the session closes as `opened` goes
            JourneyContext &context = call.context();
            context.pin.reset(); // the token and libp11 are logged in: the PIN is done with
            if (opened.error) {
                context.error = opened.error;
                call.finish(Outcome::Failed);
                return;
            }
            context.renewal = opened.session;
            // The token is the truth: the lifecycle the journey started from is checked
            // against what the token holds now that the private keys are visible too.
            const Reconciliation reconciled = reconcile(opened.facts, context.lifecycle);
            if (reconciled.journalStale)
                qCInfo(lcWorkflow) << "reconciled with the token:" << reconciled.note;
            context.newKeyId = opened.facts.newKeyId;
            context.bankConfirmed = reconciled.bankConfirmed;
            if (!opened.facts.newCertificateDer.isEmpty())
                context.newCertificate = opened.facts.newCertificateDer;
            advance(context, call.services(), reconciled.lifecycle);
            switch (reconciled.lifecycle) {
            case KeyLifecycle::NeedKey:
                call.finish(Outcome::NeedKey);
                return;
            case KeyLifecycle::HavePendingKey:
                call.finish(Outcome::HavePendingKey);
                return;
            case KeyLifecycle::WithBank:
                call.finish(Outcome::WithBank);
                return;
            case KeyLifecycle::HaveCertificate:
                call.finish(reconciled.bankConfirmed ? Outcome::BankConfirmed
                                                     : Outcome::HaveCertificate);
                return;
            case KeyLifecycle::Refused: // the only offer for it is a new request
                call.finish(Outcome::Refused);
                return;
            default:
                context.error = Error(ErrorCode::Internal,
                                      QStringLiteral("nothing to renew: the token shows %1")
                                          .arg(lifecycleName(reconciled.lifecycle)));
                call.finish(Outcome::Failed);
                return;
            }
        });
}

void GenerateKey::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    // Used once, and only what this journey's client drew: without it, no key is made.
    QByteArray seed = std::move(context.seed);
    context.seed.clear();
    if (seed.isEmpty() || !context.renewal) {
        context.error = Error(ErrorCode::Internal,
                              QStringLiteral("no fresh entropy: a new key is never generated "
                                             "without the client's drawing"));
        call.finish(Outcome::Failed);
        return;
    }
    advance(context, call.services(), KeyLifecycle::GeneratingKey);
    context.renewal->generateKey(seed, call.receiver(), [call](Expected<QByteArray> newKey) {
        if (!call.current())
            return;
        JourneyContext &context = call.context();
        if (!newKey) {
            context.error = newKey.error();
            advance(context, call.services(), KeyLifecycle::NeedKey);
            call.finish(Outcome::Failed);
            return;
        }
        context.newKeyId = newKey.value();
        advance(context, call.services(), KeyLifecycle::HavePendingKey);
        call.finish(Outcome::Ok);
    });
}

void DropRefusedKey::enter(const StepCall &call) const
{
    // The token's record of the refusal goes now that the client makes a new request; the
    // private key first (RenewalKeys::dropNewKey), so a kill leaves nothing that can sign.
    call.context().renewal->dropNewKey(call.receiver(), [call](Error error) {
        if (!call.current())
            return;
        JourneyContext &context = call.context();
        if (error) {
            context.error = error;
            call.finish(Outcome::Failed);
            return;
        }
        context.newKeyId.clear();
        context.bankText.clear();
        context.requestNumber.clear();
        advance(context, call.services(), KeyLifecycle::NeedKey);
        call.finish(Outcome::Ok);
    });
}

void Retire::enter(const StepCall &call) const
{
    JourneyContext &context = call.context();
    advance(context, call.services(), KeyLifecycle::Confirming);
    context.renewal->retireOldKey(call.receiver(), [call](Error error) {
        if (!call.current())
            return;
        JourneyContext &context = call.context();
        if (error) {
            // The bank confirmed and the certificate is on the token: the next visit finishes
            // the labels (the token still shows a certificate to take into operation).
            context.error = error;
            call.finish(Outcome::Failed);
            return;
        }
        advance(context, call.services(), KeyLifecycle::Done);
        call.finish(Outcome::Ok);
    });
}

} // namespace kk::steps
