#pragma once
// The slice of PC/SC the monitor uses, behind an interface so that the monitor's logic
// (reader plug events, service loss) can also be tested with a fake: vpcd cannot
// produce reader add/remove events.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace kk {

struct PcscReaderState
{
    QString reader;
    unsigned long currentState = 0; // SCARD_STATE_* we last saw
    unsigned long eventState = 0;   // SCARD_STATE_* reported now
    QByteArray atr;
};

class PcscApi
{
public:
    virtual ~PcscApi() = default;
    virtual long establishContext() = 0;
    virtual void releaseContext() = 0;
    virtual long listReaders(QStringList &readers) = 0;
    // Blocks until a state differs from currentState, the timeout, or cancel().
    virtual long getStatusChange(unsigned long timeoutMs, std::vector<PcscReaderState> &states) = 0;
    // Thread-safe: wakes a blocked getStatusChange.
    virtual void cancel() = 0;
};

std::unique_ptr<PcscApi> createSystemPcscApi();

// The special reader name that reports reader plug/unplug (PC/SC part 3).
extern const char kPnpNotificationReader[];

} // namespace kk
