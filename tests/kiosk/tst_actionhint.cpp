// The token screen's hint under the selected profile (kiosk/controllers/actionhint.h), row by
// row: what the kiosk offers for the profile, and for staff what they can recover.
#include "controllers/actionhint.h"

#include <QtTest>

using namespace kk;

Q_DECLARE_METATYPE(RenewalAction)
Q_DECLARE_METATYPE(ProfileStatus)
Q_DECLARE_METATYPE(ActionHint)

class TestActionHint : public QObject
{
    Q_OBJECT
private slots:
    void hint_data()
    {
        QTest::addColumn<RenewalAction>("action");
        QTest::addColumn<ProfileStatus>("status");
        QTest::addColumn<bool>("staff");
        QTest::addColumn<bool>("pinLocked");
        QTest::addColumn<bool>("cases");
        QTest::addColumn<ActionHint>("hint");
        using A = RenewalAction;
        using P = ProfileStatus;
        using H = ActionHint;
        QTest::newRow("in operation")
            << A::NoAction << P::InOperation << false << false << false << H::NothingToDo;
        QTest::newRow("renew") << A::Renew << P::PlannedRegenerationNeeded << false << false
                               << false << H::RenewNow;
        QTest::newRow("with the bank")
            << A::PickUp << P::AcceptedByBank << false << false << false << H::RequestWithBank;
        QTest::newRow("the certificate on the token")
            << A::PickUp << P::NewCertificateReceived << false << false << false
            << H::CertificateOnToken;
        QTest::newRow("refused") << A::NewRequest << P::RegistrationRefused << false << false
                                 << false << H::NewRequestPossible;
        QTest::newRow("expired, a client alone")
            << A::SeeStaff << P::Expired << false << false << true << H::AskStaff;
        QTest::newRow("expired, staff with cases")
            << A::SeeStaff << P::Expired << true << false << true << H::StaffChooseCase;
        QTest::newRow("expired, staff without a case")
            << A::SeeStaff << P::Expired << true << false << false << H::StaffNothingToRecover;
        QTest::newRow("a locked PIN, staff: a new token whatever the cases")
            << A::SeeStaff << P::Expired << true << true << true << H::StaffReplaceLockedToken;
        QTest::newRow("a locked PIN, a client alone")
            << A::SeeStaff << P::Expired << false << true << false << H::AskStaff;
        QTest::newRow("staff in, a profile the client renews")
            << A::Renew << P::PlannedRegenerationNeeded << true << false << true << H::RenewNow;
    }
    void hint()
    {
        QFETCH(RenewalAction, action);
        QFETCH(ProfileStatus, status);
        QFETCH(bool, staff);
        QFETCH(bool, pinLocked);
        QFETCH(bool, cases);
        QFETCH(ActionHint, hint);
        QCOMPARE(actionHintFor(action, status, staff, pinLocked, cases), hint);
    }
};

QTEST_GUILESS_MAIN(TestActionHint)
#include "tst_actionhint.moc"
