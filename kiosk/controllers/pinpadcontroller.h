#pragma once
// The PIN pad's logic. The PIN lives only in a SecureBuffer here: QML sees how many digits
// were entered, never which. Keys on screen are addressed by position; the digits are
// shuffled with a CSPRNG each time the pad appears (a setting, on by default); physical
// digit keys are caught here by an event filter, so they never pass through QML either.

#include "keykiosk/enums.h"
#include "keykiosk/securebuffer.h"

#include <QObject>
#include <QVector>

namespace kk {

class PinPadController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int digitCount READ digitCount NOTIFY digitCountChanged)
    Q_PROPERTY(bool canErase READ canErase NOTIFY digitCountChanged)
    Q_PROPERTY(bool canSubmit READ canSubmit NOTIFY digitCountChanged)
    Q_PROPERTY(int minLength READ minLength WRITE setMinLength NOTIFY limitsChanged)
    Q_PROPERTY(int maxLength READ maxLength WRITE setMaxLength NOTIFY limitsChanged)
    // The digit shown on each of the ten digit keys, by key position. The keypad's layout,
    // not the PIN: it is on screen anyway.
    Q_PROPERTY(QVector<int> keyLabels READ keyLabels NOTIFY keyLabelsChanged)
    Q_PROPERTY(bool shuffle READ shuffle WRITE setShuffle NOTIFY settingsChanged)
    Q_PROPERTY(bool pressFeedback READ pressFeedback WRITE setPressFeedback NOTIFY settingsChanged)
    Q_PROPERTY(kk::PinState pinState READ pinState WRITE setPinState NOTIFY pinStateChanged)
    Q_PROPERTY(QString triesText READ triesText NOTIFY pinStateChanged)
public:
    explicit PinPadController(QObject *parent = nullptr);
    ~PinPadController() override;

    int digitCount() const { return int(m_pin.size()); }
    bool canErase() const { return !m_pin.isEmpty(); }
    bool canSubmit() const { return digitCount() >= m_minLength; }
    int minLength() const { return m_minLength; }
    int maxLength() const { return m_maxLength; }
    void setMinLength(int length);
    void setMaxLength(int length);
    QVector<int> keyLabels() const { return m_labels; }
    bool shuffle() const { return m_shuffle; }
    void setShuffle(bool on);
    bool pressFeedback() const { return m_pressFeedback; }
    void setPressFeedback(bool on);
    PinState pinState() const { return m_pinState; }
    void setPinState(PinState state);
    QString triesText() const;

    // Called by the pad each time it appears: reshuffles (if on) and clears.
    Q_INVOKABLE void appear();
    // Called when the pad goes away: wipes the digits and stops catching keys.
    Q_INVOKABLE void dismiss();
    Q_INVOKABLE void pressKey(int position); // 0..9, a key position, not a digit
    Q_INVOKABLE void erase();
    Q_INVOKABLE void clear();
    Q_INVOKABLE void submit(); // emits submitted() if canSubmit

    // For the journey (C++ only): the PIN leaves the pad, which is wiped.
    SecureBuffer takePin();

signals:
    void digitCountChanged();
    void limitsChanged();
    void keyLabelsChanged();
    void settingsChanged();
    void pinStateChanged();
    void submitted();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void appendDigit(int digit);

    SecureBuffer m_pin{32};
    QVector<int> m_labels;
    int m_minLength = 4;
    int m_maxLength = 16;
    bool m_shuffle = true;
    bool m_pressFeedback = true;
    bool m_active = false;
    PinState m_pinState = PinState::Ok;
};

} // namespace kk
