// 64 clients × 100 renewals each against one RA, on each register (SQLite, and PostgreSQL on a
// private server): every renewal issued, none twice, and the register holds exactly one
// confirmed request per renewal, nothing left approved or issued. The long soak runs (100,000
// renewals) are in bench/.
#include "../../../bench/benchclients.h"
#include "harness.h"

#include <QSet>
#include <QtTest>

#include <openssl/sha.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

using namespace kk;
using namespace kk::test;

class TestRaSoak : public QObject
{
    Q_OBJECT
private slots:
    void sixtyFourClientsTimesAHundredRenewals_data()
    {
        QTest::addColumn<bool>("onPostgres");
        QTest::newRow("SQLite") << false;
        QTest::newRow("PostgreSQL") << true;
    }
    void sixtyFourClientsTimesAHundredRenewals()
    {
        QFETCH(bool, onPostgres);
        constexpr int kClients = 64, kRenewals = 100;
        std::signal(SIGPIPE, SIG_IGN);
        PostgresServer postgres;
        RaServer::Options options = RaServer::throughputBank();
        if (onPostgres) {
            QVERIFY2(postgres.start(), qPrintable(postgres.log()));
            options.postgres = postgres.createDatabase(QStringLiteral("soak"));
            QVERIFY(!options.postgres.isEmpty());
        }
        RaServer ra(options);
        QVERIFY(ra.start());
        X509Ptr raCert = readCert(ra.raCertPath());
        std::vector<EvpPkeyPtr> keys;
        std::vector<X509Ptr> certs;
        QVERIFY(makeClients(ra, kClients, keys, certs));

        std::atomic_int ok{0}, failed{0};
        IssuedCertificates issued;
        std::vector<std::thread> threads;
        for (int i = 0; i < kClients; ++i) {
            threads.emplace_back([&, i] {
                for (int n = 0; n < kRenewals; ++n) {
                    if (!softwareKur(ra, raCert.get(), certs[std::size_t(i)],
                                     keys[std::size_t(i)])) {
                        ++failed;
                        continue;
                    }
                    ++ok;
                    issued.add(certs[std::size_t(i)].get());
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(failed.load(), 0);
        QCOMPARE(ok.load(), kClients * kRenewals);
        QCOMPARE(issued.serials(), kClients * kRenewals); // no certificate twice
        QCOMPARE(issued.keys(), kClients * kRenewals);    // one certificate per new key

        const QString all = ra.cli({QStringLiteral("requests")});
        QCOMPARE(all.count(QStringLiteral("R-0")), kClients * kRenewals);
        const QString confirmed = ra.cli(
            {QStringLiteral("requests"), QStringLiteral("--status"), QStringLiteral("confirmed")});
        QCOMPARE(confirmed.count(QStringLiteral("R-0")), kClients * kRenewals);
        int exitCode = -1;
        const QString audit =
            ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &exitCode);
        QVERIFY2(exitCode == 0 && audit.contains(QLatin1String("chain intact")), qPrintable(audit));
    }
};

QTEST_GUILESS_MAIN(TestRaSoak)
#include "tst_rasoak.moc"
