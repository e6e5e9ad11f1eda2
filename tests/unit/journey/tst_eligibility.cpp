// What the kiosk offers for a profile: decided in C++, from the status, the renewal the
// token shows and the PIN's state.
#include "keykiosk/journey/eligibility.h"

#include <QtTest>

using namespace kk;

Q_DECLARE_METATYPE(kk::RenewalAction)

class TestEligibility : public QObject
{
    Q_OBJECT
private slots:
    void offers_data()
    {
        QTest::addColumn<ProfileStatus>("status");
        QTest::addColumn<KeyLifecycle>("lifecycle");
        QTest::addColumn<PinState>("pin");
        QTest::addColumn<bool>("unreadable");
        QTest::addColumn<RenewalAction>("offer");
        QTest::newRow("planned") << ProfileStatus::PlannedRegenerationNeeded
                                 << KeyLifecycle::NeedKey << PinState::Ok << false
                                 << RenewalAction::Renew;
        QTest::newRow("a pending key: renew (no drawing)")
            << ProfileStatus::PlannedRegenerationNeeded << KeyLifecycle::HavePendingKey
            << PinState::CountLow << false << RenewalAction::Renew;
        QTest::newRow("with the bank") << ProfileStatus::AcceptedByBank << KeyLifecycle::WithBank
                                       << PinState::Ok << false << RenewalAction::PickUp;
        QTest::newRow("a certificate to confirm")
            << ProfileStatus::NewCertificateReceived << KeyLifecycle::HaveCertificate
            << PinState::Ok << false << RenewalAction::PickUp;
        QTest::newRow("a certificate to confirm, the old one expired meanwhile")
            << ProfileStatus::Expired << KeyLifecycle::HaveCertificate << PinState::Ok << false
            << RenewalAction::PickUp;
        QTest::newRow("expired") << ProfileStatus::Expired << KeyLifecycle::NeedKey << PinState::Ok
                                 << false << RenewalAction::SeeStaff;
        QTest::newRow("locked") << ProfileStatus::AcceptedByBank << KeyLifecycle::HaveCertificate
                                << PinState::Locked << false << RenewalAction::SeeStaff;
        QTest::newRow("unreadable") << ProfileStatus::InOperation << KeyLifecycle::NeedKey
                                    << PinState::Ok << true << RenewalAction::SeeStaff;
        QTest::newRow("refused") << ProfileStatus::RegistrationRefused << KeyLifecycle::NeedKey
                                 << PinState::Ok << false << RenewalAction::NewRequest;
    }
    void offers()
    {
        QFETCH(ProfileStatus, status);
        QFETCH(KeyLifecycle, lifecycle);
        QFETCH(PinState, pin);
        QFETCH(bool, unreadable);
        QFETCH(RenewalAction, offer);
        TokenProfile profile;
        profile.status = status;
        profile.lifecycle = lifecycle;
        if (unreadable)
            profile.error = Error(ErrorCode::CertificateUnparseable);
        QCOMPARE(offerFor({&profile, pin}), offer);
        QCOMPARE(offerFor({nullptr, pin}), RenewalAction::NoAction);
    }
};

QTEST_GUILESS_MAIN(TestEligibility)
#include "tst_eligibility.moc"
