// Key renewal end to end on the real parts: a SoftHSM2 token, keykiosk-ra over loopback
// HTTP, OpenSSL's CMP client signing on the token through libp11.
#include "harness.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enroll/tokenrenewal.h"
#include "keykiosk/entropy/entropypool.h"
#include "touchtraces.h"

#include <QProcess>
#include <QtTest>

#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace kk;
using namespace kk::test;

namespace {
const QByteArray kCurrentId = QByteArray::fromHex("01");

CmpEndpoint endpointFor(const RaServer &ra)
{
    auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
    return endpoint ? endpoint.value() : CmpEndpoint();
}

TokenInfo tokenWithSerial(TokenContext &context, const QString &serial)
{
    const auto tokens = context.module().value()->tokens();
    for (const TokenInfo &t : tokens.value()) {
        if (t.serial == serial)
            return t;
    }
    return {};
}

QVector<TokenKeyEntry> entriesOf(TokenContext &context, const TokenInfo &token)
{
    auto session = context.module().value()->openSession(token.slotId, false);
    session.value()->login(SecureBuffer::fromText("123456"));
    return session.value()->keyEntries().value();
}

EnrollStep stepUntilDecided(TokenRenewal &renewal, int maxSteps = 15)
{
    EnrollStep step;
    for (int i = 0; i < maxSteps; ++i) {
        step = renewal.step();
        if (step.state != EnrollState::Waiting)
            break;
        QThread::msleep(1000);
    }
    return step;
}

QString firstRequestStatus(const RaServer &ra)
{
    const QStringList lines = ra.cli({QStringLiteral("requests")}).split(QLatin1Char('\n'));
    return lines.size() > 1 ? lines[1].section(QLatin1Char(' '), 0, -1, QString::SectionSkipEmpty)
                            : QString();
}

RaServer::Options manualApproval()
{
    RaServer::Options options;
    options.approval = QStringLiteral("manual");
    return options;
}

RaServer::Options immediateApproval()
{
    RaServer::Options options;
    options.autoDelaySeconds = 0;
    return options;
}

TokenOptions tokenWithDaysLeft(int days)
{
    TokenOptions options;
    options.daysLeft = days;
    return options;
}

// One bank (keykiosk-ra), one client token certified by its CA, and the token layer on the
// test thread. Members are destroyed in reverse: the token layer before the token and the bank.
struct Scenario
{
    RaServer ra;
    std::unique_ptr<TestToken> token;
    std::unique_ptr<TokenContext> context;
    TokenInfo info;
    QString failure;

    explicit Scenario(const RaServer::Options &options = {}) : ra(options) {}
    bool start(TokenOptions options = {})
    {
        if (!ra.start()) {
            failure = QStringLiteral("keykiosk-ra did not start: ") + ra.log();
            return false;
        }
        options.caDir = ra.dir();
        token = std::make_unique<TestToken>(options);
        if (!token->isValid()) {
            failure = token->error();
            return false;
        }
        context = std::make_unique<TokenContext>(softhsmModule());
        info = tokenWithSerial(*context, token->serial());
        return true;
    }
};
} // namespace

