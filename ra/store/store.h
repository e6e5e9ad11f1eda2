#pragma once
// The RA's durable record (the register), with a versioned schema: one SQLite file (WAL; the
// serving RA flushes it before each answer, sqldatabase.h) for one node, or a PostgreSQL database
// that several RA nodes share.
//  - requests: what the seeds' "Запросы на перегенерацию" list shows (date, number, UID,
//    abonent, status, reason, the certificate), and for a staff-authorized initial request
//    the case, the staff member, the client's application and the checklist;
//  - abonents: the bank's register of clients (the subject of a first key comes from here);
//  - certificates: every certificate the bank knows, with its role (client, staff, RA) and
//    state (live, superseded by a confirmed renewal, revoked);
//  - approvals: who approved which request (dual control);
//  - transactions: the CMP transactions the RA answered, so that any process continues them;
//  - audit: who did what to which request, and when, and every certificate issued or
//    revoked - append-only (triggers refuse any change or deletion) and hash-chained (each
//    entry's hash covers the one before; the head and the count are kept beside it), so that
//    someone who gets past the triggers is still found by `audit verify`.

#include "keykiosk/expected.h"
#include "requestlifecycle.h"
#include "sqldatabase.h"

#include <QDateTime>
#include <QStringList>
#include <QVector>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace kk::ra {

struct RequestRecord
{
    qint64 id = 0;
    QString number; // human-facing, e.g. "R-000042"
    QDateTime created;
    QDateTime updated;
    QString kind; // "kur" (renewal) or "ir" (staff-authorized initial request)
    QString uid;  // the client's identifier (subject UID, else serial)
    QString abonent;
    QString oldCertSerial; // kur: the certificate renewed; ir: the one an expiry or a
                           // replacement retires (empty for a first key)
    QByteArray newKeyHash; // SHA-256 of the new SubjectPublicKeyInfo: the idempotency key
    QByteArray newKeySpki;
    QByteArray subjectDer; // subject for the new certificate
    RequestStatus status = RequestStatus::Pending;
    QString reason;
    QDateTime approveAfter; // auto approval
    QByteArray certDer;
    QString certSerial;
    // Initial requests: what staff did and saw.
    QString caseKind;        // "renewal", "expired", "first-key", "replacement"
    QString staff;           // the staff member: name and certificate serial
    QString application;     // the client's signed application: number and date
    QString checklist;       // what staff confirmed
    int approvalsNeeded = 0; // operators who must approve (dual control: 2)
    QStringList approvals;   // who did
    // The signers' sitting it came from (several signers of one organization at a kiosk).
    QString sitting;
};

enum class CertificateRole
{
    Client,
    Staff,
    Ra,
};
QString roleName(CertificateRole role);
std::optional<CertificateRole> roleFromName(const QString &name);

enum class CertificateState
{
    Live,
    Superseded, // a renewal of it was confirmed
    Revoked,
};
QString stateName(CertificateState state);
std::optional<CertificateState> stateFromName(const QString &name);

struct CertificateRecord
{
    QString serial; // hex, upper case
    CertificateRole role = CertificateRole::Client;
    QString abonentUid; // clients only
    QString subject;    // one line, for people
    QDateTime notAfter;
    CertificateState state = CertificateState::Live;
    QString replacedBy; // the serial that superseded it
    QByteArray der;
};

struct RevocationRecord
{
    QString serial; // hex, upper case
    QDateTime revoked;
    QString reason;
};

struct AbonentRecord
{
    QString uid;
    QString name;
    QString organization;
    QString inn, ogrn, snils;
    QByteArray subjectDer; // the subject the bank issues this client's certificates for
    QDateTime created;
};

// A CMP transaction the RA answered: what a later pollReq or certConf continues, on any node
// and after any restart.
struct TransactionRecord
{
    QByteArray id; // the transactionID
    qint64 requestId = 0;
    QByteArray senderDer;  // who opened it (the header's sender): only they continue it
    QByteArray requestDer; // the ir/kur, run again when a poll finds the request decided
};

// What `audit verify` finds: the chain's length, its head, and every break in it.
struct AuditVerdict
{
    int entries = 0;
    QByteArray head; // SHA-256 of the last link: note it elsewhere to pin the log's state
    QStringList problems;
};

struct AuditRecord
{
    qint64 id = 0;
    QDateTime at;
    QString actor;
    QString action;
    QString request; // its number, if it concerns one
    QString detail;
};

class Store
{
public:
    // SQLite: the node owns the file, and upgrades its schema as it opens it. The serving RA
    // opens it with Durability::AtFlush and flushes before each answer (sqldatabase.h).
    static Expected<std::unique_ptr<Store>> open(const QString &path, int mode = 0600,
                                                 Durability durability = Durability::AtCommit);
    // For reading while the RA is stopped (an audit): never writes, never upgrades.
    static Expected<std::unique_ptr<Store>> openReadOnly(const QString &path);
    // PostgreSQL (a libpq connection string): the nodes share it, so only Migrate changes
    // its schema (`keykiosk-ra migrate`); the others refuse a schema that is not theirs.
    enum class Access
    {
        Serve,
        ReadOnly,
        Migrate,
    };
    static Expected<std::unique_ptr<Store>> openPostgres(const QString &conninfo, Access access);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // Everything committed so far is durable when this returns (group commit; a no-op where
    // every COMMIT is): called before an answer that depends on it leaves the process.
    Error flush() { return m_db->flush(); }
    SqlDatabase::FlushCounts flushCounts() const { return m_db->flushCounts(); }

