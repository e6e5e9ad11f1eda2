// The PC/SC monitor against a real, private pcscd with the vpcd driver and our virtual card.
#include "harness.h"

#include "keykiosk/presence/pcscmonitor.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kAtr = QByteArray::fromHex("3b8f8001804f0ca0000003060300030000000068");
constexpr int kTwoSeconds = 2000;
} // namespace

class TestPcscMonitor : public QObject
{
    Q_OBJECT
private slots:
    void reportsInsertAndRemoveWithinTwoSeconds()
    {
        PrivatePcscd pcscd;
        QVERIFY2(pcscd.start(), qPrintable(pcscd.log()));
        PcscMonitor monitor;
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        QSignalSpy readers(&monitor, &PcscMonitor::readersChanged);
        QSignalSpy inserted(&monitor, &PcscMonitor::cardInserted);
        QSignalSpy removed(&monitor, &PcscMonitor::cardRemoved);
        monitor.start();
        QTRY_COMPARE_WITH_TIMEOUT(available.count(), 1, 5000);
        QCOMPARE(available.first().first().toBool(), true);
        QTRY_VERIFY(!readers.isEmpty());
        QVERIFY(
            readers.last().first().toStringList().contains(QStringLiteral("Virtual PCD 00 00")));

        for (int round = 0; round < 2; ++round) {
            VirtualCard card(kAtr);
            QElapsedTimer timer;
            timer.start();
            QVERIFY(card.insert(pcscd.port()));
            QTRY_COMPARE_WITH_TIMEOUT(inserted.count(), round + 1, kTwoSeconds);
            qInfo("insert reported after %lld ms", timer.elapsed());
            QCOMPARE(inserted.last().at(0).toString(), QStringLiteral("Virtual PCD 00 00"));
            QCOMPARE(inserted.last().at(1).toByteArray(), kAtr);

            timer.restart();
            card.remove();
            QTRY_COMPARE_WITH_TIMEOUT(removed.count(), round + 1, kTwoSeconds);
            qInfo("removal reported after %lld ms", timer.elapsed());
            QCOMPARE(removed.last().at(0).toString(), QStringLiteral("Virtual PCD 00 00"));
        }
    }

    void survivesAPcscdRestart()
    {
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());
        PcscMonitor monitor;
        monitor.setRetryIntervalMs(100);
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        QSignalSpy inserted(&monitor, &PcscMonitor::cardInserted);
        QSignalSpy removed(&monitor, &PcscMonitor::cardRemoved);
        monitor.start();
        QTRY_COMPARE_WITH_TIMEOUT(available.count(), 1, 5000);

        VirtualCard card(kAtr);
        QVERIFY(card.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(inserted.count(), 1, kTwoSeconds);

        pcscd.kill(); // a crash, not a clean stop
        card.remove();
        QTRY_COMPARE_WITH_TIMEOUT(available.count(), 2, 5000);
        QCOMPARE(available.last().first().toBool(), false);
        QCOMPARE(removed.count(), 1); // the card is gone with the service

        QVERIFY2(pcscd.start(), qPrintable(pcscd.log()));
        QTRY_COMPARE_WITH_TIMEOUT(available.count(), 3, 5000);
        QCOMPARE(available.last().first().toBool(), true);

        // The same monitor, never restarted, sees the next insertion.
        VirtualCard again(kAtr);
        QVERIFY(again.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(inserted.count(), 2, kTwoSeconds);
        again.remove();
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 2, kTwoSeconds);
    }

    void waitsForPcscdThatIsNotRunningYet()
    {
        PrivatePcscd pcscd; // sets the socket path, not started
        PcscMonitor monitor;
        monitor.setRetryIntervalMs(100);
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        monitor.start();
        QTRY_COMPARE(available.count(), 1);
        QCOMPARE(available.first().first().toBool(), false);
        QVERIFY(pcscd.start());
        QTRY_COMPARE_WITH_TIMEOUT(available.count(), 2, 5000);
        QCOMPARE(available.last().first().toBool(), true);
    }
};

QTEST_GUILESS_MAIN(TestPcscMonitor)
#include "tst_pcscmonitor.moc"
