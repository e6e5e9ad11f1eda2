#include "store.h"

// The audit log: append-only and hash-chained (store.h).

#include "storerows.h"

#include <QCryptographicHash>

namespace kk::ra {

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

Error Store::chainAuditLog()
{
    // The entries so far are chained in id order; the triggers step aside for it, inside the
    // same write.
    if (Error e = exec("DROP TRIGGER audit_no_update;"
                       "ALTER TABLE audit ADD COLUMN hash BLOB NOT NULL DEFAULT x'';"
                       "CREATE TABLE audit_head (one INTEGER PRIMARY KEY CHECK (one = 1),"
                       " hash BLOB NOT NULL, entries INTEGER NOT NULL);"))
        return e;
    QByteArray previous = kAuditGenesis;
    qint64 last = 0;
    {
        Query entries(*m_db,
                      "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
        QVector<std::pair<qint64, QByteArray>> links;
        while (entries.step() == SqlStep::Row) {
            previous = auditLink(previous, entries.int64(0), entries.int64(1), entries.text(2),
                                 entries.text(3), entries.text(4), entries.text(5));
            links.append({entries.int64(0), previous});
            last = entries.int64(0);
        }
        for (const auto &[id, link] : links) {
            Query set(*m_db, "UPDATE audit SET hash = ? WHERE id = ?");
            set.bind(1, link).bind(2, id);
            if (set.step() != SqlStep::Done)
                return set.error("chain the audit log");
        }
    }
    if (last > 0) {
        Query head(*m_db, "INSERT INTO audit_head (one, hash, entries) VALUES (1, ?, ?)");
        head.bind(1, previous).bind(2, last);
        if (head.step() != SqlStep::Done)
            return head.error("audit head");
    }
    return exec("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
                "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head"
                " BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
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
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    if (Error e = auditLocked(actor, action, request, detail))
        return e;
    return write.commit();
}

Expected<QVector<AuditRecord>> Store::auditLog()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT id, at, actor, action, request, detail FROM audit ORDER BY id");
    return rows::readAll<AuditRecord>(
        q,
        [](const Query &row) {
            return AuditRecord{row.int64(0), rows::fromEpoch(row.int64(1)),
                               row.text(2),  row.text(3),
                               row.text(4),  row.text(5)};
        },
        "audit log");
}

} // namespace kk::ra
