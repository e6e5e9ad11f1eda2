#pragma once
// Which screen the kiosk shows when no journey holds it, from what it knows of the readers,
// the tokens and the bank (docs/architecture.md, "Which screen"): one pure function, its
// order the table of tests/kiosk/tst_screenchoice.cpp. KioskController gathers the facts and
// shows the choice.

#include "keykiosk/enums.h"
#include "keykiosk/errors.h"

#include <optional>

namespace kk {

struct ScreenFacts
{
    bool journeyActive = false;   // the journey keeps the screen
    bool sessionTimedOut = false; // the client walked away with the token in
    bool sittingActive = false;   // a signers' sitting holds the kiosk
    bool bankReachable = true;
    PresenceState presence = PresenceState::NoToken;
    ErrorCode presenceError = ErrorCode::None; // with PresenceState::TokenError
    bool extraClientToken = false;             // a second client token is in
    ErrorCode readError = ErrorCode::None;     // the last read of a token failed
    bool reading = false;                      // a token is being read
    bool clientToken = false;                  // the client's token is in
    bool clientTableReady = false;             // and its profiles are read
    bool staffToken = false;                   // a staff token is in
    KioskScreen current = KioskScreen::InsertToken;
};

struct ScreenChoice
{
    std::optional<KioskScreen> screen; // none: the screen stays as it is
    ErrorCode code = ErrorCode::None;  // what a Message or OutOfService screen says
    // The screen is shown again even if it is the same (the sitting board's token, or the
    // attract screen's "token removed", may have changed on it).
    bool refresh = false;
};

ScreenChoice chooseScreen(const ScreenFacts &facts);

} // namespace kk
