// kk-bench-ra: the enrollment figures against the budgets in docs/architecture.md.
//   1. One complete renewal on a SoftHSM2 token over loopback HTTP: keygen, kur, kup,
//      certConf with the certificate written to the token, pkiconf.
//   2. keykiosk-ra throughput: for each client count, concurrent clients doing durable kur
//      transactions (kur + certConf, approval immediate): transactions per second, p50/p99
//      latency, and the bank's CPU per renewal (the RA's and the signer's own CPU time from
//      /proc divided by the renewals completed).
//   3. The crypto floor of a renewal on the bank's side, measured in the same run: the ECDSA
//      P-256 verifications and signatures the RA makes (4 and 2: the kur's protection, the
//      client certificate's path, the proof of possession, the certConf's protection; the kup
//      and the pkiConf) and the signer's one (the certificate), each timed alone. (Counted
//      with perf probes on libcrypto: docs/architecture.md, "The bank at scale".) Then
//      OpenSSL's own share: the same renewal through OpenSSL's CMP server in this process,
//      with nothing of the RA around it (opensslcmpfloor.h).
// Prints figures; never passes or fails.
//
//   4. The soak (--soak N): N renewals on one register, throughput and RSS per tenth.
//
//   kk-bench-ra [--rounds N] [--clients 1,8,64] [--seconds S] [--backends sqlite,postgresql]
//               [--transport http|https]
// The throughput clients speak plain HTTP with OpenSSL's CMP client by default (keeping the
// connection for the certConf, as the kiosk does), so that the bank's own work is measured;
// `--transport https` makes them the kiosk's CMP client over HTTPS (its default), TLS
// handshakes included.
//   kk-bench-ra --floors N   only 3., OpenSSL's share over N renewals
//   kk-bench-ra --soak 100000 --backends sqlite|postgresql [--clients 64] [--window S]
#include "benchclients.h"
#include "harness.h"
#include "opensslcmpfloor.h"

#include "keykiosk/enroll/roles.h"
#include "keykiosk/enroll/tokenrenewal.h"
#include "keykiosk/entropy/entropypool.h"
#include "keykiosk/journey/realgateways.h"
#include "keykiosk/journey/runner.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <openssl/cmp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace kk;
using namespace kk::test;

namespace {
// /proc/PID/stat from the state on (the command name before it may hold spaces): [0] is
// the state, [1] the parent, [11] and [12] user and system time. Empty without the process.
QList<QByteArray> procStat(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2).split(' ');
}

// A process's own CPU time (user + system), in seconds; 0 without one.
double cpuSeconds(qint64 pid)
{
    const QList<QByteArray> fields = procStat(pid);
    const double ticks = double(sysconf(_SC_CLK_TCK));
    return fields.size() > 12 ? (fields[11].toDouble() + fields[12].toDouble()) / ticks : 0;
}

} // namespace

bool startBank(RaServer &ra, int messageTimeWindow = 0)
{
    if (!ra.prepare()) {
        std::fprintf(stderr, "cannot prepare keykiosk-ra\n");
        return false;
    }
    // The replay window holds every message for this long (600 s by default): a soak shorter
    // than it sees the RA grow by it.
    if (messageTimeWindow > 0)
        ra.setConfig(QStringLiteral("message_time_window=600"),
                     QStringLiteral("message_time_window=%1").arg(messageTimeWindow));
    if (!ra.start()) {
        std::fprintf(stderr, "cannot start keykiosk-ra\n");
        return false;
    }
    return true;
}

// The database server's CPU time: the postmaster and its children (one backend per
// connection).
double databaseCpuSeconds(const PostgresServer *postgres)
{
    if (!postgres)
        return 0;
    const qint64 postmaster = postgres->postmasterPid();
    double total = cpuSeconds(postmaster);
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid)
            continue;
        const QList<QByteArray> fields = procStat(pid);
        if (fields.size() > 1 && fields[1].toLongLong() == postmaster)
            total += cpuSeconds(pid);
    }
    return total;
}

qint64 residentKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}

// One renewal as the kiosk makes it: its CMP client, HTTPS to the RA (the RA's TLS
// certificate checked against the bank CA, the connection kept for the certConf), software keys.
bool kioskKur(const CmpEndpoint &endpoint, X509Ptr &oldCert, EvpPkeyPtr &oldKey)
{
    EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
    KeyUpdate update(endpoint, oldCert.get(), oldKey.get(), newKey.get(),
                     [](const QByteArray &) { return Error(); });
    const EnrollStep step = update.step();
    if (step.state != EnrollState::Issued)
        return false;
    const auto *p = reinterpret_cast<const unsigned char *>(step.certDer.constData());
    X509Ptr renewed(d2i_X509(nullptr, &p, step.certDer.size()));
    if (!renewed)
        return false;
    oldCert = std::move(renewed); // the renewed key is the one in operation now
    oldKey = std::move(newKey);
    return true;
}

