#pragma once
// Touch traces for the entropy tests and bench. The "human-like" model: strokes along random
// cubic Bézier curves with a minimum-jerk speed profile, finger tremor and digitizer noise
// (Gaussian, sigma 1.5 px), sampled at 120 Hz as the GUI thread sees it (arrival jitter,
// Gaussian, sigma 300 us), with pauses between strokes. It is a model, not recorded data.

#include "keykiosk/entropy/entropypool.h"

#include <QRandomGenerator>

#include <cmath>
#include <random>
#include <vector>

namespace kk::test {

inline std::vector<TouchSample> constantTrace(int n)
{
    std::vector<TouchSample> t;
    for (int i = 0; i < n; ++i)
        t.push_back({400, 300, i * 8333LL, -1, 0});
    return t;
}

inline std::vector<TouchSample> linearTrace(int n)
{
    std::vector<TouchSample> t;
    for (int i = 0; i < n; ++i)
        t.push_back({100.0 + 3 * i, 50.0 + 2 * i, i * 8333LL, -1, 0});
    return t;
}

inline std::vector<TouchSample> circleTrace(int n)
{
    std::vector<TouchSample> t;
    for (int i = 0; i < n; ++i) {
        const double a = i * 0.05;
        t.push_back({640 + 200 * std::cos(a), 400 + 200 * std::sin(a), i * 8333LL, -1, 0});
    }
    return t;
}

// Random positions, injected at exactly fixed intervals.
inline std::vector<TouchSample> fixedIntervalTrace(int n, quint32 seed)
{
    QRandomGenerator rng(seed);
    std::vector<TouchSample> t;
    for (int i = 0; i < n; ++i)
        t.push_back({double(rng.bounded(1280)), double(rng.bounded(800)), i * 10000LL, -1, 0});
    return t;
}

inline std::vector<TouchSample> humanTrace(double seconds, quint32 seed, int fingers = 1)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 1.5), jitter(0.0, 300.0);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::vector<TouchSample> trace;
    double clock = 0; // µs
    const double end = seconds * 1e6;
    while (clock < end) {
        const double duration = 0.25 + 0.5 * uniform(rng); // one stroke, seconds
        for (int finger = 0; finger < fingers; ++finger) {
            (void)finger;
        }
        double p[4][2];
        for (auto &point : p) {
            point[0] = 100 + 1080 * uniform(rng);
            point[1] = 100 + 600 * uniform(rng);
        }
        const int steps = int(duration * 120);
        for (int s = 0; s < steps && clock < end; ++s) {
            const double tau = double(s) / steps;
            const double u = 10 * std::pow(tau, 3) - 15 * std::pow(tau, 4) +
                             6 * std::pow(tau, 5); // minimum jerk
            const double a = 1 - u;
            for (int finger = 0; finger < fingers; ++finger) {
                const double ox = finger * 120.0;
                const double x = a * a * a * p[0][0] + 3 * a * a * u * p[1][0] +
                                 3 * a * u * u * p[2][0] + u * u * u * p[3][0] + ox;
                const double y = a * a * a * p[0][1] + 3 * a * a * u * p[1][1] +
                                 3 * a * u * u * p[2][1] + u * u * u * p[3][1];
                trace.push_back({x + noise(rng), y + noise(rng), qint64(clock + jitter(rng)),
                                 0.3 + 0.05 * uniform(rng), finger});
            }
            clock += 1e6 / 120;
        }
        clock += 1e5 + 2e5 * uniform(rng); // lift the finger, pause
    }
    return trace;
}

inline double feed(EntropyPool &pool, const std::vector<TouchSample> &trace)
{
    for (const TouchSample &s : trace)
        pool.addSample(s);
    return pool.creditedBits();
}

} // namespace kk::test
