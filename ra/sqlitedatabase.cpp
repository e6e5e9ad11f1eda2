// The register on SQLite: one file, one connection per process (sqldatabase.h).
#include "sqldatabase.h"

#include <QFile>

#include <sqlite3.h>

#include <string>
#include <unordered_map>

namespace kk::ra {

namespace {

struct SqliteCloser
{
    void operator()(sqlite3 *db) const { sqlite3_close(db); }
};
struct StatementFinalizer
{
    void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};

class SqliteCursor final : public SqlCursor
{
public:
    // A statement from the connection's cache (`inUse` is its flag, handed back at the end)
    // or one of its own.
    SqliteCursor(sqlite3 *db, sqlite3_stmt *stmt, bool *inUse) : m_db(db), m_inUse(inUse)
    {
        m_stmt.reset(stmt);
        m_prepared = stmt ? SQLITE_OK : SQLITE_ERROR;
    }
    SqliteCursor(sqlite3 *db, const char *sql) : m_db(db)
    {
        sqlite3_stmt *raw = nullptr;
        m_prepared = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
        m_stmt.reset(raw);
    }
    ~SqliteCursor() override
    {
        if (!m_inUse)
            return;
        // Back to the cache, ready for the next one.
        sqlite3_reset(m_stmt.get());
        sqlite3_clear_bindings(m_stmt.get());
        *m_inUse = false;
        m_stmt.release();
    }
    void bindInt(int i, qint64 v) override { sqlite3_bind_int64(m_stmt.get(), i, v); }
    void bindText(int i, const QByteArray &utf8) override
    {
        sqlite3_bind_text(m_stmt.get(), i, utf8.constData(), utf8.size(), SQLITE_TRANSIENT);
    }
    void bindBlob(int i, const QByteArray &v) override
    {
        sqlite3_bind_blob(m_stmt.get(), i, v.constData(), v.size(), SQLITE_TRANSIENT);
    }
    SqlStep step() override
    {
        if (m_prepared != SQLITE_OK)
            return SqlStep::Failed;
        switch (sqlite3_step(m_stmt.get())) {
        case SQLITE_ROW:
            return SqlStep::Row;
        case SQLITE_DONE:
            m_changes = sqlite3_changes(m_db);
            return SqlStep::Done;
        default:
            return SqlStep::Failed;
        }
    }
    qint64 int64(int c) const override { return sqlite3_column_int64(m_stmt.get(), c); }
    QByteArray text(int c) const override
    {
        return QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(m_stmt.get(), c)),
                          sqlite3_column_bytes(m_stmt.get(), c));
    }
    QByteArray blob(int c) const override
    {
        return QByteArray(static_cast<const char *>(sqlite3_column_blob(m_stmt.get(), c)),
                          sqlite3_column_bytes(m_stmt.get(), c));
    }
    qint64 changes() const override { return m_changes; }
    QString errorText() const override { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3 *m_db;
    bool *m_inUse = nullptr;
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> m_stmt;
    int m_prepared;
    qint64 m_changes = 0;
};

class SqliteDatabase final : public SqlDatabase
{
public:
    explicit SqliteDatabase(sqlite3 *db) : m_db(db) {}
    ~SqliteDatabase() override
    {
        for (auto &[sql, cached] : m_statements)
            sqlite3_finalize(cached.stmt);
    }
    Engine engine() const override { return Engine::Sqlite; }
    // The register runs the same few dozen statements over and over: each is compiled once
    // (a statement already in use, a nested query, gets one of its own).
    std::unique_ptr<SqlCursor> prepare(const char *sql) override
    {
        auto it = m_statements.find(sql);
        if (it == m_statements.end()) {
            sqlite3_stmt *raw = nullptr;
            if (sqlite3_prepare_v2(m_db.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
                sqlite3_finalize(raw);
                return std::make_unique<SqliteCursor>(m_db.get(), sql); // it reports the error
            }
            it = m_statements.emplace(sql, Cached{raw, false}).first;
        }
        if (it->second.inUse)
            return std::make_unique<SqliteCursor>(m_db.get(), sql);
        it->second.inUse = true;
        return std::make_unique<SqliteCursor>(m_db.get(), it->second.stmt, &it->second.inUse);
    }
    Error exec(const char *sql) override
    {
        char *message = nullptr;
        if (sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
            Error e(ErrorCode::Internal,
                    QStringLiteral("register: %1").arg(QString::fromUtf8(message)));
            sqlite3_free(message);
            return e;
        }
        return {};
    }
    // Busy (the operator CLI is writing) or a full disk: nothing was written.
    Error begin() override { return exec("BEGIN IMMEDIATE"); }
    const char *forUpdate() const override { return ""; }

private:
    struct Cached
    {
        sqlite3_stmt *stmt;
        bool inUse;
    };
    std::unique_ptr<sqlite3, SqliteCloser> m_db;
    std::unordered_map<std::string, Cached> m_statements; // finalized before m_db closes
};

} // namespace

Expected<std::unique_ptr<SqlDatabase>> openSqlite(const QString &path, bool readOnly)
{
    if (readOnly && !QFile::exists(path))
        return Error(ErrorCode::Internal, QStringLiteral("no register at %1").arg(path));
    sqlite3 *raw = nullptr;
    const int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc =
        sqlite3_open_v2(path.toUtf8().constData(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<SqlDatabase> db = std::make_unique<SqliteDatabase>(raw);
    if (rc != SQLITE_OK)
        return Error(ErrorCode::Internal, QStringLiteral("register: cannot open %1: %2")
                                              .arg(path, QString::fromUtf8(sqlite3_errmsg(raw))));
    sqlite3_busy_timeout(raw, 5000); // a reader (an offline audit) may hold it for a moment
    if (!readOnly) {
        if (Error e = db->exec(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"))
            return e;
    }
    return db;
}

} // namespace kk::ra
