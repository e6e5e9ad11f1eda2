// A client who waits is not sent away by a bank that is down for a while (docs/architecture.md,
// "Waiting through an outage"). The real kiosk (its autopilot, offscreen) waits at «принят
// банком» with manual approval; the RA is stopped (SIGTERM, and SIGKILL like a crash), started
// again 30 s later, and the request approved. The same kiosk process, in the same journey,
// says meanwhile that the bank cannot be reached, keeps polling with backoff, and then picks
// the certificate up, with no second request; the log names the real cause.
#include "kioskprocess.h"

#include <csignal>

using namespace kk::test;

class TestBankOutage : public QObject
{
    Q_OBJECT
private slots:
    void theWaitOutlastsTheOutage_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGKILL") << int(SIGKILL);
    }

    void theWaitOutlastsTheOutage()
    {
        QFETCH(int, signal);
        RaServer::Options options;
        options.approval = QStringLiteral("manual");
        options.checkAfterSeconds = 1;
        RaServer bank(options);
        PrivatePcscd pcscd;
        QVERIFY(bank.start() && pcscd.start());
        TokenOptions client;
        client.caDir = bank.dir();
        client.daysLeft = 20;
        client.label = QStringLiteral("Director");
        TestToken token(client);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        QTemporaryDir dir;
        const QString config = writeKioskConfig(dir, softhsmModule(), bank);
        QVERIFY(!config.isEmpty());
        Kiosk kiosk(config, autopilotEnvironment(pcscd)
                                << QStringLiteral("KK_AUTOPILOT_SETTLE_MS=150"));
        QVERIFY(kiosk.started());
        QVERIFY(waitFor(kiosk, {QStringLiteral("autopilot: waiting for the token")}, 15000));
        VirtualCard card;
        card.insert(pcscd.port());
        QVERIFY2(waitFor(kiosk, {QStringLiteral("the request is with the bank, waiting")}, 60000),
                 qPrintable(kiosk.out() + kiosk.log().right(3000)));
        QVERIFY(bank.cli({QStringLiteral("requests")}).contains(QStringLiteral("pending")));

        // The bank goes down while the client waits.
        const qint64 pid = bank.pid();
        QVERIFY(pid > 0);
        ::kill(pid_t(pid), signal);
        QVERIFY(bank.waitForDeath(10000));
        QVERIFY2(
            waitFor(kiosk, {QStringLiteral("the bank cannot be reached; the notice is")}, 30000),
            qPrintable(kiosk.out() + kiosk.log().right(3000)));
        QVERIFY2(kiosk.out().contains(QStringLiteral("the bank cannot be reached; the notice is "
                                                     "shown")),
                 qPrintable(kiosk.out()));
        const int pollsBefore = kiosk.log().count(QStringLiteral("step Poll"));
        QTest::qWait(30000);
        const int pollsDuring = kiosk.log().count(QStringLiteral("step Poll")) - pollsBefore;
        QVERIFY2(kiosk.running(), qPrintable(kiosk.log().right(3000)));
        // Still waiting: no error screen, no end of the journey.
        QVERIFY2(!kiosk.out().contains(QStringLiteral("journey ended")),
                 qPrintable(kiosk.out() + kiosk.log().right(4000)));
        // It keeps trying, with backoff: more than once, far fewer than once a second.
        QVERIFY2(pollsDuring >= 2 && pollsDuring <= 10, qPrintable(QString::number(pollsDuring)));
        // The detail names the cause, not OpenSSL's last retry.
        QVERIFY2(kiosk.log().contains(QStringLiteral("CMP transport: connection refused")),
                 qPrintable(kiosk.log().right(3000)));

        // Back after 30 s; the operator approves; the same journey goes on.
        QVERIFY(bank.restart());
        int rc = -1;
        bank.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        QVERIFY2(waitFor(kiosk, {QStringLiteral("autopilot: journey finished")}, 90000),
                 qPrintable(kiosk.out() + kiosk.log().right(4000)));
        const QString out = kiosk.out();
        QVERIFY(out.contains(QStringLiteral("the bank answers again")));
        QVERIFY(out.contains(QStringLiteral("the certificate is on the token")));
        QVERIFY2(!out.contains(QStringLiteral("journey ended")), qPrintable(out));
        // One request, confirmed; the new certificate in operation on the token.
        const QString requests = bank.cli({QStringLiteral("requests")});
        QCOMPARE(requests.count(QRegularExpression(QStringLiteral("\\bR-\\d+"))), 1);
        QVERIFY2(requests.contains(QStringLiteral("confirmed")), qPrintable(requests));
        const Audit end = audit(client.label);
        QVERIFY2(end.live == 1 && !end.currentLive && end.unverified == 0, qPrintable(end.text));
        qInfo("the bank down %s for 30 s: %d polls meanwhile (backoff), then the same journey "
              "finished; register: 1 request, confirmed",
              signal == SIGKILL ? "(SIGKILL)" : "(SIGTERM)", pollsDuring);
        kiosk.stop();
    }
};

QTEST_GUILESS_MAIN(TestBankOutage)
#include "tst_bankoutage.moc"
