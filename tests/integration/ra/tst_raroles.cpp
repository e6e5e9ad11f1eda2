// The bank's certificate roles and its register, against a running keykiosk-ra, with software
// keys (the kiosk's own journeys have tests of their own): a key update only from a client
// certificate the register holds, once; a staff-authorized initial request for each case,
// with the subject from the register; every refusal with a clear reason; dual control.
#include "harness.h"

#include "keykiosk/x509text.h"
#include "store.h"

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/enroll/roles.h"
#include "keykiosk/languagetext.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

using namespace kk;
using namespace kk::test;
using kk::ra::CertificateRecord;
using kk::ra::CertificateRole;
using kk::ra::CertificateState;
using kk::ra::RequestRecord;
using kk::ra::RequestStatus;
using kk::ra::Store;

namespace {

// A request as the RA drafts it, for the tests that write the register directly.
RequestRecord requestDraft(const QString &kind, const QString &uid, const QString &abonent,
                           char keyByte, RequestStatus status)
{
    RequestRecord draft;
    draft.kind = kind;
    draft.uid = uid;
    draft.abonent = abonent;
    draft.newKeyHash = QByteArray(32, keyByte);
    draft.newKeySpki = QByteArray("spki");
    draft.subjectDer = QByteArray("subject");
    draft.status = status;
    return draft;
}

X509Ptr readPem(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    return X509Ptr(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

EvpPkeyPtr readKey(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    return EvpPkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                          : nullptr);
}

QString serialOf(X509 *cert)
{
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    char *hex = BN_bn2hex(bn.get());
    const QString s = QString::fromLatin1(hex);
    OPENSSL_free(hex);
    return s;
}

// A key in software and a certificate for it from the bank CA (kk-testpki), entered into the
// bank's register unless told otherwise.
struct Identity
{
    EvpPkeyPtr key{EVP_EC_gen("P-256")};
    X509Ptr cert;
    QString pem;
};

Identity issue(const RaServer &ra, QTemporaryDir &scratch, const QString &name,
               const QStringList &options, const QString &role = QStringLiteral("client"),
               bool registered = true)
{
    Identity id;
    const QString pub = scratch.filePath(name + QStringLiteral(".pub.der"));
    QFile file(pub);
    file.open(QIODevice::WriteOnly);
    file.write(derBytes([&id](unsigned char **out) { return i2d_PUBKEY(id.key.get(), out); }));
    file.close();
    id.pem = scratch.filePath(name + QStringLiteral(".pem"));
    QProcess::execute(harnessPath("testpki"),
                      QStringList{QStringLiteral("issue"), QStringLiteral("--dir"), ra.dir(),
                                  QStringLiteral("--spki"), pub, QStringLiteral("--pem-out"),
                                  id.pem, QStringLiteral("--cn"), name, QStringLiteral("--role"),
                                  role} +
                          options);
    id.cert = readPem(id.pem);
    if (registered && id.cert)
        ra.cli({QStringLiteral("certificates"), QStringLiteral("import"), id.pem,
                QStringLiteral("--role"), role});
    return id;
}

CmpEndpoint endpointOf(const RaServer &ra)
{
    return CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath()).value();
}

EnrollStep toTheEnd(CmpRequest &request)
{
    EnrollStep step = request.step();
    for (int i = 0; i < 20 && step.state == EnrollState::Waiting; ++i) {
        QThread::msleep(300);
        step = request.step();
    }
    return step;
}

InitialRequestInfo checked(const QString &caseKind)
{
    InitialRequestInfo info;
    info.caseKind = caseKind;
    info.application = QStringLiteral("1742");
    info.applicationDate = QDate::currentDate();
    info.checklist =
        QStringList{QStringLiteral("identity-document"), QStringLiteral("signed-application")};
    return info;
}

struct Bank
{
    RaServer ra;
    QTemporaryDir scratch;
    X509Ptr staffCert;
    EvpPkeyPtr staffKey;

