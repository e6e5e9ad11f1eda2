// The register on PostgreSQL: every RA node has its own connection to one server, and the
// server's constraints and row locks, not a lock in one process, keep the nodes consistent
// (sqldatabase.h; docs/architecture.md, "The bank at scale").
#include "sqldatabase.h"

#include <QLoggingCategory>
#include <QVector>

#include <libpq-fe.h>

#include <cstdlib>
#include <optional>

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

class PostgresCursor final : public SqlCursor
{
public:
    PostgresCursor(PGconn *connection, const char *sql) : m_connection(connection)
    {
        int count = 0;
        m_sql = numberedParameters(sql, &count);
        m_values.resize(count);
        m_binary.fill(0, count);
    }
    void bindInt(int i, qint64 v) override { set(i, QByteArray::number(v), false); }
    void bindText(int i, const QByteArray &utf8) override { set(i, utf8, false); }
    void bindBlob(int i, const QByteArray &v) override { set(i, v, true); }

    SqlStep step() override
    {
        if (!m_result) {
            QVector<const char *> values(m_values.size());
            QVector<int> lengths(m_values.size());
            for (int i = 0; i < m_values.size(); ++i) {
                // An unbound parameter is NULL; a bound empty value is '' (not NULL).
                values[i] =
                    m_values[i] ? (m_values[i]->isNull() ? "" : m_values[i]->constData()) : nullptr;
                lengths[i] = m_values[i] ? int(m_values[i]->size()) : 0;
            }
            m_result.reset(PQexecParams(m_connection, m_sql.constData(), int(m_values.size()),
                                        nullptr, values.constData(), lengths.constData(),
                                        m_binary.constData(), 0));
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
        if (i < 1 || i > m_values.size())
            return;
        m_values[i - 1] = value;
        m_binary[i - 1] = binary ? 1 : 0;
    }
    PGconn *m_connection;
    QByteArray m_sql;
    QVector<std::optional<QByteArray>> m_values;
    QVector<int> m_binary;
    ResultPtr m_result;
    bool m_failed = false;
    int m_rows = 0, m_row = -1;
    qint64 m_changes = 0;
};

class PostgresDatabase final : public SqlDatabase
{
public:
    PostgresDatabase(PGconn *connection, bool readOnly)
        : m_connection(connection), m_readOnly(readOnly)
    {
        PQsetNoticeProcessor(connection, &PostgresDatabase::notice, nullptr);
    }
    Engine engine() const override { return Engine::Postgres; }
    std::unique_ptr<SqlCursor> prepare(const char *sql) override
    {
        reconnectIfIdleAndLost();
        return std::make_unique<PostgresCursor>(m_connection.get(), sql);
    }
    Error exec(const char *sql) override
    {
        reconnectIfIdleAndLost();
        ResultPtr result(PQexec(m_connection.get(), sql));
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return Error(
                ErrorCode::Internal,
                QStringLiteral("register: %1").arg(resultError(result.get(), m_connection.get())));
        return {};
    }
    Error begin() override { return exec("BEGIN"); }
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
    // transaction it is opened again (inside one, the transaction is lost anyway and the
    // request fails and is sent again by the kiosk).
    void reconnectIfIdleAndLost()
    {
        if (PQstatus(m_connection.get()) == CONNECTION_OK ||
            PQtransactionStatus(m_connection.get()) == PQTRANS_INTRANS)
            return;
        qCWarning(lcPostgres) << "connection to the register lost; connecting again";
        PQreset(m_connection.get());
        if (PQstatus(m_connection.get()) == CONNECTION_OK)
            configure();
    }
    std::unique_ptr<PGconn, ConnectionCloser> m_connection;
    bool m_readOnly;
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
