// The signer (docs/architecture.md, "The signer"): the only holder of the CA key. It signs
// only what the register approved, with the register's subject and its own profile, and
// signs the CRL the RA serves; the network process runs without the CA key.
#include "harness.h"
#include "softclient.h"

#include "raconfig.h"
#include "signer.h"
#include "store.h"

#include "keykiosk/enroll/roles.h"
#include "keykiosk/x509text.h"

#include <httplib.h>

#include <QtTest>

#include <openssl/x509v3.h>

using namespace kk;
using namespace kk::ra;
using namespace kk::test;

namespace {

struct Fixture
{
    RaServer ra;
    std::unique_ptr<Store> store;
    std::unique_ptr<Signer> signer;
    X509Ptr caCert;

    bool make()
    {
        if (!ra.prepare())
            return false;
        auto opened = Store::open(ra.dir() + QStringLiteral("/ra.db"));
        auto config = RaConfig::load(ra.dir() + QStringLiteral("/ra.conf"));
        auto identity =
            config ? loadIdentity(config.value()) : Expected<RaIdentity>(config.error());
        if (!opened || !identity)
            return false;
        store = opened.takeValue();
        caCert = readPem(ra.caCertPath());
        RaIdentity id = identity.takeValue();
        signer = std::make_unique<Signer>(
            std::move(id.caCert), std::move(id.caKey),
            SignerProfile{QString::fromLatin1(roles::kClientPolicy), 30,
                          QStringLiteral("http://bank.example/crl/bank.crl"), 24},
            store.get());
        return true;
    }

    // A staff-authorized request in the register for abonent `uid`, in `status`.
    qint64 request(const QString &uid, RequestStatus status, const QByteArray &subjectOverride = {},
                   const QByteArray &keyOverride = {})
    {
        AbonentRecord abonent;
        abonent.uid = uid;
        abonent.name = QStringLiteral("Подписантов Пётр");
        X509NamePtr name(X509_NAME_new());
        X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>("Подписантов Пётр"), -1,
                                   -1, 0);
        X509_NAME_add_entry_by_txt(
            name.get(), "UID", MBSTRING_UTF8,
            reinterpret_cast<const unsigned char *>(uid.toUtf8().constData()), -1, -1, 0);
        abonent.subjectDer =
            derBytes([&name](unsigned char **o) { return i2d_X509_NAME(name.get(), o); });
        store->addAbonent(abonent, QStringLiteral("test"));
        EvpPkeyPtr key(EVP_EC_gen("P-256"));
        RequestRecord draft;
        draft.kind = QStringLiteral("ir");
        draft.uid = uid;
        draft.abonent = abonent.name;
        draft.newKeySpki =
            keyOverride.isEmpty()
                ? derBytes([&key](unsigned char **o) { return i2d_PUBKEY(key.get(), o); })
                : keyOverride;
        draft.newKeyHash = QCryptographicHash::hash(draft.newKeySpki, QCryptographicHash::Sha256);
        draft.subjectDer = subjectOverride.isEmpty() ? abonent.subjectDer : subjectOverride;
        draft.status = status;
        auto created = store->createOrGet(draft, QStringLiteral("test"));
        return created ? created->id : 0;
    }
};

X509Ptr parse(const QByteArray &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return X509Ptr(d2i_X509(nullptr, &p, der.size()));
}

using CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL, X509_CRL_free>>;

CrlPtr parseCrl(const std::string &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.data());
    return CrlPtr(d2i_X509_CRL(nullptr, &p, long(der.size())));
}

bool lists(X509_CRL *crl, const QString &serialHex)
{
    STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
        BignumPtr bn(ASN1_INTEGER_to_BN(
            X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i)), nullptr));
        char *hex = BN_bn2hex(bn.get());
        const bool same = serialHex.compare(QLatin1String(hex), Qt::CaseInsensitive) == 0;
        OPENSSL_free(hex);
        if (same)
            return true;
    }
    return false;
}

} // namespace

