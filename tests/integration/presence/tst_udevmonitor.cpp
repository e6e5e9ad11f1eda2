// USB plug events through umockdev (the test runs under libumockdev-preload).
// GLib first: it uses "signals" as an identifier, which Qt defines as a macro.
#include <umockdev.h>

#include "harness.h"

#include "keykiosk/presence/udevmonitor.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

class TestUdevMonitor : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        if (!qgetenv("LD_PRELOAD").contains("umockdev"))
            QFAIL("run under libumockdev-preload (ctest sets LD_PRELOAD)");
    }

    void tokensArePluggedAndUnplugged_data()
    {
        QTest::addColumn<QString>("device");
        QTest::addColumn<QString>("name");
        QTest::newRow("JaCarta") << QStringLiteral("jacarta") << QStringLiteral("JaCarta-2 GOST");
        QTest::newRow("Rutoken") << QStringLiteral("rutoken") << QStringLiteral("Rutoken ECP");
    }
    void tokensArePluggedAndUnplugged()
    {
        QFETCH(QString, device);
        QFETCH(QString, name);
        UsbTestbed testbed; // before the monitor opens
        UdevMonitor monitor;
        QSignalSpy added(&monitor, &UdevMonitor::deviceAdded);
        QSignalSpy removed(&monitor, &UdevMonitor::deviceRemoved);
        QVERIFY(!monitor.start());
        QVERIFY(added.isEmpty()); // only the hub is present

        const QString path = testbed.plug(device);
        QVERIFY(!path.isEmpty());
        QTRY_COMPARE(added.count(), 1);
        const auto plugged = added.first().first().value<UsbDevice>();
        QCOMPARE(plugged.kind, UsbDeviceKind::Token);
        QCOMPARE(plugged.name, name);
        QCOMPARE(monitor.devices().size(), 1);

        testbed.unplug(path);
        QTRY_COMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().value<UsbDevice>().kind, UsbDeviceKind::Token);
        QCOMPARE(removed.first().first().value<UsbDevice>().name, name);
        QTest::qWait(50);
        QCOMPARE(added.count(), 1); // one add, one remove per device
        QCOMPARE(removed.count(), 1);
        QVERIFY(monitor.devices().isEmpty());
    }

    void storageStickIsNotAToken()
    {
        UsbTestbed testbed;
        UdevMonitor monitor;
        QSignalSpy added(&monitor, &UdevMonitor::deviceAdded);
        QSignalSpy removed(&monitor, &UdevMonitor::deviceRemoved);
        QVERIFY(!monitor.start());
        const QString path = testbed.plug(QStringLiteral("usb-storage"));
        QTRY_COMPARE(added.count(), 1);
        QCOMPARE(added.first().first().value<UsbDevice>().kind, UsbDeviceKind::NotAToken);
        QCOMPARE(added.first().first().value<UsbDevice>().vendorId, quint16(0x0951));
        testbed.unplug(path);
        QTRY_COMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().value<UsbDevice>().kind, UsbDeviceKind::NotAToken);
    }

    void devicePresentAtStartIsReported()
    {
        UsbTestbed testbed;
        testbed.plug(QStringLiteral("rutoken"));
        UdevMonitor monitor;
        QSignalSpy added(&monitor, &UdevMonitor::deviceAdded);
        QVERIFY(!monitor.start());
        QCOMPARE(added.count(), 1);
        QCOMPARE(added.first().first().value<UsbDevice>().name, QStringLiteral("Rutoken ECP"));
    }
};

QTEST_GUILESS_MAIN(TestUdevMonitor)
#include "tst_udevmonitor.moc"
