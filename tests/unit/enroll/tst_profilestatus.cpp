#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/opensslptr.h"
#include "testcertificate.h"

#include <QtTest>

#include <openssl/x509v3.h>

using namespace kk;
using namespace kk::test;

namespace {

ProfileStatus statusOf(const CertSpec &spec, const StatusPolicy &policy = {})
{
    auto profile = parseCertificate(makeCertificate(spec));
    return profile ? deriveStatus(*profile, QDateTime::currentDateTimeUtc(), policy)
                   : ProfileStatus::InitialGenerationNeeded;
}

} // namespace

class TestProfileStatus : public QObject
{
    Q_OBJECT
private slots:
    void parsesTheSignatureParameters()
    {
        auto profile = parseCertificate(makeCertificate({}), QStringLiteral("Director"));
        QVERIFY(profile.ok());
        QCOMPARE(profile->profileName, QStringLiteral("Director"));
        QCOMPARE(profile->ownerName, QStringLiteral("Петров Пётр Петрович"));
        QCOMPARE(profile->organization, QStringLiteral("ООО «Ромашка»"));
        QCOMPARE(profile->identifier, QStringLiteral("ABON-42"));
        QCOMPARE(profile->identifiers.value(QStringLiteral("INN")), QStringLiteral("7701234567"));
        QCOMPARE(profile->identifiers.value(QStringLiteral("OGRN")),
                 QStringLiteral("1027700000000"));
        QCOMPARE(profile->identifiers.value(QStringLiteral("SNILS")),
                 QStringLiteral("11223344595"));
        QCOMPARE(profile->cryptography, QStringLiteral("ECDSA P-256"));
        QCOMPARE(profile->serialHex, QStringLiteral("1234ABCD"));
        const qint64 days = QDateTime::currentDateTimeUtc().daysTo(profile->validTo);
        QVERIFY(days >= 199 && days <= 200);
        QVERIFY(profile->validFrom < QDateTime::currentDateTimeUtc());
    }
    void rsaCryptography()
    {
        auto profile = parseCertificate(makeCertificate({-1, 100, "RSA", {}}));
        QVERIFY(profile.ok());
        QCOMPARE(profile->cryptography, QStringLiteral("RSA-2048"));
        QCOMPARE(profile->profileName, QStringLiteral("Петров Пётр Петрович")); // no label: CN
    }
    void statusesFromValidity()
    {
        QCOMPARE(statusOf({-100, 200, "EC", {}}), ProfileStatus::InOperation);
        QCOMPARE(statusOf({-300, 20, "EC", {}}), ProfileStatus::PlannedRegenerationNeeded);
        QCOMPARE(statusOf({-300, 29, "EC", {}}), ProfileStatus::PlannedRegenerationNeeded);
        QCOMPARE(statusOf({-300, 31, "EC", {}}), ProfileStatus::InOperation);
        QCOMPARE(statusOf({-400, -1, "EC", {}}), ProfileStatus::Expired);
        QCOMPARE(statusOf({2, 300, "EC", {}}), ProfileStatus::NotYetValid);
    }
    void windowIsConfigurable()
    {
        StatusPolicy policy;
        policy.renewalWindowDays = 10;
        QCOMPARE(statusOf({-300, 20, "EC", {}}, policy), ProfileStatus::InOperation);
        QCOMPARE(statusOf({-300, 9, "EC", {}}, policy), ProfileStatus::PlannedRegenerationNeeded);
    }
    void officeIssuedKeyNeedsPrimaryRegeneration()
    {
        StatusPolicy policy;
        CertSpec spec;
        spec.policy = policy.initialIssuePolicyOid;
        QCOMPARE(statusOf(spec, policy), ProfileStatus::PrimaryRegenerationNeeded);
        spec.notAfterDays = -1; // but an expired one still goes to staff
        spec.notBeforeDays = -300;
        QCOMPARE(statusOf(spec, policy), ProfileStatus::Expired);
        spec = {};
        spec.policy = QStringLiteral("1.2.3.4");
        QCOMPARE(statusOf(spec, policy), ProfileStatus::InOperation);
    }
    void garbageIsReportedNotCrashed()
    {
        auto bad = parseCertificate(QByteArray::fromHex("3082010a0282010100"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, ErrorCode::CertificateUnparseable);
        QVERIFY(!parseCertificate({}).ok());
        QByteArray truncated = makeCertificate({});
        truncated.chop(10);
        QVERIFY(!parseCertificate(truncated).ok());
    }
    void profilesFromTokenEntries()
    {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto none = deriveProfiles({}, now, {});
        QCOMPARE(none.size(), 1);
        QCOMPARE(none.first().status, ProfileStatus::InitialGenerationNeeded);
        QCOMPARE(none.first().error.code, ErrorCode::NoCertificate);

        TokenKeyEntry good;
        good.id = "\x01";
        good.certificateDer = makeCertificate({-300, 20, "EC", {}});
        good.certificateLabel = QStringLiteral("Chief accountant");
        TokenKeyEntry broken;
        broken.id = "\x02";
        broken.certificateDer = "not a certificate";
        TokenKeyEntry keyOnly;
        keyOnly.id = "\x03";
        keyOnly.hasPrivateKey = true;
        auto rows = deriveProfiles({good, broken, keyOnly}, now, {});
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].status, ProfileStatus::PlannedRegenerationNeeded);
        QCOMPARE(rows[0].certificate.profileName, QStringLiteral("Chief accountant"));
        QVERIFY(!rows[0].error);
        QCOMPARE(rows[1].error.code, ErrorCode::CertificateUnparseable);
    }
    void criticalStatuses()
    {
        QVERIFY(!isCritical(ProfileStatus::InOperation));
        QVERIFY(isCritical(ProfileStatus::PlannedRegenerationNeeded));
        QVERIFY(isCritical(ProfileStatus::Expired));
        QVERIFY(!statusText(ProfileStatus::PlannedRegenerationNeeded).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProfileStatus)
#include "tst_profilestatus.moc"
