// keykiosk-ra's front under the attacks of issue 25's testers (docs/architecture.md, "The
// bank's HTTP front"): request framing without end (a chunk-size line, a chunk extension, a
// trailer, a header line) on 64 connections at once, answered as soon as a cap is passed
// and within bounded memory; and 1,100 slow connections from 59 addresses that fill the
// connection cap while real clients renew from another one.
#include "harness.h"
#include "httpfront.h"
#include "rawconnections.h"
#include "softclient.h"

#include <QtTest>

#include <algorithm>
#include <atomic>
#include <thread>

#include <fcntl.h>
#include <signal.h>

using namespace kk;
using namespace kk::test;

namespace {

// A /proc/PID/status figure in kB (VmHWM: the peak resident memory so far).
long statusKb(qint64 pid, const char *field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').value(0).toLong();
    return -1;
}

const QByteArray kChunkedHead = "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                "application/pkixcmp\r\nTransfer-Encoding: chunked\r\n\r\n";

// Connections that each send `start`, then `filler` without end, until the RA answers or
// closes (or `giveUpBytes` went out on one: the RA is not bounded). Their answers.
struct Flood
{
    struct Connection
    {
        int fd = -1;
        qint64 sent = 0;
        QByteArray answer;
        bool ended = false;
    };
    std::vector<Connection> connections;

    bool run(quint16 port, int count, const QByteArray &start, char filler, qint64 giveUpBytes)
    {
        for (int i = 0; i < count; ++i) {
            Connection c;
            c.fd = connectFrom("127.0.0.2", port);
            if (c.fd < 0 || !sendAll(c.fd, start))
                return false;
            ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
            connections.push_back(c);
        }
        const QByteArray block(64 * 1024, filler);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 60000) {
            bool anyOpen = false;
            for (Connection &c : connections) {
                if (c.ended)
                    continue;
                char buffer[4096];
                ssize_t n;
                while ((n = ::recv(c.fd, buffer, sizeof buffer, 0)) > 0)
                    c.answer.append(buffer, int(n));
                if (n == 0 || (n < 0 && errno != EAGAIN) || c.answer.contains("\r\n\r\n") ||
                    c.sent > giveUpBytes) {
                    c.ended = true;
                    ::close(c.fd);
                    continue;
                }
                anyOpen = true;
                const ssize_t out =
                    ::send(c.fd, block.constData(), std::size_t(block.size()), MSG_NOSIGNAL);
                if (out > 0)
                    c.sent += out;
            }
            if (!anyOpen)
                return true;
        }
        return false;
    }
};

// Slow connections that keep the RA's cap full, as the testers did: from 59 addresses,
// each sending a byte of its headers now and then, and connecting again at once when the RA
// closes one (a deadline, or shed for a new client).
class SlowCrowd
{
public:
    SlowCrowd(quint16 port, int count) : m_port(port), m_fds(std::size_t(count), -1) {}
    ~SlowCrowd() { stop(); }

    void start()
    {
        for (std::size_t i = 0; i < m_fds.size(); ++i)
            m_fds[i] = open(i);
        m_thread = std::thread([this] { keepUp(); });
    }
    void stop()
    {
        m_done = true;
        if (m_thread.joinable())
            m_thread.join();
        for (int &fd : m_fds)
            if (fd >= 0)
                ::close(std::exchange(fd, -1));
    }
    long reconnects() const { return m_reconnects; }

private:
    int open(std::size_t i)
    {
        // 127.0.0.2 ... 127.0.0.60, in turn.
        const std::string from = "127.0.0." + std::to_string(2 + i % 59);
        return connectFrom(from.c_str(), m_port, true);
    }
    void keepUp()
    {
        static const char kHead[] = "POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\n";
        std::vector<pollfd> polled(m_fds.size());
        QElapsedTimer trickle;
        trickle.start();
        int step = 0;
        while (!m_done) {
            for (std::size_t i = 0; i < m_fds.size(); ++i)
                polled[i] = {m_fds[i], POLLIN, 0};
            ::poll(polled.data(), nfds_t(polled.size()), 20);
            for (std::size_t i = 0; i < m_fds.size(); ++i) {
                char byte;
                const bool gone =
                    m_fds[i] < 0 || (polled[i].revents & (POLLIN | POLLHUP | POLLERR) &&
                                     ::recv(m_fds[i], &byte, 1, MSG_DONTWAIT) <= 0);
                if (gone) {
                    if (m_fds[i] >= 0)
                        ::close(m_fds[i]);
                    m_fds[i] = open(i);
                    ++m_reconnects;
                }
            }
            if (trickle.elapsed() >= 500) { // a byte every half second: never a whole header
                trickle.restart();
                for (int fd : m_fds)
                    if (fd >= 0)
                        ::send(fd, kHead + step % (sizeof kHead - 1), 1,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
                ++step;
            }
        }
    }

    const quint16 m_port;
    std::vector<int> m_fds;
    std::thread m_thread;
    std::atomic_bool m_done{false};
    std::atomic_long m_reconnects{0};
};

} // namespace

