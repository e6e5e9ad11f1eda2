#pragma once
// --autopilot: a simulated client for the headless demo and the end-to-end test. It drives
// the real UI only through touch events sent to the window - taps at the centre of the named
// buttons, a wandering finger on the entropy pad - the path a touch screen's events take
// (buttons get them as Qt Quick's touch-to-mouse synthesis, the pads as touch points). It reads
// what any client sees (the keypad's on-screen layout) and nothing else. The PIN comes from
// KK_AUTOPILOT_PIN, is held in a SecureBuffer and is typed digit by digit on the pad.

#include "keykiosk/securebuffer.h"

#include <QEvent>
#include <QObject>
#include <QPointF>
#include <QTimer>
#include <QTouchDevice>

#include <memory>

class QQuickItem;
class QQuickWindow;

namespace kk {

class KioskController;
class JourneyController;
class PinPadController;
class ActController;

class Autopilot : public QObject
{
    Q_OBJECT
public:
    Autopilot(QQuickWindow *window, KioskController *kiosk, JourneyController *journey,
              PinPadController *pinPad, ActController *act, SecureBuffer pin,
              QObject *parent = nullptr);

private:
    void schedule();
    void act();
    void typePin();
    void drawStep();
    QQuickItem *find(const QString &objectName) const;
    bool tap(const QString &objectName);
    void touch(QEvent::Type type, const QPointF &scenePos);
    void say(const QString &what);

    QQuickWindow *m_window;
    KioskController *m_kiosk;
    JourneyController *m_journey;
    PinPadController *m_pinPad;
    ActController *m_act;
    SecureBuffer m_pin;
    std::unique_ptr<QTouchDevice> m_touchscreen;
    QTimer m_settle; // lets the screen appear (and the screenshot be taken) before acting
    QTimer m_finger;
    std::size_t m_typed = 0;
    QPointF m_position, m_velocity;
    int m_strokeSteps = 0;
    bool m_started = false; // one journey per run
    bool m_actRequested = false;
    bool m_slipRequested = false;
};

} // namespace kk
