// keykiosk: the kiosk app. Builds the services and controllers (KioskApp), wires the hardware
// monitors to them, exposes them to QML once (registerKioskTypes) and loads the UI.

#include "app/kioskapp.h"
#include "autopilot.h"
#include "kiosksettings.h"
#include "screenshotter.h"

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

int main(int argc, char *argv[])
{
    QElapsedTimer sinceStart;
    sinceStart.start();
    // Kiosks have no GPU: the software scene graph is faster and lighter than llvmpipe.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_BACKEND"))
        QQuickWindow::setSceneGraphBackend(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("keykiosk"));
    QGuiApplication::setApplicationVersion(QStringLiteral(KEYKIOSK_VERSION));
    std::signal(SIGPIPE, SIG_IGN);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("KeyKiosk: renew the signing keys on your token"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("Configuration file (INI)."),
                                          QStringLiteral("file"));
    const QCommandLineOption moduleOption(
        QStringLiteral("module"), QStringLiteral("PKCS#11 module, overrides [token] module."),
        QStringLiteral("path"));
    const QCommandLineOption languageOption(
        QStringLiteral("language"), QStringLiteral("ru, kk or en."), QStringLiteral("code"));
    const QCommandLineOption windowedOption(QStringLiteral("windowed"),
                                            QStringLiteral("Not fullscreen (development)."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot-dir"),
                                              QStringLiteral("Save a PNG of every screen here."),
                                              QStringLiteral("dir"));
    const QCommandLineOption autopilotOption(
        QStringLiteral("autopilot"),
        QStringLiteral("Demo and tests: a simulated client drives the journey by touches "
                       "(PIN from KK_AUTOPILOT_PIN)."));
    parser.addOptions({configOption, moduleOption, languageOption, windowedOption, screenshotOption,
                       autopilotOption});
    parser.process(app);

    QString settingsError;
    kk::KioskSettings settings =
        kk::KioskSettings::load(parser.value(configOption), &settingsError);
    if (!settingsError.isEmpty())
        qCWarning(lcKiosk) << settingsError;
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
    config.actPrinter = settings.actPrinter;
    config.staffPolicyOid = settings.staffPolicyOid;
    config.staffIdleSeconds = settings.staffIdleSeconds;
    kk::KioskApp kiosk(config);

    kk::PcscMonitor pcsc;
    kk::UdevMonitor udev(catalog);
    kk::TokenPresence presence(&kiosk.tokens, &pcsc, &udev);
    kiosk.kiosk.watch(&presence);

    kk::BankMonitor bank(bankEndpoint.host, bankEndpoint.port, settings.bankProbeSeconds);
    QObject::connect(&bank, &kk::BankMonitor::reachableChanged, &kiosk.kiosk,
                     &kk::KioskController::setBankReachable);
    if (!endpoint)
        kiosk.kiosk.setBankReachable(false);
    QObject::connect(&kiosk.runner, &kk::JourneyRunner::stateChanged, &bank, [&kiosk, &bank] {
        if (kiosk.runner.context().error.code == kk::ErrorCode::BankUnreachable)
            bank.probeNow();
    });

    QQmlApplicationEngine engine;
    kiosk.language.setEngine(&engine);
    if (!kiosk.language.setLanguage(settings.language))
        kiosk.language.setLanguage(QStringLiteral("ru"));
    kk::registerKioskTypes(kiosk.objects(), &engine);
    engine.load(QUrl(QStringLiteral("qrc:/qml/Main.qml")));
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

    std::unique_ptr<kk::Screenshotter> screenshots;
    if (parser.isSet(screenshotOption))
        screenshots = std::make_unique<kk::Screenshotter>(
            window, &kiosk.kiosk, &kiosk.journey, &kiosk.act, parser.value(screenshotOption));
    std::unique_ptr<kk::Autopilot> autopilot;
    if (parser.isSet(autopilotOption)) {
        QByteArray pin = qgetenv("KK_AUTOPILOT_PIN");
        qunsetenv("KK_AUTOPILOT_PIN");
        auto secure =
            kk::SecureBuffer::fromText(std::string_view(pin.constData(), size_t(pin.size())));
        pin.fill('\0'); // the demo PIN, still: only the wiped buffer keeps it
        QByteArray staffPin = qgetenv("KK_AUTOPILOT_STAFF_PIN");
        qunsetenv("KK_AUTOPILOT_STAFF_PIN");
        auto secureStaff = kk::SecureBuffer::fromText(
            std::string_view(staffPin.constData(), size_t(staffPin.size())));
        staffPin.fill('\0');
        autopilot = std::make_unique<kk::Autopilot>(
            window, &kiosk.kiosk, &kiosk.journey, &kiosk.pinPad, &kiosk.act, std::move(secure),
            &kiosk.staff, &kiosk.checklist, std::move(secureStaff), &kiosk.sitting);
    }

    const int rc = app.exec();
    pcsc.stop();
    return rc;
}
