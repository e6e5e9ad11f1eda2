// The client's renewal journey on the journey engine, on the real parts (SoftHSM2 token,
// keykiosk-ra over loopback; PKCS#11 on the token thread, CMP on the bank's threads), in the
// manner of AusweisApp's workflow tests.
#include "harness.h"
#include "realrenewal.h"
#include "touchtraces.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/journal/journal.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kCurrentId = QByteArray::fromHex("01");

QByteArray touchSeed()
{
    EntropyPool pool;
    feed(pool, humanTrace(3, 42));
    return pool.seed().value();
}

struct Fixture
{
    RaServer ra;
    std::unique_ptr<TestToken> tokenHolder;
    QTemporaryDir dir;
    std::unique_ptr<Journal> journal;
    std::unique_ptr<TokenService> tokens;
    TokenInfo info;
    QString module;

    explicit Fixture(const RaServer::Options &raOptions) : ra(raOptions) {}
    TestToken &token() { return *tokenHolder; }
    bool setUp(bool lockingModule = false)
    {
        if (!ra.start())
            return false;
        TokenOptions options;
        options.caDir = ra.dir();
        tokenHolder = std::make_unique<TestToken>(options);
        module = lockingModule ? token().lockingModule() : softhsmModule();
        journal = Journal::open(dir.filePath(QStringLiteral("journal.db"))).takeValue();
        tokens = std::make_unique<TokenService>(module);
        auto loaded = Pkcs11Module::load(module);
        if (!loaded)
            return false;
        const auto list = loaded.value()->tokens();
        info = list.value().first();
        return token().isValid();
    }
    std::unique_ptr<Renewal> renewal()
    {
        auto w = std::make_unique<Renewal>(
            tokens.get(), journal.get(),
            CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath()).value());
        w->runner().setDefaultPollMs(300);
        return w;
    }
    // Read on the token thread, like every token access: a renewal's cleanup there closes all
    // sessions of the slot, so a read from another thread could race with it.
    ProfileStatus statusOnToken()
    {
        std::optional<ProfileStatus> status;
        QObject receiver;
        const unsigned long slot = info.slotId;
        tokens->run<ProfileStatus>(
            &receiver,
            [slot](TokenContext &context) {
                auto session = context.module().value()->openSession(slot, false);
                if (!session)
                    return ProfileStatus::NotYetValid; // an impossible answer the test will notice
                const auto entries = session.value()->keyEntries();
                if (!entries)
                    return ProfileStatus::NotYetValid;
                return deriveProfiles(entries.value(), QDateTime::currentDateTimeUtc(), {})
                    .first()
                    .status;
            },
            [&status](ProfileStatus s) { status = s; });
        QElapsedTimer timer;
        timer.start();
        while (!status && timer.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return status.value_or(ProfileStatus::NotYetValid);
    }
};

void runToEntropy(Renewal &w, const TokenInfo &info, const char *pin = "123456")
{
    w.start(info, kCurrentId);
    QCOMPARE(w.state(), WorkflowState::Explaining);
    w.confirm();
    QCOMPARE(w.state(), WorkflowState::EnteringPin);
    w.submitPin(SecureBuffer::fromText(pin));
    QCOMPARE(w.state(), WorkflowState::CheckingPin);
    QTRY_COMPARE(w.state(), WorkflowState::CollectingEntropy);
}
} // namespace

