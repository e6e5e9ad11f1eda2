// Staff mode as the kiosk runs it, below the QML: the real controllers (KioskStack) over two
// SoftHSM2 tokens - a staff member's and a client's, in the kiosk's two token places - and
// keykiosk-ra. The PIN goes in by key positions on the shuffled pad, the checklist by the
// number pad's digits, the seed by points on the entropy pad: the calls QML makes.
#include "harness.h"
#include "kioskstack.h"

#include "keykiosk/enroll/roles.h"
#include "keykiosk/journal/journal.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {

struct Branch
{
    RaServer ra;
    std::unique_ptr<TestToken> store;
    QTemporaryDir dir;
    std::unique_ptr<Journal> journal;
    std::unique_ptr<KioskStack> kiosk;
    TokenInfo staff, client, secondClient;

    // clientDaysLeft < 0: the client's certificate has expired.
    explicit Branch(int clientDaysLeft = -3, int staffIdleSeconds = 300) : ra(options())
    {
        if (!ra.start())
            return;
        store = std::make_unique<TestToken>(staffTokenOptions(ra.dir()));
        TokenOptions c;
        c.label = QStringLiteral("Client");
        c.caDir = ra.dir();
        c.daysLeft = clientDaysLeft;
        c.uid = QStringLiteral("KIOSK-7");
        TokenOptions other;
        other.label = QStringLiteral("Other");
        other.caDir = ra.dir();
        if (!store->isValid() || !store->addToken(c) || !store->addToken(other))
            return;
        journal = Journal::open(dir.filePath(QStringLiteral("journal.db"))).takeValue();
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        // A short staff idle comes with a short countdown, so that its test ends soon.
        kiosk = std::make_unique<KioskStack>(softhsmModule(), endpoint.value(), journal.get(), 60,
                                             staffIdleSeconds < 60 ? 2 : 15, staffIdleSeconds);
        kiosk->runner.setDefaultPollMs(300);
        kiosk->entropy.setTargetBits(16);
        const QVector<TokenInfo> tokens =
            Pkcs11Module::load(softhsmModule()).value()->tokens().value();
        for (const TokenInfo &t : tokens) {
            if (t.label == QLatin1String("Staff"))
                staff = t;
            else if (t.label == QLatin1String("Client"))
                client = t;
            else if (t.label == QLatin1String("Other"))
                secondClient = t;
        }
    }
    static RaServer::Options options()
    {
        RaServer::Options o;
        o.checkAfterSeconds = 1;
        return o;
    }
    bool valid() const { return kiosk && !staff.serial.isEmpty() && !client.serial.isEmpty(); }

    void present(const QVector<TokenInfo> &tokens)
    {
        kiosk->kiosk.onTokens(tokens.isEmpty() ? PresenceState::NoToken : PresenceState::TokenReady,
                              tokens, {});
    }
    void typePin(const char *pin)
    {
        kk::typePin(kiosk->pinPad, pin);
        kiosk->pinPad.submit();
    }
    void draw() { kk::draw(*kiosk); }
    void typeDigits(const char *digits)
    {
        for (const char *c = digits; *c; ++c)
            kiosk->checklist.typeDigit(*c - '0');
    }
    // The staff token in, its PIN on the pad: staff mode.
    bool logIn()
    {
        present({staff});
        if (!QTest::qWaitFor(
                [this] { return kiosk->journey.state() == WorkflowState::EnteringPin; }))
            return false;
        typePin(kStaffPin);
        return QTest::qWaitFor([this] { return kiosk->staff.active(); }, 10000);
    }
    // Staff mode, then the client's token next to the staff token, and the recovery chosen.
    bool toChecklist()
    {
        if (!logIn())
            return false;
        present({staff, client});
        if (!QTest::qWaitFor(
                [this] { return kiosk->kiosk.screen() == KioskScreen::TokenProfiles; }))
            return false;
        kiosk->staff.beginRecovery(int(RecoveryCase::ExpiredKey));
        return kiosk->journey.state() == WorkflowState::StaffChecklist;
    }
    bool fillChecklist()
    {
        ChecklistController &c = kiosk->checklist;
        c.setIdentityChecked(true);
        c.setApplicationReceived(true);
        c.setField(ChecklistField::Application);
        typeDigits("4711");
        c.setField(ChecklistField::ApplicationDate);
        typeDigits(qPrintable(QDate::currentDate().toString(QStringLiteral("ddMMyyyy"))));
        return c.confirm();
    }
};
} // namespace

