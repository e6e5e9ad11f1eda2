#include "keykiosk/entropy/entropypool.h"

#include "keykiosk/logging.h"

#include <QtEndian>

#include <cmath>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sys/random.h>

namespace kk {

namespace {
constexpr int kRctCutoff = 21;  // SP 800-90B 4.4.1: 1 + ceil(20 / H), H = 1
constexpr int kAptWindow = 512; // SP 800-90B 4.4.2, non-binary
constexpr int kAptCutoff = 410; // for H = 1, alpha = 2^-20
constexpr qint64 kTimeUnitUs = 64;

int noisyBits(qint64 value)
{
    const quint64 magnitude = quint64(value < 0 ? -value : value);
    if (magnitude < 4)
        return 0;
    return int(std::floor(std::log2(double(magnitude)))) - 1;
}
} // namespace

struct EntropyPool::Hasher
{
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
    Hasher() { EVP_DigestInit_ex(ctx.get(), EVP_sha512(), nullptr); }
};

EntropyPool::EntropyPool(int targetBits)
    : m_targetBits(targetBits), m_hash(std::make_unique<Hasher>())
{
}

EntropyPool::~EntropyPool()
{
    reset();
}

void EntropyPool::reset()
{
    m_credited = 0;
    m_samples = 0;
    m_lastFailure = EntropyHealth::Ok;
    m_restarts = 0;
    m_tracks.clear();
    m_seenPatterns.clear();
    m_rctCount = m_aptIndex = m_aptCount = 0;
    m_hash = std::make_unique<Hasher>();
}

double EntropyPool::creditFor(qint64 jerkX, qint64 jerkY, qint64 jerkTimeUnits)
{
    const double bits = std::min(2, noisyBits(jerkX)) + std::min(2, noisyBits(jerkY)) +
                        std::min(1, noisyBits(jerkTimeUnits));
    return bits / 2.0;
}

void EntropyPool::healthTest(quint8 symbol)
{
    // Repetition count test
    if (m_rctCount > 0 && symbol == m_rctSymbol) {
        if (++m_rctCount >= kRctCutoff) {
            restart(EntropyHealth::RepetitionCountFailure);
            return;
        }
    } else {
        m_rctSymbol = symbol;
        m_rctCount = 1;
    }
    // Adaptive proportion test
    if (m_aptIndex == 0) {
        m_aptSymbol = symbol;
        m_aptCount = 1;
    } else if (symbol == m_aptSymbol && ++m_aptCount >= kAptCutoff) {
        restart(EntropyHealth::AdaptiveProportionFailure);
        return;
    }
    m_aptIndex = (m_aptIndex + 1) % kAptWindow;
}

void EntropyPool::restart(EntropyHealth failure)
{
    // The source misbehaved: what it gave so far is not trusted (it stays in the conditioner,
    // where it can only add), and credit starts again from nothing.
    qCWarning(lcEntropy) << "touch entropy:"
                         << (failure == EntropyHealth::RepetitionCountFailure
                                 ? "repetition count"
                                 : "adaptive proportion")
                         << "test failed after" << m_credited << "bits; the pool restarts";
    m_lastFailure = failure;
    ++m_restarts;
    m_credited = 0;
    m_rctCount = m_aptIndex = m_aptCount = 0;
    m_tracks.clear();
}

void EntropyPool::addSample(const TouchSample &s)
{
    ++m_samples;
    // Everything goes into the conditioner, credited or not.
    struct Raw
    {
        qint64 x, y, t, p, id;
    } raw{qToBigEndian(qint64(std::llround(s.x * 256))),
          qToBigEndian(qint64(std::llround(s.y * 256))), qToBigEndian(s.timeUs),
          qToBigEndian(qint64(std::llround(s.pressure * 65536))), qToBigEndian(qint64(s.pointId))};
    EVP_DigestUpdate(m_hash->ctx.get(), &raw, sizeof raw);

    Track &track = m_tracks[s.pointId];
    // A finger at rest reports the same position again: that is no sample of the noise
    // source (it would only feed the health tests a run of zeros).
    if (!track.last.empty() && std::llround(track.last.back().x) == std::llround(s.x) &&
        std::llround(track.last.back().y) == std::llround(s.y))
        return;
    track.last.push_back(s);
    if (track.last.size() > 4)
        track.last.pop_front();
    if (track.last.size() < 4)
        return;
    // First, second and third differences over the last four samples.
    auto px = [&](int i) { return qint64(std::llround(track.last[std::size_t(i)].x)); };
    auto py = [&](int i) { return qint64(std::llround(track.last[std::size_t(i)].y)); };
    auto pt = [&](int i) { return track.last[std::size_t(i)].timeUs; };
    auto third = [](qint64 a, qint64 b, qint64 c, qint64 d) { return (d - 3 * c + 3 * b - a); };
    const qint64 jx = third(px(0), px(1), px(2), px(3));
    const qint64 jy = third(py(0), py(1), py(2), py(3));
    const qint64 jt = third(pt(0), pt(1), pt(2), pt(3)) / kTimeUnitUs;

    const int restartsBefore = m_restarts;
    healthTest(quint8((jx & 0xF) | ((jy & 0xF) << 4)));
    if (m_restarts != restartsBefore)
        return; // this sample belonged to the failure

    // Injected events at fixed intervals: a sample whose arrival time a constant-rate model
    // predicts to within 64 µs earns nothing, whatever its position.
    const bool predictableTime = jt == 0;

    // Replays and periodic motion: the same pattern of deltas seen before.
    QByteArray pattern;
    for (int i = 1; i < 4; ++i) {
        const qint64 d[3] = {px(i) - px(i - 1), py(i) - py(i - 1),
                             (pt(i) - pt(i - 1)) / kTimeUnitUs};
        pattern.append(reinterpret_cast<const char *>(d), sizeof d);
    }
    const bool seen = m_seenPatterns.contains(pattern);
    if (m_seenPatterns.size() < 100000)
        m_seenPatterns.insert(pattern);

    if (seen || predictableTime)
        return;
    m_credited += creditFor(jx, jy, jt);
}

QByteArray EntropyPool::conditioned() const
{
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> copy(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_MD_CTX_copy_ex(copy.get(), m_hash->ctx.get());
    QByteArray digest(EVP_MAX_MD_SIZE, '\0');
    unsigned int length = 0;
    EVP_DigestFinal_ex(copy.get(), reinterpret_cast<unsigned char *>(digest.data()), &length);
    digest.resize(int(length));
    return digest;
}

Expected<QByteArray> EntropyPool::seed(int bytes) const
{
    unsigned char os[32];
    std::size_t got = 0;
    while (got < sizeof os) {
        const ssize_t n = ::getrandom(os + got, sizeof os - got, 0);
        if (n <= 0)
            return Error(ErrorCode::Internal, QStringLiteral("getrandom failed"));
        got += std::size_t(n);
    }
    QByteArray ikm(reinterpret_cast<const char *>(os), sizeof os);
    OPENSSL_cleanse(os, sizeof os);
    ikm += conditioned();
    std::unique_ptr<EVP_KDF, void (*)(EVP_KDF *)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr),
                                                      EVP_KDF_free);
    std::unique_ptr<EVP_KDF_CTX, void (*)(EVP_KDF_CTX *)> ctx(
        kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr, EVP_KDF_CTX_free);
    static const char salt[] = "KeyKiosk touch entropy v1";
    static const char info[] = "seed";
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), std::size_t(ikm.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char *>(salt),
                                          sizeof salt - 1),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char *>(info),
                                          sizeof info - 1),
        OSSL_PARAM_construct_end()};
    QByteArray out(bytes, '\0');
    const bool ok = ctx && EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(out.data()),
                                          std::size_t(bytes), params) == 1;
    OPENSSL_cleanse(ikm.data(), std::size_t(ikm.size()));
    if (!ok)
        return Error(ErrorCode::Internal, QStringLiteral("HKDF failed"));
    return out;
}

void addToOpenSslRng(const QByteArray &seed, double creditedBits)
{
    // RAND_add mixes into the primary DRBG as additional input; the estimate is in bytes.
    RAND_add(seed.constData(), seed.size(), std::min(double(seed.size()), creditedBits / 8.0));
}

} // namespace kk
