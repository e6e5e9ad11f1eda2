// The client's renewal (docs/architecture.md, "The renewal journey"): every arrow of it.
// Beyond this table, for every journey (journey/runner.h): a failed step goes to Failed,
// cancel() to Cancelled, a removed token to Failed (KK-104) from a step that aborts on it.
#include "../steps/steps.h"

namespace kk {

const Journey &renewalJourney()
{
    static const Journey journey{
        "renewal",
        StepId::Start,
        {
            // Where the token says the renewal is (reconciled when the token was read)
            {StepId::Start, Outcome::Explain, StepId::Explain},
            {StepId::Start, Outcome::Resume, StepId::EnterPin},
            {StepId::Explain, Outcome::Confirmed, StepId::EnterPin},
            // The PIN, on its own; a wrong one goes back to the pad, never retried
            {StepId::EnterPin, Outcome::PinEntered, StepId::CheckPin},
            {StepId::CheckPin, Outcome::PinOk, StepId::OpenRenewal},
            {StepId::CheckPin, Outcome::PinWrong, StepId::EnterPin},
            // What the token holds now decides: a key exists only once, and is never drawn for
            // twice
            {StepId::OpenRenewal, Outcome::NeedKey, StepId::CollectEntropy},
            {StepId::OpenRenewal, Outcome::HavePendingKey, StepId::Submit},
            {StepId::OpenRenewal, Outcome::WithBank, StepId::PickUp},
            {StepId::OpenRenewal, Outcome::HaveCertificate, StepId::PickUp},
            {StepId::OpenRenewal, Outcome::BankConfirmed, StepId::Retire},
            {StepId::CollectEntropy, Outcome::EntropyCollected, StepId::GenerateKey},
            {StepId::GenerateKey, Outcome::Ok, StepId::Submit},
            // The bank
            {StepId::Submit, Outcome::Waiting, StepId::WithBank},
            {StepId::Submit, Outcome::Issued, StepId::Retire},
            {StepId::Submit, Outcome::Refused, StepId::Refused},
            {StepId::PickUp, Outcome::Waiting, StepId::WithBank},
            {StepId::PickUp, Outcome::Issued, StepId::Retire},
            {StepId::PickUp, Outcome::Refused, StepId::Refused},
            {StepId::WithBank, Outcome::PollDue, StepId::Poll},
            {StepId::Poll, Outcome::Waiting, StepId::WithBank},
            {StepId::Poll, Outcome::Issued, StepId::Retire},
            {StepId::Poll, Outcome::Refused, StepId::Refused},
            // The certificate is on the token and the bank confirmed it: the keys switch
            {StepId::Retire, Outcome::Ok, StepId::CertificateReceived},
            {StepId::CertificateReceived, Outcome::Acknowledged, StepId::Finished},
        }};
    return journey;
}

const Step &stepFor(StepId id)
{
    using namespace steps;
    static const Start start;
    static const Waiting explain(WorkflowState::Explaining);
    static const Waiting enterPin(WorkflowState::EnteringPin, true);
    static const CheckPin checkPin;
    static const OpenRenewal openRenewal;
    static const CollectEntropy collectEntropy;
    static const GenerateKey generateKey;
    static const BankStep submit(WorkflowState::Sending);
    static const BankStep pickUp(WorkflowState::PickingUp);
    static const WithBank withBank;
    static const BankStep poll(WorkflowState::WithBank);
    static const Retire retire;
    static const Waiting certificateReceived(WorkflowState::CertificateReceived);
    static const Terminal finished(WorkflowState::Finished);
    static const Terminal refused(WorkflowState::Refused);
    static const Terminal failed(WorkflowState::Error);
    static const Terminal cancelled(WorkflowState::Cancelled);
    static const Step *const steps[] = {
        &start,   &explain, &enterPin, &checkPin, &openRenewal, &collectEntropy,      &generateKey,
        &submit,  &pickUp,  &withBank, &poll,     &retire,      &certificateReceived, &finished,
        &refused, &failed,  &cancelled};
    return *steps[int(id)];
}

} // namespace kk