class TestSigner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    void signsOnlyWhatTheRegisterApproved_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("otherSubject");
        QTest::newRow("pending") << int(RequestStatus::Pending) << false;
        QTest::newRow("rejected") << int(RequestStatus::Rejected) << false;
        QTest::newRow("approved, another subject than the register's")
            << int(RequestStatus::Approved) << true;
    }

    void signsOnlyWhatTheRegisterApproved()
    {
        QFETCH(int, status);
        QFETCH(bool, otherSubject);
        Fixture f;
        QVERIFY(f.make());
        X509NamePtr other(X509_NAME_new());
        X509_NAME_add_entry_by_txt(other.get(), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char *>("Someone Else"), -1, -1,
                                   0);
        const qint64 id = f.request(QStringLiteral("SIGN-1"), RequestStatus(status),
                                    otherSubject ? derBytes([&other](unsigned char **o) {
                                        return i2d_X509_NAME(other.get(), o);
                                    })
                                                 : QByteArray());
        QVERIFY(id > 0);
        auto signedDer = f.signer->issue(id);
        QVERIFY(!signedDer);
        QVERIFY2(signedDer.error().detail.contains(QLatin1String("the signer refuses")),
                 qPrintable(signedDer.error().detail));
        QVERIFY(!f.signer->issue(424242)); // a request the register does not hold
    }

    void theCertificateHasTheRegistersSubjectAndTheClientProfile()
    {
        Fixture f;
        QVERIFY(f.make());
        const qint64 id = f.request(QStringLiteral("SIGN-2"), RequestStatus::Approved);
        auto signedDer = f.signer->issue(id);
        QVERIFY2(signedDer, qPrintable(signedDer.error().detail));
        X509Ptr cert = parse(signedDer.value());
        QVERIFY(cert);
        QCOMPARE(nameField(X509_get_subject_name(cert.get()), "UID"), QStringLiteral("SIGN-2"));
        QCOMPARE(X509_verify(cert.get(), X509_get0_pubkey(f.caCert.get())), 1);
        // The register's key, byte for byte, and one that decodes; its identifier is the
        // SHA-1 of its bits (RFC 5280 4.2.1.2, method 1).
        auto request = f.store->findById(id);
        QVERIFY(request && request.value());
        X509_PUBKEY *key = X509_get_X509_PUBKEY(cert.get());
        QCOMPARE(derBytes([key](unsigned char **o) { return i2d_X509_PUBKEY(key, o); }),
                 request.value()->newKeySpki);
        QVERIFY(X509_get0_pubkey(cert.get()));
        const unsigned char *bits = nullptr;
        int bitsLength = 0;
        QVERIFY(X509_PUBKEY_get0_param(nullptr, &bits, &bitsLength, nullptr, key));
        const ASN1_OCTET_STRING *keyId = X509_get0_subject_key_id(cert.get());
        QVERIFY(keyId);
        QCOMPARE(
            QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(keyId)),
                       ASN1_STRING_length(keyId)),
            QCryptographicHash::hash(QByteArray(reinterpret_cast<const char *>(bits), bitsLength),
                                     QCryptographicHash::Sha1));
        QCOMPARE(X509_check_ca(cert.get()), 0);
        QCOMPARE(X509_get_key_usage(cert.get()),
                 quint32(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION));
        QCOMPARE(X509_get_extended_key_usage(cert.get()), quint32(XKU_SSL_CLIENT | XKU_SMIME));
        QCOMPARE(certificatePolicies(cert.get()),
                 QStringList{QString::fromLatin1(roles::kClientPolicy)});
        int days = 0, seconds = 0;
        ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                       X509_get0_notAfter(cert.get()));
        QCOMPARE(days, 30);
        std::unique_ptr<CRL_DIST_POINTS, OpenSslDeleter<CRL_DIST_POINTS, CRL_DIST_POINTS_free>>
            points(static_cast<CRL_DIST_POINTS *>(
                X509_get_ext_d2i(cert.get(), NID_crl_distribution_points, nullptr, nullptr)));
        QVERIFY(points && sk_DIST_POINT_num(points.get()) == 1);
        // Issued: the register marks it, and it is never signed a second time.
        QVERIFY(!f.store->markIssued(id, signedDer.value(), serialHex(cert.get())));
        QVERIFY(!f.signer->issue(id));
    }

    void aNewKeyThatIsNoPublicKeyIsNotSigned_data()
    {
        QTest::addColumn<QByteArray>("spki");
        EvpPkeyPtr key(EVP_EC_gen("P-256"));
        const QByteArray good =
            derBytes([&key](unsigned char **o) { return i2d_PUBKEY(key.get(), o); });
        QByteArray offCurve = good; // the point's last coordinate byte changed
        offCurve[offCurve.size() - 1] = char(offCurve.at(offCurve.size() - 1) ^ 0x01);
        QTest::newRow("a point not on the curve") << offCurve;
        QTest::newRow("bytes after the key") << good + QByteArray(1, '\0');
        QTest::newRow("not DER") << QByteArray("not a key");
    }

    void aNewKeyThatIsNoPublicKeyIsNotSigned()
    {
        // The register's key is decoded once before it is signed: an RA that wrote anything
        // else there gets no certificate for it.
        QFETCH(QByteArray, spki);
        Fixture f;
        QVERIFY(f.make());
        const qint64 id =
            f.request(QStringLiteral("SIGN-3"), RequestStatus::Approved, QByteArray(), spki);
        QVERIFY(id > 0);
        auto signedDer = f.signer->issue(id);
        QVERIFY(!signedDer);
        QVERIFY2(signedDer.error().detail.contains(QLatin1String("is not a public key")),
                 qPrintable(signedDer.error().detail));
    }

    void theNetworkProcessRunsWithoutTheCaKey()
    {
        RaServer ra;
        QVERIFY(ra.start()); // the signer (with the key) and the RA
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("KEYLESS-1")));
        // The key file goes; the RA starts again and still issues: it never needed it.
        QVERIFY(QFile::remove(ra.dir() + QStringLiteral("/ca.key.pem")));
        ra.kill();
        QVERIFY2(ra.restart(), qPrintable(ra.log()));
        const Exchange renewed = client.renew(ra);
        QVERIFY2(renewed.outcome == 1, qPrintable(ra.log()));
        QFile maps(QStringLiteral("/proc/%1/maps").arg(ra.pid()));
        QVERIFY(maps.open(QIODevice::ReadOnly));
        QVERIFY(!maps.readAll().contains("ca.key.pem"));
    }

    void theRaServesTheSignersCrl()
    {
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("CRL-1")));
        const QString serial = serialHex(client.oldCert.get());
        int rc = -1;
        ra.cli({QStringLiteral("revoke"), serial, QStringLiteral("--reason"),
                QStringLiteral("keyCompromise")},
               &rc);
        QCOMPARE(rc, 0);
        httplib::Client http("127.0.0.1", ra.port());
        auto res = http.Get("/crl/bank.crl");
        QVERIFY(res);
        QCOMPARE(res->status, 200);
        QCOMPARE(QString::fromStdString(res->get_header_value("Content-Type")),
                 QStringLiteral("application/pkix-crl"));
        CrlPtr crl = parseCrl(res->body);
        QVERIFY(crl);
        X509Ptr ca = readPem(ra.caCertPath());
        QCOMPARE(X509_CRL_verify(crl.get(), X509_get0_pubkey(ca.get())), 1);
        QVERIFY(lists(crl.get(), serial));
        QVERIFY(X509_cmp_current_time(X509_CRL_get0_nextUpdate(crl.get())) > 0);
    }
};

QTEST_GUILESS_MAIN(TestSigner)
#include "tst_signer.moc"
