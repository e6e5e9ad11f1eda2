#include "keykiosk/errors.h"

#include <QMetaEnum>
#include <QSet>
#include <QtTest>

using namespace kk;

class TestErrors : public QObject
{
    Q_OBJECT
private slots:
    void everyCodeHasAStableIdAndAMessage()
    {
        const QMetaEnum meta = QMetaEnum::fromType<ErrorCode>();
        QSet<QString> ids, messages;
        QCOMPARE(allErrorCodes().size(), meta.keyCount() - 1); // all but None
        for (ErrorCode code : allErrorCodes()) {
            const QString id = errorId(code);
            QVERIFY2(QRegularExpression(QStringLiteral("^KK-\\d{3}$")).match(id).hasMatch(),
                     qPrintable(id));
            QVERIFY2(!ids.contains(id), qPrintable(id));
            ids << id;
            const QString message = clientMessage(code);
            QVERIFY2(!message.isEmpty(), meta.valueToKey(int(code)));
            QVERIFY2(!messages.contains(message), qPrintable(message));
            messages << message;
        }
    }
    void idsAreTheNumbers()
    {
        QCOMPARE(errorId(ErrorCode::PinIncorrect), QStringLiteral("KK-105"));
        QCOMPARE(errorId(ErrorCode::PcscUnavailable), QStringLiteral("KK-301"));
    }
    void logTextCarriesIdNameAndDetail()
    {
        const Error error(ErrorCode::PinLocked, QStringLiteral("C_Login returned CKR_PIN_LOCKED"));
        QVERIFY(error.isError());
        QCOMPARE(error.logText(),
                 QStringLiteral("KK-106 PinLocked: C_Login returned CKR_PIN_LOCKED"));
        QVERIFY(!Error().isError());
        QVERIFY(clientMessage(ErrorCode::None).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestErrors)
#include "tst_errors.moc"
