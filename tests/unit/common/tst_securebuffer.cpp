#include "keykiosk/securebuffer.h"

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
};

QTEST_GUILESS_MAIN(TestSecureBuffer)
#include "tst_securebuffer.moc"
