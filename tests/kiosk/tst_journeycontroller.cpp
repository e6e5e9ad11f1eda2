// The journey as the kiosk runs it, below the QML: the real controllers (KioskStack, wired
// as in main.cpp) over a SoftHSM2 token and keykiosk-ra. The PIN goes in by key positions on
// the shuffled pad, the seed by points on the entropy pad - the same calls QML makes.
#include "harness.h"
#include "kioskstack.h"

#include "keykiosk/enroll/bankmonitor.h"
#include "keykiosk/journal/journal.h"

#include <QTcpServer>
#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
struct Scene
{
    RaServer ra;
    std::unique_ptr<TestToken> token;
    QTemporaryDir dir;
    std::unique_ptr<Journal> journal;
    std::unique_ptr<KioskStack> kiosk;
    TokenInfo info;

    // locking: the token behind the PIN-retry shim (three wrong PINs lock it, as real ones do).
    explicit Scene(const RaServer::Options &bank = {}, int idleSeconds = 60,
                   int countdownSeconds = 15, bool locking = false)
        : ra(bank)
    {
        if (!ra.start())
            return;
        TokenOptions options;
        options.caDir = ra.dir();
        options.daysLeft = 20;
        token = std::make_unique<TestToken>(options);
        journal = Journal::open(dir.filePath(QStringLiteral("journal.db"))).takeValue();
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        const QString module = locking ? token->lockingModule() : softhsmModule();
        kiosk = std::make_unique<KioskStack>(module, endpoint.value(), journal.get(), idleSeconds,
                                             countdownSeconds);
        kiosk->runner.setDefaultPollMs(300);
        kiosk->entropy.setTargetBits(16); // the pool's own tests cover the full target
        auto loaded = Pkcs11Module::load(module);
        info = loaded.value()->tokens().value().first();
    }
    bool valid() const { return token && token->isValid() && kiosk; }

    void insert() { kiosk->kiosk.onPresence(PresenceState::TokenReady, info, {}); }
    void remove() { kiosk->kiosk.onPresence(PresenceState::TokenGone, std::nullopt, {}); }
    // Insert, renew up to "принят банком", leave with the slip and take the token out.
    bool leaveWithTheSlip()
    {
        insert();
        if (!QTest::qWaitFor(
                [this] { return kiosk->kiosk.screen() == KioskScreen::TokenProfiles; }))
            return false;
        kiosk->journey.begin();
        kiosk->journey.confirm();
        typePin("123456");
        kiosk->pinPad.submit();
        if (!QTest::qWaitFor(
                [this] { return kiosk->journey.state() == WorkflowState::CollectingEntropy; }))
            return false;
        draw();
        if (!QTest::qWaitFor([this] { return kiosk->journey.state() == WorkflowState::WithBank; },
                             20000))
            return false;
        kiosk->journey.cancel(); // "I will come back later"
        remove();
        return kiosk->kiosk.screen() == KioskScreen::InsertToken;
    }
    void typePin(const char *pin) { kk::typePin(kiosk->pinPad, pin); }
    void draw() { kk::draw(*kiosk); }
};
} // namespace

