#include "pinpadcontroller.h"

#include "keykiosk/logging.h"

#include <QCoreApplication>
#include <QKeyEvent>

#include <openssl/rand.h>

namespace kk {

namespace {
const QVector<int> kOrderedLabels{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}; // the phone layout
} // namespace

PinPadController::PinPadController(QObject *parent) : QObject(parent), m_labels(kOrderedLabels)
{
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
        // Fisher-Yates with a CSPRNG, so the layout says nothing about earlier ones. Without
        // randomness the pad shows the ordinary layout rather than one an onlooker could
        // predict from a broken generator; staff find why in the log.
        QVector<int> labels = kOrderedLabels;
        bool shuffled = true;
        for (int i = labels.size() - 1; i > 0 && shuffled; --i) {
            quint32 r = 0;
            shuffled = RAND_bytes(reinterpret_cast<unsigned char *>(&r), sizeof r) == 1;
            std::swap(labels[i], labels[int(r % quint32(i + 1))]);
        }
        if (!shuffled)
            qCCritical(lcKiosk) << "no randomness for the PIN pad (RAND_bytes failed):"
                                << "showing the keys in order";
        m_labels = shuffled ? labels : kOrderedLabels;
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
    // Their releases too: QML never sees a digit key at all while the pad is up.
    if (m_active &&
        (event->type() == QEvent::KeyRelease || event->type() == QEvent::ShortcutOverride)) {
        const int code = static_cast<QKeyEvent *>(event)->key();
        if (code >= Qt::Key_0 && code <= Qt::Key_9)
            return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace kk
