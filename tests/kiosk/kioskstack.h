#pragma once
// The kiosk's objects as main.cpp builds them (KioskApp), for tests that drive the kiosk
// below or through the real QML: any module path (tests that need no token pass a missing
// one), a bank endpoint or none, a journal or none. Acts go to a folder of the stack's own.
#include "app/kioskapp.h"

#include <QTemporaryDir>

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

} // namespace kk
