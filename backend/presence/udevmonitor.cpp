#include "keykiosk/presence/udevmonitor.h"

#include "keykiosk/logging.h"

#include <QSocketNotifier>

#include <libudev.h>

namespace kk {

namespace {
struct EnumerateDeleter
{
    void operator()(udev_enumerate *e) const { udev_enumerate_unref(e); }
};
QString udevProperty(udev_device *device, const char *name)
{
    return QString::fromUtf8(udev_device_get_property_value(device, name));
}
} // namespace

void UdevMonitor::UdevDeleter::operator()(udev *u) const
{
    udev_unref(u);
}
void UdevMonitor::UdevDeleter::operator()(udev_monitor *m) const
{
    udev_monitor_unref(m);
}
void UdevMonitor::UdevDeleter::operator()(udev_device *d) const
{
    udev_device_unref(d);
}

UdevMonitor::UdevMonitor(UsbDeviceCatalog catalog, QObject *parent)
    : QObject(parent), m_tracker(std::move(catalog))
{
    qRegisterMetaType<kk::UsbDevice>();
}

UdevMonitor::~UdevMonitor() = default;

Error UdevMonitor::start()
{
    m_udev.reset(udev_new());
    if (!m_udev)
        return Error(ErrorCode::Internal, QStringLiteral("udev_new failed"));
    // Listen before enumerating, so that a device plugged in between is not lost.
    m_monitor.reset(udev_monitor_new_from_netlink(m_udev.get(), "udev"));
    if (!m_monitor)
        return Error(ErrorCode::Internal, QStringLiteral("udev monitor unavailable"));
    udev_monitor_filter_add_match_subsystem_devtype(m_monitor.get(), "usb", nullptr);
    if (udev_monitor_enable_receiving(m_monitor.get()) < 0)
        return Error(ErrorCode::Internal, QStringLiteral("udev monitor cannot receive"));
    m_notifier = std::make_unique<QSocketNotifier>(udev_monitor_get_fd(m_monitor.get()),
                                                   QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &UdevMonitor::onReadable);

    std::unique_ptr<udev_enumerate, EnumerateDeleter> enumerate(udev_enumerate_new(m_udev.get()));
    udev_enumerate_add_match_subsystem(enumerate.get(), "usb");
    udev_enumerate_scan_devices(enumerate.get());
    for (udev_list_entry *entry = udev_enumerate_get_list_entry(enumerate.get()); entry;
         entry = udev_list_entry_get_next(entry)) {
        std::unique_ptr<udev_device, UdevDeleter> device(
            udev_device_new_from_syspath(m_udev.get(), udev_list_entry_get_name(entry)));
        if (device)
            process(device.get(), "add");
    }
    qCInfo(lcUdev) << "watching USB;" << m_tracker.devices().size() << "relevant devices present";
    return {};
}

void UdevMonitor::onReadable()
{
    // Drain everything queued: one notification may stand for several events.
    while (true) {
        std::unique_ptr<udev_device, UdevDeleter> device(
            udev_monitor_receive_device(m_monitor.get()));
        if (!device)
            break;
        process(device.get(), udev_device_get_action(device.get()));
    }
}

void UdevMonitor::process(udev_device *device, const char *action)
{
    UsbEvent event;
    event.action = QString::fromUtf8(action);
    event.devtype = QString::fromUtf8(udev_device_get_devtype(device));
    event.syspath = QString::fromUtf8(udev_device_get_syspath(device));
    event.product = udevProperty(device, "PRODUCT");
    event.interface = udevProperty(device, "INTERFACE");
    qCDebug(lcUdev) << event.action << event.devtype << event.syspath << event.product
                    << event.interface;
    auto change = m_tracker.handle(event);
    if (!change)
        return;
    qCInfo(lcUdev) << (change->added ? "added" : "removed") << change->device.kind
                   << change->device.name
                   << QStringLiteral("%1:%2")
                          .arg(change->device.vendorId, 4, 16, QLatin1Char('0'))
                          .arg(change->device.productId, 4, 16, QLatin1Char('0'));
    if (change->added)
        emit deviceAdded(change->device);
    else
        emit deviceRemoved(change->device);
}

} // namespace kk
