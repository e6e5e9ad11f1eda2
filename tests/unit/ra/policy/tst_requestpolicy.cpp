// The bank's policy (ra/policy/requestpolicy.h), row by row, without OpenSSL or a database:
// from a request the policy accepts, each row changes one fact and expects one decision.
// Every refusal in the table is reached by a row, and each has its words in the kiosk's three
// languages.
#include "requestpolicy.h"

#include <QSet>
#include <QtTest>

#include <functional>

using namespace kk::ra;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 12, 7), QTime(12, 0), Qt::UTC);

CertificateRecord certificate(CertificateRole role, CertificateState state, int daysLeft)
{
    CertificateRecord c;
    c.serial = QStringLiteral("0A1B");
    c.role = role;
    c.state = state;
    c.notAfter = kNow.addDays(daysLeft);
    return c;
}

// A key update the policy accepts: the client's own registered certificate, 20 days left.
RenewalFacts goodRenewal()
{
    RenewalFacts f;
    f.namesOldCertificate = f.oldCertificateSent = f.protectedByNamedCertificate = true;
    f.clientPolicy = f.sameAsRegistered = f.hasNewKey = true;
    f.oldNotAfter = kNow.addDays(20);
    f.registered = certificate(CertificateRole::Client, CertificateState::Live, 20);
    return f;
}

// A staff-authorized first key the policy accepts.
InitialFacts goodInitial()
{
    InitialFacts f;
    f.staffCertificateSent = f.staffPolicy = f.staffValidNow = true;
    f.staffRegistered = certificate(CertificateRole::Staff, CertificateState::Live, 300);
    f.caseKind = QStringLiteral("first-key");
    f.application = QStringLiteral("17");
    f.applicationDate = QStringLiteral("07.12.2026");
    f.checklist =
        QStringList{QStringLiteral("identity-document"), QStringLiteral("signed-application")};
    f.clientFound = f.hasNewKey = true;
    return f;
}

QString outcome(const Decision &d)
{
    if (d.refused())
        return QString::fromLatin1(refusalRow(*d.refusal).name);
    return d.status == RequestStatus::Approved
               ? QStringLiteral("approved")
               : QStringLiteral("pending/%1").arg(d.approvalsNeeded);
}

struct RenewalRow
{
    const char *name;
    std::function<void(RenewalFacts &, RaPolicy &)> change;
    const char *expected;
};

const std::vector<RenewalRow> &renewalRows()
{
    using S = CertificateState;
    static const std::vector<RenewalRow> rows = {
        {"accepted, auto approval after a delay", [](RenewalFacts &, RaPolicy &) {}, "pending/1"},
        {"accepted, auto approval at once",
         [](RenewalFacts &, RaPolicy &p) { p.autoDelaySeconds = 0; }, "approved"},
        {"accepted, operators approve",
         [](RenewalFacts &, RaPolicy &p) { p.approval = ApprovalMode::Manual; }, "pending/1"},
        {"no oldCertID", [](RenewalFacts &f, RaPolicy &) { f.namesOldCertificate = false; },
         "no-old-certificate-id"},
        {"the certificate not sent",
         [](RenewalFacts &f, RaPolicy &) { f.oldCertificateSent = false; },
         "old-certificate-not-sent"},
        {"protected by another certificate",
         [](RenewalFacts &f, RaPolicy &) { f.protectedByNamedCertificate = false; },
         "not-protected-by-named-certificate"},
        {"not a client certificate", [](RenewalFacts &f, RaPolicy &) { f.clientPolicy = false; },
         "not-client-certificate"},
        {"not in the register", [](RenewalFacts &f, RaPolicy &) { f.registered.reset(); },
         "not-in-register"},
        {"registered as staff",
         [](RenewalFacts &f, RaPolicy &) { f.registered->role = CertificateRole::Staff; },
         "not-in-register"},
        {"same serial, other bytes",
         [](RenewalFacts &f, RaPolicy &) { f.sameAsRegistered = false; },
         "not-issued-by-this-bank"},
        {"no new key", [](RenewalFacts &f, RaPolicy &) { f.hasNewKey = false; }, "no-new-key"},
        {"revoked", [](RenewalFacts &f, RaPolicy &) { f.registered->state = S::Revoked; },
         "certificate-revoked"},
        {"revoked, the request already issued",
         [](RenewalFacts &f, RaPolicy &) {
             f.registered->state = S::Revoked;
             f.existingRequest = RequestStatus::Issued;
         },
         "certificate-revoked"},
        {"superseded, a new key",
         [](RenewalFacts &f, RaPolicy &) { f.registered->state = S::Superseded; },
         "certificate-superseded"},
        {"superseded by this very request (confirmed, sent again)",
         [](RenewalFacts &f, RaPolicy &) {
             f.registered->state = S::Superseded;
             f.existingRequest = RequestStatus::Confirmed;
         },
         "pending/1"},
        {"expired", [](RenewalFacts &f, RaPolicy &) { f.oldNotAfter = kNow.addSecs(-1); },
         "certificate-expired"},
        {"expired while its approved request waited",
         [](RenewalFacts &f, RaPolicy &) {
             f.oldNotAfter = kNow.addDays(-2);
             f.existingRequest = RequestStatus::Approved;
         },
         "pending/1"},
        {"expired, its request still pending",
         [](RenewalFacts &f, RaPolicy &) {
             f.oldNotAfter = kNow.addDays(-2);
             f.existingRequest = RequestStatus::Pending;
         },
         "certificate-expired"},
        {"40 days left, unscheduled renewals allowed",
         [](RenewalFacts &f, RaPolicy &) { f.oldNotAfter = kNow.addDays(40); }, "pending/1"},
        {"40 days left, the window is 30",
         [](RenewalFacts &f, RaPolicy &p) {
             f.oldNotAfter = kNow.addDays(40);
             p.allowUnscheduled = false;
         },
         "renewal-window-not-open"},
        {"30 days and an hour left, the window is 30",
         [](RenewalFacts &f, RaPolicy &p) {
             f.oldNotAfter = kNow.addDays(30).addSecs(3600);
             p.allowUnscheduled = false;
         },
         "pending/1"},
    };
    return rows;
}

