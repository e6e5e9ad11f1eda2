// Staff mode's journeys on an in-process token and bank (fakes.h): the staff login on the
// same pad, and the recovery journey's table - the checklist first, the client's part shared
// with the renewal, an initial request instead of a key update - and that the staff token
// leaving ends every step of it with the client's keys untouched.
#include "fakes.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/journey/runner.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kSeed("fresh entropy from the client's drawing");

InitialRequestInfo confirmed(const QString &caseKind)
{
    InitialRequestInfo info;
    info.caseKind = caseKind;
    info.application = QStringLiteral("1742");
    info.applicationDate = QDate(2026, 11, 27);
    info.checklist =
        QStringList{QStringLiteral("identity-document"), QStringLiteral("signed-application")};
    info.snils = QStringLiteral("11223344595");
    info.inn = QStringLiteral("7707083893");
    return info;
}

struct StaffScene
{
    FakeToken token;
    FakeBank bank;
    std::shared_ptr<StaffSession> loggedIn;
    JourneyRunner runner{JourneyServices{
        &token, &bank, nullptr, 200, [this](std::shared_ptr<StaffSession> s) { loggedIn = s; }}};

    StaffScene() { token.staffCertificate = true; }
    void start()
    {
        JourneyContext context;
        context.token = token.info();
        runner.start(staffLoginJourney(), context);
    }
};

// A client's token at the kiosk while staff mode lasts (a staff session already open).
struct RecoveryScene
{
    FakeToken client;
    FakeBank bank;
    int staffClosed = 0;
    std::shared_ptr<StaffSession> staff = std::make_shared<FakeStaffSession>(&staffClosed);
    JourneyRunner runner{JourneyServices{&client, &bank, nullptr, 200}};

    // A blank token (a first key, a replacement), or the expired one the fake token holds.
    explicit RecoveryScene(bool blank)
    {
        if (blank) {
            client.entries.clear();
            client.profileKeyId = initialProfileId();
        }
    }
    void start()
    {
        TokenProfile profile;
        profile.renewal = renewalFacts(client.entries, client.profileKeyId);
        profile.lifecycle = lifecycleOnToken(profile.renewal);
        JourneyContext context = contextFor(client.info(), profile, nullptr);
        context.profileKeyId = client.profileKeyId;
        context.staff = staff;
        runner.start(staffRecoveryJourney(), context);
    }
    void runTo(StepId step, const QString &caseKind = QStringLiteral("first-key"))
    {
        start();
        if (step == StepId::Checklist)
            return;
        runner.confirmChecklist(confirmed(caseKind));
        if (step == StepId::EnterPin)
            return;
        runner.submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(runner.step(), StepId::CollectEntropy);
        if (step == StepId::CollectEntropy)
            return;
        runner.entropyReady(kSeed);
        QTRY_COMPARE(runner.step(), step);
    }
};
} // namespace

class TestStaffJourneys : public QObject
{
    Q_OBJECT
private slots:
    void staffLogInOnTheSamePad()
    {
        StaffScene s;
        s.start();
        QCOMPARE(s.runner.step(), StepId::EnterPin);
        QCOMPARE(s.runner.state(), WorkflowState::EnteringPin);
        s.runner.submitPin(SecureBuffer::fromText("000000"));
        QTRY_COMPARE(s.runner.step(), StepId::EnterPin); // a wrong PIN: back to the pad
        QCOMPARE(s.runner.context().error.code, ErrorCode::PinIncorrect);
        QVERIFY(!s.loggedIn);
        s.runner.submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(s.runner.step(), StepId::Finished);
        QVERIFY(s.loggedIn);
        QCOMPARE(s.loggedIn->name(), QStringLiteral("Петрова Анна Сергеевна"));
        // The journey let go of the session (and the PIN); staff mode holds it.
        QVERIFY(!s.runner.context().staff);
        QVERIFY(!s.runner.context().pin);
        QCOMPARE(s.token.staffSessionsClosed, 0);
        s.loggedIn.reset();
        QCOMPARE(s.token.staffSessionsClosed, 1);
    }

