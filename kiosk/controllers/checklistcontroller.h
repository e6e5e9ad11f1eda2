#pragma once
// The staff checklist screen's logic: the two confirmations (identity document checked, the
// signed application received) and the numbers staff type on its pad - the application's
// number and date and, for a token with no certificate, the client's SNILS and the
// organization's INN. Checked in C++ (journey/recovery.h) before the journey goes on; the
// subject itself is never typed: the bank takes it from its register.

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enums.h"
#include "keykiosk/journey/recovery.h"

#include <QObject>

#include <optional>

namespace kk {

class JourneyController;

class ChecklistController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool identityChecked READ identityChecked WRITE setIdentityChecked NOTIFY changed)
    Q_PROPERTY(bool applicationReceived READ applicationReceived WRITE setApplicationReceived NOTIFY
                   changed)
    Q_PROPERTY(kk::ChecklistField field READ field WRITE setField NOTIFY changed)
    // As typed, formatted for reading back: "27.11.2026", "112-233-445 95".
    Q_PROPERTY(QString application READ application NOTIFY changed)
    Q_PROPERTY(QString applicationDate READ applicationDate NOTIFY changed)
    Q_PROPERTY(QString snils READ snils NOTIFY changed)
    Q_PROPERTY(QString inn READ inn NOTIFY changed)
    // A token with no certificate: staff read the SNILS and INN off the application.
    Q_PROPERTY(bool needsAbonentNumbers READ needsAbonentNumbers NOTIFY changed)
    // Whom the request is for, as the token shows it (an expired certificate names its owner).
    Q_PROPERTY(QString owner READ owner NOTIFY changed)
    Q_PROPERTY(QString abonentId READ abonentId NOTIFY changed)
    // What is missing or wrong after "confirm", in the kiosk's language; empty when fine.
    Q_PROPERTY(QString problem READ problem NOTIFY changed)
public:
    explicit ChecklistController(JourneyController *journey, QObject *parent = nullptr);

    // A new checklist for this case and profile (StaffController::recoveryStarted).
    void start(RecoveryCase recoveryCase, const TokenProfile &profile);

    bool identityChecked() const { return m_identityChecked; }
    void setIdentityChecked(bool checked);
    bool applicationReceived() const { return m_applicationReceived; }
    void setApplicationReceived(bool received);
    ChecklistField field() const { return m_field; }
    void setField(ChecklistField field);
    QString application() const { return m_application; }
    QString applicationDate() const;
    QString snils() const;
    QString inn() const { return m_inn; }
    bool needsAbonentNumbers() const { return m_case != RecoveryCase::ExpiredKey; }
    QString owner() const;
    QString abonentId() const;
    QString problem() const;

    Q_INVOKABLE void typeDigit(int digit);
    Q_INVOKABLE void erase();
    // Checks the checklist; if it holds, the journey goes on to the client's PIN.
    Q_INVOKABLE bool confirm();
    void retranslate() { emit changed(); }

    // For tests: the date the application is checked against (default: today).
    void setToday(const QDate &today) { m_today = today; }

signals:
    void changed();

private:
    QString *text(ChecklistField field);
    int maxLength(ChecklistField field) const;
    StaffChecklist checklist() const;

    JourneyController *m_journey;
    RecoveryCase m_case = RecoveryCase::ExpiredKey;
    std::optional<TokenProfile> m_profile;
    bool m_identityChecked = false;
    bool m_applicationReceived = false;
    ChecklistField m_field = ChecklistField::Application;
    QString m_application, m_date, m_snils, m_inn; // digits only
    ChecklistProblem m_problem = ChecklistProblem::None;
    QDate m_today;
};

} // namespace kk
