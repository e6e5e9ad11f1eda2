#include "demo/screenshotter.h"

#include "controllers/actcontroller.h"
#include "controllers/journeycontroller.h"
#include "controllers/kioskcontroller.h"
#include "keykiosk/logging.h"

#include <QGuiApplication>
#include <QMetaEnum>
#include <QQuickItem>
#include <QQuickItemGrabResult>
#include <QQuickWindow>

#include <cstdio>

namespace kk {

Screenshotter::Screenshotter(QQuickWindow *window, KioskController *kiosk,
                             JourneyController *journey, ActController *act,
                             const QString &directory, QObject *parent)
    : QObject(parent), m_window(window), m_kiosk(kiosk), m_journey(journey), m_act(act),
      m_directory(directory)
{
    m_directory.mkpath(QStringLiteral("."));
    // Let the screen settle (loader, first frame) before grabbing it.
    m_settle.setSingleShot(true);
    m_settle.setInterval(400);
    connect(&m_settle, &QTimer::timeout, this, &Screenshotter::capture);
    connect(kiosk, &KioskController::screenChanged, &m_settle, qOverload<>(&QTimer::start));
    if (journey)
        connect(journey, &JourneyController::screenChanged, &m_settle, qOverload<>(&QTimer::start));
    if (act)
        connect(act, &ActController::changed, &m_settle, qOverload<>(&QTimer::start));
    m_settle.start();
}

void Screenshotter::capture()
{
    QString name =
        QString::fromLatin1(QMetaEnum::fromType<KioskScreen>().valueToKey(int(m_kiosk->screen())));
    if (m_kiosk->screen() == KioskScreen::Renewal && m_journey &&
        m_journey->kind() != JourneyKind::ClientRenewal) // staff mode's journeys say so
        name += QLatin1Char('-') +
                QString::fromLatin1(
                    QMetaEnum::fromType<JourneyKind>().valueToKey(int(m_journey->kind())));
    if (m_kiosk->screen() == KioskScreen::Renewal && m_journey)
        name += QLatin1Char('-') +
                QString::fromLatin1(
                    QMetaEnum::fromType<WorkflowState>().valueToKey(int(m_journey->state())));
    if (m_act && m_act->printed() &&
        (m_kiosk->screen() == KioskScreen::Renewal ||
         m_kiosk->screen() == KioskScreen::AcceptanceAct))
        name += QStringLiteral("-act-printed");
    if (m_kiosk->tokenWasRemoved())
        name += QStringLiteral("-after-removal");
    if (m_kiosk->sessionTimedOut())
        name += QStringLiteral("-after-timeout");
    if (name == m_last)
        return;
    m_last = name;
    const QString path = m_directory.filePath(
        QStringLiteral("%1-%2.png").arg(++m_count, 2, 10, QLatin1Char('0')).arg(name));
    // On a real screen (Xvfb, cage) the window is grabbed; the offscreen platform has no
    // window surface to grab, so there the scene is rendered into an image of its own (the
    // window's colour is an item in qml/Main.qml for that).
    if (QGuiApplication::platformName() != QLatin1String("offscreen")) {
        save(m_window->grabWindow(), path);
        return;
    }
    m_pending = m_window->contentItem()->grabToImage();
    if (!m_pending) {
        qCWarning(lcKiosk) << "screenshot failed (the scene cannot be rendered):" << path;
        return;
    }
    connect(m_pending.data(), &QQuickItemGrabResult::ready, this,
            [this, path, result = m_pending] { save(result->image(), path); });
}

void Screenshotter::save(const QImage &image, const QString &path)
{
    if (image.isNull() || !image.save(path)) {
        qCWarning(lcKiosk) << "screenshot failed:" << path;
        return;
    }
    qCInfo(lcKiosk) << "screenshot" << path;
    std::printf("screenshot: %s\n", qPrintable(path));
    std::fflush(stdout);
}

} // namespace kk