// tx/s, p50/p99 and the bank's CPU per renewal for each client count.
bool throughputTable(const RaServer &ra, const QString &backend, const PostgresServer *postgres,
                     const QList<int> &clientCounts, int seconds, bool https)
{
    auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
    if (https && !endpoint) {
        std::fprintf(stderr, "no HTTPS endpoint: %s\n", qPrintable(endpoint.error().logText()));
        return false;
    }
    X509Ptr raCert = readCert(ra.raCertPath());
    std::vector<EvpPkeyPtr> keys;
    std::vector<X509Ptr> certs;
    const int most = *std::max_element(clientCounts.begin(), clientCounts.end());
    if (!makeClients(ra, most, keys, certs)) {
        std::fprintf(stderr, "cannot register the clients' certificates\n");
        return false;
    }
    std::printf("\n| %-44s | %8s | %8s | %8s | %-40s | %s |\n",
                qPrintable(QStringLiteral("keykiosk-ra (%1), durable kur%2")
                               .arg(backend, https ? QStringLiteral(", HTTPS") : QString())),
                "tx/s", "p50", "p99", "bank CPU per renewal", "budget");
    for (const int clients : clientCounts) {
        std::atomic_bool stop{false};
        std::atomic_int ok{0}, failed{0};
        std::mutex latencyMutex;
        std::vector<double> latencies;
        std::vector<std::thread> threads;
        const double raBefore = cpuSeconds(ra.pid()), signerBefore = cpuSeconds(ra.signerPid()),
                     dbBefore = databaseCpuSeconds(postgres);
        QElapsedTimer wall;
        wall.start();
        for (int i = 0; i < clients; ++i) {
            threads.emplace_back([&, i] {
                std::vector<double> mine;
                while (!stop) {
                    QElapsedTimer t;
                    t.start();
                    X509Ptr &cert = certs[std::size_t(i)];
                    EvpPkeyPtr &key = keys[std::size_t(i)];
                    const bool renewed = https ? kioskKur(endpoint.value(), cert, key)
                                               : softwareKur(ra, raCert.get(), cert, key);
                    ++(renewed ? ok : failed);
                    mine.push_back(double(t.nsecsElapsed()) / 1e6);
                }
                std::lock_guard<std::mutex> lock(latencyMutex);
                latencies.insert(latencies.end(), mine.begin(), mine.end());
            });
        }
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        stop = true;
        for (auto &t : threads)
            t.join();
        const double elapsed = double(wall.nsecsElapsed()) / 1e9;
        const double raCpu = cpuSeconds(ra.pid()) - raBefore;
        const double signerCpu = cpuSeconds(ra.signerPid()) - signerBefore;
        const double dbCpu = databaseCpuSeconds(postgres) - dbBefore;
        const int done = std::max(1, ok.load());
        const QString cpu = postgres ? QStringLiteral("RA %1 + signer %2 + PostgreSQL %3 ms")
                                           .arg(1000 * raCpu / done, 0, 'f', 2)
                                           .arg(1000 * signerCpu / done, 0, 'f', 2)
                                           .arg(1000 * dbCpu / done, 0, 'f', 2)
                                     : QStringLiteral("RA %1 + signer %2 ms")
                                           .arg(1000 * raCpu / done, 0, 'f', 2)
                                           .arg(1000 * signerCpu / done, 0, 'f', 2);
        std::printf("| %-44s | %8.0f | %5.1f ms | %5.1f ms | %-40s | %s |\n",
                    qPrintable(QStringLiteral("%1 client(s), %2 renewals, %3 failed")
                                   .arg(clients)
                                   .arg(ok.load())
                                   .arg(failed.load())),
                    ok / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99),
                    qPrintable(cpu), "<= 0.6 ms RA CPU");
        std::fflush(stdout);
    }
    return true;
}

