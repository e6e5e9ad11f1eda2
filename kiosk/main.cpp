// keykiosk: the kiosk app. Creates the services and controllers as plain objects, wires them
// explicitly, exposes them to QML once (registerKioskTypes) and loads the UI.

#include "autopilot.h"
#include "controllers/actcontroller.h"
#include "controllers/appearance.h"
#include "controllers/entropycontroller.h"
#include "controllers/idlewatch.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "controllers/pinpadcontroller.h"
#include "kiosksettings.h"
#include "registration.h"
#include "screenshotter.h"

#include "keykiosk/enroll/bankmonitor.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/logging.h"
#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/presence/udevmonitor.h"
#include "keykiosk/token/tokenservice.h"
#include "keykiosk/workflow/renewalworkflow.h"

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
    kk::TokenService tokens(settings.modulePath);
    kk::PcscMonitor pcsc;
    kk::UdevMonitor udev(catalog);
    kk::TokenPresence presence(&tokens, &pcsc, &udev);
    kk::KioskController kiosk(&tokens, &presence, settings.statusPolicy);
    kk::LanguageController language;
    kk::Appearance appearance(settings.highContrast, settings.fullscreen);
    kk::EntropyController entropy(settings.entropyTargetBits);
    kk::PinPadController pinPad;
    pinPad.setShuffle(settings.pinShuffle);
    pinPad.setPressFeedback(settings.pinPressFeedback);

    // The bank: without a valid [bank] section the kiosk can show tokens but not renew, and
    // says "out of service" (the details are in the log for staff).
    auto endpoint =
        kk::CmpEndpoint::fromFiles(settings.bankUrl, settings.bankRaCert, settings.bankCaCert);
    if (!endpoint)
        qCCritical(lcKiosk) << "the bank is not configured:" << endpoint.error().logText();
    kk::CmpEndpoint bankEndpoint = endpoint ? endpoint.value() : kk::CmpEndpoint{};
    bankEndpoint.messageTimeoutSeconds = settings.bankMessageTimeoutSeconds;
    kk::BankMonitor bank(bankEndpoint.host, bankEndpoint.port, settings.bankProbeSeconds);
    QObject::connect(&bank, &kk::BankMonitor::reachableChanged, &kiosk,
                     &kk::KioskController::setBankReachable);
    if (!endpoint)
        kiosk.setBankReachable(false);

    // The journal of renewals under way. Without it a returning client still resumes from
    // the pending key on the token, so its absence is logged, not fatal.
    QDir().mkpath(QFileInfo(settings.journalPath).absolutePath());
    auto journal = kk::Journal::open(settings.journalPath);
    if (!journal)
        qCWarning(lcKiosk) << "the renewal journal is unavailable:" << journal.error().logText();
    kk::RenewalWorkflow workflow(&tokens, journal ? journal.value().get() : nullptr, bankEndpoint);
    QObject::connect(&workflow, &kk::RenewalWorkflow::stateChanged, &bank, [&workflow, &bank] {
        if (workflow.error().code == kk::ErrorCode::BankUnreachable)
            bank.probeNow();
    });
    kk::IdleWatch idle(settings.idleSeconds, settings.countdownSeconds);
    kk::BankDetails bankDetails{settings.actBankName, settings.actSupportPhone,
                                settings.actSupportEmail};
    kk::ActController act(bankDetails, settings.actDirectory, settings.actPrinter, &language);
    kk::JourneyController journey(&workflow, &kiosk, &pinPad, &entropy, &idle, &act);
    const kk::KioskObjects objects{&kiosk,  &language, &appearance, &entropy,
                                   &pinPad, &journey,  &idle,       &act};
    kk::connectKioskObjects(objects);

    QQmlApplicationEngine engine;
    language.setEngine(&engine);
    if (!language.setLanguage(settings.language))
        language.setLanguage(QStringLiteral("ru"));
    kk::registerKioskTypes(objects, &engine);
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
        screenshots = std::make_unique<kk::Screenshotter>(window, &kiosk, &journey, &act,
                                                          parser.value(screenshotOption));
    std::unique_ptr<kk::Autopilot> autopilot;
    if (parser.isSet(autopilotOption)) {
        QByteArray pin = qgetenv("KK_AUTOPILOT_PIN");
        qunsetenv("KK_AUTOPILOT_PIN");
        auto secure =
            kk::SecureBuffer::fromText(std::string_view(pin.constData(), size_t(pin.size())));
        pin.fill('\0'); // the demo PIN, still: only the wiped buffer keeps it
        autopilot = std::make_unique<kk::Autopilot>(window, &kiosk, &journey, &pinPad, &act,
                                                    std::move(secure));
    }

    const int rc = app.exec();
    pcsc.stop();
    return rc;
}
