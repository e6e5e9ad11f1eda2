#include "demo/autopilot.h"

#include "controllers/actcontroller.h"
#include "controllers/checklistcontroller.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/pinpadcontroller.h"
#include "controllers/sittingcontroller.h"
#include "controllers/staffcontroller.h"
#include "keykiosk/logging.h"

#include <QCoreApplication>
#include <QMetaEnum>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRandomGenerator>
#include <QTouchEvent>

#include <cstdio>

namespace kk {

Autopilot::Autopilot(QQuickWindow *window, KioskController *kiosk, JourneyController *journey,
                     PinPadController *pinPad, ActController *act, SecureBuffer pin,
                     StaffController *staff, ChecklistController *checklist, SecureBuffer staffPin,
                     SittingController *sitting, QObject *parent)
    : QObject(parent), m_window(window), m_kiosk(kiosk), m_journey(journey), m_pinPad(pinPad),
      m_act(act), m_pin(std::move(pin)), m_staff(staff), m_checklist(checklist),
      m_staffPin(std::move(staffPin)), m_sitting(sitting),
      m_sittingSigners(qEnvironmentVariableIntValue("KK_AUTOPILOT_SITTING")),
      m_touchscreen(std::make_unique<QTouchDevice>())
{
    m_touchscreen->setName(QStringLiteral("autopilot"));
    m_touchscreen->setType(QTouchDevice::TouchScreen);
    m_touchscreen->setCapabilities(QTouchDevice::Position | QTouchDevice::Pressure);
    m_settle.setSingleShot(true);
    // Long enough for a person to see the screen (and the screenshot to be taken); the crash
    // tests, which take no screenshots, go faster.
    bool paced = false;
    const int settleMs = qEnvironmentVariableIntValue("KK_AUTOPILOT_SETTLE_MS", &paced);
    m_settle.setInterval(paced && settleMs > 0 ? settleMs : 1200);
    connect(&m_settle, &QTimer::timeout, this, &Autopilot::act);
    connect(kiosk, &KioskController::screenChanged, this, &Autopilot::schedule);
    connect(journey, &JourneyController::screenChanged, this, &Autopilot::schedule);
    // A client who waits reads what the screen says of the bank (the outage tests).
    connect(journey, &JourneyController::stateChanged, this, [this] {
        if (m_journey->bankOutage() == m_sawOutage)
            return;
        m_sawOutage = m_journey->bankOutage();
        QTimer::singleShot(300, this, [this] {
            const QQuickItem *notice = find(QStringLiteral("outageNotice"));
            say(m_sawOutage ? QStringLiteral("the bank cannot be reached; the notice is %1")
                                  .arg(notice && notice->isVisible() ? QStringLiteral("shown")
                                                                     : QStringLiteral("missing"))
                            : QStringLiteral("the bank answers again"));
        });
    });
    connect(act, &ActController::changed, this, [this] {
        if (m_sittingFinishing && !m_act->printing()) {
            m_sittingFinishing = false;
            say(m_act->summaryPrinted()
                    ? QStringLiteral("the sitting's summary is printed")
                    : QStringLiteral("the sitting's summary was not printed: %1 (it is saved)")
                          .arg(m_act->errorId()));
            QTimer::singleShot(1500, this, [this] { say(QStringLiteral("sitting finished")); });
            return;
        }
        if (m_slipRequested && !m_act->printing()) {
            m_slipRequested = false;
            say(m_act->slipPrinted()
                    ? QStringLiteral("the slip is printed")
                    : QStringLiteral("the slip was not printed: %1").arg(m_act->errorId()));
            return;
        }
        if (!m_actRequested || m_act->printing())
            return;
        m_actRequested = false;
        say(m_act->printed() ? QStringLiteral("the act is printed (two copies)")
                             : QStringLiteral("the act was not printed: %1").arg(m_act->errorId()));
        // Time for the screen (and its screenshot) to show the result before the token goes.
        QTimer::singleShot(1500, this, [this] {
            say(QStringLiteral("journey finished"));
            if (m_sitting && m_sitting->active())
                tap(QStringLiteral("closeButton")); // back to the board for the next signer
        });
    });
    m_finger.setSingleShot(true);
    connect(&m_finger, &QTimer::timeout, this, &Autopilot::drawStep);
    say(QStringLiteral("waiting for the token"));
}

void Autopilot::say(const QString &what)
{
    qCInfo(lcKiosk) << "autopilot:" << what;
    std::printf("autopilot: %s\n", qPrintable(what));
    std::fflush(stdout);
}

void Autopilot::schedule()
{
    m_finger.stop();
    m_settle.start();
}

QQuickItem *Autopilot::find(const QString &objectName) const
{
    // The visual tree, as a finger sees it (a Loader's item is not its QObject child).
    QList<QQuickItem *> pending{m_window->contentItem()};
    while (!pending.isEmpty()) {
        QQuickItem *item = pending.takeFirst();
        if (!item->isVisible())
            continue;
        if (item->objectName() == objectName && item->isEnabled() && item->width() > 0)
            return item;
        pending += item->childItems();
    }
    return nullptr;
}

void Autopilot::touch(QEvent::Type type, const QPointF &scenePos)
{
    QTouchEvent::TouchPoint point(1);
    point.setState(type == QEvent::TouchBegin ? Qt::TouchPointPressed
                   : type == QEvent::TouchEnd ? Qt::TouchPointReleased
                                              : Qt::TouchPointMoved);
    point.setPos(scenePos);
    point.setScenePos(scenePos);
    point.setScreenPos(m_window->mapToGlobal(scenePos.toPoint()));
    point.setPressure(type == QEvent::TouchEnd ? 0.0 : 0.6);
    QTouchEvent event(type, m_touchscreen.get(), Qt::NoModifier, point.state(), {point});
    event.setWindow(m_window);
    QCoreApplication::sendEvent(m_window, &event);
}

bool Autopilot::tap(const QString &objectName)
{
    QQuickItem *item = find(objectName);
    if (!item) {
        say(QStringLiteral("no button %1 on this screen").arg(objectName));
        return false;
    }
    const QPointF centre = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    touch(QEvent::TouchBegin, centre);
    touch(QEvent::TouchEnd, centre);
    return true;
}

void Autopilot::act()
{
    const KioskScreen screen = m_kiosk->screen();
    if (screen == KioskScreen::StaffHome) {
        say(m_staff && m_staff->active() ? QStringLiteral("staff mode: %1; waiting for the "
                                                          "client's token")
                                               .arg(m_staff->name())
                                         : QStringLiteral("a staff token, not logged in"));
        return;
    }
    if (screen == KioskScreen::SittingBoard) {
        onBoard();
        return;
    }
    if (screen == KioskScreen::TokenProfiles && !m_started && m_sittingSigners > 0 && m_sitting &&
        !m_sitting->active()) {
        if (tap(QStringLiteral("startSitting"))) {
            m_started = true;
            say(QStringLiteral("started a sitting of %1 signers").arg(m_sittingSigners));
        }
        return;
    }
    // Staff choose the case the token screen offers for the client's profile. With none, a
    // certificate that waits on the token (a recovery a restart interrupted) is the client's
    // to pick up with their own PIN, as on any visit.
    const bool staffCase =
        m_staff && m_staff->active() &&
        !(m_staff->recoveryCases().isEmpty() && m_kiosk->selectedAction() == RenewalAction::PickUp);
    if (screen == KioskScreen::TokenProfiles && !m_started && staffCase) {
        const QVariantList cases = m_staff->recoveryCases();
        if (cases.isEmpty()) {
            m_started = true;
            say(QStringLiteral("staff mode: nothing to recover on this token"));
            return;
        }
        const int chosen = cases.first().toInt();
        if (tap(QStringLiteral("recoveryCase%1").arg(chosen))) {
            m_started = true;
            say(QStringLiteral("staff chose the recovery case %1")
                    .arg(QString::fromLatin1(
                        QMetaEnum::fromType<RecoveryCase>().valueToKey(chosen))));
        }
        return;
    }
    if (screen == KioskScreen::TokenProfiles && !m_started) {
        // A client comes to do what the status asks for: renew keys that need it, pick up a
        // certificate, make a new request. Keys in operation are left alone.
        const TokenProfile *profile = m_kiosk->selectedTokenProfile();
        const RenewalAction action = m_kiosk->selectedAction();
        if (!profile)
            return;
        say(QStringLiteral("the token screen shows %1 and offers %2")
                .arg(QString::fromLatin1(
                         QMetaEnum::fromType<ProfileStatus>().valueToKey(int(profile->status))),
                     QString::fromLatin1(
                         QMetaEnum::fromType<RenewalAction>().valueToKey(int(action)))));
        const bool wanted = action == RenewalAction::PickUp ||
                            action == RenewalAction::NewRequest ||
                            (action == RenewalAction::Renew && isCritical(profile->status));
        if (!wanted) {
            m_started = true;
            say(QStringLiteral("nothing to do for these keys"));
            return;
        }
        if (tap(QStringLiteral("actionButton"))) {
            m_started = true;
            say(QStringLiteral("started the renewal"));
        }
        return;
    }
    if (screen != KioskScreen::Renewal)
        return;
    const WorkflowState state = m_journey->state();
    switch (state) {
    case WorkflowState::Explaining:
        tap(QStringLiteral("startButton"));
        return;
    case WorkflowState::EnteringPin:
        m_typed = 0;
        typePin();
        return;
    case WorkflowState::StaffChecklist:
        fillChecklist();
        return;
    case WorkflowState::CollectingEntropy: {
        QQuickItem *pad = find(QStringLiteral("entropyTouchArea"));
        if (!pad)
            return;
        say(QStringLiteral("drawing on the entropy pad"));
        m_position = pad->mapToScene(QPointF(pad->width() / 2, pad->height() / 2));
        m_velocity = {};
        m_strokeSteps = 0;
        touch(QEvent::TouchBegin, m_position);
        m_finger.start(5);
        return;
    }
    case WorkflowState::CertificateReceived:
        say(QStringLiteral("the certificate is on the token"));
        tap(QStringLiteral("continueButton"));
        return;
    case WorkflowState::Finished:
        // The act comes last, as in the seeds: shown on screen, then printed in two copies.
        if (!m_actRequested && find(QStringLiteral("printActButton"))) {
            m_actRequested = true; // before the tap: a missing printer answers at once
            say(QStringLiteral("printing the act"));
            tap(QStringLiteral("printActButton"));
        }
        return;
    case WorkflowState::WithBank:
        say(QStringLiteral("the request is with the bank, waiting"));
        // A client who leaves takes the slip, where the kiosk has a printer.
        if (!m_slipRequested && find(QStringLiteral("printSlipButton"))) {
            m_slipRequested = true;
            say(QStringLiteral("printing the slip"));
            tap(QStringLiteral("printSlipButton"));
        }
        return;
    case WorkflowState::Refused:
        // A client who is refused may ask again at once (the crash tests' refused journey).
        if (!m_newRequestMade && qEnvironmentVariableIntValue("KK_AUTOPILOT_NEW_REQUEST") > 0 &&
            find(QStringLiteral("newRequestButton"))) {
            m_newRequestMade = true;
            say(QStringLiteral("refused (%1): making a new request").arg(m_journey->bankReason()));
            tap(QStringLiteral("newRequestButton"));
            return;
        }
        [[fallthrough]];
    case WorkflowState::Error:
        say(QStringLiteral("journey ended in %1 %2")
                .arg(QString::fromLatin1(
                         QMetaEnum::fromType<WorkflowState>().valueToKey(int(state))),
                     m_journey->errorId()));
        return;
    default:
        return;
    }
}

void Autopilot::onBoard()
{
    // The signer whose token is in acts on their row; when nothing is left for them, they are
    // done and take the token out (the demo script does). With every signer on the board and
    // no token in, the sitting is finished.
    const QVariantList signers = m_sitting->signers();
    const QString token = m_kiosk->tokenSerial();
    if (!token.isEmpty() && m_kiosk->clientTokenReady()) {
        for (int row = 0; row < signers.size(); ++row) {
            const QVariantMap signer = signers[row].toMap();
            if (signer.value(QStringLiteral("action")).toInt() !=
                int(SignerAction::SignerNoAction)) {
                say(QStringLiteral("signer %1 (%2) acts: %3")
                        .arg(row + 1)
                        .arg(signer.value(QStringLiteral("owner")).toString(),
                             signer.value(QStringLiteral("statusText")).toString()));
                tap(QStringLiteral("signerAction%1").arg(row));
                return;
            }
        }
        if (m_signerDoneToken != token) {
            m_signerDoneToken = token;
            QStringList states;
            for (const QVariant &s : signers) {
                if (s.toMap().value(QStringLiteral("present")).toBool())
                    states << s.toMap().value(QStringLiteral("statusText")).toString();
            }
            say(QStringLiteral("signer finished: %1").arg(states.join(QStringLiteral(", "))));
        }
        return;
    }
    if (token.isEmpty() && signers.size() >= m_sittingSigners && m_sittingSigners > 0 &&
        !m_sittingFinishing) {
        m_sittingFinishing = true;
        say(QStringLiteral("all %1 signers seen: finishing the sitting").arg(signers.size()));
        tap(QStringLiteral("finishSitting"));
    }
}

void Autopilot::fillChecklist()
{
    if (m_taps.isEmpty()) {
        // What staff do on this screen, top to bottom: tick, type, confirm.
        say(QStringLiteral("staff fill the checklist"));
        m_taps << QStringLiteral("identityChecked") << QStringLiteral("applicationReceived");
        typeNumber(QStringLiteral("field%1").arg(int(ChecklistField::Application)),
                   QStringLiteral("1742"));
        typeNumber(QStringLiteral("field%1").arg(int(ChecklistField::ApplicationDate)),
                   QDate::currentDate().toString(QStringLiteral("ddMMyyyy")));
        if (m_checklist && m_checklist->needsAbonentNumbers()) {
            typeNumber(QStringLiteral("field%1").arg(int(ChecklistField::Snils)),
                       qEnvironmentVariable("KK_AUTOPILOT_SNILS"));
            typeNumber(QStringLiteral("field%1").arg(int(ChecklistField::Inn)),
                       qEnvironmentVariable("KK_AUTOPILOT_INN"));
        }
        m_taps << QStringLiteral("confirmChecklist");
    }
    // One tap at a time, a moment apart, as a hand moves over the screen.
    const QString next = m_taps.takeFirst();
    tap(next);
    if (!m_taps.isEmpty() && m_journey->state() == WorkflowState::StaffChecklist)
        QTimer::singleShot(120, this, &Autopilot::fillChecklist);
    else if (m_journey->state() == WorkflowState::StaffChecklist && m_checklist)
        say(QStringLiteral("the checklist says: %1").arg(m_checklist->problem()));
}

void Autopilot::typeNumber(const QString &fieldButton, const QString &digits)
{
    m_taps << fieldButton;
    for (QChar c : digits)
        m_taps << QStringLiteral("numberKey%1").arg(c.digitValue());
}

void Autopilot::typePin()
{
    if (m_journey->state() != WorkflowState::EnteringPin)
        return;
    // The staff member's own PIN on their token; the client's on the client's.
    const SecureBuffer &pin = m_journey->kind() == JourneyKind::StaffLogin ? m_staffPin : m_pin;
    if (m_typed == pin.size()) {
        say(QStringLiteral("typed the %1 PIN (%2 digits), pressing OK")
                .arg(m_journey->kind() == JourneyKind::StaffLogin ? QStringLiteral("staff")
                                                                  : QStringLiteral("client's"))
                .arg(m_typed));
        tap(QStringLiteral("pinSubmit"));
        if (m_journey->kind() != JourneyKind::StaffLogin && m_sittingSigners == 0 &&
            qEnvironmentVariableIntValue("KK_AUTOPILOT_NEW_REQUEST") == 0) {
            // One client, one PIN: the autopilot forgets it as soon as it is typed, like the
            // kiosk (a sitting's signers share the demo PIN, and a client who asks again after
            // a refusal types it again, so it is kept for them).
            m_pin.clear();
            m_typed = 0;
        }
        return;
    }
    // Find the key that shows the next digit, as a client reads the shuffled pad.
    const int digit = pin.c_str()[m_typed] - '0';
    const int position = m_pinPad->keyLabels().indexOf(digit);
    if (position < 0 || !tap(QStringLiteral("pinKey%1").arg(position)))
        return;
    ++m_typed;
    // A person's pace between keys; the crash tests set a quicker one.
    bool paced = false;
    const int keyMs = qEnvironmentVariableIntValue("KK_AUTOPILOT_KEY_MS", &paced);
    QTimer::singleShot(paced ? keyMs : 150 + QRandomGenerator::global()->bounded(200), this,
                       &Autopilot::typePin);
}

void Autopilot::drawStep()
{
    QQuickItem *pad = find(QStringLiteral("entropyTouchArea"));
    if (!pad || m_journey->state() != WorkflowState::CollectingEntropy) {
        touch(QEvent::TouchEnd, m_position);
        return;
    }
    // A wandering finger with tremor; events a few milliseconds apart, never on a fixed beat.
    auto *random = QRandomGenerator::global();
    const QRectF area = pad->mapRectToScene(QRectF(10, 10, pad->width() - 20, pad->height() - 50));
    m_velocity = 0.8 * m_velocity + QPointF(random->bounded(12.0) - 6, random->bounded(12.0) - 6);
    m_position += m_velocity + QPointF(random->bounded(4.0) - 2, random->bounded(4.0) - 2);
    m_position.setX(qBound(area.left(), m_position.x(), area.right()));
    m_position.setY(qBound(area.top(), m_position.y(), area.bottom()));
    if (++m_strokeSteps % 400 == 0) { // lift the finger now and then, as people do
        touch(QEvent::TouchEnd, m_position);
        touch(QEvent::TouchBegin, m_position);
    } else {
        touch(QEvent::TouchUpdate, m_position);
    }
    m_finger.start(2 + random->bounded(9));
}

} // namespace kk
