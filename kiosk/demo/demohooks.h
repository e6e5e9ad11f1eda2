#pragma once
// The demo's hooks into the kiosk: --autopilot (a simulated client touches its way through the
// journey, the PIN from KK_AUTOPILOT_PIN) and --screenshot-dir (a PNG of every screen, personal
// data included). Built only with -DKEYKIOSK_DEMO=ON (demo.sh and the tests): the production
// binary and the Debian package have neither the options nor the code.

#include <memory>

class QCommandLineParser;
class QObject;
class QQuickWindow;

namespace kk {
class KioskApp;
namespace demo {

void addOptions(QCommandLineParser &parser);
// Starts what the options ask for; it runs as long as the returned object lives.
std::unique_ptr<QObject> start(const QCommandLineParser &parser, QQuickWindow *window,
                               KioskApp &kiosk);

} // namespace demo
} // namespace kk
