// The register on a real PostgreSQL server (a private cluster per test run): versioned
// migrations, idempotency and gap-free numbers across nodes held by the database itself, an
// append-only audit log, a transaction continued by another node, and two RA nodes serving
// a burst of renewals while one of them is killed.
#include "../../../bench/benchclients.h"
#include "harness.h"
#include "softclient.h"
#include "sqldatabase.h"
#include "store.h"

#include <QSet>
#include <QtTest>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

using namespace kk;
using namespace kk::ra;
using namespace kk::test;

namespace {

// The client side of the bank's several nodes, as the kiosk does it ([bank] url with several
// addresses): each message goes to the node that answered last, and on a failed exchange to
// the next one.
struct Failover
{
    std::vector<quint16> ports;
    std::size_t current = 0;
    int failovers = 0;
};

OSSL_CMP_MSG *failoverTransfer(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    auto *nodes = static_cast<Failover *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    for (std::size_t attempt = 0; attempt < 2 * nodes->ports.size(); ++attempt) {
        OSSL_CMP_CTX_set_serverPort(ctx, nodes->ports[nodes->current]);
        if (OSSL_CMP_MSG *answer = OSSL_CMP_MSG_http_perform(ctx, req))
            return answer;
        ERR_clear_error();
        nodes->current = (nodes->current + 1) % nodes->ports.size();
        ++nodes->failovers;
    }
    return nullptr;
}

// One renewal over the nodes; on success the client holds the new key and certificate.
bool renewOverNodes(Failover &nodes, X509 *raCert, X509Ptr &oldCert, EvpPkeyPtr &oldKey)
{
    return softwareKur(raCert, oldCert, oldKey, [&nodes](OSSL_CMP_CTX *ctx) {
        OSSL_CMP_CTX_set_transfer_cb(ctx, failoverTransfer);
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx, &nodes);
        OSSL_CMP_CTX_set_option(ctx, OSSL_CMP_OPT_MSG_TIMEOUT, 20);
    });
}

RequestRecord draftFor(const QByteArray &keyHash)
{
    RequestRecord draft;
    draft.kind = QStringLiteral("kur");
    draft.uid = QStringLiteral("UID-") + QString::fromLatin1(keyHash.toHex().left(8));
    draft.abonent = QStringLiteral("Test Abonent");
    draft.oldCertSerial = QStringLiteral("01");
    draft.newKeyHash = keyHash;
    draft.newKeySpki = keyHash;
    draft.subjectDer = QByteArray::fromHex("3000");
    draft.status = RequestStatus::Pending;
    return draft;
}

int lineCount(const QString &text)
{
    return text.isEmpty() ? 0 : int(text.count(QLatin1Char('\n'))) + 1;
}

} // namespace

class TestRaOnPostgres : public QObject
{
    Q_OBJECT
    PostgresServer m_server;
    int m_databases = 0;

    QString freshDatabase()
    {
        return m_server.createDatabase(QStringLiteral("register%1").arg(++m_databases));
    }

private slots:
    void initTestCase()
    {
        std::signal(SIGPIPE, SIG_IGN);
        QVERIFY2(m_server.start(), qPrintable(m_server.log()));
    }

    void theSchemaIsMigratedByTheMigrateCommandOnly()
    {
        const QString conninfo = freshDatabase();
        QVERIFY(!conninfo.isEmpty());
        RaServer ra;
        QVERIFY(ra.prepare());
        ra.setConfig(QStringLiteral("[store]\npath=ra.db\n"),
                     QStringLiteral("[store]\npostgresql=%1\n").arg(conninfo));
        // Several nodes share the database: a node never upgrades it by itself.
        QVERIFY(!ra.start());
        QVERIFY2(ra.log().contains(QLatin1String("schema 0, not 6: run keykiosk-ra migrate")),
                 qPrintable(ra.log()));
        int exitCode = -1;
        QString output = ra.cli({QStringLiteral("migrate")}, &exitCode);
        QCOMPARE(exitCode, 0);
        QVERIFY2(output.contains(QLatin1String("register migrated from schema 0 to 6")),
                 qPrintable(output));
        QCOMPARE(m_server.psql(QStringLiteral("register%1").arg(m_databases),
                               QStringLiteral("SELECT version FROM schema_version")),
                 QStringLiteral("6"));
        output = ra.cli({QStringLiteral("migrate")}, &exitCode);
        QCOMPARE(exitCode, 0);
        QVERIFY2(output.contains(QLatin1String("register at schema 6: nothing to do")),
                 qPrintable(output));
        QVERIFY(ra.restart());
        ra.stop();

        // A register a newer RA migrated: this one neither serves on it nor "migrates" it.
        m_server.psql(QStringLiteral("register%1").arg(m_databases),
                      QStringLiteral("UPDATE schema_version SET version = 7"));
        output = ra.cli({QStringLiteral("migrate")}, &exitCode);
        QCOMPARE(exitCode, 1);
        QVERIFY2(output.contains(QLatin1String("schema 7 is newer than this RA (6)")),
                 qPrintable(output));
        QVERIFY(!ra.restart());
        QVERIFY2(ra.log().contains(QLatin1String("schema 7, newer than this RA (6)")),
                 qPrintable(ra.log()));
    }

