// The register's SQLite connection with Durability::AtFlush (ra/store/sqldatabase.h): a flush
// makes every transaction committed before it durable, with one fdatasync for as many
// commits as came before it, also when threads flush at the same time (group commit); a
// flush with nothing new to sync syncs nothing; with Durability::AtCommit there is nothing to
// flush. On a real file.
#include "sqldatabase.h"
#include "store.h"

#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace kk;
using namespace kk::ra;

namespace {

RequestRecord draft(int n)
{
    RequestRecord r;
    r.kind = QStringLiteral("kur");
    r.uid = QStringLiteral("FLUSH-%1").arg(n);
    r.abonent = QStringLiteral("Сбросов");
    r.newKeyHash = QByteArray::number(n).rightJustified(32, '0');
    r.newKeySpki = QByteArray("spki");
    r.subjectDer = QByteArray("subject");
    r.status = RequestStatus::Approved;
    return r;
}

} // namespace

class TestSqliteDatabase : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private slots:
    void oneFlushCoversEveryCommitBeforeIt()
    {
        auto store =
            Store::open(m_dir.filePath(QStringLiteral("one.db")), 0600, Durability::AtFlush);
        QVERIFY(store.ok());
        QVERIFY(!store.value()->flush());
        const auto before = store.value()->flushCounts();
        for (int i = 0; i < 5; ++i)
            QVERIFY(store.value()->createOrGet(draft(i), QStringLiteral("test")).ok());
        auto counts = store.value()->flushCounts();
        QCOMPARE(counts.commits, before.commits + 5);
        QCOMPARE(counts.durable, before.durable); // committed, not yet flushed
        QVERIFY(!store.value()->flush());
        counts = store.value()->flushCounts();
        QCOMPARE(counts.flushes, before.flushes + 1); // one fdatasync for the five
        QCOMPARE(counts.durable, counts.commits);
        // Nothing new: nothing to sync.
        QVERIFY(!store.value()->flush());
        QCOMPARE(store.value()->flushCounts().flushes, counts.flushes);
    }

    void threadsFlushingTogetherShareFlushes()
    {
        auto opened =
            Store::open(m_dir.filePath(QStringLiteral("many.db")), 0600, Durability::AtFlush);
        QVERIFY(opened.ok());
        Store &store = *opened.value();
        constexpr int kThreads = 8, kEach = 40;
        std::atomic<int> errors{0}, uncovered{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < kEach; ++i) {
                    if (!store.createOrGet(draft(1000 + t * kEach + i), QStringLiteral("test"))) {
                        ++errors;
                        continue;
                    }
                    // This thread's commit is counted by now; a flush must cover it.
                    const quint64 mine = store.flushCounts().commits;
                    if (store.flush())
                        ++errors;
                    else if (store.flushCounts().durable < mine)
                        ++uncovered;
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(errors.load(), 0);
        QCOMPARE(uncovered.load(), 0);
        const auto counts = store.flushCounts();
        QCOMPARE(counts.durable, counts.commits);
        QVERIFY(counts.flushes >= 1);
        QVERIFY(counts.flushes <= counts.commits);
        qInfo("%llu commits, %llu fdatasync calls", static_cast<unsigned long long>(counts.commits),
              static_cast<unsigned long long>(counts.flushes));
        auto all = store.list();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), kThreads * kEach);
    }

    void atCommitThereIsNothingToFlush()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("commit.db")));
        QVERIFY(store.ok());
        QVERIFY(store.value()->createOrGet(draft(1), QStringLiteral("test")).ok());
        QVERIFY(!store.value()->flush());
        const auto counts = store.value()->flushCounts();
        QVERIFY(counts.commits >= 1);
        QCOMPARE(counts.flushes, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestSqliteDatabase)
#include "tst_sqlitedatabase.moc"
