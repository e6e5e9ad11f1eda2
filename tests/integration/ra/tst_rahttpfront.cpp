// keykiosk-ra's HTTP front under the attacks testers made (docs/architecture.md, "The bank's
// HTTP front"): slow connections, a thousand idle ones, a chunked body without end, two
// Content-Length headers, and SIGTERM in the middle of renewals. A real renewal goes through
// each time, and nothing is lost.
#include "harness.h"
#include "rawconnections.h"
#include "softclient.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kk;
using namespace kk::test;

namespace {

QByteArray kurBody(SoftClient &client, const RaServer &ra)
{
    // A real kur, captured on its way out (nobody listens on port 1).
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    Exchange captured;
    std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
        client.clientContext(ra, key.get(), &captured));
    OSSL_CMP_CTX_set_serverPort(ctx.get(), 1);
    OSSL_CMP_exec_certreq(ctx.get(), 7, nullptr);
    return captured.requests.value(0);
}

// Starts `ra` with these settings of ra.conf changed (from, to), and returns a real kur of a
// client it knows.
QByteArray startWithKur(RaServer &ra, QTemporaryDir &scratch, const QString &uid,
                        std::initializer_list<std::pair<const char *, const char *>> changes)
{
    if (!ra.prepare())
        return {};
    for (const auto &change : changes)
        ra.setConfig(QString::fromLatin1(change.first), QString::fromLatin1(change.second));
    SoftClient client;
    if (!ra.start() || !client.make(ra, scratch, uid))
        return {};
    return kurBody(client, ra);
}

} // namespace

