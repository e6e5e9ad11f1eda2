#pragma once
// Saves a PNG of every screen the kiosk shows (demo and visual checks).
#include <QDir>
#include <QObject>
#include <QTimer>

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
    QQuickWindow *m_window;
    KioskController *m_kiosk;
    JourneyController *m_journey;
    ActController *m_act;
    QString m_last; // a screen is saved once, not again for each progress tick
    QDir m_directory;
    QTimer m_settle;
    int m_count = 0;
};
} // namespace kk
