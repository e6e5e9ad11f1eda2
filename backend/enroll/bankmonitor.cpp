#include "keykiosk/enroll/bankmonitor.h"

#include "keykiosk/logging.h"

namespace kk {

BankMonitor::BankMonitor(QString host, int port, int intervalSeconds, QObject *parent)
    : QObject(parent), m_host(std::move(host)), m_port(port)
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
    m_probing = true;
    m_connectTimeout.start();
    m_socket.connectToHost(m_host, quint16(m_port));
}

void BankMonitor::settle(bool connected)
{
    if (!m_probing)
        return; // a late signal of a probe that already counted
    m_probing = false;
    m_connectTimeout.stop();
    const QString why = connected ? QString() : m_socket.errorString();
    m_socket.abort();
    m_failures = connected ? 0 : m_failures + 1;
    const bool reachable = connected || (m_reachable && m_failures < 2);
    if (reachable == m_reachable)
        return;
    m_reachable = reachable;
    if (reachable)
        qCInfo(lcEnroll) << "the bank is reachable again at" << m_host << m_port;
    else
        qCWarning(lcEnroll) << "the bank is unreachable at" << m_host << m_port << ":" << why;
    emit reachableChanged(reachable);
}

} // namespace kk