class TestStaffMode : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("CUPS_SERVER", "/nonexistent/cups.sock"); }

    void theStaffTokenOpensStaffModeOnTheSamePad()
    {
        Branch b;
        QVERIFY(b.valid());
        b.present({b.staff});
        QTRY_COMPARE(b.kiosk->journey.state(), WorkflowState::EnteringPin); // by itself
        QCOMPARE(b.kiosk->journey.kind(), JourneyKind::StaffLogin);
        QVERIFY(b.kiosk->staff.tokenPresent());
        QVERIFY(!b.kiosk->staff.active());
        b.typePin("000000");
        QTRY_COMPARE(b.kiosk->journey.state(), WorkflowState::EnteringPin);
        QCOMPARE(b.kiosk->journey.errorId(), QStringLiteral("KK-105"));
        b.typePin(kStaffPin);
        QTRY_VERIFY(b.kiosk->staff.active());
        QCOMPARE(b.kiosk->staff.name(), QStringLiteral("Петрова Анна Сергеевна"));
        QCOMPARE(b.kiosk->staff.title(), QStringLiteral("Операционист"));
        // Straight to staff mode's own screen: insert the client's token.
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::StaffHome);
        QVERIFY(!b.kiosk->kiosk.journeyActive());
        // Two tokens are no error when one is the staff token.
        b.present({b.staff, b.client});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(b.kiosk->kiosk.tokenSerial(), b.client.serial);
        QCOMPARE(b.kiosk->staff.recoveryCases(), QVariantList{int(RecoveryCase::ExpiredKey)});
        QCOMPARE(b.kiosk->kiosk.selectedAction(), RenewalAction::SeeStaff);
        // A third token of any kind is one too many (presence never resolves it); staff mode
        // stays meanwhile.
        b.kiosk->kiosk.onTokens(PresenceState::SeveralTokens, {b.staff, b.client}, {});
        QCOMPARE(b.kiosk->kiosk.screen(), KioskScreen::Message);
        QCOMPARE(b.kiosk->kiosk.errorId(), QStringLiteral("KK-303"));
        QVERIFY(b.kiosk->staff.active());
        b.present({b.staff, b.client});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        // Two client tokens are one too many as well.
        b.kiosk->kiosk.onTokens(PresenceState::TokenReady, {b.client, b.secondClient}, {});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::Message);
        QCOMPARE(b.kiosk->kiosk.errorId(), QStringLiteral("KK-303"));
        QVERIFY(!b.kiosk->staff.active()); // the staff token left with that
    }

    void aClientTokenIsNoStaffToken()
    {
        Branch b;
        QVERIFY(b.valid());
        b.present({b.client});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(!b.kiosk->staff.tokenPresent());
        QVERIFY(b.kiosk->staff.recoveryCases().isEmpty()); // no staff mode: see the staff
        QCOMPARE(b.kiosk->kiosk.selectedAction(), RenewalAction::SeeStaff);
    }

    void aLockedClientTokenIsExplainedNotRecovered()
    {
        Branch b;
        QVERIFY(b.valid());
        QVERIFY(b.logIn());
        TokenInfo locked = b.client;
        locked.pinState = PinState::Locked; // as the token's flags report it
        b.present({b.staff, locked});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(b.kiosk->staff.clientPinLocked()); // the token screen says: replace the token
        QVERIFY(b.kiosk->staff.recoveryCases().isEmpty());
        b.kiosk->staff.beginRecovery(int(RecoveryCase::ExpiredKey));
        QVERIFY(!b.kiosk->kiosk.journeyActive()); // nothing can be done with this token
    }

    void theWholeRecoveryAtTheKiosk()
    {
        Branch b;
        QVERIFY(b.valid());
        QVERIFY(b.toChecklist());
        QCOMPARE(b.kiosk->journey.recoveryCase(), RecoveryCase::ExpiredKey);
        QCOMPARE(b.kiosk->checklist.owner(), QStringLiteral("Иванов Иван Иванович"));
        QCOMPARE(b.kiosk->checklist.abonentId(), QStringLiteral("KIOSK-7"));
        QVERIFY(!b.kiosk->checklist.needsAbonentNumbers());
        // Nothing confirmed yet: the checklist says what is missing, and the journey waits.
        QVERIFY(!b.kiosk->checklist.confirm());
        QVERIFY(!b.kiosk->checklist.problem().isEmpty());
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::StaffChecklist);
        QVERIFY(b.fillChecklist());
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::EnteringPin);
        b.typePin("123456"); // the client's own PIN, on the client's own token
        QTRY_COMPARE_WITH_TIMEOUT(b.kiosk->journey.state(), WorkflowState::CollectingEntropy,
                                  10000);
        b.draw();
        QTRY_COMPARE_WITH_TIMEOUT(b.kiosk->journey.state(), WorkflowState::CertificateReceived,
                                  20000);
        b.kiosk->journey.acknowledge();
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::Finished);
        b.kiosk->journey.close();
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QTRY_COMPARE(b.kiosk->kiosk.profiles()->profiles().first().status,
                     ProfileStatus::InOperation); // «в эксплуатации»
        QVERIFY(b.kiosk->staff.active());         // staff mode goes on for the next client
        const QString requests = b.ra.cli({QStringLiteral("requests")});
        QVERIFY2(requests.contains(QStringLiteral("staff: Петрова Анна Сергеевна")) &&
                     requests.contains(QStringLiteral("application 4711")),
                 qPrintable(requests));
    }

    void aSittingStartedInStaffModeRecoversItsExpiredSigner()
    {
        Branch b; // the client's certificate has expired
        QVERIFY(b.valid());
        QVERIFY(b.logIn());
        b.present({b.staff, b.client});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(b.kiosk->sitting.canStart());
        b.kiosk->sitting.start();
        QCOMPARE(b.kiosk->kiosk.screen(), KioskScreen::SittingBoard);
        QCOMPARE(b.kiosk->sitting.sitting()->signers.first().status,
                 SignerStatus::SignerNeedsStaff);
        QCOMPARE(b.kiosk->sitting.actionFor(0), SignerAction::SignerRecover); // staff are here
        b.kiosk->sitting.act(0);
        QCOMPARE(b.kiosk->journey.kind(), JourneyKind::StaffRecovery);
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::StaffChecklist);
        QVERIFY(b.fillChecklist());
        b.typePin("123456");
        QTRY_COMPARE_WITH_TIMEOUT(b.kiosk->journey.state(), WorkflowState::CollectingEntropy,
                                  10000);
        b.draw();
        QTRY_COMPARE_WITH_TIMEOUT(b.kiosk->journey.state(), WorkflowState::CertificateReceived,
                                  20000);
        b.kiosk->journey.acknowledge();
        b.kiosk->journey.close();
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::SittingBoard);
        QCOMPARE(b.kiosk->sitting.sitting()->signers.first().status,
                 SignerStatus::SignerCertificateReceived);
        // The bank keeps the recovery with the sitting.
        const QString listed = b.ra.cli(
            {QStringLiteral("requests"), QStringLiteral("--sitting"), b.kiosk->sitting.id()});
        QVERIFY2(listed.contains(QStringLiteral(": 1 request(s)")) &&
                     listed.contains(QStringLiteral("expired")),
                 qPrintable(listed));
    }

    void removingTheStaffTokenEndsStaffModeAndTheJourney()
    {
        Branch b;
        QVERIFY(b.valid());
        QVERIFY(b.toChecklist());
        QVERIFY(b.fillChecklist());
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::EnteringPin);
        b.kiosk->pinPad.appear();
        b.kiosk->pinPad.pressKey(0); // a digit typed: the pad holds part of the client's PIN
        b.present({b.client});       // the staff token leaves
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::Error);
        QCOMPARE(b.kiosk->journey.errorId(), QStringLiteral("KK-603"));
        QVERIFY(!b.kiosk->staff.active());
        QVERIFY(!b.kiosk->staff.tokenPresent());
        QCOMPARE(b.kiosk->pinPad.digitCount(), 0); // wiped
        b.kiosk->journey.close();
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(b.kiosk->kiosk.profiles()->profiles().first().status, ProfileStatus::Expired);
    }

    void theStaffTokenLeavingDoesNotTouchAClientsOwnRenewal()
    {
        Branch b(20); // a client who can renew alone
        QVERIFY(b.valid());
        QVERIFY(b.logIn());
        b.present({b.staff, b.client});
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        b.kiosk->journey.begin();
        QCOMPARE(b.kiosk->journey.kind(), JourneyKind::ClientRenewal);
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::Explaining);
        b.present({b.client});
        QVERIFY(!b.kiosk->staff.active());
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::Explaining);
        QVERIFY(b.kiosk->kiosk.journeyActive());
    }

    void endingStaffModeEndsAStaffJourney()
    {
        Branch b;
        QVERIFY(b.valid());
        QVERIFY(b.toChecklist());
        b.kiosk->staff.endStaffMode();
        QCOMPARE(b.kiosk->journey.state(), WorkflowState::Error);
        QCOMPARE(b.kiosk->journey.errorId(), QStringLiteral("KK-604"));
        QVERIFY(!b.kiosk->staff.active());
        QVERIFY(b.kiosk->staff.tokenPresent()); // the token is still in: log in again
        b.kiosk->journey.close();
        QTRY_COMPARE(b.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(b.kiosk->staff.recoveryCases().isEmpty());
    }

    void staffModeHasItsOwnIdleTimeout()
    {
        Branch b(-3, 1); // staff mode: 1 s untouched, then a 2 s countdown
        QVERIFY(b.valid());
        QVERIFY(b.logIn());
        QTRY_VERIFY_WITH_TIMEOUT(b.kiosk->staff.countingDown(), 5000);
        QVERIFY(b.kiosk->staff.active());
        b.kiosk->staffIdle.poke(); // a touch keeps staff mode
        QVERIFY(!b.kiosk->staff.countingDown());
        QTRY_VERIFY_WITH_TIMEOUT(!b.kiosk->staff.active(), 10000);
        QCOMPARE(b.kiosk->kiosk.screen(), KioskScreen::StaffHome); // log in again
    }
};

QTEST_MAIN(TestStaffMode)
#include "tst_staffmode.moc"
