// The worker thread: token jobs never run on the caller's thread, and results come back to it.
#include "harness.h"

#include "keykiosk/token/tokenservice.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

class TestTokenService : public QObject
{
    Q_OBJECT
private slots:
    void jobsRunOnTheWorkerAndResultsComeBack()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        TokenService service(softhsmModule());
        QThread *jobThread = nullptr;
        QThread *doneThread = nullptr;
        QString serial;
        using Listing = Expected<QVector<TokenInfo>>;
        service.run<Listing>(
            this,
            [&jobThread](TokenContext &context) -> Listing {
                jobThread = QThread::currentThread();
                auto module = context.module();
                if (!module)
                    return module.error();
                return module.value()->tokens();
            },
            [&](Listing result) {
                doneThread = QThread::currentThread();
                if (result && !result->isEmpty())
                    serial = result->first().serial;
            });
        QTRY_VERIFY(doneThread != nullptr);
        QCOMPARE(jobThread, service.workerThread());
        QVERIFY(jobThread != QThread::currentThread());
        QCOMPARE(doneThread, QThread::currentThread());
        QCOMPARE(serial, token.serial());
    }

    void resultForADeadReceiverIsDropped()
    {
        TestToken token;
        TokenService service(softhsmModule());
        bool called = false;
        std::atomic_bool ran{false};
        {
            QObject receiver;
            service.run<int>(
                &receiver,
                [&ran](TokenContext &) {
                    QThread::msleep(100);
                    ran = true;
                    return 1;
                },
                [&called](int) { called = true; });
        }
        QTRY_VERIFY(ran);
        QTest::qWait(100);
        QVERIFY(!called);
    }

    void missingModuleIsAnErrorForTheJob()
    {
        TokenService service(QStringLiteral("/nonexistent/module.so"));
        ErrorCode code = ErrorCode::None;
        service.run<Error>(
            this, [](TokenContext &context) -> Error { return context.module().error(); },
            [&code](Error error) { code = error.code; });
        QTRY_COMPARE(code, ErrorCode::ModuleNotFound);
    }
};

QTEST_GUILESS_MAIN(TestTokenService)
#include "tst_tokenservice.moc"
