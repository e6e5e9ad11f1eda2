// The register on SQLite: one file, one connection per process (sqldatabase.h).
#include "sqldatabase.h"

#include <QFile>
#include <QLoggingCategory>

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcRegisterSqlite, "kk.ra.register", QtInfoMsg)

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

// Counts the transactions the connection committed. SQLite's commit hook runs before the
// commit is written; the count goes up once the statement that committed has returned, so a
// commit counted is in the write-ahead log (the Store runs every statement under its lock,
// so whatever a thread read was counted before it read it).
class CommitCounter
{
public:
    explicit CommitCounter(sqlite3 *db)
    {
        if (db)
            sqlite3_commit_hook(db, &CommitCounter::hook, this);
    }
    void settle(sqlite3 *db)
    {
        if (m_pending && sqlite3_get_autocommit(db)) {
            m_pending = false;
            m_committed.fetch_add(1, std::memory_order_release);
        }
    }
    quint64 committed() const { return m_committed.load(std::memory_order_acquire); }

private:
    static int hook(void *self)
    {
        static_cast<CommitCounter *>(self)->m_pending = true;
        return 0; // go on with the commit
    }
    bool m_pending = false;
    std::atomic<quint64> m_committed{0};
};

// One fdatasync of the write-ahead log for every thread waiting for its commits (group
// commit): the first to come syncs what has been committed so far; those that come during
// it wait for the next one, which one of them makes.
class GroupFlush
{
public:
    GroupFlush(QString walPath, QString dbPath)
        : m_walPath(std::move(walPath)), m_dbPath(std::move(dbPath))
    {
    }
    ~GroupFlush()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Error flush(const CommitCounter &counter)
    {
        const quint64 target = counter.committed();
        std::unique_lock<std::mutex> lock(m_mutex);
        while (m_durable < target && !m_failed) {
            if (m_syncing) {
                m_done.wait(lock);
                continue;
            }
            m_syncing = true;
            const quint64 covering = counter.committed(); // all in the log: see CommitCounter
            lock.unlock();
            const int rc = syncLog();
            lock.lock();
            m_syncing = false;
            if (rc == 0) {
                m_durable = std::max(m_durable, covering);
                ++m_flushes;
            } else {
                m_failed = true;
                m_failure = QString::fromLocal8Bit(std::strerror(rc));
                qCCritical(lcRegisterSqlite).noquote()
                    << "the register could not be flushed to disk:" << m_failure
                    << "- answers wait for a restart of the RA";
            }
            m_done.notify_all();
        }
        if (m_failed)
            return Error(ErrorCode::Internal,
                         QStringLiteral("register: flushing to disk failed (%1)").arg(m_failure));
        return {};
    }
    SqlDatabase::FlushCounts counts(const CommitCounter &counter) const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return {counter.committed(), m_durable, m_flushes};
    }

private:
    // The log SQLite writes to (it keeps the file while the connection is open; should it be
    // replaced all the same, the new one is opened); without a log, the database itself.
    int syncLog()
    {
        const QByteArray wal = QFile::encodeName(m_walPath);
        struct stat onDisk
        {
        }, held{};
        if (m_fd >= 0 && (::stat(wal.constData(), &onDisk) != 0 || ::fstat(m_fd, &held) != 0 ||
                          onDisk.st_ino != held.st_ino || onDisk.st_dev != held.st_dev)) {
            ::close(m_fd);
            m_fd = -1;
        }
        if (m_fd < 0)
            m_fd = ::open(wal.constData(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            const int db = ::open(QFile::encodeName(m_dbPath).constData(), O_RDONLY | O_CLOEXEC);
            if (db < 0)
                return errno;
            const int rc = ::fdatasync(db) == 0 ? 0 : errno;
            ::close(db);
            return rc;
        }
        return ::fdatasync(m_fd) == 0 ? 0 : errno;
    }

    const QString m_walPath, m_dbPath;
    int m_fd = -1;
    mutable std::mutex m_mutex;
    std::condition_variable m_done;
    quint64 m_durable = 0;
    quint64 m_flushes = 0;
    bool m_syncing = false;
    bool m_failed = false;
    QString m_failure;
};

