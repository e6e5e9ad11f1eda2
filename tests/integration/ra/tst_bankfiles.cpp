// The bank's files (docs/architecture.md, "The bank's files"), through the real keykiosk-ra:
// init-demo refuses a symlinked directory, a planted link and a directory that is not empty,
// and leaves its directory at 0700 and ra.conf at 0640; serve, signer and check-config refuse
// a CA key, a register or a password-holding ra.conf that other accounts can read; and the
// PostgreSQL password comes from a passfile, on a real server with password authentication.
#include "bankfiles.h"
#include "harness.h"

#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace kk;
using namespace kk::test;

namespace {

struct Run
{
    int code = -1;
    QString output;
};

Run keykioskRa(const QStringList &args)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral(KK_RA_PATH), args);
    Run run;
    if (process.waitForFinished(60000) && process.exitStatus() == QProcess::NormalExit)
        run.code = process.exitCode();
    run.output = QString::fromUtf8(process.readAll());
    return run;
}

int modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System);
}

// A demo bank in a fresh directory: the directory.
QString demoBank(QTemporaryDir &scratch, const QString &name)
{
    const QString dir = scratch.filePath(name);
    return keykioskRa({QStringLiteral("init-demo"), dir}).code == 0 ? dir : QString();
}

} // namespace

class TestBankFiles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;