class TestJourneyController : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // No printer here: libcups finds no scheduler on this socket.
        qputenv("CUPS_SERVER", "/nonexistent/cups.sock");
    }

    void fromTheTokenTableToTheNewKeyInOperation()
    {
        Scene s;
        QVERIFY(s.valid());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(s.kiosk->kiosk.selectedAction(), RenewalAction::Renew);
        // No act for a certificate the kiosk had no part in (it used to offer "print again").
        QVERIFY(!s.kiosk->kiosk.canShowAct());

        s.kiosk->journey.begin();
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::Renewal);
        QCOMPARE(s.kiosk->journey.state(), WorkflowState::Explaining);
        s.kiosk->journey.confirm();
        QCOMPARE(s.kiosk->journey.state(), WorkflowState::EnteringPin);
        s.typePin("123456");
        QCOMPARE(s.kiosk->pinPad.digitCount(), 6);
        s.kiosk->pinPad.submit();
        QCOMPARE(s.kiosk->pinPad.digitCount(), 0); // the PIN left the pad for the journey
        QTRY_COMPARE(s.kiosk->journey.state(), WorkflowState::CollectingEntropy);
        s.draw();
        QTRY_COMPARE_WITH_TIMEOUT(s.kiosk->journey.state(), WorkflowState::CertificateReceived,
                                  20000);
        QCOMPARE(s.kiosk->journey.requestNumber(), QStringLiteral("R-000001"));
        QVERIFY(s.kiosk->act.ready()); // the act of the new certificate, for the last screen
        s.kiosk->journey.acknowledge();
        QCOMPARE(s.kiosk->journey.state(), WorkflowState::Finished);
        s.kiosk->journey.close();
        // The table is read again and shows the new key in operation.
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(s.kiosk->kiosk.profiles()
                     ->get(0)
                     .value(QStringLiteral("status"))
                     .value<ProfileStatus>(),
                 ProfileStatus::InOperation);

        // A later visit prints the act again; with no printer the client is told so, and the
        // act is still saved where staff find it.
        QVERIFY(s.kiosk->kiosk.canShowAct()); // the kiosk installed this certificate
        QVERIFY(!s.kiosk->kiosk.actPrintedBefore());
        s.kiosk->act.clear();
        s.kiosk->kiosk.showAcceptanceAct();
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::AcceptanceAct);
        QVERIFY(s.kiosk->act.ready());
        QVERIFY(!s.kiosk->act.preview(400).isNull());
        s.kiosk->act.print();
        QCOMPARE(s.kiosk->act.errorId(), QStringLiteral("KK-501"));
        QVERIFY(!s.kiosk->act.message().isEmpty());
        QVERIFY(!s.kiosk->act.printed());
        QVERIFY(QFile::exists(s.kiosk->act.lastSavedPath()));
        QVERIFY(s.kiosk->kiosk.actPrintedBefore()); // "print the act again" from now on
        s.kiosk->kiosk.closeAcceptanceAct();
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        s.kiosk->kiosk.showAcceptanceAct();
        s.remove(); // the next client must not find this one's act
        QVERIFY(!s.kiosk->act.ready());
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::InsertToken);
        // Taking the token out after a renewal is the plan, not an error (no red notice).
        QVERIFY(s.kiosk->kiosk.tokenWasRemoved());
        QVERIFY(!s.kiosk->kiosk.journeyInterrupted());
    }

    void aTokenTakenOutMidJourneyIsSaidSo()
    {
        Scene s;
        QVERIFY(s.valid());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        s.remove(); // from the table: nothing was under way
        QVERIFY(!s.kiosk->kiosk.journeyInterrupted());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        s.kiosk->journey.begin();
        s.kiosk->journey.confirm();
        s.typePin("12");
        s.remove();
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::InsertToken);
        QVERIFY(s.kiosk->kiosk.journeyInterrupted());
        QCOMPARE(s.kiosk->pinPad.digitCount(), 0);
        s.insert(); // the next token clears the notice
        QVERIFY(!s.kiosk->kiosk.journeyInterrupted());
    }

    void idleCountdownWipesTheSession()
    {
        Scene s({}, 1, 2);
        QVERIFY(s.valid());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(s.kiosk->idle.armed());
        s.kiosk->journey.begin();
        s.kiosk->journey.confirm();
        s.typePin("123");
        QSignalSpy countdown(&s.kiosk->idle, &IdleWatch::countdownChanged);
        QTRY_VERIFY_WITH_TIMEOUT(s.kiosk->idle.countingDown(), 3000);
        QVERIFY(s.kiosk->idle.secondsLeft() >= 1 && s.kiosk->idle.secondsLeft() <= 2);
        s.kiosk->idle.poke(); // a touch: the countdown stops, the session goes on
        QVERIFY(!s.kiosk->idle.countingDown());
        QCOMPARE(s.kiosk->journey.state(), WorkflowState::EnteringPin);
        QCOMPARE(s.kiosk->pinPad.digitCount(), 3);

        QTRY_VERIFY_WITH_TIMEOUT(s.kiosk->kiosk.sessionTimedOut(), 6000);
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::InsertToken);
        QCOMPARE(s.kiosk->runner.state(), WorkflowState::Cancelled);
        QCOMPARE(s.kiosk->pinPad.digitCount(), 0); // wiped
        QVERIFY(!s.kiosk->idle.armed());           // nothing left to wipe on the attract screen
        QVERIFY(countdown.count() >= 3);

        // The timed-out token is ignored until it leaves; the next one is welcome.
        s.kiosk->kiosk.onPresence(PresenceState::TokenGone, std::nullopt, {});
        QVERIFY(!s.kiosk->kiosk.sessionTimedOut());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
    }

    void wrongPinShowsTriesLeftThenALockedTokenSendsToStaff()
    {
        Scene s({}, 60, 15, true);
        QVERIFY(s.valid());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        s.kiosk->journey.begin();
        s.kiosk->journey.confirm();
        QVERIFY(s.kiosk->pinPad.triesText().isEmpty()); // no failed tries yet
        s.typePin("000000");
        s.kiosk->pinPad.submit();
        // Back on the pad, never retried by itself: the message and the token's tries left.
        QTRY_COMPARE(s.kiosk->journey.state(), WorkflowState::EnteringPin);
        QCOMPARE(s.kiosk->journey.errorId(), QStringLiteral("KK-105"));
        QVERIFY(!s.kiosk->journey.message().isEmpty());
        QCOMPARE(s.kiosk->pinPad.pinState(), PinState::CountLow);
        QVERIFY(!s.kiosk->pinPad.triesText().isEmpty());
        s.typePin("000000");
        s.kiosk->pinPad.submit();
        QTRY_COMPARE(s.kiosk->journey.state(), WorkflowState::EnteringPin);
        QCOMPARE(s.kiosk->pinPad.pinState(), PinState::FinalTry);
        s.typePin("000000");
        s.kiosk->pinPad.submit();
        QTRY_COMPARE(s.kiosk->journey.state(), WorkflowState::Error);
        QCOMPARE(s.kiosk->journey.errorId(), QStringLiteral("KK-106"));
        QVERIFY(s.kiosk->journey.seeStaff());
        QCOMPARE(s.kiosk->pinPad.digitCount(), 0);
        // Back to the table: the locked token is read again and offers only "see the staff".
        s.kiosk->journey.close();
        s.kiosk->kiosk.onPresence(PresenceState::TokenGone, std::nullopt, {});
        TokenInfo locked = s.info;
        locked.pinState = PinState::Locked;
        s.kiosk->kiosk.onPresence(PresenceState::TokenReady, locked, {});
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(s.kiosk->kiosk.selectedAction(), RenewalAction::SeeStaff);
    }

    void progressAfterHalfASecondThenTheBankUnreachableKeepsTheKey()
    {
        // A bank that accepts the connection and never answers: "sending" lasts until the
        // message timeout, long enough for the progress and its elapsed seconds to show.
        QTcpServer silentBank;
        QVERIFY(silentBank.listen(QHostAddress::LocalHost));
        Scene s;
        QVERIFY(s.valid());
        auto endpoint =
            CmpEndpoint::fromFiles(
                QStringLiteral("https://127.0.0.1:%1/.well-known/cmp").arg(silentBank.serverPort()),
                s.ra.raCertPath(), s.ra.caCertPath())
                .value();
        endpoint.messageTimeoutSeconds = 3;
        endpoint.totalTimeoutSeconds = 3;
        KioskStack stack(softhsmModule(), endpoint, s.journal.get());
        stack.entropy.setTargetBits(16);
        stack.kiosk.onPresence(PresenceState::TokenReady, s.info, {});
        QTRY_COMPARE(stack.kiosk.screen(), KioskScreen::TokenProfiles);
        stack.journey.begin();
        stack.journey.confirm();
        typePin(stack.pinPad, "123456");
        stack.pinPad.submit();
        QTRY_COMPARE(stack.journey.state(), WorkflowState::CollectingEntropy);
        kk::draw(stack);
        QTRY_COMPARE(stack.journey.state(), WorkflowState::Sending);
        QTRY_VERIFY_WITH_TIMEOUT(stack.journey.showProgress(), 2000);
        QTRY_VERIFY_WITH_TIMEOUT(stack.journey.elapsedSeconds() >= 1, 3000);
        QVERIFY(!stack.idle.armed()); // waiting for the bank is not idleness
        QTRY_COMPARE_WITH_TIMEOUT(stack.journey.state(), WorkflowState::Error, 10000);
        QCOMPARE(stack.journey.errorId(), QStringLiteral("KK-401"));
        // The new key stays for next time, and the screen says so, and no more: the bank never
        // received the request.
        QCOMPARE(stack.journey.aftermath(), RenewalAftermath::AftermathNewKeyKept);
        QVERIFY(stack.journey.aftermathText().contains(QStringLiteral("has not received")));
        QVERIFY(!stack.journey.showProgress());
        QVERIFY(stack.idle.armed());
        // The current key still works: the table shows it in operation's window as before.
        stack.journey.close();
        QTRY_COMPARE(stack.kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(
            stack.kiosk.profiles()->get(0).value(QStringLiteral("status")).value<ProfileStatus>(),
            ProfileStatus::PlannedRegenerationNeeded); // not «принят банком»: it never was
        QCOMPARE(stack.kiosk.selectedAction(), RenewalAction::Renew);
    }

    void aSwappedTokenAbortsTheJourney()
    {
        Scene s;
        QVERIFY(s.valid());
        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        s.kiosk->journey.begin();
        s.kiosk->journey.confirm();
        s.typePin("1234");
        TokenInfo other = s.info;
        other.serial = QStringLiteral("another-token");
        s.kiosk->kiosk.onPresence(PresenceState::TokenReady, other, {});
        QCOMPARE(s.kiosk->runner.state(), WorkflowState::Error);
        QCOMPARE(s.kiosk->runner.context().error.code, ErrorCode::TokenRemoved);
        QVERIFY(!s.kiosk->kiosk.journeyActive());
        QCOMPARE(s.kiosk->pinPad.digitCount(), 0);
        QTRY_COMPARE(s.kiosk->kiosk.tokenSerial(), QStringLiteral("another-token")); // once read
    }

    void approvedMeanwhileGoesStraightToPickupEvenAtAnotherKiosk()
    {
        RaServer::Options bank;
        bank.approval = QStringLiteral("manual");
        Scene s(bank);
        QVERIFY(s.valid());
        QVERIFY(s.leaveWithTheSlip());
        QCOMPARE(s.kiosk->journey.requestNumber(), QStringLiteral("R-000001"));
        s.ra.cli({QStringLiteral("approve"), QStringLiteral("1")});

        // Another kiosk: a fresh stack and an empty journal; the token's pending key says it all.
        QTemporaryDir otherDir;
        auto otherJournal =
            Journal::open(otherDir.filePath(QStringLiteral("journal.db"))).takeValue();
        auto endpoint = CmpEndpoint::fromFiles(s.ra.url(), s.ra.raCertPath(), s.ra.caCertPath());
        KioskStack other(softhsmModule(), endpoint.value(), otherJournal.get());
        other.kiosk.onPresence(PresenceState::TokenReady, s.info, {});
        QTRY_COMPARE(other.kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(
            other.kiosk.profiles()->get(0).value(QStringLiteral("status")).value<ProfileStatus>(),
            ProfileStatus::AcceptedByBank);
        QCOMPARE(other.kiosk.selectedAction(), RenewalAction::PickUp);
        QList<WorkflowState> shown;
        connect(&other.journey, &JourneyController::screenChanged, this,
                [&] { shown << other.journey.state(); });
        other.journey.begin();
        QCOMPARE(other.journey.state(), WorkflowState::EnteringPin); // no explanation, no drawing
        QVERIFY(other.journey.resuming());
        typePin(other.pinPad, "123456");
        other.pinPad.submit();
        QTRY_COMPARE_WITH_TIMEOUT(other.journey.state(), WorkflowState::CertificateReceived, 20000);
        // Picking up is never shown as "generating your new key".
        QVERIFY(!shown.contains(WorkflowState::GeneratingKey));
        QVERIFY(!shown.contains(WorkflowState::CollectingEntropy));
        QVERIFY(shown.contains(WorkflowState::PickingUp));
        QCOMPARE(s.ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
    }

    void refusedMeanwhileShowsTheReasonThenANewRequest()
    {
        RaServer::Options bank;
        bank.approval = QStringLiteral("manual");
        Scene s(bank);
        QVERIFY(s.valid());
        QVERIFY(s.leaveWithTheSlip());
        const QString reason = QStringLiteral("Неверно указан ИНН организации");
        s.ra.cli(
            {QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"), reason});

        s.insert();
        QTRY_COMPARE(s.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(s.kiosk->kiosk.selectedAction(), RenewalAction::PickUp);
        s.kiosk->journey.begin();
        s.typePin("123456");
        s.kiosk->pinPad.submit();
        QTRY_COMPARE_WITH_TIMEOUT(s.kiosk->journey.state(), WorkflowState::Refused, 20000);
        QVERIFY2(s.kiosk->journey.bankReason().contains(reason),
                 qPrintable(s.kiosk->journey.bankReason()));
        s.kiosk->journey.newRequest();
        QCOMPARE(s.kiosk->journey.state(), WorkflowState::Explaining);
        QVERIFY(!s.kiosk->journey.resuming());
        QCOMPARE(s.kiosk->kiosk.screen(), KioskScreen::Renewal);
    }

    void expiredOrLockedMeansSeeStaff()
    {
        QCOMPARE(actionFor(ProfileStatus::Expired, PinState::Ok), RenewalAction::SeeStaff);
        QCOMPARE(actionFor(ProfileStatus::PlannedRegenerationNeeded, PinState::Locked),
                 RenewalAction::SeeStaff);
        QCOMPARE(actionFor(ProfileStatus::InitialGenerationNeeded, PinState::Ok),
                 RenewalAction::SeeStaff);
        QCOMPARE(actionFor(ProfileStatus::AcceptedByBank, PinState::CountLow),
                 RenewalAction::PickUp);
        QCOMPARE(actionFor(ProfileStatus::PrimaryRegenerationNeeded, PinState::Ok),
                 RenewalAction::Renew);

        // begin() refuses what the table does not offer.
        TokenOptions options;
        options.daysLeft = -3;
        TestToken token(options);
        QVERIFY(token.isValid());
        KioskStack stack(softhsmModule());
        auto module = Pkcs11Module::load(softhsmModule());
        stack.kiosk.onPresence(PresenceState::TokenReady, module.value()->tokens().value().first(),
                               {});
        QTRY_COMPARE(stack.kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(stack.kiosk.selectedAction(), RenewalAction::SeeStaff);
        stack.journey.begin();
        QCOMPARE(stack.kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(stack.journey.state(), WorkflowState::Idle);
    }

    void outOfServiceWhileTheBankIsDownAndBack()
    {
        QTcpServer bank;
        QVERIFY(bank.listen(QHostAddress::LocalHost));
        const quint16 port = bank.serverPort();
        KioskStack stack;
        BankMonitor monitor(QStringLiteral("127.0.0.1"), port, 1);
        QObject::connect(&monitor, &BankMonitor::reachableChanged, &stack.kiosk,
                         &KioskController::setBankReachable);
        stack.kiosk.onPresence(PresenceState::NoToken, std::nullopt, {});
        monitor.start();
        QTest::qWait(1500);
        QVERIFY(monitor.reachable());
        QCOMPARE(stack.kiosk.screen(), KioskScreen::InsertToken);

        bank.close(); // connection refused from now on; two failed probes are needed
        QTRY_VERIFY_WITH_TIMEOUT(!monitor.reachable(), 5000);
        QCOMPARE(stack.kiosk.screen(), KioskScreen::OutOfService);
        QCOMPARE(stack.kiosk.errorId(), errorId(ErrorCode::BankUnreachable));
        // An idle kiosk has no request to speak of (it used to say "your request is kept").
        QVERIFY2(!stack.kiosk.message().contains(QStringLiteral("request"), Qt::CaseInsensitive),
                 qPrintable(stack.kiosk.message()));

        QVERIFY(bank.listen(QHostAddress::LocalHost, port));
        QTRY_VERIFY_WITH_TIMEOUT(monitor.reachable(), 5000);
        QCOMPARE(stack.kiosk.screen(), KioskScreen::InsertToken); // cleared by itself
    }
};

QTEST_MAIN(TestJourneyController)
#include "tst_journeycontroller.moc"
