#include "keykiosk/presence/pcscmonitor.h"

#include "keykiosk/logging.h"

#include <QElapsedTimer>

#include <PCSC/pcsclite.h>
#include <PCSC/winscard.h>

namespace kk {

namespace {
constexpr unsigned long kWaitMs = 2000; // only bounds how long stop() may take if cancel is lost

bool isServiceLoss(long rv)
{
    switch (rv) {
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
    case SCARD_F_COMM_ERROR:
    case SCARD_E_INVALID_HANDLE:
    case SCARD_F_INTERNAL_ERROR:
    case SCARD_E_NO_MEMORY:
        return true;
    default:
        return false;
    }
}

QString pcscText(long rv)
{
    return QString::fromLatin1(pcsc_stringify_error(rv));
}
} // namespace

PcscMonitor::PcscMonitor(std::unique_ptr<PcscApi> api, QObject *parent)
    : QObject(parent), m_api(std::move(api))
{
}

PcscMonitor::~PcscMonitor()
{
    stop();
}

void PcscMonitor::start()
{
    if (m_thread)
        return;
    m_stopping = false;
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("kk-pcsc"));
    m_thread->start();
}

void PcscMonitor::stop()
{
    if (!m_thread)
        return;
    m_stopping = true;
    m_api->cancel();
    m_thread->wait();
    m_thread.reset();
}

bool PcscMonitor::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

void PcscMonitor::setAvailable(bool available)
{
    if (m_availability == int(available))
        return;
    m_availability = int(available);
    if (available)
        qCInfo(lcPcsc) << "PC/SC service available";
    else
        qCWarning(lcPcsc) << "PC/SC service unavailable; retrying every" << m_retryMs << "ms";
    post([this, available] { emit serviceAvailableChanged(available); });
}

void PcscMonitor::updateReaders(const QStringList &readers)
{
    if (readers == m_readers)
        return;
    for (const QString &gone : m_readers) {
        if (!readers.contains(gone)) {
            if (m_cardPresent.value(gone))
                post([this, gone] { emit cardRemoved(gone); });
            m_cardPresent.remove(gone);
            m_knownState.remove(gone);
        }
    }
    m_readers = readers;
    qCInfo(lcPcsc) << "readers:" << readers;
    post([this, readers] { emit readersChanged(readers); });
}

void PcscMonitor::loseService(long rv)
{
    qCWarning(lcPcsc) << "lost the PC/SC service:" << pcscText(rv);
    m_api->releaseContext();
    updateReaders({});
    m_knownState.clear(); // a restarted pcscd starts its own event counters
    setAvailable(false);
}

void PcscMonitor::sleepInterruptible(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (!m_stopping && timer.elapsed() < ms)
        QThread::msleep(20);
}

void PcscMonitor::run()
{
    bool haveContext = false;
    while (!m_stopping) {
        if (!haveContext) {
            const long rv = m_api->establishContext();
            if (rv != SCARD_S_SUCCESS) {
                setAvailable(false);
                sleepInterruptible(m_retryMs);
                continue;
            }
            haveContext = true;
        }

        QStringList readers;
        long rv = m_api->listReaders(readers);
        if (rv == SCARD_E_NO_READERS_AVAILABLE) {
            readers.clear();
        } else if (rv != SCARD_S_SUCCESS) {
            if (isServiceLoss(rv)) {
                loseService(rv);
                haveContext = false;
                sleepInterruptible(m_retryMs);
            } else {
                qCWarning(lcPcsc) << "SCardListReaders:" << pcscText(rv);
                sleepInterruptible(m_retryMs);
            }
            continue;
        }
        setAvailable(true);
        updateReaders(readers);

        std::vector<PcscReaderState> states;
        for (const QString &reader : readers)
            states.push_back({reader, m_knownState.value(reader, SCARD_STATE_UNAWARE), 0, {}});
        // The PnP pseudo-reader wakes us when readers come or go.
        states.push_back({QString::fromLatin1(kPnpNotificationReader), SCARD_STATE_UNAWARE, 0, {}});
        states.back().currentState = m_knownState.value(states.back().reader, SCARD_STATE_UNAWARE);

        rv = m_api->getStatusChange(kWaitMs, states);
        if (rv == SCARD_E_TIMEOUT || rv == SCARD_E_CANCELLED)
            continue;
        if (rv == SCARD_E_UNKNOWN_READER || rv == SCARD_E_READER_UNAVAILABLE)
            continue; // a reader went away between listing and waiting: list again
        if (rv != SCARD_S_SUCCESS) {
            if (isServiceLoss(rv)) {
                loseService(rv);
                haveContext = false;
            } else {
                qCWarning(lcPcsc) << "SCardGetStatusChange:" << pcscText(rv);
                sleepInterruptible(m_retryMs);
            }
            continue;
        }

        for (const PcscReaderState &state : states) {
            const unsigned long settled = state.eventState & ~SCARD_STATE_CHANGED;
            m_knownState.insert(state.reader, settled);
            if (state.reader == QLatin1String(kPnpNotificationReader))
                continue;
            const bool present = (settled & SCARD_STATE_PRESENT) && !(settled & SCARD_STATE_MUTE);
            const bool wasPresent = m_cardPresent.value(state.reader, false);
            if (present == wasPresent)
                continue;
            m_cardPresent.insert(state.reader, present);
            if (present) {
                qCInfo(lcPcsc) << "card inserted in" << state.reader << "ATR"
                               << state.atr.toHex(':');
                post([this, reader = state.reader, atr = state.atr] {
                    emit cardInserted(reader, atr);
                });
            } else {
                qCInfo(lcPcsc) << "card removed from" << state.reader;
                post([this, reader = state.reader] { emit cardRemoved(reader); });
            }
        }
    }
    if (haveContext)
        m_api->releaseContext();
}

} // namespace kk