    explicit Bank(int staffApprovals = 0, const QString &nobodyIs = QStringLiteral("operators"))
        : ra(options())
    {
        ra.prepare();
        ra.setConfig(QStringLiteral("staff_approvals=0"),
                     QStringLiteral("staff_approvals=%1").arg(staffApprovals));
        // The account "nobody" may reach the admin socket (never the register's files), and
        // has the role the test gives it.
        ra.setConfig(QStringLiteral("socket_mode=0660"), QStringLiteral("socket_mode=0666"));
        ra.setConfig(nobodyIs + QStringLiteral("=root"), nobodyIs + QStringLiteral("=root,nobody"));
        QFile(ra.dir()).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                       QFileDevice::ExeOwner | QFileDevice::ExeOther);
        // ra.conf (0640) is read by the RA's group, as the package sets it up: nobody's
        // group stands for it here.
        ::chown(QFile::encodeName(ra.dir() + QStringLiteral("/ra.conf")).constData(), uid_t(-1),
                65534);
        // init-demo's staff member, with the key in a file (as `openssl cmp` would use it).
        staffCert = readPem(ra.dir() + QStringLiteral("/staff.cert.pem"));
        staffKey = readKey(ra.dir() + QStringLiteral("/staff.key.pem"));
    }
    static RaServer::Options options()
    {
        RaServer::Options o;
        o.autoDelaySeconds = 0; // key updates approved at once: the roles are what is tested
        return o;
    }
    bool start() { return ra.start() && staffCert && staffKey; }
    // The register, opened in this process beside the running RA (for what no CMP message
    // reaches: the store's own behaviour).
    Expected<std::unique_ptr<Store>> openRegister() const
    {
        return Store::open(ra.dir() + QStringLiteral("/ra.db"));
    }
    // A staff-authorized first key for a new abonent `uid`, sent: it waits for approval.
    std::unique_ptr<InitialRequest> firstKeyFor(const QString &uid, const QString &name,
                                                EvpPkeyPtr &newKey)
    {
        addAbonent(uid, name);
        InitialRequestInfo info = checked(QStringLiteral("first-key"));
        info.uid = uid;
        newKey.reset(EVP_EC_gen("P-256"));
        auto request = std::make_unique<InitialRequest>(endpointOf(ra), staffCert.get(),
                                                        staffKey.get(), newKey.get(), info,
                                                        [](const QByteArray &) { return Error(); });
        return request->step().state == EnrollState::Waiting ? std::move(request) : nullptr;
    }
    // keykiosk-ra COMMAND... run as the account "nobody"; its output, and its exit code.
    QString asNobody(const QStringList &command, int *exitCode) const
    {
        QProcess nobody;
        nobody.setProcessChannelMode(QProcess::MergedChannels);
        nobody.start(
            QStringLiteral("setpriv"),
            QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                        QStringLiteral("--clear-groups"), QStringLiteral(KK_RA_PATH)} +
                command +
                QStringList{QStringLiteral("--config"), ra.dir() + QStringLiteral("/ra.conf")});
        nobody.waitForFinished(20000);
        *exitCode = nobody.exitCode();
        return QString::fromUtf8(nobody.readAll());
    }
    void addAbonent(const QString &uid, const QString &name)
    {
        ra.cli({QStringLiteral("abonents"), QStringLiteral("add"), QStringLiteral("--uid"), uid,
                QStringLiteral("--name"), name, QStringLiteral("--org"),
                QStringLiteral("ООО «Лютик»"), QStringLiteral("--inn"),
                QStringLiteral("7707083893"), QStringLiteral("--snils"),
                QStringLiteral("11223344595")});
    }
    EnrollStep initial(const InitialRequestInfo &info, X509 *cert, EVP_PKEY *key,
                       X509Ptr *issued = nullptr)
    {
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        InitialRequest request(
            endpointOf(ra), cert, key, newKey.get(), info, [issued](const QByteArray &der) {
                if (issued) {
                    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
                    issued->reset(d2i_X509(nullptr, &p, der.size()));
                }
                return Error();
            });
        return toTheEnd(request);
    }
    EnrollStep keyUpdate(const Identity &client)
    {
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        KeyUpdate request(endpointOf(ra), client.cert.get(), client.key.get(), newKey.get(),
                          [](const QByteArray &) { return Error(); });
        return toTheEnd(request);
    }
};

} // namespace