struct InitialRow
{
    const char *name;
    std::function<void(InitialFacts &, RaPolicy &)> change;
    const char *expected;
};

const std::vector<InitialRow> &initialRows()
{
    using S = CertificateState;
    static const std::vector<InitialRow> rows = {
        {"first key, the staff authorization suffices", [](InitialFacts &, RaPolicy &) {},
         "approved"},
        {"first key, dual control", [](InitialFacts &, RaPolicy &p) { p.staffApprovals = 2; },
         "pending/2"},
        {"no staff certificate",
         [](InitialFacts &f, RaPolicy &) { f.staffCertificateSent = false; },
         "not-staff-protected"},
        {"not the staff policy", [](InitialFacts &f, RaPolicy &) { f.staffPolicy = false; },
         "not-staff-certificate"},
        {"staff certificate not registered",
         [](InitialFacts &f, RaPolicy &) { f.staffRegistered.reset(); }, "not-staff-certificate"},
        {"registered as a client's",
         [](InitialFacts &f, RaPolicy &) { f.staffRegistered->role = CertificateRole::Client; },
         "not-staff-certificate"},
        {"staff certificate revoked",
         [](InitialFacts &f, RaPolicy &) { f.staffRegistered->state = S::Revoked; },
         "staff-certificate-revoked"},
        {"staff certificate not valid now",
         [](InitialFacts &f, RaPolicy &) { f.staffValidNow = false; },
         "staff-certificate-not-valid"},
        {"no application number",
         [](InitialFacts &f, RaPolicy &) { f.application = QStringLiteral(" "); },
         "application-incomplete"},
        {"no application date", [](InitialFacts &f, RaPolicy &) { f.applicationDate.clear(); },
         "application-incomplete"},
        {"the identity document not checked",
         [](InitialFacts &f, RaPolicy &) { f.checklist.removeAll("identity-document"); },
         "application-incomplete"},
        {"the signed application not checked",
         [](InitialFacts &f, RaPolicy &) { f.checklist.removeAll("signed-application"); },
         "application-incomplete"},
        {"unknown case",
         [](InitialFacts &f, RaPolicy &) { f.caseKind = QStringLiteral("lost-pin"); },
         "unknown-case"},
        {"client not in the register", [](InitialFacts &f, RaPolicy &) { f.clientFound = false; },
         "client-not-in-register"},
        {"first key, but the client has a certificate",
         [](InitialFacts &f, RaPolicy &) {
             f.liveClientCertificate = certificate(CertificateRole::Client, S::Live, 100);
         },
         "client-has-certificate"},
        {"first key with a certificate, the request already made",
         [](InitialFacts &f, RaPolicy &) {
             f.liveClientCertificate = certificate(CertificateRole::Client, S::Live, 100);
             f.existingRequest = RequestStatus::Issued;
         },
         "approved"},
        {"expired, and it has",
         [](InitialFacts &f, RaPolicy &) {
             f.caseKind = QStringLiteral("expired");
             f.liveClientCertificate = certificate(CertificateRole::Client, S::Live, -3);
         },
         "approved"},
        {"expired, but it has not",
         [](InitialFacts &f, RaPolicy &) {
             f.caseKind = QStringLiteral("expired");
             f.liveClientCertificate = certificate(CertificateRole::Client, S::Live, 100);
         },
         "client-certificate-not-expired"},
        {"expired, no certificate at all",
         [](InitialFacts &f, RaPolicy &) { f.caseKind = QStringLiteral("expired"); },
         "nothing-expired"},
        {"replacement of a live certificate",
         [](InitialFacts &f, RaPolicy &) {
             f.caseKind = QStringLiteral("replacement");
             f.liveClientCertificate = certificate(CertificateRole::Client, S::Live, 100);
         },
         "approved"},
        {"replacement, nothing to replace",
         [](InitialFacts &f, RaPolicy &) { f.caseKind = QStringLiteral("replacement"); },
         "nothing-to-replace"},
        {"no new key", [](InitialFacts &f, RaPolicy &) { f.hasNewKey = false; }, "no-new-key"},
    };
    return rows;
}

} // namespace

