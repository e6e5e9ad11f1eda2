#include "app/selftest.h"

#include "keykiosk/presence/pcscapi.h"
#include "keykiosk/token/pkcs11module.h"

#include <QElapsedTimer>
#include <QQuickWindow>
#include <QTcpSocket>
#include <QTimer>

#include <PCSC/pcsclite.h>
#include <cstdio>

namespace kk {

SelfTest::SelfTest(const KioskSettings &settings, QStringList configProblems,
                   QVector<BankMonitor::Address> bankAddresses, QObject *parent)
    : QObject(parent), m_settings(settings), m_configProblems(std::move(configProblems)),
      m_bankAddresses(std::move(bankAddresses))
{
}

QVector<SelfTestCheck> SelfTest::checkServices() const
{
    QVector<SelfTestCheck> checks;
    checks.append({QStringLiteral("configuration"), m_configProblems.isEmpty(),
                   m_configProblems.isEmpty() ? QStringLiteral("no problems")
                                              : m_configProblems.join(QStringLiteral("; "))});

    auto module = Pkcs11Module::load(m_settings.modulePath);
    if (!module) {
        checks.append({QStringLiteral("PKCS#11 module"), false, module.error().logText()});
    } else {
        auto tokens = module.value()->tokens();
        checks.append({QStringLiteral("PKCS#11 module"), tokens.ok(),
                       tokens ? QStringLiteral("%1, %2 token(s) present")
                                    .arg(m_settings.modulePath)
                                    .arg(tokens->size())
                              : tokens.error().logText()});
    }

    auto pcsc = createSystemPcscApi();
    const long established = pcsc->establishContext();
    if (established != SCARD_S_SUCCESS) {
        checks.append({QStringLiteral("pcscd"), false,
                       QStringLiteral("no PC/SC service (%1)")
                           .arg(QString::fromLatin1(pcsc_stringify_error(established)))});
    } else {
        QStringList readers;
        const long listed = pcsc->listReaders(readers);
        checks.append({QStringLiteral("pcscd"), true,
                       listed == SCARD_S_SUCCESS
                           ? QStringLiteral("%1 reader(s)").arg(readers.size())
                           : QStringLiteral("running, no reader")});
        pcsc->releaseContext();
    }

    // The bank's nodes as the kiosk reaches them (the endpoint main() made from [bank] url),
    // in order: the bank answers when one of them does. TLS is checked with the first message.
    if (m_bankAddresses.isEmpty()) {
        checks.append({QStringLiteral("bank"), false,
                       QStringLiteral("[bank] is not configured (see the log)")});
    } else {
        QStringList tried;
        bool connected = false;
        for (const BankMonitor::Address &address : m_bankAddresses) {
            QTcpSocket socket;
            socket.connectToHost(address.first, quint16(address.second));
            connected = socket.waitForConnected(5000);
            tried << QStringLiteral("%1:%2%3")
                         .arg(address.first)
                         .arg(address.second)
                         .arg(connected ? QStringLiteral(" answers")
                                        : QStringLiteral(": ") + socket.errorString());
            if (connected)
                break;
        }
        checks.append({QStringLiteral("bank"), connected, tried.join(QStringLiteral("; "))});
    }
    return checks;
}

void SelfTest::start(QQuickWindow *window, qint64 msSinceStart, int frameTimeoutMs)
{
    m_sinceStart.start();
    connect(window, &QQuickWindow::frameSwapped, this, [this, msSinceStart] {
        report({QStringLiteral("first frame"), true,
                QStringLiteral("rendered %1 ms after start")
                    .arg(msSinceStart + m_sinceStart.elapsed())});
    });
    QTimer::singleShot(frameTimeoutMs, this, [this, frameTimeoutMs] {
        report({QStringLiteral("first frame"), false,
                QStringLiteral("no frame within %1 ms").arg(frameTimeoutMs)});
    });
}

void SelfTest::report(const SelfTestCheck &frame)
{
    if (m_done)
        return;
    m_done = true;
    QVector<SelfTestCheck> checks{frame};
    checks += checkServices();
    int failed = 0;
    for (const SelfTestCheck &check : checks) {
        failed += check.passed ? 0 : 1;
        std::printf("self-test: %-14s %s  %s\n", qPrintable(check.name),
                    check.passed ? "ok    " : "FAILED", qPrintable(check.detail));
    }
    std::printf(
        "self-test: %s\n",
        failed == 0
            ? "PASSED"
            : qPrintable(
                  QStringLiteral("FAILED (%1 of %2 checks)").arg(failed).arg(checks.size())));
    std::fflush(stdout);
    emit finished(failed == 0 ? 0 : 1);
}

} // namespace kk
