// The register on PostgreSQL: every RA node has its own connection to one server, and the
// server's constraints and row locks, not a lock in one process, keep the nodes consistent
// (sqldatabase.h; docs/architecture.md, "The bank at scale").
#include "sqldatabase.h"

#include <QHash>
#include <QLoggingCategory>
#include <QVector>

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

Q_LOGGING_CATEGORY(lcPostgres, "kk.ra.postgres", QtInfoMsg)

namespace kk::ra {

namespace {

struct ConnectionCloser
{
    void operator()(PGconn *c) const { PQfinish(c); }
};
struct ResultCloser
{
    void operator()(PGresult *r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultCloser>;

// `?` and `?N` become `$N`; quoted text is left alone. The count of parameters comes back.
QByteArray numberedParameters(const char *sql, int *count)
{
    QByteArray out;
    int next = 0, highest = 0;
    bool quoted = false;
    for (const char *p = sql; *p; ++p) {
        if (*p == '\'')
            quoted = !quoted;
        if (quoted || *p != '?') {
            out += *p;
            continue;
        }
        int n = 0;
        while (p[1] >= '0' && p[1] <= '9')
            n = n * 10 + (*++p - '0');
        if (n == 0)
            n = ++next;
        highest = std::max(highest, n);
        out += '$' + QByteArray::number(n);
    }
    *count = highest;
    return out;
}

QString resultError(const PGresult *result, PGconn *connection)
{
    QString text =
        QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(connection))
            .trimmed();
    if (text.isEmpty())
        text = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
    return text;
}

// A statement with its parameters, as libpq sends it.
struct Statement
{
    QByteArray sql;
    QVector<std::optional<QByteArray>> values; // unset: NULL
    QVector<int> binary;
};

// Parameters in libpq's form (pointers into the statement, which outlives the call).
struct Parameters
{
    explicit Parameters(const Statement &statement)
        : values(statement.values.size()), lengths(statement.values.size())
    {
        for (int i = 0; i < statement.values.size(); ++i) {
            // An unbound parameter is NULL; a bound empty value is '' (not NULL).
            const std::optional<QByteArray> &value = statement.values[i];
            values[i] = value ? (value->isNull() ? "" : value->constData()) : nullptr;
            lengths[i] = value ? int(value->size()) : 0;
        }
    }
    QVector<const char *> values;
    QVector<int> lengths;
};

// Sends statements on one connection: those deferred (Query::defer, BEGIN) go with the next
// one that is run, in one pipeline and one round trip (libpq's pipeline mode). Each text of a
// query is prepared on the connection the first time it is sent (in a pipeline with it: the
// same round trip) and only executed after that: the server parses and plans it once per
// connection, not for every use (docs/architecture.md, "The bank at scale").
class Pipeline
{
public:
    explicit Pipeline(PGconn *connection) : m_connection(connection) {}
    void defer(Statement statement) { m_deferred.push_back(std::move(statement)); }
    // A new connection (after a reset) has none of the statements prepared on the old one.
    void forgetPrepared() { m_prepared.clear(); }
    // Runs `last` after whatever was deferred: its result, or the first failure before it
    // (the server skips the rest of a pipeline after a failure). Without `last`, only the
    // deferred statements (null when all went well).
    ResultPtr run(const Statement *last)
    {
        // A statement alone that needs no preparing now goes without a pipeline.
        if (m_deferred.empty() && (!last || !needsPreparing(*last)))
            return last ? execute(*last) : ResultPtr();
        std::vector<Statement> batch;
        batch.swap(m_deferred); // sent once, whatever happens
        if (last)
            batch.push_back(*last);
        if (!PQenterPipelineMode(m_connection))
            return ResultPtr(PQmakeEmptyPGresult(m_connection, PGRES_FATAL_ERROR));
        bool sent = true;
        // The texts this pipeline prepares (a name each), and for each statement whether its
        // preparation goes just before it.
        QHash<QByteArray, QByteArray> preparing;
        std::vector<char> preparedFirst(batch.size(), 0);
        for (std::size_t i = 0; i < batch.size(); ++i)
            sent = sent && queue(batch[i], preparing, &preparedFirst[i]);
        // The sync even after a failed send: whatever went out is answered up to it.
        sent = PQpipelineSync(m_connection) == 1 && sent;
        ResultPtr failure, result;
        for (std::size_t i = 0; sent && i < batch.size(); ++i) {
            if (preparedFirst[i]) {
                // Prepared only if the server did: after a failure it skips the rest of a
                // pipeline, preparations too, and the text is prepared when it comes again.
                ResultPtr preparation = nextResult();
                if (preparation && PQresultStatus(preparation.get()) == PGRES_COMMAND_OK)
                    m_prepared.insert(batch[i].sql, preparing.value(batch[i].sql));
                else if (!failure)
                    failure = orFailure(std::move(preparation));
            }
            ResultPtr one = nextResult();
            const ExecStatusType status = one ? PQresultStatus(one.get()) : PGRES_FATAL_ERROR;
            if (!failure && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
                failure = orFailure(std::move(one));
            else if (last && i + 1 == batch.size())
                result = std::move(one);
        }
        drainToSync();
        PQexitPipelineMode(m_connection);
        if (!sent)
            return ResultPtr(PQmakeEmptyPGresult(m_connection, PGRES_FATAL_ERROR));
        return failure ? std::move(failure) : std::move(result);
    }

private:
    // What is left of a pipeline, up to its sync's own result. A null ends one statement's
    // results; two in a row, nothing more is coming (a broken connection answers with nulls).
    void drainToSync()
    {
        for (int nulls = 0; nulls < 2;) {
            ResultPtr rest(PQgetResult(m_connection));
            if (!rest) {
                ++nulls;
                continue;
            }
            nulls = 0;
            if (PQresultStatus(rest.get()) == PGRES_PIPELINE_SYNC)
                return;
        }
    }
    // A pipelined statement's result, read to its end (the null after it).
    ResultPtr nextResult()
    {
        ResultPtr one(PQgetResult(m_connection));
        while (PGresult *end = PQgetResult(m_connection))
            PQclear(end);
        return one;
    }
    ResultPtr orFailure(ResultPtr result)
    {
        return result ? std::move(result)
                      : ResultPtr(PQmakeEmptyPGresult(m_connection, PGRES_FATAL_ERROR));
    }
    // Queries are prepared; transaction control (BEGIN, COMMIT, ROLLBACK), session settings
    // and schema changes are sent as they are.
    static bool preparable(const QByteArray &sql)
    {
        return sql.startsWith("SELECT") || sql.startsWith("INSERT") || sql.startsWith("UPDATE") ||
               sql.startsWith("DELETE");
    }
    QByteArray newName() { return "kk" + QByteArray::number(++m_names); }
    bool needsPreparing(const Statement &statement) const
    {
        return preparable(statement.sql) && !m_prepared.contains(statement.sql);
    }
    ResultPtr execute(const Statement &statement)
    {
        const Parameters p(statement);
        const QByteArray name = m_prepared.value(statement.sql);
        if (!name.isEmpty())
            return ResultPtr(PQexecPrepared(m_connection, name.constData(), int(p.values.size()),
                                            p.values.constData(), p.lengths.constData(),
                                            statement.binary.constData(), 0));
        return ResultPtr(PQexecParams(m_connection, statement.sql.constData(), int(p.values.size()),
                                      nullptr, p.values.constData(), p.lengths.constData(),
                                      statement.binary.constData(), 0));
    }
    bool queue(const Statement &statement, QHash<QByteArray, QByteArray> &preparing,
               char *preparedFirst)
    {
        const Parameters p(statement);
        if (!preparable(statement.sql))
            return PQsendQueryParams(m_connection, statement.sql.constData(), int(p.values.size()),
                                     nullptr, p.values.constData(), p.lengths.constData(),
                                     statement.binary.constData(), 0) == 1;
        QByteArray name = m_prepared.value(statement.sql, preparing.value(statement.sql));
        if (name.isEmpty()) {
            name = newName();
            if (PQsendPrepare(m_connection, name.constData(), statement.sql.constData(),
                              int(p.values.size()), nullptr) != 1)
                return false;
            preparing.insert(statement.sql, name);
            *preparedFirst = 1;
        }
        return PQsendQueryPrepared(m_connection, name.constData(), int(p.values.size()),
                                   p.values.constData(), p.lengths.constData(),
                                   statement.binary.constData(), 0) == 1;
    }
    PGconn *m_connection;
    std::vector<Statement> m_deferred;
    QHash<QByteArray, QByteArray> m_prepared; // text -> name, on this connection
    int m_names = 0;
};

class PostgresCursor final : public SqlCursor
{
public:
    PostgresCursor(PGconn *connection, Pipeline *pipeline, const char *sql)
        : m_connection(connection), m_pipeline(pipeline)
    {
        int count = 0;
        m_statement.sql = numberedParameters(sql, &count);
        m_statement.values.resize(count);
        m_statement.binary.fill(0, count);
    }
    void bindInt(int i, qint64 v) override { set(i, QByteArray::number(v), false); }
    void bindText(int i, const QByteArray &utf8) override { set(i, utf8, false); }
    void bindBlob(int i, const QByteArray &v) override { set(i, v, true); }

