#pragma once
// Which journey the kiosk offers for a profile (docs/architecture.md, "Eligibility"): decided
// here, in C++, from the profile's status, its renewal on the token and the PIN's state; QML
// shows the typed answer and nothing else. The staff session joins the inputs with the staff
// journeys.

#include "keykiosk/enroll/profilestatus.h"

namespace kk {

// The seeds' rules by status alone.
RenewalAction actionFor(ProfileStatus status, PinState pinState);

struct EligibilityInput
{
    const TokenProfile *profile = nullptr;
    PinState pinState = PinState::Ok;
    QDateTime now = QDateTime::currentDateTimeUtc();
};

// What the kiosk offers for the profile: the status rules, and a renewal the token shows
// under way (a certificate on the token waiting to be confirmed is picked up even if the
// old one has expired meanwhile: nothing new is asked of the bank). A first key, and a
// request from a certificate that has expired since, are staff's: only they can send them.
RenewalAction offerFor(const EligibilityInput &input);

} // namespace kk
