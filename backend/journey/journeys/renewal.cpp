// The client's renewal (docs/architecture.md, "The renewal journey"): every arrow of it.
// Beyond this table, for every journey (journey/runner.h): a failed step goes to Failed,
// cancel() to Cancelled, a removed token to Failed (KK-104) from a step that aborts on it.
#include "clientkeyrows.h"

namespace kk {

QVector<Transition> clientKeyRows()
{
    return {
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
        // A new request after a refusal: the refused key goes, then a new one is drawn for
        {StepId::OpenRenewal, Outcome::Refused, StepId::DropRefusedKey},
        {StepId::DropRefusedKey, Outcome::Ok, StepId::CollectEntropy},
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
        // The bank holds the request but cannot be reached: the client may wait it out
        {StepId::PickUp, Outcome::Unreachable, StepId::WithBank},
        {StepId::Poll, Outcome::Unreachable, StepId::WithBank},
        // The certificate is on the token and the bank confirmed it: the keys switch
        {StepId::Retire, Outcome::Ok, StepId::CertificateReceived},
        {StepId::CertificateReceived, Outcome::Acknowledged, StepId::Finished},
    };
}

const Journey &renewalJourney()
{
    static const Journey journey{
        "renewal", StepId::Start,
        QVector<Transition>{
            // Where the token says the renewal is (reconciled when the token was read)
            {StepId::Start, Outcome::Explain, StepId::Explain},
            {StepId::Start, Outcome::Resume, StepId::EnterPin},
            {StepId::Explain, Outcome::Confirmed, StepId::EnterPin},
        } + clientKeyRows()};
    return journey;
}

} // namespace kk
