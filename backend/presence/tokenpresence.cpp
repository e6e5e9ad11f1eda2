#include "keykiosk/presence/tokenpresence.h"

#include "keykiosk/logging.h"
#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/udevmonitor.h"
#include "keykiosk/token/tokenservice.h"

#include <QTimer>

namespace kk {

// ---------------------------------------------------------------------------------------
// PresenceModel

void PresenceModel::setServiceAvailable(bool available)
{
    m_serviceAvailable = available;
    if (!available) {
        m_cards.clear(); // the monitor also reports them removed; be robust to order
        m_resolved.clear();
        m_failed.clear();
    }
}

void PresenceModel::cardInserted(const QString &reader)
{
    if (!m_cards.contains(reader))
        m_cards << reader;
    m_resolved.remove(reader);
    m_failed.remove(reader);
    m_removedSinceReady = false;
}

void PresenceModel::cardRemoved(const QString &reader)
{
    if (m_resolved.contains(reader))
        m_removedSinceReady = true;
    m_cards.removeAll(reader);
    m_resolved.remove(reader);
    m_failed.remove(reader);
}

void PresenceModel::usbAdded(const UsbDevice &device)
{
    m_usb.insert(device.syspath, device);
    if (device.kind == UsbDeviceKind::Token)
        m_removedSinceReady = false;
}

void PresenceModel::usbRemoved(const UsbDevice &device)
{
    m_usb.remove(device.syspath);
    m_usbTimedOut.remove(device.syspath);
}

void PresenceModel::usbArrivalTimedOut(const QString &syspath)
{
    if (m_usb.contains(syspath) && m_cards.isEmpty())
        m_usbTimedOut.insert(syspath);
}

std::optional<QString> PresenceModel::usbTokenWithoutCard() const
{
    if (!m_cards.isEmpty())
        return std::nullopt;
    for (const UsbDevice &device : m_usb) {
        if (device.kind == UsbDeviceKind::Token && !m_usbTimedOut.contains(device.syspath))
            return device.syspath;
    }
    return std::nullopt;
}

void PresenceModel::tokenResolved(const QString &reader, const TokenInfo &token)
{
    if (m_cards.contains(reader))
        m_resolved.insert(reader, token);
}

void PresenceModel::resolutionFailed(const QString &reader, const Error &error)
{
    if (m_cards.contains(reader))
        m_failed.insert(reader, error);
}

PresenceState PresenceModel::state() const
{
    if (!m_serviceAvailable.has_value())
        return PresenceState::Starting;
    if (!*m_serviceAvailable)
        return PresenceState::ServiceUnavailable;
    int usbTokens = 0, usbOthers = 0;
    for (const UsbDevice &device : m_usb) {
        usbTokens += device.kind == UsbDeviceKind::Token;
        usbOthers += device.kind == UsbDeviceKind::NotAToken;
    }
    if (m_cards.size() > kTokenPlaces || usbTokens > kTokenPlaces)
        return PresenceState::SeveralTokens;
    if (!m_cards.isEmpty()) {
        for (const QString &reader : m_cards) {
            if (m_failed.contains(reader))
                return m_failed.value(reader).code == ErrorCode::UnsupportedDevice
                           ? PresenceState::ForeignDevice
                           : PresenceState::TokenError;
        }
        for (const QString &reader : m_cards) {
            if (!m_resolved.contains(reader))
                return PresenceState::TokenArriving;
        }
        return PresenceState::TokenReady;
    }
    if (usbTokens >= 1)
        return m_usbTimedOut.isEmpty() ? PresenceState::TokenArriving : PresenceState::TokenError;
    if (usbOthers > 0)
        return PresenceState::ForeignDevice;
    return m_removedSinceReady ? PresenceState::TokenGone : PresenceState::NoToken;
}

std::optional<TokenInfo> PresenceModel::token() const
{
    if (state() != PresenceState::TokenReady)
        return std::nullopt;
    return m_resolved.value(m_cards.first());
}

QVector<TokenInfo> PresenceModel::tokens() const
{
    // Over two places the extra card is never resolved: the two already there stay listed
    // (staff mode goes on while "one token too many" is on screen).
    QVector<TokenInfo> result;
    for (const QString &reader : m_cards) {
        if (m_resolved.contains(reader))
            result << m_resolved.value(reader);
    }
    return result;
}

std::optional<QString> PresenceModel::readerToResolve() const
{
    if (m_cards.size() > kTokenPlaces)
        return std::nullopt;
    for (const QString &reader : m_cards) {
        if (!m_resolved.contains(reader) && !m_failed.contains(reader))
            return reader;
    }
    return std::nullopt;
}

Error PresenceModel::error() const
{
    if (m_cards.isEmpty() && !m_usbTimedOut.isEmpty())
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("USB token %1 was never reported by the card reader service "
                                    "(reader driver missing?)")
                         .arg(*m_usbTimedOut.cbegin()));
    for (const QString &reader : m_cards) {
        if (m_failed.contains(reader))
            return m_failed.value(reader);
    }
    return Error();
}

QString PresenceModel::deviceName() const
{
    for (const UsbDevice &device : m_usb) {
        if (device.kind == UsbDeviceKind::NotAToken && state() == PresenceState::ForeignDevice)
            return device.name;
        if (device.kind == UsbDeviceKind::Token && state() != PresenceState::ForeignDevice)
            return device.name;
    }
    return {};
}

