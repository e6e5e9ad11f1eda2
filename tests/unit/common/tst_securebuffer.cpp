#include "keykiosk/securebuffer.h"

#include <QFile>
#include <QtTest>

#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

using kk::SecureBuffer;

class TestSecureBuffer : public QObject
{
    Q_OBJECT
private slots:
    void appendsAndTerminates()
    {
        SecureBuffer pin(8);
        for (char c : {'1', '2', '3', '4'})
            QVERIFY(pin.append(c));
        QCOMPARE(pin.size(), std::size_t(4));
        QCOMPARE(QByteArray(pin.c_str()), QByteArray("1234"));
    }
    void refusesBeyondCapacity()
    {
        SecureBuffer pin(2);
        QVERIFY(pin.append('1'));
        QVERIFY(pin.append('2'));
        QVERIFY(!pin.append('3'));
        QCOMPARE(QByteArray(pin.c_str()), QByteArray("12"));
    }
    void removeLastWipesTheDigit()
    {
        SecureBuffer pin(4);
        pin.append('7');
        pin.append('9');
        const char *raw = pin.c_str();
        pin.removeLast();
        QCOMPARE(pin.size(), std::size_t(1));
        QCOMPARE(raw[1], '\0');
        pin.removeLast();
        pin.removeLast(); // harmless when empty
        QVERIFY(pin.isEmpty());
    }
    void clearWipesEveryByte()
    {
        SecureBuffer pin(16);
        for (char c : std::string("9876543210"))
            pin.append(c);
        const char *raw = pin.c_str();
        pin.clear();
        for (int i = 0; i < 17; ++i)
            QCOMPARE(raw[i], '\0');
    }
    void moveLeavesSourceEmpty()
    {
        SecureBuffer a = SecureBuffer::fromText("4321");
        SecureBuffer b(std::move(a));
        QCOMPARE(QByteArray(b.c_str()), QByteArray("4321"));
        QVERIFY(a.isEmpty());
        QCOMPARE(QByteArray(a.c_str()), QByteArray(""));
        SecureBuffer c;
        c = std::move(b);
        QCOMPARE(QByteArray(c.c_str()), QByteArray("4321"));
        QVERIFY(b.isEmpty());
    }
    void locksMemoryWhenAllowed()
    {
        rlimit limit{};
        getrlimit(RLIMIT_MEMLOCK, &limit);
        if (limit.rlim_cur < 4096 && geteuid() != 0)
            QSKIP("RLIMIT_MEMLOCK too low for mlock");
        SecureBuffer pin;
        QVERIFY(pin.isMemoryLocked());
    }

    void freeingOneBufferLeavesTheOthersLockedAndOutOfCoreDumps()
    {
        rlimit limit{};
        getrlimit(RLIMIT_MEMLOCK, &limit);
        if (limit.rlim_cur < 128 * 1024 && geteuid() != 0)
            QSKIP("RLIMIT_MEMLOCK too low for the secure heap");
        auto first = std::make_unique<SecureBuffer>();
        SecureBuffer second = SecureBuffer::fromText("2468");
        first.reset(); // munlock of its own page would unlock the page under `second` too
        const MappingFacts facts = mappingOf(second.c_str());
        QVERIFY2(facts.found, "no mapping holds the buffer");
        QVERIFY2(facts.lockedKb > 0, qPrintable(facts.text));
        QVERIFY2(facts.vmFlags.split(' ').contains(QByteArray("dd")), qPrintable(facts.text));
    }

private:
    struct MappingFacts
    {
        bool found = false;
        qint64 lockedKb = 0;
        QByteArray vmFlags;
        QString text;
    };
    // The /proc/self/smaps entry of the mapping that holds `address`.
    static MappingFacts mappingOf(const void *address)
    {
        QFile smaps(QStringLiteral("/proc/self/smaps"));
        MappingFacts facts;
        if (!smaps.open(QIODevice::ReadOnly))
            return facts;
        const auto where = quintptr(address);
        bool inside = false;
        for (const QByteArray &line : smaps.readAll().split('\n')) {
            const int dash = line.indexOf('-');
            const int space = line.indexOf(' ');
            const bool header = dash > 0 && space > dash && !line.left(dash).contains(':');
            if (header) {
                bool ok1 = false, ok2 = false;
                const quintptr from = line.left(dash).toULongLong(&ok1, 16);
                const quintptr to = line.mid(dash + 1, space - dash - 1).toULongLong(&ok2, 16);
                inside = ok1 && ok2 && where >= from && where < to;
                if (inside) {
                    facts.found = true;
                    facts.text = QString::fromLatin1(line);
                }
                continue;
            }
            if (!inside)
                continue;
            facts.text += QLatin1Char('\n') + QString::fromLatin1(line);
            if (line.startsWith("Locked:"))
                facts.lockedKb = line.mid(7).trimmed().split(' ').first().toLongLong();
            else if (line.startsWith("VmFlags:"))
                facts.vmFlags = line.mid(8).trimmed();
        }
        return facts;
    }
};

QTEST_GUILESS_MAIN(TestSecureBuffer)
#include "tst_securebuffer.moc"
