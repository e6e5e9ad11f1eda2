// The kill matrix (docs/architecture.md): the kiosk - the real keykiosk binary, its autopilot
// renewing through the real UI on the offscreen platform, a SoftHSM2 token behind a private
// pcscd, keykiosk-ra over loopback - is killed with SIGKILL at each named point of the
// renewal (a fault point compiled into test builds only, include/keykiosk/faultpoint.h), then
// started again with the same journal and token. The client at the restarted kiosk does what
// the screen offers, and then:
//   - the bank's register holds exactly one request for the old certificate, confirmed
//     (none left "issued" or "approved");
//   - the token holds exactly one live certificate for the profile, the new one, and the old
//     key set archived - and, right after the kill, the old key is archived only if the new
//     certificate is already on the token;
//   - every live key signs, verified with its certificate;
//   - no key is left without a certificate;
//   - the screen the client saw first after the restart fits the point (status, offer, and
//     no drawing for a key that already exists).
#include "kioskprocess.h"

#include "keykiosk/journal/journal.h"

#include <QDir>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>

using namespace kk;
using namespace kk::test;

class TestKillMatrix : public QObject
{
    Q_OBJECT
private slots:
    void killedAtEachPointThenRestarted_data()
    {
        QTest::addColumn<QString>("point");
        QTest::addColumn<QString>("tableAfterRestart"); // status and offer, as the kiosk logs it
        QTest::addColumn<bool>("drawsAgain");
        QTest::addColumn<bool>("bankHadTheRequest"); // at the moment of the kill
        const QString planned =
            QStringLiteral("status PlannedRegenerationNeeded, lifecycle %1, offers Renew");
        const QString accepted =
            QStringLiteral("status AcceptedByBank, lifecycle with-bank, offers PickUp");
        const QString certificate = QStringLiteral(
            "status NewCertificateReceived, lifecycle have-certificate, offers PickUp");
        const QString done = QStringLiteral("status InOperation, lifecycle need-key, offers Renew");
        // each persisted lifecycle step, each token write, and the bank's confirmation
        QTest::newRow("journal-need-key")
            << "journal-need-key" << planned.arg(QStringLiteral("need-key")) << true << false;
        QTest::newRow("token-key-generated")
            << "token-key-generated" << planned.arg(QStringLiteral("have-pending-key")) << false
            << false;
        QTest::newRow("journal-have-pending-key")
            << "journal-have-pending-key" << planned.arg(QStringLiteral("have-pending-key"))
            << false << false;
        QTest::newRow("token-key-accepted") << "token-key-accepted" << accepted << false << true;
        QTest::newRow("journal-with-bank") << "journal-with-bank" << accepted << false << true;
        QTest::newRow("token-certificate-written")
            << "token-certificate-written" << certificate << false << true;
        QTest::newRow("journal-have-certificate")
            << "journal-have-certificate" << certificate << false << true;
        QTest::newRow("bank-confirmed") << "bank-confirmed" << certificate << false << true;
        QTest::newRow("token-old-key-archived")
            << "token-old-key-archived" << certificate << false << true;
        QTest::newRow("token-new-key-promoted")
            << "token-new-key-promoted" << done << false << true;
        QTest::newRow("journal-done") << "journal-done" << done << false << true;
    }

    void killedAtEachPointThenRestarted()
    {
        QFETCH(QString, point);
        QFETCH(QString, tableAfterRestart);
        QFETCH(bool, drawsAgain);
        QFETCH(bool, bankHadTheRequest);

        RaServer::Options bankOptions;
        bankOptions.autoDelaySeconds = 2; // "waiting" first, then the certificate
        bankOptions.checkAfterSeconds = 1;
        RaServer bank(bankOptions);
        QVERIFY(bank.start());
        TokenOptions tokenOptions;
        tokenOptions.caDir = bank.dir();
        tokenOptions.daysLeft = 20;
        TestToken token(tokenOptions);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());

        QTemporaryDir kioskDir;
        const QString config = writeKioskConfig(kioskDir, softhsmModule(), bank);
        QVERIFY(!config.isEmpty());
        const QStringList environment = autopilotEnvironment(pcscd);