class TestRequestPolicy : public QObject
{
    Q_OBJECT
    QSet<QString> m_reached;

private slots:
    void renewal_data()
    {
        QTest::addColumn<int>("row");
        for (std::size_t i = 0; i < renewalRows().size(); ++i)
            QTest::newRow(renewalRows()[i].name) << int(i);
    }
    void renewal()
    {
        QFETCH(int, row);
        const RenewalRow &r = renewalRows()[std::size_t(row)];
        RenewalFacts facts = goodRenewal();
        RaPolicy policy;
        r.change(facts, policy);
        const Decision decision = decideRenewal(facts, policy, kNow);
        QCOMPARE(outcome(decision), QString::fromLatin1(r.expected));
        if (!decision.refused() && decision.status == RequestStatus::Pending &&
            policy.approval == ApprovalMode::Auto)
            QCOMPARE(decision.approveAfter, kNow.addSecs(policy.autoDelaySeconds));
        m_reached << outcome(decision);
        qInfo("kur | %-55s | %s", r.name, r.expected);
    }

    void initial_data()
    {
        QTest::addColumn<int>("row");
        for (std::size_t i = 0; i < initialRows().size(); ++i)
            QTest::newRow(initialRows()[i].name) << int(i);
    }
    void initial()
    {
        QFETCH(int, row);
        const InitialRow &r = initialRows()[std::size_t(row)];
        InitialFacts facts = goodInitial();
        RaPolicy policy;
        r.change(facts, policy);
        const Decision decision = decideInitial(facts, policy, kNow);
        QCOMPARE(outcome(decision), QString::fromLatin1(r.expected));
        m_reached << outcome(decision);
        qInfo("ir  | %-55s | %s", r.name, r.expected);
    }

    void anyRequest()
    {
        QCOMPARE(checkRequest(false, true), std::optional<Refusal>(Refusal::NotKurOrIr));
        QCOMPARE(checkRequest(true, false), std::optional<Refusal>(Refusal::NoCertificateRequest));
        QVERIFY(!checkRequest(true, true));
        QVERIFY(!checkSitting({}));
        QVERIFY(!checkSitting(QStringLiteral("S-20261207-1")));
        QCOMPARE(checkSitting(QStringLiteral("S 1; DROP")),
                 std::optional<Refusal>(Refusal::MalformedSittingId));
        QCOMPARE(checkSitting(QString(41, QLatin1Char('a'))),
                 std::optional<Refusal>(Refusal::MalformedSittingId));
        for (Refusal r :
             {Refusal::NotKurOrIr, Refusal::NoCertificateRequest, Refusal::MalformedSittingId})
            m_reached << QString::fromLatin1(refusalRow(r).name);
    }

    // After the rows: each refusal of the table was reached, once named, in three languages.
    void everyRefusalIsARowInThreeLanguages()
    {
        QSet<QString> names;
        for (const RefusalRow &row : refusalTable()) {
            const QString name = QString::fromLatin1(row.name);
            QVERIFY2(!names.contains(name), row.name);
            names << name;
            QVERIFY2(m_reached.contains(name), qPrintable(name + " is reached by no row"));
            QCOMPARE(&refusalRow(row.refusal), &row);
            const Reason &reason = row.reason;
            QVERIFY2(!reason.ru.isEmpty() && !reason.kk.isEmpty() && !reason.en.isEmpty(),
                     row.name);
            QVERIFY2(reason.ru != reason.kk && reason.ru != reason.en && reason.kk != reason.en,
                     row.name);
            const bool takesDetail = reason.ru.contains(QLatin1String("%1"));
            QCOMPARE(reason.kk.contains(QLatin1String("%1")), takesDetail);
            QCOMPARE(reason.en.contains(QLatin1String("%1")), takesDetail);
        }
        QCOMPARE(names.size(), int(Refusal::NothingToReplace) + 1);
    }

    void theDetailFillsTheReason()
    {
        RenewalFacts facts = goodRenewal();
        facts.registered->state = CertificateState::Superseded;
        facts.registered->replacedBy = QStringLiteral("7F3E");
        const Reason reason = reasonOf(decideRenewal(facts, RaPolicy(), kNow));
        QVERIFY2(reason.ru.contains(QLatin1String("(7F3E)")), qPrintable(reason.ru));
        QVERIFY2(reason.kk.contains(QLatin1String("(7F3E)")), qPrintable(reason.kk));
        QVERIFY2(reason.en.contains(QLatin1String("by 7F3E")), qPrintable(reason.en));
    }
};

QTEST_GUILESS_MAIN(TestRequestPolicy)
#include "tst_requestpolicy.moc"
