// TokenPresence over the real parts: pcscd + vpcd for the card, SoftHSM2 for the slot.
#include "harness.h"

#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/token/tokenservice.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

class TestTokenPresence : public QObject
{
    Q_OBJECT
private slots:
    void cardBecomesAReadyTokenThenRemoved()
    {
        TestToken token;
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());
        TokenService tokens(softhsmModule());
        PcscMonitor pcsc;
        TokenPresence presence(&tokens, &pcsc, nullptr);
        QSignalSpy ready(&presence, &TokenPresence::tokenReady);
        QSignalSpy removed(&presence, &TokenPresence::tokenRemoved);
        pcsc.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);

        VirtualCard card;
        QVERIFY(card.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenReady, 3000);
        QCOMPARE(ready.count(), 1);
        QCOMPARE(ready.first().first().value<TokenInfo>().serial, token.serial());
        QCOMPARE(presence.tokenSerial(), token.serial());
        QCOMPARE(presence.tokenLabel(), token.label());

        card.remove();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenGone, 3000);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().toString(), token.serial());
        QVERIFY(presence.tokenSerial().isEmpty());
    }

    void twoTokenPlaces()
    {
        // A staff token and a client's in one SoftHSM2 store, each in its own reader: the
        // module (the shim) names each slot after its reader, as OpenSC does for real tokens.
        TokenOptions staffOptions;
        staffOptions.label = QStringLiteral("Staff");
        TestToken store(staffOptions);
        TokenOptions clientOptions;
        clientOptions.label = QStringLiteral("Client");
        QVERIFY2(store.isValid() && store.addToken(clientOptions), qPrintable(store.error()));
        qputenv("KK_SHIM_SLOT_READERS", "Staff=Virtual PCD 00 00;Client=Virtual PCD 00 01");
        qputenv("KK_SHIM_TARGET", QFile::encodeName(softhsmModule()));
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());
        TokenService tokens(harnessPath("pinshim"));
        PcscMonitor pcsc;
        TokenPresence presence(&tokens, &pcsc, nullptr);
        QSignalSpy ready(&presence, &TokenPresence::tokenReady);
        QSignalSpy removed(&presence, &TokenPresence::tokenRemoved);
        pcsc.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);

        VirtualCard staffCard, clientCard;
        QVERIFY(staffCard.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenReady, 3000);
        QCOMPARE(presence.tokens().size(), 1);
        QCOMPARE(presence.tokens().first().label, QStringLiteral("Staff"));
        QVERIFY(clientCard.insert(pcscd.port() + 1)); // the second reader
        QTRY_COMPARE_WITH_TIMEOUT(presence.tokens().size(), 2, 3000);
        QCOMPARE(presence.state(), PresenceState::TokenReady); // two tokens: no error
        QCOMPARE(presence.tokens().at(1).label, QStringLiteral("Client"));
        QCOMPARE(ready.count(), 2);
        QCOMPARE(removed.count(), 0);

        staffCard.remove(); // the staff member takes theirs; the client's stays
        QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 3000);
        const QString staffSerial = ready.first().first().value<TokenInfo>().serial;
        QCOMPARE(removed.first().first().toString(), staffSerial);
        QCOMPARE(presence.state(), PresenceState::TokenReady);
        QCOMPARE(presence.tokens().size(), 1);
        QCOMPARE(presence.tokens().first().label, QStringLiteral("Client"));
        qunsetenv("KK_SHIM_SLOT_READERS");
    }

    void pcscdDownIsServiceUnavailableAndRecovers()
    {
        TestToken token;
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());
        TokenService tokens(softhsmModule());
        PcscMonitor pcsc;
        pcsc.setRetryIntervalMs(100);
        TokenPresence presence(&tokens, &pcsc, nullptr);
        pcsc.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);
        pcscd.stop();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::ServiceUnavailable, 5000);
        QVERIFY(pcscd.start());
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);
        VirtualCard card;
        QVERIFY(card.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenReady, 3000);
    }

    void brokenModuleIsATokenError()
    {
        PrivatePcscd pcscd;
        QVERIFY(pcscd.start());
        TokenService tokens(QStringLiteral("/nonexistent/libpkcs11.so"));
        PcscMonitor pcsc;
        TokenPresence presence(&tokens, &pcsc, nullptr);
        pcsc.start();
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::NoToken, 5000);
        VirtualCard card;
        QVERIFY(card.insert(pcscd.port()));
        QTRY_COMPARE_WITH_TIMEOUT(presence.state(), PresenceState::TokenError, 3000);
        QCOMPARE(presence.error().code, ErrorCode::ModuleNotFound);
    }
};

QTEST_GUILESS_MAIN(TestTokenPresence)
#include "tst_tokenpresence.moc"
