#pragma once
// Display settings QML binds to: high contrast (toggled on every screen) and fullscreen.
#include <QObject>

namespace kk {

class Appearance : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool highContrast READ highContrast WRITE setHighContrast NOTIFY highContrastChanged)
    Q_PROPERTY(bool fullscreen READ fullscreen CONSTANT)
public:
    Appearance(bool highContrast, bool fullscreen, QObject *parent = nullptr)
        : QObject(parent), m_highContrast(highContrast), m_fullscreen(fullscreen)
    {
    }
    bool highContrast() const { return m_highContrast; }
    void setHighContrast(bool on)
    {
        if (on == m_highContrast)
            return;
        m_highContrast = on;
        emit highContrastChanged();
    }
    bool fullscreen() const { return m_fullscreen; }

signals:
    void highContrastChanged();

private:
    bool m_highContrast;
    bool m_fullscreen;
};

} // namespace kk
