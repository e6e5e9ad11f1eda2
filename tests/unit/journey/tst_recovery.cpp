// What staff may do for a profile, and the checklist they confirm (journey/recovery.h): the
// cases per profile, the identifiers' check digits, each problem the checklist screen
// names, and the request attributes that come of it.
#include "testcertificate.h"

#include "keykiosk/journey/eligibility.h"
#include "keykiosk/journey/recovery.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QDateTime kNow = QDateTime::currentDateTimeUtc();

TokenProfile withCertificate(long notAfterDays)
{
    CertSpec spec;
    spec.notBeforeDays = notAfterDays - 365;
    spec.notAfterDays = notAfterDays;
    TokenKeyEntry entry;
    entry.id = QByteArray::fromHex("01");
    entry.hasPrivateKey = entry.hasPublicKey = true;
    entry.certificateDer = makeCertificate(spec);
    return deriveProfiles({entry}, kNow, {}).first();
}

TokenProfile blank()
{
    return deriveProfiles({}, kNow, {}).first();
}

StaffChecklist complete()
{
    StaffChecklist c;
    c.identityChecked = c.applicationReceived = true;
    c.application = QStringLiteral("1742");
    c.applicationDate = kNow.date().addDays(-1);
    c.snils = QStringLiteral("11223344595");
    c.inn = QStringLiteral("7707083893");
    return c;
}
} // namespace

class TestRecovery : public QObject
{
    Q_OBJECT
private slots:
    void theCasesFitTheProfile()
    {
        QCOMPARE(recoveryCasesFor(withCertificate(-3), PinState::Ok, kNow),
                 QVector<RecoveryCase>{RecoveryCase::ExpiredKey});
        QCOMPARE(recoveryCasesFor(blank(), PinState::Ok, kNow),
                 (QVector<RecoveryCase>{RecoveryCase::FirstKey, RecoveryCase::ReplacementToken}));
        QVERIFY(recoveryCasesFor(withCertificate(200), PinState::Ok, kNow).isEmpty());
        // A locked token fits none: it is replaced, and the case runs on the new token.
        QVERIFY(recoveryCasesFor(withCertificate(-3), PinState::Locked, kNow).isEmpty());
        QVERIFY(recoveryCasesFor(blank(), PinState::Locked, kNow).isEmpty());
        // A request under way relabels the profile; expiry still decides.
        TokenProfile pending = withCertificate(-3);
        pending.status = ProfileStatus::AcceptedByBank;
        QCOMPARE(recoveryCasesFor(pending, PinState::Ok, kNow),
                 QVector<RecoveryCase>{RecoveryCase::ExpiredKey});
    }

    void theClientAloneIsSentToStaff()
    {
        TokenProfile pending = withCertificate(-3);
        pending.status = ProfileStatus::AcceptedByBank;
        pending.lifecycle = KeyLifecycle::WithBank;
        QCOMPARE(offerFor({&pending, PinState::Ok, kNow}), RenewalAction::SeeStaff);
        TokenProfile first = blank();
        first.lifecycle = KeyLifecycle::HaveCertificate;
        QCOMPARE(offerFor({&first, PinState::Ok, kNow}), RenewalAction::SeeStaff);
        TokenProfile fresh = withCertificate(200);
        QCOMPARE(offerFor({&fresh, PinState::Ok, kNow}), RenewalAction::Renew);
    }

    void checkDigits_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("snils");
        QTest::addColumn<bool>("valid");
        QTest::newRow("SNILS") << "11223344595" << true << true;
        QTest::newRow("SNILS, sum over 101") << "12345678964" << true << true;
        QTest::newRow("SNILS, one digit off") << "11223344596" << true << false;
        QTest::newRow("SNILS, short") << "1122334459" << true << false;
        QTest::newRow("SNILS, letters") << "1122334459a" << true << false;
        QTest::newRow("INN of an organization") << "7707083893" << false << true;
        QTest::newRow("INN, one digit off") << "7707083894" << false << false;
        QTest::newRow("INN of a person") << "500100732259" << false << true;
        QTest::newRow("INN of a person, off") << "500100732258" << false << false;
        QTest::newRow("INN, eleven digits") << "77070838931" << false << false;
        QTest::newRow("INN, Arabic-Indic digits")
            << QString::fromUtf8("٧٧٠٧٠٨٣٨٩٣") << false << false;
    }
    void checkDigits()
    {
        QFETCH(QString, value);
        QFETCH(bool, snils);
        QFETCH(bool, valid);
        QCOMPARE(snils ? isValidSnils(value) : isValidInn(value), valid);
    }

    void theChecklistNamesWhatIsMissing()
    {
        const QDate today = kNow.date();
        const TokenProfile first = blank();
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, complete(), today),
                 ChecklistProblem::None);
        StaffChecklist c = complete();
        c.identityChecked = false;
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, c, today),
                 ChecklistProblem::IdentityNotChecked);
        c = complete();
        c.applicationReceived = false;
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, c, today),
                 ChecklistProblem::ApplicationNotReceived);
        c = complete();
        c.application.clear();
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, c, today),
                 ChecklistProblem::ApplicationNumberMissing);
        c = complete();
        c.applicationDate = today.addDays(1);
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, c, today),
                 ChecklistProblem::ApplicationDateInvalid);
        c.applicationDate = today.addDays(-kApplicationMaxAgeDays - 1);
        QCOMPARE(checkChecklist(RecoveryCase::FirstKey, first, c, today),
                 ChecklistProblem::ApplicationDateInvalid);
        c = complete();
        c.snils = QStringLiteral("11223344596");
        QCOMPARE(checkChecklist(RecoveryCase::ReplacementToken, first, c, today),
                 ChecklistProblem::SnilsInvalid);
        c = complete();
        c.inn = QStringLiteral("7707083894");
        QCOMPARE(checkChecklist(RecoveryCase::ReplacementToken, first, c, today),
                 ChecklistProblem::InnInvalid);
        // An expired certificate names its abonent: no SNILS or INN is asked for.
        c = complete();
        c.snils.clear();
        c.inn.clear();
        QCOMPARE(checkChecklist(RecoveryCase::ExpiredKey, withCertificate(-3), c, today),
                 ChecklistProblem::None);
    }

    void theRequestCarriesTheChecklistAndTheAbonent()
    {
        const InitialRequestInfo expired =
            initialRequestFor(RecoveryCase::ExpiredKey, withCertificate(-3), complete());
        QCOMPARE(expired.caseKind, QStringLiteral("expired"));
        QCOMPARE(expired.uid, QStringLiteral("ABON-42")); // from the certificate itself
        QVERIFY(expired.snils.isEmpty() && expired.inn.isEmpty());
        QCOMPARE(expired.application, QStringLiteral("1742"));
        QCOMPARE(expired.checklist, (QStringList{QStringLiteral("identity-document"),
                                                 QStringLiteral("signed-application")}));
        const InitialRequestInfo replacement =
            initialRequestFor(RecoveryCase::ReplacementToken, blank(), complete());
        QCOMPARE(replacement.caseKind, QStringLiteral("replacement"));
        QVERIFY(replacement.uid.isEmpty());
        QCOMPARE(replacement.snils, QStringLiteral("11223344595"));
        QCOMPARE(replacement.inn, QStringLiteral("7707083893"));
        QCOMPARE(recoveryCaseName(RecoveryCase::FirstKey), QStringLiteral("first-key"));
    }
};

QTEST_GUILESS_MAIN(TestRecovery)
#include "tst_recovery.moc"