    SqlStep defer() override
    {
        m_pipeline->defer(m_statement);
        return SqlStep::Done;
    }
    SqlStep step() override
    {
        if (!m_result) {
            m_result = m_pipeline->run(&m_statement);
            const ExecStatusType status =
                m_result ? PQresultStatus(m_result.get()) : PGRES_FATAL_ERROR;
            if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
                m_rows = PQntuples(m_result.get());
                m_changes = std::strtoll(PQcmdTuples(m_result.get()), nullptr, 10);
            } else {
                m_failed = true;
            }
            m_row = -1;
        }
        if (m_failed)
            return SqlStep::Failed;
        return ++m_row < m_rows ? SqlStep::Row : SqlStep::Done;
    }
    qint64 int64(int c) const override
    {
        return std::strtoll(PQgetvalue(m_result.get(), m_row, c), nullptr, 10);
    }
    QByteArray text(int c) const override
    {
        return QByteArray(PQgetvalue(m_result.get(), m_row, c),
                          PQgetlength(m_result.get(), m_row, c));
    }
    QByteArray blob(int c) const override
    {
        // bytea in text form: \x and hex digits.
        if (PQgetisnull(m_result.get(), m_row, c))
            return {};
        const char *value = PQgetvalue(m_result.get(), m_row, c);
        const int length = PQgetlength(m_result.get(), m_row, c);
        if (length >= 2 && value[0] == '\\' && value[1] == 'x')
            return QByteArray::fromHex(QByteArray::fromRawData(value + 2, length - 2));
        return QByteArray(value, length);
    }
    qint64 changes() const override { return m_changes; }
    QString errorText() const override { return resultError(m_result.get(), m_connection); }

private:
    void set(int i, const QByteArray &value, bool binary)
    {
        if (i < 1 || i > m_statement.values.size())
            return;
        m_statement.values[i - 1] = value;
        m_statement.binary[i - 1] = binary ? 1 : 0;
    }
    PGconn *m_connection;
    Pipeline *m_pipeline;
    Statement m_statement;
    ResultPtr m_result;
    bool m_failed = false;
    int m_rows = 0, m_row = -1;
    qint64 m_changes = 0;
};

class PostgresDatabase final : public SqlDatabase
{
public:
    PostgresDatabase(PGconn *connection, bool readOnly)
        : m_connection(connection), m_pipeline(connection), m_readOnly(readOnly)
    {
        PQsetNoticeProcessor(connection, &PostgresDatabase::notice, nullptr);
    }
    Engine engine() const override { return Engine::Postgres; }
    std::unique_ptr<SqlCursor> prepare(const char *sql) override
    {
        reconnectIfIdleAndLost();
        return std::make_unique<PostgresCursor>(m_connection.get(), &m_pipeline, sql);
    }
    Error exec(const char *sql) override
    {
        reconnectIfIdleAndLost();
        const bool ends = std::strcmp(sql, "COMMIT") == 0 || std::strcmp(sql, "ROLLBACK") == 0;
        ResultPtr result;
        if (std::strchr(sql, ';')) {
            // Several statements in one text go by the simple protocol, after what was deferred.
            result = m_pipeline.run(nullptr);
            if (!result)
                result.reset(PQexec(m_connection.get(), sql));
        } else {
            const Statement statement{sql, {}, {}};
            result = m_pipeline.run(&statement);
        }
        if (ends)
            m_inTransaction = false;
        else if (std::strncmp(sql, "BEGIN", 5) == 0) // a migration's own transaction
            m_inTransaction = true;
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return Error(
                ErrorCode::Internal,
                QStringLiteral("register: %1").arg(resultError(result.get(), m_connection.get())));
        return {};
    }
    Error begin() override
    {
        reconnectIfIdleAndLost();
        m_pipeline.defer(Statement{"BEGIN", {}, {}});
        m_inTransaction = true;
        return {};
    }
    const char *forUpdate() const override { return " FOR UPDATE"; }