class TestRenewalJourney : public QObject
{
    Q_OBJECT
private slots:
    void happyPath()
    {
        RaServer::Options ra;
        ra.autoDelaySeconds = 1;
        ra.checkAfterSeconds = 1;
        Fixture f(ra);
        QVERIFY(f.setUp());
        auto w = f.renewal();
        QSignalSpy states(&w->runner(), &JourneyRunner::stateChanged);
        runToEntropy(*w, f.info);
        w->entropyReady(touchSeed());
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::CertificateReceived, 15000);
        QList<WorkflowState> seen;
        for (const auto &args : states)
            seen << args.first().value<WorkflowState>();
        QVERIFY(seen.contains(WorkflowState::GeneratingKey));
        QVERIFY(seen.contains(WorkflowState::Sending));
        QVERIFY(seen.contains(WorkflowState::WithBank)); // auto approval after a delay
        QCOMPARE(f.statusOnToken(), ProfileStatus::InOperation);
        const auto entry = f.journal->find(f.token().serial(), kCurrentId).value();
        QVERIFY(!entry || entry->lifecycle == KeyLifecycle::Done); // done: nothing pending
    }

    void wrongPinThenTheRightOne()
    {
        RaServer::Options ra;
        ra.autoDelaySeconds = 0;
        Fixture f(ra);
        QVERIFY(f.setUp(true)); // the PIN-retry shim: real tokens count wrong PINs
        auto w = f.renewal();
        w->start(f.info, kCurrentId);
        w->confirm();
        w->submitPin(SecureBuffer::fromText("000000"));
        QTRY_COMPARE(w->state(), WorkflowState::EnteringPin); // never retried automatically
        QCOMPARE(w->errorId(), QStringLiteral("KK-105"));
        QCOMPARE(w->pinState(), PinState::CountLow); // the tries-left state for the pad
        w->submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE(w->state(), WorkflowState::CollectingEntropy);
        w->entropyReady(touchSeed());
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::CertificateReceived, 15000);
    }

    void lockedTokenSendsToStaff()
    {
        RaServer::Options ra;
        Fixture f(ra);
        QVERIFY(f.setUp(true));
        auto w = f.renewal();
        w->start(f.info, kCurrentId);
        w->confirm();
        for (int i = 0; i < 3; ++i) {
            QTRY_COMPARE(w->state(), WorkflowState::EnteringPin);
            w->submitPin(SecureBuffer::fromText("000000"));
        }
        QTRY_COMPARE(w->state(), WorkflowState::Error);
        QCOMPARE(w->errorId(), QStringLiteral("KK-106"));
        QCOMPARE(w->pinState(), PinState::Locked);
        // A locked token never even reaches the pad next time.
        TokenInfo locked = f.info;
        locked.pinState = PinState::Locked;
        w->start(locked, kCurrentId);
        QCOMPARE(w->state(), WorkflowState::Error);
    }

    void manualApprovalThenAReturnVisit()
    {
        RaServer::Options ra;
        ra.approval = QStringLiteral("manual");
        Fixture f(ra);
        QVERIFY(f.setUp());
        {
            auto w = f.renewal();
            runToEntropy(*w, f.info);
            w->entropyReady(touchSeed());
            QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::WithBank, 15000);
            QVERIFY(w->message().contains(QStringLiteral("принят банком")));
            w->cancel(); // the client leaves; the request stays with the bank
            QCOMPARE(w->state(), WorkflowState::Cancelled);
        } // the kiosk "restarts": a new journey runner, the same journal
        QCOMPARE(f.journal->find(f.token().serial(), kCurrentId).value()->lifecycle,
                 KeyLifecycle::WithBank);
        QCOMPARE(f.statusOnToken(), ProfileStatus::AcceptedByBank);
        f.ra.cli({QStringLiteral("approve"), QStringLiteral("1")});
        auto w = f.renewal();
        w->start(f.info, kCurrentId);
        QVERIFY(w->resuming());
        QCOMPARE(w->state(), WorkflowState::EnteringPin); // straight to pickup
        w->submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::CertificateReceived, 15000);
        QCOMPARE(f.ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 1);
    }

    void refusalWithTheBanksReason()
    {
        RaServer::Options ra;
        ra.approval = QStringLiteral("manual");
        Fixture f(ra);
        QVERIFY(f.setUp());
        auto w = f.renewal();
        runToEntropy(*w, f.info);
        w->entropyReady(touchSeed());
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::WithBank, 15000);
        const QString reason = QStringLiteral("Неверно указан ИНН организации");
        f.ra.cli(
            {QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"), reason});
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::Refused, 15000); // polled by itself
        QVERIFY2(w->message().contains(reason), qPrintable(w->message()));
        // A refusal stays a refusal, whatever kiosk reads the token next: the refused key is
        // kept, labelled, until the client asks for a new request.
        QCOMPARE(f.statusOnToken(), ProfileStatus::RegistrationRefused);
        // The new request: the refused key goes after the PIN, then a new key is drawn for.
        runToEntropy(*w, f.info);
        QVERIFY(!w->resuming());
        QCOMPARE(f.statusOnToken(), ProfileStatus::InOperation);
        w->entropyReady(touchSeed());
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::WithBank, 15000);
        const QString requests = f.ra.cli({QStringLiteral("requests")});
        QVERIFY2(requests.contains(QStringLiteral("rejected")) &&
                     requests.contains(QStringLiteral("pending")),
                 qPrintable(requests));
    }

    void tokenRemovedAtEachTokenTouchingState_data()
    {
        QTest::addColumn<WorkflowState>("at");
        QTest::newRow("checking the PIN") << WorkflowState::CheckingPin;
        QTest::newRow("generating the key") << WorkflowState::GeneratingKey;
        QTest::newRow("sending") << WorkflowState::Sending;
        QTest::newRow("accepted by the bank") << WorkflowState::WithBank;
    }
    void tokenRemovedAtEachTokenTouchingState()
    {
        QFETCH(WorkflowState, at);
        RaServer::Options ra;
        ra.approval = QStringLiteral("manual");
        Fixture f(ra);
        QVERIFY(f.setUp());
        auto w = f.renewal();
        connect(&w->runner(), &JourneyRunner::stateChanged, &w->runner(), [&](WorkflowState s) {
            if (s == at)
                w->tokenRemoved(f.token().serial());
        });
        w->start(f.info, kCurrentId);
        w->confirm();
        w->submitPin(SecureBuffer::fromText("123456"));
        if (at != WorkflowState::CheckingPin) {
            QTRY_COMPARE(w->state(), WorkflowState::CollectingEntropy);
            w->entropyReady(touchSeed());
        }
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::Error, 15000);
        QCOMPARE(w->errorId(), QStringLiteral("KK-104"));
        QTest::qWait(300); // let abandoned token work finish: it must not change anything
        QCOMPARE(w->state(), WorkflowState::Error);
        // The current key still works: its certificate is the profile, not archived, and it signs.
        const ProfileStatus status = f.statusOnToken();
        QVERIFY(status == ProfileStatus::InOperation || status == ProfileStatus::AcceptedByBank);
        // ... checked on the token thread, which owns the module (a second libp11 context here
        // would finalize it when unloaded).
        std::optional<QString> signError;
        QObject receiver;
        const QString serial = f.token().serial();
        f.tokens->run<QString>(
            &receiver,
            [serial](TokenContext &context) {
                QString error;
                {
                    auto store = context.keyStore();
                    auto module = context.module().value();
                    auto session = module->openSession(module->tokens()->first().slotId, false);
                    if (LoginOutcome login =
                            session.value()->login(SecureBuffer::fromText("123456"));
                        login.error)
                        return login.error.logText();
                    auto key = store.value()->privateKey(serial, kCurrentId);
                    if (!key)
                        error = key.error().logText();
                } // the key goes before the slots it refers to
                context.keyStore().value()->releaseSlots();
                return error;
            },
            [&signError](QString e) { signError = e; });
        QTRY_VERIFY(signError.has_value());
        QVERIFY2(signError->isEmpty(), qPrintable(*signError));
    }

    void aKeyTheTokenDidNotMakeIsNeverResumed()
    {
        // A private key written to the token from outside, with the label of a pending key:
        // the label proves nothing, the token's CKA_LOCAL does.
        RaServer::Options ra;
        Fixture f(ra);
        QVERIFY(f.setUp());
        QVERIFY(f.tokens->call([&](TokenContext &context) {
            auto session = context.module().value()->openSession(f.info.slotId, true).takeValue();
            QVERIFY(!session->login(SecureBuffer::fromText("123456")).error);
            QVERIFY(writeImportedKey(context.module().value()->functions(), session->handle(),
                                     QByteArray::fromHex("abcdef"),
                                     pendingKeyLabel(kCurrentId).toUtf8()));
        }));
        auto w = f.renewal();
        w->start(f.info, kCurrentId);
        w->confirm();
        w->submitPin(SecureBuffer::fromText("123456"));
        QTRY_COMPARE_WITH_TIMEOUT(w->state(), WorkflowState::Error, 10000);
        QCOMPARE(w->errorId(), QStringLiteral("KK-115"));
        QCOMPARE(f.ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 0);
    }

    void idleTimeoutCancels()
    {
        RaServer::Options ra;
        Fixture f(ra);
        QVERIFY(f.setUp());
        auto w = f.renewal();
        w->start(f.info, kCurrentId);
        w->confirm();
        QCOMPARE(w->state(), WorkflowState::EnteringPin);
        w->cancel(); // what the kiosk's idle countdown calls
        QCOMPARE(w->state(), WorkflowState::Cancelled);
        w->submitPin(SecureBuffer::fromText("123456")); // too late: ignored
        QCOMPARE(w->state(), WorkflowState::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestRenewalJourney)
#include "tst_renewaljourney.moc"
