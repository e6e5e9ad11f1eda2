// The register moves a request only by a row of its lifecycle (ra/store/requestlifecycle.h),
// on a real SQLite file: what the table does not list is refused with the table's words, the
// request stays where it was, and the audit log gains nothing for it.
#include "store.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace kk;
using namespace kk::ra;

namespace {

RequestRecord draft(char key, RequestStatus status, int approvalsNeeded = 0)
{
    RequestRecord r;
    r.kind = QStringLiteral("kur");
    r.uid = QStringLiteral("LIFE-%1").arg(int(key));
    r.abonent = QStringLiteral("Жизненцев");
    r.newKeyHash = QByteArray(32, key);
    r.newKeySpki = QByteArray("spki");
    r.subjectDer = QByteArray("subject");
    r.status = status;
    r.approvalsNeeded = approvalsNeeded;
    return r;
}

} // namespace

class TestStoreLifecycle : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;

    RequestStatus statusOf(qint64 id)
    {
        auto found = m_store->findById(id);
        return found && found.value() ? found.value()->status : RequestStatus::Pending;
    }
    int auditEntries()
    {
        auto log = m_store->auditLog();
        return log ? log->size() : -1;
    }
    // The change is refused with the table's words, and changes nothing.
    void expectRefused(const Error &error, const QString &words, qint64 id, RequestStatus stays,
                       int entries)
    {
        QVERIFY2(error.isError(), qPrintable(words));
        QVERIFY2(error.detail.contains(words), qPrintable(error.detail));
        QCOMPARE(statusOf(id), stays);
        QCOMPARE(auditEntries(), entries);
    }

