#include "raservice.h"

// The replay window (raservice.h): O(1) per message, bounded in time and in memory.

#include <QCryptographicHash>

#include <openssl/rand.h>

#include <cstring>

namespace kk::ra {

ReplayWindow::ReplayWindow(const RaPolicy &policy)
    : m_window(policy.messageTimeWindowSeconds),
      m_capacity(std::size_t(std::max(1, policy.replayCacheEntries))), m_key(32, '\0')
{
    if (RAND_bytes(reinterpret_cast<unsigned char *>(m_key.data()), m_key.size()) != 1)
        m_key = QByteArray::number(QDateTime::currentMSecsSinceEpoch()); // still per process
}

bool ReplayWindow::admit(const CmpHeaderFields &header, QString *why)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!header.messageTime.isValid() ||
        qAbs(header.messageTime.secsTo(now)) > qint64(m_window.count())) {
        *why = QStringLiteral("messageTime %1 is not within %2 s of the bank's clock")
                   .arg(header.messageTime.toString(Qt::ISODate))
                   .arg(m_window.count());
        return false;
    }
    if (header.senderNonce.size() < 16) {
        *why = QStringLiteral("no senderNonce of 128 bits");
        return false;
    }
    // A replay arriving after messageTime + the window fails the time check: the entry may
    // go then (for a client whose clock is right, one window after it came; at most two).
    // The capacity bounds memory whatever the rate.
    const auto steadyNow = std::chrono::steady_clock::now();
    // (Two seconds more: the time check compares whole seconds.)
    const auto expires = steadyNow + std::chrono::seconds(now.secsTo(header.messageTime)) +
                         m_window + std::chrono::seconds(2);
    const quint64 key = digest(header);
    std::lock_guard<std::mutex> lock(m_mutex);
    while (!m_order.empty() &&
           (m_order.front().first < steadyNow || m_order.size() >= m_capacity)) {
        m_seen.erase(m_order.front().second);
        m_order.pop_front();
    }
    if (!m_seen.insert(key).second) {
        *why = QStringLiteral("replayed message");
        return false;
    }
    m_order.emplace_back(expires, key);
    return true;
}

quint64 ReplayWindow::digest(const CmpHeaderFields &header) const
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(m_key);
    hash.addData(QByteArray::number(header.transactionId.size()) + ':');
    hash.addData(header.transactionId);
    hash.addData(header.senderNonce);
    quint64 value = 0;
    std::memcpy(&value, hash.result().constData(), sizeof value);
    return value;
}

std::size_t ReplayWindow::size() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_order.size();
}

} // namespace kk::ra
