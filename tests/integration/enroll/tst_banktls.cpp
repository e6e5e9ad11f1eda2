// The kiosk reaches the bank over HTTPS by default (docs/architecture.md, "The kiosk and the
// bank"): the RA's TLS certificate is checked against the bank CA and the address, or
// against a pinned certificate; a kiosk may identify itself with a certificate; plain HTTP
// needs an explicit setting. Each refusal happens before anything reaches the bank.
#include "../ra/softclient.h"
#include "harness.h"

#include "keykiosk/enroll/bankmonitor.h"
#include "keykiosk/enroll/cmpclient.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest>

#include <atomic>
#include <csignal>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kk;
using namespace kk::test;

namespace {

// One key update with software keys through the kiosk's CMP client: the final state, and the
// error if it failed.
EnrollStep renew(const CmpEndpoint &endpoint, SoftClient &client)
{
    EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
    KeyUpdate update(endpoint, client.oldCert.get(), client.oldKey.get(), newKey.get(),
                     [](const QByteArray &) { return Error(); });
    EnrollStep step = update.step();
    for (int i = 0; i < 20 && step.state == EnrollState::Waiting; ++i) {
        QThread::msleep(500);
        step = update.step();
    }
    return step;
}

int requestsAtTheBank(const RaServer &ra)
{
    return ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0"));
}

} // namespace

class TestBankTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    // SIGPIPE is left as it is (it ends a process by default): the kiosk's client makes a
    // write to a connection the bank closed an error itself (BrokenPipeIsAnError), in any
    // process that embeds it, and theKioskSendsAgainWhenTheBankClosedTheKeptConnection
    // writes to one.
    void initTestCase() { QVERIFY(std::signal(SIGPIPE, SIG_DFL) != SIG_ERR); }

    void aRenewalGoesOverHttps()
    {
        RaServer ra;
        QVERIFY(ra.start());
        QVERIFY(ra.url().startsWith(QLatin1String("https://127.0.0.1:")));
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("TLS-1")));
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY2(endpoint, qPrintable(endpoint.error().logText()));
        const EnrollStep step = renew(endpoint.value(), client);
        QVERIFY2(step.state == EnrollState::Issued, qPrintable(step.error.logText()));
        // The same through a pinned TLS certificate.
        BankTlsOptions pinned;
        pinned.pinnedCertPath = ra.dir() + QStringLiteral("/tls.cert.pem");
        auto pinnedEndpoint =
            CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath(), pinned);
        QVERIFY(pinnedEndpoint);
        SoftClient second;
        QVERIFY(second.make(ra, m_scratch, QStringLiteral("TLS-2")));
        const EnrollStep again = renew(pinnedEndpoint.value(), second);
        QVERIFY2(again.state == EnrollState::Issued, qPrintable(again.error.logText()));
    }

    void aTransactionGoesOverOneConnection()
    {
        // The kur and its certConf on one HTTPS connection: one TLS handshake, not two (the
        // RA keeps the connection for keep_alive_ms; its stop line counts both).
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("auto_delay_seconds=1"), // approved at once: no poll
                     QStringLiteral("auto_delay_seconds=0"));
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("ONE-1")));
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint);
        const EnrollStep step = renew(endpoint.value(), client);
        QVERIFY2(step.state == EnrollState::Issued, qPrintable(step.error.logText()));
        ::kill(ra.pid(), SIGTERM);
        QVERIFY(ra.waitForDeath(20000));
        const QString log = ra.log();
        QVERIFY2(log.contains(QStringLiteral("stopped: 1 connections, 2 exchanges (1 on kept "
                                             "connections)")),
                 qPrintable(log.right(1500)));
    }

    void theKioskSendsAgainWhenTheBankClosedTheKeptConnection()
    {
        // The bank keeps an idle connection 100 ms; the kiosk polls 500 ms after the kur
        // (approval after a second): its kept connection is gone, and it sends the poll again
        // on a new one instead of failing the step.
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("keep_alive_ms=2000"), QStringLiteral("keep_alive_ms=100"));
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("AGAIN-1")));
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint);
        const EnrollStep step = renew(endpoint.value(), client);
        QVERIFY2(step.state == EnrollState::Issued, qPrintable(step.error.logText()));
        QCOMPARE(requestsAtTheBank(ra), 1);
    }

    void theKioskPassesOverANodeThatDoesNotAnswer()
    {
        // [bank] url with several RA nodes: one refuses connections, one accepts and never
        // answers (hung), the third is the bank. The kiosk gets its certificate from the third.
        RaServer ra;
        QVERIFY(ra.start());
        QTcpServer hung;
        QVERIFY(hung.listen(QHostAddress::LocalHost));
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 refusing = closed.serverPort();
        closed.close();
        const QString urls = QStringLiteral("https://127.0.0.1:%1/.well-known/cmp  "
                                            "https://127.0.0.1:%2/.well-known/cmp %3")
                                 .arg(refusing)
                                 .arg(hung.serverPort())
                                 .arg(ra.url());
        auto endpoint = CmpEndpoint::fromFiles(urls, ra.raCertPath(), ra.caCertPath());
        QVERIFY2(endpoint, qPrintable(endpoint.error().logText()));
        QCOMPARE(endpoint->addresses.size(), 3);
        endpoint->messageTimeoutSeconds = 2;
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("HA-1")));
        const EnrollStep step = renew(endpoint.value(), client);
        QVERIFY2(step.state == EnrollState::Issued, qPrintable(step.error.logText()));
        QCOMPARE(requestsAtTheBank(ra), 1);

        // The kiosk's reachability probe tries the nodes in order too.
        BankMonitor up({{QStringLiteral("127.0.0.1"), refusing},
                        {QStringLiteral("127.0.0.1"), int(ra.tlsPort())}},
                       1);
        BankMonitor down(
            {{QStringLiteral("127.0.0.1"), refusing}, {QStringLiteral("127.0.0.1"), refusing}}, 1);
        QSignalSpy upChanged(&up, &BankMonitor::reachableChanged);
        QSignalSpy downChanged(&down, &BankMonitor::reachableChanged);
        up.start();
        down.start();
        QTRY_COMPARE_WITH_TIMEOUT(downChanged.size(), 1, 8000); // two failed probes in a row
        QVERIFY(!down.reachable());
        QVERIFY(up.reachable());
        QCOMPARE(upChanged.size(), 0);
    }

    void aHandshakeCutOffIsAnOutageNotARefusal_data()
    {
        QTest::addColumn<bool>("reset");
        QTest::newRow("closed (EOF)") << false;
        QTest::newRow("reset (RST)") << true;
    }
    void aHandshakeCutOffIsAnOutageNotARefusal()
    {
        // An RA that stops or restarts accepts a connection and drops it mid-handshake. That
        // is the network's doing (KK-401, the client waits on), not a bank that failed its TLS
        // check (KK-405, which ends the journey).
        QFETCH(bool, reset);
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("CUT-%1").arg(int(reset))));
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        QVERIFY(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
                ::listen(listener, 8) == 0 &&
                ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &size) == 0);
        std::atomic<bool> stop{false};
        std::thread cutter([listener, reset, &stop] {
            while (!stop) {
                const int fd = ::accept(listener, nullptr, nullptr);
                if (fd < 0)
                    return;
                if (reset) {
                    const linger abort{1, 0};
                    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
                }
                ::close(fd);
            }
        });
        auto endpoint = CmpEndpoint::fromFiles(
            QStringLiteral("https://127.0.0.1:%1/.well-known/cmp").arg(ntohs(address.sin_port)),
            ra.raCertPath(), ra.caCertPath());
        QVERIFY(endpoint);
        endpoint->messageTimeoutSeconds = 3;
        const EnrollStep step = renew(endpoint.value(), client);
        stop = true;
        ::shutdown(listener, SHUT_RDWR);
        ::close(listener);
        cutter.join();
        QCOMPARE(int(step.state), int(EnrollState::Failed));
        QVERIFY2(step.error.code == ErrorCode::BankUnreachable, qPrintable(step.error.logText()));
        qInfo("%s", qPrintable(step.error.detail));
    }

    void aServerTheKioskCannotTrustGetsNothing_data()
    {
        QTest::addColumn<QString>("serverCert");
        QTest::addColumn<QString>("pin");
        // The bank CA issued it, but not for this address (the staff certificate serves TLS).
        QTest::newRow("another name") << QStringLiteral("staff") << QString();
        // Pinned: any other certificate than the pinned one, even from the bank CA.
        QTest::newRow("not the pinned one") << QStringLiteral("tls") << QStringLiteral("ra");
    }

    void aServerTheKioskCannotTrustGetsNothing()
    {
        QFETCH(QString, serverCert);
        QFETCH(QString, pin);
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("tls_cert=tls.cert.pem"),
                     QStringLiteral("tls_cert=%1.cert.pem").arg(serverCert));
        ra.setConfig(QStringLiteral("tls_key=tls.key.pem"),
                     QStringLiteral("tls_key=%1.key.pem").arg(serverCert));
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("UNTRUSTED-") + serverCert));
        BankTlsOptions options;
        if (!pin.isEmpty())
            options.pinnedCertPath = ra.dir() + QStringLiteral("/%1.cert.pem").arg(pin);
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath(), options);
        QVERIFY(endpoint);
        const EnrollStep step = renew(endpoint.value(), client);
        QCOMPARE(int(step.state), int(EnrollState::Failed));
        QCOMPARE(step.error.code, ErrorCode::BankProtocolError);
        QVERIFY2(step.error.detail.contains(QLatin1String("TLS to the bank failed")),
                 qPrintable(step.error.logText()));
        QCOMPARE(requestsAtTheBank(ra), 0);
    }

    void plainHttpNeedsAnExplicitSetting()
    {
        RaServer ra;
        QVERIFY(ra.start());
        const QString plain = QStringLiteral("http://127.0.0.1:%1/.well-known/cmp").arg(ra.port());
        auto refused = CmpEndpoint::fromFiles(plain, ra.raCertPath(), ra.caCertPath());
        QVERIFY(!refused);
        QVERIFY(refused.error().detail.contains(QLatin1String("plain HTTP")));
        BankTlsOptions allow;
        allow.allowPlainHttp = true;
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("plain HTTP.*clear text")));
        auto allowed = CmpEndpoint::fromFiles(plain, ra.raCertPath(), ra.caCertPath(), allow);
        QVERIFY(allowed);
        QVERIFY(!allowed->addresses.first().tls);
    }

    void aKioskCertificateIdentifiesTheKiosk()
    {
        RaServer ra;
        QVERIFY(ra.start());
        SoftClient client;
        QVERIFY(client.make(ra, m_scratch, QStringLiteral("KIOSK-1")));
        // A certificate from the bank CA stands for the kiosk's (the demo's staff one).
        BankTlsOptions kiosk;
        kiosk.clientCertPath = ra.dir() + QStringLiteral("/staff.cert.pem");
        kiosk.clientKeyPath = ra.dir() + QStringLiteral("/staff.key.pem");
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath(), kiosk);
        QVERIFY2(endpoint, qPrintable(endpoint.error().logText()));
        const EnrollStep step = renew(endpoint.value(), client);
        QVERIFY2(step.state == EnrollState::Issued, qPrintable(step.error.logText()));
        QVERIFY2(ra.log().contains(QStringLiteral("kiosk certificate")), qPrintable(ra.log()));

        // One from another CA ends the handshake: the bank hears nothing.
        QTemporaryDir other;
        QCOMPARE(QProcess::execute(harnessPath("testpki"),
                                   {QStringLiteral("ca"), QStringLiteral("--dir"), other.path()}),
                 0);
        EvpPkeyPtr strangerKey(EVP_EC_gen("P-256"));
        const QString keyPath = other.filePath(QStringLiteral("stranger.key.pem"));
        const QString pubPath = other.filePath(QStringLiteral("stranger.pub.der"));
        const QString certPath = other.filePath(QStringLiteral("stranger.cert.pem"));
        {
            BioPtr out(BIO_new_file(QFile::encodeName(keyPath).constData(), "w"));
            PEM_write_bio_PrivateKey(out.get(), strangerKey.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr);
            QFile pub(pubPath);
            pub.open(QIODevice::WriteOnly);
            pub.write(
                derBytes([&](unsigned char **o) { return i2d_PUBKEY(strangerKey.get(), o); }));
        }
        QCOMPARE(QProcess::execute(harnessPath("testpki"),
                                   {QStringLiteral("issue"), QStringLiteral("--dir"), other.path(),
                                    QStringLiteral("--spki"), pubPath, QStringLiteral("--pem-out"),
                                    certPath, QStringLiteral("--cn"), QStringLiteral("Stranger")}),
                 0);
        BankTlsOptions stranger;
        stranger.clientCertPath = certPath;
        stranger.clientKeyPath = keyPath;
        auto strangerEndpoint =
            CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath(), stranger);
        QVERIFY2(strangerEndpoint, qPrintable(strangerEndpoint.error().logText()));
        const int before = requestsAtTheBank(ra);
        SoftClient third;
        QVERIFY(third.make(ra, m_scratch, QStringLiteral("KIOSK-2")));
        const EnrollStep refused = renew(strangerEndpoint.value(), third);
        QCOMPARE(int(refused.state), int(EnrollState::Failed));
        QCOMPARE(requestsAtTheBank(ra), before);
    }
};

QTEST_GUILESS_MAIN(TestBankTls)
#include "tst_banktls.moc"
