#pragma once
// The idle timeout: after idleSeconds without a touch, a key or a click, a countdown of
// countdownSeconds runs on screen ("are you still there?"); any touch stops it; at zero
// timedOut() ends the session. Armed only while a client session is on screen: the attract
// screen has nothing to wipe. Input is watched with an application-wide event filter, so no
// screen has to remember to report it.

#include <QObject>
#include <QTimer>

namespace kk {

class IdleWatch : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool countingDown READ countingDown NOTIFY countdownChanged)
    Q_PROPERTY(int secondsLeft READ secondsLeft NOTIFY countdownChanged)
public:
    IdleWatch(int idleSeconds, int countdownSeconds, QObject *parent = nullptr);
    ~IdleWatch() override;

    bool countingDown() const { return m_secondsLeft >= 0; }
    int secondsLeft() const { return qMax(0, m_secondsLeft); }
    bool armed() const { return m_armed; }
    void setArmed(bool armed);
    // Input seen (also called by the event filter).
    Q_INVOKABLE void poke();

signals:
    void countdownChanged();
    void timedOut();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void tick();

    QTimer m_idle;
    QTimer m_tick;
    int m_countdownSeconds;
    int m_secondsLeft = -1; // -1: no countdown
    bool m_armed = false;
};

} // namespace kk
