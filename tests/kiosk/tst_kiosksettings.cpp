// The kiosk's INI: defaults a branch can run on, UTF-8 values (the bank's name is Cyrillic),
// paths relative to the file, and every wrong or unknown key a problem with its line.
#include "kiosksettings.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace kk;

class TestKioskSettings : public QObject
{
    Q_OBJECT
private slots:
    void defaultsWithoutAFile()
    {
        const KioskSettings s = KioskSettings::load({});
        QCOMPARE(s.language, QStringLiteral("ru"));
        QCOMPARE(s.idleSeconds, 60);
        QVERIFY(s.pinShuffle);
        QVERIFY(s.bankUrl.isEmpty()); // no bank: the kiosk is out of service for renewals
    }

    void readsEverySection()
    {
        QTemporaryDir dir;
        const QString path =
            write(dir, "# a branch kiosk\n[kiosk]\nlanguage=kk\nidleSeconds=90\n"
                       "[pinpad]\nshuffle=false\n"
                       "[bank]\nurl=https://127.0.0.1:9/.well-known/cmp\nraCert=bank/ra.pem\n"
                       "caCert=/etc/keykiosk/ca.pem\ntlsPin=bank/tls.pem\n"
                       "tlsClientCert=kiosk.pem\ntlsClientKey=kiosk.key\n"
                       "[journal]\npath=journal.db\n"
                       "[act]\nbankName=АО «Демо Банк»\nsupportPhone=+7 (800) 000-00-00\n"
                       "directory=acts\nkeepDays=30\n");
        QStringList problems;
        const KioskSettings s = KioskSettings::load(path, &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(s.language, QStringLiteral("kk"));
        QCOMPARE(s.idleSeconds, 90);
        QVERIFY(!s.pinShuffle);
        QCOMPARE(s.bankRaCert, dir.filePath(QStringLiteral("bank/ra.pem")));
        QCOMPARE(s.bankCaCert, QStringLiteral("/etc/keykiosk/ca.pem"));
        QCOMPARE(s.bankTls.pinnedCertPath, dir.filePath(QStringLiteral("bank/tls.pem")));
        QCOMPARE(s.bankTls.clientCertPath, dir.filePath(QStringLiteral("kiosk.pem")));
        QCOMPARE(s.bankTls.clientKeyPath, dir.filePath(QStringLiteral("kiosk.key")));
        QVERIFY(!s.bankTls.allowPlainHttp); // HTTPS unless said otherwise
        QCOMPARE(s.journalPath, dir.filePath(QStringLiteral("journal.db")));
        QCOMPARE(s.actBankName, QStringLiteral("АО «Демо Банк»"));
        QCOMPARE(s.actSupportPhone, QStringLiteral("+7 (800) 000-00-00"));
        QCOMPARE(s.actDirectory, dir.filePath(QStringLiteral("acts")));
        QCOMPARE(s.actKeepDays, 30);
    }

    void severalBankNodes()
    {
        QTemporaryDir dir;
        QStringList problems;
        const KioskSettings s =
            KioskSettings::load(write(dir, "[bank]\nurl=https://ra1.bank.example/.well-known/cmp "
                                           "https://ra2.bank.example:8443/.well-known/cmp\n"),
                                &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(s.bankUrl.split(' ').size(), 2);
        KioskSettings::load(write(dir, "[bank]\nurl=https://ra1.bank.example/cmp ftp://ra2\n"),
                            &problems);
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains(QStringLiteral("'ftp://ra2' is not an https:// URL")),
                 qPrintable(problems.first()));
    }

    void aBankNameWithACommaStaysWhole()
    {
        // QSettings read "АО «Банк», филиал №2" as a list and the name became empty.
        QTemporaryDir dir;
        QStringList problems;
        const KioskSettings s = KioskSettings::load(
            write(dir, "[act]\nbankName=АО «Банк», филиал №2\nsupportPhone=8 800, доб. 5\n"),
            &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(s.actBankName, QStringLiteral("АО «Банк», филиал №2"));
        QCOMPARE(s.actSupportPhone, QStringLiteral("8 800, доб. 5"));
    }

    void spacesAroundAValueAreTrimmed()
    {
        // An editor's trailing spaces (or tabs) must not become part of a path, a URL or a
        // number: "journal.db   " is the file journal.db. Quotes keep spaces on purpose.
        QTemporaryDir dir;
        QStringList problems;
        const KioskSettings s = KioskSettings::load(
            write(dir, "\xEF\xBB\xBF[kiosk]  \r\nlanguage = kk \t\r\nidleSeconds=90   \r\n"
                       "[bank]\r\nurl=https://bank.example/cmp  \r\nraCert=  bank/ra.pem\t\r\n"
                       "[journal]\r\npath=journal.db   \r\n"
                       "[act]\r\nbankName=\"  АО «Банк»  \"  \r\n"),
            &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        QCOMPARE(s.language, QStringLiteral("kk"));
        QCOMPARE(s.idleSeconds, 90);
        QCOMPARE(s.bankUrl, QStringLiteral("https://bank.example/cmp"));
        QCOMPARE(s.bankRaCert, dir.filePath(QStringLiteral("bank/ra.pem")));
        QCOMPARE(s.journalPath, dir.filePath(QStringLiteral("journal.db")));
        QCOMPARE(s.actBankName, QStringLiteral("  АО «Банк»  "));
    }

    void everyProblemIsReportedWithItsLine()
    {
        QTemporaryDir dir;
        QStringList problems;
        KioskSettings::load(write(dir, "[kiosk]\n"
                                       "idleSeconds=abc\n"    // 2: not a number
                                       "fulscreen=false\n"    // 3: a typo
                                       "countdownSeconds=0\n" // 4: out of range
                                       "[bank]\n"
                                       "url=ftp://bank\n"           // 6: not https
                                       "probeSeconds=-4\n"          // 7: out of range
                                       "allowPlainHttp=maybe\n"     // 8: not a flag
                                       "[kiosk]\nlanguage=de\n"     // 10: not a language
                                       "[kiosk]\nlanguage=ru\n"     // 12: twice
                                       "just words\n"               // 13: not key = value
                                       "[staff]\npolicyOid=staff\n" // 15: not an OID
                                       "[act]\nbankName=\n"),       // 17: empty
                            &problems);
        const QString all = problems.join('\n');
        const QStringList expected = {
            QStringLiteral(":2: [kiosk] idleSeconds = 'abc': a whole number from 5 to 3600"),
            QStringLiteral(":3: [kiosk] fulscreen is not a known key"),
            QStringLiteral(":4: [kiosk] countdownSeconds = '0'"),
            QStringLiteral(":6: [bank] url: 'ftp://bank' is not an https:// URL"),
            QStringLiteral(":7: [bank] probeSeconds = '-4'"),
            QStringLiteral(":8: [bank] allowPlainHttp = 'maybe': true or false"),
            QStringLiteral(":10: [kiosk] language = 'de': one of ru, kk, en"),
            QStringLiteral(":12: [kiosk] language is given twice (first on line 10)"),
            QStringLiteral(":13: 'just words' is not a 'key = value' line"),
            QStringLiteral(":15: [staff] policyOid = 'staff': an OID"),
            QStringLiteral(":17: [act] bankName: the act needs the bank's name"),
        };
        for (const QString &text : expected)
            QVERIFY2(all.contains(text),
                     qPrintable(QStringLiteral("missing '%1' in:\n%2").arg(text, all)));
        QCOMPARE(problems.size(), expected.size());
    }

    void missingFileIsAProblem()
    {
        QStringList problems;
        const KioskSettings s = KioskSettings::load(QStringLiteral("/nonexistent.conf"), &problems);
        QCOMPARE(problems.size(), 1);
        QVERIFY2(problems.first().contains(QStringLiteral("/nonexistent.conf: cannot be read")),
                 qPrintable(problems.first()));
        QCOMPARE(s.language, QStringLiteral("ru"));
    }

private:
    static QString write(const QTemporaryDir &dir, const char *text)
    {
        QFile file(dir.filePath(QStringLiteral("keykiosk.conf")));
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(text);
        return file.fileName();
    }
};

QTEST_GUILESS_MAIN(TestKioskSettings)
#include "tst_kiosksettings.moc"
