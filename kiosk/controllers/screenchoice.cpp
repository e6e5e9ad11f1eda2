#include "screenchoice.h"

namespace kk {

namespace {

ScreenChoice screen(KioskScreen screen, ErrorCode code = ErrorCode::None, bool refresh = false)
{
    return {screen, code, refresh};
}

} // namespace

ScreenChoice chooseScreen(const ScreenFacts &f)
{
    if (f.journeyActive)
        return {};                             // it saw tokenLeft() if a token went
    if (f.sessionTimedOut && !f.sittingActive) // a sitting's board comes back instead
        return screen(KioskScreen::InsertToken);
    if (!f.bankReachable && f.presence != PresenceState::ServiceUnavailable)
        return screen(KioskScreen::OutOfService, ErrorCode::BankUnreachable);
    switch (f.presence) {
    case PresenceState::ServiceUnavailable:
        return screen(KioskScreen::OutOfService, ErrorCode::PcscUnavailable);
    case PresenceState::SeveralTokens:
        return screen(KioskScreen::Message, ErrorCode::MultipleTokens);
    case PresenceState::ForeignDevice:
        return screen(KioskScreen::Message, ErrorCode::UnsupportedDevice);
    case PresenceState::TokenError:
        return screen(KioskScreen::Message,
                      f.presenceError == ErrorCode::None ? ErrorCode::Internal : f.presenceError);
    default:
        break;
    }
    if (f.extraClientToken) // two client tokens: which one is meant?
        return screen(KioskScreen::Message, ErrorCode::MultipleTokens);
    if (f.readError != ErrorCode::None)
        return screen(KioskScreen::Message, f.readError);
    if (f.reading || (f.clientToken && !f.clientTableReady) ||
        f.presence == PresenceState::TokenArriving)
        return screen(KioskScreen::ReadingToken);
    if (f.sittingActive) // the board, whoever's token is in (or none)
        return screen(KioskScreen::SittingBoard, ErrorCode::None, true);
    if (f.clientToken) // the act of one of its certificates stays up until it is closed
        return f.current == KioskScreen::AcceptanceAct ? ScreenChoice{}
                                                       : screen(KioskScreen::TokenProfiles);
    if (f.staffToken)
        return screen(KioskScreen::StaffHome);
    return screen(KioskScreen::InsertToken, ErrorCode::None, true);
}

} // namespace kk
