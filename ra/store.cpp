#include "store.h"

#include <QCryptographicHash>

#include <QLoggingCategory>

#include "keykiosk/opensslptr.h"
#include "raservice.h"

#include <sqlite3.h>

#include <QFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>

Q_LOGGING_CATEGORY(lcStore, "kk.ra.store", QtInfoMsg)

namespace kk::ra {

namespace {

struct StatementFinalizer
{
    void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

const char *const kStatusNames[] = {"pending",   "approved", "issued",
                                    "confirmed", "rejected", "rejected-by-client"};

Error sqlError(sqlite3 *db, const char *what)
{
    // A full disk or a locked file ends up here: the caller answers with a CMP error, and
    // nothing half-written stays behind (every change is one transaction).
    return Error(ErrorCode::Internal,
                 QStringLiteral("sqlite %1: %2")
                     .arg(QLatin1String(what), QString::fromUtf8(sqlite3_errmsg(db))));
}

class Query
{
public:
    Query(sqlite3 *db, const char *sql) : m_db(db)
    {
        sqlite3_stmt *raw = nullptr;
        m_rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
        m_stmt.reset(raw);
    }
    bool ok() const { return m_rc == SQLITE_OK; }
    Query &bind(int i, qint64 v)
    {
        sqlite3_bind_int64(m_stmt.get(), i, v);
        return *this;
    }
    Query &bind(int i, const QString &v)
    {
        const QByteArray utf8 = v.toUtf8();
        sqlite3_bind_text(m_stmt.get(), i, utf8.constData(), utf8.size(), SQLITE_TRANSIENT);
        return *this;
    }
    Query &bind(int i, const QByteArray &v)
    {
        sqlite3_bind_blob(m_stmt.get(), i, v.constData(), v.size(), SQLITE_TRANSIENT);
        return *this;
    }
    int step() { return sqlite3_step(m_stmt.get()); }
    qint64 int64(int c) const { return sqlite3_column_int64(m_stmt.get(), c); }
    QString text(int c) const
    {
        return QString::fromUtf8(
            reinterpret_cast<const char *>(sqlite3_column_text(m_stmt.get(), c)));
    }
    QByteArray blob(int c) const
    {
        return QByteArray(static_cast<const char *>(sqlite3_column_blob(m_stmt.get(), c)),
                          sqlite3_column_bytes(m_stmt.get(), c));
    }
    Error error(const char *what) const { return sqlError(m_db, what); }

private:
    sqlite3 *m_db;
    Statement m_stmt;
    int m_rc;
};

qint64 toEpoch(const QDateTime &t)
{
    return t.isValid() ? t.toSecsSinceEpoch() : 0;
}
QDateTime fromEpoch(qint64 s)
{
    return s ? QDateTime::fromSecsSinceEpoch(s, Qt::UTC) : QDateTime();
}

const char kSelect[] =
    "SELECT id, number, created, updated, kind, uid, abonent, old_cert_serial, new_key_hash, "
    "new_key_spki, subject, status, reason, approve_after, cert, cert_serial, case_kind, staff, "
    "application, checklist, approvals_needed, sitting FROM requests ";

RequestRecord readRecord(const Query &q)
{
    RequestRecord r;
    r.id = q.int64(0);
    r.number = q.text(1);
    r.created = fromEpoch(q.int64(2));
    r.updated = fromEpoch(q.int64(3));
    r.kind = q.text(4);
    r.uid = q.text(5);
    r.abonent = q.text(6);
    r.oldCertSerial = q.text(7);
    r.newKeyHash = q.blob(8);
    r.newKeySpki = q.blob(9);
    r.subjectDer = q.blob(10);
    r.status = statusFromName(q.text(11)).value_or(RequestStatus::Pending);
    r.reason = q.text(12);
    r.approveAfter = fromEpoch(q.int64(13));
    r.certDer = q.blob(14);
    r.certSerial = q.text(15);
    r.caseKind = q.text(16);
    r.staff = q.text(17);
    r.application = q.text(18);
    r.checklist = q.text(19);
    r.approvalsNeeded = int(q.int64(20));
    r.sitting = q.text(21);
    return r;
}

const char *const kRoleNames[] = {"client", "staff", "ra"};

// The enum value whose stored name this is (the tables above, in enum order).
template <typename Enum, std::size_t N>
std::optional<Enum> fromName(const char *const (&names)[N], const QString &name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i]))
            return Enum(i);
    }
    return std::nullopt;
}
const char *const kStateNames[] = {"live", "superseded", "revoked"};

const char kSelectCertificate[] = "SELECT serial, role, abonent_uid, subject, not_after, state, "
                                  "replaced_by, cert FROM certificates ";

CertificateRecord readCertificate(const Query &q)
{
    CertificateRecord c;
    c.serial = q.text(0);
    c.role = roleFromName(q.text(1)).value_or(CertificateRole::Client);
    c.abonentUid = q.text(2);
    c.subject = q.text(3);
    c.notAfter = fromEpoch(q.int64(4));
    c.state = fromName<CertificateState>(kStateNames, q.text(5)).value_or(CertificateState::Live);
    c.replacedBy = q.text(6);
    c.der = q.blob(7);
    return c;
}

