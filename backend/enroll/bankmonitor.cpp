#include "keykiosk/enroll/bankmonitor.h"

#include "keykiosk/logging.h"

namespace kk {

BankMonitor::BankMonitor(QString host, int port, int intervalSeconds, QObject *parent)
    : BankMonitor(QVector<Address>{{std::move(host), port}}, intervalSeconds, parent)
{
}

BankMonitor::BankMonitor(QVector<Address> addresses, int intervalSeconds, QObject *parent)
    : QObject(parent), m_addresses(std::move(addresses))
{
    m_interval.setInterval(intervalSeconds * 1000);
    connect(&m_interval, &QTimer::timeout, this, &BankMonitor::probeNow);
    m_connectTimeout.setSingleShot(true);
    m_connectTimeout.setInterval(3000);
    connect(&m_connectTimeout, &QTimer::timeout, this, [this] { settle(false); });
    connect(&m_socket, &QTcpSocket::connected, this, [this] { settle(true); });
    connect(&m_socket, &QAbstractSocket::errorOccurred, this, [this] { settle(false); });
}

void BankMonitor::start()
{
    m_interval.start();
    probeNow();
}

void BankMonitor::probeNow()
{
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        return; // a probe is under way
    if (m_addresses.isEmpty())
        return;
    m_probing = true;
    connectTo(0);
}

void BankMonitor::connectTo(int index)
{
    m_trying = index;
    m_connectTimeout.start();
    m_socket.connectToHost(m_addresses[index].first, quint16(m_addresses[index].second));
}

void BankMonitor::settle(bool connected)
{
    if (!m_probing)
        return; // a late signal of a probe that already counted
    m_connectTimeout.stop();
    const QString why = connected ? QString() : m_socket.errorString();
    m_socket.abort();
    if (!connected && m_trying + 1 < m_addresses.size()) {
        // The next node, from the event loop: this may run inside the socket's own signal.
        const int next = m_trying + 1;
        QTimer::singleShot(0, this, [this, next] { connectTo(next); });
        return;
    }
    m_probing = false;
    const QString host = m_addresses[m_trying].first;
    const int port = m_addresses[m_trying].second;
    m_failures = connected ? 0 : m_failures + 1;
    const bool reachable = connected || (m_reachable && m_failures < 2);
    if (reachable == m_reachable)
        return;
    m_reachable = reachable;
    if (reachable)
        qCInfo(lcEnroll) << "the bank is reachable again at" << host << port;
    else
        qCWarning(lcEnroll) << "the bank is unreachable (" << m_addresses.size()
                            << "address(es)); the last," << host << port << ":" << why;
    emit reachableChanged(reachable);
}

} // namespace kk
