#pragma once
// What the token screen says under the selected profile (TokenScreen.qml's hint): from what
// the kiosk offers for it and, for staff, what they can recover. Pure; tst_actionhint.

#include "keykiosk/enums.h"

namespace kk {

ActionHint actionHintFor(RenewalAction action, ProfileStatus status, bool staffActive,
                         bool clientPinLocked, bool recoveryCases);

} // namespace kk
