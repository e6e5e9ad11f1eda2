#pragma once
// One answer to "which tokens are there, and which PKCS#11 slots are they?", combined from the
// PC/SC monitor (cards in readers), udev (USB devices) and the token layer (slots). The kiosk
// has two token places (two readers, or two USB ports): a staff member's token stays in while
// the client's is inserted. Whose token is whose is the kiosk's business (their certificates
// say it); presence only counts: a third token is one too many.

#include "keykiosk/errors.h"
#include "keykiosk/presence/usbdevices.h"
#include "keykiosk/token/tokentypes.h"

#include "keykiosk/enums.h"
#include <QHash>
#include <QObject>
#include <QSet>

class QTimer;

#include <optional>

namespace kk {

class TokenService;
class PcscMonitor;
class UdevMonitor;

// How many tokens the kiosk takes at once: the staff member's and the client's.
constexpr int kTokenPlaces = 2;

// Pure state: every input is a method call, so the rules are tested without devices.
class PresenceModel
{
public:
    void setServiceAvailable(bool available);
    void cardInserted(const QString &reader);
    void cardRemoved(const QString &reader);
    void usbAdded(const UsbDevice &device);
    void usbRemoved(const UsbDevice &device);
    void tokenResolved(const QString &reader, const TokenInfo &token);
    void resolutionFailed(const QString &reader, const Error &error);
    // A USB token was plugged in but the card reader service never reported it (a missing
    // reader driver, a token the service cannot talk to): give up waiting for it.
    void usbArrivalTimedOut(const QString &syspath);

    // TokenReady once every card present has its slot (one or two tokens); TokenArriving while
    // one is still being resolved, with the others ready in tokens() meanwhile.
    PresenceState state() const;
    // A USB token seen by udev but not (yet) by PC/SC, if any: the one to time out.
    std::optional<QString> usbTokenWithoutCard() const;
    // The first token to arrive, when ready (the kiosk's one token before staff mode existed).
    std::optional<TokenInfo> token() const;
    // Every resolved token, in arrival order, whatever the state (a third card is never resolved).
    QVector<TokenInfo> tokens() const;
    // The reader whose card still needs a slot, if any.
    std::optional<QString> readerToResolve() const;
    Error error() const;        // why the card in the reader could not be used
    QString deviceName() const; // of the unsupported device or arriving USB token

private:
    std::optional<bool> m_serviceAvailable;
    QStringList m_cards;         // readers holding a card, in arrival order
    QSet<QString> m_usbTimedOut; // USB tokens PC/SC never reported
    QHash<QString, TokenInfo> m_resolved;
    QHash<QString, Error> m_failed;
    QHash<QString, UsbDevice> m_usb;
    bool m_removedSinceReady = false;
};

// Which slot belongs to a card in `reader`: the slot named after the reader (OpenSC and
// most vendor modules describe slots by reader name); otherwise, when the module exposes
// exactly one token (SoftHSM, a single-slot vendor module), that one.
std::optional<TokenInfo> matchSlot(const QString &reader, const QVector<TokenInfo> &tokens);

class TokenPresence : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::PresenceState state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString tokenLabel READ tokenLabel NOTIFY stateChanged)
    Q_PROPERTY(QString tokenSerial READ tokenSerial NOTIFY stateChanged)
    Q_PROPERTY(QString deviceName READ deviceName NOTIFY stateChanged)
public:
    TokenPresence(TokenService *tokens, PcscMonitor *pcsc, UdevMonitor *udev,
                  QObject *parent = nullptr);

    PresenceState state() const { return m_state; }
    std::optional<TokenInfo> token() const { return m_model.token(); }
    QVector<TokenInfo> tokens() const { return m_model.tokens(); }
    QString tokenLabel() const;
    QString tokenSerial() const;
    QString deviceName() const { return m_model.deviceName(); }
    Error error() const { return m_model.error(); }
    // How often, and how far apart, to look for the slot of a new card: a real token's
    // slot can appear a moment after PC/SC reports the card.
    void setResolveRetries(int attempts, int intervalMs);
    // How long a USB token may stay unseen by PC/SC before it is reported as not working.
    void setUsbArrivalTimeoutMs(int ms) { m_usbArrivalTimeoutMs = ms; }

signals:
    void stateChanged(kk::PresenceState state);
    void tokenReady(const kk::TokenInfo &token);
    void tokenRemoved(const QString &serial);

private:
    void update();
    void resolve(const QString &reader, int attempt);

    TokenService *m_tokens;
    PresenceModel m_model;
    PresenceState m_state = PresenceState::Starting;
    QStringList m_readySerials; // reported ready; each is reported removed once it goes
    QSet<QString> m_resolving;
    int m_resolveAttempts = 5;
    int m_resolveIntervalMs = 300;
    QTimer *m_usbArrivalTimer = nullptr; // child of this
    QString m_waitingUsb;
    int m_usbArrivalTimeoutMs = 10000;
};

} // namespace kk
