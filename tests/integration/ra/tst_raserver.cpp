// keykiosk-ra under bad input: wrong content type, oversized and malformed bodies, a replayed
// message, a pollReq/certConf for a transaction it does not know, and a fuzz smoke run of
// mutated real messages. After all that it still serves a real key update.
#include <httplib.h>

#include "harness.h"
#include "softclient.h"

#include "cmpder.h"

#include "raconfig.h"
#include "raservice.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QtTest>

#include <openssl/cmp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

using namespace kk;
using namespace kk::ra;
using namespace kk::test;

namespace {

QByteArray mutate(const QByteArray &original, QRandomGenerator &rng)
{
    QByteArray m = original;
    switch (rng.bounded(4)) {
    case 0: // flip bytes
        for (int i = 0, n = 1 + rng.bounded(8); i < n; ++i)
            m[rng.bounded(m.size())] = char(rng.bounded(256));
        break;
    case 1: // truncate
        m.truncate(rng.bounded(m.size()));
        break;
    case 2: // insert garbage
        m.insert(rng.bounded(m.size()), QByteArray(1 + rng.bounded(16), char(rng.bounded(256))));
        break;
    default: // corrupt a length octet near the front, where the structure is
        m[1 + rng.bounded(qMin(m.size() - 1, 12))] = char(rng.bounded(256));
        break;
    }
    return m;
}

// The request with its extraCerts in the reverse order (the protection covers header and body
// only, so the signature still holds).
CmpMsgPtr withExtraCertsReversed(const OSSL_CMP_MSG *req)
{
    unsigned char *der = nullptr;
    const int length = i2d_OSSL_CMP_MSG(req, &der);
    const QByteArray message(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    QVector<QByteArray> certs = kk::ra::extraCertsDer(message);
    std::reverse(certs.begin(), certs.end());
    const QByteArray stripped = kk::ra::withoutExtraCerts(message);
    const int header = (quint8(stripped[1]) < 0x80) ? 2 : 2 + (quint8(stripped[1]) & 0x7f);
    QByteArray all;
    for (const QByteArray &cert : certs)
        all += cert;
    const QByteArray reordered = kk::ra::derElement(
        0x30, stripped.mid(header) + kk::ra::derElement(0xa1, kk::ra::derElement(0x30, all)));
    const auto *p = reinterpret_cast<const unsigned char *>(reordered.constData());
    return CmpMsgPtr(d2i_OSSL_CMP_MSG(nullptr, &p, reordered.size()));
}

OSSL_CMP_MSG *sendWithExtraCertsReversed(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    CmpMsgPtr msg = withExtraCertsReversed(req);
    return msg ? OSSL_CMP_MSG_http_perform(ctx, msg.get()) : nullptr;
}

// Sends the request with its extraCerts reversed and notes the body type of each answer.
OSSL_CMP_MSG *sendReversedAndNoteAnswers(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *answers = static_cast<QVector<int> *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    OSSL_CMP_MSG *answer = sendWithExtraCertsReversed(ctx, req);
    answers->append(answer ? OSSL_CMP_MSG_get_bodytype(answer) : -1);
    return answer;
}

// Hands the request to an RaService in this process.
OSSL_CMP_MSG *handInProcess(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *service = static_cast<RaService *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    unsigned char *der = nullptr;
    const int length = i2d_OSSL_CMP_MSG(req, &der);
    const QByteArray answer =
        service->handle(QByteArray(reinterpret_cast<const char *>(der), length));
    OPENSSL_free(der);
    const auto *p = reinterpret_cast<const unsigned char *>(answer.constData());
    return d2i_OSSL_CMP_MSG(nullptr, &p, answer.size());
}

// A copy of `cert` with this subject key identifier, signed by a key of no CA (re-parsed, so
// that nothing OpenSSL cached of the original remains).
X509Ptr withSubjectKeyId(const X509 *cert, const QByteArray &kid)
{
    X509Ptr copy(X509_dup(cert));
    X509_EXTENSION_free(X509_delete_ext(
        copy.get(), X509_get_ext_by_NID(copy.get(), NID_subject_key_identifier, -1)));
    Asn1OctetStringPtr value(ASN1_OCTET_STRING_new());
    ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char *>(kid.constData()),
                          kid.size());
    X509_add1_ext_i2d(copy.get(), NID_subject_key_identifier, value.get(), 0, X509V3_ADD_DEFAULT);
    EvpPkeyPtr noCa(EVP_EC_gen("P-256"));
    X509_sign(copy.get(), noCa.get(), EVP_sha256());
    unsigned char *der = nullptr;
    const int length = i2d_X509(copy.get(), &der);
    const unsigned char *p = der;
    X509Ptr parsed(d2i_X509(nullptr, &p, length));
    OPENSSL_free(der);
    return parsed;
}

} // namespace

