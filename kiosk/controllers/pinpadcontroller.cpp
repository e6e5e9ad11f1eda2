#include "pinpadcontroller.h"

#include <QCoreApplication>
#include <QKeyEvent>

#include <openssl/rand.h>

namespace kk {

PinPadController::PinPadController(QObject *parent) : QObject(parent)
{
    for (int i = 1; i <= 9; ++i)
        m_labels << i;
    m_labels << 0; // the phone layout when not shuffled
    QCoreApplication::instance()->installEventFilter(this);
}

PinPadController::~PinPadController()
{
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

void PinPadController::setMinLength(int length)
{
    if (length < 1 || length == m_minLength)
        return;
    m_minLength = length;
    emit limitsChanged();
    emit digitCountChanged();
}

void PinPadController::setMaxLength(int length)
{
    if (length < 1 || length > int(m_pin.capacity()) || length == m_maxLength)
        return;
    m_maxLength = length;
    emit limitsChanged();
}

void PinPadController::setShuffle(bool on)
{
    if (on == m_shuffle)
        return;
    m_shuffle = on;
    emit settingsChanged();
}

void PinPadController::setPressFeedback(bool on)
{
    if (on == m_pressFeedback)
        return;
    m_pressFeedback = on;
    emit settingsChanged();
}

void PinPadController::setPinState(PinState state)
{
    if (state == m_pinState)
        return;
    m_pinState = state;
    emit pinStateChanged();
}

QString PinPadController::triesText() const
{
    switch (m_pinState) {
    case PinState::CountLow:
        return tr("A wrong PIN was entered before. The token allows only a few more tries.");
    case PinState::FinalTry:
        return tr("Last try: one more wrong PIN locks the token.");
    case PinState::Locked:
        return tr("The PIN is locked. Please see the staff.");
    case PinState::MustChange:
        return tr("The PIN must be changed first. Please see the staff.");
    default:
        return {};
    }
}

void PinPadController::appear()
{
    clear();
    m_active = true;
    if (m_shuffle) {
        // Fisher-Yates with a CSPRNG, so the layout says nothing about earlier ones.
        for (int i = m_labels.size() - 1; i > 0; --i) {
            quint32 r = 0;
            RAND_bytes(reinterpret_cast<unsigned char *>(&r), sizeof r);
            std::swap(m_labels[i], m_labels[int(r % quint32(i + 1))]);
        }
        emit keyLabelsChanged();
    }
}

void PinPadController::dismiss()
{
    clear();
    m_active = false;
}

void PinPadController::appendDigit(int digit)
{
    if (digit < 0 || digit > 9 || digitCount() >= m_maxLength)
        return;
    m_pin.append(char('0' + digit));
    emit digitCountChanged();
}

void PinPadController::pressKey(int position)
{
    if (position >= 0 && position < m_labels.size())
        appendDigit(m_labels[position]);
}

void PinPadController::erase()
{
    if (m_pin.isEmpty())
        return;
    m_pin.removeLast();
    emit digitCountChanged();
}

void PinPadController::clear()
{
    const bool had = !m_pin.isEmpty();
    m_pin.clear();
    if (had)
        emit digitCountChanged();
}

void PinPadController::submit()
{
    if (canSubmit())
        emit submitted();
}

SecureBuffer PinPadController::takePin()
{
    SecureBuffer pin = std::move(m_pin);
    m_pin = SecureBuffer(32);
    m_active = false;
    emit digitCountChanged();
    return pin;
}

bool PinPadController::eventFilter(QObject *watched, QEvent *event)
{
    // Physical digit keys (a staff keyboard, a PIN pad that types): handled here, before QML.
    if (m_active && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() >= Qt::Key_0 && key->key() <= Qt::Key_9) {
            appendDigit(key->key() - Qt::Key_0);
            return true;
        }
        if (key->key() == Qt::Key_Backspace) {
            erase();
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            submit();
            return true;
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace kk
