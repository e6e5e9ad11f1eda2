#pragma once
// Saves a PNG of every screen the kiosk shows (demo and visual checks), on a real screen
// (Xvfb, cage) and on the offscreen platform alike.
#include <QDir>
#include <QObject>
#include <QSharedPointer>
#include <QTimer>

class QImage;
class QQuickItemGrabResult;
class QQuickWindow;

namespace kk {
class KioskController;
class JourneyController;
class ActController;

class Screenshotter : public QObject
{
    Q_OBJECT
public:
    Screenshotter(QQuickWindow *window, KioskController *kiosk, JourneyController *journey,
                  ActController *act, const QString &directory, QObject *parent = nullptr);

private:
    void capture();
    void save(const QImage &image, const QString &path);
    QQuickWindow *m_window;
    KioskController *m_kiosk;
    JourneyController *m_journey;
    ActController *m_act;
    QString m_last; // a screen is saved once, not again for each progress tick
    QDir m_directory;
    QTimer m_settle;
    QSharedPointer<QQuickItemGrabResult> m_pending; // offscreen: the grab under way
    int m_count = 0;
};
} // namespace kk