const char kSelectAbonent[] =
    "SELECT uid, name, organization, inn, ogrn, snils, subject, created FROM abonents ";

AbonentRecord readAbonent(const Query &q)
{
    AbonentRecord a;
    a.uid = q.text(0);
    a.name = q.text(1);
    a.organization = q.text(2);
    a.inn = q.text(3);
    a.ogrn = q.text(4);
    a.snils = q.text(5);
    a.subjectDer = q.blob(6);
    a.created = fromEpoch(q.int64(7));
    return a;
}

} // namespace

QString statusName(RequestStatus status)
{
    return QString::fromLatin1(kStatusNames[int(status)]);
}

std::optional<RequestStatus> statusFromName(const QString &name)
{
    return fromName<RequestStatus>(kStatusNames, name);
}

QString roleName(CertificateRole role)
{
    return QString::fromLatin1(kRoleNames[int(role)]);
}

std::optional<CertificateRole> roleFromName(const QString &name)
{
    return fromName<CertificateRole>(kRoleNames, name);
}

QString stateName(CertificateState state)
{
    return QString::fromLatin1(kStateNames[int(state)]);
}

void Store::Closer::operator()(sqlite3 *db) const
{
    sqlite3_close(db);
}

Store::Store(sqlite3 *db) : m_db(db) {}
Store::~Store() = default;

