// What the kiosk demands of a new certificate before it goes to the token: a client
// certificate of this bank (enroll/certificatecheck.h). One row per rule, each failing alone.
#include "keykiosk/enroll/certificatecheck.h"
#include "keykiosk/opensslptr.h"
#include "testcertificate.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const char *kClientPolicy = roles::kClientPolicy;

CertSpec clientCertificate()
{
    CertSpec spec;
    spec.notBeforeDays = 0;
    spec.notAfterDays = 365;
    spec.policy = QString::fromLatin1(kClientPolicy);
    spec.basicConstraints = "critical,CA:FALSE";
    spec.keyUsage = "critical,digitalSignature,nonRepudiation";
    spec.extendedKeyUsage = "clientAuth,emailProtection";
    return spec;
}
} // namespace

Q_DECLARE_METATYPE(kk::test::CertSpec)

class TestCertificateCheck : public QObject
{
    Q_OBJECT
private slots:
    void rules_data()
    {
        QTest::addColumn<CertSpec>("spec");
        QTest::addColumn<QString>("refusal"); // empty: accepted
        QTest::newRow("a client certificate") << clientCertificate() << QString();
        CertSpec noBasic = clientCertificate();
        noBasic.basicConstraints = nullptr;
        QTest::newRow("no basic constraints (not a CA)") << noBasic << QString();
        CertSpec ca = clientCertificate();
        ca.basicConstraints = "critical,CA:TRUE";
        QTest::newRow("CA:TRUE") << ca << QStringLiteral("CA certificate");
        CertSpec noKu = clientCertificate();
        noKu.keyUsage = nullptr;
        QTest::newRow("no key usage") << noKu << QStringLiteral("no key usage");
        CertSpec encipher = clientCertificate();
        encipher.keyUsage = "keyEncipherment";
        QTest::newRow("no digitalSignature")
            << encipher << QStringLiteral("without digitalSignature");
        CertSpec certSign = clientCertificate();
        certSign.keyUsage = "digitalSignature,keyCertSign";
        QTest::newRow("keyCertSign") << certSign << QStringLiteral("signing certificates");
        CertSpec noEku = clientCertificate();
        noEku.extendedKeyUsage = nullptr;
        QTest::newRow("no extended key usage") << noEku << QStringLiteral("no clientAuth");
        CertSpec server = clientCertificate();
        server.extendedKeyUsage = "serverAuth";
        QTest::newRow("serverAuth only") << server << QStringLiteral("no clientAuth");
        CertSpec staff = clientCertificate();
        staff.policy = QString::fromLatin1(roles::kStaffPolicy);
        QTest::newRow("the staff policy") << staff << QStringLiteral("not the client policy");
        CertSpec noPolicy = clientCertificate();
        noPolicy.policy.clear();
        QTest::newRow("no policy") << noPolicy << QStringLiteral("not the client policy");
        CertSpec future = clientCertificate();
        future.notBeforeDays = 2;
        QTest::newRow("valid only from the day after tomorrow")
            << future << QStringLiteral("valid only from");
        CertSpec expired = clientCertificate();
        expired.notBeforeDays = -30;
        expired.notAfterDays = -1;
        QTest::newRow("expired") << expired << QStringLiteral("expired or expiring");
        CertSpec tooLong = clientCertificate();
        tooLong.notAfterDays = 20 * 365;
        QTest::newRow("valid for twenty years") << tooLong << QStringLiteral("more than");
    }
    void rules()
    {
        QFETCH(CertSpec, spec);
        QFETCH(QString, refusal);
        const QByteArray der = makeCertificate(spec);
        const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
        X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
        QVERIFY(cert);
        const Error e = checkClientCertificate(cert.get(), ClientCertificateRules{},
                                               QDateTime::currentDateTimeUtc());
        if (refusal.isEmpty()) {
            QVERIFY2(!e, qPrintable(e.logText()));
        } else {
            QCOMPARE(e.code, ErrorCode::NewCertificateInvalid);
            QVERIFY2(e.detail.contains(refusal), qPrintable(e.detail));
        }
    }
};

QTEST_GUILESS_MAIN(TestCertificateCheck)
#include "tst_certificatecheck.moc"
