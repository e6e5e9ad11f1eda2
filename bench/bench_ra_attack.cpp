// kk-bench-ra-attack: keykiosk-ra under the junk that outside testers sent. Prints figures;
// never passes or fails.
//   1. real renewals per second (N clients, S seconds);
//   2. 200,000 badly signed messages that need no login (a captured kur whose senderNonce is
//      new each time, so no two are alike), sent over HTTP as fast as the RA takes them;
//   3. real renewals per second again: within 10 % of the first figure is the goal;
//   4. the RA's resident memory at start, after the junk, and after 40,000 requests that pass
//      the protection check and are refused (a revoked client's key updates).
//
//   kk-bench-ra-attack [--clients N] [--seconds S] [--junk N] [--rejected N]
#include "benchclients.h"
#include "cmpder.h"
#include "harness.h"
#include "raservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <httplib.h>

#include <openssl/rand.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

using namespace kk;
using namespace kk::test;

namespace {

long rssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    status.open(QIODevice::ReadOnly);
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return 0;
}

// The clients' renewals per second for `seconds` (each client renews its key again and again).
double renewalsPerSecond(const RaServer &ra, X509 *raCert, std::vector<X509Ptr> &certs,
                         std::vector<EvpPkeyPtr> &keys, int seconds, int *failures)
{
    std::atomic_bool stop{false};
    std::atomic_int ok{0}, failed{0};
    std::vector<std::thread> threads;
    QElapsedTimer wall;
    wall.start();
    for (std::size_t i = 0; i < certs.size(); ++i)
        threads.emplace_back([&, i] {
            while (!stop)
                (softwareKur(ra, raCert, certs[i], keys[i]) ? ok : failed)++;
        });
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto &t : threads)
        t.join();
    *failures = failed;
    return ok / (double(wall.nsecsElapsed()) / 1e9);
}

OSSL_CMP_MSG *capture(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *out = static_cast<QByteArray *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    *out = derBytes([req](unsigned char **o) { return i2d_OSSL_CMP_MSG(req, o); });
    return nullptr; // nobody answers: only the message is wanted
}

QByteArray capturedKur(X509 *raCert, X509 *cert, EVP_PKEY *key)
{
    QByteArray kur;
    std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>> ctx(
        OSSL_CMP_CTX_new(nullptr, nullptr));
    EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
    OSSL_CMP_CTX_set1_srvCert(ctx.get(), raCert);
    OSSL_CMP_CTX_set1_cert(ctx.get(), cert);
    OSSL_CMP_CTX_set1_pkey(ctx.get(), key);
    OSSL_CMP_CTX_set1_oldCert(ctx.get(), cert);
    EVP_PKEY_up_ref(newKey.get());
    OSSL_CMP_CTX_set0_newPkey(ctx.get(), 1, newKey.get());
    OSSL_CMP_CTX_set_transfer_cb(ctx.get(), capture);
    OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &kur);
    OSSL_CMP_CTX_set_log_verbosity(ctx.get(), OSSL_CMP_LOG_EMERG);
    OSSL_CMP_exec_certreq(ctx.get(), 7, nullptr);
    return kur;
}

