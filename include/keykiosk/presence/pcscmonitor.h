#pragma once
// Watches PC/SC readers and cards on its own thread. Survives pcscd stopping and coming
// back: the context is re-established in a loop, and cards that were present when the
// service went away are reported removed (the reader may have changed meanwhile).

#include "keykiosk/presence/pcscapi.h"

#include <QHash>
#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace kk {

// The blocking PC/SC calls run on a worker thread; its events are delivered as signals in
// the thread that owns the monitor, so receivers never see them concurrently.
class PcscMonitor : public QObject
{
    Q_OBJECT
public:
    explicit PcscMonitor(std::unique_ptr<PcscApi> api = createSystemPcscApi(),
                         QObject *parent = nullptr);
    ~PcscMonitor() override;

    void start();
    void stop();
    bool isRunning() const;
    // How long to wait before trying to reach pcscd again.
    void setRetryIntervalMs(int ms) { m_retryMs = ms; }

signals:
    void serviceAvailableChanged(bool available);
    void readersChanged(const QStringList &readers);
    void cardInserted(const QString &reader, const QByteArray &atr);
    void cardRemoved(const QString &reader);

private:
    void run();
    template <typename F> void post(F &&deliver)
    {
        QMetaObject::invokeMethod(this, std::forward<F>(deliver), Qt::QueuedConnection);
    }
    void setAvailable(bool available);
    void loseService(long rv);
    void updateReaders(const QStringList &readers);
    void sleepInterruptible(int ms);

    std::unique_ptr<PcscApi> m_api;
    std::unique_ptr<QThread> m_thread;
    std::atomic_bool m_stopping{false};
    int m_retryMs = 500;
    int m_availability = -1; // unknown, then 0/1
    QStringList m_readers;
    QHash<QString, unsigned long> m_knownState; // reader -> last event state
    QHash<QString, bool> m_cardPresent;
};

} // namespace kk