private slots:
    void initDemoRefusesASymlinkedDirectory()
    {
        // The testers' `ln -s /tmp link; keykiosk-ra init-demo link`, at a directory that is
        // not empty: nothing is written there.
        const QString target = m_scratch.filePath(QStringLiteral("elsewhere"));
        QVERIFY(QDir().mkpath(target));
        QFile other(target + QStringLiteral("/someone-elses"));
        QVERIFY(other.open(QIODevice::WriteOnly));
        other.close();
        const QString link = m_scratch.filePath(QStringLiteral("link"));
        QVERIFY(QFile::link(target, link));
        const Run run = keykioskRa({QStringLiteral("init-demo"), link});
        QVERIFY2(run.code != 0, qPrintable(run.output));
        QVERIFY2(run.output.contains(link + QStringLiteral(" is a symbolic link")),
                 qPrintable(run.output));
        QCOMPARE(entries(target), QStringList{QStringLiteral("someone-elses")});
        // A link higher up the path is refused the same way.
        const Run below = keykioskRa({QStringLiteral("init-demo"), link + QStringLiteral("/bank")});
        QVERIFY2(below.code != 0 && below.output.contains(QStringLiteral("symbolic link")),
                 qPrintable(below.output));
        QVERIFY(!QFileInfo::exists(target + QStringLiteral("/bank")));
    }

    void initDemoRefusesPlantedLinks()
    {
        // ra.conf and ra.db planted as dangling links, as an attacker with write access to
        // the directory would: refused (the directory is not empty), and nothing is created
        // at the links' targets.
        const QString dir = m_scratch.filePath(QStringLiteral("planted"));
        QVERIFY(QDir().mkpath(dir));
        const QString conf = m_scratch.filePath(QStringLiteral("attacker-conf"));
        const QString db = m_scratch.filePath(QStringLiteral("attacker-db"));
        QVERIFY(QFile::link(conf, dir + QStringLiteral("/ra.conf")));
        QVERIFY(QFile::link(db, dir + QStringLiteral("/ra.db")));
        const Run run = keykioskRa({QStringLiteral("init-demo"), dir});
        QVERIFY2(run.code != 0 && run.output.contains(QStringLiteral("is not empty")),
                 qPrintable(run.output));
        QVERIFY(!QFileInfo::exists(conf));
        QVERIFY(!QFileInfo::exists(db));
        QCOMPARE(entries(dir).size(), 2);
        // The register itself, opened by the RA through a planted link: refused too (the
        // file is created with O_NOFOLLOW, and SQLite is told not to follow one).
        const QString bank = demoBank(m_scratch, QStringLiteral("linked-register"));
        QVERIFY(!bank.isEmpty());
        const QString real = bank + QStringLiteral("/ra.db");
        QVERIFY(QFile::rename(real, m_scratch.filePath(QStringLiteral("moved.db"))));
        QVERIFY(QFile::link(m_scratch.filePath(QStringLiteral("moved.db")), real));
        const Run serve = keykioskRa({QStringLiteral("migrate"), QStringLiteral("--config"),
                                      bank + QStringLiteral("/ra.conf")});
        QVERIFY2(serve.code != 0 &&
                     serve.output.contains(real + QStringLiteral(" is a symbolic link")),
                 qPrintable(serve.output));
    }

    void initDemoRefusesADirectoryThatIsNotEmpty()
    {
        const QString dir = m_scratch.filePath(QStringLiteral("full"));
        QVERIFY(QDir().mkpath(dir));
        QFile leftover(dir + QStringLiteral("/notes.txt"));
        QVERIFY(leftover.open(QIODevice::WriteOnly));
        leftover.close();
        const Run run = keykioskRa({QStringLiteral("init-demo"), dir});
        QVERIFY2(run.code != 0 && run.output.contains(QStringLiteral("holds notes.txt")),
                 qPrintable(run.output));
        QCOMPARE(entries(dir), QStringList{QStringLiteral("notes.txt")});
    }

    void initDemoLeavesItsDirectoryPrivate()
    {
        // An empty directory at 0755 becomes 0700; the keys and the register are 0600, and
        // ra.conf 0640.
        const QString dir = m_scratch.filePath(QStringLiteral("open"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
        const Run run = keykioskRa({QStringLiteral("init-demo"), dir});
        QVERIFY2(run.code == 0, qPrintable(run.output));
        QCOMPARE(modeOf(dir), 0700);
        QCOMPARE(modeOf(dir + QStringLiteral("/ra.conf")), 0640);
        QCOMPARE(modeOf(dir + QStringLiteral("/ra.db")), 0600);
        for (const char *key : {"ca", "ra", "tls", "staff"})
            QCOMPARE(modeOf(dir + QStringLiteral("/%1.key.pem").arg(QLatin1String(key))), 0600);
        // A new directory is 0700 from the start.
        const QString fresh = demoBank(m_scratch, QStringLiteral("fresh"));
        QVERIFY(!fresh.isEmpty());
        QCOMPARE(modeOf(fresh), 0700);
    }

    void aDirectoryOthersCanChangeIsRefused()
    {
        // A parent that any account may write to (not sticky, unlike /tmp): the rest of the
        // path could be swapped under the bank.
        const QString open = m_scratch.filePath(QStringLiteral("shared"));
        QVERIFY(QDir().mkpath(open));
        QVERIFY(::chmod(QFile::encodeName(open).constData(), 0777) == 0);
        const Run run = keykioskRa({QStringLiteral("init-demo"), open + QStringLiteral("/bank")});
        QVERIFY2(run.code != 0 && run.output.contains(QStringLiteral("can be changed by other")),
                 qPrintable(run.output));
        QVERIFY(entries(open).isEmpty());
    }

    void secretsOthersCanReadAreRefused_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("what");
        QTest::newRow("CA key, signer") << "ca.key.pem"
                                        << "signer"
                                        << "the CA key";
        QTest::newRow("register, serve") << "ra.db"
                                         << "serve"
                                         << "the register";
        QTest::newRow("register, signer") << "ra.db"
                                          << "signer"
                                          << "the register";
        QTest::newRow("RA key, serve") << "ra.key.pem"
                                       << "serve"
                                       << "the RA's CMP key";
    }

    void secretsOthersCanReadAreRefused()
    {
        QFETCH(QString, file);
        QFETCH(QString, command);
        QFETCH(QString, what);
        const QString bank =
            demoBank(m_scratch, QStringLiteral("exposed-%1-%2").arg(file, command));
        QVERIFY(!bank.isEmpty());
        const QString conf = bank + QStringLiteral("/ra.conf");
        const QString path = bank + QLatin1Char('/') + file;
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0644) == 0);
        const Run run = keykioskRa({command, QStringLiteral("--config"), conf});
        QVERIFY2(run.code != 0, qPrintable(run.output));
        QVERIFY2(run.output.contains(path) && run.output.contains(what) &&
                     run.output.contains(QStringLiteral("mode 0644")),
                 qPrintable(run.output));
        const Run check =
            keykioskRa({QStringLiteral("check-config"), QStringLiteral("--config"), conf});
        QVERIFY2(check.code == 1 && check.output.contains(path), qPrintable(check.output));
        // Mended, check-config is content (the key at 0640 would not do for its owner).
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0600) == 0);
        const Run mended =
            keykioskRa({QStringLiteral("check-config"), QStringLiteral("--config"), conf});
        QVERIFY2(mended.code == 0, qPrintable(mended.output));
    }

    void aPasswordInTheConfigurationIsKeptFromOthers()
    {
        const QString bank = demoBank(m_scratch, QStringLiteral("password"));
        QVERIFY(!bank.isEmpty());
        const QString conf = bank + QStringLiteral("/ra.conf");
        QFile file(conf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString text = QString::fromUtf8(file.readAll());
        file.close();
        text.replace(QStringLiteral("[store]\npath=ra.db\n"),
                     QStringLiteral("[store]\npostgresql=host=db.bank user=ra password=S3cret\n"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
        file.close();
        QVERIFY(::chmod(QFile::encodeName(conf).constData(), 0644) == 0);
        const Run open =
            keykioskRa({QStringLiteral("check-config"), QStringLiteral("--config"), conf});
        QVERIFY2(open.code == 1 && open.output.contains(QStringLiteral("the PostgreSQL password")),
                 qPrintable(open.output));
        QVERIFY(!open.output.contains(QStringLiteral("S3cret")));
        const Run serve = keykioskRa({QStringLiteral("serve"), QStringLiteral("--config"), conf});
        QVERIFY2(serve.code != 0 && serve.output.contains(conf), qPrintable(serve.output));
        QVERIFY(::chmod(QFile::encodeName(conf).constData(), 0640) == 0);
        const Run closed =
            keykioskRa({QStringLiteral("check-config"), QStringLiteral("--config"), conf});
        QVERIFY2(closed.code == 0, qPrintable(closed.output));
        QVERIFY(ra::conninfoHoldsPassword(QStringLiteral("postgresql://ra:pw@db/bank")));
        QVERIFY(ra::conninfoHoldsPassword(QStringLiteral("postgresql://db/bank?password=pw")));
        QVERIFY(!ra::conninfoHoldsPassword(QStringLiteral("host=db passfile=/etc/ra.pgpass")));
    }

    void thePostgresPasswordComesFromAPassfile()
    {
        // A real server that asks this role for its password (SCRAM): with the password in a
        // libpq passfile (passfile= in the connection string), the RA's register opens and
        // migrates; without it, the server refuses.
        PostgresServer server;
        QVERIFY(server.start());
        QVERIFY(server
                    .psql(QStringLiteral("postgres"),
                          QStringLiteral("CREATE ROLE pwnode LOGIN PASSWORD 'S3cret-pw'"))
                    .startsWith(QLatin1String("CREATE ROLE")));
        QVERIFY(server
                    .psql(QStringLiteral("postgres"),
                          QStringLiteral("CREATE DATABASE pwbank OWNER pwnode"))
                    .startsWith(QLatin1String("CREATE DATABASE")));
        QVERIFY(server.requirePassword(QStringLiteral("pwnode")));
        const QString bank = demoBank(m_scratch, QStringLiteral("passfile"));
        QVERIFY(!bank.isEmpty());
        const QString passfile = bank + QStringLiteral("/ra.pgpass");
        QFile pass(passfile);
        QVERIFY(pass.open(QIODevice::WriteOnly));
        pass.write("*:*:pwbank:pwnode:S3cret-pw\n");
        pass.close();
        QVERIFY(::chmod(QFile::encodeName(passfile).constData(), 0600) == 0);
        const QString base =
            server.conninfo(QStringLiteral("pwbank"))
                .replace(QStringLiteral("user=keykiosk"), QStringLiteral("user=pwnode"));
        const QString conf = bank + QStringLiteral("/ra.conf");
        const auto configure = [&](const QString &conninfo) {
            QFile file(conf);
            file.open(QIODevice::ReadOnly);
            QString text = QString::fromUtf8(file.readAll());
            file.close();
            const int at = text.indexOf(QStringLiteral("[store]\n"));
            const int end = text.indexOf(QStringLiteral("\n["), at + 1);
            text.replace(at, end - at, QStringLiteral("[store]\npostgresql=%1\n").arg(conninfo));
            file.open(QIODevice::WriteOnly | QIODevice::Truncate);
            file.write(text.toUtf8());
        };
        configure(base);
        const Run without =
            keykioskRa({QStringLiteral("migrate"), QStringLiteral("--config"), conf});
        QVERIFY2(without.code != 0 && without.output.contains(QStringLiteral("password")),
                 qPrintable(without.output));
        configure(base + QStringLiteral(" passfile=") + passfile);
        const Run with = keykioskRa({QStringLiteral("migrate"), QStringLiteral("--config"), conf});
        QVERIFY2(with.code == 0 && with.output.contains(QStringLiteral("migrated")),
                 qPrintable(with.output + server.log()));
        const Run check =
            keykioskRa({QStringLiteral("check-config"), QStringLiteral("--config"), conf});
        QVERIFY2(check.code == 0, qPrintable(check.output));
    }
};

QTEST_GUILESS_MAIN(TestBankFiles)
#include "tst_bankfiles.moc"