Expected<std::unique_ptr<Store>> Store::open(const QString &path, int mode)
{
    // The register is the bank's: a new database is created readable by its owner only, or
    // by its group too (0640: the signer, another account, reads it); SQLite gives its -wal
    // and -shm files the same mode.
    const QByteArray file = QFile::encodeName(path);
    const int fd = ::open(file.constData(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::fchmod(fd, mode_t(mode & 0640));
        ::close(fd);
    }
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.toUtf8().constData(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<Store> store(new Store(raw));
    if (rc != SQLITE_OK)
        return sqlError(raw, "open");
    sqlite3_busy_timeout(raw, 5000); // a reader (an offline audit) may hold it for a moment
    if (Error e = store->exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"))
        return e;
    if (Error e = store->migrate())
        return e;
    return store;
}

Expected<std::unique_ptr<Store>> Store::openReadOnly(const QString &path)
{
    if (!QFile::exists(path))
        return Error(ErrorCode::Internal, QStringLiteral("no register at %1").arg(path));
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &raw,
                                   SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<Store> store(new Store(raw));
    if (rc != SQLITE_OK)
        return sqlError(raw, "open read-only");
    sqlite3_busy_timeout(raw, 5000);
    Query version(raw, "PRAGMA user_version");
    if (version.step() != SQLITE_ROW || version.int64(0) != kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("the register at %1 is not at schema %2: start the RA once to "
                                    "upgrade it")
                         .arg(path)
                         .arg(kSchemaVersion));
    return store;
}

Error Store::exec(const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
        Error e(ErrorCode::Internal, QStringLiteral("sqlite: %1").arg(QString::fromUtf8(message)));
        sqlite3_free(message);
        return e;
    }
    return {};
}

namespace {

// One link of the audit chain: SHA-256 over the previous link and the entry's fields, each
// length-prefixed so that no two entries hash alike by moving text between fields.
QByteArray auditLink(const QByteArray &previous, qint64 id, qint64 at, const QString &actor,
                     const QString &action, const QString &request, const QString &detail)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(previous);
    for (const QByteArray &field : {QByteArray::number(id), QByteArray::number(at), actor.toUtf8(),
                                    action.toUtf8(), request.toUtf8(), detail.toUtf8()}) {
        hash.addData(QByteArray::number(field.size()) + ':');
        hash.addData(field);
    }
    return hash.result();
}

const QByteArray kAuditGenesis(32, '\0');

} // namespace

Error Store::migrate()
{
    Query version(m_db.get(), "PRAGMA user_version");
    version.step();
    const int current = int(version.int64(0));
    if (current > kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("database schema %1 is newer than this RA (%2)")
                         .arg(current)
                         .arg(kSchemaVersion));
    // Each version's step in its own transaction, in order.
    if (current < 1) {
        if (Error e = exec(
                "BEGIN IMMEDIATE;"
                "CREATE TABLE requests ("
                " id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL UNIQUE,"
                " created INTEGER NOT NULL, updated INTEGER NOT NULL, kind TEXT NOT NULL,"
                " uid TEXT NOT NULL, abonent TEXT NOT NULL, old_cert_serial TEXT NOT NULL,"
                " new_key_hash BLOB NOT NULL UNIQUE, new_key_spki BLOB NOT NULL,"
                " subject BLOB NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
                " approve_after INTEGER NOT NULL DEFAULT 0,"
                " cert BLOB, cert_serial TEXT NOT NULL DEFAULT '');"
                "CREATE INDEX requests_status ON requests(status);"
                "CREATE TABLE revocations (serial TEXT PRIMARY KEY, revoked INTEGER NOT NULL,"
                " reason TEXT NOT NULL);"
                "PRAGMA user_version = 1;"
                "COMMIT;")) {
            exec("ROLLBACK");
            return e;
        }
    }
    if (current < 2) {
        // Roles, the register of abonents and certificates, dual control and the audit log.
        if (Error e = exec(
                "BEGIN IMMEDIATE;"
                "ALTER TABLE requests ADD COLUMN case_kind TEXT NOT NULL DEFAULT 'renewal';"
                "ALTER TABLE requests ADD COLUMN staff TEXT NOT NULL DEFAULT '';"
                "ALTER TABLE requests ADD COLUMN application TEXT NOT NULL DEFAULT '';"
                "ALTER TABLE requests ADD COLUMN checklist TEXT NOT NULL DEFAULT '';"
                "ALTER TABLE requests ADD COLUMN approvals_needed INTEGER NOT NULL DEFAULT 0;"
                "CREATE TABLE abonents (uid TEXT PRIMARY KEY, name TEXT NOT NULL,"
                " organization TEXT NOT NULL DEFAULT '', inn TEXT NOT NULL DEFAULT '',"
                " ogrn TEXT NOT NULL DEFAULT '', snils TEXT NOT NULL DEFAULT '',"
                " subject BLOB NOT NULL, created INTEGER NOT NULL);"
                "CREATE INDEX abonents_snils ON abonents(snils, inn);"
                "CREATE TABLE certificates (serial TEXT PRIMARY KEY, role TEXT NOT NULL,"
                " abonent_uid TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL,"
                " not_after INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'live',"
                " replaced_by TEXT NOT NULL DEFAULT '', cert BLOB NOT NULL,"
                " updated INTEGER NOT NULL);"
                "CREATE INDEX certificates_abonent ON certificates(abonent_uid);"
                "CREATE TABLE approvals (request_id INTEGER NOT NULL REFERENCES requests(id),"
                " operator TEXT NOT NULL, at INTEGER NOT NULL,"
                " PRIMARY KEY (request_id, operator));"
                "CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
                " actor TEXT NOT NULL, action TEXT NOT NULL, request TEXT NOT NULL DEFAULT '',"
                " detail TEXT NOT NULL DEFAULT '');"
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
                "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
                "PRAGMA user_version = 2;"
                "COMMIT;")) {
            exec("ROLLBACK");
            return e;
        }
    }
    if (current < 3) {
        // Signers' sittings: the requests of one organization's signers at one kiosk visit.
        if (Error e = exec("BEGIN IMMEDIATE;"
                           "ALTER TABLE requests ADD COLUMN sitting TEXT NOT NULL DEFAULT '';"
                           "CREATE INDEX requests_sitting ON requests(sitting);"
                           "PRAGMA user_version = 3;"
                           "COMMIT;")) {
            exec("ROLLBACK");
            return e;
        }
    }
    if (current < 4) {
        // Request numbers from their own counter, taken only when a request is really added:
        // a key sent again does not use one up (the row id does: SQLite allocates it first).
        if (Error e = exec("BEGIN IMMEDIATE;"
                           "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
                           "INSERT INTO counters (name, value) SELECT 'request',"
                           " coalesce(max(CAST(substr(number, 3) AS INTEGER)), 0) FROM requests;"
                           "PRAGMA user_version = 4;"
                           "COMMIT;")) {
            exec("ROLLBACK");
            return e;
        }
    }
    if (current < 5) {
        // CMP transactions outlive the process that opened them: a pollReq or certConf that
        // reaches a restarted RA (or another node) is answered from here.
        if (Error e = exec("BEGIN IMMEDIATE;"
                           "CREATE TABLE transactions (id BLOB PRIMARY KEY,"
                           " request_id INTEGER NOT NULL REFERENCES requests(id),"
                           " sender BLOB NOT NULL, request BLOB NOT NULL,"
                           " updated INTEGER NOT NULL);"
                           "CREATE INDEX transactions_updated ON transactions(updated);"
                           "PRAGMA user_version = 5;"
                           "COMMIT;")) {
            exec("ROLLBACK");
            return e;
        }
    }
    if (current < 6) {
        // The audit log becomes a hash chain; the entries so far are chained in id order
        // (the triggers step aside for it, inside the same transaction).
        if (Error e = exec("BEGIN IMMEDIATE;"
                           "DROP TRIGGER audit_no_update;"
                           "ALTER TABLE audit ADD COLUMN hash BLOB NOT NULL DEFAULT x'';"
                           "CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1),"
                           " hash BLOB NOT NULL, entries INTEGER NOT NULL);"))
            return exec("ROLLBACK"), e;
        QByteArray previous = kAuditGenesis;
        qint64 last = 0;
        {
            Query rows(m_db.get(),
                       "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
            QVector<std::pair<qint64, QByteArray>> links;
            while (rows.step() == SQLITE_ROW) {
                previous = auditLink(previous, rows.int64(0), rows.int64(1), rows.text(2),
                                     rows.text(3), rows.text(4), rows.text(5));
                links.append({rows.int64(0), previous});
                last = rows.int64(0);
            }
            for (const auto &[id, link] : links) {
                Query set(m_db.get(), "UPDATE audit SET hash = ? WHERE id = ?");
                set.bind(1, link).bind(2, id);
                if (set.step() != SQLITE_DONE)
                    return exec("ROLLBACK"), set.error("chain the audit log");
            }
        }
        if (last > 0) {
            Query head(m_db.get(), "INSERT INTO audit_head (one, hash, entries) VALUES (1, ?, ?)");
            head.bind(1, previous).bind(2, last);
            if (head.step() != SQLITE_DONE)
                return exec("ROLLBACK"), head.error("audit head");
        }
        if (Error e = exec("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
                           "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head"
                           " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
                           "PRAGMA user_version = 6;"
                           "COMMIT;"))
            return exec("ROLLBACK"), e;
    }
    return {};
}

Error Store::rememberTransaction(const TransactionRecord &transaction)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "INSERT INTO transactions (id, request_id, sender, request, updated) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                        "request_id = excluded.request_id, sender = excluded.sender, "
                        "request = excluded.request, updated = excluded.updated");
    q.bind(1, transaction.id)
        .bind(2, transaction.requestId)
        .bind(3, transaction.senderDer)
        .bind(4, transaction.requestDer)
        .bind(5, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SQLITE_DONE)
        return q.error("remember transaction");
    return {};
}