class TestRaFrontAttack : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    void initTestCase()
    {
        raiseFileLimit();           // the RA inherits it
        ::signal(SIGPIPE, SIG_IGN); // OpenSSL's HTTP client writes to connections the RA shed
    }

    void framingWithoutEndIsRefusedAtOnce_data()
    {
        QTest::addColumn<QByteArray>("start");
        QTest::addColumn<char>("filler");
        QTest::addColumn<int>("status");
        QTest::newRow("chunk-size line") << kChunkedHead << '1' << 400;
        QTest::newRow("chunk extension") << kChunkedHead + "10;name=" << 'v' << 400;
        QTest::newRow("trailer") << kChunkedHead + "1\r\nx\r\n0\r\nX-Trailer: " << 't' << 431;
        QTest::newRow("header line")
            << QByteArray("POST /.well-known/cmp HTTP/1.1\r\nX-Long: ") << 'h' << 431;
    }

    void framingWithoutEndIsRefusedAtOnce()
    {
        // 64 connections (the per-peer cap) each send a line that never ends. Each is
        // answered as soon as its bytes pass the read buffer, not closed at the body deadline
        // (10 s) without a word; the RA's peak memory stays small.
        QFETCH(QByteArray, start);
        QFETCH(char, filler);
        QFETCH(int, status);
        RaServer ra;
        QVERIFY(ra.start());
        const long before = statusKb(ra.pid(), "VmHWM:");
        Flood flood;
        constexpr qint64 kGiveUp = 256ll * 1024 * 1024;
        QVERIFY(flood.run(ra.port(), 64, start, filler, kGiveUp));
        const long peak = statusKb(ra.pid(), "VmHWM:");
        qint64 most = 0;
        for (const Flood::Connection &c : flood.connections) {
            QVERIFY2(c.answer.startsWith("HTTP/1.1 " + QByteArray::number(status)),
                     qPrintable(QStringLiteral("after %1 bytes: %2")
                                    .arg(c.sent)
                                    .arg(QString::fromLatin1(c.answer.left(80)))));
            most = std::max(most, c.sent);
        }
        qInfo("64 connections: answered %d after at most %lld bytes sent (its read buffer holds "
              "%zu); "
              "RA peak RSS %ld kB before, %ld kB after",
              status, most, ra::readBufferBytes(8 * 1024), before, peak);
        QVERIFY2(peak > 0 && peak < 100 * 1024, qPrintable(QString::number(peak)));
    }

    void manySmallChunksCountTheirFraming()
    {
        // A body within the cap in one-byte chunks, each with an extension: the lines count
        // too, and the request is refused (413) long before its chunks are all read.
        RaServer ra;
        QVERIFY(ra.start());
        const int fd = connectFrom("127.0.0.2", ra.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendAll(fd, kChunkedHead));
        const QByteArray chunk = "1;" + QByteArray(1000, 'e') + "\r\nx\r\n";
        int sent = 0;
        while (sent < 60000 && sendAll(fd, chunk))
            ++sent;
        const QByteArray answer = readAnswer(fd, 5000);
        ::close(fd);
        QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    }

    void aFullCapStarvesNoRealClient()
    {
        // 1,100 slow connections from 59 addresses hold the cap (1024) full and connect again
        // whenever one is closed. Real clients renew from another address all the while: the
        // slowest connections are shed for them.
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("auto_delay_seconds=1"),
                     QStringLiteral("auto_delay_seconds=0"));
        QVERIFY(ra.start());
        constexpr int kRenewals = 30, kCalm = 5;
        std::vector<std::unique_ptr<SoftClient>> clients;
        for (int i = 0; i < kRenewals + kCalm; ++i) {
            clients.push_back(std::make_unique<SoftClient>());
            QVERIFY(clients.back()->make(ra, m_scratch, QStringLiteral("CROWD-%1").arg(i)));
        }
        // The same renewals without the crowd first: what the attack costs a client.
        qint64 calmWorstMs = 0;
        for (int i = 0; i < kCalm; ++i) {
            QElapsedTimer one;
            one.start();
            QCOMPARE(renewWithin(*clients.back(), ra, 10), 1);
            clients.pop_back();
            calmWorstMs = std::max(calmWorstMs, one.elapsed());
        }
        SlowCrowd crowd(ra.port(), 1100);
        crowd.start();
        QElapsedTimer timer;
        timer.start();
        while (!ra.log().contains(QStringLiteral("shedding the slowest")) &&
               timer.elapsed() < 20000)
            QThread::msleep(100);
        QVERIFY2(ra.log().contains(QStringLiteral("shedding the slowest")),
                 qPrintable(ra.log().right(2000)));
        int served = 0, retries = 0;
        qint64 worstMs = 0, totalMs = 0;
        for (auto &client : clients) {
            QElapsedTimer one;
            one.start();
            int rv = 0;
            for (int attempt = 0; attempt < 3 && rv != 1; ++attempt) {
                retries += attempt > 0;
                rv = renewWithin(*client, ra, 10);
            }
            worstMs = std::max(worstMs, one.elapsed());
            totalMs += one.elapsed();
            served += rv == 1;
        }
        const long reconnects = crowd.reconnects();
        crowd.stop();
        ::kill(pid_t(ra.pid()), SIGTERM);
        QVERIFY(ra.waitForDeath(30000));
        const QString stopLine = ra.log().section(QStringLiteral("stopped:"), 1).trimmed();
        qInfo("cap full (1,100 slow connections from 59 addresses, %ld reconnections): %d of "
              "%d renewals served, %d retried, worst %lld ms, mean %lld ms (without it: worst %lld "
              "ms); stopped: %s",
              reconnects, served, kRenewals, retries, worstMs, totalMs / kRenewals, calmWorstMs,
              qPrintable(stopLine));
        QCOMPARE(served, kRenewals);
        const QRegularExpressionMatch shed =
            QRegularExpression(QStringLiteral("(\\d+) shed for new ones")).match(stopLine);
        QVERIFY2(shed.hasMatch() && shed.captured(1).toLong() > 0, qPrintable(stopLine));
    }
};

QTEST_GUILESS_MAIN(TestRaFrontAttack)
#include "tst_rafrontattack.moc"
