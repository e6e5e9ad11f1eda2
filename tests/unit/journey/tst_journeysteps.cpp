// The journey engine one step at a time, on an in-process token and bank (fakes.h): where
// each step goes on each outcome, what it leaves in the context and the journal, and that
// every exit cleans up.
#include "fakes.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/journal/journal.h"
#include "keykiosk/journey/runner.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kSeed("fresh entropy from the client's drawing");

struct Scene
{
    FakeToken token;
    FakeBank bank;
    QTemporaryDir dir;
    std::unique_ptr<Journal> journal =
        Journal::open(dir.filePath(QStringLiteral("journal.db"))).takeValue();
    // Polls every 200 ms: long enough for a test to see "with the bank", short for the suite.
    JourneyRunner runner{JourneyServices{&token, &bank, journal.get(), 200}};

    void start()
    {
        TokenProfile profile;
        profile.renewal = token.facts();
        profile.lifecycle = lifecycleOnToken(profile.renewal);
        runner.start(renewalJourney(), contextFor(token.info(), profile, journal.get()));
    }
    std::optional<KeyLifecycle> journalled()
    {
        auto row = journal->find(token.info().serial, token.profileKeyId).value();
        return row ? std::optional(row->lifecycle) : std::nullopt;
    }
    void pin(const char *typed = "123456") { runner.submitPin(SecureBuffer::fromText(typed)); }
};
} // namespace

class TestJourneySteps : public QObject
{
    Q_OBJECT
private slots:
    void theErrorScreenPromisesOnlyWhatIsTrue_data()
    {
        QTest::addColumn<KeyLifecycle>("lifecycle");
        QTest::addColumn<bool>("journalHolds");
        QTest::addColumn<bool>("bankConfirmed");
        QTest::addColumn<RenewalAftermath>("aftermath");
        // The testers' case: killed inside generation; no request exists anywhere.
        QTest::newRow("generating") << KeyLifecycle::GeneratingKey << false << false
                                    << RenewalAftermath::AftermathNewKeyUncertain;
        QTest::newRow("nothing made")
            << KeyLifecycle::NeedKey << false << false << RenewalAftermath::AftermathNothingChanged;
        QTest::newRow("refused") << KeyLifecycle::Refused << true << false
                                 << RenewalAftermath::AftermathNothingChanged;
        QTest::newRow("pending, never sent") << KeyLifecycle::HavePendingKey << true << false
                                             << RenewalAftermath::AftermathNewKeyKept;
        // The promise ("the bank keeps it, you go on from here") needs both to hold it.
        QTest::newRow("with the bank, journal too")
            << KeyLifecycle::WithBank << true << false << RenewalAftermath::AftermathRequestKept;
        QTest::newRow("with the bank, journal not") << KeyLifecycle::WithBank << false << false
                                                    << RenewalAftermath::AftermathBankHoldsRequest;
        QTest::newRow("certificate on the token") << KeyLifecycle::HaveCertificate << true << false
                                                  << RenewalAftermath::AftermathCertificateOnToken;
        QTest::newRow("confirmed, switch left")
            << KeyLifecycle::Confirming << true << true << RenewalAftermath::AftermathSwitchPending;
        QTest::newRow("done") << KeyLifecycle::Done << true << true
                              << RenewalAftermath::AftermathRenewed;
    }
    void theErrorScreenPromisesOnlyWhatIsTrue()
    {
        QFETCH(KeyLifecycle, lifecycle);
        QFETCH(bool, journalHolds);
        QFETCH(bool, bankConfirmed);
        QFETCH(RenewalAftermath, aftermath);
        JourneyContext context;
        context.lifecycle = lifecycle;
        context.bankConfirmed = bankConfirmed;
        if (lifecycle != KeyLifecycle::NeedKey)
            context.newKeyId = QByteArray::fromHex("beef");
        QCOMPARE(aftermathOf(context, journalHolds), aftermath);
    }

