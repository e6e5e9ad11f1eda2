#include "keykiosk/presence/usbdevices.h"

#include <QtTest>

using namespace kk;

namespace {
const QString kDevice = QStringLiteral("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2");
UsbEvent usbEvent(const char *action, const char *devtype, const QString &path, const char *product,
                  const char *interface = "")
{
    return UsbEvent{QString::fromLatin1(action), QString::fromLatin1(devtype), path,
                    QString::fromLatin1(product), QString::fromLatin1(interface)};
}
} // namespace

class TestUsbDevices : public QObject
{
    Q_OBJECT
private slots:
    void builtInCatalogKnowsTheBankTokens()
    {
        const UsbDeviceCatalog catalog = UsbDeviceCatalog::builtIn();
        QVERIFY(catalog.size() >= 3);
        QCOMPARE(catalog.tokenName(0x24dc, 0x0101).value_or(QString()),
                 QStringLiteral("JaCarta-2 GOST"));
        QCOMPARE(catalog.tokenName(0x0a89, 0x0030).value_or(QString()),
                 QStringLiteral("Rutoken ECP"));
        QVERIFY(catalog.tokenName(0x0529, 0x0600).has_value()); // eToken
        QVERIFY(!catalog.tokenName(0x0951, 0x5591).has_value());
    }
    void catalogSkipsCommentsAndBadLines()
    {
        const auto catalog = UsbDeviceCatalog::fromText(
            QStringLiteral("# x\n\nzz\t01\tBad\n1234\tabcd\tGood Token\nshort\n"));
        QCOMPARE(catalog.size(), 1);
        QCOMPARE(*catalog.tokenName(0x1234, 0xabcd), QStringLiteral("Good Token"));
    }
    void knownTokenIsReportedOncePerDevice()
    {
        UsbDeviceTracker tracker(UsbDeviceCatalog::builtIn());
        auto added = tracker.handle(usbEvent("add", "usb_device", kDevice, "24dc/101/100"));
        QVERIFY(added && added->added);
        QCOMPARE(added->device.kind, UsbDeviceKind::Token);
        QCOMPARE(added->device.vendorId, quint16(0x24dc));
        QCOMPARE(added->device.name, QStringLiteral("JaCarta-2 GOST"));
        QVERIFY(
            !tracker.handle(usbEvent("add", "usb_interface", kDevice + QStringLiteral("/1-2:1.0"),
                                     "24dc/101/100", "11/0/0")));
        QCOMPARE(tracker.devices().size(), 1);
        // Remove events carry PRODUCT/INTERFACE only; interface first, then device.
        auto removed =
            tracker.handle(usbEvent("remove", "usb_interface", kDevice + QStringLiteral("/1-2:1.0"),
                                    "24dc/101/100", "11/0/0"));
        QVERIFY(removed && !removed->added);
        QCOMPARE(removed->device.kind, UsbDeviceKind::Token);
        QVERIFY(!tracker.handle(usbEvent("remove", "usb_device", kDevice, "24dc/101/100")));
        QVERIFY(tracker.devices().isEmpty());
    }
    void unknownSmartCardClassIsAToken()
    {
        UsbDeviceTracker tracker(UsbDeviceCatalog::fromText({}));
        QVERIFY(!tracker.handle(usbEvent("add", "usb_device", kDevice, "abcd/1234/100")));
        auto added =
            tracker.handle(usbEvent("add", "usb_interface", kDevice + QStringLiteral("/1-2:1.0"),
                                    "abcd/1234/100", "11/0/0"));
        QVERIFY(added);
        QCOMPARE(added->device.kind, UsbDeviceKind::Token);
        QVERIFY(added->device.name.contains(QStringLiteral("abcd:1234")));
    }
    void storageIsNotAToken()
    {
        UsbDeviceTracker tracker(UsbDeviceCatalog::builtIn());
        tracker.handle(usbEvent("add", "usb_device", kDevice, "951/5591/100"));
        auto added =
            tracker.handle(usbEvent("add", "usb_interface", kDevice + QStringLiteral("/1-2:1.0"),
                                    "951/5591/100", "8/6/80"));
        QVERIFY(added);
        QCOMPARE(added->device.kind, UsbDeviceKind::NotAToken);
    }
    void kioskPeripheralsAreIgnored()
    {
        UsbDeviceTracker tracker(UsbDeviceCatalog::builtIn());
        QVERIFY(!tracker.handle(usbEvent(
            "add", "usb_interface", kDevice + QStringLiteral("/1-2:1.0"), "222a/1/100", "3/0/0")));
        QVERIFY(!tracker.handle(usbEvent(
            "add", "usb_interface", kDevice + QStringLiteral("/1-2:1.1"), "1d6b/2/606", "9/0/0")));
        QVERIFY(
            !tracker.handle(usbEvent("remove", "usb_interface",
                                     kDevice + QStringLiteral("/1-2:1.0"), "222a/1/100", "3/0/0")));
        QVERIFY(tracker.devices().isEmpty());
    }
    void otherSubsystemsAreIgnored()
    {
        UsbDeviceTracker tracker(UsbDeviceCatalog::builtIn());
        QVERIFY(!tracker.handle(
            usbEvent("add", "", QStringLiteral("/sys/devices/pci0000:00/0000:00:14.0"), "")));
        QVERIFY(!tracker.handle(usbEvent("change", "usb_device", kDevice, "24dc/101/100")));
    }
};

QTEST_GUILESS_MAIN(TestUsbDevices)
#include "tst_usbdevices.moc"
