// Where the kiosk keeps acts, slips and sitting summaries: a private directory (0700) in its
// state directory, old files deleted after the configured days, and never a fallback to a
// shared temporary folder.
#include "controllers/actcontroller.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace kk;

namespace {
BankDetails bank()
{
    return {QStringLiteral("АО «Банк»"), QStringLiteral("8 800"), QString()};
}
QStringList slipsIn(const QString &directory)
{
    return QDir(directory).entryList({QStringLiteral("slip-*.pdf")}, QDir::Files);
}
} // namespace

class TestActController : public QObject
{
    Q_OBJECT
private slots:
    void savedDocumentsArePrivate()
    {
        QTemporaryDir state;
        const QString acts = state.filePath(QStringLiteral("acts"));
        ActController act(bank(), acts, QStringLiteral("no-such-printer"));
        act.printSlip(QStringLiteral("R-000042"), QStringLiteral("Иванов И. И."),
                      QStringLiteral("ИНН 7701234567"));
        QCOMPARE(slipsIn(acts).size(), 1);
        struct stat st
        {
        };
        QCOMPARE(::stat(QFile::encodeName(acts).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, mode_t(0700));
    }

    void aDirectoryThatCannotBeMadeSavesNothingAnywhere()
    {
        QTemporaryDir state;
        QFile blocker(state.filePath(QStringLiteral("not-a-directory")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const QStringList tmpBefore = slipsIn(QDir::tempPath());
        ActController act(bank(), blocker.fileName() + QStringLiteral("/acts"));
        QTest::ignoreMessage(QtCriticalMsg,
                             QRegularExpression(QStringLiteral("cannot be created")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(".*")));
        act.printSlip(QStringLiteral("R-000043"), QStringLiteral("Иванов И. И."), {});
        QCOMPARE(act.errorId(), errorId(ErrorCode::PrintFailed));
        QCOMPARE(slipsIn(QDir::tempPath()), tmpBefore); // the old fallback wrote to /tmp
    }

    void documentsOlderThanTheRetentionAreDeleted()
    {
        QTemporaryDir acts;
        auto make = [&acts](const QString &name, int daysOld) {
            QFile file(acts.filePath(name));
            file.open(QIODevice::WriteOnly);
            file.write("%PDF");
            file.flush(); // before the time is set: a later flush would set it again
            file.setFileTime(QDateTime::currentDateTime().addDays(-daysOld),
                             QFileDevice::FileModificationTime);
        };
        make(QStringLiteral("act-0A-20260101-100000.pdf"), 120);
        make(QStringLiteral("slip-R-000001-20260101-100000.pdf"), 91);
        make(QStringLiteral("sitting-S1-20260101-100000.pdf"), 200);
        make(QStringLiteral("act-0B-20261101-100000.pdf"), 10);
        make(QStringLiteral("notes.txt"), 400); // not ours: never touched
        ActController act(bank(), acts.path());
        act.setRetentionDays(90);
        QCOMPARE(QDir(acts.path()).entryList(QDir::Files),
                 (QStringList{QStringLiteral("act-0B-20261101-100000.pdf"),
                              QStringLiteral("notes.txt")}));
    }
};

QTEST_MAIN(TestActController)
#include "tst_actcontroller.moc"
