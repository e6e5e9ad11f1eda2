#include "entropycontroller.h"

#include "keykiosk/logging.h"

namespace kk {

EntropyController::EntropyController(int targetBits, QObject *parent)
    : QObject(parent), m_pool(std::make_unique<EntropyPool>(targetBits))
{
    m_clock.start();
}

void EntropyController::setTargetBits(int bits)
{
    if (bits <= 0 || bits == m_pool->targetBits())
        return;
    m_pool = std::make_unique<EntropyPool>(bits);
    emit progressChanged();
}

double EntropyController::progress() const
{
    return std::min(1.0, m_pool->creditedBits() / double(m_pool->targetBits()));
}

void EntropyController::addPoint(double x, double y, double pressure, int pointId)
{
    const bool wasComplete = m_pool->isComplete();
    m_pool->addSample({x, y, m_clock.nsecsElapsed() / 1000, pressure, pointId});
    emit progressChanged();
    if (!wasComplete && m_pool->isComplete()) {
        qCInfo(lcEntropy) << "touch entropy complete:" << m_pool->creditedBits() << "bits from"
                          << m_pool->sampleCount() << "samples";
        emit completed();
    }
}

void EntropyController::reset()
{
    m_pool->reset();
    emit progressChanged();
}

Expected<QByteArray> EntropyController::takeSeed()
{
    auto seed = m_pool->seed();
    if (seed)
        addToOpenSslRng(seed.value(), m_pool->creditedBits());
    reset();
    return seed;
}

} // namespace kk