std::optional<TokenInfo> matchSlot(const QString &reader, const QVector<TokenInfo> &tokens)
{
    // The reader's own name first (two readers may share a prefix: "... 00 00", "... 00 01"),
    // then a prefix either way (a slot description holds 64 characters at most).
    for (const TokenInfo &token : tokens) {
        if (token.slotDescription == reader)
            return token;
    }
    for (const TokenInfo &token : tokens) {
        if (!token.slotDescription.isEmpty() &&
            (reader.startsWith(token.slotDescription) || token.slotDescription.startsWith(reader)))
            return token;
    }
    if (tokens.size() == 1)
        return tokens.first();
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// TokenPresence

TokenPresence::TokenPresence(TokenService *tokens, PcscMonitor *pcsc, UdevMonitor *udev,
                             QObject *parent)
    : QObject(parent), m_tokens(tokens)
{
    qRegisterMetaType<kk::TokenInfo>();
    m_usbArrivalTimer = new QTimer(this);
    m_usbArrivalTimer->setSingleShot(true);
    connect(m_usbArrivalTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcPresence) << "USB token" << m_waitingUsb << "not reported by PC/SC in time";
        m_model.usbArrivalTimedOut(m_waitingUsb);
        update();
    });
    if (pcsc) {
        connect(pcsc, &PcscMonitor::serviceAvailableChanged, this, [this](bool available) {
            m_model.setServiceAvailable(available);
            update();
        });
        connect(pcsc, &PcscMonitor::cardInserted, this, [this](const QString &reader) {
            m_model.cardInserted(reader);
            update();
        });
        connect(pcsc, &PcscMonitor::cardRemoved, this, [this](const QString &reader) {
            m_model.cardRemoved(reader);
            update();
        });
    }
    if (udev) {
        connect(udev, &UdevMonitor::deviceAdded, this, [this](const UsbDevice &device) {
            m_model.usbAdded(device);
            update();
        });
        connect(udev, &UdevMonitor::deviceRemoved, this, [this](const UsbDevice &device) {
            m_model.usbRemoved(device);
            update();
        });
    }
}

void TokenPresence::setResolveRetries(int attempts, int intervalMs)
{
    m_resolveAttempts = qMax(1, attempts);
    m_resolveIntervalMs = intervalMs;
}

QString TokenPresence::tokenLabel() const
{
    auto t = m_model.token();
    return t ? t->label : QString();
}

QString TokenPresence::tokenSerial() const
{
    auto t = m_model.token();
    return t ? t->serial : QString();
}

void TokenPresence::update()
{
    // A USB token that PC/SC does not report within the timeout is reported as not working.
    const std::optional<QString> waitingUsb = m_model.usbTokenWithoutCard();
    if (waitingUsb && !m_usbArrivalTimer->isActive()) {
        m_waitingUsb = *waitingUsb;
        m_usbArrivalTimer->start(m_usbArrivalTimeoutMs);
    } else if (!waitingUsb) {
        m_usbArrivalTimer->stop();
    }

    if (auto reader = m_model.readerToResolve(); reader && !m_resolving.contains(*reader))
        resolve(*reader, 1);

    const PresenceState state = m_model.state();
    const QVector<TokenInfo> tokens = m_model.tokens();
    QStringList serials;
    for (const TokenInfo &token : tokens)
        serials << token.serial;
    if (state == m_state && serials == m_readySerials)
        return;
    const PresenceState previous = m_state;
    m_state = state;
    if (previous != state)
        qCInfo(lcPresence) << "presence" << previous << "->" << state << serials;
    for (const QString &serial : std::as_const(m_readySerials)) {
        if (!serials.contains(serial))
            emit tokenRemoved(serial);
    }
    for (const TokenInfo &token : tokens) {
        if (!m_readySerials.contains(token.serial))
            emit tokenReady(token);
    }
    m_readySerials = serials;
    emit stateChanged(state);
}

void TokenPresence::resolve(const QString &reader, int attempt)
{
    m_resolving.insert(reader);
    using Listing = Expected<QVector<TokenInfo>>;
    m_tokens->run<Listing>(
        this,
        [](TokenContext &context) -> Listing {
            auto module = context.module();
            if (!module)
                return module.error();
            return module.value()->tokens();
        },
        [this, reader, attempt](Listing listing) {
            m_resolving.remove(reader);
            if (m_model.readerToResolve() != reader)
                return; // the card left, or another took its place, meanwhile
            if (!listing) {
                qCWarning(lcPresence)
                    << "cannot list tokens for" << reader << listing.error().logText();
                m_model.resolutionFailed(reader, listing.error());
            } else if (auto token = matchSlot(reader, listing.value())) {
                qCInfo(lcPresence) << "card in" << reader << "is token" << token->label << "serial"
                                   << token->serial << "in slot" << token->slotId;
                m_model.tokenResolved(reader, *token);
            } else if (attempt < m_resolveAttempts) {
                m_resolving.insert(reader);
                QTimer::singleShot(m_resolveIntervalMs, this, [this, reader, attempt] {
                    m_resolving.remove(reader);
                    if (m_model.readerToResolve() == reader)
                        resolve(reader, attempt + 1);
                });
                return;
            } else {
                m_model.resolutionFailed(
                    reader,
                    Error(ErrorCode::UnsupportedDevice,
                          QStringLiteral("no PKCS#11 token for the card in '%1' (%2 tokens seen)")
                              .arg(reader)
                              .arg(listing->size())));
            }
            update();
        });
}

} // namespace kk
