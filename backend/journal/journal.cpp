#include "keykiosk/journal/journal.h"

#include <sqlite3.h>

namespace kk {

namespace {
struct Finalizer
{
    void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};
using Statement = std::unique_ptr<sqlite3_stmt, Finalizer>;

Error sqlError(sqlite3 *db, const char *what)
{
    return Error(ErrorCode::Internal,
                 QStringLiteral("journal %1: %2")
                     .arg(QLatin1String(what), QString::fromUtf8(sqlite3_errmsg(db))));
}

Statement prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *raw = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
    return Statement(raw);
}

void bindText(sqlite3_stmt *s, int i, const QString &v)
{
    const QByteArray utf8 = v.toUtf8();
    sqlite3_bind_text(s, i, utf8.constData(), utf8.size(), SQLITE_TRANSIENT);
}

void bindBlob(sqlite3_stmt *s, int i, const QByteArray &v)
{
    sqlite3_bind_blob(s, i, v.constData(), v.size(), SQLITE_TRANSIENT);
}

QString columnText(sqlite3_stmt *s, int i)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(s, i)));
}

QByteArray columnBlob(sqlite3_stmt *s, int i)
{
    return QByteArray(static_cast<const char *>(sqlite3_column_blob(s, i)),
                      sqlite3_column_bytes(s, i));
}

Error exec(sqlite3 *db, const char *sql)
{
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return {};
    Error e(ErrorCode::Internal,
            QStringLiteral("journal schema: %1").arg(QString::fromUtf8(message)));
    sqlite3_free(message);
    return e;
}

// Version 1 kept the screen state of one journey (an int); version 2 keeps the key lifecycle.
// Only a request the bank held survives the upgrade (state 7 was "with the bank"); the token
// tells everything else again.
const char kSchemaV2[] =
    "CREATE TABLE IF NOT EXISTS key_lifecycle (token_serial TEXT NOT NULL,"
    " profile_key_id BLOB NOT NULL, lifecycle TEXT NOT NULL, new_key_id BLOB NOT NULL DEFAULT x'',"
    " request_number TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
    " started INTEGER NOT NULL, updated INTEGER NOT NULL,"
    " PRIMARY KEY (token_serial, profile_key_id));"
    "CREATE INDEX IF NOT EXISTS key_lifecycle_new_key ON key_lifecycle(token_serial, new_key_id);";
// Version 3 adds signers' sittings: the board of each, signer by signer.
const char kSchemaV3[] =
    "CREATE TABLE IF NOT EXISTS sittings (id TEXT PRIMARY KEY, organization TEXT NOT NULL,"
    " inn TEXT NOT NULL, started INTEGER NOT NULL, closed INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS sitting_signers (sitting TEXT NOT NULL REFERENCES sittings(id),"
    " position INTEGER NOT NULL, token_serial TEXT NOT NULL, profile_key_id BLOB NOT NULL,"
    " owner TEXT NOT NULL, title TEXT NOT NULL, identifier TEXT NOT NULL, status TEXT NOT NULL,"
    " reason TEXT NOT NULL, request_number TEXT NOT NULL, certificate BLOB NOT NULL,"
    " PRIMARY KEY (sitting, position));";
const char kMigrateV1[] =
    "INSERT OR IGNORE INTO key_lifecycle (token_serial, profile_key_id, lifecycle, new_key_id,"
    " detail, started, updated) SELECT token_serial, current_key_id, 'with-bank',"
    " coalesce(new_key_id, x''), detail, started, updated FROM renewals WHERE state = 7;"
    "DROP TABLE renewals;";
} // namespace

void Journal::Closer::operator()(sqlite3 *db) const
{
    sqlite3_close(db);
}

Journal::Journal(sqlite3 *db) : m_db(db) {}
Journal::~Journal() = default;

