#include "keykiosk/journey/recovery.h"

#include <QRegularExpression>

namespace kk {

QVector<RecoveryCase> recoveryCasesFor(const TokenProfile &profile, PinState pinState,
                                       const QDateTime &now)
{
    if (pinState == PinState::Locked)
        return {}; // nothing on this token can be used: it is replaced
    // A token with no certificate (its row says so with NoCertificate).
    if (profile.status == ProfileStatus::InitialGenerationNeeded &&
        (!profile.error || profile.error.code == ErrorCode::NoCertificate))
        return {RecoveryCase::FirstKey, RecoveryCase::ReplacementToken};
    if (profile.error)
        return {}; // an unreadable certificate: the bank looks at the token itself
    if (profile.status == ProfileStatus::Expired ||
        (profile.certificate.validTo.isValid() && profile.certificate.validTo <= now))
        return {RecoveryCase::ExpiredKey};
    return {};
}

QString recoveryCaseName(RecoveryCase recoveryCase)
{
    switch (recoveryCase) {
    case RecoveryCase::ExpiredKey:
        return QStringLiteral("expired");
    case RecoveryCase::FirstKey:
        return QStringLiteral("first-key");
    case RecoveryCase::ReplacementToken:
        return QStringLiteral("replacement");
    }
    return {};
}

namespace {
bool allDigits(const QString &text, int length)
{
    if (text.size() != length)
        return false;
    for (QChar c : text) {
        if (!c.isDigit() || c.unicode() > '9')
            return false;
    }
    return true;
}

int innCheckDigit(const QString &inn, const int *weights, int count)
{
    int sum = 0;
    for (int i = 0; i < count; ++i)
        sum += weights[i] * inn.at(i).digitValue();
    return sum % 11 % 10;
}

bool namesItsAbonent(const TokenProfile &profile)
{
    return profile.certificate.identifiers.contains(QStringLiteral("UID"));
}
} // namespace

bool isValidSnils(const QString &snils)
{
    if (!allDigits(snils, 11))
        return false;
    int sum = 0;
    for (int i = 0; i < 9; ++i)
        sum += snils.at(i).digitValue() * (9 - i);
    int check = sum % 101;
    if (check == 100)
        check = 0;
    return check == snils.right(2).toInt();
}

bool isValidInn(const QString &inn)
{
    static const int w10[] = {2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int w11[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    static const int w12[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    if (allDigits(inn, 10))
        return innCheckDigit(inn, w10, 9) == inn.at(9).digitValue();
    if (allDigits(inn, 12))
        return innCheckDigit(inn, w11, 10) == inn.at(10).digitValue() &&
               innCheckDigit(inn, w12, 11) == inn.at(11).digitValue();
    return false;
}

ChecklistProblem checkChecklist(RecoveryCase recoveryCase, const TokenProfile &profile,
                                const StaffChecklist &checklist, const QDate &today)
{
    if (!checklist.identityChecked)
        return ChecklistProblem::IdentityNotChecked;
    if (!checklist.applicationReceived)
        return ChecklistProblem::ApplicationNotReceived;
    static const QRegularExpression number(QStringLiteral("^[0-9A-Za-z/-]{1,20}$"));
    if (!number.match(checklist.application).hasMatch())
        return ChecklistProblem::ApplicationNumberMissing;
    if (!checklist.applicationDate.isValid() || checklist.applicationDate > today ||
        checklist.applicationDate.daysTo(today) > kApplicationMaxAgeDays)
        return ChecklistProblem::ApplicationDateInvalid;
    if (recoveryCase == RecoveryCase::ExpiredKey) {
        if (!namesItsAbonent(profile))
            return ChecklistProblem::NoAbonent;
        return ChecklistProblem::None;
    }
    if (!isValidSnils(checklist.snils))
        return ChecklistProblem::SnilsInvalid;
    if (!isValidInn(checklist.inn))
        return ChecklistProblem::InnInvalid;
    return ChecklistProblem::None;
}

InitialRequestInfo initialRequestFor(RecoveryCase recoveryCase, const TokenProfile &profile,
                                     const StaffChecklist &checklist)
{
    InitialRequestInfo info;
    info.caseKind = recoveryCaseName(recoveryCase);
    info.application = checklist.application;
    info.applicationDate = checklist.applicationDate;
    if (checklist.identityChecked)
        info.checklist << QStringLiteral("identity-document");
    if (checklist.applicationReceived)
        info.checklist << QStringLiteral("signed-application");
    // The abonent: the expired certificate names it; otherwise what staff read off the
    // application. The bank takes the subject from its register, never from the kiosk.
    if (recoveryCase == RecoveryCase::ExpiredKey && namesItsAbonent(profile)) {
        info.uid = profile.certificate.identifiers.value(QStringLiteral("UID"));
    } else {
        info.snils = checklist.snils;
        info.inn = checklist.inn;
    }
    return info;
}

} // namespace kk
