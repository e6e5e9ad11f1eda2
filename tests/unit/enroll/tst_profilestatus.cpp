#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/opensslptr.h"

#include <QtTest>

#include <openssl/x509v3.h>

using namespace kk;

namespace {

struct CertSpec
{
    long notBeforeDays = -100;
    long notAfterDays = 200;
    const char *keyType = "EC";
    QString policy;
};

QByteArray makeCertificate(const CertSpec &spec)
{
    EvpPkeyPtr key(std::string(spec.keyType) == "RSA" ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x1234abcd);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 86400L * spec.notBeforeDays);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * spec.notAfterDays);
    X509_NAME *name = X509_get_subject_name(cert.get());
    auto add = [name](const char *field, const char *value) {
        X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(value), -1, -1, 0);
    };
    add("CN", "Петров Пётр Петрович");
    add("O", "ООО «Ромашка»");
    add("1.2.643.3.131.1.1", "7701234567");
    add("1.2.643.100.1", "1027700000000");
    add("1.2.643.100.3", "11223344595");
    add("UID", "ABON-42");
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    if (!spec.policy.isEmpty()) {
        CERTIFICATEPOLICIES *policies = sk_POLICYINFO_new_null();
        POLICYINFO *info = POLICYINFO_new();
        ASN1_OBJECT_free(info->policyid);
        info->policyid = OBJ_txt2obj(spec.policy.toLatin1().constData(), 1);
        sk_POLICYINFO_push(policies, info);
        X509_add1_ext_i2d(cert.get(), NID_certificate_policies, policies, 0, X509V3_ADD_DEFAULT);
        CERTIFICATEPOLICIES_free(policies);
    }
    X509_sign(cert.get(), key.get(), EVP_sha256());
    unsigned char *der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    QByteArray result(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    return result;
}

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
