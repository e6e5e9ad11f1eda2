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
    char *message = nullptr;
    if (sqlite3_exec(raw,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS renewals (token_serial TEXT NOT NULL, "
                     "current_key_id BLOB NOT NULL,"
                     " state INTEGER NOT NULL, new_key_id BLOB, detail TEXT NOT NULL DEFAULT '', "
                     "started INTEGER NOT NULL,"
                     " updated INTEGER NOT NULL, PRIMARY KEY (token_serial, current_key_id));"
                     "PRAGMA user_version = 1;",
                     nullptr, nullptr, &message) != SQLITE_OK) {
        Error e(ErrorCode::Internal,
                QStringLiteral("journal schema: %1").arg(QString::fromUtf8(message)));
        sqlite3_free(message);
        return e;
    }
    return journal;
}

Error Journal::record(const JournalEntry &entry)
{
    Statement s = prepare(
        m_db.get(),
        "INSERT INTO renewals (token_serial, current_key_id, state, new_key_id, detail, started, "
        "updated) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token_serial, current_key_id) DO UPDATE SET "
        "state = excluded.state, new_key_id = excluded.new_key_id, detail = excluded.detail, "
        "updated = excluded.updated");
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    bindText(s.get(), 1, entry.tokenSerial);
    bindBlob(s.get(), 2, entry.currentKeyId);
    sqlite3_bind_int(s.get(), 3, int(entry.state));
    bindBlob(s.get(), 4, entry.newKeyId);
    bindText(s.get(), 5, entry.detail);
    sqlite3_bind_int64(s.get(), 6,
                       entry.started.isValid() ? entry.started.toSecsSinceEpoch() : now);
    sqlite3_bind_int64(s.get(), 7, now);
    return sqlite3_step(s.get()) == SQLITE_DONE ? Error() : sqlError(m_db.get(), "record");
}

Expected<std::optional<JournalEntry>> Journal::find(const QString &tokenSerial,
                                                    const QByteArray &currentKeyId)
{
    Statement s =
        prepare(m_db.get(), "SELECT state, new_key_id, detail, started, updated FROM renewals "
                            "WHERE token_serial = ? AND current_key_id = ?");
    bindText(s.get(), 1, tokenSerial);
    bindBlob(s.get(), 2, currentKeyId);
    const int rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE)
        return std::optional<JournalEntry>();
    if (rc != SQLITE_ROW)
        return sqlError(m_db.get(), "find");
    JournalEntry e;
    e.tokenSerial = tokenSerial;
    e.currentKeyId = currentKeyId;
    e.state = WorkflowState(sqlite3_column_int(s.get(), 0));
    e.newKeyId = QByteArray(static_cast<const char *>(sqlite3_column_blob(s.get(), 1)),
                            sqlite3_column_bytes(s.get(), 1));
    e.detail = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(s.get(), 2)));
    e.started = QDateTime::fromSecsSinceEpoch(sqlite3_column_int64(s.get(), 3), Qt::UTC);
    e.updated = QDateTime::fromSecsSinceEpoch(sqlite3_column_int64(s.get(), 4), Qt::UTC);
    return std::optional<JournalEntry>(e);
}

Error Journal::remove(const QString &tokenSerial, const QByteArray &currentKeyId)
{
    Statement s =
        prepare(m_db.get(), "DELETE FROM renewals WHERE token_serial = ? AND current_key_id = ?");
    bindText(s.get(), 1, tokenSerial);
    bindBlob(s.get(), 2, currentKeyId);
    return sqlite3_step(s.get()) == SQLITE_DONE ? Error() : sqlError(m_db.get(), "remove");
}

} // namespace kk