    void startExplainsANewKeyAndResumesARequestTheBankHolds()
    {
        Scene fresh;
        fresh.start();
        QCOMPARE(fresh.runner.step(), StepId::Explain);

        Scene pending; // a key the bank never acknowledged: the client is told, then no drawing
        pending.token.addNewKey(pendingKeyLabel(pending.token.profileKeyId));
        pending.start();
        QCOMPARE(pending.runner.step(), StepId::Explain);

        Scene accepted;
        accepted.token.addNewKey(acceptedKeyLabel(accepted.token.profileKeyId));
        accepted.start();
        QCOMPARE(accepted.runner.step(), StepId::EnterPin);

        Scene locked;
        locked.start();
        TokenInfo token = locked.token.info();
        token.pinState = PinState::Locked;
        JourneyContext context;
        context.token = token;
        locked.runner.start(renewalJourney(), context);
        QCOMPARE(locked.runner.step(), StepId::Failed);
        QCOMPARE(locked.runner.context().error.code, ErrorCode::PinLocked);
    }

    void aWrongPinGoesBackToThePadAndIsNeverRetried()
    {
        Scene s;
        s.start();
        QVERIFY(s.runner.input(Outcome::Confirmed));
        s.pin("000000");
        QCOMPARE(s.runner.step(), StepId::CheckPin);
        QTRY_COMPARE(s.runner.step(), StepId::EnterPin);
        QCOMPARE(s.runner.context().error.code, ErrorCode::PinIncorrect);
        QCOMPARE(s.runner.context().pinState, PinState::CountLow);
        QVERIFY(!s.runner.context().pin); // wiped
        QCOMPARE(s.token.pinChecks, 1);   // never retried
        QCOMPARE(s.token.sessionsOpened, 0);
    }

    void inputsAreTakenOnlyWhereTheTableHasThem()
    {
        Scene s;
        s.start();
        QVERIFY(!s.runner.input(Outcome::Acknowledged));
        QVERIFY(!s.runner.input(Outcome::PinEntered));
        s.pin(); // not on the pad yet: ignored, and the PIN goes with its buffer
        QCOMPARE(s.runner.step(), StepId::Explain);
        QCOMPARE(s.token.pinChecks, 0);
    }

