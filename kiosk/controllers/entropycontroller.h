#pragma once
// The entropy pad's logic: QML reports where the finger is; time stamps (µs) are taken here,
// at arrival, because QML's are milliseconds and could be supplied by anything.

#include "keykiosk/entropy/entropypool.h"

#include <QElapsedTimer>
#include <QObject>

namespace kk {

class EntropyController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(double creditedBits READ creditedBits NOTIFY progressChanged)
    Q_PROPERTY(int targetBits READ targetBits WRITE setTargetBits NOTIFY progressChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(bool complete READ complete NOTIFY progressChanged)
    // A health test failed and the pool started over: the pad asks the client to keep drawing.
    Q_PROPERTY(bool restarted READ restarted NOTIFY progressChanged)
public:
    explicit EntropyController(int targetBits = 256, QObject *parent = nullptr);

    double creditedBits() const { return m_pool->creditedBits(); }
    int targetBits() const { return m_pool->targetBits(); }
    void setTargetBits(int bits);
    double progress() const;
    bool complete() const { return m_pool->isComplete(); }
    bool restarted() const { return m_pool->restarts() > 0; }

    Q_INVOKABLE void addPoint(double x, double y, double pressure, int pointId);
    Q_INVOKABLE void reset();
    // The seed for the token and OpenSSL (always mixed with getrandom); resets the pool.
    Expected<QByteArray> takeSeed();

signals:
    void progressChanged();
    void completed();

private:
    std::unique_ptr<EntropyPool> m_pool;
    QElapsedTimer m_clock;
};

} // namespace kk