    static constexpr int kSchemaVersion = 6;
    Expected<int> schemaVersion();
    // Brings the schema to kSchemaVersion, step by step; returns the version it found.
    Expected<int> migrate();
    // The version the first migration found (SQLite migrates on open); -1 before any.
    int foundVersion() const { return m_foundVersion; }

    // Inserts, or returns the existing request for the same new key (the idempotency rule).
    // A new request is audited as created by `actor`.
    // `transaction` (its requestId filled in here) is remembered in the same database
    // transaction as a new request, one disk flush fewer; `remembered` says whether it was
    // (not when the request existed already).
    Expected<RequestRecord> createOrGet(const RequestRecord &request, const QString &actor,
                                        const TransactionRecord *transaction = nullptr,
                                        bool *remembered = nullptr);
    Expected<std::optional<RequestRecord>> findByKeyHash(const QByteArray &hash);
    Expected<std::optional<RequestRecord>> findById(qint64 id);
    Expected<QVector<RequestRecord>> list(std::optional<RequestStatus> status = std::nullopt,
                                          const QString &sitting = {});

    // Operator and policy actions, each audited. Each moves a request by one row of its
    // lifecycle (requestlifecycle.h) and refuses what the table does not list, so that, e.g.,
    // an issued request cannot be rejected afterwards. A request that needs two approvals
    // (dual control) is approved by two different operators; the same one twice is refused.
    Error approve(qint64 id, const QString &operatorName);
    Error reject(qint64 id, const QString &reason, const QString &operatorName);
    Error approveDue(const QDateTime &now); // auto approval whose delay has passed
    Error markIssued(qint64 id, const QByteArray &certDer, const QString &serial);
    // The client's certConf. Accepted: the new certificate joins the register as a live
    // client certificate, and in the same transaction the one it renews is superseded (a
    // replacement token's is revoked instead). `request` as just read; its status is checked
    // again as it changes.
    Error markConfirmed(const RequestRecord &request, bool accepted, const QString &clientText);

    Error revoke(const QString &serialHex, const QString &reason, const QString &operatorName);
    Expected<QVector<RevocationRecord>> revocations(); // the CRL's content

    // The register of certificates and of abonents.
    Error registerCertificate(const CertificateRecord &certificate, const QString &actor);
    // A certificate whose serial has a revocation reads as revoked.
    Expected<std::optional<CertificateRecord>> findCertificate(const QString &serialHex);
    Expected<QVector<CertificateRecord>> certificates(const QString &abonentUid = {});
    Error addAbonent(const AbonentRecord &abonent, const QString &actor);
    Expected<std::optional<AbonentRecord>> findAbonent(const QString &uid);
    Expected<QVector<AbonentRecord>> findAbonents(const QString &snils, const QString &inn);
    Expected<QVector<AbonentRecord>> abonents();

    // CMP transactions (RFC 4210 5.1.1 transactionID), kept for a week.
    Error rememberTransaction(const TransactionRecord &transaction);
    Expected<std::optional<TransactionRecord>> findTransaction(const QByteArray &id);
    Error forgetTransactionsBefore(const QDateTime &before);

    Error audit(const QString &actor, const QString &action, const QString &request,
                const QString &detail);
    Expected<QVector<AuditRecord>> auditLog();
    // Recomputes the hash chain: an edited, deleted or reordered entry, or entries deleted at
    // the end, are found.
    Expected<AuditVerdict> verifyAudit();

    // Number of certificates issued for one key (tests and audits: exactly one).
    Expected<int> issuedCount(const QByteArray &newKeyHash);

private:
    // The files of store/ share these: schema.cpp (versions and migrations), requests.cpp
    // (requests and their CMP transactions), register.cpp (abonents, certificates,
    // revocations), auditlog.cpp; store.cpp opens the register.
    explicit Store(std::unique_ptr<SqlDatabase> db);
    template <typename Key>
    Expected<std::optional<RequestRecord>> findOne(const char *where, const Key &key);
    Error exec(const char *sql);
    Error migrateSqlite(int current);
    Error chainAuditLog(); // schema 6's step
    Expected<int> migratePostgres();
    Error requireCurrentSchema(const QString &remedy);
    // Appends to the audit log inside the caller's write.
    Error auditLocked(const QString &actor, const QString &action, const QString &request,
                      const QString &detail);
    Error loadApprovals(RequestRecord &record);
    // Inside the caller's write: moves `request` (as read) by `event`, setting `updated` and
    // what `alsoSet` names (", reason = ?3"; its parameters bound by `bind`).
    Error moveRequest(const RequestRecord &request, RequestEvent event, qint64 now,
                      const char *alsoSet = "", const std::function<void(Query &)> &bind = {});
    // Inside the caller's write: a confirmed request's certificate joins the register, and
    // what it replaces steps down (superseded; a replaced token's certificates revoked).
    Error registerConfirmed(const RequestRecord &request, qint64 now);
    Error revokeReplacedToken(const RequestRecord &request, qint64 now);

    std::unique_ptr<SqlDatabase> m_db;
    int m_foundVersion = -1;
    std::recursive_mutex m_mutex; // one connection, many HTTP threads
};

} // namespace kk::ra