    void aClientTokenIsNoStaffToken()
    {
        StaffScene s;
        s.token.staffCertificate = false;
        s.start();
        s.runner.submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::NotAStaffToken);
        QVERIFY(!s.loggedIn);
    }

    void recoveryBeginsWithTheChecklistAndSendsAnInitialRequest()
    {
        RecoveryScene s(true);
        s.bank.script = {EnrollState::Waiting, EnrollState::Issued};
        s.start();
        QCOMPARE(s.runner.step(), StepId::Checklist);
        QCOMPARE(s.runner.state(), WorkflowState::StaffChecklist);
        QVERIFY(!s.runner.input(Outcome::Confirmed)); // only with what staff confirmed
        QVERIFY(!s.runner.input(Outcome::PinEntered));
        s.runner.confirmChecklist(confirmed(QStringLiteral("first-key")));
        QCOMPARE(s.runner.step(), StepId::EnterPin);
        s.runner.submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QCOMPARE(s.bank.initialRequests, 1);
        QCOMPARE(s.bank.lastRecovery.application, QStringLiteral("1742"));
        QCOMPARE(s.bank.lastRecovery.caseKind, QStringLiteral("first-key"));
        QCOMPARE(s.bank.lastStaff, QStringLiteral("Петрова Анна Сергеевна"));
        QCOMPARE(s.client.keysGenerated, 1);
        QCOMPARE(s.client.lastSeed, kSeed);
        // The first key takes its owner's name, and the token shows it in operation.
        QCOMPARE(s.client.entries.size(), 1);
        QCOMPARE(s.client.entries.first().label, QStringLiteral("Иванов Иван Иванович"));
        QVERIFY(s.runner.input(Outcome::Acknowledged));
        QCOMPARE(s.runner.step(), StepId::Finished);
        QVERIFY(!s.runner.context().staff); // the journey's reference went with the cleanup
        QCOMPARE(s.staffClosed, 0);         // staff mode still holds its own
    }

    void anExpiredKeyIsArchivedWhenTheNewOneIsInOperation()
    {
        RecoveryScene s(false);
        s.bank.script = {EnrollState::Issued};
        s.runTo(StepId::CertificateReceived, QStringLiteral("expired"));
        QCOMPARE(s.bank.initialRequests, 1);
        QCOMPARE(s.client.entries.size(), 2);
        QVERIFY(isArchivedLabel(s.client.entries.first().label));
        QCOMPARE(s.client.entries.last().label, QStringLiteral("Иванов"));
    }

    void theStaffTokenLeavingEndsEveryStep_data()
    {
        QTest::addColumn<int>("step");
        QTest::newRow("checklist") << int(StepId::Checklist);
        QTest::newRow("client's PIN") << int(StepId::EnterPin);
        QTest::newRow("drawing") << int(StepId::CollectEntropy);
        QTest::newRow("with the bank") << int(StepId::WithBank);
    }
    void theStaffTokenLeavingEndsEveryStep()
    {
        QFETCH(int, step);
        RecoveryScene s(false);
        s.bank.script = {EnrollState::Waiting, EnrollState::Waiting};
        const QVector<TokenKeyEntry> before = s.client.entries;
        s.runTo(StepId(step), QStringLiteral("expired"));
        s.runner.tokenRemoved(QStringLiteral("someone-else")); // neither token: nothing
        QCOMPARE(s.runner.step(), StepId(step));
        s.runner.tokenRemoved(s.staff->tokenSerial());
        QCOMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::StaffTokenRemoved);
        QVERIFY(!s.runner.context().pin);
        QVERIFY(!s.runner.context().renewal); // the client's session closed
        QCOMPARE(s.client.sessionsOpened, s.client.sessionsClosed);
        s.staff.reset(); // staff mode lets go too: nothing else holds the staff session
        QCOMPARE(s.staffClosed, 1);
        // The client's current key (and its label) untouched.
        QCOMPARE(s.client.entries.first().label, before.first().label);
        QCOMPARE(s.client.entries.first().certificateDer, before.first().certificateDer);
    }

    void theClientTokenLeavingEndsTheJourneyButNotStaffMode()
    {
        RecoveryScene s(true);
        s.runTo(StepId::Checklist);
        s.runner.tokenRemoved(s.client.info().serial);
        QCOMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::TokenRemoved);
        QCOMPARE(s.staffClosed, 0); // staff mode's session stays
    }

    void noInitialRequestWithoutStaff()
    {
        RecoveryScene s(true);
        s.runTo(StepId::CollectEntropy);
        // Staff mode ended by another path while the client drew: the context still holds the
        // checklist, but the bank step will not send an unprotected request.
        JourneyContext &context = const_cast<JourneyContext &>(s.runner.context());
        context.staff.reset();
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::StaffTokenRemoved);
        QCOMPARE(s.bank.exchanges, 0);
    }

    void theRecoveryTableHasEveryRowOfTheClientsPart()
    {
        // The client's part is shared with the renewal, not copied: every renewal row from the
        // PIN onwards is in the recovery journey.
        const Journey &renewal = renewalJourney();
        const Journey &recovery = staffRecoveryJourney();
        for (const Transition &t : renewal.table) {
            if (t.from == StepId::Start || t.from == StepId::Explain)
                continue;
            bool found = false;
            for (const Transition &r : recovery.table)
                found = found || (r.from == t.from && r.on == t.on && r.to == t.to);
            QVERIFY(found);
        }
        QCOMPARE(recovery.first, StepId::Checklist);
    }
};

QTEST_GUILESS_MAIN(TestStaffJourneys)
#include "tst_staffjourneys.moc"
