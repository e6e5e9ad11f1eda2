// A CMP transaction survives anything but the client's own silence (docs/architecture.md,
// "The bank's transactions"): a poll across an RA restart, a forged message in between, a
// kill after the decision and after issuing. Nothing stays approved or issued, every client
// ends with exactly one certificate, and the kiosk never takes a lost transaction for a
// refusal. A refused or unprotected message leaves nothing behind in memory.
#include "harness.h"
#include "softclient.h"

#include "keykiosk/enroll/cmpclient.h"
#include "raconfig.h"
#include "raservice.h"
#include "store.h"

#include <httplib.h>

#include <QFile>
#include <QProcess>
#include <QtTest>

using namespace kk;
using namespace kk::ra;
using namespace kk::test;

namespace {

std::string post(quint16 port, const QByteArray &der)
{
    httplib::Client http("127.0.0.1", port);
    auto res = http.Post("/.well-known/cmp", std::string(der.constData(), std::size_t(der.size())),
                         "application/pkixcmp");
    return res && res->status == 200 ? res->body : std::string();
}

// The same message with the last byte of its protection (the signature) flipped: a captured
// message an attacker altered.
QByteArray withBadSignature(const QByteArray &der)
{
    const auto *start = reinterpret_cast<const unsigned char *>(der.constData());
    const unsigned char *p = start, *end = start + der.size();
    long length = 0;
    int tag = 0, cls = 0;
    ASN1_get_object(&p, &length, &tag, &cls, end - p); // PKIMessage
    const unsigned char *messageEnd = p + length;
    while (p < messageEnd) {
        const unsigned char *element = p;
        if (ASN1_get_object(&p, &length, &tag, &cls, messageEnd - p) & 0x80)
            break;
        if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0) { // protection [0] BIT STRING
            QByteArray forged = der;
            const int last = int(p + length - start) - 1;
            forged[last] = char(forged[last] ^ 0x01);
            return forged;
        }
        p += length;
        Q_UNUSED(element)
    }
    return {};
}

// The number of requests in the register in a status, from the operator's list.
int requestsIn(const RaServer &ra, const QString &status)
{
    return ra.cli({QStringLiteral("requests"), QStringLiteral("--status"), status})
        .count(QStringLiteral("R-0"));
}

} // namespace

namespace {
RaServer::Options manualApproval()
{
    RaServer::Options options;
    options.approval = QStringLiteral("manual");
    return options;
}
} // namespace