class TestRaServer : public QObject
{
    Q_OBJECT

    RaServer m_ra;
    QTemporaryDir m_scratch;
    SoftClient m_client;
    Exchange m_exchange;

private slots:
    void initTestCase()
    {
        QVERIFY(m_ra.start());
        QVERIFY(m_client.make(m_ra, m_scratch));
        m_exchange = m_client.renew(m_ra);
        QCOMPARE(m_exchange.outcome, 1);
        QVERIFY2(m_exchange.requests.size() >= 3, "expected kur, pollReq and certConf");
    }

    void anotherClientsCertificateRenewsNothing_data()
    {
        QTest::addColumn<bool>("madeUp");
        QTest::addColumn<bool>("victimFirst");
        QTest::newRow("the victim's own certificate") << false << false;
        QTest::newRow("the victim's own certificate, sent first") << false << true;
        QTest::newRow("a certificate made up with the victim's serial") << true << false;
    }
    void anotherClientsCertificateRenewsNothing()
    {
        // Mallory holds a real client certificate and its key. She names the victim's
        // certificate in oldCertID and sends it beside her own, signing with her own key:
        // either the victim's real certificate (public, but its key is not hers), or one she
        // made up for her own key with the victim's serial, subject and the bank CA's name as
        // issuer (its signature over the request holds). Neither renews the victim.
        QFETCH(bool, madeUp);
        QFETCH(bool, victimFirst);
        const QString uid = QStringLiteral("VICTIM-%1").arg(madeUp ? 3 : victimFirst ? 2 : 1);
        SoftClient victim, mallory;
        QVERIFY(victim.make(m_ra, m_scratch, uid));
        QVERIFY(mallory.make(m_ra, m_scratch, uid + QStringLiteral("-MALLORY")));
        X509Ptr named(X509_dup(victim.oldCert.get()));
        if (madeUp) {
            X509_set_pubkey(named.get(), mallory.oldKey.get());
            EvpPkeyPtr fakeCa(EVP_EC_gen("P-256"));
            X509_sign(named.get(), fakeCa.get(), EVP_sha256());
        }
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        Exchange exchange;
        std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
            mallory.clientContext(m_ra, newKey.get(), &exchange));
        OSSL_CMP_CTX_set1_oldCert(ctx.get(), named.get());
        STACK_OF(X509) *extra = sk_X509_new_null();
        sk_X509_push(extra, named.get());
        OSSL_CMP_CTX_set1_extraCertsOut(ctx.get(), extra);
        sk_X509_free(extra);
        // OpenSSL's client sends its own certificate first; the other order is made by hand
        // (the protection covers header and body, so the signature still holds).
        if (victimFirst)
            OSSL_CMP_CTX_set_transfer_cb(ctx.get(), sendWithExtraCertsReversed);
        X509 *issued = OSSL_CMP_exec_certreq(ctx.get(), 7 /* kur */, nullptr);
        QVERIFY(!issued);
        if (!victimFirst) // first: refused by OpenSSL's protection check, with an error message
            QCOMPARE(OSSL_CMP_CTX_get_status(ctx.get()), int(OSSL_CMP_PKISTATUS_rejection));
        const QString requests = m_ra.cli({QStringLiteral("requests")});
        QVERIFY2(!requests.contains(uid + QLatin1Char(' ')), qPrintable(requests));
        const QString log = m_ra.log();
        QVERIFY2(victimFirst ||
                     log.contains(QLatin1String("not protected by the certificate named in "
                                                "oldCertID")) ||
                     log.contains(QLatin1String("not issued by this bank")),
                 qPrintable(log.right(2000)));
    }

    void aCertificateOfNoBankCaProtectsNothing()
    {
        // A client makes its own certificate, with the bank CA's name as issuer, and signs its
        // request with that certificate's key: the RA must not name it to OpenSSL as the
        // protection certificate (SenderCertificates checks its path first), so OpenSSL
        // refuses the message itself with an error message. Named, it would pass OpenSSL and
        // reach the policy, which answers with a refused kup instead.
        X509Ptr bankCa = readPem(m_ra.dir() + QStringLiteral("/ca.cert.pem"));
        QVERIFY(bankCa);
        SoftClient forger;
        forger.oldCert.reset(X509_new());
        X509 *own = forger.oldCert.get();
        X509_set_version(own, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(own), 424242);
        X509_set_issuer_name(own, X509_get_subject_name(bankCa.get()));
        X509NamePtr subject(X509_NAME_new());
        X509_NAME_add_entry_by_txt(subject.get(), "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>("Forger"), -1, -1, 0);
        X509_set_subject_name(own, subject.get());
        X509_gmtime_adj(X509_getm_notBefore(own), -3600);
        X509_gmtime_adj(X509_getm_notAfter(own), 86400);
        X509_set_pubkey(own, forger.oldKey.get());
        EvpPkeyPtr noCa(EVP_EC_gen("P-256"));
        QVERIFY(X509_sign(own, noCa.get(), EVP_sha256()) > 0);
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        QVector<int> answers;
        CmpCtxPtr ctx(forger.clientContext(m_ra, newKey.get(), nullptr));
        OSSL_CMP_CTX_set_transfer_cb(ctx.get(), sendReversedAndNoteAnswers); // one certificate
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &answers);
        QVERIFY(!OSSL_CMP_exec_certreq(ctx.get(), 7 /* kur */, nullptr));
        QCOMPARE(answers, QVector<int>{kBodyError});
    }

    void aSenderKeyIdOtherThanTheCertificatesProtectsNothing()
    {
        // A real client certificate sent first, but the header's senderKID names another key
        // (the message is signed with the certificate's own key): OpenSSL would not take that
        // certificate (RFC 4210 5.1.1), and neither does the RA when it names the certificate
        // to OpenSSL itself. Named anyway, the request would be granted.
        SoftClient client;
        QVERIFY(client.make(m_ra, m_scratch, QStringLiteral("KID-1")));
        X509Ptr otherKid = withSubjectKeyId(client.oldCert.get(), QByteArray(20, '\x5a'));
        QVERIFY(otherKid);
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        QVector<int> answers;
        CmpCtxPtr ctx(client.clientContext(m_ra, newKey.get(), nullptr));
        OSSL_CMP_CTX_set1_cert(ctx.get(), otherKid.get()); // the header's senderKID
        STACK_OF(X509) *extra = sk_X509_new_null();
        sk_X509_push(extra, client.oldCert.get()); // sent first, once reversed
        OSSL_CMP_CTX_set1_extraCertsOut(ctx.get(), extra);
        sk_X509_free(extra);
        OSSL_CMP_CTX_set_transfer_cb(ctx.get(), sendReversedAndNoteAnswers);
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &answers);
        QVERIFY(!OSSL_CMP_exec_certreq(ctx.get(), 7 /* kur */, nullptr));
        QCOMPARE(answers, QVector<int>{kBodyError});
        QVERIFY(!m_ra.cli({QStringLiteral("requests")}).contains(QLatin1String("KID-1 ")));
    }

    void aProtectionCertificatesPathIsValidatedOnce()
    {
        // OpenSSL 3.0 validates the path of the sender's certificate for every message; the
        // RA validates it once (sendercertificates.h): the kur's, not the certConf's again.
        QTemporaryDir db;
        auto config = RaConfig::load(m_ra.dir() + QStringLiteral("/ra.conf"));
        QVERIFY(config.ok());
        auto identity = loadIdentity(config.value());
        QVERIFY(identity.ok());
        auto store = Store::open(db.filePath(QStringLiteral("once.db")));
        QVERIFY(store.ok());
        SoftClient client;
        QVERIFY(client.make(m_ra, m_scratch, QStringLiteral("ONCE-1")));
        CertificateRecord known;
        known.serial = serialHex(client.oldCert.get());
        known.abonentUid = QStringLiteral("ONCE-1");
        known.subject = subjectLine(client.oldCert.get());
        known.notAfter = notAfterOf(client.oldCert.get());
        known.der = derBytes(
            [&client](unsigned char **out) { return i2d_X509(client.oldCert.get(), out); });
        QVERIFY(!store.value()->registerCertificate(known, QStringLiteral("test")));
        RaPolicy policy = config->policy;
        policy.approval = ApprovalMode::Auto;
        policy.autoDelaySeconds = 0; // kur, kup, certConf, pkiConf
        RaService service(identity.takeValue(), policy, store->get());
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        CmpCtxPtr ctx(client.clientContext(m_ra, newKey.get(), nullptr));
        OSSL_CMP_CTX_set_transfer_cb(ctx.get(), handInProcess);
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &service);
        QVERIFY(OSSL_CMP_exec_certreq(ctx.get(), 7 /* kur */, nullptr));
        QCOMPARE(store.value()->findById(1).value()->status, RequestStatus::Confirmed);
        QCOMPARE(service.senderPathValidations(), quint64(1));
    }

    void wrongContentTypeIs415()
    {
        httplib::Client http("127.0.0.1", m_ra.port());
        auto res = http.Post("/.well-known/cmp",
                             std::string(m_exchange.requests.first().constData(),
                                         std::size_t(m_exchange.requests.first().size())),
                             "text/plain");
        QVERIFY(res);
        QCOMPARE(res->status, 415);
    }

    void oversizedBodyIs413()
    {
        httplib::Client http("127.0.0.1", m_ra.port());
        auto res =
            http.Post("/.well-known/cmp", std::string(100 * 1024, '\x30'), "application/pkixcmp");
        QVERIFY(res);
        QCOMPARE(res->status, 413);
    }

    void malformedDerIs400()
    {
        httplib::Client http("127.0.0.1", m_ra.port());
        auto res = http.Post("/.well-known/cmp", std::string("\x30\x82\xff\xff garbage"),
                             "application/pkixcmp");
        QVERIFY(res);
        QCOMPARE(res->status, 400);
        auto get = http.Get("/.well-known/cmp");
        QVERIFY(get);
        QVERIFY(get->status == 404 || get->status == 405);
    }

    void replayedMessageGetsACmpError()
    {
        httplib::Client http("127.0.0.1", m_ra.port());
        const QByteArray kur = m_exchange.requests.first();
        auto res =
            http.Post("/.well-known/cmp", std::string(kur.constData(), std::size_t(kur.size())),
                      "application/pkixcmp");
        QVERIFY(res);
        QCOMPARE(res->status, 200);
        QCOMPARE(bodyType(res->body), kBodyError);
        QVERIFY(m_ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")) ==
                1); // no second request
    }

    void unknownTransactionGetsACmpError()
    {
        // A fresh service (empty transaction map and database) sees the captured pollReq and
        // certConf as belonging to nothing it knows.
        QTemporaryDir db;
        auto config = RaConfig::load(m_ra.dir() + QStringLiteral("/ra.conf"));
        QVERIFY(config.ok());
        auto identity = loadIdentity(config.value());
        QVERIFY(identity.ok());
        auto store = Store::open(db.filePath(QStringLiteral("fresh.db")));
        QVERIFY(store.ok());
        RaService service(identity.takeValue(), config->policy, store->get());
        for (int i = 1; i < m_exchange.requests.size(); ++i) {
            const QByteArray response = service.handle(m_exchange.requests[i]);
            QVERIFY(!response.isEmpty());
            QCOMPARE(bodyType(response.toStdString()), kBodyError);
        }
        QCOMPARE(service.openTransactions(), 0);
    }

    void staleTransactionsExpire()
    {
        QTemporaryDir db;
        auto config = RaConfig::load(m_ra.dir() + QStringLiteral("/ra.conf"));
        auto identity = loadIdentity(config.value());
        auto store = Store::open(db.filePath(QStringLiteral("stale.db")));
        // The register of this fresh database knows the client's first certificate.
        X509Ptr first = readPem(m_client.firstCertPath);
        CertificateRecord known;
        known.serial = serialHex(first.get());
        known.abonentUid = QStringLiteral("FUZZ-1");
        known.subject = subjectLine(first.get());
        known.notAfter = notAfterOf(first.get());
        known.der = derBytes([&first](unsigned char **out) { return i2d_X509(first.get(), out); });
        QVERIFY(!store.value()->registerCertificate(known, QStringLiteral("test")));
        RaPolicy policy = config->policy;
        policy.approval = ApprovalMode::Manual; // the kur waits: its transaction stays open
        policy.transactionIdleSeconds = 1;
        RaService service(identity.takeValue(), policy, store->get());
        const QByteArray response = service.handle(m_exchange.requests.first());
        QVERIFY(!response.isEmpty());
        QCOMPARE(service.openTransactions(), 1);
        service.expireIdleTransactions();
        QCOMPARE(service.openTransactions(), 1); // not idle yet
        QThread::msleep(1100);
        service.expireIdleTransactions();
        QCOMPARE(service.openTransactions(), 0);
    }

    void fuzzSmokeThenStillServing()
    {
        QTemporaryDir db;
        auto config = RaConfig::load(m_ra.dir() + QStringLiteral("/ra.conf"));
        auto identity = loadIdentity(config.value());
        auto store = Store::open(db.filePath(QStringLiteral("fuzz.db")));
        RaService service(identity.takeValue(), config->policy, store->get());
        QRandomGenerator rng(20261123); // fixed: a failure is reproducible
        int answered = 0, refused = 0;
        const int rounds = qEnvironmentVariableIntValue("KK_FUZZ_ROUNDS") > 0
                               ? qEnvironmentVariableIntValue("KK_FUZZ_ROUNDS")
                               : 1500;
        for (int i = 0; i < rounds; ++i) {
            const QByteArray input =
                mutate(m_exchange.requests[i % m_exchange.requests.size()], rng);
            (service.handle(input).isEmpty() ? refused : answered)++;
        }
        qInfo("in-process fuzz: %d mutated messages, %d answered with CMP, %d refused as not CMP",
              rounds, answered, refused);
        QCOMPARE(answered + refused, rounds);
        QVERIFY(refused > 0);

        // The same over HTTP against the running server, fewer rounds.
        httplib::Client http("127.0.0.1", m_ra.port());
        for (int i = 0; i < 150; ++i) {
            const QByteArray input =
                mutate(m_exchange.requests[i % m_exchange.requests.size()], rng);
            auto res = http.Post("/.well-known/cmp",
                                 std::string(input.constData(), std::size_t(input.size())),
                                 "application/pkixcmp");
            QVERIFY2(res, "the server stopped answering");
            QVERIFY(res->status == 200 || res->status == 400);
        }
        // ... and it still renews a key.
        const Exchange again = m_client.renew(m_ra);
        QCOMPARE(again.outcome, 1);
    }

    void logLinesAreForAnOperationsTeam()
    {
        // The same captured kur 300 times: each refused as a replay, a few lines in the log.
        httplib::Client http("127.0.0.1", m_ra.port());
        const QByteArray kur = m_exchange.requests.first();
        for (int i = 0; i < 300; ++i)
            QVERIFY(http.Post("/.well-known/cmp",
                              std::string(kur.constData(), std::size_t(kur.size())),
                              "application/pkixcmp"));
        const QStringList lines = m_ra.log().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        // Priority for journald, UTC time to the millisecond, category.
        const QRegularExpression format(QStringLiteral(
            "^<[2-7]>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z kk\\.[a-z.]+: "));
        int logged = 0, refusals = 0;
        for (const QString &line : lines) {
            if (line.startsWith(QLatin1String("keykiosk-ra: listening")))
                continue; // stdout: where to connect
            ++logged;
            QVERIFY2(format.match(line).hasMatch(), qPrintable(line));
            if (line.contains(QLatin1String("message refused: replayed message"))) {
                ++refusals;
                QVERIFY2(line.contains(QLatin1String("[peer 127.0.0.1 tx ")), qPrintable(line));
            }
            QVERIFY2(!line.contains(QLatin1String("BEGIN CERTIFICATE")) &&
                         !line.contains(QLatin1String("Signature Algorithm")),
                     qPrintable(line));
        }
        QVERIFY(logged > 0);
        QVERIFY2(refusals >= 1 && refusals <= 10, qPrintable(QString::number(refusals)));
        qInfo("%d log lines; 300 replays made %d of them", logged, refusals);
    }
};

QTEST_GUILESS_MAIN(TestRaServer)
#include "tst_raserver.moc"