    void aNewKeyIsNeverGeneratedWithoutFreshEntropy()
    {
        Scene s;
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        QCOMPARE(s.journalled(), KeyLifecycle::NeedKey);
        s.runner.entropyReady(QByteArray()); // nothing drawn
        QTRY_COMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.token.keysGenerated, 0);
        QCOMPARE(s.bank.exchanges, 0);
    }

    void theDrawingSeedsTheNewKeyAndTheRequestGoesToTheBank()
    {
        Scene s;
        s.bank.script = {EnrollState::Waiting, EnrollState::Issued};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::WithBank);
        QCOMPARE(s.token.keysGenerated, 1);
        QCOMPARE(s.token.lastSeed, kSeed);
        QCOMPARE(s.runner.context().requestNumber, QStringLiteral("R-000007"));
        QCOMPARE(s.journalled(), KeyLifecycle::WithBank);
        QVERIFY(isAcceptedLabel(s.token.entries.last().label)); // «принят банком» on the token
        // It polls by itself; the certificate arrives, the keys switch.
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QCOMPARE(s.journalled(), KeyLifecycle::Done);
        QCOMPARE(lifecycleOnToken(s.token.facts()), KeyLifecycle::Done);
        QCOMPARE(s.runner.context().newCertificate, issuedCertificate());
        QVERIFY(s.runner.input(Outcome::Acknowledged));
        QCOMPARE(s.runner.step(), StepId::Finished);
        QCOMPARE(s.token.sessionsClosed, s.token.sessionsOpened);
    }

    void aKeyAlreadyOnTheTokenIsSentAgainWithoutDrawing()
    {
        Scene s;
        s.token.addNewKey(pendingKeyLabel(s.token.profileKeyId));
        s.bank.script = {EnrollState::Issued};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QCOMPARE(s.token.keysGenerated, 0); // the same key, no drawing, no second request
        QCOMPARE(s.bank.exchanges, 1);
    }

    void aCertificateOnTheTokenIsConfirmedThenTheKeysSwitch()
    {
        // The kiosk stopped between the certificate's arrival and the bank's confirmation.
        Scene s;
        s.token.addNewKey(acceptedKeyLabel(s.token.profileKeyId), true);
        s.bank.script = {EnrollState::Issued}; // asked again, the bank delivers the same one
        s.start();
        QCOMPARE(s.runner.step(), StepId::EnterPin);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QCOMPARE(s.bank.steps, 1);
        QCOMPARE(s.token.keysGenerated, 0);
        QCOMPARE(lifecycleOnToken(s.token.facts()), KeyLifecycle::Done);
        QCOMPARE(s.journalled(), KeyLifecycle::Done);
    }

    void aConfirmedCertificateOnlyNeedsItsLabels()
    {
        // The bank confirmed and the old key was archived; the new one never got its label.
        Scene s;
        s.token.addNewKey(acceptedKeyLabel(s.token.profileKeyId), true);
        TokenKeyEntry &old = s.token.entries.first();
        old.certificateLabel = archivedLabel(old.certificateLabel, QDate(2026, 1, 1));
        s.start();
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QCOMPARE(s.bank.exchanges, 0); // nothing is asked of the bank
        QCOMPARE(s.token.entries.last().certificateLabel, QStringLiteral("Иванов"));
    }

    void aRefusalStaysOnTheTokenUntilANewRequestDropsIt()
    {
        Scene s;
        s.bank.script = {EnrollState::Waiting, EnrollState::Rejected};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::Refused);
        QCOMPARE(s.runner.context().bankText, QStringLiteral("Неверно указан ИНН организации"));
        // The token is the record of the refusal, and the journal keeps the bank's words.
        QCOMPARE(lifecycleOnToken(s.token.facts()), KeyLifecycle::Refused);
        QCOMPARE(s.journalled(), KeyLifecycle::Refused);
        QCOMPARE(s.journal->find(s.token.info().serial, s.token.profileKeyId).value()->detail,
                 QStringLiteral("Неверно указан ИНН организации"));
        QCOMPARE(s.token.sessionsClosed, s.token.sessionsOpened);

        // A new request: the refused key goes after the PIN, then a new one is drawn for.
        s.bank.script = {EnrollState::Waiting};
        s.start();
        QCOMPARE(s.runner.step(), StepId::Explain); // a new key will be made: explained
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        QCOMPARE(lifecycleOnToken(s.token.facts()), KeyLifecycle::NeedKey);
        QCOMPARE(s.journalled(), KeyLifecycle::NeedKey);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::WithBank);
        QCOMPARE(s.token.keysGenerated, 2);
        QVERIFY(!s.token.facts().newKeyRefused); // the new key, not the refused one
        QVERIFY(s.token.facts().newKeyAccepted);
        QCOMPARE(s.token.entries.size(), 2); // the current set and the new key, nothing else
    }

    void aWaitOutlastsAnOutageOfTheBank()
    {
        Scene s;
        s.runner.setOutageRetryMs(100, 400);
        s.bank.script = {EnrollState::Waiting, EnrollState::Failed, EnrollState::Failed,
                         EnrollState::Failed, EnrollState::Issued};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::WithBank);
        // The polls fail: the client keeps waiting, and is told why.
        QTRY_VERIFY(s.runner.context().bankOutage);
        QCOMPARE(s.runner.step(), StepId::WithBank);
        QCOMPARE(s.runner.context().outageError.code, ErrorCode::BankUnreachable);
        QVERIFY(!s.runner.context().error);
        QTRY_COMPARE_WITH_TIMEOUT(s.runner.context().failedPolls, 3, 5000);
        // The bank monitor sees the bank again: the kiosk asks at once, and the journey goes on.
        s.runner.bankReachable();
        QTRY_COMPARE(s.runner.step(), StepId::CertificateReceived);
        QVERIFY(!s.runner.context().bankOutage);
        QCOMPARE(s.bank.exchanges, 1); // one transaction all along: no second request
    }

    void aBankThatNeverHeardOfTheRequestEndsTheVisit()
    {
        // Before the bank holds the request there is nothing to wait for: the key stays for
        // next time (anUnreachableBankKeepsTheKeyForNextTime), the visit ends.
        Scene s;
        s.bank.script = {EnrollState::Failed};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::Failed);
        QVERIFY(!s.runner.context().bankOutage);
    }

    void anUnreachableBankKeepsTheKeyForNextTime()
    {
        Scene s;
        s.bank.script = {EnrollState::Failed};
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        s.runner.entropyReady(kSeed);
        QTRY_COMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::BankUnreachable);
        QVERIFY(s.runner.context().requestKept());
        QCOMPARE(s.journalled(), KeyLifecycle::HavePendingKey); // the last stable point
        QCOMPARE(lifecycleOnToken(s.token.facts()), KeyLifecycle::HavePendingKey);
    }

    void everyExitCleansUp_data()
    {
        QTest::addColumn<int>("exit");
        QTest::newRow("cancel at the entropy pad") << 0;
        QTest::newRow("token removed at the entropy pad") << 1;
        QTest::newRow("cancel with the bank") << 2;
        QTest::newRow("token removed with the bank") << 3;
    }
    void everyExitCleansUp()
    {
        QFETCH(int, exit);
        Scene s;
        // The bank keeps saying "waiting" (the runner polls meanwhile).
        for (int i = 0; i < 10000; ++i)
            s.bank.script << EnrollState::Waiting;
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QTRY_COMPARE(s.runner.step(), StepId::CollectEntropy);
        if (exit >= 2) {
            s.runner.entropyReady(kSeed);
            QTRY_COMPARE(s.runner.step(), StepId::WithBank);
        }
        if (exit % 2 == 0)
            s.runner.cancel();
        else
            s.runner.tokenRemoved(s.token.info().serial);
        QCOMPARE(s.runner.step(), exit % 2 == 0 ? StepId::Cancelled : StepId::Failed);
        const JourneyContext &context = s.runner.context();
        QVERIFY(!context.pin);
        QVERIFY(context.seed.isEmpty());
        QVERIFY(!context.renewal);
        QVERIFY(!context.exchange);
        QTest::qWait(50);
        QCOMPARE(s.token.sessionsClosed, s.token.sessionsOpened);
        const int steps = s.bank.steps;
        QTest::qWait(500); // the bank's polls stop too (one would come every 200 ms)
        QCOMPARE(s.bank.steps, steps);
    }

    void aLateResultChangesNothing()
    {
        Scene s;
        s.start();
        s.runner.input(Outcome::Confirmed);
        s.pin();
        QCOMPARE(s.runner.step(), StepId::CheckPin); // the token's answer is on its way
        s.runner.cancel();
        QTest::qWait(50); // it arrives now
        QCOMPARE(s.runner.step(), StepId::Cancelled);
        QCOMPARE(s.token.sessionsOpened, 0);
    }

    void aRemovedTokenAbortsOnlyTheStepsThatHoldIt()
    {
        Scene s;
        s.start(); // Explain touches nothing on the token: the controller simply cancels
        s.runner.tokenRemoved(s.token.info().serial);
        QCOMPARE(s.runner.step(), StepId::Explain);
        s.runner.input(Outcome::Confirmed);
        s.runner.tokenRemoved(QStringLiteral("another token"));
        QCOMPARE(s.runner.step(), StepId::EnterPin);
        s.runner.tokenRemoved(s.token.info().serial); // the typed PIN is this token's
        QCOMPARE(s.runner.step(), StepId::Failed);
        QCOMPARE(s.runner.context().error.code, ErrorCode::TokenRemoved);
    }

    void everyStepSaysWhatItIs()
    {
        QCOMPARE(stepFor(StepId::Explain).kind(), StepKind::Input);
        QCOMPARE(stepFor(StepId::CheckPin).kind(), StepKind::Working);
        QCOMPARE(stepFor(StepId::Finished).kind(), StepKind::Terminal);
        QVERIFY(stepFor(StepId::GenerateKey).abortsOnTokenRemoved());
        QVERIFY(!stepFor(StepId::CertificateReceived).abortsOnTokenRemoved());
        QCOMPARE(stepFor(StepId::PickUp).screen(), WorkflowState::PickingUp);
        // Every arrow of the table starts at a step that can end that way.
        for (const Transition &t : renewalJourney().table)
            QVERIFY(stepFor(t.from).kind() != StepKind::Terminal);
    }
};

QTEST_GUILESS_MAIN(TestJourneySteps)
#include "tst_journeysteps.moc"
