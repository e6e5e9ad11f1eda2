#include "ralog.h"

#include "keykiosk/logging.h"

#include <QDateTime>

namespace kk::ra {

namespace {

thread_local QString t_exchange;

void writeLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    writeLogLine(
        type, context,
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")),
        t_exchange.isEmpty() ? QString() : QLatin1Char('[') + t_exchange + QStringLiteral("] "),
        message);
}

} // namespace

void installLogFormat()
{
    qInstallMessageHandler(writeLine);
}

ExchangeLogScope::ExchangeLogScope(const QString &peer) : m_previous(t_exchange)
{
    t_exchange = QStringLiteral("peer ") + peer;
}

ExchangeLogScope::~ExchangeLogScope()
{
    t_exchange = m_previous;
}

void ExchangeLogScope::setTransaction(const QByteArray &transactionId)
{
    if (!t_exchange.isEmpty() && !transactionId.isEmpty())
        t_exchange += QStringLiteral(" tx ") + QString::fromLatin1(transactionId.toHex());
}

bool LogRateLimit::allow(const QString &kind, int *suppressed)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_kinds.size() > 1000) // kinds are few; junk must not grow this either
        m_kinds.clear();
    Count &count = m_kinds[kind];
    if (now - count.windowStart >= m_window) {
        count.windowStart = now;
        count.written = 0;
    }
    if (count.written >= m_burst) {
        ++count.suppressed;
        return false;
    }
    ++count.written;
    *suppressed = count.suppressed;
    count.suppressed = 0;
    return true;
}

} // namespace kk::ra