class TestRaRoles : public QObject
{
    Q_OBJECT
private slots:
    void aFirstKeyTakesItsSubjectFromTheRegister()
    {
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("FIRST-1"), QStringLiteral("Сидоров Сидор Сидорович"));
        InitialRequestInfo info = checked(QStringLiteral("first-key"));
        info.snils = QStringLiteral("11223344595"); // no certificate yet: named by SNILS and INN
        info.inn = QStringLiteral("7707083893");
        X509Ptr issued;
        const EnrollStep step =
            bank.initial(info, bank.staffCert.get(), bank.staffKey.get(), &issued);
        QCOMPARE(step.state, EnrollState::Issued);
        QVERIFY(issued);
        QCOMPARE(nameField(X509_get_subject_name(issued.get()), "2.5.4.3"),
                 QStringLiteral("Сидоров Сидор Сидорович"));
        QCOMPARE(nameField(X509_get_subject_name(issued.get()), "0.9.2342.19200300.100.1.1"),
                 QStringLiteral("FIRST-1"));
        std::unique_ptr<CERTIFICATEPOLICIES,
                        OpenSslDeleter<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>>
            policies(static_cast<CERTIFICATEPOLICIES *>(
                X509_get_ext_d2i(issued.get(), NID_certificate_policies, nullptr, nullptr)));
        QVERIFY(policies && sk_POLICYINFO_num(policies.get()) == 1);
        char oid[128] = {};
        OBJ_obj2txt(oid, sizeof oid, sk_POLICYINFO_value(policies.get(), 0)->policyid, 1);
        QCOMPARE(QByteArray(oid), QByteArray(roles::kClientPolicy));
        // The bank's records: the staff member and the application with the request, the new
        // certificate live in the register, who did what in the audit log.
        const QString requests = bank.ra.cli({QStringLiteral("requests")});
        QVERIFY2(requests.contains(QStringLiteral("first-key")) &&
                     requests.contains(QStringLiteral("staff: Петрова Анна Сергеевна")) &&
                     requests.contains(QStringLiteral("application 1742 от")) &&
                     requests.contains(QStringLiteral("identity-document,signed-application")) &&
                     requests.contains(QStringLiteral(" confirmed ")),
                 qPrintable(requests));
        QCOMPARE(bank.ra.registerState(serialOf(issued.get())), QStringLiteral("client live"));
        const QString audit = bank.ra.cli({QStringLiteral("audit")});
        QVERIFY2(audit.contains(QStringLiteral("staff Петрова Анна Сергеевна")) &&
                     audit.contains(QStringLiteral("created")) &&
                     audit.contains(QStringLiteral("confirmed")),
                 qPrintable(audit));
    }

    void anExpiredKeyIsRecoveredAndSuperseded()
    {
        Bank bank;
        QVERIFY(bank.start());
        const Identity expired = issue(bank.ra, bank.scratch, QStringLiteral("Просрочкин"),
                                       {QStringLiteral("--uid"), QStringLiteral("EXP-1"),
                                        QStringLiteral("--not-before-days"), QStringLiteral("-400"),
                                        QStringLiteral("--not-after-days"), QStringLiteral("-3")});
        QVERIFY(expired.cert);
        QCOMPARE(bank.keyUpdate(expired).error.code, ErrorCode::CertificateExpiredSeeStaff);
        InitialRequestInfo info = checked(QStringLiteral("expired"));
        info.uid = QStringLiteral("EXP-1");
        QCOMPARE(bank.initial(info, bank.staffCert.get(), bank.staffKey.get()).state,
                 EnrollState::Issued);
        QCOMPARE(bank.ra.registerState(serialOf(expired.cert.get())),
                 QStringLiteral("client superseded"));
    }

    void aReplacementRevokesTheLostToken()
    {
        Bank bank;
        QVERIFY(bank.start());
        const Identity lost = issue(bank.ra, bank.scratch, QStringLiteral("Потерялов"),
                                    {QStringLiteral("--uid"), QStringLiteral("REP-1")});
        InitialRequestInfo info = checked(QStringLiteral("replacement"));
        info.uid = QStringLiteral("REP-1");
        QCOMPARE(bank.initial(info, bank.staffCert.get(), bank.staffKey.get()).state,
                 EnrollState::Issued);
        QCOMPARE(bank.ra.registerState(serialOf(lost.cert.get())),
                 QStringLiteral("client revoked"));
        // The lost token's key renews no more.
        QCOMPARE(bank.keyUpdate(lost).error.code, ErrorCode::CertificateRevoked);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("reason");
        QTest::newRow("a client certificate as a staff certificate") << "client-as-staff"
                                                                     << "not a staff certificate";
        QTest::newRow("an expired staff certificate") << "expired-staff"
                                                      << "not valid now";
        QTest::newRow("a revoked staff certificate") << "revoked-staff"
                                                     << "is revoked";
        QTest::newRow("a staff certificate the register does not know")
            << "unknown-staff"
            << "not a staff certificate";
        QTest::newRow("a kur from a superseded certificate") << "superseded"
                                                             << "superseded";
        QTest::newRow("a kur protected by the RA's own TLS certificate")
            << "tls-kur"
            << "not a client certificate";
        QTest::newRow("a kur from a certificate the register does not know")
            << "unknown-client"
            << "not in the bank's register";
        QTest::newRow("an incomplete checklist") << "checklist"
                                                 << "checklist are required";
        QTest::newRow("a client the register does not know") << "no-abonent"
                                                             << "not in the bank's register";
        QTest::newRow("a first key for a client who has one") << "first-but-has"
                                                              << "the client has a certificate";
    }
    void refusals()
    {
        QFETCH(QString, what);
        QFETCH(QString, reason);
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("NEW-1"), QStringLiteral("Новиков Новик"));
        InitialRequestInfo info = checked(QStringLiteral("first-key"));
        info.uid = QStringLiteral("NEW-1");
        EnrollStep step;
        if (what == QLatin1String("client-as-staff")) {
            const Identity client = issue(bank.ra, bank.scratch, QStringLiteral("Клиентов"),
                                          {QStringLiteral("--uid"), QStringLiteral("CL-1")});
            step = bank.initial(info, client.cert.get(), client.key.get());
        } else if (what == QLatin1String("expired-staff") ||
                   what == QLatin1String("revoked-staff") ||
                   what == QLatin1String("unknown-staff")) {
            QStringList days;
            if (what == QLatin1String("expired-staff"))
                days = QStringList{QStringLiteral("--not-before-days"), QStringLiteral("-400"),
                                   QStringLiteral("--not-after-days"), QStringLiteral("-1")};
            const Identity staff =
                issue(bank.ra, bank.scratch, QStringLiteral("Сотрудников"), days,
                      QStringLiteral("staff"), what != QLatin1String("unknown-staff"));
            if (what == QLatin1String("revoked-staff"))
                bank.ra.cli({QStringLiteral("revoke"), serialOf(staff.cert.get()),
                             QStringLiteral("--reason"), QStringLiteral("left the bank")});
            step = bank.initial(info, staff.cert.get(), staff.key.get());
        } else if (what == QLatin1String("superseded")) {
            const Identity client = issue(bank.ra, bank.scratch, QStringLiteral("Дважды"),
                                          {QStringLiteral("--uid"), QStringLiteral("TWICE-1")});
            QCOMPARE(bank.keyUpdate(client).state, EnrollState::Issued);
            step = bank.keyUpdate(client); // the same old certificate, another new key
        } else if (what == QLatin1String("tls-kur")) {
            Identity tls;
            tls.cert = readPem(bank.ra.dir() + QStringLiteral("/tls.cert.pem"));
            tls.key = readKey(bank.ra.dir() + QStringLiteral("/tls.key.pem"));
            step = bank.keyUpdate(tls);
        } else if (what == QLatin1String("unknown-client")) {
            const Identity stranger = issue(bank.ra, bank.scratch, QStringLiteral("Незнакомов"),
                                            {QStringLiteral("--uid"), QStringLiteral("X-1")},
                                            QStringLiteral("client"), false);
            step = bank.keyUpdate(stranger);
        } else if (what == QLatin1String("checklist")) {
            info.checklist = QStringList{QStringLiteral("identity-document")};
            step = bank.initial(info, bank.staffCert.get(), bank.staffKey.get());
        } else if (what == QLatin1String("no-abonent")) {
            info.uid = QStringLiteral("NOBODY-1");
            step = bank.initial(info, bank.staffCert.get(), bank.staffKey.get());
        } else if (what == QLatin1String("first-but-has")) {
            issue(bank.ra, bank.scratch, QStringLiteral("Имеющий"),
                  {QStringLiteral("--uid"), QStringLiteral("HAS-1")});
            info.uid = QStringLiteral("HAS-1");
            step = bank.initial(info, bank.staffCert.get(), bank.staffKey.get());
        }
        QCOMPARE(step.state, EnrollState::Rejected);
        QVERIFY2(step.serverText.contains(reason), qPrintable(step.serverText));
        // The bank's words come in the kiosk's three languages, a run each (ra/policy).
        const QString ru = textInLanguage(step.serverText, QStringLiteral("ru"));
        const QString kk = textInLanguage(step.serverText, QStringLiteral("kk"));
        const QString en = textInLanguage(step.serverText, QStringLiteral("en"));
        QVERIFY2(en.contains(reason), qPrintable(readableTaggedText(step.serverText)));
        QVERIFY2(!ru.isEmpty() && !kk.isEmpty() && ru != en && kk != ru && kk != en,
                 qPrintable(readableTaggedText(step.serverText)));
        // Refused means refused: nothing was issued for it.
        QVERIFY(!bank.ra.cli({QStringLiteral("requests")}).contains(QStringLiteral(" issued ")));
    }

    void anUnprotectedInitialRequestIsRefused()
    {
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("NEW-2"), QStringLiteral("Беззащитнов"));
        X509Ptr raCert = readPem(bank.ra.raCertPath());
        CmpCtxPtr ctx(OSSL_CMP_CTX_new(nullptr, nullptr));
        OSSL_CMP_CTX_set1_server(ctx.get(), "127.0.0.1");
        OSSL_CMP_CTX_set_serverPort(ctx.get(), bank.ra.port());
        OSSL_CMP_CTX_set1_serverPath(ctx.get(), "/.well-known/cmp");
        OSSL_CMP_CTX_set1_srvCert(ctx.get(), raCert.get());
        OSSL_CMP_CTX_set0_newPkey(ctx.get(), 1, EVP_EC_gen("P-256"));
        X509NamePtr subject(X509_NAME_new());
        X509_NAME_add_entry_by_txt(subject.get(), "UID", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>("NEW-2"), -1, -1, 0);
        OSSL_CMP_CTX_set1_subjectName(ctx.get(), subject.get());
        OSSL_CMP_CTX_set_option(ctx.get(), OSSL_CMP_OPT_UNPROTECTED_SEND, 1);
        OSSL_CMP_CTX_set_option(ctx.get(), OSSL_CMP_OPT_KEEP_ALIVE, 0);
        OSSL_CMP_CTX_set_log_verbosity(ctx.get(), OSSL_CMP_LOG_EMERG);
        X509 *issued = OSSL_CMP_exec_certreq(ctx.get(), 0 /* ir */, nullptr);
        QVERIFY(!issued);
        QCOMPARE(bank.ra.cli({QStringLiteral("requests")}).count(QStringLiteral("R-0")), 0);
    }

    void dualControlNeedsTwoOperators()
    {
        Bank bank(2);
        QVERIFY(bank.start());
        EvpPkeyPtr newKey;
        auto request =
            bank.firstKeyFor(QStringLiteral("DUAL-1"), QStringLiteral("Двойнов Двойн"), newKey);
        QVERIFY(request);
        int rc = -1;
        QVERIFY(bank.ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc)
                    .contains(QStringLiteral("approval 1 of 2")));
        QCOMPARE(rc, 0);
        QCOMPARE(request->step().state, EnrollState::Waiting); // one approval is not enough
        const QString again = bank.ra.cli({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QVERIFY(rc != 0);
        QVERIFY2(again.contains(QStringLiteral("dual control needs another operator")),
                 qPrintable(again));
        // A second operator: another system account, named an operator in ra.conf. It reaches
        // the admin socket; the register's files stay the RA's alone (0600).
        const QString secondOutput =
            bank.asNobody({QStringLiteral("approve"), QStringLiteral("1")}, &rc);
        QVERIFY2(rc == 0 && secondOutput.contains(QStringLiteral("approved")),
                 qPrintable(secondOutput));
        QCOMPARE(toTheEnd(*request).state, EnrollState::Issued);
        const QString audit = bank.ra.cli({QStringLiteral("audit")});
        QVERIFY2(audit.contains(QStringLiteral("approval 1 of 2")) &&
                     audit.contains(QStringLiteral("approval 2 of 2")) &&
                     audit.contains(QStringLiteral("nobody")),
                 qPrintable(audit));
    }

    void aSittingIsListedAndApprovedWithOneCommand()
    {
        // Three signers of one organization renew in one sitting at a kiosk; a fourth client,
        // at the same time, outside it. The bank approves the sitting with one command.
        Bank bank;
        bank.ra.setConfig(QStringLiteral("approval=auto"), QStringLiteral("approval=manual"));
        QVERIFY(bank.start());
        const QString sitting = QStringLiteral("S-20261128-4F2A");
        struct Signer
        {
            Identity identity;
            EvpPkeyPtr newKey{EVP_EC_gen("P-256")};
            std::unique_ptr<KeyUpdate> request;
        };
        std::vector<Signer> signers(4);
        for (int i = 0; i < 4; ++i) {
            Signer &s = signers[i];
            s.identity = issue(bank.ra, bank.scratch, QStringLiteral("signer%1").arg(i),
                               {QStringLiteral("--uid"), QStringLiteral("SIT-%1").arg(i)});
            QVERIFY(s.identity.cert);
            s.request = std::make_unique<KeyUpdate>(
                endpointOf(bank.ra), s.identity.cert.get(), s.identity.key.get(), s.newKey.get(),
                [](const QByteArray &) { return Error(); }, i < 3 ? sitting : QString());
            QCOMPARE(s.request->step().state, EnrollState::Waiting);
        }
        const QString listed =
            bank.ra.cli({QStringLiteral("requests"), QStringLiteral("--sitting"), sitting});
        QVERIFY2(listed.contains(QStringLiteral("sitting %1: 3 request(s)").arg(sitting)) &&
                     listed.count(QStringLiteral(" pending ")) == 3 && !listed.contains("SIT-3"),
                 qPrintable(listed));
        int rc = -1;
        const QString approved =
            bank.ra.cli({QStringLiteral("approve"), QStringLiteral("--sitting"), sitting}, &rc);
        QCOMPARE(rc, 0);
        QVERIFY2(
            approved.contains(QStringLiteral("3 of 3 request(s) were pending; 3 approved now")),
            qPrintable(approved));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(toTheEnd(*signers[i].request).state, EnrollState::Issued);
        QCOMPARE(signers[3].request->step().state, EnrollState::Waiting); // not in the sitting
        QVERIFY(
            bank.ra.cli({QStringLiteral("audit")}).contains(QStringLiteral("sitting ") + sitting));
        // An unknown sitting is an error, not silence.
        bank.ra.cli(
            {QStringLiteral("approve"), QStringLiteral("--sitting"), QStringLiteral("S-NONE")},
            &rc);
        QVERIFY(rc != 0);
    }

    void requestNumbersHaveNoGaps()
    {
        // A key sent again (a returning client, a retry) is the same request: it must not use
        // up a number. Two clients, the first sending twice: R-000001 and R-000002.
        Bank bank;
        bank.ra.setConfig(QStringLiteral("approval=auto"), QStringLiteral("approval=manual"));
        QVERIFY(bank.start());
        const Identity first = issue(bank.ra, bank.scratch, QStringLiteral("first"),
                                     {QStringLiteral("--uid"), QStringLiteral("GAP-1")});
        const Identity second = issue(bank.ra, bank.scratch, QStringLiteral("second"),
                                      {QStringLiteral("--uid"), QStringLiteral("GAP-2")});
        EvpPkeyPtr firstKey(EVP_EC_gen("P-256")), secondKey(EVP_EC_gen("P-256"));
        for (int attempt = 0; attempt < 3; ++attempt) {
            KeyUpdate again(endpointOf(bank.ra), first.cert.get(), first.key.get(), firstKey.get(),
                            [](const QByteArray &) { return Error(); });
            QCOMPARE(again.step().state, EnrollState::Waiting);
        }
        KeyUpdate other(endpointOf(bank.ra), second.cert.get(), second.key.get(), secondKey.get(),
                        [](const QByteArray &) { return Error(); });
        QCOMPARE(other.step().state, EnrollState::Waiting);
        const QString listed = bank.ra.cli({QStringLiteral("requests")});
        QVERIFY2(listed.contains(QStringLiteral("R-000001")) &&
                     listed.contains(QStringLiteral("R-000002")) &&
                     listed.count(QStringLiteral("R-0")) == 2,
                 qPrintable(listed));
    }

    void theBanksFilesAreTheBanks()
    {
        // Keys and the register are readable by their owner only, from the moment they exist,
        // and init-demo never replaces a bank's CA key.
        Bank bank;
        QVERIFY(bank.start());
        bank.ra.cli({QStringLiteral("requests")}); // the register exists
        for (const char *name :
             {"ca.key.pem", "ra.key.pem", "tls.key.pem", "staff.key.pem", "ra.db"}) {
            const QFileInfo file(bank.ra.dir() + QLatin1Char('/') + QLatin1String(name));
            QVERIFY2(file.exists(), name);
            const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                QFileDevice::ReadOther | QFileDevice::WriteOther;
            QVERIFY2(!(file.permissions() & others), name);
        }
        // init-demo makes the bank's directory 0700 when it creates it.
        QTemporaryDir parent;
        const QString fresh = parent.filePath(QStringLiteral("bank"));
        QCOMPARE(
            QProcess::execute(QStringLiteral(KK_RA_PATH), {QStringLiteral("init-demo"), fresh}), 0);
        QCOMPARE(QFileInfo(fresh).permissions() &
                     (QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                      QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther),
                 QFileDevice::Permissions());
        QFile key(bank.ra.dir() + QStringLiteral("/ca.key.pem"));
        QVERIFY(key.open(QIODevice::ReadOnly));
        const QByteArray before = key.readAll();
        key.close();
        QProcess again;
        again.setProcessChannelMode(QProcess::MergedChannels);
        again.start(QStringLiteral(KK_RA_PATH), {QStringLiteral("init-demo"), bank.ra.dir()});
        QVERIFY(again.waitForFinished(20000));
        const QString said = QString::fromUtf8(again.readAll());
        QVERIFY2(again.exitCode() != 0 && said.contains(QStringLiteral("never overwrites")),
                 qPrintable(said));
        QVERIFY(key.open(QIODevice::ReadOnly));
        QCOMPARE(key.readAll(), before);
    }

    void aRegisterForTheSignersGroupIsGroupReadableAndNoMore()
    {
        // The package's [store] mode=0640: the signer (its own account, in the RA's group)
        // reads the register; nobody else does, and nobody but the RA writes it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ra.db"));
        {
            auto store = Store::open(path, 0640);
            QVERIFY2(store.ok(), qPrintable(store.error().logText()));
        }
        for (const QString &file :
             {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm")}) {
            if (!QFile::exists(file))
                continue; // SQLite removes -wal and -shm when the last connection closes
            QCOMPARE(QFileInfo(file).permissions() & 0x0077 /* group and others, in Qt's bits */,
                     QFileDevice::ReadGroup);
        }
        auto readOnly = Store::openReadOnly(path);
        QVERIFY2(readOnly.ok(), qPrintable(readOnly.error().logText()));
    }

    void theAuditLogIsAppendOnly()
    {
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("AUD-1"), QStringLiteral("Аудитов"));
        QProcess sqlite;
        sqlite.setProcessChannelMode(QProcess::MergedChannels);
        sqlite.start(QStringLiteral("sqlite3"),
                     {bank.ra.dir() + QStringLiteral("/ra.db"),
                      QStringLiteral("DELETE FROM audit; UPDATE audit SET actor = 'x';")});
        QVERIFY(sqlite.waitForFinished(10000));
        QVERIFY(QString::fromUtf8(sqlite.readAll()).contains(QStringLiteral("append-only")));
        QVERIFY(bank.ra.cli({QStringLiteral("audit")}).contains(QStringLiteral("added abonent")));
    }

    void operatorsAreWhomTheKernelNames_data()
    {
        QTest::addColumn<QString>("nobodyIs");
        QTest::addColumn<QStringList>("command");
        QTest::addColumn<bool>("allowed");
        const QStringList approve = {QStringLiteral("approve"), QStringLiteral("1")};
        const QStringList list = {QStringLiteral("requests")};
        const QStringList revoke = {QStringLiteral("revoke"), QStringLiteral("AB12"),
                                    QStringLiteral("--reason"), QStringLiteral("test")};
        QTest::newRow("no role: reads nothing") << QStringLiteral("none") << list << false;
        QTest::newRow("an auditor reads") << QStringLiteral("auditors") << list << true;
        QTest::newRow("an auditor does not approve")
            << QStringLiteral("auditors") << approve << false;
        QTest::newRow("an administrator does not approve")
            << QStringLiteral("administrators") << approve << false;
        QTest::newRow("an operator does not revoke")
            << QStringLiteral("operators") << revoke << false;
    }

    void operatorsAreWhomTheKernelNames()
    {
        QFETCH(QString, nobodyIs);
        QFETCH(QStringList, command);
        QFETCH(bool, allowed);
        Bank bank(2, nobodyIs);
        QVERIFY(bank.start());
        EvpPkeyPtr newKey;
        QVERIFY(bank.firstKeyFor(QStringLiteral("ROLE-1"), QStringLiteral("Ролев Роль"), newKey));
        int rc = -1;
        const QString said = bank.asNobody(command, &rc);
        QCOMPARE(rc == 0, allowed);
        if (!allowed)
            QVERIFY2(said.contains(QStringLiteral("nobody may not")), qPrintable(said));
        // Whatever nobody tried, the request has no approval from it.
        QVERIFY(!bank.ra.cli({QStringLiteral("audit")}).contains(QStringLiteral("nobody")));
    }

    void theCliNeverWritesTheRegister()
    {
        Bank bank(2);
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("CLI-1"), QStringLiteral("Клиентов"));
        bank.ra.stop();
        // With the RA stopped the register can be read (by whoever may read its file), never
        // changed: the operator commands need the running RA.
        int rc = -1;
        const QString refused = bank.ra.cli({QStringLiteral("abonents"), QStringLiteral("add"),
                                             QStringLiteral("--uid"), QStringLiteral("CLI-2"),
                                             QStringLiteral("--name"), QStringLiteral("Офлайнов")},
                                            &rc);
        QVERIFY(rc != 0);
        QVERIFY2(refused.contains(QStringLiteral("admin socket")), qPrintable(refused));
        const QString listed = bank.ra.cli({QStringLiteral("abonents")}, &rc);
        QCOMPARE(rc, 0);
        QVERIFY(listed.contains(QStringLiteral("CLI-1")) &&
                !listed.contains(QStringLiteral("CLI-2")));
        const QString verified =
            bank.ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QVERIFY2(rc == 0 && verified.contains(QStringLiteral("chain intact")),
                 qPrintable(verified));
    }

    void auditVerifyFindsEveryEditAndDeletion_data()
    {
        // Someone with write access to the database gets past the triggers first.
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<QString>("found");
        const QString unlock = QStringLiteral("DROP TRIGGER audit_no_update; "
                                              "DROP TRIGGER audit_no_delete; ");
        QTest::newRow("an entry edited")
            << unlock + QStringLiteral("UPDATE audit SET actor = 'someone' WHERE id = 2;")
            << QStringLiteral("entry 2 does not match");
        QTest::newRow("an entry deleted")
            << unlock + QStringLiteral("DELETE FROM audit WHERE id = 2;")
            << QStringLiteral("entry 2 is missing");
        QTest::newRow("the last entry deleted")
            << unlock + QStringLiteral("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);")
            << QStringLiteral("entries deleted at the end");
        // An entry appended behind the RA's back, chained correctly: the head tells (and the
        // RA's next entry, numbered by the head, does not go in).
        QTest::newRow("an entry added behind the RA's back")
            << QStringLiteral("INSERT INTO audit (id, at, actor, action, request, detail, hash) "
                              "SELECT max(id) + 1, 0, 'someone', 'approved', '', '', "
                              "zeroblob(32) FROM audit;")
            << QStringLiteral("entries added behind the RA's back");
        QTest::newRow("an entry deleted and the rest renumbered")
            << unlock + QStringLiteral("DELETE FROM audit WHERE id = 2; "
                                       "UPDATE audit SET id = id - 1 WHERE id > 2;")
            << QStringLiteral("does not match");
    }

    void auditVerifyFindsEveryEditAndDeletion()
    {
        QFETCH(QString, tamper);
        QFETCH(QString, found);
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("AUD-1"), QStringLiteral("Аудитов"));
        bank.addAbonent(QStringLiteral("AUD-2"), QStringLiteral("Проверкин"));
        int rc = -1;
        const QString intact =
            bank.ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QVERIFY2(rc == 0 && intact.contains(QStringLiteral("chain intact")), qPrintable(intact));
        QProcess sqlite;
        sqlite.setProcessChannelMode(QProcess::MergedChannels);
        sqlite.start(QStringLiteral("sqlite3"), {bank.ra.dir() + QStringLiteral("/ra.db"), tamper});
        QVERIFY(sqlite.waitForFinished(10000));
        QCOMPARE(sqlite.exitCode(), 0);
        const QString broken =
            bank.ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QCOMPARE(rc, 1);
        QVERIFY2(broken.contains(found) && broken.contains(QStringLiteral("CHAIN BROKEN")),
                 qPrintable(broken));
    }

    void theRecordCreatedIsTheRecordRead()
    {
        // createOrGet answers with what it wrote, without reading it back: the same as a read.
        Bank bank;
        QVERIFY(bank.start());
        auto store = bank.openRegister();
        QVERIFY(store.ok());
        RequestRecord draft =
            requestDraft(QStringLiteral("kur"), QStringLiteral("REC-1"),
                         QStringLiteral("Записев, ООО «Ромашка»"), '\x09', RequestStatus::Pending);
        draft.oldCertSerial = QStringLiteral("0A1B");
        draft.approvalsNeeded = 1;
        draft.approveAfter = QDateTime::currentDateTimeUtc().addSecs(3600);
        draft.sitting = QStringLiteral("S-1");
        auto created = store.value()->createOrGet(draft, QStringLiteral("test"));
        QVERIFY(created.ok());
        auto read = store.value()->findById(created->id);
        QVERIFY(read.ok() && read.value());
        const RequestRecord &r = *read.value();
        QCOMPARE(created->number, r.number);
        QCOMPARE(created->created, r.created);
        QCOMPARE(created->updated, r.updated);
        QCOMPARE(created->kind, r.kind);
        QCOMPARE(created->uid, r.uid);
        QCOMPARE(created->abonent, r.abonent);
        QCOMPARE(created->oldCertSerial, r.oldCertSerial);
        QCOMPARE(created->newKeyHash, r.newKeyHash);
        QCOMPARE(created->newKeySpki, r.newKeySpki);
        QCOMPARE(created->subjectDer, r.subjectDer);
        QCOMPARE(created->status, r.status);
        QCOMPARE(created->reason, r.reason);
        QCOMPARE(created->approveAfter, r.approveAfter);
        QCOMPARE(created->certDer, r.certDer);
        QCOMPARE(created->certSerial, r.certSerial);
        QCOMPARE(created->caseKind, r.caseKind);
        QCOMPARE(created->staff, r.staff);
        QCOMPARE(created->application, r.application);
        QCOMPARE(created->checklist, r.checklist);
        QCOMPARE(created->approvalsNeeded, r.approvalsNeeded);
        QCOMPARE(created->approvals, r.approvals);
        QCOMPARE(created->sitting, r.sitting);
    }

    void aSerialRevokedBeforeItsCertificateIsRegisteredStaysRevoked()
    {
        // The RA reads a certificate's revocation with the certificate: a revocation recorded
        // before the certificate joined the register counts as well.
        Bank bank;
        QVERIFY(bank.start());
        auto store = bank.openRegister();
        QVERIFY(store.ok());
        QVERIFY(!store.value()->revoke(QStringLiteral("5eed"), QStringLiteral("token lost"),
                                       QStringLiteral("ivanov")));
        CertificateRecord certificate;
        certificate.serial = QStringLiteral("5EED");
        certificate.role = CertificateRole::Staff;
        certificate.subject = QStringLiteral("CN=Отозванов");
        certificate.notAfter = QDateTime::currentDateTimeUtc().addDays(100);
        certificate.der = QByteArray("cert");
        QVERIFY(!store.value()->registerCertificate(certificate, QStringLiteral("test")));
        auto found = store.value()->findCertificate(QStringLiteral("5eed"));
        QVERIFY(found.ok() && found.value());
        QCOMPARE(found.value()->state, CertificateState::Revoked);
        auto other = store.value()->findCertificate(QStringLiteral("ABCD"));
        QVERIFY(other.ok() && !other.value());
    }

    void anApprovalIsShownWhereNoneWasNeeded()
    {
        // Approvals are read only for a request that needed some: one approved although it
        // needed none (a request from before dual control) now counts as having needed one.
        Bank bank;
        QVERIFY(bank.start());
        auto store = bank.openRegister();
        QVERIFY(store.ok());
        RequestRecord draft =
            requestDraft(QStringLiteral("kur"), QStringLiteral("REC-2"), QStringLiteral("Одобрин"),
                         '\x0a', RequestStatus::Pending);
        draft.approvalsNeeded = 0;
        auto created = store.value()->createOrGet(draft, QStringLiteral("test"));
        QVERIFY(created.ok());
        QVERIFY(!store.value()->approve(created->id, QStringLiteral("ivanov")));
        auto read = store.value()->findById(created->id);
        QVERIFY(read.ok() && read.value());
        QCOMPARE(read.value()->status, RequestStatus::Approved);
        QCOMPARE(read.value()->approvals, QStringList{QStringLiteral("ivanov")});
    }

    void issuedCertificatesAreAudited()
    {
        Bank bank;
        QVERIFY(bank.start());
        bank.addAbonent(QStringLiteral("AUD-3"), QStringLiteral("Выпускова"));
        auto store = bank.openRegister();
        QVERIFY(store.ok());
        const RequestRecord draft =
            requestDraft(QStringLiteral("ir"), QStringLiteral("AUD-3"), QStringLiteral("Выпускова"),
                         '\x07', RequestStatus::Approved);
        auto created = store.value()->createOrGet(draft, QStringLiteral("test"));
        QVERIFY(created.ok());
        QVERIFY(
            !store.value()->markIssued(created->id, QByteArray("cert"), QStringLiteral("ABCD")));
        const QString log = bank.ra.cli({QStringLiteral("audit")});
        QVERIFY2(log.contains(QStringLiteral("issued")) && log.contains(QStringLiteral("ABCD")),
                 qPrintable(log));
        int rc = -1;
        bank.ra.cli({QStringLiteral("audit"), QStringLiteral("verify")}, &rc);
        QCOMPARE(rc, 0);
    }
};

QTEST_GUILESS_MAIN(TestRaRoles)
#include "tst_raroles.moc"
