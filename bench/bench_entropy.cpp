// kk-bench-entropy: the cost of one touch sample, and how many seconds of (model) human
// drawing reach 256 credited bits. The traces come from tests/harness/touchtraces.h: strokes
// along random cubic Bézier curves with a minimum-jerk speed profile, 1.5 px Gaussian tremor,
// 120 Hz sampling with 300 µs arrival jitter, pauses between strokes. Prints figures only.
#include "touchtraces.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>

using namespace kk;
using namespace kk::test;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int traces = argc > 1 ? std::max(1, atoi(argv[1])) : 50;
    // 1. Processing cost per sample.
    const auto long_trace = humanTrace(60, 1);
    EntropyPool pool(1 << 30);
    QElapsedTimer timer;
    timer.start();
    for (const TouchSample &s : long_trace)
        pool.addSample(s);
    const double nsPerSample = double(timer.nsecsElapsed()) / double(long_trace.size());
    timer.restart();
    for (int i = 0; i < 100; ++i)
        (void)pool.seed();
    const double usPerSeed = double(timer.nsecsElapsed()) / 100 / 1000;

    // 2. Seconds of drawing to 256 credited bits, over many traces, one and two fingers.
    std::vector<double> one, two;
    for (int fingers : {1, 2}) {
        for (int t = 0; t < traces; ++t) {
            EntropyPool p(256);
            const auto trace = humanTrace(20, quint32(1000 + t), fingers);
            for (const TouchSample &s : trace) {
                p.addSample(s);
                if (p.isComplete()) {
                    (fingers == 1 ? one : two).push_back(double(s.timeUs) / 1e6);
                    break;
                }
            }
        }
    }
    auto pct = [](std::vector<double> v, double q) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[std::min(v.size() - 1, std::size_t(q * double(v.size())))];
    };
    std::printf("| %-52s | %10s | %10s | %-18s |\n", "what", "median", "p90", "budget");
    std::printf("|%s|%s|%s|%s|\n", QByteArray(54, '-').constData(), QByteArray(12, '-').constData(),
                QByteArray(12, '-').constData(), QByteArray(20, '-').constData());
    std::printf("| %-52s | %7.0f ns | %10s | %-18s |\n",
                "one touch sample (health tests, credit, SHA-512)", nsPerSample, "", "");
    std::printf("| %-52s | %7.1f us | %10s | %-18s |\n", "seed: HKDF over getrandom() and the pool",
                usPerSeed, "", "");
    std::printf("| %-52s | %8.2f s | %8.2f s | %-18s |\n",
                "drawing to 256 credited bits, one finger", pct(one, 0.5), pct(one, 0.9), "<= 5 s");
    std::printf("| %-52s | %8.2f s | %8.2f s | %-18s |\n",
                "drawing to 256 credited bits, two fingers", pct(two, 0.5), pct(two, 0.9),
                "<= 5 s");
    std::printf("\n%d model traces per row; %zu and %zu reached the target within 20 s.\n", traces,
                one.size(), two.size());
    return 0;
}