    Error configure()
    {
        // Times are stored as epoch seconds; the session's own settings never matter. Read
        // committed: each statement sees what other nodes committed before it, and a row
        // another node holds is waited for and read again.
        return exec(m_readOnly ? "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY, "
                                 "ISOLATION LEVEL READ COMMITTED"
                               : "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL "
                                 "READ COMMITTED");
    }

private:
    static void notice(void *, const char *message)
    {
        qCDebug(lcPostgres) << "server notice:" << QByteArray(message).trimmed();
    }
    // A server restart or a fail-over to the replica breaks the connection: outside a
    // transaction it is opened again. Inside one (from begin() to COMMIT or ROLLBACK, as the
    // Store sees it, whatever libpq says of a broken connection) it never is: the rest of the
    // transaction would run on the new connection outside any transaction, and be committed
    // without its beginning. Its statements fail instead; the Store rolls back, the request
    // fails and the kiosk sends it again.
    void reconnectIfIdleAndLost()
    {
        if (m_inTransaction || PQstatus(m_connection.get()) == CONNECTION_OK)
            return;
        qCWarning(lcPostgres) << "connection to the register lost; connecting again";
        PQreset(m_connection.get());
        m_pipeline.forgetPrepared();
        if (PQstatus(m_connection.get()) == CONNECTION_OK)
            configure();
    }
    std::unique_ptr<PGconn, ConnectionCloser> m_connection;
    Pipeline m_pipeline;
    bool m_readOnly;
    bool m_inTransaction = false;
};

} // namespace

Expected<std::unique_ptr<SqlDatabase>> openPostgres(const QString &conninfo, bool readOnly)
{
    PGconn *raw = PQconnectdb(conninfo.toUtf8().constData());
    if (!raw)
        return Error(ErrorCode::Internal, QStringLiteral("register: out of memory"));
    if (PQstatus(raw) != CONNECTION_OK) {
        const QString why = QString::fromUtf8(PQerrorMessage(raw)).trimmed();
        PQfinish(raw);
        // The connection string may hold a password: it is never repeated here.
        return Error(ErrorCode::Internal,
                     QStringLiteral("register: cannot connect to PostgreSQL: %1").arg(why));
    }
    auto db = std::make_unique<PostgresDatabase>(raw, readOnly);
    if (Error e = db->configure())
        return e;
    return std::unique_ptr<SqlDatabase>(std::move(db));
}

} // namespace kk::ra