Expected<std::unique_ptr<Journal>> Journal::open(const QString &path)
{
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.toUtf8().constData(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<Journal> journal(new Journal(raw));
    if (rc != SQLITE_OK)
        return sqlError(raw, "open");
    if (Error e = exec(raw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"))
        return e;
    Statement version = prepare(raw, "PRAGMA user_version");
    const int current =
        sqlite3_step(version.get()) == SQLITE_ROW ? sqlite3_column_int(version.get(), 0) : 0;
    version.reset();
    if (current > kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("journal %1 has schema %2, newer than this kiosk's %3")
                         .arg(path)
                         .arg(current)
                         .arg(kSchemaVersion));
    if (Error e = exec(raw, "BEGIN IMMEDIATE"))
        return e;
    Error migrated = exec(raw, kSchemaV2);
    if (!migrated && current == 1)
        migrated = exec(raw, kMigrateV1);
    if (!migrated)
        migrated = exec(raw, kSchemaV3);
    if (!migrated)
        migrated = exec(raw, "PRAGMA user_version = 3");
    if (migrated) {
        exec(raw, "ROLLBACK");
        return migrated;
    }
    if (Error e = exec(raw, "COMMIT"))
        return e;
    return journal;
}

Error Journal::record(const JournalEntry &entry)
{
    if (!isStable(entry.lifecycle))
        return Error(ErrorCode::Internal,
                     QStringLiteral("journal: %1 is in flight and never recorded")
                         .arg(lifecycleName(entry.lifecycle)));
    std::lock_guard<std::mutex> lock(m_mutex);
    Statement s = prepare(
        m_db.get(),
        "INSERT INTO key_lifecycle (token_serial, profile_key_id, lifecycle, new_key_id,"
        " request_number, detail, started, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(token_serial, profile_key_id) DO UPDATE SET lifecycle = excluded.lifecycle,"
        " new_key_id = excluded.new_key_id, request_number = excluded.request_number,"
        " detail = excluded.detail, updated = excluded.updated");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    bindText(s.get(), 1, entry.tokenSerial);
    bindBlob(s.get(), 2, entry.profileKeyId);
    bindText(s.get(), 3, lifecycleName(entry.lifecycle));
    bindBlob(s.get(), 4, entry.newKeyId);
    bindText(s.get(), 5, entry.requestNumber);
    bindText(s.get(), 6, entry.detail);
    sqlite3_bind_int64(s.get(), 7,
                       entry.started.isValid() ? entry.started.toSecsSinceEpoch() : now);
    sqlite3_bind_int64(s.get(), 8, now);
    return sqlite3_step(s.get()) == SQLITE_DONE ? Error() : sqlError(m_db.get(), "record");
}

Expected<QVector<JournalEntry>> Journal::select(const char *where, const QString &serial,
                                                const QByteArray *id)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    const QByteArray sql = QByteArray("SELECT profile_key_id, lifecycle, new_key_id, "
                                      "request_number, detail, started, updated FROM "
                                      "key_lifecycle WHERE token_serial = ?") +
                           where;
    Statement s = prepare(m_db.get(), sql.constData());
    bindText(s.get(), 1, serial);
    if (id)
        bindBlob(s.get(), 2, *id);
    QVector<JournalEntry> rows;
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
        JournalEntry e;
        e.tokenSerial = serial;
        e.profileKeyId = columnBlob(s.get(), 0);
        const QString lifecycle = columnText(s.get(), 1);
        const auto state = lifecycleFromName(lifecycle);
        if (!state)
            return Error(ErrorCode::Internal,
                         QStringLiteral("journal: unknown lifecycle '%1'").arg(lifecycle));
        e.lifecycle = *state;
        e.newKeyId = columnBlob(s.get(), 2);
        e.requestNumber = columnText(s.get(), 3);
        e.detail = columnText(s.get(), 4);
        e.started = QDateTime::fromSecsSinceEpoch(sqlite3_column_int64(s.get(), 5), Qt::UTC);
        e.updated = QDateTime::fromSecsSinceEpoch(sqlite3_column_int64(s.get(), 6), Qt::UTC);
        rows << e;
    }
    if (rc != SQLITE_DONE)
        return sqlError(m_db.get(), "select");
    return rows;
}

Expected<std::optional<JournalEntry>> Journal::find(const QString &tokenSerial,
                                                    const QByteArray &profileKeyId)
{
    auto rows = select(" AND profile_key_id = ?", tokenSerial, &profileKeyId);
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<JournalEntry>() : std::optional(rows->first());
}

Expected<std::optional<JournalEntry>> Journal::findByNewKey(const QString &tokenSerial,
                                                            const QByteArray &newKeyId)
{
    auto rows = select(" AND new_key_id = ? ORDER BY updated DESC LIMIT 1", tokenSerial, &newKeyId);
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<JournalEntry>() : std::optional(rows->first());
}

Expected<QVector<JournalEntry>> Journal::forToken(const QString &tokenSerial)
{
    return select("", tokenSerial, nullptr);
}

Error Journal::remove(const QString &tokenSerial, const QByteArray &profileKeyId)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Statement s = prepare(
        m_db.get(), "DELETE FROM key_lifecycle WHERE token_serial = ? AND profile_key_id = ?");
    bindText(s.get(), 1, tokenSerial);
    bindBlob(s.get(), 2, profileKeyId);
    return sqlite3_step(s.get()) == SQLITE_DONE ? Error() : sqlError(m_db.get(), "remove");
}

namespace {
const char *const kSignerStatusNames[] = {
    "waiting-for-token",    "reading", "ready",       "renewing",     "with-bank",
    "certificate-received", "refused", "needs-staff", "nothing-to-do"};

SignerStatus signerStatusFromName(const QString &name)
{
    for (int i = 0; i < int(std::size(kSignerStatusNames)); ++i) {
        if (name == QLatin1String(kSignerStatusNames[i]))
            return SignerStatus(i);
    }
    return SignerStatus::SignerWaitingForToken;
}
} // namespace

