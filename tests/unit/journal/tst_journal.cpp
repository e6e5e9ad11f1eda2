// The kiosk's journal: stable points only, lookups by profile and by new key, and the upgrade
// from the first schema (which kept a journey's screen state).
#include "keykiosk/journal/journal.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sqlite3.h>

using namespace kk;

class TestJournal : public QObject
{
    Q_OBJECT
private slots:
    void recordsOnlyStablePoints()
    {
        QTemporaryDir dir;
        auto journal = Journal::open(dir.filePath(QStringLiteral("j.db"))).takeValue();
        JournalEntry entry;
        entry.tokenSerial = QStringLiteral("T1");
        entry.profileKeyId = "\x01";
        entry.lifecycle = KeyLifecycle::Submitting;
        QCOMPARE(journal->record(entry).code, ErrorCode::Internal);
        QVERIFY(!journal->find(entry.tokenSerial, entry.profileKeyId).value());
        entry.lifecycle = KeyLifecycle::WithBank;
        entry.newKeyId = "\xbe\xef";
        entry.requestNumber = QStringLiteral("R-000042");
        QVERIFY(!journal->record(entry));
        auto found = journal->find(entry.tokenSerial, entry.profileKeyId).value();
        QVERIFY(found);
        QCOMPARE(found->lifecycle, KeyLifecycle::WithBank);
        QCOMPARE(found->requestNumber, QStringLiteral("R-000042"));
        entry.lifecycle = KeyLifecycle::Done;
        QVERIFY(!journal->record(entry)); // the same row, updated
        QCOMPARE(journal->forToken(entry.tokenSerial).value().size(), 1);
        QCOMPARE(journal->findByNewKey(entry.tokenSerial, "\xbe\xef").value()->lifecycle,
                 KeyLifecycle::Done);
        QVERIFY(!journal->findByNewKey(QStringLiteral("T2"), "\xbe\xef").value());
        QVERIFY(!journal->remove(entry.tokenSerial, entry.profileKeyId));
        QVERIFY(journal->forToken(entry.tokenSerial).value().isEmpty());
    }

    void upgradesTheFirstSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.db"));
        {
            sqlite3 *db = nullptr;
            QCOMPARE(sqlite3_open(path.toUtf8().constData(), &db), SQLITE_OK);
            QCOMPARE(sqlite3_exec(db,
                                  "CREATE TABLE renewals (token_serial TEXT NOT NULL, "
                                  "current_key_id BLOB NOT NULL, state INTEGER NOT NULL, "
                                  "new_key_id BLOB, detail TEXT NOT NULL DEFAULT '', started "
                                  "INTEGER NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY "
                                  "(token_serial, current_key_id));"
                                  "INSERT INTO renewals VALUES ('T1', x'01', 7, x'beef', "
                                  "'Запрос R-000003 принят банком', 1, 2);"
                                  "INSERT INTO renewals VALUES ('T2', x'01', 5, x'', '', 1, 2);"
                                  "PRAGMA user_version = 1;",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            sqlite3_close(db);
        }
        auto journal = Journal::open(path);
        QVERIFY2(journal, qPrintable(journal.error().logText()));
        auto kept = journal.value()->find(QStringLiteral("T1"), "\x01").value();
        QVERIFY(kept); // a request the bank held survives
        QCOMPARE(kept->lifecycle, KeyLifecycle::WithBank);
        QCOMPARE(kept->newKeyId, QByteArray("\xbe\xef"));
        QVERIFY(!journal.value()->find(QStringLiteral("T2"), "\x01").value());
        journal.value().reset();
        QVERIFY(Journal::open(path)); // and it opens again at version 2
    }

    void refusesANewerSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v9.db"));
        sqlite3 *db = nullptr;
        sqlite3_open(path.toUtf8().constData(), &db);
        sqlite3_exec(db, "PRAGMA user_version = 9;", nullptr, nullptr, nullptr);
        sqlite3_close(db);
        auto journal = Journal::open(path);
        QVERIFY(!journal);
        QVERIFY(journal.error().detail.contains(QStringLiteral("newer")));
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