class TestRaTransactions : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    void aPollAcrossARestartGetsTheCertificate()
    {
        RaServer ra(manualApproval());
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("RESTART-1")));
        client.begin(ra);
        QCOMPARE(client.step(ra.port()), -1); // waiting for an operator
        ra.kill();
        QVERIFY(ra.restart());
        int rc = -1;
        ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        // The same OpenSSL client polls on, as if nothing happened.
        const int answer = client.step(ra.port());
        QVERIFY2(answer == 1,
                 qPrintable(
                     QStringLiteral("status %1; RA log:\n%2").arg(client.status()).arg(ra.log())));
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
        QVERIFY(ra.log().contains(QStringLiteral("continued from the register")));
    }

    void aForgedPollChangesNothing()
    {
        RaServer ra(manualApproval());
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("FORGED-1")));
        client.begin(ra);
        QCOMPARE(client.step(ra.port()), -1);
        QCOMPARE(client.step(ra.port()), -1); // a pollReq: still waiting
        const QByteArray poll = client.pending.requests.last();
        QCOMPARE(bodyType(poll.toStdString()), 25);
        const QByteArray forged = withBadSignature(poll);
        QVERIFY(!forged.isEmpty());
        QCOMPARE(bodyType(post(ra.port(), forged)), kBodyError);
        // The real client's transaction is untouched: approved, it gets its certificate.
        int rc = -1;
        ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        QVERIFY2(client.step(ra.port()) == 1, qPrintable(ra.log()));
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
    }

    void theRaKilledAtEachPersistedStepIsContinued_data()
    {
        // The RA's kill matrix: SIGKILL right after each step it makes durable, then a
        // restart, then the client carries on as a kiosk would (polls, or the same key again).
        QTest::addColumn<QString>("killAt");
        QTest::newRow("request created") << QStringLiteral("ra-request-created");
        QTest::newRow("approved, not issued") << QStringLiteral("ra-approved");
        QTest::newRow("issued, not delivered") << QStringLiteral("ra-issued");
        QTest::newRow("confirmed, pkiconf not sent") << QStringLiteral("ra-confirmed");
    }

    void theRaKilledAtEachPersistedStepIsContinued()
    {
#ifndef KEYKIOSK_FAULT_INJECTION
        QSKIP("kill points are compiled into test builds only (-DKEYKIOSK_FAULT_INJECTION=ON)");
#endif
        QFETCH(QString, killAt);
        RaServer ra(manualApproval());
        QVERIFY(ra.prepare());
        QVERIFY(ra.restart({QStringLiteral("KK_KILL_AT=") + killAt}));
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("KILL-") + killAt));
        client.begin(ra);
        bool killed = false;
        int answer = -1;
        for (int round = 0; round < 30 && answer != 1; ++round) {
            answer = client.step(ra.port());
            if (answer == -1) { // waiting: an operator approves (again, harmlessly)
                ra.cli({QStringLiteral("approve"), QStringLiteral("1")});
            } else if (answer == 0 && ra.waitForDeath(2000)) {
                killed = true; // the kill point: the RA comes back without it
                QVERIFY(ra.restart());
            }
        }
        QVERIFY2(killed, "the kill point was never reached");
        QVERIFY2(answer == 1, qPrintable(ra.log()));
        QCOMPARE(requestsIn(ra, QStringLiteral("approved")), 0);
        QCOMPARE(requestsIn(ra, QStringLiteral("issued")), 0);
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
        QCOMPARE(ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
        const QString certificates = ra.cli({QStringLiteral("certificates")});
        QCOMPARE(certificates.count(QStringLiteral("client  live")), 1); // the new one only
        QVERIFY(certificates.contains(serialHex(client.issued.get())));
        int rc = -1;
        ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QCOMPARE(rc, 0);
    }

    void theKioskResendsWhenTheBankLostTheTransaction()
    {
        // The register forgot the transaction (or another RA without it answers): the poll
        // gets an error message. The kiosk's client sends the request again with the same key
        // and gets its certificate; it never reports a refusal the bank did not make.
        RaServer ra(manualApproval());
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("LOST-1")));
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint.ok());
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        QByteArray stored;
        KeyUpdate update(endpoint.value(), client.oldCert.get(), client.oldKey.get(), newKey.get(),
                         [&stored](const QByteArray &der) {
                             stored = der;
                             return Error();
                         });
        QCOMPARE(int(update.step().state), int(EnrollState::Waiting));
        ra.kill();
        {
            auto store = Store::open(ra.dir() + QStringLiteral("/ra.db"));
            QVERIFY(store.ok());
            QVERIFY(!store.value()->forgetTransactionsBefore(
                QDateTime::currentDateTimeUtc().addDays(1)));
        }
        QVERIFY(ra.restart());
        int rc = -1;
        ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        const EnrollStep answer = update.step();
        QVERIFY2(
            answer.state == EnrollState::Issued,
            qPrintable(
                QStringLiteral("state %1: %2").arg(int(answer.state)).arg(answer.error.logText())));
        QVERIFY(!stored.isEmpty());
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
        QCOMPARE(ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
    }

    void aFullDiskRefusesNothingAndLosesNothing()
    {
        // The register on a small file system of its own, filled up while the RA runs.
        RaServer::Options options;
        options.autoDelaySeconds = 0; // approved at once: what matters is the disk
        RaServer ra(options);
        QCOMPARE(QProcess::execute(QStringLiteral("mount"),
                                   {QStringLiteral("-t"), QStringLiteral("tmpfs"),
                                    QStringLiteral("-o"), QStringLiteral("size=4m,mode=0700"),
                                    QStringLiteral("tmpfs"), ra.dir()}),
                 0);
        struct Unmount
        {
            RaServer &ra;
            ~Unmount()
            {
                ra.stop();
                QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), ra.dir()});
            }
        } unmount{ra};
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("FULL-1")));
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint.ok());
        QFile filler(ra.dir() + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly));
        const QByteArray block(64 * 1024, '\0');
        while (filler.write(block) == block.size() && filler.flush()) {
        }
        filler.close();

        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        KeyUpdate update(endpoint.value(), client.oldCert.get(), client.oldKey.get(), newKey.get(),
                         [](const QByteArray &) { return Error(); });
        const EnrollStep full = update.step();
        QCOMPARE(int(full.state), int(EnrollState::Failed));     // not refused: the key stays
        QCOMPARE(full.error.code, ErrorCode::BankProtocolError); // "your key still works"
        QVERIFY2(ra.log().contains(QLatin1String("the register is unavailable")),
                 qPrintable(ra.log()));
        QVERIFY(!ra.waitForDeath(0)); // and the RA runs on
        QVERIFY(QFile::remove(filler.fileName()));
        EnrollStep after = update.step(); // the client comes back, same key
        for (int i = 0; i < 20 && after.state == EnrollState::Waiting; ++i) {
            QThread::msleep(250);
            after = update.step();
        }
        QVERIFY2(after.state == EnrollState::Issued, qPrintable(after.error.logText()));
        // Issued at once, and still the client learns its request's number.
        QVERIFY2(after.serverText.contains(QLatin1String("R-000001")),
                 qPrintable(after.serverText));
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
        QCOMPARE(ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
        int rc = -1;
        ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QCOMPARE(rc, 0); // and the audit chain is whole
    }

    void anAnswerTheDiskDidNotTakeIsWithheld()
    {
        // The RA flushes its register before each answer (Durability::AtFlush). Here the disk
        // refuses to sync the register's log (fdatasync: EIO, as after a lost write): the kiosk
        // hears "try again later", never a certificate the register might not hold after a
        // power cut (an error message: the kiosk says the key still works); the RA's log says
        // why. On a sound disk again, the same key gets the request the register holds.
        RaServer::Options options;
        options.autoDelaySeconds = 0; // approved at once: the certificate is in the answer
        RaServer ra(options);
        QVERIFY(ra.prepare());
        const QString badDisk = m_scratch.filePath(QStringLiteral("bad-disk"));
        QVERIFY(ra.restart({QStringLiteral("LD_PRELOAD=") + harnessPath("failsync"),
                            QStringLiteral("KK_FAIL_SYNC_SUFFIX=/ra.db-wal"),
                            QStringLiteral("KK_FAIL_SYNC_WHILE=") + badDisk}));
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("SYNC-1"))); // the log is started
        QFile flag(badDisk);
        QVERIFY(flag.open(QIODevice::WriteOnly)); // from here on, its syncs fail
        flag.close();
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint.ok());
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        QByteArray stored;
        auto sink = [&stored](const QByteArray &der) {
            stored = der;
            return Error();
        };
        KeyUpdate update(endpoint.value(), client.oldCert.get(), client.oldKey.get(), newKey.get(),
                         sink);
        const EnrollStep withheld = update.step();
        QCOMPARE(int(withheld.state), int(EnrollState::Failed));     // not refused: the key stays
        QCOMPARE(withheld.error.code, ErrorCode::BankProtocolError); // "your key still works"
        QVERIFY(stored.isEmpty());
        QVERIFY2(ra.log().contains(QLatin1String("could not be flushed to disk")) &&
                     ra.log().contains(QLatin1String("answer withheld")),
                 qPrintable(ra.log()));
        QVERIFY(!ra.waitForDeath(0)); // the RA runs on, and withholds every answer

        ra.stop();
        QVERIFY(QFile::remove(badDisk));
        QVERIFY(ra.restart());
        KeyUpdate again(endpoint.value(), client.oldCert.get(), client.oldKey.get(), newKey.get(),
                        sink);
        const EnrollStep after = again.step();
        QVERIFY2(after.state == EnrollState::Issued, qPrintable(after.error.logText()));
        QVERIFY(!stored.isEmpty());
        QVERIFY2(after.serverText.contains(QLatin1String("R-000001")),
                 qPrintable(after.serverText));
        QCOMPARE(requestsIn(ra, QStringLiteral("confirmed")), 1);
        QCOMPARE(ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
    }

    void refusedAndUnprotectedMessagesLeaveNothingInMemory()
    {
        // The register gets a client and a revoked one through the running RA; then the RA
        // stops and the service runs in this process on the same register.
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client, revoked;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("MEMORY-1")));
        QVERIFY(revoked.make(ra, m_scratch, QStringLiteral("MEMORY-2")));
        int rc = -1;
        ra.cli({QStringLiteral("revoke"), serialHex(revoked.oldCert.get()),
                QStringLiteral("--reason"), QStringLiteral("test")},
               &rc);
        QCOMPARE(rc, 0);
        ra.stop();
        auto config = RaConfig::load(ra.dir() + QStringLiteral("/ra.conf"));
        QVERIFY(config.ok());
        auto identity = loadIdentity(config.value());
        QVERIFY(identity.ok());
        auto store = Store::open(ra.dir() + QStringLiteral("/ra.db"));
        QVERIFY(store.ok());
        RaPolicy policy = config->policy;
        policy.approval = ApprovalMode::Manual; // a good request would stay open
        RaService service(identity.takeValue(), policy, store->get());

        // A kur captured from the client whose certificate the bank revoked: refused.
        EvpPkeyPtr key(EVP_EC_gen("P-256"));
        Exchange captured;
        std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
            revoked.clientContext(ra, key.get(), &captured));
        OSSL_CMP_CTX_set_serverPort(ctx.get(), 1); // nobody listens: only the message matters
        OSSL_CMP_exec_certreq(ctx.get(), 7, nullptr);
        QCOMPARE(captured.requests.size(), 1);
        const QByteArray refusedKur = captured.requests.first();
        QVERIFY(!service.handle(refusedKur).isEmpty());
        QCOMPARE(service.openTransactions(), 0);

        // The same kur with a bad signature, many times: each answered, none kept.
        const QByteArray forged = withBadSignature(refusedKur);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(bodyType(service.handle(forged).toStdString()), kBodyError);
        QCOMPARE(service.openTransactions(), 0);
        QCOMPARE(int(service.replayEntries()), 1); // only the protected message is remembered
    }
};

QTEST_GUILESS_MAIN(TestRaTransactions)
#include "tst_ratransactions.moc"
