// The act's data and drawing, without files or printers: what is read from a certificate
// (algorithm and parameters OIDs, the public key bits, the fingerprint), how the key is
// grouped, the QR code, and that the preview is the paper layout at screen size.
#include "keykiosk/act/acceptanceact.h"
#include "keykiosk/opensslptr.h"
#include "testcertificate.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace kk;
using namespace kk::test;

class TestAcceptanceAct : public QObject
{
    Q_OBJECT
private slots:
    void readsTheCertificate()
    {
        const QByteArray der = makeCertificate({});
        auto data = actDataFromCertificate(der, BankDetails{}, QDate(2026, 11, 23));
        QVERIFY2(data, qPrintable(data ? QString() : data.error().logText()));
        QCOMPARE(data->algorithmName, QStringLiteral("id-ecPublicKey"));
        QCOMPARE(data->algorithmOid, QStringLiteral("1.2.840.10045.2.1"));
        QCOMPARE(data->parametersOid, QStringLiteral("1.2.840.10045.3.1.7"));
        QCOMPARE(data->publicKey.size(), 65); // 04 || X || Y
        QCOMPARE(quint8(data->publicKey.at(0)), quint8(0x04));
        QCOMPARE(data->certificate.ownerName, QStringLiteral("Петров Пётр Петрович"));
        QCOMPARE(data->certificate.identifiers.value(QStringLiteral("INN")),
                 QStringLiteral("7701234567"));
        QCOMPARE(data->certificate.serialHex, QStringLiteral("1234ABCD"));
        const QByteArray sha = QCryptographicHash::hash(der, QCryptographicHash::Sha256);
        QCOMPARE(data->fingerprintSha256, QString::fromLatin1(sha.toHex(':').toUpper()));

        // The same certificate in PEM gives the same act.
        const QByteArray pem =
            "-----BEGIN CERTIFICATE-----\n" + der.toBase64() + "\n-----END CERTIFICATE-----\n";
        auto fromPem = actDataFromCertificate(pem, BankDetails{});
        QVERIFY(fromPem);
        QCOMPARE(fromPem->fingerprintSha256, data->fingerprintSha256);
    }

    void garbageIsAnError()
    {
        QVERIFY(!actDataFromCertificate(QByteArray("not a certificate"), BankDetails{}));
        QVERIFY(!actDataFromCertificate(QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n"),
                                        BankDetails{}));
    }

    void publicKeyInGroupsOfFour()
    {
        const QStringList lines = publicKeyLines(QByteArray::fromHex(
            "04d20972cf5c5fabb020fd183deda22205ac9bcedb51846b40a7df99af22b8b1"));
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines[0], QStringLiteral("04D2 0972 CF5C 5FAB B020 FD18 3DED A222"));
        QCOMPARE(lines[1], QStringLiteral("05AC 9BCE DB51 846B 40A7 DF99 AF22 B8B1"));
        QCOMPARE(publicKeyLines(QByteArray::fromHex("abcdef")), QStringList{"ABCD EF"});
    }

    void qrCodeIsASquareOfModules()
    {
        const auto modules = qrModules("AB:CD:EF");
        QVERIFY(modules.size() >= 21);
        QCOMPARE((modules.size() - 21) % 4, 0); // QR versions grow by 4 modules
        QCOMPARE(modules.first().size(), modules.size());
        QVERIFY(modules[0][0] && modules[6][6] && !modules[7][7]); // finder pattern corner
    }

    void slipNamesTheRequest()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("slip.pdf"));
        SlipData slip{QStringLiteral("R-000042"), QStringLiteral("Сидоров Сидор"),
                      QStringLiteral("KK-1"), QDate(2026, 11, 23), BankDetails{}};
        QVERIFY(!writeSlipPdf(slip, QStringLiteral("ru"), path));
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {path, QStringLiteral("-")});
        QVERIFY(text.waitForFinished(10000));
        const QString out = QString::fromUtf8(text.readAllStandardOutput()).simplified();
        QVERIFY2(out.contains(QStringLiteral("Номер запроса: R-000042")), qPrintable(out));
        QVERIFY(out.contains(QStringLiteral("Запрос принят банком")));
        QVERIFY(out.contains(QStringLiteral("Получить сертификат")));
    }

    void previewIsThePaperLayout()
    {
        auto data = actDataFromCertificate(makeCertificate({}), BankDetails{});
        QVERIFY(data);
        const QImage image = ActRenderer(data.value()).preview(840);
        QCOMPARE(image.width(), 840);
        QCOMPARE(image.height(), 1188);
        // Ink in the top part (the title) and none below the last block.
        auto inkIn = [&image](QRect area) {
            int dark = 0;
            for (int y = area.top(); y <= area.bottom(); ++y)
                for (int x = area.left(); x <= area.right(); ++x)
                    dark += qGray(image.pixel(x, y)) < 128;
            return dark;
        };
        QVERIFY(inkIn(QRect(60, 40, 720, 80)) > 200);
        QCOMPARE(inkIn(QRect(0, 1150, 840, 30)), 0);
    }
};

QTEST_MAIN(TestAcceptanceAct)
#include "tst_acceptanceact.moc"