Expected<std::optional<TransactionRecord>> Store::findTransaction(const QByteArray &id)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "SELECT request_id, sender, request FROM transactions WHERE id = ?");
    q.bind(1, id);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<TransactionRecord>();
    if (rc != SQLITE_ROW)
        return q.error("find transaction");
    TransactionRecord found;
    found.id = id;
    found.requestId = q.int64(0);
    found.senderDer = q.blob(1);
    found.requestDer = q.blob(2);
    return std::optional<TransactionRecord>(found);
}

Error Store::forgetTransactionsBefore(const QDateTime &before)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "DELETE FROM transactions WHERE updated < ?");
    q.bind(1, before.toSecsSinceEpoch());
    if (q.step() != SQLITE_DONE)
        return q.error("forget transactions");
    return {};
}

Error Store::auditLocked(const QString &actor, const QString &action, const QString &request,
                         const QString &detail)
{
    // The chain's head and length live beside it: a deleted last entry shows too.
    Query head(m_db.get(), "SELECT hash FROM audit_head WHERE one = 1");
    const QByteArray previous = head.step() == SQLITE_ROW ? head.blob(0) : kAuditGenesis;
    Query next(m_db.get(), "SELECT coalesce(max(id), 0) + 1 FROM audit");
    next.step();
    const qint64 id = next.int64(0);
    const qint64 at = QDateTime::currentSecsSinceEpoch();
    const QByteArray link = auditLink(previous, id, at, actor, action, request, detail);
    Query q(m_db.get(), "INSERT INTO audit (id, at, actor, action, request, detail, hash) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, id)
        .bind(2, at)
        .bind(3, actor)
        .bind(4, action)
        .bind(5, request)
        .bind(6, detail)
        .bind(7, link);
    if (q.step() != SQLITE_DONE)
        return q.error("audit");
    Query moveHead(m_db.get(), "INSERT INTO audit_head (one, hash, entries) VALUES (1, ?, ?) "
                               "ON CONFLICT(one) DO UPDATE SET hash = excluded.hash, "
                               "entries = excluded.entries");
    moveHead.bind(1, link).bind(2, id);
    return moveHead.step() == SQLITE_DONE ? Error() : moveHead.error("audit head");
}

Expected<AuditVerdict> Store::verifyAudit()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    AuditVerdict verdict;
    QByteArray previous = kAuditGenesis;
    qint64 expectedId = 1;
    Query q(m_db.get(),
            "SELECT id, at, actor, action, request, detail, hash FROM audit ORDER BY id");
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        const qint64 id = q.int64(0);
        if (id != expectedId) {
            verdict.problems << QStringLiteral("entry %1 is missing (deleted)").arg(expectedId);
            expectedId = id;
        }
        const QByteArray link =
            auditLink(previous, id, q.int64(1), q.text(2), q.text(3), q.text(4), q.text(5));
        if (link != q.blob(6))
            verdict.problems << QStringLiteral("entry %1 does not match its chain (changed, or "
                                               "one before it changed or deleted)")
                                    .arg(id);
        previous = q.blob(6);
        ++verdict.entries;
        ++expectedId;
    }
    if (rc != SQLITE_DONE)
        return q.error("audit log");
    Query head(m_db.get(), "SELECT hash, entries FROM audit_head WHERE one = 1");
    if (head.step() == SQLITE_ROW) {
        if (head.int64(1) != expectedId - 1 || head.blob(0) != previous)
            verdict.problems << QStringLiteral("the log ends at entry %1, its head says %2 "
                                               "(entries deleted at the end)")
                                    .arg(expectedId - 1)
                                    .arg(head.int64(1));
    } else if (verdict.entries > 0) {
        verdict.problems << QStringLiteral("the log's head is missing");
    }
    verdict.head = previous;
    return verdict;
}