    void theDatabaseKeepsOneRequestPerKeyAndNumbersWithoutGaps()
    {
        // Two stores are two nodes: their own connections, their own locks. Sixteen threads
        // send the same 60 keys in different orders at the same time.
        const QString conninfo = freshDatabase();
        auto migrator = Store::openPostgres(conninfo, Store::Access::Migrate);
        QVERIFY2(migrator, qPrintable(migrator ? QString() : migrator.error().detail));
        QVERIFY(migrator.value()->migrate());
        auto nodeA = Store::openPostgres(conninfo, Store::Access::Serve);
        auto nodeB = Store::openPostgres(conninfo, Store::Access::Serve);
        QVERIFY(nodeA && nodeB);
        constexpr int kKeys = 60, kThreads = 16;
        QVector<QByteArray> keys;
        for (int i = 0; i < kKeys; ++i) {
            QByteArray hash(32, '\0');
            RAND_bytes(reinterpret_cast<unsigned char *>(hash.data()), hash.size());
            keys << hash;
        }
        // Two connections per node, as two worker threads of each would have.
        std::vector<std::unique_ptr<Store>> stores;
        stores.push_back(nodeA.takeValue());
        stores.push_back(nodeB.takeValue());
        for (int i = 0; i < 2; ++i) {
            auto more = Store::openPostgres(conninfo, Store::Access::Serve);
            QVERIFY(more);
            stores.push_back(more.takeValue());
        }
        std::mutex seenMutex;
        QHash<QByteArray, QSet<qint64>> idsByKey;
        std::atomic_int errors{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                Store *store = stores[std::size_t(t) % stores.size()].get();
                for (int n = 0; n < kKeys; ++n) {
                    const QByteArray &key = keys[(n * 7 + t * 13) % kKeys];
                    auto record = store->createOrGet(draftFor(key), QStringLiteral("test"));
                    // And an entry in the audit log that takes no request number (an
                    // operator's action): the log's own lock keeps one chain.
                    if (!record || store->audit(QStringLiteral("operator %1").arg(t),
                                                QStringLiteral("looked"), record->number, {})) {
                        ++errors;
                        continue;
                    }
                    std::lock_guard<std::mutex> lock(seenMutex);
                    idsByKey[key].insert(record->id);
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        QCOMPARE(errors.load(), 0);
        QCOMPARE(idsByKey.size(), kKeys);
        for (const auto &ids : idsByKey)
            QCOMPARE(ids.size(), 1); // every thread got the same request for a key
        auto all = stores.front()->list();
        QVERIFY(all);
        QCOMPARE(all->size(), kKeys);
        QSet<QString> numbers;
        for (const RequestRecord &r : all.value())
            numbers.insert(r.number);
        for (int i = 1; i <= kKeys; ++i)
            QVERIFY2(numbers.contains(QStringLiteral("R-%1").arg(i, 6, 10, QLatin1Char('0'))),
                     qPrintable(QStringLiteral("R-%1 is missing").arg(i)));
        // One audit chain across the nodes: a "created" entry per request and every look.
        auto verdict = stores.back()->verifyAudit();
        QVERIFY(verdict);
        QVERIFY2(verdict->problems.isEmpty(),
                 qPrintable(verdict->problems.join(QLatin1Char('\n'))));
        QCOMPARE(verdict->entries, kKeys + kThreads * kKeys);
    }

    void theAuditLogIsAppendOnlyInTheDatabase()
    {
        const QString conninfo = freshDatabase();
        auto store = Store::openPostgres(conninfo, Store::Access::Migrate);
        QVERIFY(store);
        QVERIFY(store.value()->migrate());
        QVERIFY(!store.value()->audit(QStringLiteral("operator"), QStringLiteral("approved"),
                                      QStringLiteral("R-000001"), QString()));
        const QString db = QStringLiteral("register%1").arg(m_databases);
        for (const QString &tamper :
             {QStringLiteral("UPDATE audit SET actor = 'someone else'"),
              QStringLiteral("DELETE FROM audit"), QStringLiteral("TRUNCATE audit"),
              QStringLiteral("DELETE FROM audit_head")}) {
            int exitCode = 0;
            const QString output = m_server.psql(db, tamper, &exitCode);
            QVERIFY2(exitCode != 0 && output.contains(QLatin1String("append-only")),
                     qPrintable(tamper + QStringLiteral(": ") + output));
        }
        auto verdict = store.value()->verifyAudit();
        QVERIFY(verdict);
        QCOMPARE(verdict->entries, 1);
        QVERIFY(verdict->problems.isEmpty());
    }

    void anAuditEntryThatCannotBeWrittenUndoesItsTransaction()
    {
        // The audit entry of a new request goes to the server with the COMMIT, in one round
        // trip (Query::defer). Here it cannot be written: an entry slipped in behind the RA's
        // back holds its number. The request must not be created (on PostgreSQL, a COMMIT
        // after a failed statement answers "ROLLBACK", not an error), and `audit verify`
        // names what happened.
        const QString conninfo = freshDatabase();
        const QString db = QStringLiteral("register%1").arg(m_databases);
        auto migrator = Store::openPostgres(conninfo, Store::Access::Migrate);
        QVERIFY(migrator);
        QVERIFY(migrator.value()->migrate());
        auto store = Store::openPostgres(conninfo, Store::Access::Serve);
        QVERIFY(store);
        int exitCode = -1;
        m_server.psql(db,
                      QStringLiteral("INSERT INTO audit (id, at, actor, action, request, detail, "
                                     "hash) VALUES (1, 0, 'someone', 'approved', '', '', "
                                     "decode(repeat('00', 32), 'hex'))"),
                      &exitCode);
        QCOMPARE(exitCode, 0);
        auto created =
            store.value()->createOrGet(draftFor(QByteArray(32, '\x5a')), QStringLiteral("test"));
        QVERIFY(!created);
        QVERIFY2(created.error().detail.contains(QLatin1String("audit_pkey")),
                 qPrintable(created.error().detail));
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT count(*) FROM requests")),
                 QStringLiteral("0"));
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT value FROM counters")),
                 QStringLiteral("0"));
        auto verdict = store.value()->verifyAudit();
        QVERIFY(verdict);
        QVERIFY2(verdict->problems.join(QLatin1Char('\n'))
                     .contains(QLatin1String("entries added behind the RA's back")),
                 qPrintable(verdict->problems.join(QLatin1Char('\n'))));
    }

