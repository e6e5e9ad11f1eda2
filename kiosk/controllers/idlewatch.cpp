#include "idlewatch.h"

#include "keykiosk/logging.h"

#include <QCoreApplication>
#include <QEvent>

namespace kk {

IdleWatch::IdleWatch(int idleSeconds, int countdownSeconds, QObject *parent)
    : QObject(parent), m_countdownSeconds(countdownSeconds)
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(idleSeconds * 1000);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        m_secondsLeft = m_countdownSeconds;
        qCInfo(lcKiosk) << "no input for" << m_idle.interval() / 1000 << "s: countdown started";
        emit countdownChanged();
        m_tick.start();
    });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &IdleWatch::tick);
    QCoreApplication::instance()->installEventFilter(this);
}

IdleWatch::~IdleWatch()
{
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

void IdleWatch::setArmed(bool armed)
{
    if (armed == m_armed)
        return;
    m_armed = armed;
    m_tick.stop();
    const bool wasCounting = countingDown();
    m_secondsLeft = -1;
    if (armed)
        m_idle.start();
    else
        m_idle.stop();
    if (wasCounting)
        emit countdownChanged();
}

void IdleWatch::poke()
{
    if (!m_armed)
        return;
    m_idle.start();
    if (countingDown()) {
        m_tick.stop();
        m_secondsLeft = -1;
        emit countdownChanged();
    }
}

void IdleWatch::tick()
{
    if (--m_secondsLeft > 0) {
        emit countdownChanged();
        return;
    }
    qCInfo(lcKiosk) << "idle timeout: the session ends";
    setArmed(false);
    emit timedOut();
}

bool IdleWatch::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::KeyPress:
        // Events reach the window and then its items: count them once, at the window.
        if (watched->isWindowType())
            poke();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace kk
