#pragma once
// Which USB devices are tokens. Pure logic over udev properties, so it is tested without
// udev; the UdevMonitor feeds it real events.

#include "keykiosk/expected.h"

#include "keykiosk/enums.h"
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <optional>

namespace kk {

struct UsbDevice
{
    QString syspath; // of the usb_device
    quint16 vendorId = 0;
    quint16 productId = 0;
    QString name;
    UsbDeviceKind kind = UsbDeviceKind::Peripheral;
};

class UsbDeviceCatalog
{
public:
    // The list that ships inside the binary (data/usb-tokens.tsv).
    static UsbDeviceCatalog builtIn();
    static Expected<UsbDeviceCatalog> fromFile(const QString &path);
    static UsbDeviceCatalog fromText(const QString &text);

    std::optional<QString> tokenName(quint16 vendorId, quint16 productId) const;
    int size() const { return m_names.size(); }

private:
    QHash<quint32, QString> m_names;
};

// The properties of one uevent that matter. Remove events carry no sysfs attributes, so
// everything is taken from PRODUCT and INTERFACE.
struct UsbEvent
{
    QString action;  // "add", "remove", ...
    QString devtype; // "usb_device" or "usb_interface"
    QString syspath;
    QString product;   // "vid/pid/bcd" in hex without leading zeros
    QString interface; // "class/subclass/protocol" in decimal
};

struct UsbChange
{
    bool added = true;
    UsbDevice device;
};

// Folds device and interface events into one add and one remove per physical device.
class UsbDeviceTracker
{
public:
    explicit UsbDeviceTracker(UsbDeviceCatalog catalog) : m_catalog(std::move(catalog)) {}
    std::optional<UsbChange> handle(const UsbEvent &event);
    QList<UsbDevice> devices() const;

private:
    struct Record
    {
        UsbDevice device;
        bool reported = false;
    };
    UsbDeviceCatalog m_catalog;
    QHash<QString, Record> m_records;
};

} // namespace kk

Q_DECLARE_METATYPE(kk::UsbDevice)