Error Store::audit(const QString &actor, const QString &action, const QString &request,
                   const QString &detail)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    Error e = auditLocked(actor, action, request, detail);
    if (!e)
        e = exec("COMMIT");
    if (e)
        exec("ROLLBACK");
    return e;
}

Expected<QVector<AuditRecord>> Store::auditLog()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
    QVector<AuditRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << AuditRecord{q.int64(0), fromEpoch(q.int64(1)), q.text(2), q.text(3), q.text(4),
                               q.text(5)};
    if (rc != SQLITE_DONE)
        return q.error("audit log");
    return records;
}

Error Store::loadApprovals(RequestRecord &record)
{
    Query q(m_db.get(), "SELECT operator FROM approvals WHERE request_id = ? ORDER BY at");
    q.bind(1, record.id);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        record.approvals << q.text(0);
    return rc == SQLITE_DONE ? Error() : q.error("approvals");
}

Expected<RequestRecord> Store::createOrGet(const RequestRecord &request, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e; // busy (the operator CLI is writing) or the disk is full: nothing was written
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    {
        // The number comes from its counter inside the same transaction (no gaps).
        Query insert(m_db.get(),
                     "INSERT INTO requests (number, created, updated, kind, uid, abonent, "
                     "old_cert_serial, new_key_hash, new_key_spki, subject, status, approve_after, "
                     "case_kind, staff, application, checklist, approvals_needed, sitting) "
                     "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT(new_key_hash) DO NOTHING");
        insert.bind(1, now).bind(2, now).bind(3, request.kind).bind(4, request.uid);
        insert.bind(5, request.abonent).bind(6, request.oldCertSerial);
        insert.bind(7, request.newKeyHash).bind(8, request.newKeySpki);
        insert.bind(9, request.subjectDer).bind(10, statusName(request.status));
        insert.bind(11, toEpoch(request.approveAfter));
        insert.bind(12, request.caseKind.isEmpty() ? QStringLiteral("renewal") : request.caseKind);
        insert.bind(13, request.staff).bind(14, request.application);
        insert.bind(15, request.checklist).bind(16, qint64(request.approvalsNeeded));
        insert.bind(17, request.sitting);
        if (insert.step() != SQLITE_DONE)
            return rollback(insert.error("insert request"));
        if (sqlite3_changes(m_db.get()) == 1) {
            const qint64 id = sqlite3_last_insert_rowid(m_db.get());
            Query counter(m_db.get(), "UPDATE counters SET value = value + 1 WHERE name = 'request'"
                                      " RETURNING value");
            if (counter.step() != SQLITE_ROW)
                return rollback(counter.error("number request"));
            const qint64 next = counter.int64(0);
            if (counter.step() != SQLITE_DONE)
                return rollback(counter.error("number request"));
            const QString number = QStringLiteral("R-%1").arg(next, 6, 10, QLatin1Char('0'));
            Query numbering(m_db.get(), "UPDATE requests SET number = ? WHERE id = ?");
            numbering.bind(1, number).bind(2, id);
            if (numbering.step() != SQLITE_DONE)
                return rollback(numbering.error("number request"));
            QString detail = QStringLiteral("%1 for %2").arg(request.kind, request.abonent);
            if (request.kind == QLatin1String("ir"))
                detail += QStringLiteral(" (%1; application %2; checklist %3)")
                              .arg(request.caseKind, request.application, request.checklist);
            if (!request.sitting.isEmpty())
                detail += QStringLiteral("; sitting %1").arg(request.sitting);
            if (Error e = auditLocked(actor, QStringLiteral("created"), number, detail))
                return rollback(e);
        }
    }
    if (Error e = exec("COMMIT"))
        return rollback(e);
    Query q(m_db.get(), (QByteArray(kSelect) + "WHERE new_key_hash = ?").constData());
    q.bind(1, request.newKeyHash);
    if (q.step() != SQLITE_ROW)
        return q.error("read request");
    RequestRecord record = readRecord(q);
    if (Error e = loadApprovals(record))
        return e;
    return record;
}

template <typename Key>
Expected<std::optional<RequestRecord>> Store::findOne(const char *where, const Key &key)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), (QByteArray(kSelect) + where).constData());
    q.bind(1, key);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<RequestRecord>();
    if (rc != SQLITE_ROW)
        return q.error("find request");
    RequestRecord record = readRecord(q);
    if (Error e = loadApprovals(record))
        return e;
    return std::optional<RequestRecord>(record);
}

Expected<std::optional<RequestRecord>> Store::findByKeyHash(const QByteArray &hash)
{
    return findOne("WHERE new_key_hash = ?", hash);
}

