#include "store.h"

#include "bankfiles.h"

#include <QCryptographicHash>

#include <QLoggingCategory>

#include "certificatecache.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"
#include "sqldatabase.h"

#include <QFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>

Q_LOGGING_CATEGORY(lcStore, "kk.ra.store", QtInfoMsg)

namespace kk::ra {

namespace {

const char *const kStatusNames[] = {"pending",   "approved", "issued",
                                    "confirmed", "rejected", "rejected-by-client"};

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

// A certificate with a revocation is revoked, whatever its row says (a serial revoked before
// its certificate was registered): one read answers both.
const char kSelectCertificate[] =
    "SELECT serial, role, abonent_uid, subject, not_after, CASE WHEN EXISTS (SELECT 1 FROM "
    "revocations r WHERE r.serial = certificates.serial) THEN 'revoked' ELSE state END, "
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

Store::Store(std::unique_ptr<SqlDatabase> db) : m_db(std::move(db)) {}
Store::~Store() = default;

Expected<std::unique_ptr<Store>> Store::open(const QString &path, int mode, Durability durability)
{
    // The register is the bank's: a new database is created readable by its owner only, or
    // by its group too (0640: the signer, another account, reads it); SQLite gives its -wal
    // and -shm files the same mode.
    // Never through a link (planted, dangling or not): SQLite is told not to follow one.
    if (Error e = checkSafePath(path))
        return e;
    const QByteArray file = QFile::encodeName(path);
    const int fd =
        ::open(file.constData(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::fchmod(fd, mode_t(mode & 0640));
        ::close(fd);
    }
    auto db = openSqlite(path, false, durability);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    // One node owns its file: it upgrades it as it opens it.
    if (auto migrated = store->migrate(); !migrated)
        return migrated.error();
    return store;
}

Expected<std::unique_ptr<Store>> Store::openReadOnly(const QString &path)
{
    auto db = openSqlite(path, true);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    if (Error e = store->requireCurrentSchema(QStringLiteral("start the RA once to upgrade it")))
        return e;
    return store;
}

Expected<std::unique_ptr<Store>> Store::openPostgres(const QString &conninfo, Access access)
{
    auto db = kk::ra::openPostgres(conninfo, access == Access::ReadOnly);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    // Several nodes share the database: none of them upgrades it behind the others' backs.
    // `keykiosk-ra migrate` does, once, and the nodes of the new version start after it.
    if (access != Access::Migrate) {
        if (Error e = store->requireCurrentSchema(QStringLiteral("run keykiosk-ra migrate")))
            return e;
    }
    return store;
}

Expected<int> Store::schemaVersion()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (m_db->engine() == SqlDatabase::Engine::Sqlite) {
        Query version(*m_db, "PRAGMA user_version");
        if (version.step() != SqlStep::Row)
            return version.error("schema version");
        return int(version.int64(0));
    }
    Query exists(*m_db, "SELECT to_regclass('schema_version') IS NOT NULL");
    if (exists.step() != SqlStep::Row)
        return exists.error("schema version");
    if (exists.text(0) != QLatin1String("t"))
        return 0;
    Query version(*m_db, "SELECT version FROM schema_version WHERE one = 1");
    const SqlStep rc = version.step();
    if (rc == SqlStep::Failed)
        return version.error("schema version");
    return rc == SqlStep::Row ? int(version.int64(0)) : 0;
}

Error Store::requireCurrentSchema(const QString &remedy)
{
    auto version = schemaVersion();
    if (!version)
        return version.error();
    if (version.value() == kSchemaVersion)
        return {};
    if (version.value() > kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("the register is at schema %1, newer than this RA (%2)")
                         .arg(version.value())
                         .arg(kSchemaVersion));
    return Error(ErrorCode::Internal, QStringLiteral("the register is at schema %1, not %2: %3")
                                          .arg(version.value())
                                          .arg(kSchemaVersion)
                                          .arg(remedy));
}

Error Store::exec(const char *sql)
{
    return m_db->exec(sql);
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

Expected<int> Store::migrate()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Expected<int> found = 0;
    if (m_db->engine() == SqlDatabase::Engine::Postgres) {
        found = migratePostgres();
    } else {
        found = schemaVersion();
        if (found) {
            if (Error e = migrateSqlite(found.value()))
                return e;
        }
    }
    if (found && m_foundVersion < 0)
        m_foundVersion = found.value();
    return found;
}

Error Store::migrateSqlite(int current)
{
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
            Query rows(*m_db,
                       "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
            QVector<std::pair<qint64, QByteArray>> links;
            while (rows.step() == SqlStep::Row) {
                previous = auditLink(previous, rows.int64(0), rows.int64(1), rows.text(2),
                                     rows.text(3), rows.text(4), rows.text(5));
                links.append({rows.int64(0), previous});
                last = rows.int64(0);
            }
            for (const auto &[id, link] : links) {
                Query set(*m_db, "UPDATE audit SET hash = ? WHERE id = ?");
                set.bind(1, link).bind(2, id);
                if (set.step() != SqlStep::Done)
                    return exec("ROLLBACK"), set.error("chain the audit log");
            }
        }
        if (last > 0) {
            Query head(*m_db, "INSERT INTO audit_head (one, hash, entries) VALUES (1, ?, ?)");
            head.bind(1, previous).bind(2, last);
            if (head.step() != SqlStep::Done)
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

namespace {

// PostgreSQL's steps, by the version they bring the register to. A new register goes straight
// to the schema SQLite reached in six steps; later versions add a step to both lists.
struct PostgresStep
{
    int version;
    const char *sql;
};
const PostgresStep kPostgresSteps[] = {
    {6,
     "CREATE TABLE requests ("
     " id BIGSERIAL PRIMARY KEY, number TEXT NOT NULL UNIQUE,"
     " created BIGINT NOT NULL, updated BIGINT NOT NULL, kind TEXT NOT NULL,"
     " uid TEXT NOT NULL, abonent TEXT NOT NULL, old_cert_serial TEXT NOT NULL,"
     " new_key_hash BYTEA NOT NULL UNIQUE, new_key_spki BYTEA NOT NULL,"
     " subject BYTEA NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
     " approve_after BIGINT NOT NULL DEFAULT 0, cert BYTEA, cert_serial TEXT NOT NULL DEFAULT '',"
     " case_kind TEXT NOT NULL DEFAULT 'renewal', staff TEXT NOT NULL DEFAULT '',"
     " application TEXT NOT NULL DEFAULT '', checklist TEXT NOT NULL DEFAULT '',"
     " approvals_needed INTEGER NOT NULL DEFAULT 0, sitting TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX requests_status ON requests(status);"
     "CREATE INDEX requests_sitting ON requests(sitting);"
     "CREATE TABLE revocations (serial TEXT PRIMARY KEY, revoked BIGINT NOT NULL,"
     " reason TEXT NOT NULL);"
     "CREATE TABLE abonents (uid TEXT PRIMARY KEY, name TEXT NOT NULL,"
     " organization TEXT NOT NULL DEFAULT '', inn TEXT NOT NULL DEFAULT '',"
     " ogrn TEXT NOT NULL DEFAULT '', snils TEXT NOT NULL DEFAULT '',"
     " subject BYTEA NOT NULL, created BIGINT NOT NULL);"
     "CREATE INDEX abonents_snils ON abonents(snils, inn);"
     "CREATE TABLE certificates (serial TEXT PRIMARY KEY, role TEXT NOT NULL,"
     " abonent_uid TEXT NOT NULL DEFAULT '', subject TEXT NOT NULL,"
     " not_after BIGINT NOT NULL, state TEXT NOT NULL DEFAULT 'live',"
     " replaced_by TEXT NOT NULL DEFAULT '', cert BYTEA NOT NULL, updated BIGINT NOT NULL);"
     "CREATE INDEX certificates_abonent ON certificates(abonent_uid);"
     "CREATE TABLE approvals (request_id BIGINT NOT NULL REFERENCES requests(id),"
     " operator TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (request_id, operator));"
     // Request numbers: one row, locked by the transaction that adds a request and undone
     // with it, so numbers are gap-free across nodes (a sequence would leave gaps).
     "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);"
     "INSERT INTO counters (name, value) VALUES ('request', 0);"
     "CREATE TABLE transactions (id BYTEA PRIMARY KEY,"
     " request_id BIGINT NOT NULL REFERENCES requests(id), sender BYTEA NOT NULL,"
     " request BYTEA NOT NULL, updated BIGINT NOT NULL);"
     "CREATE INDEX transactions_updated ON transactions(updated);"
     "CREATE TABLE audit (id BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL,"
     " action TEXT NOT NULL, request TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
     " hash BYTEA NOT NULL);"
     // The head row exists from the start: every node's append locks it (FOR UPDATE), which
     // keeps the chain one line across nodes.
     "CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1), hash BYTEA NOT NULL,"
     " entries BIGINT NOT NULL);"
     "INSERT INTO audit_head (one, hash, entries) VALUES (1, decode(repeat('00', 32), 'hex'), 0);"
     "CREATE FUNCTION keykiosk_append_only() RETURNS trigger LANGUAGE plpgsql AS"
     " 'BEGIN RAISE EXCEPTION ''the audit log is append-only''; END';"
     "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
     " FOR EACH ROW EXECUTE FUNCTION keykiosk_append_only();"
     "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
     " FOR EACH STATEMENT EXECUTE FUNCTION keykiosk_append_only();"
     "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head"
     " FOR EACH ROW EXECUTE FUNCTION keykiosk_append_only();"
     "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head"
     " FOR EACH STATEMENT EXECUTE FUNCTION keykiosk_append_only();"},
};

} // namespace

Expected<int> Store::migratePostgres()
{
    // One migration at a time across the nodes (an advisory lock held to the end of the
    // transaction); every step and the version move together or not at all.
    if (Error e = exec("BEGIN; SELECT pg_advisory_xact_lock(7236519);"
                       "CREATE TABLE IF NOT EXISTS schema_version (one INTEGER PRIMARY KEY"
                       " CHECK (one = 1), version INTEGER NOT NULL)"))
        return exec("ROLLBACK"), e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    auto version = schemaVersion();
    if (!version)
        return rollback(version.error());
    const int current = version.value();
    if (current > kSchemaVersion)
        return rollback(Error(ErrorCode::Internal,
                              QStringLiteral("database schema %1 is newer than this RA (%2)")
                                  .arg(current)
                                  .arg(kSchemaVersion)));
    for (const PostgresStep &step : kPostgresSteps) {
        if (step.version <= current)
            continue;
        if (Error e = exec(step.sql))
            return rollback(e);
        Query set(*m_db, "INSERT INTO schema_version (one, version) VALUES (1, ?) "
                         "ON CONFLICT (one) DO UPDATE SET version = excluded.version");
        set.bind(1, qint64(step.version));
        if (set.step() != SqlStep::Done)
            return rollback(set.error("schema version"));
    }
    if (Error e = exec("COMMIT"))
        return rollback(e);
    return current;
}

Error Store::rememberTransaction(const TransactionRecord &transaction)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "INSERT INTO transactions (id, request_id, sender, request, updated) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                   "request_id = excluded.request_id, sender = excluded.sender, "
                   "request = excluded.request, updated = excluded.updated");
    q.bind(1, transaction.id)
        .bind(2, transaction.requestId)
        .bind(3, transaction.senderDer)
        .bind(4, transaction.requestDer)
        .bind(5, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("remember transaction");
    return {};
}

Expected<std::optional<TransactionRecord>> Store::findTransaction(const QByteArray &id)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT request_id, sender, request FROM transactions WHERE id = ?");
    q.bind(1, id);
    const SqlStep rc = q.step();
    if (rc == SqlStep::Done)
        return std::optional<TransactionRecord>();
    if (rc != SqlStep::Row)
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
    Query q(*m_db, "DELETE FROM transactions WHERE updated < ?");
    q.bind(1, before.toSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("forget transactions");
    return {};
}

Error Store::auditLocked(const QString &actor, const QString &action, const QString &request,
                         const QString &detail)
{
    // The chain's head and length live beside it: a deleted last entry shows too. The next id
    // is the head's count plus one, read under the head's lock (a max(id) in this statement
    // would be of its snapshot, older than the lock on PostgreSQL). An entry slipped in behind
    // the RA's back takes that id: the append then fails, and `audit verify` says why.
    Query head(*m_db, (QByteArray("SELECT hash, entries + 1 FROM audit_head WHERE one = 1") +
                       m_db->forUpdate())
                          .constData());
    QByteArray previous = kAuditGenesis;
    qint64 id = 1;
    const SqlStep found = head.step();
    if (found == SqlStep::Failed)
        return head.error("audit head");
    if (found == SqlStep::Row) {
        previous = head.blob(0);
        id = head.int64(1);
    } else { // no head yet (a SQLite register's first entry)
        Query next(*m_db, "SELECT coalesce(max(id), 0) + 1 FROM audit");
        if (next.step() != SqlStep::Row)
            return next.error("audit");
        id = next.int64(0);
    }
    const qint64 at = QDateTime::currentSecsSinceEpoch();
    const QByteArray link = auditLink(previous, id, at, actor, action, request, detail);
    Query q(*m_db, "INSERT INTO audit (id, at, actor, action, request, detail, hash) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, id)
        .bind(2, at)
        .bind(3, actor)
        .bind(4, action)
        .bind(5, request)
        .bind(6, detail)
        .bind(7, link);
    // Both writes go with the transaction's next statement (its COMMIT, as a rule): on
    // PostgreSQL one round trip instead of three. A failure fails that statement.
    if (q.defer() != SqlStep::Done)
        return q.error("audit");
    Query moveHead(*m_db, "INSERT INTO audit_head (one, hash, entries) VALUES (1, ?, ?) "
                          "ON CONFLICT(one) DO UPDATE SET hash = excluded.hash, "
                          "entries = excluded.entries");
    moveHead.bind(1, link).bind(2, id);
    return moveHead.defer() == SqlStep::Done ? Error() : moveHead.error("audit head");
}

Expected<AuditVerdict> Store::verifyAudit()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    AuditVerdict verdict;
    QByteArray previous = kAuditGenesis;
    qint64 expectedId = 1;
    Query q(*m_db, "SELECT id, at, actor, action, request, detail, hash FROM audit ORDER BY id");
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row) {
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
    if (rc != SqlStep::Done)
        return q.error("audit log");
    Query head(*m_db, "SELECT hash, entries FROM audit_head WHERE one = 1");
    if (head.step() == SqlStep::Row) {
        if (head.int64(1) != expectedId - 1 || head.blob(0) != previous)
            verdict.problems << QStringLiteral("the log ends at entry %1, its head says %2 (%3)")
                                    .arg(expectedId - 1)
                                    .arg(head.int64(1))
                                    .arg(head.int64(1) > expectedId - 1
                                             ? QStringLiteral("entries deleted at the end")
                                             : QStringLiteral("entries added behind the RA's "
                                                              "back"));
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
    if (Error e = m_db->begin())
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
    Query q(*m_db, "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
    QVector<AuditRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << AuditRecord{q.int64(0), fromEpoch(q.int64(1)), q.text(2), q.text(3), q.text(4),
                               q.text(5)};
    if (rc != SqlStep::Done)
        return q.error("audit log");
    return records;
}

Error Store::loadApprovals(RequestRecord &record)
{
    // Only a request that needed approvals has any (approve() records that it needed one): the
    // renewals approved at once read nothing more.
    if (record.approvalsNeeded <= 0)
        return {};
    Query q(*m_db, "SELECT operator FROM approvals WHERE request_id = ? ORDER BY at");
    q.bind(1, record.id);
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        record.approvals << q.text(0);
    return rc == SqlStep::Done ? Error() : q.error("approvals");
}

Expected<RequestRecord> Store::createOrGet(const RequestRecord &request, const QString &actor,
                                           const TransactionRecord *transaction, bool *remembered)
{
    if (remembered)
        *remembered = false;
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = m_db->begin())
        return e; // busy, a full disk or a lost server: nothing was written
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    // The number first: its row stays locked to the end of the transaction, so the numbers
    // of all nodes are one series; if the key turns out to be known, the rollback below
    // gives the number back (no gaps).
    Query counter(*m_db,
                  "UPDATE counters SET value = value + 1 WHERE name = 'request' RETURNING value");
    if (counter.step() != SqlStep::Row)
        return rollback(counter.error("number request"));
    const QString number = QStringLiteral("R-%1").arg(counter.int64(0), 6, 10, QLatin1Char('0'));
    if (counter.step() != SqlStep::Done)
        return rollback(counter.error("number request"));
    // The idempotency rule is the database's: one request per new key (a unique index), also
    // when two nodes get the same key at the same moment (the second waits for the first's
    // transaction and then inserts nothing).
    Query insert(*m_db, "INSERT INTO requests (number, created, updated, kind, uid, abonent, "
                        "old_cert_serial, new_key_hash, new_key_spki, subject, status, "
                        "approve_after, case_kind, staff, application, checklist, "
                        "approvals_needed, sitting) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (new_key_hash) DO NOTHING RETURNING id");
    insert.bind(1, number).bind(2, now).bind(3, now).bind(4, request.kind).bind(5, request.uid);
    insert.bind(6, request.abonent).bind(7, request.oldCertSerial);
    insert.bind(8, request.newKeyHash).bind(9, request.newKeySpki);
    insert.bind(10, request.subjectDer).bind(11, statusName(request.status));
    insert.bind(12, toEpoch(request.approveAfter));
    insert.bind(13, request.caseKind.isEmpty() ? QStringLiteral("renewal") : request.caseKind);
    insert.bind(14, request.staff).bind(15, request.application);
    insert.bind(16, request.checklist).bind(17, qint64(request.approvalsNeeded));
    insert.bind(18, request.sitting);
    const SqlStep inserted = insert.step();
    if (inserted == SqlStep::Failed)
        return rollback(insert.error("insert request"));
    const bool added = inserted == SqlStep::Row;
    const qint64 id = added ? insert.int64(0) : 0;
    if (added && insert.step() != SqlStep::Done) // SQLite commits only finished statements
        return rollback(insert.error("insert request"));
    if (added) {
        if (transaction) {
            TransactionRecord withRequest = *transaction;
            withRequest.requestId = id;
            if (Error e = rememberTransaction(withRequest))
                return rollback(e);
        }
        QString detail = QStringLiteral("%1 for %2").arg(request.kind, request.abonent);
        if (request.kind == QLatin1String("ir"))
            detail += QStringLiteral(" (%1; application %2; checklist %3)")
                          .arg(request.caseKind, request.application, request.checklist);
        if (!request.sitting.isEmpty())
            detail += QStringLiteral("; sitting %1").arg(request.sitting);
        if (Error e = auditLocked(actor, QStringLiteral("created"), number, detail))
            return rollback(e);
        if (Error e = exec("COMMIT"))
            return rollback(e);
        if (remembered && transaction)
            *remembered = true;
        // The row is what was just written: no need to read it back.
        RequestRecord record = request;
        record.id = id;
        record.number = number;
        record.created = record.updated = fromEpoch(now);
        if (record.caseKind.isEmpty())
            record.caseKind = QStringLiteral("renewal");
        record.reason.clear();
        record.certDer.clear();
        record.certSerial.clear();
        record.approvals.clear();
        record.approveAfter = fromEpoch(toEpoch(request.approveAfter));
        return record;
    }
    if (Error e = exec("ROLLBACK"))
        return e;
    Query q(*m_db, (QByteArray(kSelect) + "WHERE new_key_hash = ?").constData());
    q.bind(1, request.newKeyHash);
    if (q.step() != SqlStep::Row)
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
    Query q(*m_db, (QByteArray(kSelect) + where).constData());
    q.bind(1, key);
    const SqlStep rc = q.step();
    if (rc == SqlStep::Done)
        return std::optional<RequestRecord>();
    if (rc != SqlStep::Row)
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
        where += "status = ?";
    if (!sitting.isEmpty())
        where += QByteArray(where.isEmpty() ? "" : " AND ") + "sitting = ?";
    Query q(*m_db, (QByteArray(kSelect) + (where.isEmpty() ? QByteArray() : "WHERE " + where) +
                    " ORDER BY id")
                       .constData());
    int next = 1;
    if (status)
        q.bind(next++, statusName(*status));
    if (!sitting.isEmpty())
        q.bind(next++, sitting);
    QVector<RequestRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << readRecord(q);
    if (rc != SqlStep::Done)
        return q.error("list requests");
    for (RequestRecord &record : records) {
        if (Error e = loadApprovals(record))
            return e;
    }
    return records;
}

namespace {
Error transition(SqlDatabase &db, qint64 id, const char *sql,
                 const std::function<void(Query &)> &bind, const char *what)
{
    Query q(db, sql);
    bind(q);
    if (q.step() != SqlStep::Done)
        return q.error(what);
    if (q.changes() != 1)
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
    if (Error e = m_db->begin())
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query record(*m_db, "INSERT INTO approvals (request_id, operator, at) VALUES (?, ?, ?)");
    record.bind(1, id).bind(2, operatorName).bind(3, now);
    if (record.step() != SqlStep::Done)
        return rollback(record.error("approval"));
    const int given = int(request.approvals.size()) + 1;
    const int needed = std::max(1, request.approvalsNeeded);
    QString detail = QStringLiteral("approval %1 of %2").arg(given).arg(needed);
    if (given >= needed) {
        if (Error e = transition(
                *m_db, id,
                "UPDATE requests SET status = 'approved', updated = ?, approvals_needed = CASE "
                "WHEN approvals_needed < 1 THEN 1 ELSE approvals_needed END WHERE id = ? AND "
                "status = 'pending'",
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
    if (Error e = m_db->begin())
        return e;
    Error e = transition(
        *m_db, id,
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
    Query q(*m_db, "UPDATE requests SET status = 'approved', updated = ?1 "
                   "WHERE status = 'pending' AND approve_after > 0 AND approve_after <= ?1");
    q.bind(1, toEpoch(now));
    return q.step() == SqlStep::Done ? Error() : q.error("auto approval");
}

Error Store::markIssued(qint64 id, const QByteArray &certDer, const QString &serial)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = m_db->begin())
        return e;
    Query issue(*m_db, "UPDATE requests SET status = 'issued', cert = ?, cert_serial = ?, "
                       "updated = ? WHERE id = ? AND status = 'approved' RETURNING number");
    issue.bind(1, certDer).bind(2, serial).bind(3, QDateTime::currentSecsSinceEpoch()).bind(4, id);
    const SqlStep rc = issue.step();
    const QString number = rc == SqlStep::Row ? issue.text(0) : QString();
    Error e;
    if (rc == SqlStep::Failed || (rc == SqlStep::Row && issue.step() != SqlStep::Done))
        e = issue.error("issued");
    else if (rc != SqlStep::Row)
        e = Error(ErrorCode::Internal,
                  QStringLiteral("request %1 cannot be issued in its current status").arg(id));
    // Every certificate the bank issues is in the audit log, in the same transaction.
    if (!e)
        e = auditLocked(QStringLiteral("system"), QStringLiteral("issued"), number,
                        QStringLiteral("certificate %1").arg(serial));
    if (!e)
        e = exec("COMMIT");
    if (e)
        exec("ROLLBACK");
    return e;
}

Error Store::markConfirmed(const RequestRecord &request, bool accepted, const QString &clientText)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const qint64 id = request.id;
    const bool firstConfirmation = request.status != RequestStatus::Confirmed;
    if (Error e = m_db->begin())
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = transition(
            *m_db, id,
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
        X509Ptr cert = parsedCertificate(request.certDer);

        Query insert(*m_db,
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
        if (insert.step() != SqlStep::Done)
            return rollback(insert.error("register the new certificate"));
        if (request.caseKind == QLatin1String("replacement")) {
            // A lost or broken token: whatever it held is revoked.
            Query revokeOld(*m_db, "UPDATE certificates SET state = 'revoked', updated = ? "
                                   "WHERE abonent_uid = ? AND role = 'client' AND state = "
                                   "'live' AND serial != ?");
            revokeOld.bind(1, now).bind(2, request.uid).bind(3, request.certSerial.toUpper());
            Query list(*m_db, "SELECT serial FROM certificates WHERE abonent_uid = ? AND "
                              "role = 'client' AND state = 'live' AND serial != ?");
            list.bind(1, request.uid).bind(2, request.certSerial.toUpper());
            QStringList revoked;
            while (list.step() == SqlStep::Row)
                revoked << list.text(0);
            if (revokeOld.step() != SqlStep::Done)
                return rollback(revokeOld.error("revoke the replaced token's certificates"));
            for (const QString &serial : revoked) {
                Query record(*m_db, "INSERT INTO revocations (serial, revoked, reason) "
                                    "VALUES (?, ?, ?) ON CONFLICT(serial) DO NOTHING");
                record.bind(1, serial).bind(2, now).bind(
                    3, QStringLiteral("token replaced (request %1)").arg(request.number));
                if (record.step() != SqlStep::Done)
                    return rollback(record.error("revocation"));
                if (Error e = auditLocked(QStringLiteral("system"), QStringLiteral("revoked"),
                                          request.number,
                                          QStringLiteral("%1: token replaced").arg(serial)))
                    return rollback(e);
            }
        } else if (!request.oldCertSerial.isEmpty()) {
            Query supersede(*m_db, "UPDATE certificates SET state = 'superseded', "
                                   "replaced_by = ?, updated = ? WHERE serial = ? AND state = "
                                   "'live'");
            supersede.bind(1, request.certSerial.toUpper())
                .bind(2, now)
                .bind(3, request.oldCertSerial.toUpper());
            if (supersede.step() != SqlStep::Done)
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
    if (Error e = m_db->begin())
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query q(*m_db, "INSERT INTO revocations (serial, revoked, reason) VALUES (?, ?, ?) ON "
                   "CONFLICT(serial) DO NOTHING");
    q.bind(1, serial).bind(2, now).bind(3, reason);
    if (q.step() != SqlStep::Done)
        return rollback(q.error("revoke"));
    Query state(*m_db, "UPDATE certificates SET state = 'revoked', updated = ? WHERE serial = ?");
    state.bind(1, now).bind(2, serial);
    if (state.step() != SqlStep::Done)
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
    Query q(*m_db, "SELECT serial, revoked, reason FROM revocations ORDER BY revoked");
    QVector<RevocationRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << RevocationRecord{q.text(0), QDateTime::fromSecsSinceEpoch(q.int64(1), Qt::UTC),
                                    q.text(2)};
    if (rc != SqlStep::Done)
        return q.error("revocations");
    return records;
}

Error Store::registerCertificate(const CertificateRecord &c, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = m_db->begin())
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    Query q(*m_db, "INSERT INTO certificates (serial, role, abonent_uid, subject, not_after, "
                   "state, replaced_by, cert, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.serial.toUpper()).bind(2, roleName(c.role)).bind(3, c.abonentUid);
    q.bind(4, c.subject).bind(5, toEpoch(c.notAfter)).bind(6, stateName(c.state));
    q.bind(7, c.replacedBy).bind(8, c.der).bind(9, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
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
    Query q(*m_db, (QByteArray(kSelectCertificate) + "WHERE serial = ?").constData());
    q.bind(1, serialHex.toUpper());
    const SqlStep rc = q.step();
    if (rc == SqlStep::Done)
        return std::optional<CertificateRecord>();
    if (rc != SqlStep::Row)
        return q.error("find certificate");
    return std::optional<CertificateRecord>(readCertificate(q));
}

Expected<QVector<CertificateRecord>> Store::certificates(const QString &abonentUid)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db,
            (QByteArray(kSelectCertificate) +
             (abonentUid.isEmpty() ? "ORDER BY updated" : "WHERE abonent_uid = ? ORDER BY updated"))
                .constData());
    if (!abonentUid.isEmpty())
        q.bind(1, abonentUid);
    QVector<CertificateRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << readCertificate(q);
    if (rc != SqlStep::Done)
        return q.error("list certificates");
    return records;
}

Error Store::addAbonent(const AbonentRecord &a, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    if (Error e = m_db->begin())
        return e;
    auto rollback = [this](Error e) {
        exec("ROLLBACK");
        return e;
    };
    Query q(*m_db, "INSERT INTO abonents (uid, name, organization, inn, ogrn, snils, subject, "
                   "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, a.uid).bind(2, a.name).bind(3, a.organization).bind(4, a.inn);
    q.bind(5, a.ogrn).bind(6, a.snils).bind(7, a.subjectDer);
    q.bind(8, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
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
    Query q(*m_db, (QByteArray(kSelectAbonent) + "WHERE uid = ?").constData());
    q.bind(1, uid);
    const SqlStep rc = q.step();
    if (rc == SqlStep::Done)
        return std::optional<AbonentRecord>();
    if (rc != SqlStep::Row)
        return q.error("find abonent");
    return std::optional<AbonentRecord>(readAbonent(q));
}

Expected<QVector<AbonentRecord>> Store::findAbonents(const QString &snils, const QString &inn)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db,
            (QByteArray(kSelectAbonent) + "WHERE snils = ? AND inn = ? ORDER BY uid").constData());
    q.bind(1, snils).bind(2, inn);
    QVector<AbonentRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << readAbonent(q);
    if (rc != SqlStep::Done)
        return q.error("find abonents");
    return records;
}

Expected<QVector<AbonentRecord>> Store::abonents()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(kSelectAbonent) + "ORDER BY uid").constData());
    QVector<AbonentRecord> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << readAbonent(q);
    if (rc != SqlStep::Done)
        return q.error("list abonents");
    return records;
}

Expected<int> Store::issuedCount(const QByteArray &newKeyHash)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT COUNT(*) FROM requests WHERE new_key_hash = ? AND cert IS NOT NULL");
    q.bind(1, newKeyHash);
    if (q.step() != SqlStep::Row)
        return q.error("count");
    return int(q.int64(0));
}

} // namespace kk::ra
