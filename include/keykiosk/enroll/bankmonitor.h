#pragma once
// Is the bank's registration service reachable? A TCP connection to the CMP endpoint, opened
// every few seconds from the GUI thread's event loop (QTcpSocket never blocks). Two failures
// in a row mark the bank unreachable, so one dropped probe does not flash the out-of-service
// screen; one success clears it. The kiosk shows "out of service" while the bank is down.
// With several addresses (RA nodes) a probe tries them in order: the bank is reachable when
// one of them answers.

#include <QObject>
#include <QPair>
#include <QTcpSocket>
#include <QTimer>
#include <QVector>

namespace kk {

class BankMonitor : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool reachable READ reachable NOTIFY reachableChanged)
public:
    using Address = QPair<QString, int>; // host, port
    BankMonitor(QString host, int port, int intervalSeconds, QObject *parent = nullptr);
    BankMonitor(QVector<Address> addresses, int intervalSeconds, QObject *parent = nullptr);

    bool reachable() const { return m_reachable; }
    void start();
    // Probe at once (after a renewal could not reach the bank, say).
    void probeNow();
    // For tests: how long a connection attempt may take.
    void setConnectTimeoutMs(int ms) { m_connectTimeout.setInterval(ms); }

signals:
    void reachableChanged(bool reachable);

private:
    void settle(bool connected);
    void connectTo(int index);

    QVector<Address> m_addresses;
    int m_trying = 0; // the address of the probe under way
    QTimer m_interval;
    QTimer m_connectTimeout;
    QTcpSocket m_socket;
    bool m_reachable = true; // until proven otherwise: no flash of "out of service" at start
    int m_failures = 0;
    bool m_probing = false;
};

} // namespace kk
