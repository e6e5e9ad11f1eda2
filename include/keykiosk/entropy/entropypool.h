#pragma once
// Touch entropy: the kiosk's version of "move the mouse inside the window" in the seeds.
//
// Credit model (conservative, stated here and in the README):
//  - For each touch point the pool tracks the last positions and arrival times (µs) and
//    computes THIRD differences ("jerk") of x, y and t: what a smooth motion model cannot
//    predict. Straight lines, constant steps and smooth synthetic curves (circles, sines)
//    have jerk of at most a rounding unit; a finger's jerk is several pixels / many µs.
//  - Per sample, each of x and y is credited min(2, max(0, floor(log2|jerk|) - 1)) bits, and
//    the timing min(1, ...) bit on the jerk of arrival times in units of 64 µs; the sum is
//    halved. So one sample is never credited more than 2.5 bits, however wild.
//  - A sample whose arrival time a constant-rate model predicts to within 64 µs earns
//    nothing (events injected at fixed intervals), and neither does a sample whose pattern
//    of the last three deltas was seen before (replayed traces, periodic zigzags).
//  - Health tests in the spirit of NIST SP 800-90B run on an 8-bit noise symbol (the low
//    4 bits of the x and y jerk): the repetition count test (cutoff 21, for H = 1 bit per
//    symbol and alpha = 2^-20) and the adaptive proportion test (window 512, cutoff 410).
//    A failure restarts the pool: the credit so far is dropped, the tests start over and the
//    client is asked to keep drawing. A finger at rest (the same position again) is not a
//    sample of the noise source at all: it is conditioned, never tested or credited.
//  - Conditioning: SHA-512 over every raw sample. Mixing: HKDF-SHA-256 with 32 bytes from
//    getrandom() as part of the input key material, so the seed is never weaker than the
//    OS source, even with an empty or failed pool.

#include "keykiosk/expected.h"
#include "keykiosk/securebuffer.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QVector>

#include <deque>
#include <memory>

namespace kk {

struct TouchSample
{
    double x = 0;
    double y = 0;
    qint64 timeUs = 0;
    double pressure = -1; // -1 when the device gives none
    int pointId = 0;
};

enum class EntropyHealth
{
    Ok,
    RepetitionCountFailure,
    AdaptiveProportionFailure
};

class EntropyPool
{
public:
    explicit EntropyPool(int targetBits = 256);
    ~EntropyPool();
    EntropyPool(const EntropyPool &) = delete;
    EntropyPool &operator=(const EntropyPool &) = delete;

    void addSample(const TouchSample &sample);
    double creditedBits() const { return m_credited; }
    int targetBits() const { return m_targetBits; }
    bool isComplete() const { return m_credited >= m_targetBits; }
    // How often a health-test failure restarted the pool, and the last such failure.
    int restarts() const { return m_restarts; }
    EntropyHealth lastFailure() const { return m_lastFailure; }
    int sampleCount() const { return m_samples; }

    // SHA-512 over the raw samples (the conditioned pool).
    QByteArray conditioned() const;
    // The seed: HKDF-SHA-256 over getrandom() output and the conditioned pool. Fails only if
    // the OS source fails, never because the pool is empty or unhealthy.
    Expected<QByteArray> seed(int bytes = 32) const;
    // Wipes everything (a new client, a cancelled session).
    void reset();

    // The per-sample credit before the regularity/replay gates, for tests and the bench.
    static double creditFor(qint64 jerkX, qint64 jerkY, qint64 jerkTimeUnits);

private:
    struct Track
    {
        std::deque<TouchSample> last;  // up to 4 samples
        std::deque<QByteArray> deltas; // recent delta patterns
    };
    void healthTest(quint8 symbol);
    void restart(EntropyHealth failure);

    int m_targetBits;
    double m_credited = 0;
    int m_samples = 0;
    EntropyHealth m_lastFailure = EntropyHealth::Ok;
    int m_restarts = 0;
    QHash<int, Track> m_tracks;
    QSet<QByteArray> m_seenPatterns;
    // health test state
    quint8 m_rctSymbol = 0;
    int m_rctCount = 0;
    int m_aptIndex = 0;
    quint8 m_aptSymbol = 0;
    int m_aptCount = 0;
    struct Hasher;
    std::unique_ptr<Hasher> m_hash;
};

// Feeds a seed to OpenSSL's DRBG (RAND_add) so that signatures made in software draw from it too.
void addToOpenSslRng(const QByteArray &seed, double creditedBits);

} // namespace kk
