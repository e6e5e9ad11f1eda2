// keykiosk: the kiosk app. Builds the services and controllers (KioskApp), wires the hardware
// monitors to them, exposes them to QML once (registerKioskTypes) and loads the UI.

#include "app/kioskapp.h"
#include "app/selftest.h"
#include "kiosksettings.h"
#ifdef KEYKIOSK_DEMO
#include "demo/demohooks.h"
#endif

#include "keykiosk/configfile.h"
#include "keykiosk/enroll/bankmonitor.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"
#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/presence/udevmonitor.h"

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {
int g_signalPipe[2] = {-1, -1};
void onTerminate(int)
{
    const char byte = 1;
    [[maybe_unused]] ssize_t written = ::write(g_signalPipe[1], &byte, 1);
}
} // namespace

namespace {
void addCommonOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QStringLiteral("KeyKiosk: renew the signing keys on your token"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption(QCommandLineOption(QStringLiteral("config"),
                                        QStringLiteral("Configuration file (default %1).")
                                            .arg(QStringLiteral(KEYKIOSK_DEFAULT_CONFIG)),
                                        QStringLiteral("file"),
                                        QStringLiteral(KEYKIOSK_DEFAULT_CONFIG)));
    parser.addOption(QCommandLineOption(
        QStringLiteral("check-config"),
        QStringLiteral("Report every invalid or unknown key of the configuration with its line, "
                       "and exit (0: none).")));
}

// --check-config needs no display: it runs before any GUI exists.
int checkConfiguration(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keykiosk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEYKIOSK_VERSION));
    QCommandLineParser parser;
    addCommonOptions(parser);
    parser.parse(app.arguments()); // the kiosk's other options are allowed next to it
    const QString path = parser.value(QStringLiteral("config"));
    QStringList problems;
    kk::KioskSettings::load(path, &problems);
    return kk::ConfigFile::printReport(path, problems);
}

// sysexits.h: a configuration error. The unit does not restart on it (RestartPreventExitStatus).
constexpr int kExitConfigError = 78;
} // namespace

int main(int argc, char *argv[])
{
#ifndef KEYKIOSK_DEBUG_BUILD
    // No core dumps, no ptrace by the same user, /proc/self/mem root's only: the PIN and
    // the token session must not end up in a file or another process.
    ::prctl(PR_SET_DUMPABLE, 0);
#endif
    kk::installLogFormat();
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--check-config") == 0)
            return checkConfiguration(argc, argv);

    QElapsedTimer sinceStart;
    sinceStart.start();
    // Kiosks have no GPU: the software scene graph is faster and lighter than llvmpipe.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND"))
        QQuickWindow::setSceneGraphBackend(QSGRendererInterface::Software);
    // Full screen under cage needs no window decorations, and Qt's Wayland decorations bring
    // in EGL and Mesa (libLLVM alone is 43 MB of PSS) for a window drawn in software: 108 MB
    // at rest with them, 25 MB without (bench/kiosk_cage.sh).
    if (!qEnvironmentVariableIsSet("QT_WAYLAND_DISABLE_WINDOWDECORATION"))
        qputenv("QT_WAYLAND_DISABLE_WINDOWDECORATION", "1");
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("keykiosk"));
    QGuiApplication::setApplicationVersion(QStringLiteral(KEYKIOSK_VERSION));
    std::signal(SIGPIPE, SIG_IGN);

    QCommandLineParser parser;
    addCommonOptions(parser);
    const QCommandLineOption selfTestOption(
        QStringLiteral("self-test"),
        QStringLiteral("Start, render the first frame, check the configuration, the PKCS#11 "
                       "module, pcscd and the bank, print the result and exit (0: passed)."));
    const QCommandLineOption moduleOption(
        QStringLiteral("module"), QStringLiteral("PKCS#11 module, overrides [token] module."),
        QStringLiteral("path"));
    const QCommandLineOption languageOption(
        QStringLiteral("language"), QStringLiteral("ru, kk or en."), QStringLiteral("code"));
    const QCommandLineOption windowedOption(QStringLiteral("windowed"),
                                            QStringLiteral("Not fullscreen (development)."));
    parser.addOptions({selfTestOption, moduleOption, languageOption, windowedOption});
#ifdef KEYKIOSK_DEMO
    kk::demo::addOptions(parser);