// `total` renewals by `clients` concurrent clients: throughput and the RA's RSS in each tenth
// of the run, and the first tenth against the last.
int soakRun(const RaServer &ra, const QString &backend, int total, int clients)
{
    X509Ptr raCert = readCert(ra.raCertPath());
    std::vector<EvpPkeyPtr> keys;
    std::vector<X509Ptr> certs;
    if (!makeClients(ra, clients, keys, certs))
        return 1;
    std::atomic_int started{0}, ok{0}, failed{0};
    std::vector<std::thread> threads;
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            while (started++ < total)
                (softwareKur(ra, raCert.get(), certs[std::size_t(i)], keys[std::size_t(i)])
                     ? ok
                     : failed)++;
        });
    }
    std::printf("soak on %s: %d renewals by %d clients\n", qPrintable(backend), total, clients);
    std::printf("| tenth | renewals | tx/s | RA RSS |\n|---|---|---|---|\n");
    std::vector<double> rates;
    std::vector<qint64> rss;
    qint64 lastAt = 0;
    int lastDone = 0;
    for (int tenth = 1; tenth <= 10; ++tenth) {
        const int target = total / 10 * tenth;
        while (ok.load() + failed.load() < target)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const qint64 at = wall.nsecsElapsed();
        const int done = ok.load() + failed.load();
        rates.push_back(double(done - lastDone) / (double(at - lastAt) / 1e9));
        rss.push_back(residentKb(ra.pid()));
        std::printf("| %d | %d | %.0f | %.1f MB |\n", tenth, done, rates.back(),
                    double(rss.back()) / 1024);
        std::fflush(stdout);
        lastAt = at;
        lastDone = done;
    }
    for (auto &t : threads)
        t.join();
    const double change = 100 * (rates.back() - rates.front()) / rates.front();
    std::printf("%d renewals, %d failed, %.0f s; last tenth against the first: %+.1f %% "
                "(budget within 10 %%); RA RSS %.1f -> %.1f MB\n",
                ok.load(), failed.load(), double(wall.nsecsElapsed()) / 1e9, change,
                double(rss.front()) / 1024, double(rss.back()) / 1024);
    return failed.load() == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    constexpr int kFloorRenewals = 500;
    int rounds = 20, seconds = 10, soak = 0, window = 0, floorsOnly = 0;
    bool https = false;
    QList<int> clientCounts{1, 8, 64};
    QStringList backends{QStringLiteral("sqlite"), QStringLiteral("postgresql")};
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--rounds"))
            rounds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--clients")) {
            clientCounts.clear();
            for (const QString &n : args[i + 1].split(QLatin1Char(',')))
                clientCounts << n.toInt();
        } else if (args[i] == QLatin1String("--seconds")) {
            seconds = args[i + 1].toInt();
        } else if (args[i] == QLatin1String("--backends")) {
            backends = args[i + 1].split(QLatin1Char(','));
        } else if (args[i] == QLatin1String("--soak")) {
            soak = args[i + 1].toInt();
        } else if (args[i] == QLatin1String("--window")) {
            window = args[i + 1].toInt();
        } else if (args[i] == QLatin1String("--floors")) {
            floorsOnly = args[i + 1].toInt();
        } else if (args[i] == QLatin1String("--transport")) {
            https = args[i + 1] == QLatin1String("https");
        }
    }
    QLoggingCategory::setFilterRules(QStringLiteral("kk.*.info=false"));
    if (floorsOnly > 0)
        return bench::printFloors(floorsOnly);

    if (soak > 0) {
        // The long run: one backend, `soak` renewals.
        PostgresServer postgres;
        const bool onPostgres = backends.value(0) == QLatin1String("postgresql");
        if (onPostgres && !postgres.start())
            return 1;
        RaServer soakRa(RaServer::throughputBank(
            onPostgres ? postgres.createDatabase(QStringLiteral("soak")) : QString()));
        if (!startBank(soakRa, window))
            return 1;
        if (window > 0)
            std::printf("[policy] message_time_window = %d s\n", window);
        return soakRun(soakRa, onPostgres ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite"),
                       soak, clientCounts.value(0, 64));
    }
    RaServer ra(RaServer::throughputBank(QString()));
    if (!startBank(ra))
        return 1;

    // 1. Complete renewal on the token.
    TokenOptions tokenOptions;
    tokenOptions.caDir = ra.dir();
    TestToken token(tokenOptions);
    if (!token.isValid())
        return 1;
    auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath()).value();
    std::vector<double> total, keygen, exchange;
    QByteArray current = QByteArray::fromHex("01"); // the key in operation: each round renews it
    {
        TokenContext context(softhsmModule());
        TokenInfo info = context.module().value()->tokens().value().first();
        for (int i = 0; i < rounds; ++i) {
            QElapsedTimer t;
            t.start();
            TokenRenewal renewal(context, info, current, endpoint);
            if (Error e = renewal.begin(SecureBuffer::fromText("123456"))) {
                std::fprintf(stderr, "begin: %s\n", qPrintable(e.logText()));
                return 1;
            }
            const double afterKeygen = double(t.nsecsElapsed()) / 1e6;
            const EnrollStep step = renewal.step();
            const double done = double(t.nsecsElapsed()) / 1e6;
            if (step.state != EnrollState::Issued) {
                std::fprintf(stderr, "round %d: %s\n", i, qPrintable(step.error.logText()));
                return 1;
            }
            keygen.push_back(afterKeygen);
            exchange.push_back(done - afterKeygen);
            total.push_back(done);
            current = renewal.newKeyId(); // the next round renews the key just installed
        }
    }
    // 1b. The same renewal as the kiosk runs it: the journey's steps, CMP on the bank's
    // threads, every signature and the certificate hopping to the token thread.
    std::vector<double> journey;
    {
        TokenService tokens(softhsmModule());
        BankService bank;
        Pkcs11TokenGateway tokenGateway(&tokens);
        CmpBankGateway bankGateway(&bank, endpoint);
        JourneyRunner runner(JourneyServices{&tokenGateway, &bankGateway, nullptr});
        TokenInfo info;
        tokens.call([&](TokenContext &context) {
            info = context.module().value()->tokens().value().first();
        });
        auto waitFor = [&runner](WorkflowState state) {
            QElapsedTimer t;
            t.start();
            while (runner.state() != state && runner.state() != WorkflowState::Error &&
                   t.elapsed() < 20000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
            return runner.state() == state;
        };
        for (int i = 0; i < rounds; ++i) {
            JourneyContext context;
            context.token = info;
            context.profileKeyId = current;
            runner.start(renewalJourney(), std::move(context));
            runner.input(Outcome::Confirmed);
            runner.submitPin(SecureBuffer::fromText("123456"));
            if (!waitFor(WorkflowState::CollectingEntropy))
                return 1;
            QElapsedTimer t;
            t.start();
            runner.entropyReady(EntropyPool().seed().value());
            if (!waitFor(WorkflowState::CertificateReceived)) {
                std::fprintf(stderr, "journey round %d: %s\n", i,
                             qPrintable(runner.context().error.logText()));
                return 1;
            }
            journey.push_back(double(t.nsecsElapsed()) / 1e6);
            current = runner.context().newKeyId;
            runner.input(Outcome::Acknowledged);
        }
    }

    std::printf("| %-58s | %9s | %9s | %-26s |\n", "what", "median", "p99", "budget");
    std::printf("|%s|%s|%s|%s|\n", QByteArray(60, '-').constData(), QByteArray(11, '-').constData(),
                QByteArray(11, '-').constData(), QByteArray(28, '-').constData());
    std::printf("| %-58s | %6.1f ms | %6.1f ms | %-26s |\n",
                "login + keygen + libp11 keys (SoftHSM2)", percentile(keygen, 0.5),
                percentile(keygen, 0.99), "");
    std::printf("| %-58s | %6.1f ms | %6.1f ms | %-26s |\n",
                "kur + kup + certConf (cert to token) + pkiconf, loopback",
                percentile(exchange, 0.5), percentile(exchange, 0.99), "");
    std::printf("| %-58s | %6.1f ms | %6.1f ms | %-26s |\n",
                "complete renewal on the token (n rounds)", percentile(total, 0.5),
                percentile(total, 0.99), "<= 40 ms");
    std::printf("| %-58s | %6.1f ms | %6.1f ms | %-26s |\n",
                "the same in the kiosk's journey (bank thread, token hops)",
                percentile(journey, 0.5), percentile(journey, 0.99), "<= 40 ms");

    // 2. Throughput with concurrent clients (software keys: the bank is measured), on each
    // register.
    if (backends.contains(QLatin1String("sqlite")) &&
        !throughputTable(ra, QStringLiteral("SQLite"), nullptr, clientCounts, seconds, https))
        return 1;
    if (backends.contains(QLatin1String("postgresql"))) {
        PostgresServer postgres;
        if (!postgres.start())
            return 1;
        RaServer pgRa(RaServer::throughputBank(postgres.createDatabase(QStringLiteral("bench"))));
        if (!startBank(pgRa) || !throughputTable(pgRa, QStringLiteral("PostgreSQL"), &postgres,
                                                 clientCounts, seconds, https))
            return 1;
    }

    // 3. The floors, on this machine in this run.
    return bench::printFloors(kFloorRenewals);
}
