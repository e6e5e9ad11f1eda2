#include "actionhint.h"

namespace kk {

ActionHint actionHintFor(RenewalAction action, ProfileStatus status, bool staffActive,
                         bool clientPinLocked, bool recoveryCases)
{
    switch (action) {
    case RenewalAction::Renew:
        return ActionHint::RenewNow;
    case RenewalAction::PickUp:
        return status == ProfileStatus::NewCertificateReceived ? ActionHint::CertificateOnToken
                                                               : ActionHint::RequestWithBank;
    case RenewalAction::NewRequest:
        return ActionHint::NewRequestPossible;
    case RenewalAction::SeeStaff:
        if (!staffActive)
            return ActionHint::AskStaff;
        // A locked PIN: nothing on the token can be used, whatever the case would be.
        if (clientPinLocked)
            return ActionHint::StaffReplaceLockedToken;
        return recoveryCases ? ActionHint::StaffChooseCase : ActionHint::StaffNothingToRecover;
    case RenewalAction::NoAction:
        break;
    }
    return ActionHint::NothingToDo;
}

} // namespace kk
