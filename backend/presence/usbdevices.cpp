#include "keykiosk/presence/usbdevices.h"

#include <QFile>

static void initPresenceResources()
{
    Q_INIT_RESOURCE(presence);
}

namespace kk {

namespace {
quint32 key(quint16 vid, quint16 pid)
{
    return (quint32(vid) << 16) | pid;
}

int interfaceClass(const QString &interface)
{
    bool ok = false;
    const int cls = interface.section(QLatin1Char('/'), 0, 0).toInt(&ok);
    return ok ? cls : -1;
}

UsbDeviceKind kindOfInterfaceClass(int cls)
{
    switch (cls) {
    case 0x0b: // smart card (CCID)
        return UsbDeviceKind::Token;
    case 0x03: // HID: the touch screen, a keyboard for staff
    case 0x07: // printer
    case 0x09: // hub
        return UsbDeviceKind::Peripheral;
    default: // mass storage (0x08), phones, cameras, vendor-specific
        return UsbDeviceKind::NotAToken;
    }
}

QString parentPath(const QString &syspath)
{
    return syspath.section(QLatin1Char('/'), 0, -2);
}
} // namespace

UsbDeviceCatalog UsbDeviceCatalog::builtIn()
{
    initPresenceResources();
    auto catalog = fromFile(QStringLiteral(":/keykiosk/usb-tokens.tsv"));
    return catalog ? catalog.value() : UsbDeviceCatalog();
}

Expected<UsbDeviceCatalog> UsbDeviceCatalog::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot read token list %1: %2").arg(path, file.errorString()));
    return fromText(QString::fromUtf8(file.readAll()));
}

UsbDeviceCatalog UsbDeviceCatalog::fromText(const QString &text)
{
    UsbDeviceCatalog catalog;
    for (const QString &rawLine : text.split(QLatin1Char('\n'))) {
        const QString line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QStringList fields = line.split(QLatin1Char('\t'));
        bool vidOk = false, pidOk = false;
        if (fields.size() < 3)
            continue;
        const quint16 vid = fields[0].toUShort(&vidOk, 16);
        const quint16 pid = fields[1].toUShort(&pidOk, 16);
        if (vidOk && pidOk)
            catalog.m_names.insert(key(vid, pid), fields.mid(2).join(QLatin1Char(' ')).trimmed());
    }
    return catalog;
}

std::optional<QString> UsbDeviceCatalog::tokenName(quint16 vendorId, quint16 productId) const
{
    auto it = m_names.constFind(key(vendorId, productId));
    if (it == m_names.constEnd())
        return std::nullopt;
    return *it;
}

std::optional<UsbChange> UsbDeviceTracker::handle(const UsbEvent &event)
{
    const bool isInterface = event.devtype == QLatin1String("usb_interface");
    if (!isInterface && event.devtype != QLatin1String("usb_device"))
        return std::nullopt;
    const QString devicePath = isInterface ? parentPath(event.syspath) : event.syspath;

    if (event.action == QLatin1String("remove")) {
        // The interface goes first; the device follows. Report once.
        auto it = m_records.find(devicePath);
        if (it == m_records.end())
            return std::nullopt;
        Record record = *it;
        m_records.erase(it);
        if (!record.reported)
            return std::nullopt;
        return UsbChange{false, record.device};
    }
    if (event.action != QLatin1String("add") && event.action != QLatin1String("bind"))
        return std::nullopt;

    Record &record = m_records[devicePath];
    record.device.syspath = devicePath;
    const QStringList product = event.product.split(QLatin1Char('/'));
    if (product.size() >= 2) {
        record.device.vendorId = product[0].toUShort(nullptr, 16);
        record.device.productId = product[1].toUShort(nullptr, 16);
    }
    UsbDeviceKind kind = UsbDeviceKind::Peripheral;
    QString name;
    if (auto known = m_catalog.tokenName(record.device.vendorId, record.device.productId)) {
        kind = UsbDeviceKind::Token;
        name = *known;
    } else if (isInterface) {
        kind = kindOfInterfaceClass(interfaceClass(event.interface));
        if (kind == UsbDeviceKind::Token)
            name = QStringLiteral("Smart card %1:%2")
                       .arg(record.device.vendorId, 4, 16, QLatin1Char('0'))
                       .arg(record.device.productId, 4, 16, QLatin1Char('0'));
    } else {
        return std::nullopt; // a device is judged by its interfaces unless it is listed
    }

    // A device with several interfaces takes the most significant kind.
    auto rank = [](UsbDeviceKind k) {
        return k == UsbDeviceKind::Token ? 2 : k == UsbDeviceKind::NotAToken ? 1 : 0;
    };
    if (record.reported && rank(kind) <= rank(record.device.kind))
        return std::nullopt;
    record.device.kind = kind;
    if (!name.isEmpty())
        record.device.name = name;
    if (kind == UsbDeviceKind::Peripheral)
        return std::nullopt;
    record.reported = true;
    return UsbChange{true, record.device};
}

QList<UsbDevice> UsbDeviceTracker::devices() const
{
    QList<UsbDevice> devices;
    for (const Record &record : m_records) {
        if (record.reported)
            devices << record.device;
    }
    return devices;
}

} // namespace kk
