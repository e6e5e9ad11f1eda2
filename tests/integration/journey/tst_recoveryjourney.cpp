// The staff recovery journey on the real parts: two SoftHSM2 tokens in one store (the staff
// member's and the client's, two slots as two readers), keykiosk-ra over loopback, PKCS#11 on
// the token thread and CMP on the bank's threads - for each of the three cases, and with either
// token pulled out at each step.
#include "harness.h"
#include "touchtraces.h"

#include "keykiosk/enroll/bankservice.h"
#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/roles.h"
#include "keykiosk/journey/realgateways.h"
#include "keykiosk/journey/recovery.h"
#include "keykiosk/journey/runner.h"

#include <QtTest>

#include <openssl/x509.h>

using namespace kk;
using namespace kk::test;

namespace {
const char kClientPin[] = "123456";

QByteArray touchSeed()
{
    EntropyPool pool;
    feed(pool, humanTrace(3, 7));
    return pool.seed().value();
}

QString serialOf(const QByteArray &der)
{
    const auto certificate = parseCertificate(der);
    return certificate ? certificate->serialHex : QString();
}

StaffChecklist checklist()
{
    StaffChecklist c;
    c.identityChecked = c.applicationReceived = true;
    c.application = QStringLiteral("2311");
    c.applicationDate = QDate::currentDate();
    c.snils = QStringLiteral("11223344595"); // make-token.sh's client SNILS and INN
    c.inn = QStringLiteral("7707083893");
    return c;
}

// A branch: the bank, the two tokens, and the kiosk's journey runner over the real gateways.
struct Branch
{
    RaServer ra;
    std::unique_ptr<TestToken> store;
    std::unique_ptr<TokenService> tokens;
    std::unique_ptr<BankService> bank;
    std::unique_ptr<Pkcs11TokenGateway> tokenGateway;
    std::unique_ptr<CmpBankGateway> bankGateway;
    std::unique_ptr<JourneyRunner> runner;
    std::shared_ptr<StaffSession> staffMode; // what the kiosk's staff mode holds
    TokenInfo staff, client;
    QString oldSerial; // the client's certificate before: expired, or on the lost token

    int staffDaysLeft = 200; // the staff certificate's validity

    explicit Branch(int staffApprovals = 0) : ra(options())
    {
        ra.prepare();
        ra.setConfig(QStringLiteral("staff_approvals=0"),
                     QStringLiteral("staff_approvals=%1").arg(staffApprovals));
    }
    static RaServer::Options options()
    {
        RaServer::Options o;
        o.checkAfterSeconds = 1;
        return o;
    }

