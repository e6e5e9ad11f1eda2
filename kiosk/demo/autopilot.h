#pragma once
// --autopilot: a simulated client for the headless demo and the end-to-end test. It drives
// the real UI only through touch events sent to the window - taps at the centre of the named
// buttons, a wandering finger on the entropy pad - the path a touch screen's events take
// (buttons get them as Qt Quick's touch-to-mouse synthesis, the pads as touch points). It reads
// what any client sees (the keypad's on-screen layout) and nothing else. The PIN comes from
// KK_AUTOPILOT_PIN, is held in a SecureBuffer and is typed digit by digit on the pad.
// With KK_AUTOPILOT_STAFF_PIN it is a staff member too (the staff-recovery demo): it logs in
// on the staff token, chooses the recovery case the token screen offers, fills the checklist
// on its number pad (an application number, today's date and, for a token with no
// certificate, KK_AUTOPILOT_SNILS and KK_AUTOPILOT_INN), then lets the client go on.
// With KK_AUTOPILOT_SITTING=N it starts a signers' sitting at the first token screen, acts on
// each signer's row while their token is in, goes back to the board after each signer's act
// ("signer finished"), and finishes the sitting once N signers are on the board and no token
// is in ("sitting finished", when the summary is printed).

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
class StaffController;
class ChecklistController;
class SittingController;

class Autopilot : public QObject
{
    Q_OBJECT
public:
    Autopilot(QQuickWindow *window, KioskController *kiosk, JourneyController *journey,
              PinPadController *pinPad, ActController *act, SecureBuffer pin,
              StaffController *staff = nullptr, ChecklistController *checklist = nullptr,
              SecureBuffer staffPin = SecureBuffer(), SittingController *sitting = nullptr,
              QObject *parent = nullptr);

private:
    void schedule();
    void act();
    void typePin();
    void fillChecklist();
    void onBoard();
    void typeNumber(const QString &fieldButton, const QString &digits);
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
    StaffController *m_staff;
    ChecklistController *m_checklist;
    SecureBuffer m_staffPin;
    SittingController *m_sitting;
    int m_sittingSigners = 0;  // KK_AUTOPILOT_SITTING: how many signers to wait for
    QString m_signerDoneToken; // the token whose signer was reported finished
    bool m_sittingFinishing = false;
    QStringList m_taps; // the checklist's taps still to make, one per settle of the screen
    std::unique_ptr<QTouchDevice> m_touchscreen;
    QTimer m_settle; // lets the screen appear (and the screenshot be taken) before acting
    QTimer m_finger;
    std::size_t m_typed = 0;
    QPointF m_position, m_velocity;
    int m_strokeSteps = 0;
    bool m_started = false; // one journey per run
    bool m_actRequested = false;
    bool m_slipRequested = false;
    bool m_newRequestMade = false; // after a refusal, once
    bool m_sawOutage = false;      // the bank was unreachable while the client waited
};

} // namespace kk
