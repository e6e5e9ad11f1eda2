#pragma once
// USB plug/unplug from udev. Non-blocking reads on a socket notifier, so it can live on any
// thread with an event loop.

#include "keykiosk/presence/usbdevices.h"

#include <QObject>

#include <memory>

class QSocketNotifier;
struct udev;
struct udev_monitor;
struct udev_device;

namespace kk {

class UdevMonitor : public QObject
{
    Q_OBJECT
public:
    explicit UdevMonitor(UsbDeviceCatalog catalog = UsbDeviceCatalog::builtIn(),
                         QObject *parent = nullptr);
    ~UdevMonitor() override;

    // Starts listening, then reports the devices already present as added.
    Error start();
    QList<UsbDevice> devices() const { return m_tracker.devices(); }

signals:
    void deviceAdded(const kk::UsbDevice &device);
    void deviceRemoved(const kk::UsbDevice &device);

private:
    struct UdevDeleter
    {
        void operator()(udev *u) const;
        void operator()(udev_monitor *m) const;
        void operator()(udev_device *d) const;
    };
    void onReadable();
    void process(udev_device *device, const char *action);

    UsbDeviceTracker m_tracker;
    std::unique_ptr<udev, UdevDeleter> m_udev;
    std::unique_ptr<udev_monitor, UdevDeleter> m_monitor;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace kk
