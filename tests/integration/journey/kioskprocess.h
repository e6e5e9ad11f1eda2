#pragma once
// The real kiosk as a process for the crash tests (tst_killmatrix, tst_tokencallkills): the
// keykiosk binary with its autopilot renewing through the real UI on the offscreen platform,
// its output read as it comes, and the token audited by kk-token-audit between runs.
#include "harness.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

namespace kk::test {

struct Run
{
    int exitCode = -1;
    bool crashed = false;
    QString out, log;
};

class Kiosk
{
public:
    Kiosk(const QString &config, const QStringList &environment)
    {
        m_process.setProgram(QStringLiteral(KK_KIOSK_PATH));
        m_process.setArguments({QStringLiteral("--config"), config, QStringLiteral("--autopilot"),
                                QStringLiteral("--windowed")});
        m_process.setEnvironment(environment);
        m_process.start();
    }
    ~Kiosk()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    bool started() { return m_process.waitForStarted(5000); }
    QString out()
    {
        m_out += QString::fromUtf8(m_process.readAllStandardOutput());
        return m_out;
    }
    QString log()
    {
        m_log += QString::fromUtf8(m_process.readAllStandardError());
        return m_log;
    }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    // Waits until the process ends by itself (a kill point).
    Run waitForDeath(int ms)
    {
        m_process.waitForFinished(ms);
        return result();
    }
    Run stop()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(15000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
        return result();
    }

private:
    Run result()
    {
        Run r;
        r.crashed = m_process.exitStatus() == QProcess::CrashExit;
        r.exitCode = m_process.exitCode();
        r.out = out();
        r.log = log();
        return r;
    }
    QProcess m_process;
    QString m_out, m_log;
};

// What kk-token-audit found on a token (see tests/harness/tokenaudit.cpp).
struct Audit
{
    QString text;
    int live = -1, archived = -1, newCertificates = -1, keysWithoutCertificate = -1,
        unverified = -1;
    // By what the keys are: a half without its other half, a key whose CKA_ID is not the SHA-1
    // of its public key (the provisioned ids aside), an object of no profile.
    int halves = -1, badIds = -1, orphans = -1;
    bool currentLive = false; // the profile's first certificate (id 01) is still in operation
};

inline Audit audit(const QString &label = {}, const QString &pin = QStringLiteral("123456"))
{
    QProcess p;
    QStringList args{
        QStringLiteral("--module"),          softhsmModule(),        QStringLiteral("--pin"), pin,
        QStringLiteral("--provisioned-ids"), QStringLiteral("01,5a")};
    if (!label.isEmpty())
        args << QStringLiteral("--label") << label;
    p.start(QStringLiteral(KK_TOKEN_AUDIT_PATH), args);
    p.waitForFinished(20000);
    Audit a;
    a.text = QString::fromUtf8(p.readAllStandardOutput());
    const auto m =
        QRegularExpression(QStringLiteral("summary live-certificates=(\\d+) archived=(\\d+) "
                                          "new-certificates=(\\d+) keys-without-certificate=(\\d+) "
                                          "unverified=(\\d+) halves=(\\d+) bad-ids=(\\d+) "
                                          "orphans=(\\d+)"))
            .match(a.text);
    if (m.hasMatch()) {
        a.live = m.captured(1).toInt();
        a.archived = m.captured(2).toInt();
        a.newCertificates = m.captured(3).toInt();
        a.keysWithoutCertificate = m.captured(4).toInt();
        a.unverified = m.captured(5).toInt();
        a.halves = m.captured(6).toInt();
        a.badIds = m.captured(7).toInt();
        a.orphans = m.captured(8).toInt();
    }
    a.currentLive = a.text.contains(QStringLiteral("live 01 signature"));
    return a;
}

// Waits until the kiosk prints one of `what`.
inline bool waitFor(Kiosk &kiosk, const QStringList &what, int ms)
{
    auto seen = [&] {
        const QString out = kiosk.out();
        return std::any_of(what.begin(), what.end(),
                           [&out](const QString &w) { return out.contains(w); });
    };
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        if (seen())
            return true;
        if (!kiosk.running())
            return seen();
        QTest::qWait(100);
    }
    return false;
}

// The kiosk's configuration for a crash test, in `dir` (the journal and the acts there too),
// and the environment the autopilot runs in.
inline QString writeKioskConfig(const QTemporaryDir &dir, const QString &module,
                                const RaServer &bank)
{
    const QString config = dir.filePath(QStringLiteral("keykiosk.conf"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QStringLiteral("[token]\nmodule=%1\n[kiosk]\nfullscreen=false\n"
                              "idleSeconds=600\n[entropy]\ntargetBits=64\n"
                              "[bank]\nurl=%2\nraCert=%3\ncaCert=%4\nmessageTimeout=10\n"
                              "probeSeconds=60\n[journal]\npath=%5\n[act]\ndirectory=%6\n")
                   .arg(module, bank.url(), bank.raCertPath(), bank.caCertPath(),
                        dir.filePath(QStringLiteral("journal.db")),
                        dir.filePath(QStringLiteral("acts")))
                   .toUtf8());
    return config;
}

inline QStringList autopilotEnvironment(const PrivatePcscd &pcscd)
{
    return pcscd.environment() << QStringLiteral("QT_QPA_PLATFORM=offscreen")
                               << QStringLiteral("QT_QUICK_BACKEND=software")
                               << QStringLiteral("QT_LOGGING_RULES=kk.*.info=true")
                               << QStringLiteral("KK_AUTOPILOT_PIN=123456")
                               << QStringLiteral("KK_AUTOPILOT_SETTLE_MS=300")
                               << QStringLiteral("CUPS_SERVER=/nonexistent/cups.sock");
}

} // namespace kk::test