Expected<std::optional<RequestRecord>> Store::findById(qint64 id)
{
    return findOne("WHERE id = ?", id);
}

Expected<QVector<RequestRecord>> Store::list(std::optional<RequestStatus> status,
                                             const QString &sitting)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    QByteArray where;
    if (status)
        where += "status = ?1";
    if (!sitting.isEmpty())
        where += QByteArray(where.isEmpty() ? "" : " AND ") + "sitting = ?2";
    Query q(m_db.get(), (QByteArray(kSelect) + (where.isEmpty() ? QByteArray() : "WHERE " + where) +
                         " ORDER BY id")
                            .constData());
    if (status)
        q.bind(1, statusName(*status));
    if (!sitting.isEmpty())
        q.bind(2, sitting);
    QVector<RequestRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << readRecord(q);
    if (rc != SQLITE_DONE)
        return q.error("list requests");
    for (RequestRecord &record : records) {
        if (Error e = loadApprovals(record))
            return e;
    }
    return records;
}

namespace {
Error transition(sqlite3 *db, qint64 id, const char *sql, const std::function<void(Query &)> &bind,
                 const char *what)
{
    Query q(db, sql);
    bind(q);
    if (q.step() != SQLITE_DONE)
        return q.error(what);
    if (sqlite3_changes(db) != 1)
        return Error(ErrorCode::Internal,
                     QStringLiteral("request %1 cannot be %2 in its current status")
                         .arg(id)
                         .arg(QLatin1String(what)));
    return {};
}
} // namespace

Error Store::approve(qint64 id, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = findById(id);
    if (!found)
        return found.error();
    if (!found.value())
        return Error(ErrorCode::Internal, QStringLiteral("no request %1").arg(id));
    const RequestRecord &request = *found.value();
    if (request.status != RequestStatus::Pending)
        return Error(ErrorCode::Internal, QStringLiteral("request %1 cannot be approved: it is %2")
                                              .arg(request.number, statusName(request.status)));
    if (request.approvals.contains(operatorName))
        return Error(ErrorCode::Internal,
                     QStringLiteral("%1 has already approved request %2: dual control needs "
                                    "another operator")
                         .arg(operatorName, request.number));
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query record(m_db.get(), "INSERT INTO approvals (request_id, operator, at) VALUES (?, ?, ?)");
    record.bind(1, id).bind(2, operatorName).bind(3, now);
    if (record.step() != SQLITE_DONE)
        return rollback(record.error("approval"));
    const int given = int(request.approvals.size()) + 1;
    const int needed = std::max(1, request.approvalsNeeded);
    QString detail = QStringLiteral("approval %1 of %2").arg(given).arg(needed);
    if (given >= needed) {
        if (Error e = transition(
                m_db.get(), id,
                "UPDATE requests SET status = 'approved', updated = ? WHERE id = ? AND status = "
                "'pending'",
                [&](Query &q) { q.bind(1, now).bind(2, id); }, "approved"))
            return rollback(e);
    }
    if (Error e = auditLocked(operatorName, QStringLiteral("approved"), request.number, detail))
        return rollback(e);
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return {};
}

Error Store::reject(qint64 id, const QString &reason, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = findById(id);
    if (!found)
        return found.error();
    if (!found.value())
        return Error(ErrorCode::Internal, QStringLiteral("no request %1").arg(id));
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    Error e = transition(
        m_db.get(), id,
        "UPDATE requests SET status = 'rejected', reason = ?, updated = ? WHERE id = ? AND status "
        "IN ('pending', 'approved')",
        [&](Query &q) {
            q.bind(1, reason).bind(2, QDateTime::currentSecsSinceEpoch()).bind(3, id);
        },
        "rejected");
    if (!e)
        e = auditLocked(operatorName, QStringLiteral("rejected"), found.value()->number, reason);
    if (!e)
        e = exec("COMMIT");
    if (e)
        exec("ROLLBACK");
    return e;
}

Error Store::approveDue(const QDateTime &now)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "UPDATE requests SET status = 'approved', updated = ?1 "
                        "WHERE status = 'pending' AND approve_after > 0 AND approve_after <= ?1");
    q.bind(1, toEpoch(now));
    return q.step() == SQLITE_DONE ? Error() : q.error("auto approval");
}

Error Store::markIssued(qint64 id, const QByteArray &certDer, const QString &serial)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = findById(id);
    if (!found)
        return found.error();
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    Error e = transition(
        m_db.get(), id,
        "UPDATE requests SET status = 'issued', cert = ?, cert_serial = ?, updated = ? WHERE id = "
        "? AND status = 'approved'",
        [&](Query &q) {
            q.bind(1, certDer)
                .bind(2, serial)
                .bind(3, QDateTime::currentSecsSinceEpoch())
                .bind(4, id);
        },
        "issued");
    // Every certificate the bank issues is in the audit log, in the same transaction.
    if (!e)
        e = auditLocked(QStringLiteral("system"), QStringLiteral("issued"),
                        found.value() ? found.value()->number : QString(),
                        QStringLiteral("certificate %1").arg(serial));
    if (!e)
        e = exec("COMMIT");
    if (e)
        exec("ROLLBACK");
    return e;
}

