#include "keykiosk/journey/eligibility.h"

namespace kk {

RenewalAction actionFor(ProfileStatus status, PinState pinState)
{
    if (pinState == PinState::Locked)
        return RenewalAction::SeeStaff;
    switch (status) {
    case ProfileStatus::InOperation:               // unscheduled: the bank's policy decides
    case ProfileStatus::PrimaryRegenerationNeeded: // made at the office: must be replaced
    case ProfileStatus::PlannedRegenerationNeeded:
        return RenewalAction::Renew;
    case ProfileStatus::AcceptedByBank:
    case ProfileStatus::NewCertificateReceived: // on the token, to be confirmed with the bank
        return RenewalAction::PickUp;
    case ProfileStatus::RegistrationRefused:
        return RenewalAction::NewRequest;
    case ProfileStatus::InitialGenerationNeeded: // needs a staff-authorized initial generation
    case ProfileStatus::Expired:                 // cannot sign its own renewal
    case ProfileStatus::NotYetValid:
        return RenewalAction::SeeStaff;
    }
    return RenewalAction::NoAction;
}

RenewalAction offerFor(const EligibilityInput &input)
{
    const TokenProfile *profile = input.profile;
    if (!profile)
        return RenewalAction::NoAction;
    if (profile->error)
        return RenewalAction::SeeStaff; // an unreadable certificate, or none at all
    if (input.pinState != PinState::Locked && profile->lifecycle == KeyLifecycle::HaveCertificate &&
        !isInitialProfile(profile->renewal.currentKeyId))
        return RenewalAction::PickUp;
    if (isInitialProfile(profile->renewal.currentKeyId) ||
        (profile->certificate.validTo.isValid() && profile->certificate.validTo <= input.now))
        return RenewalAction::SeeStaff;
    return actionFor(profile->status, input.pinState);
}

} // namespace kk
