// Who gets a place under the connection cap and who is shed for them (ra/front/connectionplaces.h):
// the policy, with a clock of the test's own.
#include "connectionplaces.h"

#include <QtTest>

using namespace kk::ra;
using Stage = ConnectionPlaces::Stage;

namespace {

ConnectionPlaces::Clock::time_point at(int ms)
{
    return ConnectionPlaces::Clock::time_point(std::chrono::milliseconds(ms));
}

// A place with a closer that notes it was shed.
struct Held
{
    ConnectionPlaces::Ticket ticket = 0;
    std::shared_ptr<bool> closed = std::make_shared<bool>(false);
};

Held take(ConnectionPlaces &places, const std::string &peer, bool kiosk, int ms,
          bool *refused = nullptr)
{
    Held held;
    ConnectionPlaces::Admission admission = places.admit(peer, kiosk, at(ms));
    for (const auto &close : admission.shed)
        close();
    held.ticket = admission.ticket;
    if (refused)
        *refused = admission.ticket == 0;
    if (held.ticket)
        places.setCloser(held.ticket, [closed = held.closed] { *closed = true; });
    return held;
}

} // namespace

class TestConnectionPlaces : public QObject
{
    Q_OBJECT

private slots:
    void theSlowestUnfinishedIsShedForANewcomer()
    {
        ConnectionPlaces places({3, 64, 0});
        Held a = take(places, "10.0.0.1", false, 0);
        Held b = take(places, "10.0.0.2", false, 10);
        Held c = take(places, "10.0.0.3", false, 20);
        QVERIFY(a.ticket && b.ticket && c.ticket);
        Held d = take(places, "10.0.0.4", false, 30);
        QVERIFY(d.ticket);
        QVERIFY(*a.closed);
        QVERIFY(!*b.closed && !*c.closed);
        QCOMPARE(places.open(), 3);
        QCOMPARE(places.counts().shed, 1L);
        // The shed session cannot go on, and giving its place back again changes nothing.
        QVERIFY(!places.enter(a.ticket, Stage::Busy));
        places.release(a.ticket);
        QCOMPARE(places.open(), 3);
    }

    void aKeptConnectionGoesBeforeAnUnfinishedOne()
    {
        ConnectionPlaces places({2, 64, 0});
        Held old = take(places, "10.0.0.1", false, 0);
        Held kept = take(places, "10.0.0.2", false, 10);
        QVERIFY(places.enter(kept.ticket, Stage::Kept, at(50)));
        take(places, "10.0.0.3", false, 60);
        QVERIFY(*kept.closed);
        QVERIFY(!*old.closed);
    }

    void aCompleteRequestIsNeverShed()
    {
        ConnectionPlaces places({2, 64, 0});
        Held a = take(places, "10.0.0.1", false, 0);
        Held b = take(places, "10.0.0.2", false, 10);
        QVERIFY(places.enter(a.ticket, Stage::Busy, at(20)));
        QVERIFY(places.enter(b.ticket, Stage::Busy, at(20)));
        bool refused = false;
        take(places, "10.0.0.3", false, 30, &refused);
        QVERIFY(refused);
        QVERIFY(!*a.closed && !*b.closed);
        QCOMPARE(places.counts().refusedOverCap, 1L);
        // Once one of them is answered and gone, there is room again.
        places.release(a.ticket);
        take(places, "10.0.0.3", false, 40, &refused);
        QVERIFY(!refused);
    }

    void aPeerOverItsCapShedsNobody()
    {
        ConnectionPlaces places({10, 2, 0});
        Held a = take(places, "10.0.0.9", false, 0);
        take(places, "10.0.0.9", false, 1);
        bool refused = false;
        take(places, "10.0.0.9", false, 2, &refused);
        QVERIFY(refused);
        QVERIFY(!*a.closed);
        QCOMPARE(places.counts().refusedOverPeerCap, 1L);
    }

    void kiosksHaveAReserveAndNoPerPeerCap()
    {
        // 4 places, 2 of them for kiosks: others fill two and are then shed among themselves.
        ConnectionPlaces places({4, 1, 2});
        Held x = take(places, "10.0.0.1", false, 0);
        Held y = take(places, "10.0.0.2", false, 1);
        Held z = take(places, "10.0.0.3", false, 2); // sheds x: the reserve is not theirs
        QVERIFY(*x.closed);
        QCOMPARE(places.open(), 2);
        // Kiosks behind one NAT address: no per-peer cap, and the reserve is there.
        Held k1 = take(places, "192.0.2.7", true, 3);
        Held k2 = take(places, "192.0.2.7", true, 4);
        QVERIFY(k1.ticket && k2.ticket);
        QVERIFY(!*y.closed && !*z.closed);
        QCOMPARE(places.counts().openKiosks, 2);
        // A third kiosk sheds the slowest other connection, never a kiosk's request.
        Held k3 = take(places, "192.0.2.7", true, 5);
        QVERIFY(k3.ticket);
        QVERIFY(*y.closed);
        QVERIFY(!*k1.closed && !*k2.closed);
        // A newcomer from elsewhere finds only kiosks and z: z goes, kiosks stay.
        take(places, "10.0.0.4", false, 6);
        QVERIFY(*z.closed);
        bool refused = false;
        // Only kiosks' unfinished requests and the newcomer's are left.
        places.enter(k1.ticket, Stage::Busy, at(7));
        take(places, "10.0.0.5", false, 8, &refused);
        QVERIFY(!refused); // the newcomer from 10.0.0.4 was the only other one
        take(places, "10.0.0.6", false, 9, &refused);
        QVERIFY(!refused);
        QVERIFY(!*k2.closed && !*k3.closed);
    }

    void aKioskCertificateProtectsAConnection()
    {
        ConnectionPlaces places({2, 64, 0});
        Held a = take(places, "10.0.0.1", false, 0);
        Held b = take(places, "10.0.0.2", false, 10);
        places.markKiosk(a.ticket); // its TLS handshake showed a kiosk certificate
        take(places, "10.0.0.3", false, 20);
        QVERIFY(!*a.closed);
        QVERIFY(*b.closed);
    }

    void drainClosesKeptOnesAndKeepsNoMore()
    {
        ConnectionPlaces places({8, 64, 0});
        Held kept = take(places, "10.0.0.1", false, 0);
        Held busy = take(places, "10.0.0.2", false, 0);
        QVERIFY(places.enter(kept.ticket, Stage::Kept, at(1)));
        QVERIFY(places.enter(busy.ticket, Stage::Busy, at(1)));
        const auto closers = places.closeKept();
        QCOMPARE(int(closers.size()), 1);
        closers.front()();
        QVERIFY(*kept.closed);
        QVERIFY(!places.enter(busy.ticket, Stage::Kept, at(2)));
    }
};

QTEST_GUILESS_MAIN(TestConnectionPlaces)
#include "tst_connectionplaces.moc"
