#pragma once
// What one journey knows, shared by its steps (AusweisApp's workflow context): the token,
// the profile, the PIN, the seed, the keys, the bank's answer and the error. The runner
// calls wipe() on every exit; the next journey starts from a fresh context.

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/journey/gateways.h"

#include <optional>

namespace kk {

struct JourneyContext
{
    // Whose journey: the token (by serial: a swapped token aborts) and the profile, named by
    // its current key id, which is also the key of the journal's lifecycle entry.
    TokenInfo token;
    QByteArray profileKeyId;
    QString owner; // for the slip: the certificate's owner and identifier
    QString identifier;
    QString sitting; // the signers' sitting this journey is part of ("S-…"), if any
    // The lifecycle, as reconciled from the token when the journey began, then advanced by
    // the steps (enroll/lifecycle.h).
    KeyLifecycle lifecycle = KeyLifecycle::NeedKey;
    bool bankConfirmed = false;
    QByteArray newKeyId;

    // Secrets and handles: wipe() clears them.
    std::shared_ptr<SecureBuffer> pin; // from the pad; wiped once the token has it
    QByteArray seed;                   // this journey's touch entropy; used once
    std::shared_ptr<RenewalSession> renewal;
    std::shared_ptr<BankExchange> exchange;
    // Staff-authorized journeys: the staff member's session (their token stays in; removing
    // it aborts the journey) and what staff confirmed for the initial request.
    std::shared_ptr<StaffSession> staff;
    std::optional<InitialRequestInfo> recovery;

    // What the client is told at the end; kept until the next journey starts.
    PinState pinState = PinState::Ok;
    QString bankText;      // the bank's last words (its reason, on a refusal)
    QString requestNumber; // "R-000042", once the bank answered
    int checkAfterSeconds = 0;
    QByteArray newCertificate; // DER, for the acceptance act
    Error error;
    // The bank holds the request but its last poll found it unreachable: the client waits
    // through the outage (how many polls failed in a row, and why, for the log).
    bool bankOutage = false;
    int failedPolls = 0;
    Error outageError;

    // The PIN and the seed are wiped, the bank's transaction dropped and the token's session
    // closed (on the token thread: see RenewalSession). Safe to call twice.
    void wipe();
    // A new key is on the token and still being renewed (a request may be with the bank).
    bool requestKept() const { return newKeyUnderWay(lifecycle); }
};

struct TokenProfile;
class Journal;
// The context a journey starts from for a profile on the token table: where the token says
// its renewal is, and the request number the journal kept for the slip.
JourneyContext contextFor(const TokenInfo &token, const TokenProfile &profile, Journal *journal);

// What a journey that ended here leaves behind. `journalHolds`: this kiosk's journal records
// the request with the bank (the promise "you continue where you left off" needs both).
RenewalAftermath aftermathOf(const JourneyContext &context, bool journalHolds);

// The request number ("R-000042") in the bank's text, or empty.
QString requestNumberIn(const QString &bankText);

} // namespace kk
