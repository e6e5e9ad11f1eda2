#pragma once
// The RA's log lines for an operations team (docs/architecture.md, "The bank's log"): each
// begins with a syslog priority journald understands ("<6>"), then a UTC timestamp, the
// category, and, within an exchange, the peer and the CMP transaction id. Refusals that
// repeat are rate-limited: a flood of junk is a few lines and a count, never a flood of log.

#include <QString>

#include <chrono>
#include <map>
#include <mutex>

namespace kk::ra {

// Installs the line format for the whole process (journald reads the priority prefix from
// a service's stderr).
void installLogFormat();

// The exchange a thread is handling: every line it logs meanwhile names it.
class ExchangeLogScope
{
public:
    explicit ExchangeLogScope(const QString &peer);
    ~ExchangeLogScope();
    ExchangeLogScope(const ExchangeLogScope &) = delete;
    ExchangeLogScope &operator=(const ExchangeLogScope &) = delete;
    static void setTransaction(const QByteArray &transactionId);

private:
    QString m_previous;
};

// At most `burst` lines per `window` for each kind of message; then one line saying how many
// were left out.
class LogRateLimit
{
public:
    LogRateLimit(int burst, std::chrono::seconds window) : m_burst(burst), m_window(window) {}
    // True if a line of this kind may be written now; `suppressed` is set to how many of its
    // kind were left out since the last one written.
    bool allow(const QString &kind, int *suppressed);

private:
    struct Count
    {
        std::chrono::steady_clock::time_point windowStart;
        int written = 0;
        int suppressed = 0;
    };
    int m_burst;
    std::chrono::seconds m_window;
    std::mutex m_mutex;
    std::map<QString, Count> m_kinds;
};

} // namespace kk::ra
