#include "keykiosk/presence/pcscapi.h"

#include <QMutex>
#include <QMutexLocker>

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

namespace kk {

const char kPnpNotificationReader[] = "\\\\?PnP?\\Notification";

namespace {

class SystemPcscApi final : public PcscApi
{
public:
    ~SystemPcscApi() override { releaseContext(); }

    long establishContext() override
    {
        SCARDCONTEXT context = 0;
        const LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context);
        QMutexLocker lock(&m_mutex);
        m_context = rv == SCARD_S_SUCCESS ? context : 0;
        m_valid = rv == SCARD_S_SUCCESS;
        return rv;
    }

    void releaseContext() override
    {
        QMutexLocker lock(&m_mutex);
        if (m_valid)
            SCardReleaseContext(m_context);
        m_valid = false;
    }

    long listReaders(QStringList &readers) override
    {
        readers.clear();
        DWORD length = 0;
        LONG rv = SCardListReaders(m_context, nullptr, nullptr, &length);
        if (rv != SCARD_S_SUCCESS)
            return rv;
        QByteArray buffer(int(length), '\0');
        rv = SCardListReaders(m_context, nullptr, buffer.data(), &length);
        if (rv != SCARD_S_SUCCESS)
            return rv;
        // A multi-string: names separated by NUL, ended by an empty name.
        for (const QByteArray &name : buffer.left(int(length)).split('\0')) {
            if (!name.isEmpty())
                readers << QString::fromUtf8(name);
        }
        return rv;
    }

    long getStatusChange(unsigned long timeoutMs, std::vector<PcscReaderState> &states) override
    {
        std::vector<QByteArray> names;
        std::vector<SCARD_READERSTATE> raw(states.size());
        names.reserve(states.size());
        for (std::size_t i = 0; i < states.size(); ++i) {
            names.push_back(states[i].reader.toUtf8());
            raw[i] = SCARD_READERSTATE{};
            raw[i].szReader = names.back().constData();
            raw[i].dwCurrentState = states[i].currentState;
        }
        const LONG rv = SCardGetStatusChange(m_context, timeoutMs, raw.data(), DWORD(raw.size()));
        if (rv == SCARD_S_SUCCESS) {
            for (std::size_t i = 0; i < states.size(); ++i) {
                states[i].eventState = raw[i].dwEventState;
                states[i].atr =
                    QByteArray(reinterpret_cast<const char *>(raw[i].rgbAtr), int(raw[i].cbAtr));
            }
        }
        return rv;
    }

    void cancel() override
    {
        QMutexLocker lock(&m_mutex);
        if (m_valid)
            SCardCancel(m_context);
    }

private:
    QMutex m_mutex;
    SCARDCONTEXT m_context = 0;
    bool m_valid = false;
};

} // namespace

std::unique_ptr<PcscApi> createSystemPcscApi()
{
    return std::make_unique<SystemPcscApi>();
}

} // namespace kk