        // 1. The kiosk dies at the point.
        VirtualCard card;
        Run killed;
        {
            Kiosk first(config, environment + QStringList{QStringLiteral("KK_KILL_AT=") + point});
            QVERIFY(first.started());
            QVERIFY(waitFor(first, {QStringLiteral("autopilot: waiting for the token")}, 15000));
            QVERIFY(card.insert(pcscd.port()));
            killed = first.waitForDeath(60000);
        }
        QVERIFY2(killed.crashed, qPrintable(killed.log.right(3000)));
        QVERIFY2(killed.log.contains(QStringLiteral("kk fault point: SIGKILL at ") + point),
                 qPrintable(killed.log.right(3000)));
        const QString registerAtKill = bank.cli({QStringLiteral("requests")});
        QCOMPARE(registerAtKill.count(QStringLiteral("R-0")), bankHadTheRequest ? 1 : 0);
        const Audit atKill = audit();
        QVERIFY2(atKill.live >= 0, qPrintable(atKill.text));
        // The old key is archived only once the new certificate is on the token.
        if (atKill.archived > 0)
            QVERIFY2(atKill.newCertificates + atKill.live >= 1 && !atKill.currentLive,
                     qPrintable(atKill.text));
        QVERIFY2(atKill.live <= 1, qPrintable(atKill.text)); // never two in operation
        QCOMPARE(atKill.unverified, 0);

        // 2. The same kiosk again: same journal, same token, still in the reader.
        Run restarted;
        {
            Kiosk second(config, environment);
            QVERIFY(second.started());
            QVERIFY2(waitFor(second, {QStringLiteral("autopilot: the token screen shows")}, 20000),
                     qPrintable(second.log().right(3000)));
            const bool ended = waitFor(second,
                                       {QStringLiteral("autopilot: journey finished"),
                                        QStringLiteral("autopilot: nothing to do")},
                                       60000);
            restarted = second.stop();
            QVERIFY2(ended, qPrintable(restarted.out + restarted.log.right(4000)));
        }
        // What the client saw first: the profile's status and what the kiosk offered.
        // (The profile is named by its current key: 01, or the new key once it is in operation.)
        const QRegularExpression table(QStringLiteral("profile [0-9a-f]+: ") +
                                       QRegularExpression::escape(tableAfterRestart));
        QVERIFY2(restarted.log.contains(table), qPrintable(restarted.log.right(4000)));
        QCOMPARE(restarted.out.contains(QStringLiteral("drawing on the entropy pad")), drawsAgain);
        QVERIFY(!restarted.out.contains(QStringLiteral("journey ended in")));

