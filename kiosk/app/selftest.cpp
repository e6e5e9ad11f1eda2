#include "app/selftest.h"

#include "keykiosk/presence/pcscapi.h"
#include "keykiosk/token/pkcs11module.h"

#include <QElapsedTimer>
#include <QQuickWindow>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <PCSC/pcsclite.h>
#include <cstdio>

namespace kk {

SelfTest::SelfTest(const KioskSettings &settings, QStringList configProblems, QObject *parent)
    : QObject(parent), m_settings(settings), m_configProblems(std::move(configProblems))
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

    const QUrl url(m_settings.bankUrl);
    if (m_settings.bankUrl.isEmpty() || !url.isValid()) {
        checks.append({QStringLiteral("bank"), false, QStringLiteral("[bank] url is not set")});
    } else {
        // The address answers: the TLS checks (pin, CA) happen with the first real message.
        QTcpSocket socket;
        const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
        socket.connectToHost(url.host(), quint16(port));
        const bool connected = socket.waitForConnected(5000);
        checks.append({QStringLiteral("bank"), connected,
                       connected ? QStringLiteral("%1:%2 answers").arg(url.host()).arg(port)
                                 : QStringLiteral("%1:%2: %3")
                                       .arg(url.host())
                                       .arg(port)
                                       .arg(socket.errorString())});
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
