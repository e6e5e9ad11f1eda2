// kk-bench-ra: the enrollment figures against the budgets in docs/architecture.md.
//   1. One complete renewal on a SoftHSM2 token over loopback HTTP: keygen, kur, kup,
//      certConf with the certificate written to the token, pkiconf.
//   2. keykiosk-ra throughput: N concurrent clients doing durable kur transactions
//      (kur + certConf, approval immediate), transactions per second and p99 latency.
// Prints figures; never passes or fails.
//
//   kk-bench-ra [--rounds N] [--clients N] [--seconds S]
#include "benchclients.h"
#include "harness.h"

#include "keykiosk/enroll/roles.h"
#include "keykiosk/enroll/tokenrenewal.h"
#include "keykiosk/entropy/entropypool.h"
#include "keykiosk/journey/realgateways.h"
#include "keykiosk/journey/runner.h"

#include <QCoreApplication>
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

using namespace kk;
using namespace kk::test;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    int rounds = 20, clients = 64, seconds = 10;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--rounds"))
            rounds = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--clients"))
            clients = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toInt();
    }
    QLoggingCategory::setFilterRules(QStringLiteral("kk.*.info=false"));

    RaServer::Options options;
    options.autoDelaySeconds = 0; // approval immediate: measure the protocol, not the policy
    RaServer ra(options);
    if (!ra.start()) {
        std::fprintf(stderr, "cannot start keykiosk-ra\n");
        return 1;
    }

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

    // 2. Throughput with concurrent clients (software keys: the RA is measured).
    X509Ptr raCert = readCert(ra.raCertPath());
    std::vector<EvpPkeyPtr> keys;
    std::vector<X509Ptr> certs;
    if (!makeClients(ra, clients, keys, certs)) {
        std::fprintf(stderr, "cannot register the clients' certificates\n");
        return 1;
    }
    std::atomic_bool stop{false};
    std::atomic_int ok{0}, failed{0};
    std::mutex latencyMutex;
    std::vector<double> latencies;
    std::vector<std::thread> threads;
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            std::vector<double> mine;
            while (!stop) {
                QElapsedTimer t;
                t.start();
                (softwareKur(ra, raCert.get(), certs[std::size_t(i)], keys[std::size_t(i)])
                     ? ok
                     : failed)++;
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
    char throughput[64], budget[64];
    std::snprintf(throughput, sizeof throughput, "%.0f tx/s", ok / elapsed);
    std::snprintf(budget, sizeof budget, ">= 1000 tx/s, p99 <= 100 ms");
    std::printf(
        "| %-58s | %9s | %6.1f ms | %-26s |\n",
        qPrintable(QStringLiteral("keykiosk-ra durable kur transactions, %1 clients").arg(clients)),
        throughput, percentile(latencies, 0.99), budget);
    std::printf("\n%d transactions in %.1f s (%d failed); median latency %.1f ms. Clients and RA "
                "share the %u cores.\n",
                ok.load(), elapsed, failed.load(), percentile(latencies, 0.5),
                std::thread::hardware_concurrency());
    return 0;
}
