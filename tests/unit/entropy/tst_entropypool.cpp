#include "touchtraces.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

class TestEntropyPool : public QObject
{
    Q_OBJECT
private slots:
    void syntheticInputEarnsAboutNothing_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("constant") << 0;
        QTest::newRow("straight line, constant steps") << 1;
        QTest::newRow("periodic (circle)") << 2;
        QTest::newRow("random positions at fixed intervals") << 3;
    }
    void syntheticInputEarnsAboutNothing()
    {
        QFETCH(int, kind);
        const std::vector<TouchSample> trace = kind == 0   ? constantTrace(2000)
                                               : kind == 1 ? linearTrace(2000)
                                               : kind == 2 ? circleTrace(2000)
                                                           : fixedIntervalTrace(2000, 7);
        EntropyPool pool;
        const double bits = feed(pool, trace);
        QVERIFY2(bits < 8, qPrintable(QString::number(bits)));
    }

    void replayedTraceEarnsNothingTheSecondTime()
    {
        const auto human = humanTrace(3, 1);
        EntropyPool pool(100000);
        const double first = feed(pool, human);
        QVERIFY(first > 100);
        auto replay = human;
        for (TouchSample &s : replay)
            s.timeUs += 60'000'000; // the same trace a minute later
        const double second = feed(pool, replay) - first;
        // Only the three patterns that span the seam between the two copies are new.
        QVERIFY2(second <= 7.5, qPrintable(QStringLiteral("%1 then %2").arg(first).arg(second)));
    }

    void humanLikeDrawingReachesTheTarget()
    {
        EntropyPool pool(256);
        const auto trace = humanTrace(5, 2);
        int used = 0;
        for (const TouchSample &s : trace) {
            pool.addSample(s);
            ++used;
            if (pool.isComplete())
                break;
        }
        QVERIFY(pool.isComplete());
        QCOMPARE(pool.restarts(), 0);
        const double seconds = double(trace[std::size_t(used - 1)].timeUs) / 1e6;
        qInfo("256 bits after %d samples, %.2f s of drawing", used, seconds);
        QVERIFY(seconds <= 5);
    }

    void multiTouchCounts()
    {
        EntropyPool one, two;
        const double single = feed(one, humanTrace(2, 3, 1));
        const double both = feed(two, humanTrace(2, 3, 2));
        QVERIFY2(both > 1.5 * single, qPrintable(QStringLiteral("%1 vs %2").arg(single).arg(both)));
    }

    void creditPerSampleIsBounded()
    {
        QCOMPARE(EntropyPool::creditFor(0, 0, 0), 0.0);
        QCOMPARE(EntropyPool::creditFor(3, -3, 3), 0.0); // rounding-size jerk: nothing
        QCOMPARE(EntropyPool::creditFor(1 << 20, 1 << 20, 1 << 20), 2.5);
    }

    void repetitionCountTestTrips()
    {
        // Straight-line motion: the same jerk (zero) again and again.
        EntropyPool pool;
        feed(pool, linearTrace(40));
        QCOMPARE(pool.lastFailure(), EntropyHealth::RepetitionCountFailure);
        // The pool restarts (credit from nothing) and the client keeps drawing: good input
        // is credited again, up to the target.
        QCOMPARE(pool.restarts(), 1);
        QCOMPARE(pool.creditedBits(), 0.0);
        feed(pool, humanTrace(5, 4));
        QVERIFY(pool.isComplete());
    }

    void aRestingFingerIsNoSampleAndStallsNothing()
    {
        // About 25 reports of a finger at rest used to trip the repetition test and stop all
        // credit for good: the client was stuck until the idle timeout.
        EntropyPool pool;
        feed(pool, constantTrace(25));
        QCOMPARE(pool.restarts(), 0);
        auto drawing = humanTrace(5, 4);
        for (TouchSample &sample : drawing)
            sample.timeUs += 25 * 8333LL;
        feed(pool, drawing);
        QVERIFY(pool.isComplete());
    }

    void adaptiveProportionTestTrips()
    {
        // One symbol dominates without ever repeating 21 times in a row.
        EntropyPool pool;
        std::vector<TouchSample> trace;
        for (int i = 0; i < 1200; ++i) {
            // Straight motion (jerk 0) with a bump every 24 samples: zero runs of 20 stay under
            // the RCT cutoff of 21, yet zero is 83% of every window.
            const double bump = i % 24 == 23 ? 7 : 0;
            trace.push_back(
                {300.0 + 3 * i + bump, 300.0 + 2 * i, i * 8333LL + (i % 3) * 700, -1, 0});
        }
        feed(pool, trace);
        QCOMPARE(pool.lastFailure(), EntropyHealth::AdaptiveProportionFailure);
        QVERIFY(pool.restarts() >= 1);
    }

    void osRandomnessIsAlwaysPartOfTheSeed()
    {
        const auto trace = humanTrace(2, 5);
        EntropyPool a, b;
        feed(a, trace);
        feed(b, trace);
        QCOMPARE(a.conditioned(), b.conditioned()); // the same touches condition the same
        const QByteArray seedA = a.seed().value(), seedB = b.seed().value();
        QCOMPARE(seedA.size(), 32);
        QVERIFY(seedA != seedB); // but the seeds differ: getrandom() is in every one

        EntropyPool empty, unhealthy;
        feed(unhealthy, linearTrace(100));
        QCOMPARE(unhealthy.lastFailure(), EntropyHealth::RepetitionCountFailure);
        QCOMPARE(empty.seed().value().size(), 32);
        QVERIFY(empty.seed().value() != empty.seed().value());
        QVERIFY(unhealthy.seed().value() != unhealthy.seed().value());
    }

    void resetWipes()
    {
        EntropyPool pool;
        feed(pool, humanTrace(2, 6));
        const QByteArray before = pool.conditioned();
        pool.reset();
        QCOMPARE(pool.creditedBits(), 0.0);
        QCOMPARE(pool.sampleCount(), 0);
        QVERIFY(pool.conditioned() != before);
    }
};

QTEST_GUILESS_MAIN(TestEntropyPool)
#include "tst_entropypool.moc"
