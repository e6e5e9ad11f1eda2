// The kiosk's screen logic without QML, over a real SoftHSM2 token and the token thread.
#include "harness.h"

#include "controllers/entropycontroller.h"
#include "controllers/kioskcontroller.h"
#include "controllers/languagecontroller.h"
#include "keykiosk/token/tokenservice.h"

#include <QtTest>

#include <openssl/rand.h>

using namespace kk;
using namespace kk::test;

namespace {
std::optional<TokenInfo> firstToken()
{
    auto module = Pkcs11Module::load(softhsmModule());
    if (!module)
        return std::nullopt;
    auto tokens = module.value()->tokens();
    return tokens && !tokens->isEmpty() ? std::optional<TokenInfo>(tokens->first()) : std::nullopt;
}
} // namespace

class TestKioskController : public QObject
{
    Q_OBJECT
private slots:
    void readyTokenShowsItsProfiles()
    {
        TokenOptions options;
        options.daysLeft = 20;
        TestToken token(options);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        auto info = firstToken();
        QVERIFY(info);
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        QCOMPARE(kiosk.screen(), KioskScreen::InsertToken);

        kiosk.onPresence(PresenceState::TokenReady, info, {});
        QCOMPARE(kiosk.screen(), KioskScreen::ReadingToken); // the read runs on the token thread
        QTRY_COMPARE(kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(kiosk.tokenSerial(), token.serial());
        QCOMPARE(kiosk.profiles()->rowCount(), 1);
        const QVariantMap row = kiosk.profiles()->get(0);
        QCOMPARE(row.value(QStringLiteral("status")).value<ProfileStatus>(),
                 ProfileStatus::PlannedRegenerationNeeded);
        QCOMPARE(row.value(QStringLiteral("profileName")).toString(),
                 QStringLiteral("Иванов Иван Иванович"));
        QCOMPARE(row.value(QStringLiteral("cryptography")).toString(),
                 QStringLiteral("ECDSA P-256"));
        QVERIFY(row.value(QStringLiteral("validTo"))
                    .toString()
                    .contains(QRegularExpression(QStringLiteral("^\\d\\d\\.\\d\\d\\.\\d{4}$"))));
        QVERIFY(kiosk.profiles()->hasCritical());

        kiosk.onPresence(PresenceState::TokenGone, std::nullopt, {});
        QCOMPARE(kiosk.screen(), KioskScreen::InsertToken);
        QVERIFY(kiosk.tokenWasRemoved());
        QCOMPARE(kiosk.profiles()->rowCount(), 0);
        QVERIFY(kiosk.tokenSerial().isEmpty());
    }

    void tokenWithoutCertificateNeedsInitialGeneration()
    {
        TokenOptions options;
        options.withCertificate = false;
        TestToken token(options);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        kiosk.onPresence(PresenceState::TokenReady, firstToken(), {});
        QTRY_COMPARE(kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(kiosk.profiles()->rowCount(), 1);
        const QVariantMap row = kiosk.profiles()->get(0);
        QCOMPARE(row.value(QStringLiteral("status")).value<ProfileStatus>(),
                 ProfileStatus::InitialGenerationNeeded);
        QCOMPARE(row.value(QStringLiteral("errorText")).toString(),
                 clientMessage(ErrorCode::NoCertificate));
        QVERIFY(kiosk.profiles()->hasCritical());
    }

    void unreadableCertificateIsShownNotHidden()
    {
        TestToken token; // a good certificate (id 01) ...
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        QVERIFY(token.writeUnparseableCertificate()); // ... and a broken one (id 02)
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        kiosk.onPresence(PresenceState::TokenReady, firstToken(), {});
        QTRY_COMPARE(kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(kiosk.profiles()->rowCount(), 2);
        QCOMPARE(kiosk.profiles()->get(0).value(QStringLiteral("status")).value<ProfileStatus>(),
                 ProfileStatus::InOperation);
        QCOMPARE(kiosk.profiles()->get(1).value(QStringLiteral("errorText")).toString(),
                 clientMessage(ErrorCode::CertificateUnparseable));
        QVERIFY(kiosk.profiles()->get(1).value(QStringLiteral("critical")).toBool());
    }

    void aReadThatFinishesAfterRemovalIsDropped()
    {
        TestToken token;
        auto info = firstToken();
        QVERIFY(info);
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        kiosk.onPresence(PresenceState::TokenReady, info, {});
        kiosk.onPresence(PresenceState::NoToken, std::nullopt, {});
        QTest::qWait(300);
        QCOMPARE(kiosk.screen(), KioskScreen::InsertToken);
        QCOMPARE(kiosk.profiles()->rowCount(), 0);
    }

    void problemsHaveAScreenAndAnErrorId_data()
    {
        QTest::addColumn<PresenceState>("state");
        QTest::addColumn<Error>("error");
        QTest::addColumn<KioskScreen>("screen");
        QTest::addColumn<QString>("errorId");
        QTest::newRow("pcscd down") << PresenceState::ServiceUnavailable << Error()
                                    << KioskScreen::OutOfService << "KK-301";
        QTest::newRow("USB stick")
            << PresenceState::ForeignDevice << Error() << KioskScreen::Message << "KK-302";
        QTest::newRow("two tokens")
            << PresenceState::SeveralTokens << Error() << KioskScreen::Message << "KK-303";
        QTest::newRow("no module")
            << PresenceState::TokenError << Error(ErrorCode::ModuleNotFound, QStringLiteral("x"))
            << KioskScreen::Message << "KK-101";
        QTest::newRow("broken module")
            << PresenceState::TokenError << Error(ErrorCode::ModuleBroken, QStringLiteral("x"))
            << KioskScreen::Message << "KK-102";
    }
    void problemsHaveAScreenAndAnErrorId()
    {
        QFETCH(PresenceState, state);
        QFETCH(Error, error);
        QFETCH(KioskScreen, screen);
        QFETCH(QString, errorId);
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        kiosk.onPresence(state, std::nullopt, error);
        QCOMPARE(kiosk.screen(), screen);
        QCOMPARE(kiosk.errorId(), errorId);
        QVERIFY(!kiosk.message().isEmpty());
    }

    void entropyControllerCompletesOnceAndHandsOverAFreshSeed()
    {
        EntropyController entropy(32);
        QSignalSpy completed(&entropy, &EntropyController::completed);
        QSignalSpy progress(&entropy, &EntropyController::progressChanged);
        QRandomGenerator rng(3);
        double x = 300, y = 300;
        for (int i = 0; i < 400 && !entropy.complete(); ++i) {
            x += rng.bounded(21) - 10;
            y += rng.bounded(21) - 10;
            entropy.addPoint(x, y, 0.4, 0);
            QThread::usleep(2000 + rng.bounded(6000)); // arrival times as a finger's
        }
        QVERIFY(entropy.complete());
        QCOMPARE(entropy.progress(), 1.0);
        QCOMPARE(completed.count(), 1);
        QVERIFY(progress.count() > 10);
        const int before = RAND_status();
        auto seed = entropy.takeSeed(); // also mixed into OpenSSL's DRBG
        QVERIFY(seed.ok());
        QCOMPARE(seed->size(), 32);
        QCOMPARE(RAND_status(), before);
        QCOMPARE(entropy.creditedBits(), 0.0); // a fresh pool for the next client
        QVERIFY(entropy.takeSeed().value() != seed.value());
    }

    void messagesFollowTheLanguage()
    {
        LanguageController language;
        TokenService tokens(softhsmModule());
        KioskController kiosk(&tokens, StatusPolicy{});
        QSignalSpy changed(&kiosk, &KioskController::screenChanged);
        connect(&language, &LanguageController::languageChanged, &kiosk,
                &KioskController::retranslate);
        kiosk.onPresence(PresenceState::ForeignDevice, std::nullopt, {});
        QVERIFY(language.setLanguage(QStringLiteral("ru")));
        QCOMPARE(kiosk.message(), QStringLiteral("Это устройство не является поддерживаемым "
                                                 "токеном. Извлеките его и вставьте ваш токен."));
        const int before = changed.count();
        QVERIFY(language.setLanguage(QStringLiteral("kk")));
        QVERIFY(changed.count() > before);
        QVERIFY(kiosk.message().contains(QStringLiteral("токен емес")));
        QVERIFY(language.setLanguage(QStringLiteral("en")));
        QCOMPARE(
            kiosk.message(),
            QStringLiteral(
                "This device is not a supported token. Please remove it and insert your token."));
        QVERIFY(!language.setLanguage(QStringLiteral("de")));
        QCOMPARE(language.language(), QStringLiteral("en"));
    }
};

QTEST_GUILESS_MAIN(TestKioskController)
#include "tst_kioskcontroller.moc"
