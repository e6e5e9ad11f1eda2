// The bank's traffic runs off the token thread: while a key update hangs on a bank that never
// answers, a token inserted into the reader is still reported (its PKCS#11 slot is found on
// the token thread), long before the exchange gives up.
#include "harness.h"
#include "realrenewal.h"
#include "touchtraces.h"

#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/tokenpresence.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

using namespace kk;
using namespace kk::test;

class TestBankThread : public QObject
{
    Q_OBJECT
private slots:
    void aHangingBankDoesNotHoldTheTokenThread()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());

        // A bank that takes the connection and never answers.
        QTcpServer silentBank;
        QVERIFY(silentBank.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> held;
        connect(&silentBank, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *socket = silentBank.nextPendingConnection())
                held << socket;
        });
        auto endpoint = CmpEndpoint::fromFiles(
            QStringLiteral("https://127.0.0.1:%1/.well-known/cmp").arg(silentBank.serverPort()),
            token.caCertificatePath(), token.caCertificatePath());
        QVERIFY(endpoint);
        endpoint->messageTimeoutSeconds = 10;
        endpoint->totalTimeoutSeconds = 10;

        TokenService tokens(softhsmModule());
        PcscMonitor pcsc;
        TokenPresence presence(&tokens, &pcsc, nullptr);
        pcsc.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);

        auto loaded = Pkcs11Module::load(softhsmModule());
        const TokenInfo info = loaded.value()->tokens().value().first();
        Renewal renewal(&tokens, nullptr, endpoint.value());
        renewal.start(info, QByteArray::fromHex("01"));
        renewal.confirm();
        renewal.submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(renewal.state(), WorkflowState::CollectingEntropy);
        EntropyPool pool;
        feed(pool, humanTrace(3, 7));
        renewal.entropyReady(pool.seed().value());
        // The request is signed (on the token thread) and on its way: the bank holds it.
        QTRY_COMPARE_WITH_TIMEOUT(renewal.state(), WorkflowState::Sending, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!held.isEmpty(), 5000);

        QElapsedTimer sinceInsert;
        VirtualCard card;
        QVERIFY(card.insert(pcscd.port()));
        sinceInsert.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenReady, 5000);
        const qint64 reportedAfter = sinceInsert.elapsed();
        // The decisive order: the token was reported while the exchange was still hanging.
        QCOMPARE(renewal.state(), WorkflowState::Sending);
        qInfo("token reported %lld ms after insertion, while the bank exchange hung",
              reportedAfter);

        QTRY_COMPARE_WITH_TIMEOUT(renewal.state(), WorkflowState::Error, 20000);
        QCOMPARE(renewal.errorId(), QStringLiteral("KK-401"));
        pcsc.stop();
    }
};

QTEST_GUILESS_MAIN(TestBankThread)
#include "tst_bankthread.moc"
