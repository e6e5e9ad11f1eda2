// The monitor's logic against a scripted PC/SC: reader plug events (which vpcd cannot
// produce) and service loss. The real pcscd is covered in integration/presence.
#include "keykiosk/presence/pcscmonitor.h"

#include <QtTest>

#include <condition_variable>
#include <mutex>

#include <PCSC/pcsclite.h>

using namespace kk;

class FakePcsc final : public PcscApi
{
public:
    struct Shared
    {
        std::mutex mutex;
        std::condition_variable changed;
        bool serviceUp = true;
        bool cancelled = false;
        QStringList readers;
        QHash<QString, bool> cards;
        QHash<QString, unsigned long> counters;
        unsigned long generation = 1;
    };
    explicit FakePcsc(std::shared_ptr<Shared> shared) : m(std::move(shared)) {}

    long establishContext() override
    {
        std::lock_guard<std::mutex> lock(m->mutex);
        return m->serviceUp ? SCARD_S_SUCCESS : SCARD_E_NO_SERVICE;
    }
    void releaseContext() override {}
    long listReaders(QStringList &readers) override
    {
        std::lock_guard<std::mutex> lock(m->mutex);
        if (!m->serviceUp)
            return SCARD_E_NO_SERVICE;
        readers = m->readers;
        return readers.isEmpty() ? SCARD_E_NO_READERS_AVAILABLE : SCARD_S_SUCCESS;
    }
    long getStatusChange(unsigned long timeoutMs, std::vector<PcscReaderState> &states) override
    {
        std::unique_lock<std::mutex> lock(m->mutex);
        auto eventState = [this](const PcscReaderState &s) -> unsigned long {
            if (s.reader == QLatin1String(kPnpNotificationReader))
                return m->generation << 16;
            if (!m->readers.contains(s.reader))
                return SCARD_STATE_UNKNOWN;
            return (m->cards.value(s.reader) ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY) |
                   (m->counters.value(s.reader) << 16);
        };
        auto anyChange = [&] {
            for (const auto &s : states) {
                if (eventState(s) != s.currentState)
                    return true;
            }
            return false;
        };
        m->changed.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                            [&] { return m->cancelled || !m->serviceUp || anyChange(); });
        if (m->cancelled) {
            m->cancelled = false;
            return SCARD_E_CANCELLED;
        }
        if (!m->serviceUp)
            return SCARD_E_NO_SERVICE;
        if (!anyChange())
            return SCARD_E_TIMEOUT;
        for (auto &s : states) {
            s.eventState =
                eventState(s) | (eventState(s) != s.currentState ? SCARD_STATE_CHANGED : 0);
            s.atr = m->cards.value(s.reader) ? QByteArray::fromHex("3b00") : QByteArray();
        }
        return SCARD_S_SUCCESS;
    }
    void cancel() override
    {
        std::lock_guard<std::mutex> lock(m->mutex);
        m->cancelled = true;
        m->changed.notify_all();
    }

private:
    std::shared_ptr<Shared> m;
};

class TestPcscMonitorFake : public QObject
{
    Q_OBJECT

    std::shared_ptr<FakePcsc::Shared> m_pcsc;
    template <typename F> void change(F f)
    {
        std::lock_guard<std::mutex> lock(m_pcsc->mutex);
        f(*m_pcsc);
        m_pcsc->changed.notify_all();
    }

private slots:
    void init() { m_pcsc = std::make_shared<FakePcsc::Shared>(); }

    void readerPlugAndCardEvents()
    {
        PcscMonitor monitor(std::make_unique<FakePcsc>(m_pcsc));
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        QSignalSpy readers(&monitor, &PcscMonitor::readersChanged);
        QSignalSpy inserted(&monitor, &PcscMonitor::cardInserted);
        QSignalSpy removed(&monitor, &PcscMonitor::cardRemoved);
        monitor.start();
        QTRY_COMPARE(available.count(), 1);
        QCOMPARE(available.first().first().toBool(), true);

        change([](auto &s) {
            s.readers << QStringLiteral("USB Reader 00 00");
            ++s.generation;
        });
        QTRY_COMPARE(readers.count(), 1);
        QCOMPARE(readers.last().first().toStringList(),
                 QStringList{QStringLiteral("USB Reader 00 00")});

        change([](auto &s) {
            s.cards[QStringLiteral("USB Reader 00 00")] = true;
            s.counters[QStringLiteral("USB Reader 00 00")]++;
        });
        QTRY_COMPARE(inserted.count(), 1);
        QCOMPARE(inserted.first().at(1).toByteArray(), QByteArray::fromHex("3b00"));

        // Unplugging the reader with the card in it reports the card removed too.
        change([](auto &s) {
            s.readers.clear();
            s.cards.clear();
            ++s.generation;
        });
        QTRY_COMPARE(removed.count(), 1);
        QTRY_COMPARE(readers.count(), 2);
        QVERIFY(readers.last().first().toStringList().isEmpty());
        monitor.stop();
    }

    void serviceLossAndRecovery()
    {
        change([](auto &s) {
            s.readers << QStringLiteral("R");
            s.cards[QStringLiteral("R")] = true;
        });
        PcscMonitor monitor(std::make_unique<FakePcsc>(m_pcsc));
        monitor.setRetryIntervalMs(30);
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        QSignalSpy inserted(&monitor, &PcscMonitor::cardInserted);
        QSignalSpy removed(&monitor, &PcscMonitor::cardRemoved);
        monitor.start();
        QTRY_COMPARE(inserted.count(), 1);

        change([](auto &s) { s.serviceUp = false; });
        QTRY_COMPARE(available.count(), 2);
        QCOMPARE(available.last().first().toBool(), false);
        QCOMPARE(removed.count(), 1);

        change([](auto &s) { s.serviceUp = true; });
        QTRY_COMPARE(available.count(), 3);
        QCOMPARE(available.last().first().toBool(), true);
        QTRY_COMPARE(inserted.count(), 2); // the card still there is reported again
        monitor.stop();
    }

    void serviceAbsentAtStart()
    {
        change([](auto &s) { s.serviceUp = false; });
        PcscMonitor monitor(std::make_unique<FakePcsc>(m_pcsc));
        monitor.setRetryIntervalMs(30);
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        monitor.start();
        QTRY_COMPARE(available.count(), 1);
        QCOMPARE(available.first().first().toBool(), false);
        change([](auto &s) { s.serviceUp = true; });
        QTRY_COMPARE(available.count(), 2);
        QCOMPARE(available.last().first().toBool(), true);
    }

    void stopsPromptly()
    {
        PcscMonitor monitor(std::make_unique<FakePcsc>(m_pcsc));
        QSignalSpy available(&monitor, &PcscMonitor::serviceAvailableChanged);
        monitor.start();
        QTRY_COMPARE(available.count(), 1);
        monitor.stop();
        QVERIFY(!monitor.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestPcscMonitorFake)
#include "tst_pcscmonitor_fake.moc"
