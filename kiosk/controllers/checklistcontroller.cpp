#include "checklistcontroller.h"

#include "journeycontroller.h"

#include "keykiosk/journey/recovery.h"
#include "keykiosk/logging.h"

#include <QCoreApplication>

namespace kk {

ChecklistController::ChecklistController(JourneyController *journey, QObject *parent)
    : QObject(parent), m_journey(journey)
{
}

void ChecklistController::start(RecoveryCase recoveryCase, const TokenProfile &profile)
{
    m_case = recoveryCase;
    m_profile = profile;
    m_identityChecked = m_applicationReceived = false;
    m_application.clear();
    m_date.clear();
    m_snils.clear();
    m_inn.clear();
    m_field = ChecklistField::Application;
    m_problem = ChecklistProblem::None;
    emit changed();
}

void ChecklistController::setIdentityChecked(bool checked)
{
    m_identityChecked = checked;
    m_problem = ChecklistProblem::None;
    emit changed();
}

void ChecklistController::setApplicationReceived(bool received)
{
    m_applicationReceived = received;
    m_problem = ChecklistProblem::None;
    emit changed();
}

void ChecklistController::setField(ChecklistField field)
{
    if (!needsAbonentNumbers() && (field == ChecklistField::Snils || field == ChecklistField::Inn))
        return;
    m_field = field;
    emit changed();
}

QString *ChecklistController::text(ChecklistField field)
{
    switch (field) {
    case ChecklistField::Application:
        return &m_application;
    case ChecklistField::ApplicationDate:
        return &m_date;
    case ChecklistField::Snils:
        return &m_snils;
    case ChecklistField::Inn:
        return &m_inn;
    }
    return &m_application;
}

int ChecklistController::maxLength(ChecklistField field) const
{
    switch (field) {
    case ChecklistField::Application:
        return 20;
    case ChecklistField::ApplicationDate:
        return 8;
    case ChecklistField::Snils:
        return 11;
    case ChecklistField::Inn:
        return 12;
    }
    return 0;
}

void ChecklistController::typeDigit(int digit)
{
    if (digit < 0 || digit > 9)
        return;
    QString *value = text(m_field);
    if (value->size() >= maxLength(m_field))
        return;
    value->append(QChar('0' + digit));
    m_problem = ChecklistProblem::None;
    // A full date or SNILS moves on by itself, as paper forms are read top to bottom.
    if (value->size() == maxLength(m_field)) {
        if (m_field == ChecklistField::ApplicationDate && needsAbonentNumbers())
            m_field = ChecklistField::Snils;
        else if (m_field == ChecklistField::Snils)
            m_field = ChecklistField::Inn;
    }
    emit changed();
}

void ChecklistController::erase()
{
    QString *value = text(m_field);
    if (!value->isEmpty())
        value->chop(1);
    m_problem = ChecklistProblem::None;
    emit changed();
}

QString ChecklistController::applicationDate() const
{
    QString shown = m_date;
    if (shown.size() > 4)
        shown.insert(4, QLatin1Char('.'));
    if (shown.size() > 2)
        shown.insert(2, QLatin1Char('.'));
    return shown;
}

QString ChecklistController::snils() const
{
    QString shown = m_snils;
    if (shown.size() > 9)
        shown.insert(9, QLatin1Char(' '));
    if (shown.size() > 6)
        shown.insert(6, QLatin1Char('-'));
    if (shown.size() > 3)
        shown.insert(3, QLatin1Char('-'));
    return shown;
}

QString ChecklistController::owner() const
{
    return m_profile ? m_profile->certificate.ownerName : QString();
}

QString ChecklistController::abonentId() const
{
    return m_profile ? m_profile->certificate.identifiers.value(QStringLiteral("UID")) : QString();
}

StaffChecklist ChecklistController::checklist() const
{
    StaffChecklist c;
    c.identityChecked = m_identityChecked;
    c.applicationReceived = m_applicationReceived;
    c.application = m_application;
    c.applicationDate = QDate::fromString(m_date, QStringLiteral("ddMMyyyy"));
    c.snils = m_snils;
    c.inn = m_inn;
    return c;
}

QString ChecklistController::problem() const
{
    switch (m_problem) {
    case ChecklistProblem::None:
        return {};
    case ChecklistProblem::IdentityNotChecked:
        return QCoreApplication::translate("Staff", "Check the client's identity document.");
    case ChecklistProblem::ApplicationNotReceived:
        return QCoreApplication::translate(
            "Staff", "Take the application signed by the head of the organization, with the "
                     "stamp.");
    case ChecklistProblem::ApplicationNumberMissing:
        return QCoreApplication::translate("Staff", "Enter the application's number.");
    case ChecklistProblem::ApplicationDateInvalid:
        return QCoreApplication::translate(
            "Staff",
            "Enter the application's date as day, month and year. It cannot be "
            "in the future or older than %n days.",
            nullptr, kApplicationMaxAgeDays);
    case ChecklistProblem::SnilsInvalid:
        return QCoreApplication::translate(
            "Staff", "The SNILS is 11 digits and its check number does not match: check it "
                     "against the application.");
    case ChecklistProblem::InnInvalid:
        return QCoreApplication::translate(
            "Staff", "The INN is 10 or 12 digits and its check digits do not match: check it "
                     "against the application.");
    case ChecklistProblem::NoAbonent:
        return QCoreApplication::translate(
            "Staff", "The certificate names no client of the bank: use the replacement case.");
    }
    return {};
}

bool ChecklistController::confirm()
{
    if (!m_profile)
        return false;
    const QDate today = m_today.isValid() ? m_today : QDate::currentDate();
    const StaffChecklist c = checklist();
    m_problem = checkChecklist(m_case, *m_profile, c, today);
    if (m_problem != ChecklistProblem::None) {
        // Staff see which field to correct; the log says only which check failed.
        qCInfo(lcWorkflow) << "checklist not complete:" << int(m_problem);
        switch (m_problem) {
        case ChecklistProblem::ApplicationNumberMissing:
            m_field = ChecklistField::Application;
            break;
        case ChecklistProblem::ApplicationDateInvalid:
            m_field = ChecklistField::ApplicationDate;
            break;
        case ChecklistProblem::SnilsInvalid:
            m_field = ChecklistField::Snils;
            break;
        case ChecklistProblem::InnInvalid:
            m_field = ChecklistField::Inn;
            break;
        default:
            break;
        }
        emit changed();
        return false;
    }
    m_journey->confirmChecklist(initialRequestFor(m_case, *m_profile, c));
    emit changed();
    return true;
}

} // namespace kk