private slots:
    void initTestCase()
    {
        auto store = Store::open(m_dir.filePath(QStringLiteral("register.db")));
        QVERIFY(store.ok());
        m_store = store.takeValue();
    }

    void aConfirmedRequestStaysConfirmed()
    {
        auto created = m_store->createOrGet(draft('\x01', RequestStatus::Approved), "test");
        QVERIFY(created.ok());
        const qint64 id = created->id;
        QVERIFY(!m_store->markIssued(id, QByteArray("cert"), QStringLiteral("C0FFEE")));
        auto issued = m_store->findById(id);
        QVERIFY(issued.ok() && issued.value());
        QVERIFY(!m_store->markConfirmed(*issued.value(), true, {}));
        QCOMPARE(statusOf(id), RequestStatus::Confirmed);
        const int entries = auditEntries();
        auto confirmed = m_store->findById(id);
        QVERIFY(confirmed.ok() && confirmed.value());
        // The same certConf again (a kiosk restarted after sending it): nothing changes.
        QVERIFY(!m_store->markConfirmed(*confirmed.value(), true, {}));
        QCOMPARE(auditEntries(), entries);
        expectRefused(m_store->markConfirmed(*confirmed.value(), false, QStringLiteral("no")),
                      QStringLiteral("cannot be refused by the client: it is confirmed"), id,
                      RequestStatus::Confirmed, entries);
        expectRefused(m_store->reject(id, QStringLiteral("late"), QStringLiteral("op")),
                      QStringLiteral("cannot be refused: it is confirmed"), id,
                      RequestStatus::Confirmed, entries);
        expectRefused(m_store->approve(id, QStringLiteral("op")),
                      QStringLiteral("cannot be approved: it is confirmed"), id,
                      RequestStatus::Confirmed, entries);
        expectRefused(m_store->markIssued(id, QByteArray("other"), QStringLiteral("BAD")),
                      QStringLiteral("cannot be issued: it is confirmed"), id,
                      RequestStatus::Confirmed, entries);
        auto verdict = m_store->verifyAudit();
        QVERIFY(verdict.ok() && verdict->problems.isEmpty());
    }

    void aClientMayConfirmWhatItRefused()
    {
        // The token could not store the certificate; the next visit offers the same one.
        auto created = m_store->createOrGet(draft('\x06', RequestStatus::Approved), "test");
        QVERIFY(created.ok());
        const qint64 id = created->id;
        QVERIFY(!m_store->markIssued(id, QByteArray("cert"), QStringLiteral("5EC0DD")));
        auto issued = m_store->findById(id);
        QVERIFY(issued.ok() && issued.value());
        QVERIFY(!m_store->markConfirmed(*issued.value(), false, QStringLiteral("token full")));
        QCOMPARE(statusOf(id), RequestStatus::RejectedByClient);
        auto certificate = m_store->findCertificate(QStringLiteral("5EC0DD"));
        QVERIFY(certificate.ok() && !certificate.value()); // not in the register yet
        auto refused = m_store->findById(id);
        QVERIFY(refused.ok() && refused.value());
        QVERIFY(!m_store->markConfirmed(*refused.value(), true, {}));
        QCOMPARE(statusOf(id), RequestStatus::Confirmed);
        certificate = m_store->findCertificate(QStringLiteral("5EC0DD"));
        QVERIFY(certificate.ok() && certificate.value());
        QCOMPARE(certificate.value()->state, CertificateState::Live);
    }

    void aRefusalIsFinal()
    {
        auto created = m_store->createOrGet(draft('\x02', RequestStatus::Pending), "test");
        QVERIFY(created.ok());
        const qint64 id = created->id;
        expectRefused(m_store->markIssued(id, QByteArray("cert"), QStringLiteral("C0DE")),
                      QStringLiteral("cannot be issued: it is pending"), id, RequestStatus::Pending,
                      auditEntries());
        QVERIFY(!m_store->reject(id, QStringLiteral("ИНН"), QStringLiteral("op")));
        QCOMPARE(statusOf(id), RequestStatus::Rejected);
        const int entries = auditEntries();
        expectRefused(m_store->approve(id, QStringLiteral("op")),
                      QStringLiteral("cannot be approved: it is rejected"), id,
                      RequestStatus::Rejected, entries);
        expectRefused(m_store->reject(id, QStringLiteral("again"), QStringLiteral("op")),
                      QStringLiteral("cannot be refused: it is rejected"), id,
                      RequestStatus::Rejected, entries);
    }

    void dualControlMovesOnTheSecondOperator()
    {
        auto created = m_store->createOrGet(draft('\x03', RequestStatus::Pending, 2), "test");
        QVERIFY(created.ok());
        const qint64 id = created->id;
        QVERIFY(!m_store->approve(id, QStringLiteral("Первова")));
        QCOMPARE(statusOf(id), RequestStatus::Pending); // one of two: recorded, not moved
        expectRefused(m_store->approve(id, QStringLiteral("Первова")),
                      QStringLiteral("dual control needs another operator"), id,
                      RequestStatus::Pending, auditEntries());
        QVERIFY(!m_store->approve(id, QStringLiteral("Вторых")));
        QCOMPARE(statusOf(id), RequestStatus::Approved);
    }

    void autoApprovalMovesOnlyPendingOnes()
    {
        RequestRecord due = draft('\x04', RequestStatus::Pending);
        due.approveAfter = QDateTime::currentDateTimeUtc().addSecs(-5);
        auto pending = m_store->createOrGet(due, "test");
        QVERIFY(pending.ok());
        QVERIFY(!m_store->reject(pending->id, QStringLiteral("no"), QStringLiteral("op")));
        RequestRecord later = draft('\x05', RequestStatus::Pending);
        later.approveAfter = QDateTime::currentDateTimeUtc().addSecs(-5);
        auto waiting = m_store->createOrGet(later, "test");
        QVERIFY(waiting.ok());
        QVERIFY(!m_store->approveDue(QDateTime::currentDateTimeUtc()));
        QCOMPARE(statusOf(pending->id), RequestStatus::Rejected); // a refusal stays one
        QCOMPARE(statusOf(waiting->id), RequestStatus::Approved);
    }
};

QTEST_GUILESS_MAIN(TestStoreLifecycle)
#include "tst_storelifecycle.moc"
