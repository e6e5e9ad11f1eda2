#pragma once
// What staff may do for a client's profile, and what they confirm before the bank is asked
// (docs/architecture.md, "The staff recovery journey"). Pure logic: the kiosk's staff screens
// show these answers, the unit tests check them, QML decides nothing.

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/enroll/profilestatus.h"

#include <QVector>

namespace kk {

// The recovery cases that fit the profile: an expired certificate is recovered as such; a
// token with no certificate gets a first key or replaces a lost one; anything else is the
// client's own renewal (or nothing). A locked PIN fits none: the token must be replaced, and
// the replacement case is then run on the new token.
// `now` decides expiry even when a request under way relabelled the profile.
QVector<RecoveryCase> recoveryCasesFor(const TokenProfile &profile, PinState pinState,
                                       const QDateTime &now);

// The case as the bank's request attribute names it ("expired", "first-key", "replacement").
QString recoveryCaseName(RecoveryCase recoveryCase);

// What staff confirm on the checklist screen.
struct StaffChecklist
{
    bool identityChecked = false;     // the client's identity document
    bool applicationReceived = false; // the application signed by the head, with the stamp
    QString application;              // its number
    QDate applicationDate;
    // A token with no certificate names its abonent by SNILS and the organization's INN, read
    // off the application; an expired certificate names it itself (its UID).
    QString snils;
    QString inn;
};

// The checklist as the bank's initial request carries it, or the first thing missing or
// wrong (its code is Internal; its text, for staff, is what to correct).
enum class ChecklistProblem
{
    None,
    IdentityNotChecked,
    ApplicationNotReceived,
    ApplicationNumberMissing,
    ApplicationDateInvalid, // in the future, or older than the bank accepts
    SnilsInvalid,           // 11 digits with their check number
    InnInvalid,             // 10 or 12 digits with their check digits
    NoAbonent,              // an expired certificate that names no abonent
};
ChecklistProblem checkChecklist(RecoveryCase recoveryCase, const TokenProfile &profile,
                                const StaffChecklist &checklist, const QDate &today);
InitialRequestInfo initialRequestFor(RecoveryCase recoveryCase, const TokenProfile &profile,
                                     const StaffChecklist &checklist);

// How old an application may be (the bank's instructions: the application comes with the
// visit; an old one is asked again).
constexpr int kApplicationMaxAgeDays = 90;

// The Russian identifiers' check digits.
bool isValidSnils(const QString &snils);
bool isValidInn(const QString &inn);

} // namespace kk
