#pragma once
// The register's SQL connection, for two engines: SQLite (one node, the demo) and PostgreSQL
// (several RA nodes on one database server; docs/architecture.md, "The bank at scale").
// The Store writes its SQL once, with `?` or `?N` parameters; the PostgreSQL connection
// rewrites them to `$N`. What differs beyond that (the DDL, how a transaction takes its write
// lock, how a row is locked) is asked of the connection, never guessed from its name.

#include "keykiosk/expected.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace kk::ra {

enum class SqlStep
{
    Row,
    Done,
    Failed,
};

// One statement's execution: parameters bound, then stepped row by row.
class SqlCursor
{
public:
    virtual ~SqlCursor() = default;
    virtual void bindInt(int index, qint64 value) = 0;
    virtual void bindText(int index, const QByteArray &utf8) = 0;
    virtual void bindBlob(int index, const QByteArray &bytes) = 0;
    virtual SqlStep step() = 0;
    // A write whose result is not needed (no rows, no count): run now, or (PostgreSQL) sent
    // with the connection's next statement in one round trip (a pipeline). Done, or Failed if
    // known at once; a failure found later fails that next statement, and so its transaction.
    virtual SqlStep defer()
    {
        SqlStep result;
        while ((result = step()) == SqlStep::Row) {
        }
        return result;
    }
    // Columns of the current row; a NULL reads as 0 or empty.
    virtual qint64 int64(int column) const = 0;
    virtual QByteArray text(int column) const = 0; // UTF-8
    virtual QByteArray blob(int column) const = 0;
    virtual qint64 changes() const = 0; // rows the statement inserted, updated or deleted
    virtual QString errorText() const = 0;
};

class SqlDatabase
{
public:
    enum class Engine
    {
        Sqlite,
        Postgres,
    };
    virtual ~SqlDatabase() = default;
    virtual Engine engine() const = 0;
    virtual std::unique_ptr<SqlCursor> prepare(const char *sql) = 0;
    // Statements without parameters, several separated by semicolons (DDL, COMMIT).
    virtual Error exec(const char *sql) = 0;
    // A write transaction: SQLite takes the database's write lock at once (BEGIN IMMEDIATE),
    // PostgreSQL locks rows as the statements reach them (and sends BEGIN with the first of
    // them: its failure fails that statement).
    virtual Error begin() = 0;
    // Appended to a SELECT that must lock the rows it reads until the transaction ends
    // (PostgreSQL's FOR UPDATE; SQLite's write lock already covers them).
    virtual const char *forUpdate() const = 0;

    // Makes every transaction committed so far on this connection durable, before an answer
    // that depends on them leaves the process. Threads that flush at the same time share one
    // flush (group commit). A no-op where each COMMIT is durable by itself (PostgreSQL, whose
    // server flushes; SQLite opened with Durability::AtCommit). Once a flush has failed, every
    // later one fails too: what the disk dropped cannot be told (restart the RA).
    virtual Error flush() { return {}; }
    struct FlushCounts
    {
        quint64 commits = 0; // transactions committed
        quint64 durable = 0; // of them, made durable by a flush
        quint64 flushes = 0; // fdatasync calls that did it
    };
    virtual FlushCounts flushCounts() const { return {}; }
};

// When a SQLite COMMIT reaches the disk: at the COMMIT itself (synchronous FULL: each
// transaction waits for its own fdatasync), or at the next flush() (synchronous NORMAL, and
// flush() syncs the write-ahead log once for every thread waiting on it). A process that is
// killed loses neither: only an operating-system crash or a power cut can lose what was
// committed and not yet flushed, and no answer built on it has left the process.
enum class Durability
{
    AtCommit,
    AtFlush,
};

// SQLite on a file: WAL, foreign keys on. `readOnly` never writes.
Expected<std::unique_ptr<SqlDatabase>> openSqlite(const QString &path, bool readOnly,
                                                  Durability durability = Durability::AtCommit);

// A PostgreSQL server, by libpq connection string ("host=/run/postgresql dbname=keykiosk"
// or a postgresql:// URI). A lost connection is opened again before the next transaction.
Expected<std::unique_ptr<SqlDatabase>> openPostgres(const QString &conninfo, bool readOnly);

// A statement on a connection (the Store's one way to run SQL).
class Query
{
public:
    Query(SqlDatabase &db, const char *sql) : m_cursor(db.prepare(sql)) {}
    Query &bind(int i, qint64 v)
    {
        m_cursor->bindInt(i, v);
        return *this;
    }
    Query &bind(int i, const QString &v)
    {
        m_cursor->bindText(i, v.toUtf8());
        return *this;
    }
    Query &bind(int i, const QByteArray &v)
    {
        m_cursor->bindBlob(i, v);
        return *this;
    }
    SqlStep step() { return m_cursor->step(); }
    SqlStep defer() { return m_cursor->defer(); }
    qint64 int64(int c) const { return m_cursor->int64(c); }
    QString text(int c) const { return QString::fromUtf8(m_cursor->text(c)); }
    QByteArray blob(int c) const { return m_cursor->blob(c); }
    qint64 changes() const { return m_cursor->changes(); }
    // A full disk, a lost server or a refused constraint: the caller rolls back and answers
    // with an error; nothing half-written stays behind (every change is one transaction).
    Error error(const char *what) const
    {
        return Error(
            ErrorCode::Internal,
            QStringLiteral("register %1: %2").arg(QLatin1String(what), m_cursor->errorText()));
    }

private:
    std::unique_ptr<SqlCursor> m_cursor;
};

// One write to the register that lands whole or not at all: an SQL transaction, called a
// write here because "transaction" in the bank's code is a CMP one. begin() opens it; commit()
// makes it one; any other way out of the scope (an error returned early) rolls it back.
class SqlWrite
{
public:
    explicit SqlWrite(SqlDatabase &db) : m_db(db) {}
    ~SqlWrite() { rollback(); }
    SqlWrite(const SqlWrite &) = delete;
    SqlWrite &operator=(const SqlWrite &) = delete;

    // Busy, a full disk or a lost server: nothing is open, nothing was written.
    Error begin()
    {
        Error e = m_db.begin();
        m_open = !e;
        return e;
    }
    Error commit()
    {
        Error e = m_db.exec("COMMIT");
        if (!e)
            m_open = false;
        return e;
    }
    // Undoes it now (the scope's end does too); what a rollback itself reports.
    Error rollback()
    {
        if (!m_open)
            return {};
        m_open = false;
        return m_db.exec("ROLLBACK");
    }

private:
    SqlDatabase &m_db;
    bool m_open = false;
};

} // namespace kk::ra
