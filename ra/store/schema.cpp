#include "store.h"

// The register's schema: its version and the steps that bring an older one up to it
// (docs/architecture.md, "The bank's rooms": store/).

namespace kk::ra {

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

namespace {

// SQLite's steps, by the version they bring the register to; each runs in a write of its own
// with the version it reaches. Schema 6 chains the audit log (chainAuditLog, auditlog.cpp).
struct SqliteStep
{
    int version;
    const char *sql; // nullptr: done in code
};
const SqliteStep kSqliteSteps[] = {
    {1, "CREATE TABLE requests ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT NOT NULL UNIQUE,"
        " created INTEGER NOT NULL, updated INTEGER NOT NULL, kind TEXT NOT NULL,"
        " uid TEXT NOT NULL, abonent TEXT NOT NULL, old_cert_serial TEXT NOT NULL,"
        " new_key_hash BLOB NOT NULL UNIQUE, new_key_spki BLOB NOT NULL,"
        " subject BLOB NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
        " approve_after INTEGER NOT NULL DEFAULT 0,"
        " cert BLOB, cert_serial TEXT NOT NULL DEFAULT '');"
        "CREATE INDEX requests_status ON requests(status);"
        "CREATE TABLE revocations (serial TEXT PRIMARY KEY, revoked INTEGER NOT NULL,"
        " reason TEXT NOT NULL);"},
    // Roles, the register of abonents and certificates, dual control and the audit log.
    {2, "ALTER TABLE requests ADD COLUMN case_kind TEXT NOT NULL DEFAULT 'renewal';"
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
        " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"},
    // Signers' sittings: the requests of one organization's signers at one kiosk visit.
    {3, "ALTER TABLE requests ADD COLUMN sitting TEXT NOT NULL DEFAULT '';"
        "CREATE INDEX requests_sitting ON requests(sitting);"},
    // Request numbers from their own counter, taken only when a request is really added:
    // a key sent again does not use one up (the row id does: SQLite allocates it first).
    {4, "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT INTO counters (name, value) SELECT 'request',"
        " coalesce(max(CAST(substr(number, 3) AS INTEGER)), 0) FROM requests;"},
    // CMP transactions outlive the process that opened them: a pollReq or certConf that
    // reaches a restarted RA (or another node) is answered from here.
    {5, "CREATE TABLE transactions (id BLOB PRIMARY KEY,"
        " request_id INTEGER NOT NULL REFERENCES requests(id),"
        " sender BLOB NOT NULL, request BLOB NOT NULL,"
        " updated INTEGER NOT NULL);"
        "CREATE INDEX transactions_updated ON transactions(updated);"},
    // The audit log becomes a hash chain.
    {6, nullptr},
};

} // namespace

Error Store::migrateSqlite(int current)
{
    if (current > kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("database schema %1 is newer than this RA (%2)")
                         .arg(current)
                         .arg(kSchemaVersion));
    for (const SqliteStep &step : kSqliteSteps) {
        if (step.version <= current)
            continue;
        SqlWrite write(*m_db);
        if (Error e = write.begin())
            return e;
        if (Error e = step.sql ? exec(step.sql) : chainAuditLog())
            return e;
        const QByteArray version = "PRAGMA user_version = " + QByteArray::number(step.version);
        if (Error e = exec(version.constData()))
            return e;
        if (Error e = write.commit())
            return e;
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
    // write); every step and the version move together or not at all.
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    if (Error e = exec("SELECT pg_advisory_xact_lock(7236519);"
                       "CREATE TABLE IF NOT EXISTS schema_version (one INTEGER PRIMARY KEY"
                       " CHECK (one = 1), version INTEGER NOT NULL)"))
        return e;
    auto version = schemaVersion();
    if (!version)
        return version.error();
    const int current = version.value();
    if (current > kSchemaVersion)
        return Error(ErrorCode::Internal,
                     QStringLiteral("database schema %1 is newer than this RA (%2)")
                         .arg(current)
                         .arg(kSchemaVersion));
    for (const PostgresStep &step : kPostgresSteps) {
        if (step.version <= current)
            continue;
        if (Error e = exec(step.sql))
            return e;
        Query set(*m_db, "INSERT INTO schema_version (one, version) VALUES (1, ?) "
                         "ON CONFLICT (one) DO UPDATE SET version = excluded.version");
        set.bind(1, qint64(step.version));
        if (set.step() != SqlStep::Done)
            return set.error("schema version");
    }
    if (Error e = write.commit())
        return e;
    return current;
}

} // namespace kk::ra