// Sends `count` messages made by `make` over HTTP from `threads` threads; returns per second.
template <class Make> double flood(const RaServer &ra, int count, int threads, Make make)
{
    std::atomic_int next{0};
    std::vector<std::thread> senders;
    QElapsedTimer wall;
    wall.start();
    for (int t = 0; t < threads; ++t)
        senders.emplace_back([&] {
            httplib::Client http("127.0.0.1", ra.port());
            while (next++ < count) {
                const QByteArray body = make();
                http.Post("/.well-known/cmp",
                          std::string(body.constData(), std::size_t(body.size())),
                          "application/pkixcmp");
            }
        });
    for (auto &t : senders)
        t.join();
    return count / (double(wall.nsecsElapsed()) / 1e9);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    int clients = 8, seconds = 10, junk = 200000, rejected = 40000;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        const int value = args[i + 1].toInt();
        if (args[i] == QLatin1String("--clients"))
            clients = value;
        else if (args[i] == QLatin1String("--seconds"))
            seconds = value;
        else if (args[i] == QLatin1String("--junk"))
            junk = value;
        else if (args[i] == QLatin1String("--rejected"))
            rejected = value;
    }
    QLoggingCategory::setFilterRules(QStringLiteral("kk.*.info=false"));
    RaServer::Options options;
    options.autoDelaySeconds = 0;
    RaServer ra(options);
    if (!ra.start()) {
        std::fprintf(stderr, "cannot start keykiosk-ra\n");
        return 1;
    }
    X509Ptr raCert = readCert(ra.raCertPath());
    std::vector<EvpPkeyPtr> keys;
    std::vector<X509Ptr> certs;
    // The last client is revoked: its requests pass the protection check and are refused.
    int rc = makeClients(ra, clients + 1, keys, certs) ? 0 : 1;
    EvpPkeyPtr revokedKey = std::move(keys.back());
    X509Ptr revokedCert = std::move(certs.back());
    keys.pop_back();
    certs.pop_back();
    if (rc == 0)
        ra.cli({QStringLiteral("revoke"), kk::serialHex(revokedCert.get()),
                QStringLiteral("--reason"), QStringLiteral("bench")},
               &rc);
    if (rc != 0) {
        std::fprintf(stderr, "cannot set up the register\n");
        return 1;
    }
    const long rssStart = rssKb(ra.pid());
    int failedBefore = 0, failedAfter = 0;
    const double before = renewalsPerSecond(ra, raCert.get(), certs, keys, seconds, &failedBefore);
    const long rssAfterRenewals = rssKb(ra.pid());

    // Junk: a real kur with a fresh random senderNonce each time, so its signature fails.
    const QByteArray kur = capturedKur(raCert.get(), certs.front().get(), keys.front().get());
    const QByteArray nonce = ra::cmpHeaderFields(kur).senderNonce;
    const int at = kur.indexOf(nonce);
    if (nonce.size() < 16 || at < 0) {
        std::fprintf(stderr, "no senderNonce in the captured kur\n");
        return 1;
    }
    const double junkRate = flood(ra, junk, 8, [&] {
        QByteArray message = kur;
        RAND_bytes(reinterpret_cast<unsigned char *>(message.data()) + at, nonce.size());
        return message;
    });
    const long rssAfterJunk = rssKb(ra.pid());
    const double after = renewalsPerSecond(ra, raCert.get(), certs, keys, seconds, &failedAfter);

    // Refused after the protection check: each a new, validly signed kur of a revoked client.
    const double rejectedRate = flood(ra, rejected, 8, [&] {
        return capturedKur(raCert.get(), revokedCert.get(), revokedKey.get());
    });
    const long rssAfterRejected = rssKb(ra.pid());

    std::printf("| %-62s | %-22s |\n", "keykiosk-ra under junk", "figure");
    std::printf("|%s|%s|\n", QByteArray(64, '-').constData(), QByteArray(24, '-').constData());
    std::printf(
        "| %-62s | %16.0f tx/s |\n",
        qPrintable(QStringLiteral("real renewals, %1 clients, before the junk").arg(clients)),
        before);
    std::printf("| %-62s | %16.0f /s   |\n",
                qPrintable(QStringLiteral("%1 badly signed messages, answered").arg(junk)),
                junkRate);
    std::printf("| %-62s | %9.0f tx/s (%+.0f %%) |\n", "real renewals after the junk", after,
                before > 0 ? 100.0 * (after - before) / before : 0.0);
    std::printf(
        "| %-62s | %16.0f /s   |\n",
        qPrintable(QStringLiteral("%1 signed requests refused (revoked client)").arg(rejected)),
        rejectedRate);
    std::printf("| %-62s | %5.1f / %.1f / %.1f / %.1f MB |\n",
                "RA RSS: start / after renewals / after junk / after refusals", rssStart / 1024.0,
                rssAfterRenewals / 1024.0, rssAfterJunk / 1024.0, rssAfterRejected / 1024.0);
    std::printf("\nfailed renewals: %d before, %d after. Clients and RA share the %u cores.\n",
                failedBefore, failedAfter, std::thread::hardware_concurrency());
    return 0;
}
