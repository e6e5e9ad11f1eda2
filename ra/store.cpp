#include "store.h"

#include <QLoggingCategory>

#include <sqlite3.h>

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
    "new_key_spki, subject, status, reason, approve_after, cert, cert_serial FROM requests ";

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
    return r;
}

} // namespace

QString statusName(RequestStatus status)
{
    return QString::fromLatin1(kStatusNames[int(status)]);
}

std::optional<RequestStatus> statusFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kStatusNames)); ++i) {
        if (name == QLatin1String(kStatusNames[i]))
            return RequestStatus(i);
    }
    return std::nullopt;
}

void Store::Closer::operator()(sqlite3 *db) const
{
    sqlite3_close(db);
}

Store::Store(sqlite3 *db) : m_db(db) {}
Store::~Store() = default;

Expected<std::unique_ptr<Store>> Store::open(const QString &path)
{
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.toUtf8().constData(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<Store> store(new Store(raw));
    if (rc != SQLITE_OK)
        return sqlError(raw, "open");
    sqlite3_busy_timeout(raw, 5000); // the operator CLI writes to the same file
    if (Error e = store->exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"))
        return e;
    if (Error e = store->migrate())
        return e;
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
    if (current == kSchemaVersion)
        return {};
    // Version 0 -> 1. Later versions add steps here, each in its own transaction.
    return exec(
        "BEGIN IMMEDIATE;"
        "CREATE TABLE requests ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL UNIQUE,"
        " created INTEGER NOT NULL, updated INTEGER NOT NULL, kind TEXT NOT NULL,"
        " uid TEXT NOT NULL, abonent TEXT NOT NULL, old_cert_serial TEXT NOT NULL,"
        " new_key_hash BLOB NOT NULL UNIQUE, new_key_spki BLOB NOT NULL, subject BLOB NOT NULL,"
        " status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', approve_after INTEGER NOT NULL "
        "DEFAULT 0,"
        " cert BLOB, cert_serial TEXT NOT NULL DEFAULT '');"
        "CREATE INDEX requests_status ON requests(status);"
        "CREATE TABLE revocations (serial TEXT PRIMARY KEY, revoked INTEGER NOT NULL, reason TEXT "
        "NOT NULL);"
        "PRAGMA user_version = 1;"
        "COMMIT;");
}

Expected<RequestRecord> Store::createOrGet(const RequestRecord &request)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = exec("BEGIN IMMEDIATE"))
        return e; // busy (the operator CLI is writing) or the disk is full: nothing was written
    {
        // The number is derived from the row id inside the same transaction.
        Query insert(
            m_db.get(),
            "INSERT INTO requests (number, created, updated, kind, uid, abonent, old_cert_serial, "
            "new_key_hash, new_key_spki, subject, status, approve_after) "
            "VALUES ('', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(new_key_hash) DO NOTHING");
        insert.bind(1, now)
            .bind(2, now)
            .bind(3, request.kind)
            .bind(4, request.uid)
            .bind(5, request.abonent);
        insert.bind(6, request.oldCertSerial)
            .bind(7, request.newKeyHash)
            .bind(8, request.newKeySpki);
        insert.bind(9, request.subjectDer)
            .bind(10, statusName(request.status))
            .bind(11, toEpoch(request.approveAfter));
        if (insert.step() != SQLITE_DONE) {
            Error e = insert.error("insert request");
            exec("ROLLBACK");
            return e;
        }
        if (sqlite3_changes(m_db.get()) == 1) {
            const qint64 id = sqlite3_last_insert_rowid(m_db.get());
            Query number(m_db.get(), "UPDATE requests SET number = ? WHERE id = ?");
            number.bind(1, QStringLiteral("R-%1").arg(id, 6, 10, QLatin1Char('0'))).bind(2, id);
            if (number.step() != SQLITE_DONE) {
                Error e = number.error("number request");
                exec("ROLLBACK");
                return e;
            }
        }
    }
    if (Error e = exec("COMMIT")) {
        exec("ROLLBACK");
        return e;
    }
    Query q(m_db.get(), (QByteArray(kSelect) + "WHERE new_key_hash = ?").constData());
    q.bind(1, request.newKeyHash);
    if (q.step() != SQLITE_ROW)
        return q.error("read request");
    return readRecord(q);
}

