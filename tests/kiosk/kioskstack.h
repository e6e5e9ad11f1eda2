#pragma once
// The kiosk's objects as main.cpp builds them (KioskApp), for tests that drive the kiosk
// below or through the real QML: any module path (tests that need no token pass a missing
// one), a bank endpoint or none, a journal or none. Acts go to a folder of the stack's own.
#include "app/kioskapp.h"

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

namespace kk {

struct KioskStackFolders
{
    QTemporaryDir acts;
};

struct KioskStack : KioskStackFolders, KioskApp
{
    explicit KioskStack(const QString &modulePath = QStringLiteral("/nonexistent.so"),
                        CmpEndpoint endpoint = {}, Journal *journal = nullptr, int idleSeconds = 60,
                        int countdownSeconds = 15, int staffIdleSeconds = 300)
        : KioskApp(config(modulePath, std::move(endpoint), journal, idleSeconds, countdownSeconds,
                          acts.path(), staffIdleSeconds))
    {
    }

private:
    static KioskAppConfig config(const QString &modulePath, CmpEndpoint endpoint, Journal *journal,
                                 int idleSeconds, int countdownSeconds, const QString &actDirectory,
                                 int staffIdleSeconds)
    {
        KioskAppConfig c;
        c.modulePath = modulePath;
        c.endpoint = std::move(endpoint);
        c.journal = journal;
        c.idleSeconds = idleSeconds;
        c.countdownSeconds = countdownSeconds;
        c.actDirectory = actDirectory;
        c.staffIdleSeconds = staffIdleSeconds;
        return c;
    }
};

// The calls QML makes, for the tests below it: a PIN typed as a client does (each digit found on
// the shuffled pad, that key pressed; not submitted), and a wandering finger on the entropy pad
// until the journey moves on.
inline void typePin(PinPadController &pad, const char *pin)
{
    pad.appear(); // what the pad does when it is shown
    for (const char *c = pin; *c; ++c)
        pad.pressKey(pad.keyLabels().indexOf(*c - '0'));
}

inline void draw(KioskStack &stack)
{
    auto *random = QRandomGenerator::global();
    double x = 300, y = 200, vx = 0, vy = 0;
    for (int i = 0; i < 2000 && stack.journey.state() == WorkflowState::CollectingEntropy; ++i) {
        vx = 0.8 * vx + random->bounded(12.0) - 6;
        vy = 0.8 * vy + random->bounded(12.0) - 6;
        x += vx;
        y += vy;
        stack.entropy.addPoint(x, y, 1.0, 0);
        QThread::usleep(500 + random->bounded(3000));
    }
}

} // namespace kk