    void aConnectionLostInsideATransactionWritesNothingOfIt()
    {
        // The server ends the connection in the middle of a transaction. What follows in it
        // must fail, not run on a new connection outside any transaction (and be committed
        // without its beginning); after the rollback, the next statement connects again.
        const QString conninfo = freshDatabase();
        const QString db = QStringLiteral("register%1").arg(m_databases);
        auto opened = openPostgres(conninfo, false);
        QVERIFY(opened);
        SqlDatabase &sql = *opened.value();
        QVERIFY(!sql.exec("CREATE TABLE scratch (n INTEGER)"));
        Query backend(sql, "SELECT pg_backend_pid()");
        QCOMPARE(backend.step(), SqlStep::Row);
        const qint64 pid = backend.int64(0);
        QVERIFY(!sql.begin());
        Query first(sql, "INSERT INTO scratch VALUES (1)");
        QCOMPARE(first.step(), SqlStep::Done);
        int exitCode = -1;
        m_server.psql(db, QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid), &exitCode);
        QCOMPARE(exitCode, 0);
        Query second(sql, "INSERT INTO scratch VALUES (2)");
        QCOMPARE(second.step(), SqlStep::Failed);
        Query third(sql, "INSERT INTO scratch VALUES (3)");
        QCOMPARE(third.step(), SqlStep::Failed);
        sql.exec("ROLLBACK"); // on the lost connection: an error, and the transaction is over
        Query count(sql, "SELECT count(*) FROM scratch");
        QCOMPARE(count.step(), SqlStep::Row);
        QCOMPARE(count.int64(0), qint64(0));
    }

    void aQueryIsPreparedOncePerConnection()
    {
        // The server parses and plans each query once per connection, not for every use.
        const QString conninfo = freshDatabase();
        auto opened = openPostgres(conninfo, false);
        QVERIFY(opened);
        SqlDatabase &sql = *opened.value();
        QVERIFY(!sql.exec("CREATE TABLE scratch (n INTEGER PRIMARY KEY)"));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!sql.begin()); // in a pipeline with the BEGIN, as the register runs them
            Query insert(sql, "INSERT INTO scratch VALUES (?)");
            insert.bind(1, qint64(i));
            QCOMPARE(insert.step(), SqlStep::Done);
            QVERIFY(!sql.exec("COMMIT"));
            Query alone(sql, "SELECT count(*) FROM scratch WHERE n <= ?"); // on its own
            alone.bind(1, qint64(i));
            QCOMPARE(alone.step(), SqlStep::Row);
            QCOMPARE(alone.int64(0), qint64(i + 1));
        }
        Query prepared(sql, "SELECT count(*) FROM pg_prepared_statements WHERE statement "
                            "LIKE 'INSERT INTO scratch%' OR statement LIKE 'SELECT count(*) "
                            "FROM scratch%'");
        QCOMPARE(prepared.step(), SqlStep::Row);
        QCOMPARE(prepared.int64(0), qint64(2));

        // A failure earlier in a pipeline: the server skips the rest of it, preparations
        // too, so a query first sent there is prepared when it comes again.
        QVERIFY(!sql.begin());
        Query duplicate(sql, "INSERT INTO scratch VALUES (?)");
        duplicate.bind(1, qint64(0));
        QCOMPARE(duplicate.defer(), SqlStep::Done); // a primary key taken: fails on the server
        Query skipped(sql, "SELECT n FROM scratch WHERE n = ?");
        skipped.bind(1, qint64(1));
        QCOMPARE(skipped.step(), SqlStep::Failed);
        QVERIFY(skipped.error("read").detail.contains(QLatin1String("duplicate key")));
        QVERIFY(!sql.exec("ROLLBACK"));
        Query again(sql, "SELECT n FROM scratch WHERE n = ?");
        again.bind(1, qint64(1));
        QCOMPARE(again.step(), SqlStep::Row);
        QCOMPARE(again.int64(0), qint64(1));
    }

    void aTransactionIsContinuedByAnotherNode()
    {
        // The request reaches node A and waits for an operator; the operator approves on
        // node B; the client's poll and certConf go to node B.
        RaServer::Options options;
        options.approval = QStringLiteral("manual");
        options.https = false;
        options.postgres = freshDatabase();
        RaServer nodeA(options);
        QVERIFY(nodeA.start());
        RaServer nodeB(options);
        QVERIFY(nodeB.prepareAsNodeOf(nodeA));
        QVERIFY(nodeB.start());
        QTemporaryDir scratch;
        SoftClient client;
        QVERIFY(client.make(nodeA, scratch));
        client.begin(nodeA);
        QCOMPARE(client.step(nodeA.port()), -1); // waiting
        const QString pending = nodeB.cli({QStringLiteral("requests")});
        QVERIFY2(pending.contains(QLatin1String("pending")), qPrintable(pending));
        int exitCode = -1;
        nodeB.cli({QStringLiteral("approve"), QStringLiteral("1")}, &exitCode);
        QCOMPARE(exitCode, 0);
        int outcome = -1;
        for (int polls = 0; polls < 20 && outcome == -1; ++polls) {
            QThread::msleep(200);
            outcome = client.step(nodeB.port());
        }
        QCOMPARE(outcome, 1);
        QVERIFY(client.issued);
        QVERIFY2(nodeB.log().contains(QLatin1String("continued from the register")),
                 qPrintable(nodeB.log()));
        const QString confirmed = nodeA.cli(
            {QStringLiteral("requests"), QStringLiteral("--status"), QStringLiteral("confirmed")});
        QCOMPARE(confirmed.count(QStringLiteral("R-000001")), 1);
    }

    void theDatabaseServerRestartingLosesNothing()
    {
        // The register's server stops (a restart, a fail-over): the RA answers with an error,
        // never a refusal, and runs on; once the server is back the next renewal goes through
        // on a new connection, and the key renewed before is still the client's.
        RaServer ra(RaServer::throughputBank(freshDatabase()));
        QVERIFY(ra.start());
        QTemporaryDir scratch;
        SoftClient client;
        QVERIFY(client.make(ra, scratch, QStringLiteral("RESTART-1")));
        QCOMPARE(client.renew(ra).outcome, 1);
        m_server.stop();
        Exchange whileDown = client.renew(ra);
        QCOMPARE(whileDown.outcome, 0);
        QVERIFY(ra.pid() > 0 && ::kill(pid_t(ra.pid()), 0) == 0); // still running
        QVERIFY2(ra.log().contains(QLatin1String("the register is unavailable")),
                 qPrintable(ra.log().right(2000)));
        QVERIFY2(m_server.start(), qPrintable(m_server.log().right(2000)));
        QCOMPARE(client.renew(ra).outcome, 1);
        QVERIFY2(ra.log().contains(QLatin1String("connecting again")),
                 qPrintable(ra.log().right(2000)));
        const QString confirmed = ra.cli(
            {QStringLiteral("requests"), QStringLiteral("--status"), QStringLiteral("confirmed")});
        QCOMPARE(confirmed.count(QStringLiteral("R-0")), 2);
    }

    void twoNodesServeABurstWhileOneIsKilled()
    {
        constexpr int kClients = 32, kRenewals = 12;
        const RaServer::Options options = RaServer::throughputBank(freshDatabase());
        RaServer nodeA(options);
        QVERIFY(nodeA.start());
        RaServer nodeB(options);
        QVERIFY(nodeB.prepareAsNodeOf(nodeA));
        QVERIFY(nodeB.start());
        X509Ptr raCert = readCert(nodeA.raCertPath());
        std::vector<EvpPkeyPtr> keys;
        std::vector<X509Ptr> certs;
        QVERIFY(makeClients(nodeA, kClients, keys, certs));

        std::atomic_int ok{0}, failed{0}, failovers{0}, beforeKill{0};
        std::atomic_bool killed{false};
        IssuedCertificates issued;
        std::vector<std::thread> threads;
        for (int i = 0; i < kClients; ++i) {
            threads.emplace_back([&, i] {
                // Half the clients start on node A, half on node B.
                Failover nodes{{nodeA.port(), nodeB.port()}, std::size_t(i % 2)};
                for (int n = 0; n < kRenewals; ++n) {
                    if (!renewOverNodes(nodes, raCert.get(), certs[std::size_t(i)],
                                        keys[std::size_t(i)])) {
                        ++failed;
                        continue;
                    }
                    ++ok;
                    if (!killed)
                        ++beforeKill;
                    issued.add(certs[std::size_t(i)].get());
                }
                failovers += nodes.failovers;
            });
        }
        // In the middle of the burst: a third of the renewals done, node A dies at once.
        QElapsedTimer waited;
        waited.start();
        while (ok.load() < kClients * kRenewals / 3 && waited.elapsed() < 120000)
            QThread::msleep(5);
        nodeA.kill();
        killed = true;
        const int doneAtKill = ok.load();
        for (auto &thread : threads)
            thread.join();
        qInfo("%d renewals before node A was killed, %d in all; %d messages went over to "
              "the other node",
              doneAtKill, ok.load(), failovers.load());
        QVERIFY(doneAtKill > 0 && doneAtKill < kClients * kRenewals);
        QVERIFY(failovers.load() > 0); // the clients on node A did go over
        QCOMPARE(failed.load(), 0);    // 0 lost
        QCOMPARE(ok.load(), kClients * kRenewals);
        QCOMPARE(issued.serials(), kClients * kRenewals); // no certificate twice
        QCOMPARE(issued.keys(), kClients * kRenewals);    // one certificate per new key

        // The register, read on the surviving node: one confirmed request per renewal,
        // nothing approved or issued and left so, numbers without gaps.
        const QString db = options.postgres.section(QStringLiteral("dbname="), 1);
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT count(*) FROM requests")),
                 QString::number(kClients * kRenewals));
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT status, count(*) FROM requests "
                                                  "GROUP BY status")),
                 QStringLiteral("confirmed|%1").arg(kClients * kRenewals));
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT count(*) FROM requests WHERE "
                                                  "cert IS NOT NULL GROUP BY new_key_hash "
                                                  "HAVING count(*) > 1")),
                 QString());
        QCOMPARE(m_server.psql(db, QStringLiteral("SELECT max(substr(number, 3)::int) = count(*) "
                                                  "FROM requests")),
                 QStringLiteral("t"));
        QCOMPARE(lineCount(m_server.psql(
                     db, QStringLiteral("SELECT serial FROM certificates WHERE state = 'live' "
                                        "AND role = 'client'"))),
                 kClients); // each client's last certificate, the others superseded
        int exitCode = -1;
        const QString audit =
            nodeB.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &exitCode);
        QVERIFY2(exitCode == 0 && audit.contains(QLatin1String("chain intact")), qPrintable(audit));
    }

    void cleanupTestCase() { m_server.stop(); }
};

QTEST_GUILESS_MAIN(TestRaOnPostgres)
#include "tst_raonpostgres.moc"