template <typename Key>
Expected<std::optional<RequestRecord>> Store::findOne(const char *where, const Key &key)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(), (QByteArray(kSelect) + where).constData());
    q.bind(1, key);
    const int rc = q.step();
    if (rc == SQLITE_ROW)
        return std::optional<RequestRecord>(readRecord(q));
    if (rc == SQLITE_DONE)
        return std::optional<RequestRecord>();
    return q.error("find request");
}

Expected<std::optional<RequestRecord>> Store::findByKeyHash(const QByteArray &hash)
{
    return findOne("WHERE new_key_hash = ?", hash);
}

Expected<std::optional<RequestRecord>> Store::findById(qint64 id)
{
    return findOne("WHERE id = ?", id);
}

Expected<QVector<RequestRecord>> Store::list(std::optional<RequestStatus> status)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(),
            (QByteArray(kSelect) + (status ? "WHERE status = ? ORDER BY id" : "ORDER BY id"))
                .constData());
    if (status)
        q.bind(1, statusName(*status));
    QVector<RequestRecord> records;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
        records << readRecord(q);
    if (rc != SQLITE_DONE)
        return q.error("list requests");
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

Error Store::approve(qint64 id)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return transition(
        m_db.get(), id,
        "UPDATE requests SET status = 'approved', updated = ? WHERE id = ? AND status = 'pending'",
        [&](Query &q) { q.bind(1, QDateTime::currentSecsSinceEpoch()).bind(2, id); }, "approved");
}

Error Store::reject(qint64 id, const QString &reason)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return transition(
        m_db.get(), id,
        "UPDATE requests SET status = 'rejected', reason = ?, updated = ? WHERE id = ? AND status "
        "IN ('pending', 'approved')",
        [&](Query &q) {
            q.bind(1, reason).bind(2, QDateTime::currentSecsSinceEpoch()).bind(3, id);
        },
        "rejected");
}

Error Store::approveDue(const QDateTime &now)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(), "UPDATE requests SET status = 'approved', updated = ?1 "
                        "WHERE status = 'pending' AND approve_after > 0 AND approve_after <= ?1");
    q.bind(1, toEpoch(now));
    return q.step() == SQLITE_DONE ? Error() : q.error("auto approval");
}

Error Store::markIssued(qint64 id, const QByteArray &certDer, const QString &serial)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return transition(
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
}

Error Store::markConfirmed(qint64 id, bool accepted, const QString &clientText)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return transition(
        m_db.get(), id,
        "UPDATE requests SET status = ?, reason = ?, updated = ? WHERE id = ? "
        "AND status IN ('issued', 'confirmed', 'rejected-by-client')",
        [&](Query &q) {
            q.bind(1, statusName(accepted ? RequestStatus::Confirmed
                                          : RequestStatus::RejectedByClient));
            q.bind(2, clientText).bind(3, QDateTime::currentSecsSinceEpoch()).bind(4, id);
        },
        "confirmed");
}

Error Store::revoke(const QString &serialHex, const QString &reason)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(), "INSERT INTO revocations (serial, revoked, reason) VALUES (?, ?, ?) ON "
                        "CONFLICT(serial) DO NOTHING");
    q.bind(1, serialHex.toUpper()).bind(2, QDateTime::currentSecsSinceEpoch()).bind(3, reason);
    return q.step() == SQLITE_DONE ? Error() : q.error("revoke");
}

Expected<bool> Store::isRevoked(const QString &serialHex)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(), "SELECT 1 FROM revocations WHERE serial = ?");
    q.bind(1, serialHex.toUpper());
    const int rc = q.step();
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return rc == SQLITE_ROW;
    return q.error("revocation lookup");
}

Expected<int> Store::issuedCount(const QByteArray &newKeyHash)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Query q(m_db.get(),
            "SELECT COUNT(*) FROM requests WHERE new_key_hash = ? AND cert IS NOT NULL");
    q.bind(1, newKeyHash);
    if (q.step() != SQLITE_ROW)
        return q.error("count");
    return int(q.int64(0));
}

} // namespace kk::ra
