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