#endif
    parser.process(app);
    const bool selfTest = parser.isSet(selfTestOption);

    QStringList configProblems;
    kk::KioskSettings settings =
        kk::KioskSettings::load(parser.value(QStringLiteral("config")), &configProblems);
    if (!configProblems.isEmpty() && !selfTest) {
        // Never a silent default: a kiosk with a wrong setting does not serve clients.
        for (const QString &problem : configProblems)
            qCCritical(lcKiosk).noquote() << "configuration:" << problem;
        qCCritical(lcKiosk) << "not starting: fix the configuration (keykiosk --check-config)";
        return kExitConfigError;
    }
    if (parser.isSet(moduleOption))
        settings.modulePath = parser.value(moduleOption);
    if (parser.isSet(languageOption))
        settings.language = parser.value(languageOption);
    if (parser.isSet(windowedOption))
        settings.fullscreen = false;
    qCInfo(lcKiosk) << "PKCS#11 module" << settings.modulePath << "language" << settings.language;

    // Quit cleanly on SIGTERM/SIGINT so that sessions are closed and secrets wiped.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        std::signal(SIGTERM, onTerminate);
        std::signal(SIGINT, onTerminate);
    }
    QSocketNotifier terminate(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&terminate, &QSocketNotifier::activated, &app, &QCoreApplication::quit);

    kk::UsbDeviceCatalog catalog = kk::UsbDeviceCatalog::builtIn();
    if (!settings.usbTokenList.isEmpty()) {
        auto custom = kk::UsbDeviceCatalog::fromFile(settings.usbTokenList);
        if (custom)
            catalog = custom.value();
        else
            qCWarning(lcKiosk) << custom.error().logText();
    }

    // The bank: without a valid [bank] section the kiosk can show tokens but not renew, and
    // says "out of service" (the details are in the log for staff).
    auto endpoint = kk::CmpEndpoint::fromFiles(settings.bankUrl, settings.bankRaCert,
                                               settings.bankCaCert, settings.bankTls);
    if (!endpoint)
        qCCritical(lcKiosk) << "the bank is not configured:" << endpoint.error().logText();
    kk::CmpEndpoint bankEndpoint = endpoint ? endpoint.value() : kk::CmpEndpoint{};
    bankEndpoint.messageTimeoutSeconds = settings.bankMessageTimeoutSeconds;
    bankEndpoint.clientCertificates.clientPolicyOid = settings.bankClientPolicyOid;

    // The journal of renewals under way. Without it a returning client still resumes from
    // the pending key on the token, so its absence is logged, not fatal.
    QDir().mkpath(QFileInfo(settings.journalPath).absolutePath());
    auto journal = kk::Journal::open(settings.journalPath);
    if (!journal)
        qCWarning(lcKiosk) << "the renewal journal is unavailable:" << journal.error().logText();

    kk::KioskAppConfig config;
    config.modulePath = settings.modulePath;
    config.endpoint = bankEndpoint;
    config.journal = journal ? journal.value().get() : nullptr;
    config.statusPolicy = settings.statusPolicy;
    config.idleSeconds = settings.idleSeconds;
    config.countdownSeconds = settings.countdownSeconds;
    config.entropyTargetBits = settings.entropyTargetBits;
    config.highContrast = settings.highContrast;
    config.fullscreen = settings.fullscreen;
    config.pinShuffle = settings.pinShuffle;
    config.pinPressFeedback = settings.pinPressFeedback;
    config.bankDetails = {settings.actBankName, settings.actSupportPhone, settings.actSupportEmail};
    config.actDirectory = settings.actDirectory;
    config.actKeepDays = settings.actKeepDays;
    config.actPrinter = settings.actPrinter;
    config.staffPolicyOid = settings.staffPolicyOid;
    config.staffIdleSeconds = settings.staffIdleSeconds;
    kk::KioskApp kiosk(config);

    kk::PcscMonitor pcsc;
    kk::UdevMonitor udev(catalog);
    kk::TokenPresence presence(&kiosk.tokens, &pcsc, &udev);
    kiosk.kiosk.watch(&presence);

    QVector<kk::BankMonitor::Address> bankAddresses;
    for (const kk::BankAddress &address : bankEndpoint.addresses)
        bankAddresses.append({address.host, address.port});
    kk::BankMonitor bank(bankAddresses, settings.bankProbeSeconds);
    QObject::connect(&bank, &kk::BankMonitor::reachableChanged, &kiosk.kiosk,
                     &kk::KioskController::setBankReachable);
    if (!endpoint)
        kiosk.kiosk.setBankReachable(false);
    // A renewal that could not reach the bank has the monitor look at once (the out-of-service
    // screen, or the end of a client's wait through an outage, come sooner).
    auto probeAfterFailure = [&kiosk, &bank] {
        const kk::JourneyContext &context = kiosk.runner.context();
        if (context.error.code == kk::ErrorCode::BankUnreachable || context.bankOutage)
            bank.probeNow();
    };
    QObject::connect(&kiosk.runner, &kk::JourneyRunner::stateChanged, &bank, probeAfterFailure);
    QObject::connect(&kiosk.runner, &kk::JourneyRunner::contextChanged, &bank, probeAfterFailure);
    QObject::connect(&bank, &kk::BankMonitor::reachableChanged, &kiosk.runner,
                     [&kiosk](bool reachable) {
                         if (reachable)
                             kiosk.runner.bankReachable();
                     });

    QQmlApplicationEngine engine;
    kiosk.language.setEngine(&engine);
    if (!kiosk.language.setLanguage(settings.language))
        kiosk.language.setLanguage(QStringLiteral("ru"));
    kk::registerKioskTypes(kiosk.objects(), &engine);
    const qint64 beforeUi = sinceStart.elapsed();
    engine.load(QUrl(QStringLiteral("qrc:/qml/Main.qml")));
    qCInfo(lcKiosk) << "services ready after" << beforeUi << "ms, UI loaded after"
                    << sinceStart.elapsed() << "ms";
    if (engine.rootObjects().isEmpty()) {
        qCCritical(lcKiosk) << "the UI failed to load";
        return 1;
    }
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    QObject::connect(window, &QQuickWindow::frameSwapped, &app, [&sinceStart, window] {
        static bool first = true;
        if (first) {
            first = false;
            qCInfo(lcKiosk) << "first frame after" << sinceStart.elapsed() << "ms";
        }
        Q_UNUSED(window)
    });

    if (kk::Error error = udev.start())
        qCWarning(lcKiosk) << "USB monitoring unavailable:" << error.logText();
    pcsc.start();
    if (endpoint)
        bank.start();

#ifdef KEYKIOSK_DEMO
    const std::unique_ptr<QObject> demo = kk::demo::start(parser, window, kiosk);
#endif
    std::unique_ptr<kk::SelfTest> check;
    if (selfTest) {
        check = std::make_unique<kk::SelfTest>(settings, configProblems, bankAddresses);
        QObject::connect(check.get(), &kk::SelfTest::finished, &app, &QCoreApplication::exit);
        check->start(window, sinceStart.elapsed());
    }

    const int rc = app.exec();
    pcsc.stop();
    return rc;
}
