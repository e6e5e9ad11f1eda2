// The RA's replay window (ra/cmp/raservice.h): a message is admitted once; its entry goes when a
// replay of it would fail the time check anyway, and never before; the capacity bounds it.
#include "raservice.h"

#include <QThread>
#include <QtTest>

using namespace kk::ra;

namespace {
CmpHeaderFields header(int n, qint64 secondsFromNow = 0)
{
    CmpHeaderFields h;
    h.valid = true;
    h.messageTime = QDateTime::currentDateTimeUtc().addSecs(secondsFromNow);
    h.transactionId = QByteArray(16, char(n));
    h.senderNonce = QByteArray(16, char(0x40 + n));
    return h;
}

RaPolicy policy(int windowSeconds, int capacity = 1000)
{
    RaPolicy p;
    p.messageTimeWindowSeconds = windowSeconds;
    p.replayCacheEntries = capacity;
    return p;
}
} // namespace

class TestReplayWindow : public QObject
{
    Q_OBJECT
private slots:
    void aMessageIsAdmittedOnce()
    {
        ReplayWindow window(policy(600));
        QString why;
        const CmpHeaderFields first = header(1);
        QVERIFY(window.admit(first, &why));
        QVERIFY(!window.admit(first, &why));
        QCOMPARE(why, QStringLiteral("replayed message"));
        // Another nonce in the same transaction, or the same nonce in another: both new.
        CmpHeaderFields otherNonce = first;
        otherNonce.senderNonce[0] = 'x';
        QVERIFY(window.admit(otherNonce, &why));
        CmpHeaderFields otherTransaction = first;
        otherTransaction.transactionId[0] = 'x';
        QVERIFY(window.admit(otherTransaction, &why));
        QCOMPARE(int(window.size()), 3);
    }

    void anEntryGoesOnlyWhenItsReplayWouldBeLateAnyway()
    {
        // A window of two seconds (the entries stay two more: the check counts whole seconds).
        ReplayWindow window(policy(2));
        QString why;
        const CmpHeaderFields now = header(1);
        QVERIFY(window.admit(now, &why));
        QVERIFY(!window.admit(header(2, 3), &why)); // more than the window ahead: too early
        const CmpHeaderFields ahead = header(3, 2); // a client clock two seconds ahead
        QVERIFY(window.admit(ahead, &why));
        QThread::msleep(4500);
        // The first message's replay now fails the time check: its entry has gone. The
        // second's still passes it, and is still refused as a replay.
        QVERIFY(window.admit(header(4), &why));
        QCOMPARE(int(window.size()), 2);
        QVERIFY(!window.admit(ahead, &why));
        QCOMPARE(why, QStringLiteral("replayed message"));
        QVERIFY(!window.admit(now, &why));
        QVERIFY2(why.contains(QLatin1String("is not within 2 s")), qPrintable(why));
    }

    void theCapacityBoundsMemory()
    {
        ReplayWindow window(policy(600, 3));
        QString why;
        for (int n = 0; n < 10; ++n)
            QVERIFY(window.admit(header(n), &why));
        QCOMPARE(int(window.size()), 3);
    }
};

QTEST_GUILESS_MAIN(TestReplayWindow)
#include "tst_replaywindow.moc"