    // The client's token: "expired", "first-key" (blank, the abonent added by an operator) or
    // "replacement" (blank; the lost token's certificate is in the register).
    bool setUp(const QString &caseKind)
    {
        if (!ra.start())
            return false;
        store = std::make_unique<TestToken>(staffTokenOptions(ra.dir(), staffDaysLeft));
        if (!store->isValid())
            return false;
        TokenOptions c;
        c.label = QStringLiteral("Client");
        c.caDir = ra.dir();
        if (caseKind == QLatin1String("expired")) {
            c.daysLeft = -4;
            c.uid = QStringLiteral("EXP-77");
        } else {
            c.blank = true;
        }
        if (caseKind == QLatin1String("replacement")) {
            TokenOptions lost;
            lost.label = QStringLiteral("Lost");
            lost.caDir = ra.dir();
            lost.uid = QStringLiteral("LOST-77");
            if (!store->addToken(lost))
                return false;
            oldSerial = serialOf(readFile(store->dir() + QStringLiteral("/client.cert.der")));
        }
        if (caseKind == QLatin1String("first-key"))
            ra.cli({QStringLiteral("abonents"), QStringLiteral("add"), QStringLiteral("--uid"),
                    QStringLiteral("FIRST-77"), QStringLiteral("--name"),
                    QStringLiteral("Сидоров Сидор Сидорович"), QStringLiteral("--org"),
                    QStringLiteral("ООО «Лютик»"), QStringLiteral("--inn"),
                    QStringLiteral("7707083893"), QStringLiteral("--snils"),
                    QStringLiteral("11223344595")});
        if (!store->addToken(c))
            return false;
        if (caseKind == QLatin1String("expired"))
            oldSerial = serialOf(readFile(store->dir() + QStringLiteral("/client.cert.der")));

        tokens = std::make_unique<TokenService>(softhsmModule());
        bank = std::make_unique<BankService>();
        tokenGateway = std::make_unique<Pkcs11TokenGateway>(
            tokens.get(), RenewalOptions{},
            StaffRole{QString::fromLatin1(roles::kStaffPolicy), readFile(ra.caCertPath())});
        bankGateway = std::make_unique<CmpBankGateway>(
            bank.get(), CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath()).value());
        JourneyServices services{tokenGateway.get(), bankGateway.get(), nullptr, 300};
        services.staffLoggedIn = [this](std::shared_ptr<StaffSession> s) { staffMode = s; };
        runner = std::make_unique<JourneyRunner>(services);
        const auto list = Pkcs11Module::load(softhsmModule()).value()->tokens().value();
        for (const TokenInfo &t : list) {
            if (t.label == QLatin1String("Staff"))
                staff = t;
            else if (t.label == QLatin1String("Client"))
                client = t;
        }
        return !staff.serial.isEmpty() && !client.serial.isEmpty();
    }
    static QByteArray readFile(const QString &path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    // Read on the token thread, like every token access.
    QVector<TokenKeyEntry> entries(const TokenInfo &token)
    {
        std::optional<QVector<TokenKeyEntry>> result;
        QObject receiver;
        const unsigned long slot = token.slotId;
        tokens->run<QVector<TokenKeyEntry>>(
            &receiver,
            [slot](TokenContext &context) {
                auto session = context.module().value()->openSession(slot, false);
                if (!session)
                    return QVector<TokenKeyEntry>();
                auto entries = session.value()->keyEntries();
                return entries ? entries.value() : QVector<TokenKeyEntry>();
            },
            [&result](QVector<TokenKeyEntry> e) { result = e; });
        QElapsedTimer timer;
        timer.start();
        while (!result && timer.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return result.value_or(QVector<TokenKeyEntry>());
    }
    TokenProfile clientProfile()
    {
        return deriveProfiles(entries(client), QDateTime::currentDateTimeUtc(), {}).first();
    }

    bool logIn()
    {
        JourneyContext context;
        context.token = staff;
        runner->start(staffLoginJourney(), context);
        runner->submitPin(SecureBuffer::fromText(kStaffPin));
        QElapsedTimer timer;
        timer.start();
        while (runner->isActive() && timer.elapsed() < 10000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        return runner->step() == StepId::Finished && staffMode;
    }
    // Starts the recovery for the client's profile with what the staff screen would send.
    void startRecovery(RecoveryCase recoveryCase, bool confirm = true)
    {
        const TokenProfile profile = clientProfile();
        JourneyContext context = contextFor(client, profile, nullptr);
        context.staff = staffMode;
        runner->start(staffRecoveryJourney(), context);
        QCOMPARE(runner->step(), StepId::Checklist);
        QCOMPARE(checkChecklist(recoveryCase, profile, checklist(), QDate::currentDate()),
                 ChecklistProblem::None);
        if (confirm)
            runner->confirmChecklist(initialRequestFor(recoveryCase, profile, checklist()));
    }
    // From the client's PIN to the certificate, approving a held request on the way.
    void finish()
    {
        QCOMPARE(runner->step(), StepId::EnterPin);
        runner->submitPin(SecureBuffer::fromText(kClientPin));
        QTRY_VERIFY_WITH_TIMEOUT(
            runner->step() != StepId::CheckPin && runner->step() != StepId::OpenRenewal, 10000);
        if (runner->step() == StepId::CollectEntropy)
            runner->entropyReady(touchSeed());
        QTRY_VERIFY_WITH_TIMEOUT(runner->step() == StepId::WithBank ||
                                     runner->step() == StepId::CertificateReceived ||
                                     !runner->isActive(),
                                 15000);
        if (runner->step() == StepId::WithBank)
            ra.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QTRY_COMPARE_WITH_TIMEOUT(runner->step(), StepId::CertificateReceived, 15000);
        QVERIFY(runner->input(Outcome::Acknowledged));
        QCOMPARE(runner->step(), StepId::Finished);
    }
    QString registerState(const QString &serial) const { return ra.registerState(serial); }
    // The client's key as it was: the current key and its certificate, under their label.
    bool currentKeyIntact(const QVector<TokenKeyEntry> &before)
    {
        const QVector<TokenKeyEntry> now = entries(client);
        for (const TokenKeyEntry &old : before) {
            bool kept = false;
            for (const TokenKeyEntry &e : now)
                kept = kept || (e.id == old.id && e.label == old.label &&
                                e.hasPrivateKey == old.hasPrivateKey &&
                                e.certificateDer == old.certificateDer);
            if (!kept)
                return false;
        }
        return true;
    }
};

RecoveryCase caseNamed(const QString &name)
{
    return name == QLatin1String("expired")     ? RecoveryCase::ExpiredKey
           : name == QLatin1String("first-key") ? RecoveryCase::FirstKey
                                                : RecoveryCase::ReplacementToken;
}
} // namespace

class TestRecoveryJourney : public QObject
{
    Q_OBJECT
private slots:
    void eachCase_data()
    {
        QTest::addColumn<QString>("caseKind");
        QTest::addColumn<QString>("owner");
        QTest::newRow("expired") << "expired"
                                 << "Иванов Иван Иванович";
        QTest::newRow("first key") << "first-key"
                                   << "Сидоров Сидор Сидорович";
        QTest::newRow("replacement") << "replacement"
                                     << "Иванов Иван Иванович";
    }
    void eachCase()
    {
        QFETCH(QString, caseKind);
        QFETCH(QString, owner);
        Branch b;
        QVERIFY2(b.setUp(caseKind), qPrintable(b.store ? b.store->error() : b.ra.log()));
        // A client token is no staff token.
        {
            JourneyContext context;
            context.token = b.client;
            b.runner->start(staffLoginJourney(), context);
            b.runner->submitPin(SecureBuffer::fromText(kClientPin));
            QTRY_COMPARE_WITH_TIMEOUT(b.runner->step(), StepId::Failed, 10000);
            QCOMPARE(b.runner->context().error.code, ErrorCode::NotAStaffToken);
            QVERIFY(!b.staffMode);
        }
        QVERIFY(b.logIn());
        QCOMPARE(b.staffMode->name(), QStringLiteral("Петрова Анна Сергеевна"));
        QCOMPARE(b.staffMode->title(), QStringLiteral("Операционист"));
        const TokenProfile before = b.clientProfile();
        QVERIFY(recoveryCasesFor(before, PinState::Ok, QDateTime::currentDateTimeUtc())
                    .contains(caseNamed(caseKind)));

        b.startRecovery(caseNamed(caseKind));
        b.finish();

        // The client's profile: in operation, with the subject from the bank's register.
        const TokenProfile after = b.clientProfile();
        QCOMPARE(after.status, ProfileStatus::InOperation);
        QCOMPARE(after.certificate.ownerName, owner);
        QVERIFY(after.renewal.newKeyId.isEmpty()); // nothing left under way
        QCOMPARE(b.registerState(after.certificate.serialHex), QStringLiteral("client live"));
        // The bank's records: the staff member and the application with the request.
        const QString requests = b.ra.cli({QStringLiteral("requests")});
        QVERIFY2(requests.contains(caseKind) &&
                     requests.contains(QStringLiteral("staff: Петрова Анна Сергеевна")) &&
                     requests.contains(QStringLiteral("application 2311")),
                 qPrintable(requests));
        if (caseKind == QLatin1String("expired")) {
            // The expired key set is archived on the token; the bank marks it superseded.
            int archived = 0;
            for (const TokenKeyEntry &e : b.entries(b.client))
                archived += isArchivedLabel(e.certificateLabel) ? 1 : 0;
            QCOMPARE(archived, 1);
            QCOMPARE(b.registerState(b.oldSerial), QStringLiteral("client superseded"));
        } else if (caseKind == QLatin1String("replacement")) {
            QCOMPARE(b.registerState(b.oldSerial), QStringLiteral("client revoked"));
        }
        // Staff mode goes on: the staff key still signs the next recovery.
        QVERIFY(b.staffMode);
    }

    void anExpiredStaffCertificateOpensNoStaffMode()
    {
        Branch b;
        b.staffDaysLeft = -1;
        QVERIFY(b.setUp(QStringLiteral("expired")));
        QVERIFY(!b.logIn());
        QCOMPARE(b.runner->step(), StepId::Failed);
        QCOMPARE(b.runner->context().error.code, ErrorCode::StaffCertificateInvalid);
        QVERIFY(!b.staffMode);
    }

    void aRevokedStaffCertificateIsRefusedByTheBank()
    {
        // The kiosk cannot know of a revocation; the bank does, and says why.
        Branch b;
        QVERIFY(b.setUp(QStringLiteral("expired")));
        QVERIFY(b.logIn());
        int exitCode = -1;
        b.ra.cli({QStringLiteral("revoke"), b.staffMode->certificateSerial(),
                  QStringLiteral("--reason"), QStringLiteral("уволена")},
                 &exitCode);
        QCOMPARE(exitCode, 0);
        const QVector<TokenKeyEntry> before = b.entries(b.client);
        b.startRecovery(RecoveryCase::ExpiredKey);
        b.runner->submitPin(SecureBuffer::fromText(kClientPin));
        QTRY_COMPARE_WITH_TIMEOUT(b.runner->step(), StepId::CollectEntropy, 10000);
        b.runner->entropyReady(touchSeed());
        QTRY_COMPARE_WITH_TIMEOUT(b.runner->step(), StepId::Refused, 15000);
        QVERIFY2(b.runner->context().bankText.contains(QStringLiteral("отозван")),
                 qPrintable(b.runner->context().bankText));
        // The refused key stays, labelled refused, until a new request drops it; the client's
        // expired key set is as it was.
        QTest::qWait(300);
        QVERIFY(b.currentKeyIntact(before));
        const QVector<TokenKeyEntry> after = b.entries(b.client);
        QCOMPARE(after.size(), before.size() + 1);
        QVERIFY(std::any_of(after.begin(), after.end(),
                            [](const TokenKeyEntry &e) { return isRefusedLabel(e.label); }));
    }

    void aTokenPulledOutAtEachStep_data()
    {
        QTest::addColumn<bool>("staffToken");
        QTest::addColumn<int>("step");
        for (bool staffToken : {true, false}) {
            const char *whose = staffToken ? "staff" : "client";
            for (StepId step : {StepId::Checklist, StepId::EnterPin, StepId::CheckPin,
                                StepId::CollectEntropy, StepId::GenerateKey, StepId::WithBank}) {
                static const QMap<StepId, const char *> names{
                    {StepId::Checklist, "checklist"},       {StepId::EnterPin, "PIN pad"},
                    {StepId::CheckPin, "checking the PIN"}, {StepId::CollectEntropy, "drawing"},
                    {StepId::GenerateKey, "generating"},    {StepId::WithBank, "with the bank"}};
                QTest::addRow("%s token, %s", whose, names.value(step)) << staffToken << int(step);
            }
        }
    }
    void aTokenPulledOutAtEachStep()
    {
        QFETCH(bool, staffToken);
        QFETCH(int, step);
        const StepId at = StepId(step);
        Branch b(1); // the bank holds the request for an approval: "with the bank" lasts
        QVERIFY2(b.setUp(QStringLiteral("expired")), qPrintable(b.ra.log()));
        QVERIFY(b.logIn());
        const QVector<TokenKeyEntry> before = b.entries(b.client);

        b.startRecovery(RecoveryCase::ExpiredKey, at != StepId::Checklist);
        if (at != StepId::Checklist) {
            if (at != StepId::EnterPin) {
                b.runner->submitPin(SecureBuffer::fromText(kClientPin));
                if (at != StepId::CheckPin) {
                    QTRY_COMPARE_WITH_TIMEOUT(b.runner->step(), StepId::CollectEntropy, 10000);
                    if (at != StepId::CollectEntropy) {
                        b.runner->entropyReady(touchSeed());
                        if (at == StepId::WithBank)
                            QTRY_COMPARE_WITH_TIMEOUT(b.runner->step(), StepId::WithBank, 15000);
                    }
                }
            }
        }
        QCOMPARE(b.runner->step(), at);

        const QString serial = staffToken ? b.staff.serial : b.client.serial;
        b.runner->tokenRemoved(serial);
        if (staffToken)
            b.staffMode.reset(); // staff mode ends with its token (the kiosk's StaffMode)
        QCOMPARE(b.runner->step(), StepId::Failed);
        QCOMPARE(b.runner->context().error.code,
                 staffToken ? ErrorCode::StaffTokenRemoved : ErrorCode::TokenRemoved);
        QVERIFY(!b.runner->context().pin);
        QVERIFY(!b.runner->context().renewal);
        QVERIFY(!b.runner->context().staff);

        // The client's current key untouched (a new key may wait beside it, which the next
        // visit resumes), and the staff key unaffected: staff log in again if their token left,
        // and the recovery finishes.
        QTest::qWait(300); // work already on the token thread ends and is dropped
        QVERIFY(b.currentKeyIntact(before));
        if (staffToken)
            QVERIFY(b.logIn());
        b.startRecovery(RecoveryCase::ExpiredKey);
        b.finish();
        QCOMPARE(b.clientProfile().status, ProfileStatus::InOperation);
        QCOMPARE(b.registerState(b.oldSerial), QStringLiteral("client superseded"));
    }
};

QTEST_MAIN(TestRecoveryJourney)
#include "tst_recoveryjourney.moc"