class TestRaHttpFront : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    void initTestCase() { raiseFileLimit(); } // the RA inherits it

    void slowConnectionsStarveNobody()
    {
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("header_timeout_ms=5000"),
                     QStringLiteral("header_timeout_ms=3000"));
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("SLOW-1")));
        // 48 connections that send a byte of their headers every 500 ms (more than any
        // thread pool the RA ever had), kept going on a thread of their own.
        std::vector<int> slow;
        for (int i = 0; i < 48; ++i) {
            const int fd = connectFrom("127.0.0.2", ra.port());
            QVERIFY(fd >= 0);
            slow.push_back(fd);
        }
        std::atomic_bool done{false};
        std::thread trickle([&slow, &done] {
            const QByteArray request = "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\n";
            for (int i = 0; !done && i < request.size() * 4; ++i) {
                for (int fd : slow)
                    ::send(fd, request.constData() + (i % request.size()), 1,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
                for (int t = 0; t < 10 && !done; ++t)
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        });
        const int renewed = renewWithin(client, ra, 8);
        done = true;
        trickle.join();
        QVERIFY2(renewed == 1, qPrintable(ra.log()));
        // The header deadline closes every one of them.
        QElapsedTimer timer;
        timer.start();
        int closed = 0;
        while (timer.elapsed() < 15000) {
            closed = int(std::count_if(slow.begin(), slow.end(), closedByServer));
            if (closed == int(slow.size()))
                break;
            QThread::msleep(100);
        }
        for (int fd : slow)
            ::close(fd);
        QCOMPARE(closed, int(slow.size()));
    }

    void aThousandIdleConnectionsStarveNobody()
    {
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("IDLE-1")));
        std::vector<int> idle;
        for (int i = 0; i < 1000; ++i) {
            const int fd = connectFrom("127.0.0.2", ra.port());
            if (fd >= 0)
                idle.push_back(fd);
        }
        QVERIFY(idle.size() >= 900);
        const int renewed = renewWithin(client, ra, 8);
        QThread::msleep(300);
        // Over the per-peer cap (64) they are closed at once.
        const int closed = int(std::count_if(idle.begin(), idle.end(), closedByServer));
        for (int fd : idle)
            ::close(fd);
        QVERIFY2(renewed == 1, qPrintable(ra.log()));
        QVERIFY2(closed >= int(idle.size()) - 64,
                 qPrintable(QStringLiteral("%1 of %2 closed").arg(closed).arg(idle.size())));
        QVERIFY(ra.log().contains(QStringLiteral("connection cap reached")));
    }

    void aConnectionIsKeptForTheClientsNextMessage()
    {
        // HTTP/1.1 keep-alive: a transaction's next message on the same connection (over
        // HTTPS, a TLS handshake less), for keep_alive_ms when idle, then closed.
        RaServer ra;
        const QByteArray kur = startWithKur(ra, m_scratch, QStringLiteral("KEPT-1"),
                                            {{"keep_alive_ms=2000", "keep_alive_ms=400"}});
        QVERIFY(!kur.isEmpty());
        const int fd = connectFrom("127.0.0.1", ra.port());
        QVERIFY(fd >= 0);
        const QByteArray first = exchange(fd, cmpPost(kur));
        QVERIFY2(first.startsWith("HTTP/1.1 200"), first.left(200).constData());
        QVERIFY(!first.toLower().contains("connection: close"));
        // The same kur again on the same connection: answered there (a CMP error: a replay).
        const QByteArray second = exchange(fd, cmpPost(kur));
        QVERIFY2(second.startsWith("HTTP/1.1 200"), second.left(200).constData());
        QCOMPARE(bodyType(second.mid(second.indexOf("\r\n\r\n") + 4).toStdString()), kBodyError);
        // Idle past keep_alive_ms: closed by the RA.
        QVERIFY(closedWithin(fd, 5000));
        ::close(fd);
        // A client that says close, and a refused request, end their connections.
        const int closing = connectFrom("127.0.0.1", ra.port());
        QVERIFY(exchange(closing, cmpPost(kur, "Connection: close\r\n"))
                    .toLower()
                    .contains("connection: close"));
        QVERIFY(closedWithin(closing, 1000));
        ::close(closing);
        const int refused = connectFrom("127.0.0.1", ra.port());
        QVERIFY(exchange(refused, "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                  "text/plain\r\nContent-Length: 1\r\n\r\nx")
                    .startsWith("HTTP/1.1 415"));
        QVERIFY(closedWithin(refused, 1000));
        ::close(refused);
    }

    void connectionsAreNotKeptNearTheCap()
    {
        // With half the connection cap in use, every answer ends its connection: idle kept
        // connections must not take the places of clients still to come.
        RaServer ra;
        const QByteArray kur = startWithKur(ra, m_scratch, QStringLiteral("CAP-1"),
                                            {{"max_connections=1024", "max_connections=4"}});
        QVERIFY(!kur.isEmpty());
        const int waiting1 = connectFrom("127.0.0.2", ra.port());
        const int waiting2 = connectFrom("127.0.0.2", ra.port());
        QVERIFY(waiting1 >= 0 && waiting2 >= 0);
        QThread::msleep(200); // accepted: two places of four taken
        const int fd = connectFrom("127.0.0.1", ra.port());
        const QByteArray answer = exchange(fd, cmpPost(kur));
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(200).constData());
        QVERIFY(answer.toLower().contains("connection: close"));
        QVERIFY(closedWithin(fd, 1000));
        for (int f : {fd, waiting1, waiting2})
            ::close(f);
    }

    void sigtermClosesKeptConnectionsAtOnce()
    {
        // A kept connection with nothing in flight does not hold the RA for the grace time:
        // drain closes it, and the RA exits with nothing unfinished.
        RaServer ra;
        const QByteArray kur =
            startWithKur(ra, m_scratch, QStringLiteral("KEPT-TERM"),
                         {{"keep_alive_ms=2000", "keep_alive_ms=60000"},
                          {"shutdown_grace_seconds=20", "shutdown_grace_seconds=40"}});
        QVERIFY(!kur.isEmpty());
        const int fd = connectFrom("127.0.0.1", ra.port());
        QVERIFY(exchange(fd, cmpPost(kur)).startsWith("HTTP/1.1 200"));
        QVERIFY(!closedWithin(fd, 300)); // kept
        ::kill(ra.pid(), SIGTERM);
        QVERIFY2(ra.waitForDeath(20000), "the kept connection held the RA"); // grace: 40 s
        QVERIFY(closedByServer(fd));
        ::close(fd);
        const QString log = ra.log();
        QVERIFY2(log.contains(QStringLiteral("0 connections unfinished at exit")),
                 qPrintable(log.right(1000)));
    }

    void aChunkedBodyIsCappedToo()
    {
        RaServer ra;
        QVERIFY(ra.start());
        const int fd = connectFrom("127.0.0.2", ra.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendAll(fd, "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/pkixcmp\r\nTransfer-Encoding: chunked\r\n\r\n"));
        const QByteArray chunk = "4000\r\n" + QByteArray(0x4000, '\x30') + "\r\n";
        qint64 sent = 0;
        while (sent < 150ll * 1024 * 1024 && sendAll(fd, chunk))
            sent += chunk.size();
        const QByteArray answer = readAnswer(fd, 5000);
        ::close(fd);
        QVERIFY2(sent < 16ll * 1024 * 1024, qPrintable(QString::number(sent)));
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    }

    void twoContentLengthsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("lengths");
        QTest::newRow("the same twice") << QByteArray("Content-Length: %1\r\nContent-Length: %1");
        QTest::newRow("a list") << QByteArray("Content-Length: %1, %1");
        QTest::newRow("a sign") << QByteArray("Content-Length: +%1");
        QTest::newRow("with chunked") << QByteArray("Content-Length: %1\r\nTransfer-Encoding: "
                                                    "chunked");
    }

    void twoContentLengthsAreRefused()
    {
        QFETCH(QByteArray, lengths);
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("LENGTH-1")));
        const QByteArray body = kurBody(client, ra);
        QVERIFY(!body.isEmpty());
        const int fd = connectFrom("127.0.0.1", ra.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendAll(fd, "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/pkixcmp\r\n" +
                                QString::fromLatin1(lengths).arg(body.size()).toLatin1() +
                                "\r\n\r\n" + body));
        const QByteArray answer = readAnswer(fd, 5000);
        ::close(fd);
        QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.left(200).constData());
        QVERIFY(!ra.cli({QStringLiteral("requests")}).contains(QStringLiteral("R-0")));
    }

    void systemdSocketActivation()
    {
        // systemd passes the listening socket (here its own tool does, as the unit would);
        // the RA binds nothing itself and serves a real renewal on it.
        const QString activate =
            QStandardPaths::findExecutable(QStringLiteral("systemd-socket-activate"));
        QVERIFY2(!activate.isEmpty(), "systemd-socket-activate (package systemd) is missing");
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("http_port=0"), QStringLiteral("http_port=1")); // unused
        // Only the RA is socket-activated here: it signs in-process (no [signer] socket).
        ra.setConfig(QStringLiteral("socket=signer.sock"), QStringLiteral("socket="));
        quint16 port = 0;
        {
            QTcpServer probe; // a free port
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            port = probe.serverPort();
        }
        QProcess activator;
        activator.setProcessChannelMode(QProcess::MergedChannels);
        activator.start(activate, {QStringLiteral("-l"), QStringLiteral("127.0.0.1:%1").arg(port),
                                   QStringLiteral("--fdname=http"), QStringLiteral(KK_RA_PATH),
                                   QStringLiteral("serve"), QStringLiteral("--config"),
                                   ra.dir() + QStringLiteral("/ra.conf")});
        QVERIFY(activator.waitForStarted());
        QElapsedTimer timer;
        timer.start();
        while (!activator.readAll().isEmpty() || timer.elapsed() < 300)
            QThread::msleep(50); // "Listening on ..."
        {
            QTcpSocket first; // systemd starts the service at the first connection
            first.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(first.waitForConnected(5000));
        }
        // The client's certificate joins the register through the running RA's admin socket.
        SoftClient client;
        for (int i = 0; i < 50 && !client.make(ra, m_scratch, QStringLiteral("SOCKET-1")); ++i)
            QThread::msleep(100);
        QVERIFY(client.oldCert);
        client.begin(ra);
        int rv = -1;
        while (rv == -1)
            rv = client.step(port);
        ::kill(pid_t(activator.processId()), SIGTERM); // the RA itself, after the exec
        QVERIFY(activator.waitForFinished(30000));
        const QByteArray output = activator.readAll();
        QVERIFY2(rv == 1, output.constData());
        QVERIFY2(output.contains("listening on http://127.0.0.1:" + QByteArray::number(port)),
                 output.constData());
        QCOMPARE(activator.exitCode(), 0);
    }

    void sigtermFinishesWhatIsInFlightAndLosesNothing()
    {
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("auto_delay_seconds=1"),
                     QStringLiteral("auto_delay_seconds=0"));
        QVERIFY(ra.start());
        constexpr int kClients = 12;
        std::vector<std::unique_ptr<SoftClient>> clients;
        for (int i = 0; i < kClients; ++i) {
            clients.push_back(std::make_unique<SoftClient>());
            QVERIFY(clients.back()->make(ra, m_scratch, QStringLiteral("TERM-%1").arg(i)));
        }
        // Each client renews one key, trying again (the same key) until it has a certificate:
        // across the SIGTERM and the restart.
        std::atomic_int finished{0};
        std::atomic<quint16> port{ra.port()};
        std::vector<std::thread> threads;
        for (auto &client : clients) {
            client->begin(ra);
            threads.emplace_back([&client, &finished, &port] {
                QElapsedTimer timer;
                timer.start();
                while (timer.elapsed() < 60000) {
                    if (client->step(port) == 1) {
                        ++finished;
                        return;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }
            });
        }
        QThread::msleep(150); // renewals under way
        ::kill(ra.pid(), SIGTERM);
        QVERIFY(ra.waitForDeath(30000));
        const QString log = ra.log();
        QVERIFY2(log.contains(QStringLiteral("0 connections unfinished at exit")), qPrintable(log));
        QVERIFY(ra.restart());
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(finished.load(), kClients);
        QCOMPARE(ra.cli({QStringLiteral("requests"), QStringLiteral("--status"),
                         QStringLiteral("confirmed")})
                     .count(QStringLiteral("R-0")),
                 kClients);
        QCOMPARE(ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), kClients);
        qInfo("SIGTERM: %s", qPrintable(log.section(QStringLiteral("stopped:"), 1).trimmed()));
    }
};

QTEST_GUILESS_MAIN(TestRaHttpFront)
#include "tst_rahttpfront.moc"
