// The RA's own reading of a CMP header (ra/cmp/cmpder.h): messageTime as DER's GeneralizedTime
// (UTC, seconds, an optional fraction) and nothing looser; senderKID, transactionID and
// senderNonce. A certificate's subject read without parsing the certificate.
#include "cmpder.h"

#include "keykiosk/opensslptr.h"

#include <QtTest>

#include <openssl/x509.h>

using namespace kk;
using namespace kk::ra;

namespace {

// A PKIMessage whose header has these fields (the body is left out: the header is read alone).
QByteArray message(const QByteArray &time, const QByteArray &senderKid = QByteArray())
{
    const QByteArray name = derElement(0xa4, derElement(0x30, QByteArray())); // directoryName
    QByteArray header = derElement(0x02, QByteArray(1, '\x02')) + name + name;
    header += derElement(0xa0, derElement(0x18, time));
    if (!senderKid.isNull())
        header += derElement(0xa2, derElement(0x04, senderKid));
    header += derElement(0xa4, derElement(0x04, QByteArray(16, '\x11')));
    header += derElement(0xa5, derElement(0x04, QByteArray(16, '\x22')));
    return derElement(0x30, derElement(0x30, header));
}

// A self-signed certificate: X.509 v3 (with its version field) or v1 (without one).
QByteArray certificate(const char *commonName, long version)
{
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    X509_NAME *subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "UID", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("SUBJ-1"), -1, -1, 0);
    X509_NAME *issuer = X509_get_issuer_name(cert.get());
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("Another Name"), -1, -1, 0);
    X509_set_version(cert.get(), version);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_set_pubkey(cert.get(), key.get());
    X509_sign(cert.get(), key.get(), EVP_sha256());
    return derBytes([&cert](unsigned char **out) { return i2d_X509(cert.get(), out); });
}

QByteArray subjectByOpenSsl(const QByteArray &certificateDer)
{
    const auto *p = reinterpret_cast<const unsigned char *>(certificateDer.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, certificateDer.size()));
    return cert ? derBytes([&cert](unsigned char **out) {
        return i2d_X509_NAME(X509_get_subject_name(cert.get()), out);
    })
                : QByteArray();
}

} // namespace

class TestCmpDer : public QObject
{
    Q_OBJECT
private slots:
    void messageTime_data()
    {
        QTest::addColumn<QByteArray>("time");
        QTest::addColumn<QDateTime>("expected"); // invalid: refused
        const QDateTime refused;
        QTest::newRow("seconds") << QByteArray("20261129080102Z")
                                 << QDateTime(QDate(2026, 11, 29), QTime(8, 1, 2), Qt::UTC);
        QTest::newRow("a fraction") << QByteArray("20261129080102.375Z")
                                    << QDateTime(QDate(2026, 11, 29), QTime(8, 1, 2), Qt::UTC);
        QTest::newRow("a leap day") << QByteArray("20280229235959Z")
                                    << QDateTime(QDate(2028, 2, 29), QTime(23, 59, 59), Qt::UTC);
        QTest::newRow("no Z") << QByteArray("20261129080102") << refused;
        QTest::newRow("a time zone") << QByteArray("20261129080102+0300") << refused;
        QTest::newRow("month 13") << QByteArray("20261329080102Z") << refused;
        QTest::newRow("the 30th of February") << QByteArray("20260230080102Z") << refused;
        QTest::newRow("hour 24") << QByteArray("20261129240000Z") << refused;
        QTest::newRow("a letter") << QByteArray("2026112908010aZ") << refused;
        QTest::newRow("a sign") << QByteArray("-0261129080102Z") << refused;
        QTest::newRow("an empty fraction") << QByteArray("20261129080102.Z") << refused;
        QTest::newRow("a fraction with a letter") << QByteArray("20261129080102.3xZ") << refused;
        QTest::newRow("minutes only") << QByteArray("202611290801Z") << refused;
    }

    void messageTime()
    {
        QFETCH(QByteArray, time);
        QFETCH(QDateTime, expected);
        const CmpHeaderFields fields = cmpHeaderFields(message(time));
        QVERIFY(fields.valid);
        QCOMPARE(fields.messageTime.isValid(), expected.isValid());
        if (expected.isValid()) {
            QCOMPARE(fields.messageTime, expected);
            QCOMPARE(fields.messageTime.timeSpec(), Qt::UTC);
        }
        QCOMPARE(fields.transactionId, QByteArray(16, '\x11'));
        QCOMPARE(fields.senderNonce, QByteArray(16, '\x22'));
        QVERIFY(!fields.hasSenderKid);
    }

    void senderKid()
    {
        // The RA checks it against the protection certificate's key identifier itself when
        // it names that certificate to OpenSSL (raservice.cpp, SenderCertificates).
        const QByteArray kid = QByteArray::fromHex("a1b2c3d4e5f60718293a4b5c6d7e8f9001122334");
        const CmpHeaderFields fields = cmpHeaderFields(message("20261129080102Z", kid));
        QVERIFY(fields.valid);
        QVERIFY(fields.hasSenderKid);
        QCOMPARE(fields.senderKid, kid);
        QCOMPARE(fields.transactionId, QByteArray(16, '\x11'));
        const CmpHeaderFields empty = cmpHeaderFields(message("20261129080102Z", QByteArray("")));
        QVERIFY(empty.hasSenderKid);
        QVERIFY(empty.senderKid.isEmpty());
    }

    void certificateSubject_data()
    {
        QTest::addColumn<long>("version");
        QTest::newRow("X.509 v3") << 2L;
        QTest::newRow("X.509 v1, no version field") << 0L;
    }

    void certificateSubject()
    {
        // The signer compares it with the register's subject byte for byte (signer.cpp).
        QFETCH(long, version);
        const QByteArray der = certificate("Подписантов Пётр", version);
        const QByteArray subject = certificateSubjectDer(der);
        QVERIFY(!subject.isEmpty());
        QCOMPARE(subject, subjectByOpenSsl(der));
        QVERIFY(certificateSubjectDer(der + '\0').isEmpty()); // one certificate, nothing after
        QVERIFY(certificateSubjectDer(der.left(der.size() - 1)).isEmpty());
        QVERIFY(certificateSubjectDer(der.left(40)).isEmpty());
        QVERIFY(certificateSubjectDer(subject).isEmpty()); // a Name is no certificate
        QVERIFY(certificateSubjectDer(QByteArray()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCmpDer)
#include "tst_cmpder.moc"
