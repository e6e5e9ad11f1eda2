#include "demo/demohooks.h"

#include "app/kioskapp.h"
#include "demo/autopilot.h"
#include "demo/screenshotter.h"

#include <QCommandLineParser>

#include <cstdlib>
#include <cstring>
#include <openssl/crypto.h>

namespace kk::demo {

namespace {
const QString kScreenshotDir = QStringLiteral("screenshot-dir");
const QString kAutopilot = QStringLiteral("autopilot");

// The demo PIN, read once into a wiped buffer. The variable's bytes in the process's initial
// environment (what /proc/PID/environ shows) are wiped in place, not only unset.
SecureBuffer takePinFromEnvironment(const char *name)
{
    char *value = std::getenv(name);
    if (!value)
        return SecureBuffer();
    SecureBuffer pin = SecureBuffer::fromText(std::string_view(value, std::strlen(value)));
    OPENSSL_cleanse(value, std::strlen(value));
    ::unsetenv(name);
    return pin;
}

// Owns whatever the options started.
class DemoRun : public QObject
{
public:
    std::unique_ptr<Screenshotter> screenshots;
    std::unique_ptr<Autopilot> autopilot;
};
} // namespace

void addOptions(QCommandLineParser &parser)
{
    parser.addOption(QCommandLineOption(kScreenshotDir,
                                        QStringLiteral("Demo: save a PNG of every screen here."),
                                        QStringLiteral("dir")));
    parser.addOption(QCommandLineOption(
        kAutopilot, QStringLiteral("Demo: a simulated client drives the journey by touches "
                                   "(PIN from KK_AUTOPILOT_PIN).")));
}

std::unique_ptr<QObject> start(const QCommandLineParser &parser, QQuickWindow *window,
                               KioskApp &kiosk)
{
    auto run = std::make_unique<DemoRun>();
    if (parser.isSet(kScreenshotDir))
        run->screenshots = std::make_unique<Screenshotter>(
            window, &kiosk.kiosk, &kiosk.journey, &kiosk.act, parser.value(kScreenshotDir));
    if (parser.isSet(kAutopilot))
        run->autopilot = std::make_unique<Autopilot>(
            window, &kiosk.kiosk, &kiosk.journey, &kiosk.pinPad, &kiosk.act,
            takePinFromEnvironment("KK_AUTOPILOT_PIN"), &kiosk.staff, &kiosk.checklist,
            takePinFromEnvironment("KK_AUTOPILOT_STAFF_PIN"), &kiosk.sitting);
    return run;
}

} // namespace kk::demo