class TestEnrollment : public QObject
{
    Q_OBJECT
private slots:
    void autoApprovalInstallsTheNewCertificate()
    {
        Scenario s;
        QVERIFY2(s.start(tokenWithDaysLeft(20)), qPrintable(s.failure));
        QByteArray newId;
        {
            TokenRenewal renewal(*s.context, s.info, kCurrentId, endpointFor(s.ra));
            QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
            QVERIFY(!renewal.resumedPendingKey());
            const EnrollStep first = renewal.step();
            QCOMPARE(first.state, EnrollState::Waiting); // auto approval after a delay: polling
            QVERIFY2(first.serverText.contains(QStringLiteral("принят банком")),
                     qPrintable(first.serverText));
            const EnrollStep done = stepUntilDecided(renewal);
            QCOMPARE(done.state, EnrollState::Issued);
            newId = renewal.newKeyId();
        }
        // The new certificate sits next to the new key; the old key is archived, not gone.
        bool newFound = false, oldArchived = false;
        for (const TokenKeyEntry &e : entriesOf(*s.context, s.info)) {
            if (e.id == newId) {
                newFound = !e.certificateDer.isEmpty() && e.hasPrivateKey && e.hasPublicKey;
                auto session = s.context->module().value()->openSession(s.info.slotId, false);
                const QByteArray spki = session.value()->publicKeySpki(newId).value();
                const auto *p =
                    reinterpret_cast<const unsigned char *>(e.certificateDer.constData());
                X509Ptr cert(d2i_X509(nullptr, &p, e.certificateDer.size()));
                unsigned char *certSpki = nullptr;
                const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &certSpki);
                QCOMPARE(QByteArray(reinterpret_cast<const char *>(certSpki), length), spki);
                OPENSSL_free(certSpki);
            }
            if (e.id == kCurrentId)
                oldArchived = isArchivedLabel(e.certificateLabel) && e.hasPrivateKey;
        }
        QVERIFY(newFound);
        QVERIFY(oldArchived);
        const auto profiles =
            deriveProfiles(entriesOf(*s.context, s.info), QDateTime::currentDateTimeUtc(), {});
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first().status, ProfileStatus::InOperation);
        QVERIFY(s.ra.cli({QStringLiteral("requests")}).contains(QStringLiteral("confirmed")));
    }

    void certificateIsOnTheTokenBeforeTheBankHearsAccepted()
    {
        Scenario s;
        QVERIFY2(s.start(), qPrintable(s.failure));
        auto store = s.context->keyStore();
        auto session = s.context->module().value()->openSession(s.info.slotId, true);
        const SecureBuffer pin = SecureBuffer::fromText("123456");
        QVERIFY(!session.value()->login(pin).error);
        auto newKey = session.value()->generateKeyPair(KeyAlgorithm::EcP256, QStringLiteral("new"));
        auto oldEvp = store.value()->privateKey(s.token->serial(), kCurrentId);
        auto newEvp = store.value()->privateKey(s.token->serial(), newKey->id);
        const QByteArray certDer = s.token->certificateDer();
        const auto *p = reinterpret_cast<const unsigned char *>(certDer.constData());
        X509Ptr oldCert(d2i_X509(nullptr, &p, certDer.size()));
        QString statusInsideCertConf;
        KeyUpdate update(endpointFor(s.ra), oldCert.get(), oldEvp->get(), newEvp->get(),
                         [&](const QByteArray &der) {
                             statusInsideCertConf =
                                 firstRequestStatus(s.ra); // what the bank knows at this moment
                             return session.value()->storeCertificate(der, newKey->id,
                                                                      QStringLiteral("new"));
                         });
        EnrollStep step = update.step();
        for (int i = 0; i < 10 && step.state == EnrollState::Waiting; ++i) {
            QThread::msleep(1000);
            step = update.step();
        }
        QCOMPARE(step.state, EnrollState::Issued);
        QVERIFY2(statusInsideCertConf.contains(QStringLiteral(" issued ")),
                 qPrintable(statusInsideCertConf));
        QVERIFY(firstRequestStatus(s.ra).contains(QStringLiteral(" confirmed ")));
    }

    void clientRefusalIsRecordedAndTheSameCertificateIsOfferedAgain()
    {
        Scenario s;
        QVERIFY2(s.start(), qPrintable(s.failure));
        auto store = s.context->keyStore();
        auto session = s.context->module().value()->openSession(s.info.slotId, true);
        const SecureBuffer pin = SecureBuffer::fromText("123456");
        QVERIFY(!session.value()->login(pin).error);
        auto newKey =
            session.value()->generateKeyPair(KeyAlgorithm::EcP256, pendingKeyLabel(kCurrentId));
        auto oldEvp = store.value()->privateKey(s.token->serial(), kCurrentId);
        auto newEvp = store.value()->privateKey(s.token->serial(), newKey->id);
        const QByteArray certDer = s.token->certificateDer();
        const auto *p = reinterpret_cast<const unsigned char *>(certDer.constData());
        X509Ptr oldCert(d2i_X509(nullptr, &p, certDer.size()));
        QByteArray offered[2];
        for (int attempt = 0; attempt < 2; ++attempt) {
            // First the token "cannot store" the certificate; the second attempt can.
            KeyUpdate update(endpointFor(s.ra), oldCert.get(), oldEvp->get(), newEvp->get(),
                             [&](const QByteArray &der) {
                                 offered[attempt] = der;
                                 return attempt == 0
                                            ? Error(ErrorCode::TokenWriteFailed,
                                                    QStringLiteral("simulated: token full"))
                                            : session.value()->storeCertificate(
                                                  der, newKey->id, QStringLiteral("new"));
                             });
            EnrollStep step = update.step();
            for (int i = 0; i < 10 && step.state == EnrollState::Waiting; ++i) {
                QThread::msleep(1000);
                step = update.step();
            }
            if (attempt == 0) {
                QCOMPARE(step.state, EnrollState::Failed);
                QCOMPARE(step.error.code, ErrorCode::TokenWriteFailed);
                QVERIFY(firstRequestStatus(s.ra).contains(QStringLiteral(" rejected-by-client ")));
            } else {
                QCOMPARE(step.state, EnrollState::Issued);
                QVERIFY(firstRequestStatus(s.ra).contains(QStringLiteral(" confirmed ")));
            }
        }
        QVERIFY(!offered[0].isEmpty());
        QCOMPARE(offered[1], offered[0]); // the bank issued exactly one certificate for this key
    }

    void deletePolicyRemovesTheOldKey()
    {
        Scenario s(immediateApproval());
        QVERIFY2(s.start(), qPrintable(s.failure));
        RenewalOptions renewalOptions;
        renewalOptions.oldKeyPolicy = OldKeyPolicy::Delete;
        {
            TokenRenewal renewal(*s.context, s.info, kCurrentId, endpointFor(s.ra), renewalOptions);
            QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
            const EnrollStep step = renewal.step();
            QCOMPARE(step.state, EnrollState::Issued);
            QCOMPARE(statusAfter(step).value(), ProfileStatus::NewCertificateReceived);
        }
        const auto entries = entriesOf(*s.context, s.info);
        QCOMPARE(entries.size(), 1);
        QVERIFY(entries.first().id != kCurrentId);
    }

    void caKeyOnAnHsm()
    {
        RaServer::Options raOptions;
        raOptions.autoDelaySeconds = 0;
        RaServer ra(raOptions);
        QVERIFY(ra.start()); // the register takes the client's certificate through the RA
        TokenOptions options;
        options.caDir = ra.dir(); // the client certificate comes from the CA before its key moves
        TestToken token(options);
        QVERIFY2(token.isValid(), qPrintable(token.error()));
        ra.stop();
        // Move the CA key into a second SoftHSM2 token, the bank's HSM, and delete the file.
        const QString pkcs8 = ra.dir() + QStringLiteral("/ca.key.p8");
        QCOMPARE(QProcess::execute(QStringLiteral("openssl"),
                                   {QStringLiteral("pkcs8"), QStringLiteral("-topk8"),
                                    QStringLiteral("-nocrypt"), QStringLiteral("-in"),
                                    ra.dir() + QStringLiteral("/ca.key.pem"),
                                    QStringLiteral("-out"), pkcs8}),
                 0);
        QCOMPARE(QProcess::execute(QStringLiteral("softhsm2-util"),
                                   {QStringLiteral("--init-token"), QStringLiteral("--free"),
                                    QStringLiteral("--label"), QStringLiteral("Bank HSM"),
                                    QStringLiteral("--pin"), QStringLiteral("4321"),
                                    QStringLiteral("--so-pin"), QStringLiteral("87654321")}),
                 0);
        QCOMPARE(QProcess::execute(QStringLiteral("softhsm2-util"),
                                   {QStringLiteral("--import"), pkcs8, QStringLiteral("--token"),
                                    QStringLiteral("Bank HSM"), QStringLiteral("--label"),
                                    QStringLiteral("bank ca"), QStringLiteral("--id"),
                                    QStringLiteral("ca01"), QStringLiteral("--pin"),
                                    QStringLiteral("4321")}),
                 0);
        QVERIFY(QFile::remove(ra.dir() + QStringLiteral("/ca.key.pem")));
        QVERIFY(QFile::remove(pkcs8));
        QString hsmSerial;
        {
            auto module = Pkcs11Module::load(softhsmModule());
            const auto tokens = module.value()->tokens();
            for (const TokenInfo &t : tokens.value()) {
                if (t.label == QLatin1String("Bank HSM"))
                    hsmSerial = t.serial;
            }
        }
        QVERIFY(!hsmSerial.isEmpty());
        QFile pin(ra.dir() + QStringLiteral("/hsm.pin"));
        QVERIFY(pin.open(QIODevice::WriteOnly));
        pin.write("4321\n");
        pin.close();
        // The signer refuses a PIN that other accounts can read.
        QVERIFY(pin.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        ra.setConfig(
            QStringLiteral("key=ca.key.pem"),
            QStringLiteral(
                "key_pkcs11_module=%1\nkey_token_serial=%2\nkey_id=ca01\nkey_pin_file=hsm.pin")
                .arg(softhsmModule(), hsmSerial));
        QVERIFY2(ra.restart(), qPrintable(ra.log()));

        TokenContext context(softhsmModule());
        const TokenInfo info = tokenWithSerial(context, token.serial());
        TokenRenewal renewal(context, info, kCurrentId, endpointFor(ra));
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        QCOMPARE(renewal.step().state, EnrollState::Issued); // signed by the CA key on the HSM
        const auto profiles =
            deriveProfiles(entriesOf(context, info), QDateTime::currentDateTimeUtc(), {});
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles.first().status, ProfileStatus::InOperation);
    }

    void renewalRunsOnTheTokenThreadNotTheCaller()
    {
        RaServer::Options raOptions;
        raOptions.autoDelaySeconds = 0;
        RaServer ra(raOptions);
        QVERIFY(ra.start());
        TokenOptions options;
        options.caDir = ra.dir();
        TestToken token(options);
        TokenService service(softhsmModule());
        const CmpEndpoint endpoint = endpointFor(ra);
        const QString serial = token.serial();
        QThread *jobThread = nullptr;
        std::optional<EnrollState> outcome;
        service.run<EnrollState>(
            this,
            [&jobThread, endpoint, serial](TokenContext &context) {
                jobThread = QThread::currentThread();
                TokenRenewal renewal(context, tokenWithSerial(context, serial), kCurrentId,
                                     endpoint);
                if (renewal.begin(SecureBuffer::fromText("123456")))
                    return EnrollState::Failed;
                return renewal.step().state;
            },
            [&outcome](EnrollState state) { outcome = state; });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(),
                                 20000); // the caller's event loop kept running
        QCOMPARE(*outcome, EnrollState::Issued);
        QCOMPARE(jobThread, service.workerThread());
        QVERIFY(jobThread != QThread::currentThread());
    }

    void touchSeedReachesTheTokenBeforeKeyGeneration_data()
    {
        QTest::addColumn<bool>("tokenRefusesSeeds");
        QTest::newRow("token takes the seed") << false;
        QTest::newRow("token refuses seeds (not an error)") << true;
    }
    void touchSeedReachesTheTokenBeforeKeyGeneration()
    {
        QFETCH(bool, tokenRefusesSeeds);
        RaServer::Options raOptions;
        raOptions.autoDelaySeconds = 0;
        RaServer ra(raOptions);
        QVERIFY(ra.start());
        TokenOptions options;
        options.caDir = ra.dir();
        TestToken token(options);
        const QString callLog = token.dir() + QStringLiteral("/calls.log");
        const QString module = token.lockingModule(); // the shim records the calls
        qputenv("KK_SHIM_CALL_LOG", QFile::encodeName(callLog));
        qputenv("KK_SHIM_REFUSE_SEED", tokenRefusesSeeds ? "1" : "0");

        EntropyPool pool;
        feed(pool, humanTrace(3, 11));
        QVERIFY(pool.isComplete());
        const QByteArray seed = pool.seed().value();
        {
            TokenContext context(module);
            TokenRenewal renewal(context, tokenWithSerial(context, token.serial()), kCurrentId,
                                 endpointFor(ra));
            QVERIFY(!renewal.begin(SecureBuffer::fromText("123456"), seed));
            QCOMPARE(renewal.step().state, EnrollState::Issued);
        }
        qunsetenv("KK_SHIM_CALL_LOG");
        qunsetenv("KK_SHIM_REFUSE_SEED");
        QFile log(callLog);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QList<QByteArray> calls = log.readAll().trimmed().split('\n');
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0], QByteArray("C_SeedRandom 32"));
        QVERIFY(calls[1].startsWith("C_GenerateKeyPair"));
    }

    void manualApprovalWithPolling()
    {
        Scenario s(manualApproval());
        QVERIFY2(s.start(), qPrintable(s.failure));
        TokenRenewal renewal(*s.context, s.info, kCurrentId, endpointFor(s.ra));
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        const EnrollStep waiting = renewal.step();
        QCOMPARE(waiting.state, EnrollState::Waiting);
        QCOMPARE(statusAfter(waiting).value(), ProfileStatus::AcceptedByBank);
        QThread::msleep(1100);
        QCOMPARE(renewal.step().state, EnrollState::Waiting); // still with the operator
        // The token alone already tells "принят банком": a pending key waits for its certificate.
        auto profiles =
            deriveProfiles(entriesOf(*s.context, s.info), QDateTime::currentDateTimeUtc(), {});
        QCOMPARE(profiles.first().status, ProfileStatus::AcceptedByBank);
        QVERIFY(s.ra.cli({QStringLiteral("requests"), QStringLiteral("--status"),
                          QStringLiteral("pending")})
                    .contains(QStringLiteral("R-000001")));
        int rc = -1;
        s.ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        QCOMPARE(stepUntilDecided(renewal).state, EnrollState::Issued);
    }

    void refusalReasonReachesTheClient()
    {
        Scenario s(manualApproval());
        QVERIFY2(s.start(), qPrintable(s.failure));
        TokenRenewal renewal(*s.context, s.info, kCurrentId, endpointFor(s.ra));
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        QCOMPARE(renewal.step().state, EnrollState::Waiting);
        const QString reason =
            QStringLiteral("Подпись в заявлении не совпадает с карточкой образцов подписей");
        int rc = -1;
        s.ra.cli(
            {QStringLiteral("reject"), QStringLiteral("1"), QStringLiteral("--reason"), reason},
            &rc);
        QCOMPARE(rc, 0);
        const EnrollStep step = stepUntilDecided(renewal);
        QCOMPARE(step.state, EnrollState::Rejected);
        QCOMPARE(step.error.code, ErrorCode::BankRejected);
        QCOMPARE(statusAfter(step).value(), ProfileStatus::RegistrationRefused);
        QVERIFY2(step.serverText.contains(reason), qPrintable(step.serverText));
        // The current key still works: its certificate is not archived.
        for (const TokenKeyEntry &e : entriesOf(*s.context, s.info)) {
            if (e.id == kCurrentId)
                QVERIFY(!isArchivedLabel(e.certificateLabel));
        }
        // An issued request cannot be refused afterwards, and a refused one not approved.
        s.ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QVERIFY(rc != 0);
    }

    void expiredCertificateIsRefusedWithTheBranchReason()
    {
        Scenario s;
        QVERIFY2(s.start(tokenWithDaysLeft(-2)), qPrintable(s.failure));
        TokenRenewal renewal(*s.context, tokenWithSerial(*s.context, s.token->serial()), kCurrentId,
                             endpointFor(s.ra));
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        const EnrollStep step = renewal.step();
        QCOMPARE(step.state, EnrollState::Rejected);
        QCOMPARE(step.error.code, ErrorCode::CertificateExpiredSeeStaff);
        QVERIFY2(step.serverText.contains(QStringLiteral("отделение")),
                 qPrintable(step.serverText));
        QVERIFY(s.ra.cli({QStringLiteral("requests")}).count(QLatin1Char('\n')) ==
                1); // no request was created
    }

    void revokedCertificateIsRefused()
    {
        Scenario s;
        QVERIFY2(s.start(), qPrintable(s.failure));
        const QByteArray der = s.token->certificateDer();
        const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
        X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
        BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr);
        char *hex = BN_bn2hex(bn);
        int rc = -1;
        s.ra.cli({QStringLiteral("revoke"), QString::fromLatin1(hex), QStringLiteral("--reason"),
                  QStringLiteral("key compromise")},
                 &rc);
        OPENSSL_free(hex);
        BN_free(bn);
        QCOMPARE(rc, 0);
        TokenContext context(softhsmModule());
        TokenRenewal renewal(*s.context, tokenWithSerial(*s.context, s.token->serial()), kCurrentId,
                             endpointFor(s.ra));
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        const EnrollStep step = renewal.step();
        QCOMPARE(step.state, EnrollState::Rejected);
        QCOMPARE(step.error.code, ErrorCode::CertificateRevoked);
    }

    void unreachableBankKeepsTheCurrentKey()
    {
        Scenario s;
        QVERIFY2(s.start(), qPrintable(s.failure));
        CmpEndpoint endpoint = endpointFor(s.ra);
        s.ra.stop();
        endpoint.messageTimeoutSeconds = 3;
        endpoint.totalTimeoutSeconds = 5;
        TokenRenewal renewal(*s.context, s.info, kCurrentId, endpoint);
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        const EnrollStep step = renewal.step();
        QCOMPARE(step.state, EnrollState::Failed);
        QCOMPARE(step.error.code, ErrorCode::BankUnreachable);
        // The detail names the first cause, not OpenSSL's last retry ("connect timeout").
        qInfo("%s", qPrintable(step.error.detail));
        QVERIFY2(step.error.detail.startsWith(QLatin1String("CMP transport: connection refused")),
                 qPrintable(step.error.detail));
        for (const TokenKeyEntry &e : entriesOf(*s.context, s.info)) {
            if (e.id == kCurrentId)
                QVERIFY(!isArchivedLabel(e.certificateLabel) && e.hasPrivateKey);
        }
    }

    void aCertificateThatIsNotAClientCertificateOfTheBankIsNeverInstalled()
    {
        // The kiosk expects another client policy than the bank's certificates carry: the
        // certificate that comes back fails the kiosk's checks, is refused in the certConf
        // and never reaches the token; the current key keeps working.
        Scenario s;
        QVERIFY2(s.start(), qPrintable(s.failure));
        CmpEndpoint endpoint = endpointFor(s.ra);
        endpoint.clientCertificates.clientPolicyOid = QStringLiteral("1.2.643.2.2.99.1");
        TokenRenewal renewal(*s.context, s.info, kCurrentId, endpoint);
        QVERIFY(!renewal.begin(SecureBuffer::fromText("123456")));
        const EnrollStep step = stepUntilDecided(renewal);
        QCOMPARE(step.error.code, ErrorCode::NewCertificateInvalid);
        QVERIFY2(step.error.detail.contains(QStringLiteral("not the client policy")),
                 qPrintable(step.error.detail));
        int certificates = 0;
        for (const TokenKeyEntry &e : entriesOf(*s.context, s.info)) {
            certificates += e.certificateDer.isEmpty() ? 0 : 1;
            if (e.id == kCurrentId)
                QVERIFY(!isArchivedLabel(e.certificateLabel) && e.hasPrivateKey);
        }
        QCOMPARE(certificates, 1); // the current one only
        QVERIFY(!s.ra.cli({QStringLiteral("requests")}).contains(QStringLiteral("confirmed")));
    }

    void restartedClientPicksUpTheSameCertificate()
    {
        RaServer::Options raOptions;
        raOptions.approval = QStringLiteral("manual");
        RaServer ra(raOptions);
        QVERIFY(ra.start());
        TokenOptions options;
        options.caDir = ra.dir();
        TestToken token(options);
        QFile pin(token.dir() + QStringLiteral("/pin"));
        QVERIFY(pin.open(QIODevice::WriteOnly));
        pin.write("123456\n");
        pin.close();
        const QStringList args = {QStringLiteral("renew"),
                                  QStringLiteral("--module"),
                                  softhsmModule(),
                                  QStringLiteral("--pin-file"),
                                  pin.fileName(),
                                  QStringLiteral("--bank"),
                                  ra.url(),
                                  QStringLiteral("--ra-cert"),
                                  ra.raCertPath(),
                                  QStringLiteral("--bank-ca"),
                                  ra.caCertPath()};
        // 1. The kiosk process sends the request and waits ...
        QProcess first;
        first.start(QStringLiteral(KK_TOOL_PATH),
                    args + QStringList{QStringLiteral("--wait"), QStringLiteral("120")});
        QByteArray output;
        QTRY_VERIFY_WITH_TIMEOUT((output += first.readAllStandardOutput()).contains("waiting:"),
                                 20000);
        const QByteArray newKey = output.mid(output.indexOf("generated new key ") + 18, 40);
        // 2. ... and dies.
        first.kill();
        first.waitForFinished();
        // 3. The operator approves meanwhile.
        int rc = -1;
        ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QCOMPARE(rc, 0);
        // 4. A new process resumes with the same key and picks up the certificate.
        QProcess second;
        second.start(QStringLiteral(KK_TOOL_PATH),
                     args + QStringList{QStringLiteral("--wait"), QStringLiteral("20")});
        QVERIFY(second.waitForFinished(60000));
        const QByteArray secondOutput = second.readAllStandardOutput();
        QCOMPARE(second.exitCode(), 0);
        QVERIFY2(secondOutput.contains("resuming with pending key " + newKey),
                 secondOutput.constData());
        QVERIFY(secondOutput.contains("issued"));
        // Exactly one request and one certificate for that key at the bank ...
        const QString requests = ra.cli({QStringLiteral("requests")});
        QCOMPARE(requests.count(QStringLiteral("R-0")), 1);
        QVERIFY(requests.contains(QStringLiteral("confirmed")));
        // ... and it is the one now on the token.
        const QString issuedSerial =
            requests.split(QLatin1Char('\n'))
                .value(1)
                .section(QLatin1Char(' '), -1, -1, QString::SectionSkipEmpty);
        TokenContext context(softhsmModule());
        const TokenInfo info = tokenWithSerial(context, token.serial());
        bool matched = false;
        for (const TokenKeyEntry &e : entriesOf(context, info)) {
            if (e.id.toHex() == newKey) {
                auto profile = parseCertificate(e.certificateDer);
                matched = profile && profile->serialHex == issuedSerial;
            }
        }
        QVERIFY2(matched, qPrintable(requests));
    }

    void twoClientsInterleaved()
    {
        RaServer::Options raOptions;
        raOptions.approval = QStringLiteral("manual");
        RaServer ra(raOptions);
        QVERIFY(ra.start());
        TokenOptions a;
        a.caDir = ra.dir();
        a.label = QStringLiteral("Director");
        TestToken token(a);
        TokenOptions b = a;
        b.label = QStringLiteral("Accountant");
        QVERIFY(token.addToken(b));
        TokenContext context(softhsmModule());
        auto tokens = context.module().value()->tokens().value();
        QCOMPARE(tokens.size(), 2);
        TokenRenewal first(context, tokens[0], kCurrentId, endpointFor(ra));
        TokenRenewal second(context, tokens[1], kCurrentId, endpointFor(ra));
        QVERIFY(!first.begin(SecureBuffer::fromText("123456")));
        QVERIFY(!second.begin(SecureBuffer::fromText("123456")));
        QCOMPARE(first.step().state, EnrollState::Waiting);
        QCOMPARE(second.step().state, EnrollState::Waiting);
        ra.cli({QStringLiteral("approve"), QStringLiteral("2")});
        ra.cli({QStringLiteral("approve"), QStringLiteral("1")});
        QCOMPARE(stepUntilDecided(second).state, EnrollState::Issued);
        QCOMPARE(stepUntilDecided(first).state, EnrollState::Issued);
        QVERIFY(first.newKeyId() != second.newKeyId());
        for (const TokenInfo &t : tokens) {
            const auto profiles =
                deriveProfiles(entriesOf(context, t), QDateTime::currentDateTimeUtc(), {});
            QCOMPARE(profiles.size(), 1);
            QCOMPARE(profiles.first().status, ProfileStatus::InOperation);
        }
        QCOMPARE(ra.cli({QStringLiteral("requests"), QStringLiteral("--status"),
                         QStringLiteral("confirmed")})
                     .count(QStringLiteral("R-0")),
                 2);
    }
};

QTEST_GUILESS_MAIN(TestEnrollment)
#include "tst_enrollment.moc"
