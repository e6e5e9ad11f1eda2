#include "keykiosk/presence/tokenpresence.h"

#include <QtTest>

using namespace kk;

namespace {
const QString kReader = QStringLiteral("Virtual PCD 00 00");
TokenInfo token(const QString &serial, const QString &slotDescription = {})
{
    TokenInfo info;
    info.serial = serial;
    info.label = QStringLiteral("Token ") + serial;
    info.slotDescription = slotDescription;
    return info;
}
UsbDevice usb(const QString &path, UsbDeviceKind kind, const QString &name = {})
{
    UsbDevice device;
    device.syspath = path;
    device.kind = kind;
    device.name = name;
    return device;
}
} // namespace

class TestPresenceModel : public QObject
{
    Q_OBJECT
private slots:
    void startsUnknownThenNoToken()
    {
        PresenceModel model;
        QCOMPARE(model.state(), PresenceState::Starting);
        model.setServiceAvailable(true);
        QCOMPARE(model.state(), PresenceState::NoToken);
        QVERIFY(!model.token());
    }
    void cardArrivesIsResolvedAndLeaves()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        model.cardInserted(kReader);
        QCOMPARE(model.state(), PresenceState::TokenArriving);
        QCOMPARE(model.readerToResolve().value_or(QString()), kReader);
        model.tokenResolved(kReader, token(QStringLiteral("A1")));
        QCOMPARE(model.state(), PresenceState::TokenReady);
        QCOMPARE(model.token()->serial, QStringLiteral("A1"));
        QVERIFY(!model.readerToResolve());
        model.cardRemoved(kReader);
        QCOMPARE(model.state(), PresenceState::TokenGone);
        model.cardInserted(kReader);
        QCOMPARE(model.state(), PresenceState::TokenArriving);
    }
    void lateResolutionForAGoneCardIsIgnored()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        model.cardInserted(kReader);
        model.cardRemoved(kReader);
        model.tokenResolved(kReader, token(QStringLiteral("A1")));
        QCOMPARE(model.state(), PresenceState::NoToken);
    }
    void twoTokenPlacesAThirdTokenIsOneTooMany()
    {
        const QString second = QStringLiteral("Virtual PCD 00 01");
        PresenceModel model;
        model.setServiceAvailable(true);
        model.cardInserted(kReader);
        model.tokenResolved(kReader, token(QStringLiteral("STAFF")));
        QCOMPARE(model.state(), PresenceState::TokenReady);
        // The client's token arrives next to the staff token: the first stays ready meanwhile.
        model.cardInserted(second);
        QCOMPARE(model.state(), PresenceState::TokenArriving);
        QCOMPARE(model.readerToResolve(), second);
        QCOMPARE(model.tokens().size(), 1);
        QCOMPARE(model.tokens().first().serial, QStringLiteral("STAFF"));
        model.tokenResolved(second, token(QStringLiteral("CLIENT")));
        QCOMPARE(model.state(), PresenceState::TokenReady);
        QCOMPARE(model.tokens().size(), 2);
        QCOMPARE(model.tokens().at(1).serial, QStringLiteral("CLIENT"));
        QCOMPARE(model.token()->serial, QStringLiteral("STAFF")); // the first to arrive
        // A third: too many; it is never resolved, the two in place stay.
        model.cardInserted(QStringLiteral("Another Reader 00 00"));
        QCOMPARE(model.state(), PresenceState::SeveralTokens);
        QCOMPARE(model.tokens().size(), 2);
        QVERIFY(!model.readerToResolve());
        model.cardRemoved(QStringLiteral("Another Reader 00 00"));
        QCOMPARE(model.state(), PresenceState::TokenReady);
        // The staff token leaves; the client's stays.
        model.cardRemoved(kReader);
        QCOMPARE(model.tokens().size(), 1);
        QCOMPARE(model.token()->serial, QStringLiteral("CLIENT"));
    }
    void threeUsbTokensAreMultiple()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        model.usbAdded(
            usb(QStringLiteral("/a"), UsbDeviceKind::Token, QStringLiteral("Rutoken ECP")));
        QCOMPARE(model.state(), PresenceState::TokenArriving);
        QCOMPARE(model.deviceName(), QStringLiteral("Rutoken ECP"));
        model.usbAdded(usb(QStringLiteral("/b"), UsbDeviceKind::Token));
        QCOMPARE(model.state(), PresenceState::TokenArriving);
        model.usbAdded(usb(QStringLiteral("/c"), UsbDeviceKind::Token));
        QCOMPARE(model.state(), PresenceState::SeveralTokens);
    }
    void usbTokenThatPcscNeverSeesTimesOut()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        const UsbDevice token =
            usb(QStringLiteral("/t"), UsbDeviceKind::Token, QStringLiteral("Rutoken ECP"));
        model.usbAdded(token);
        QCOMPARE(model.state(), PresenceState::TokenArriving);
        QCOMPARE(model.usbTokenWithoutCard().value_or(QString()), QStringLiteral("/t"));
        model.usbArrivalTimedOut(QStringLiteral("/t"));
        QCOMPARE(model.state(), PresenceState::TokenError);
        QCOMPARE(model.error().code, ErrorCode::TokenFailure);
        QVERIFY(model.error().detail.contains(QStringLiteral("/t")));
        QVERIFY(!model.usbTokenWithoutCard());
        model.usbRemoved(token); // unplugging clears it
        QCOMPARE(model.state(), PresenceState::NoToken);
        model.usbAdded(token);
        model.cardInserted(kReader); // seen by PC/SC in time: no timeout applies
        model.usbArrivalTimedOut(QStringLiteral("/t"));
        QCOMPARE(model.state(), PresenceState::TokenArriving);
    }

    void storageStickIsUnsupportedUntilRemoved()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        const UsbDevice stick =
            usb(QStringLiteral("/s"), UsbDeviceKind::NotAToken, QStringLiteral("Flash"));
        model.usbAdded(stick);
        QCOMPARE(model.state(), PresenceState::ForeignDevice);
        QCOMPARE(model.deviceName(), QStringLiteral("Flash"));
        model.usbRemoved(stick);
        QCOMPARE(model.state(), PresenceState::NoToken);
    }
    void cardWithoutTokenIsUnsupported_moduleErrorIsTokenError()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        model.cardInserted(kReader);
        model.resolutionFailed(kReader, Error(ErrorCode::UnsupportedDevice));
        QCOMPARE(model.state(), PresenceState::ForeignDevice);
        model.cardRemoved(kReader);
        model.cardInserted(kReader);
        model.resolutionFailed(kReader, Error(ErrorCode::ModuleNotFound, QStringLiteral("x")));
        QCOMPARE(model.state(), PresenceState::TokenError);
        QCOMPARE(model.error().code, ErrorCode::ModuleNotFound);
    }
    void serviceLossClearsCards()
    {
        PresenceModel model;
        model.setServiceAvailable(true);
        model.cardInserted(kReader);
        model.tokenResolved(kReader, token(QStringLiteral("A1")));
        model.setServiceAvailable(false);
        QCOMPARE(model.state(), PresenceState::ServiceUnavailable);
        model.setServiceAvailable(true);
        QCOMPARE(model.state(), PresenceState::NoToken);
    }
    void slotMatchingPrefersReaderNameThenSingleToken()
    {
        const QVector<TokenInfo> byName = {
            token(QStringLiteral("1"), QStringLiteral("Other Reader 00 00")),
            token(QStringLiteral("2"), kReader)};
        QCOMPARE(matchSlot(kReader, byName)->serial, QStringLiteral("2"));
        // Two readers of one driver: each card its own reader's slot, not the first prefix.
        const QVector<TokenInfo> twoPlaces = {
            token(QStringLiteral("A"), QStringLiteral("Virtual PCD 00 01")),
            token(QStringLiteral("B"), QStringLiteral("Virtual PCD 00 00"))};
        QCOMPARE(matchSlot(kReader, twoPlaces)->serial, QStringLiteral("B"));
        QCOMPARE(matchSlot(QStringLiteral("Virtual PCD 00 01"), twoPlaces)->serial,
                 QStringLiteral("A"));
        const QVector<TokenInfo> single = {
            token(QStringLiteral("9"), QStringLiteral("SoftHSM slot ID 0x1"))};
        QCOMPARE(matchSlot(kReader, single)->serial, QStringLiteral("9"));
        const QVector<TokenInfo> ambiguous = {token(QStringLiteral("1"), QStringLiteral("a")),
                                              token(QStringLiteral("2"), QStringLiteral("b"))};
        QVERIFY(!matchSlot(kReader, ambiguous));
        QVERIFY(!matchSlot(kReader, {}));
    }
};

QTEST_GUILESS_MAIN(TestPresenceModel)
#include "tst_presencemodel.moc"
