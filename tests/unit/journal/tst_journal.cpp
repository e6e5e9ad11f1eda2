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

    void keepsASittingsBoard()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("j.db"));
        Sitting sitting;
        sitting.id = QStringLiteral("S-20261128-4F2A");
        sitting.organization = {QStringLiteral("ООО «Ромашка»"), QStringLiteral("7707083893")};
        sitting.started = QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC);
        SittingSigner director;
        director.tokenSerial = QStringLiteral("T1");
        director.profileKeyId = "\x01";
        director.owner = QStringLiteral("Директоров Д. Д.");
        director.title = QStringLiteral("Генеральный директор");
        director.status = SignerStatus::SignerCertificateReceived;
        director.requestNumber = QStringLiteral("R-000001");
        director.certificateDer = "DER";
        SittingSigner accountant = director;
        accountant.tokenSerial = QStringLiteral("T2");
        accountant.owner = QStringLiteral("Бухгалтерова Б. Б.");
        accountant.status = SignerStatus::SignerRefused;
        accountant.reason = QStringLiteral("Неверно указан ИНН");
        sitting.signers = {director, accountant};
        {
            auto journal = Journal::open(path).takeValue();
            QVERIFY(!journal->openSitting().value());
            QVERIFY(!journal->saveSitting(sitting));
            sitting.signers[1].status =
                SignerStatus::SignerWithBank; // saved again: the board as it is now
            QVERIFY(!journal->saveSitting(sitting));
        } // a restart
        auto journal = Journal::open(path).takeValue();
        auto open = journal->openSitting().value();
        QVERIFY(open);
        QCOMPARE(open->id, sitting.id);
        QCOMPARE(open->organization.inn, QStringLiteral("7707083893"));
        QCOMPARE(open->started, sitting.started);
        QCOMPARE(open->signers.size(), 2);
        QCOMPARE(open->signers[0].title, QStringLiteral("Генеральный директор"));
        QCOMPARE(open->signers[0].status, SignerStatus::SignerCertificateReceived);
        QCOMPARE(open->signers[0].certificateDer, QByteArray("DER"));
        QCOMPARE(open->signers[1].status, SignerStatus::SignerWithBank);
        QCOMPARE(open->signers[1].reason, QStringLiteral("Неверно указан ИНН"));
        sitting.closed = QDateTime::currentDateTimeUtc();
        QVERIFY(!journal->saveSitting(sitting));
        QVERIFY(!journal->openSitting().value()); // closed: kept for staff, not reopened
        QVERIFY(journal->sitting(sitting.id).value()->closed.isValid());
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