Error Store::markConfirmed(qint64 id, bool accepted, const QString &clientText)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = findById(id);
    if (!found)
        return found.error();
    if (!found.value())
        return Error(ErrorCode::Internal, QStringLiteral("no request %1").arg(id));
    const RequestRecord request = *found.value();
    const bool firstConfirmation = request.status != RequestStatus::Confirmed;
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = transition(
            m_db.get(), id,
            "UPDATE requests SET status = ?, reason = ?, updated = ? WHERE id = ? "
            "AND status IN ('issued', 'confirmed', 'rejected-by-client')",
            [&](Query &q) {
                q.bind(1, statusName(accepted ? RequestStatus::Confirmed
                                              : RequestStatus::RejectedByClient));
                q.bind(2, clientText).bind(3, now).bind(4, id);
            },
            "confirmed"))
        return rollback(e);
    const QString client = QStringLiteral("client %1").arg(request.abonent);
    if (accepted && firstConfirmation) {
        // The new certificate joins the register, and the one it replaces steps down.
        const auto *p = reinterpret_cast<const unsigned char *>(request.certDer.constData());
        X509Ptr cert(d2i_X509(nullptr, &p, request.certDer.size()));

        Query insert(m_db.get(),
                     "INSERT INTO certificates (serial, role, abonent_uid, subject, not_after, "
                     "state, cert, updated) VALUES (?, 'client', ?, ?, ?, 'live', ?, ?) "
                     "ON CONFLICT(serial) DO NOTHING");
        int days = 0, seconds = 0;
        if (cert)
            ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert.get()));
        insert.bind(1, request.certSerial.toUpper()).bind(2, request.uid);
        insert.bind(3, cert ? subjectLine(cert.get()) : QString())
            .bind(4, now + qint64(days) * 86400 + seconds);
        insert.bind(5, request.certDer).bind(6, now);
        if (insert.step() != SQLITE_DONE)
            return rollback(insert.error("register the new certificate"));
        if (request.caseKind == QLatin1String("replacement")) {
            // A lost or broken token: whatever it held is revoked.
            Query revokeOld(m_db.get(), "UPDATE certificates SET state = 'revoked', updated = ? "
                                        "WHERE abonent_uid = ? AND role = 'client' AND state = "
                                        "'live' AND serial != ?");
            revokeOld.bind(1, now).bind(2, request.uid).bind(3, request.certSerial.toUpper());
            Query list(m_db.get(), "SELECT serial FROM certificates WHERE abonent_uid = ? AND "
                                   "role = 'client' AND state = 'live' AND serial != ?");
            list.bind(1, request.uid).bind(2, request.certSerial.toUpper());
            QStringList revoked;
            while (list.step() == SQLITE_ROW)
                revoked << list.text(0);
            if (revokeOld.step() != SQLITE_DONE)
                return rollback(revokeOld.error("revoke the replaced token's certificates"));
            for (const QString &serial : revoked) {
                Query record(m_db.get(), "INSERT INTO revocations (serial, revoked, reason) "
                                         "VALUES (?, ?, ?) ON CONFLICT(serial) DO NOTHING");
                record.bind(1, serial).bind(2, now).bind(
                    3, QStringLiteral("token replaced (request %1)").arg(request.number));
                if (record.step() != SQLITE_DONE)
                    return rollback(record.error("revocation"));
                if (Error e = auditLocked(QStringLiteral("system"), QStringLiteral("revoked"),
                                          request.number,
                                          QStringLiteral("%1: token replaced").arg(serial)))
                    return rollback(e);
            }
        } else if (!request.oldCertSerial.isEmpty()) {
            Query supersede(m_db.get(), "UPDATE certificates SET state = 'superseded', "
                                        "replaced_by = ?, updated = ? WHERE serial = ? AND state = "
                                        "'live'");
            supersede.bind(1, request.certSerial.toUpper())
                .bind(2, now)
                .bind(3, request.oldCertSerial.toUpper());
            if (supersede.step() != SQLITE_DONE)
                return rollback(supersede.error("supersede the old certificate"));
        }
    }
    if (firstConfirmation || !accepted) {
        if (Error e = auditLocked(client,
                                  accepted ? QStringLiteral("confirmed")
                                           : QStringLiteral("refused the certificate"),
                                  request.number, accepted ? request.certSerial : clientText))
            return rollback(e);
    }
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return {};
}

Error Store::revoke(const QString &serialHex, const QString &reason, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const QString serial = serialHex.toUpper();
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query q(m_db.get(), "INSERT INTO revocations (serial, revoked, reason) VALUES (?, ?, ?) ON "
                        "CONFLICT(serial) DO NOTHING");
    q.bind(1, serial).bind(2, now).bind(3, reason);
    if (q.step() != SQLITE_DONE)
        return rollback(q.error("revoke"));
    Query state(m_db.get(),
                "UPDATE certificates SET state = 'revoked', updated = ? WHERE serial = ?");
    state.bind(1, now).bind(2, serial);
    if (state.step() != SQLITE_DONE)
        return rollback(state.error("revoke"));
    if (Error e = auditLocked(operatorName, QStringLiteral("revoked"), {},
                              QStringLiteral("%1: %2").arg(serial, reason)))
        return rollback(e);
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return {};
}

