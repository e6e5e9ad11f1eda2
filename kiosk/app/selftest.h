#pragma once
// keykiosk --self-test: what a package smoke test and branch staff check after installing or
// changing a kiosk. It starts the real UI, waits for its first frame, checks the
// configuration, the PKCS#11 module, pcscd and the bank's address, prints one line per check
// and a verdict, and exits (0 when everything passed).

#include "kiosksettings.h"

#include "keykiosk/enroll/bankmonitor.h"

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

class QQuickWindow;

namespace kk {

struct SelfTestCheck
{
    QString name;
    bool passed = false;
    QString detail;
};

class SelfTest : public QObject
{
    Q_OBJECT
public:
    SelfTest(const KioskSettings &settings, QStringList configProblems,
             QVector<BankMonitor::Address> bankAddresses, QObject *parent = nullptr);

    // Checks that need no window (config, module, pcscd, bank); run on their own by tests.
    QVector<SelfTestCheck> checkServices() const;
    // Runs everything: waits up to `frameTimeoutMs` for the window's first frame, then prints
    // the report to stdout and emits finished(exit code).
    void start(QQuickWindow *window, qint64 msSinceStart, int frameTimeoutMs = 10000);

signals:
    void finished(int exitCode);

private:
    void report(const SelfTestCheck &frame);

    KioskSettings m_settings;
    QStringList m_configProblems;
    QVector<BankMonitor::Address> m_bankAddresses;
    QElapsedTimer m_sinceStart;
    bool m_done = false; // reported once: the first frame, or the timeout
};

} // namespace kk