        // 3. The end state.
        const QString registerNow = bank.cli({QStringLiteral("requests")});
        QCOMPARE(registerNow.count(QStringLiteral("R-0")),
                 1); // one request for the old certificate
        QVERIFY2(registerNow.contains(QStringLiteral(" confirmed ")), qPrintable(registerNow));
        QVERIFY(!registerNow.contains(QStringLiteral(" issued ")));
        QVERIFY(!registerNow.contains(QStringLiteral(" approved ")));
        const Audit end = audit();
        QCOMPARE(end.live, 1); // one live certificate for the profile: the new one
        QVERIFY2(!end.currentLive, qPrintable(end.text));
        QCOMPARE(end.archived, 1);
        QCOMPARE(end.newCertificates, 0);
        QCOMPARE(end.keysWithoutCertificate, 0); // no orphan keys
        QCOMPARE(end.unverified, 0);             // every live key signs
        // Whole key sets, the kiosk's ids (SHA-1 of the key), nothing of no profile.
        QVERIFY2(end.halves == 0 && end.badIds == 0 && end.orphans == 0, qPrintable(end.text));
        qInfo("%s: after the restart the kiosk showed \"%s\"; register: 1 request, confirmed; "
              "token: 1 live certificate (verifies), the old one archived, no orphan key",
              qPrintable(point), qPrintable(tableAfterRestart));
    }

    // A signers' sitting killed while its second signer's request reaches the bank (the same
    // kill point, its second time), then restarted: the board comes back as it was, signer 2
    // picks up, and the sitting finishes with both signers renewed and one request each.
    void aSittingKilledMidwayThenRestarted()
    {
        RaServer::Options bankOptions;
        bankOptions.autoDelaySeconds = 2;
        bankOptions.checkAfterSeconds = 1;
        RaServer bank(bankOptions);
        QVERIFY(bank.start());
        auto signer = [&bank](const char *label, const char *cn, int days) {
            TokenOptions o;
            o.label = QString::fromLatin1(label);
            o.caDir = bank.dir();
            o.commonName = QString::fromUtf8(cn);
            o.daysLeft = days;
            return o;
        };
        TestToken store(signer("Director", "Директоров Дмитрий", 20));
        QVERIFY2(store.isValid() && store.addToken(signer("Accountant", "Бухгалтерова Анна", 25)),
                 qPrintable(store.error()));
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());

        QTemporaryDir kioskDir;
        const QString journalPath = kioskDir.filePath(QStringLiteral("journal.db"));
        const QString readerHolds = kioskDir.filePath(QStringLiteral("reader-holds"));
        const QString config = writeKioskConfig(kioskDir, harnessPath("pinshim"), bank);
        QVERIFY(!config.isEmpty());
        // One reader; the shim names the slot of whichever token is in it.
        auto hold = [&readerHolds](const char *label) {
            QFile file(readerHolds);
            file.open(QIODevice::WriteOnly);
            file.write(QByteArray(label) + "=Virtual PCD 00 00\n");
        };
        const QStringList environment =
            autopilotEnvironment(pcscd)
            << QStringLiteral("KK_AUTOPILOT_SITTING=2")
            << QStringLiteral("KK_SHIM_TARGET=") + softhsmModule()
            << QStringLiteral("KK_SHIM_SLOT_READERS_FILE=") + readerHolds;

        VirtualCard card;
        Run killed;
        {
            Kiosk first(config, environment +
                                    QStringList{QStringLiteral("KK_KILL_AT=journal-with-bank@2")});
            QVERIFY(first.started());
            QVERIFY(waitFor(first, {QStringLiteral("autopilot: waiting for the token")}, 15000));
            hold("Director");
            QVERIFY(card.insert(pcscd.port()));
            QVERIFY2(waitFor(first, {QStringLiteral("autopilot: signer finished")}, 90000),
                     qPrintable(first.out() + first.log().right(3000)));
            card.remove();
            QTest::qWait(1000);
            hold("Accountant");
            QVERIFY(card.insert(pcscd.port()));
            killed = first.waitForDeath(90000);
        }
        QVERIFY2(killed.crashed &&
                     killed.log.contains(QStringLiteral("SIGKILL at journal-with-bank")),
                 qPrintable(killed.log.right(3000)));
        const QRegularExpression started(QStringLiteral("sitting \"(S-[0-9A-F-]+)\" started"));
        const QString sittingId = started.match(killed.log).captured(1);
        QVERIFY2(!sittingId.isEmpty(), qPrintable(killed.log.right(3000)));

        // The same kiosk again, the accountant's token still in.
        Run restarted;
        {
            Kiosk second(config, environment);
            QVERIFY(second.started());
            const bool finished =
                waitFor(second, {QStringLiteral("autopilot: signer finished")}, 90000);
            restarted = second.stop();
            QVERIFY2(finished, qPrintable(restarted.out + restarted.log.right(4000)));
        }
        // The board came back as it was: signer 1 renewed, signer 2 mid-way (their journey
        // died with the kiosk; the token shows the request with the bank).
        QVERIFY2(
            restarted.log.contains(QStringLiteral("reopened with 2 signer(s)")) &&
                restarted.log.contains(
                    QStringLiteral("signer 1 SignerCertificateReceived (reopened)")) &&
                restarted.log.contains(QStringLiteral("signer 2 SignerWaitingForToken (reopened)")),
            qPrintable(restarted.log.right(4000)));
        QVERIFY2(restarted.out.contains(QStringLiteral("acts: принят банком")),
                 qPrintable(restarted.out)); // signer 2 picked up, no new key drawn
        QVERIFY(!restarted.out.contains(QStringLiteral("drawing on the entropy pad")));
        // The bank: one request per signer, both confirmed, both of this sitting.
        const QString listed =
            bank.cli({QStringLiteral("requests"), QStringLiteral("--sitting"), sittingId});
        QVERIFY2(listed.contains(QStringLiteral("sitting %1: 2 request(s)").arg(sittingId)) &&
                     listed.count(QStringLiteral(" confirmed ")) == 2,
                 qPrintable(listed));
        // The journal: the board as it stands, both signers with their new certificates.
        auto journal = Journal::open(journalPath).takeValue();
        const auto board = journal->openSitting().value();
        QVERIFY(board && board->id == sittingId);
        QCOMPARE(board->signers.size(), 2);
        for (const SittingSigner &s : board->signers) {
            QCOMPARE(s.status, SignerStatus::SignerCertificateReceived);
            QVERIFY(!s.certificateDer.isEmpty());
        }
        qInfo("sitting killed at journal-with-bank@2: the board came back (signer 1 certificate "
              "received, signer 2 waiting for their token), signer 2 picked up; register: %s",
              qPrintable(listed.section(QLatin1Char('\n'), 0, 0)));
    }
};

QTEST_GUILESS_MAIN(TestKillMatrix)
#include "tst_killmatrix.moc"