Expected<QVector<RevocationRecord>> Store::revocations()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "SELECT serial, revoked, reason FROM revocations ORDER BY revoked");
    QVector<RevocationRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << RevocationRecord{q.text(0), QDateTime::fromSecsSinceEpoch(q.int64(1), Qt::UTC),
                                    q.text(2)};
    if (rc != SQLITE_DONE)
        return q.error("revocations");
    return records;
}

Expected<bool> Store::isRevoked(const QString &serialHex)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), "SELECT 1 FROM revocations WHERE serial = ?");
    q.bind(1, serialHex.toUpper());
    const int rc = q.step();
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    return q.error("revocation lookup");
}

Error Store::registerCertificate(const CertificateRecord &c, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    Query q(m_db.get(), "INSERT INTO certificates (serial, role, abonent_uid, subject, not_after, "
                        "state, replaced_by, cert, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.serial.toUpper()).bind(2, roleName(c.role)).bind(3, c.abonentUid);
    q.bind(4, c.subject).bind(5, toEpoch(c.notAfter)).bind(6, stateName(c.state));
    q.bind(7, c.replacedBy).bind(8, c.der).bind(9, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SQLITE_DONE)
        return rollback(q.error("register certificate"));
    if (Error e = auditLocked(
            actor, QStringLiteral("registered certificate"), {},
            QStringLiteral("%1 %2 %3").arg(roleName(c.role), c.serial.toUpper(), c.subject)))
        return rollback(e);
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return {};
}

Expected<std::optional<CertificateRecord>> Store::findCertificate(const QString &serialHex)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), (QByteArray(kSelectCertificate) + "WHERE serial = ?").constData());
    q.bind(1, serialHex.toUpper());
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<CertificateRecord>();
    if (rc != SQLITE_ROW)
        return q.error("find certificate");
    return std::optional<CertificateRecord>(readCertificate(q));
}

Expected<QVector<CertificateRecord>> Store::certificates(const QString &abonentUid)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(),
            (QByteArray(kSelectCertificate) +
             (abonentUid.isEmpty() ? "ORDER BY updated" : "WHERE abonent_uid = ? ORDER BY updated"))
                .constData());
    if (!abonentUid.isEmpty())
        q.bind(1, abonentUid);
    QVector<CertificateRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << readCertificate(q);
    if (rc != SQLITE_DONE)
        return q.error("list certificates");
    return records;
}

Error Store::addAbonent(const AbonentRecord &a, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    Query q(m_db.get(), "INSERT INTO abonents (uid, name, organization, inn, ogrn, snils, subject, "
                        "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, a.uid).bind(2, a.name).bind(3, a.organization).bind(4, a.inn);
    q.bind(5, a.ogrn).bind(6, a.snils).bind(7, a.subjectDer);
    q.bind(8, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SQLITE_DONE)
        return rollback(q.error("add abonent"));
    if (Error e = auditLocked(actor, QStringLiteral("added abonent"), {},
                              QStringLiteral("%1 %2, %3").arg(a.uid, a.name, a.organization)))
        return rollback(e);
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return {};
}

Expected<std::optional<AbonentRecord>> Store::findAbonent(const QString &uid)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), (QByteArray(kSelectAbonent) + "WHERE uid = ?").constData());
    q.bind(1, uid);
    const int rc = q.step();
    if (rc == SQLITE_DONE)
        return std::optional<AbonentRecord>();
    if (rc != SQLITE_ROW)
        return q.error("find abonent");
    return std::optional<AbonentRecord>(readAbonent(q));
}

Expected<QVector<AbonentRecord>> Store::findAbonents(const QString &snils, const QString &inn)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(),
            (QByteArray(kSelectAbonent) + "WHERE snils = ? AND inn = ? ORDER BY uid").constData());
    q.bind(1, snils).bind(2, inn);
    QVector<AbonentRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << readAbonent(q);
    if (rc != SQLITE_DONE)
        return q.error("find abonents");
    return records;
}

Expected<QVector<AbonentRecord>> Store::abonents()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(), (QByteArray(kSelectAbonent) + "ORDER BY uid").constData());
    QVector<AbonentRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << readAbonent(q);
    if (rc != SQLITE_DONE)
        return q.error("list abonents");
    return records;
}

Expected<int> Store::issuedCount(const QByteArray &newKeyHash)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(m_db.get(),
            "SELECT COUNT(*) FROM requests WHERE new_key_hash = ? AND cert IS NOT NULL");
    q.bind(1, newKeyHash);
    if (q.step() != SQLITE_ROW)
        return q.error("count");
    return int(q.int64(0));
}

} // namespace kk::ra
