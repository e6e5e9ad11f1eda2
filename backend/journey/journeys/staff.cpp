// Staff mode's journeys (docs/architecture.md, "The staff recovery journey"): every arrow of
// them. Beyond these tables, the runner's rules hold (journey/runner.h), and one more for a
// staff-authorized journey: the staff token removed ends any step in Failed (KK-603).
#include "clientkeyrows.h"

namespace kk {

const Journey &staffLoginJourney()
{
    // The staff member's PIN on the same pad, on their own token; then their certificate's
    // role and validity. Staff mode takes the session from JourneyServices::staffLoggedIn.
    static const Journey journey{"staff-login",
                                 StepId::EnterPin,
                                 {
                                     {StepId::EnterPin, Outcome::PinEntered, StepId::CheckStaff},
                                     {StepId::CheckStaff, Outcome::PinOk, StepId::Finished},
                                     {StepId::CheckStaff, Outcome::PinWrong, StepId::EnterPin},
                                 }};
    return journey;
}

const Journey &staffRecoveryJourney()
{
    // Staff confirm the case and the checklist; then the client's part is the renewal's own:
    // their PIN, their drawing, the new key on their token, the bank, the certificate. What
    // differs is the request (BankStep sends an initial request when the context carries
    // the checklist). A request already with the bank is continued the same way: the bank
    // knows it by its new key.
    static const Journey journey{"staff-recovery", StepId::Checklist,
                                 QVector<Transition>{
                                     {StepId::Checklist, Outcome::Confirmed, StepId::EnterPin},
                                 } + clientKeyRows()};
    return journey;
}

} // namespace kk