Error Journal::saveSitting(const Sitting &sitting)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    sqlite3 *db = m_db.get();
    if (Error e = exec(db, "BEGIN IMMEDIATE"))
        return e;
    auto rollback = [db](Error e) {
        exec(db, "ROLLBACK");
        return e;
    };
    Statement head = prepare(
        db, "INSERT INTO sittings (id, organization, inn, started, closed) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET closed = excluded.closed");
    bindText(head.get(), 1, sitting.id);
    bindText(head.get(), 2, sitting.organization.name);
    bindText(head.get(), 3, sitting.organization.inn);
    sqlite3_bind_int64(head.get(), 4, sitting.started.toSecsSinceEpoch());
    sqlite3_bind_int64(head.get(), 5,
                       sitting.closed.isValid() ? sitting.closed.toSecsSinceEpoch() : 0);
    if (sqlite3_step(head.get()) != SQLITE_DONE)
        return rollback(sqlError(db, "save sitting"));
    Statement clear = prepare(db, "DELETE FROM sitting_signers WHERE sitting = ?");
    bindText(clear.get(), 1, sitting.id);
    if (sqlite3_step(clear.get()) != SQLITE_DONE)
        return rollback(sqlError(db, "save sitting"));
    for (int i = 0; i < sitting.signers.size(); ++i) {
        const SittingSigner &s = sitting.signers[i];
        Statement row = prepare(
            db, "INSERT INTO sitting_signers (sitting, position, token_serial, profile_key_id,"
                " owner, title, identifier, status, reason, request_number, certificate)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        bindText(row.get(), 1, sitting.id);
        sqlite3_bind_int(row.get(), 2, i);
        bindText(row.get(), 3, s.tokenSerial);
        bindBlob(row.get(), 4, s.profileKeyId);
        bindText(row.get(), 5, s.owner);
        bindText(row.get(), 6, s.title);
        bindText(row.get(), 7, s.identifier);
        bindText(row.get(), 8, QString::fromLatin1(kSignerStatusNames[int(s.status)]));
        bindText(row.get(), 9, s.reason);
        bindText(row.get(), 10, s.requestNumber);
        bindBlob(row.get(), 11, s.certificateDer);
        if (sqlite3_step(row.get()) != SQLITE_DONE)
            return rollback(sqlError(db, "save sitting"));
    }
    if (Error e = exec(db, "COMMIT"))
        return rollback(e);
    return {};
}

Expected<std::optional<Sitting>> Journal::readSitting(const char *where, const QString &id)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    sqlite3 *db = m_db.get();
    Statement head =
        prepare(db, (QByteArray("SELECT id, organization, inn, started, closed FROM sittings ") +
                     where + " ORDER BY started DESC LIMIT 1")
                        .constData());
    if (!id.isEmpty())
        bindText(head.get(), 1, id);
    const int rc = sqlite3_step(head.get());
    if (rc == SQLITE_DONE)
        return std::optional<Sitting>();
    if (rc != SQLITE_ROW)
        return sqlError(db, "read sitting");
    Sitting sitting;
    sitting.id = columnText(head.get(), 0);
    sitting.organization = {columnText(head.get(), 1), columnText(head.get(), 2)};
    sitting.started = QDateTime::fromSecsSinceEpoch(sqlite3_column_int64(head.get(), 3), Qt::UTC);
    if (const qint64 closed = sqlite3_column_int64(head.get(), 4))
        sitting.closed = QDateTime::fromSecsSinceEpoch(closed, Qt::UTC);
    Statement rows = prepare(db, "SELECT token_serial, profile_key_id, owner, title, identifier,"
                                 " status, reason, request_number, certificate FROM sitting_signers"
                                 " WHERE sitting = ? ORDER BY position");
    bindText(rows.get(), 1, sitting.id);
    int step;
    while ((step = sqlite3_step(rows.get())) == SQLITE_ROW) {
        SittingSigner s;
        s.tokenSerial = columnText(rows.get(), 0);
        s.profileKeyId = columnBlob(rows.get(), 1);
        s.owner = columnText(rows.get(), 2);
        s.title = columnText(rows.get(), 3);
        s.identifier = columnText(rows.get(), 4);
        s.status = signerStatusFromName(columnText(rows.get(), 5));
        s.reason = columnText(rows.get(), 6);
        s.requestNumber = columnText(rows.get(), 7);
        s.certificateDer = columnBlob(rows.get(), 8);
        sitting.signers << s;
    }
    if (step != SQLITE_DONE)
        return sqlError(db, "read sitting");
    return std::optional<Sitting>(sitting);
}

Expected<std::optional<Sitting>> Journal::openSitting()
{
    return readSitting("WHERE closed = 0", {});
}

Expected<std::optional<Sitting>> Journal::sitting(const QString &id)
{
    return readSitting("WHERE id = ?", id);
}

} // namespace kk