class SqliteCursor final : public SqlCursor
{
public:
    // A statement from the connection's cache (`inUse` is its flag, handed back at the end)
    // or one of its own.
    SqliteCursor(sqlite3 *db, CommitCounter *commits, sqlite3_stmt *stmt, bool *inUse)
        : m_db(db), m_commits(commits), m_inUse(inUse)
    {
        m_stmt.reset(stmt);
        m_prepared = stmt ? SQLITE_OK : SQLITE_ERROR;
    }
    SqliteCursor(sqlite3 *db, CommitCounter *commits, const char *sql)
        : m_db(db), m_commits(commits)
    {
        sqlite3_stmt *raw = nullptr;
        m_prepared = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
        m_stmt.reset(raw);
    }
    ~SqliteCursor() override
    {
        if (m_inUse) {
            // Back to the cache, ready for the next one.
            sqlite3_reset(m_stmt.get());
            sqlite3_clear_bindings(m_stmt.get());
            *m_inUse = false;
            m_stmt.release();
        } else {
            m_stmt.reset();
        }
        // A statement outside a transaction that was not stepped to its end commits here.
        m_commits->settle(m_db);
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
        const int rc = sqlite3_step(m_stmt.get());
        m_commits->settle(m_db); // a statement outside a transaction commits by itself
        switch (rc) {
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
    CommitCounter *m_commits;
    bool *m_inUse = nullptr;
    std::unique_ptr<sqlite3_stmt, StatementFinalizer> m_stmt;
    int m_prepared;
    qint64 m_changes = 0;
};

class SqliteDatabase final : public SqlDatabase
{
public:
    SqliteDatabase(sqlite3 *db, const QString &path, Durability durability)
        : m_db(db), m_commits(db)
    {
        if (durability == Durability::AtFlush)
            m_flush = std::make_unique<GroupFlush>(path + QStringLiteral("-wal"), path);
    }
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
                return std::make_unique<SqliteCursor>(m_db.get(), &m_commits,
                                                      sql); // it reports the error
            }
            it = m_statements.emplace(sql, Cached{raw, false}).first;
        }
        if (it->second.inUse)
            return std::make_unique<SqliteCursor>(m_db.get(), &m_commits, sql);
        it->second.inUse = true;
        return std::make_unique<SqliteCursor>(m_db.get(), &m_commits, it->second.stmt,
                                              &it->second.inUse);
    }
    Error exec(const char *sql) override
    {
        // One statement (BEGIN, COMMIT, ROLLBACK: three of every write) from the cache;
        // several, separated by semicolons (the schema's steps), compiled as they come.
        if (!std::strchr(sql, ';')) {
            std::unique_ptr<SqlCursor> statement = prepare(sql);
            SqlStep step;
            while ((step = statement->step()) == SqlStep::Row) {
            }
            if (step == SqlStep::Failed)
                return Error(ErrorCode::Internal,
                             QStringLiteral("register: %1").arg(statement->errorText()));
            return {};
        }
        char *message = nullptr;
        const int rc = sqlite3_exec(m_db.get(), sql, nullptr, nullptr, &message);
        m_commits.settle(m_db.get());
        if (rc != SQLITE_OK) {
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
    Error flush() override { return m_flush ? m_flush->flush(m_commits) : Error(); }
    FlushCounts flushCounts() const override
    {
        return m_flush ? m_flush->counts(m_commits) : FlushCounts{m_commits.committed(), 0, 0};
    }

private:
    struct Cached
    {
        sqlite3_stmt *stmt;
        bool inUse;
    };
    std::unique_ptr<sqlite3, SqliteCloser> m_db;
    CommitCounter m_commits;
    std::unique_ptr<GroupFlush> m_flush;                  // Durability::AtFlush
    std::unordered_map<std::string, Cached> m_statements; // finalized before m_db closes
};

} // namespace

Expected<std::unique_ptr<SqlDatabase>> openSqlite(const QString &path, bool readOnly,
                                                  Durability durability)
{
    if (readOnly && !QFile::exists(path))
        return Error(ErrorCode::Internal, QStringLiteral("no register at %1").arg(path));
    sqlite3 *raw = nullptr;
    // SQLITE_OPEN_NOFOLLOW: the register (and its -wal and -shm) is never reached through a
    // symbolic link.
    const int flags =
        SQLITE_OPEN_NOFOLLOW |
        (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc =
        sqlite3_open_v2(path.toUtf8().constData(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
    std::unique_ptr<SqlDatabase> db = std::make_unique<SqliteDatabase>(raw, path, durability);
    if (rc != SQLITE_OK)
        return Error(ErrorCode::Internal, QStringLiteral("register: cannot open %1: %2")
                                              .arg(path, QString::fromUtf8(sqlite3_errmsg(raw))));
    sqlite3_busy_timeout(raw, 5000); // a reader (an offline audit) may hold it for a moment
    if (!readOnly) {
        if (Error e = db->exec(durability == Durability::AtFlush
                                   ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                     "PRAGMA foreign_keys=ON;"
                                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                     "PRAGMA foreign_keys=ON;"))
            return e;
    }
    return db;
}

} // namespace kk::ra
