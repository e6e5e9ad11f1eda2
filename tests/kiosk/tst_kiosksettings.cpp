// The kiosk's INI: defaults a branch can run on, UTF-8 values (the bank's name is Cyrillic),
// paths relative to the file, and nonsense numbers falling back to the defaults.
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
        QFile file(dir.filePath(QStringLiteral("keykiosk.conf")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[kiosk]\nlanguage=kk\nidleSeconds=90\ncountdownSeconds=abc\n"
                   "[pinpad]\nshuffle=false\n"
                   "[bank]\nurl=https://127.0.0.1:9/.well-known/cmp\nraCert=bank/ra.pem\n"
                   "caCert=/etc/keykiosk/ca.pem\nprobeSeconds=-4\ntlsPin=bank/tls.pem\n"
                   "tlsClientCert=kiosk.pem\ntlsClientKey=kiosk.key\n"
                   "[journal]\npath=journal.db\n"
                   "[act]\nbankName=АО «Демо Банк»\nsupportPhone=+7 (800) 000-00-00\n"
                   "directory=acts\n");
        file.close();
        QString error;
        const KioskSettings s = KioskSettings::load(file.fileName(), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(s.language, QStringLiteral("kk"));
        QCOMPARE(s.idleSeconds, 90);
        QCOMPARE(s.countdownSeconds, 15); // not a number: the default
        QCOMPARE(s.bankProbeSeconds, 15); // not positive: the default
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
    }

    void missingFileIsReported()
    {
        QString error;
        const KioskSettings s = KioskSettings::load(QStringLiteral("/nonexistent.conf"), &error);
        QVERIFY(error.contains(QStringLiteral("not found")));
        QCOMPARE(s.language, QStringLiteral("ru"));
    }
};

QTEST_GUILESS_MAIN(TestKioskSettings)
#include "tst_kiosksettings.moc"
