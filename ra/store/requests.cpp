#include "store.h"

// Requests: how they are added (one per new key), read, and moved along their lifecycle
// (requestlifecycle.h); and the CMP transactions that continue them.

#include "storerows.h"

namespace kk::ra {

using rows::fromEpoch;
using rows::toEpoch;

Error Store::rememberTransaction(const TransactionRecord &transaction)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "INSERT INTO transactions (id, request_id, sender, request, updated) "
                   "VALUES (?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                   "request_id = excluded.request_id, sender = excluded.sender, "
                   "request = excluded.request, updated = excluded.updated");
    q.bind(1, transaction.id)
        .bind(2, transaction.requestId)
        .bind(3, transaction.senderDer)
        .bind(4, transaction.requestDer)
        .bind(5, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("remember transaction");
    return {};
}

Expected<std::optional<TransactionRecord>> Store::findTransaction(const QByteArray &id)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT request_id, sender, request FROM transactions WHERE id = ?");
    q.bind(1, id);
    return rows::readOne<TransactionRecord>(
        q,
        [&id](const Query &row) {
            return TransactionRecord{id, row.int64(0), row.blob(1), row.blob(2)};
        },
        "find transaction");
}

Error Store::forgetTransactionsBefore(const QDateTime &before)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "DELETE FROM transactions WHERE updated < ?");
    q.bind(1, before.toSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("forget transactions");
    return {};
}

Error Store::loadApprovals(RequestRecord &record)
{
    // Only a request that needed approvals has any (approve() records that it needed one): the
    // renewals approved at once read nothing more.
    if (record.approvalsNeeded <= 0)
        return {};
    Query q(*m_db, "SELECT operator FROM approvals WHERE request_id = ? ORDER BY at");
    q.bind(1, record.id);
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        record.approvals << q.text(0);
    return rc == SqlStep::Done ? Error() : q.error("approvals");
}

namespace {

// What the audit log says of a new request.
QString creationDetail(const RequestRecord &request)
{
    QString detail = QStringLiteral("%1 for %2").arg(request.kind, request.abonent);
    if (request.kind == QLatin1String("ir"))
        detail += QStringLiteral(" (%1; application %2; checklist %3)")
                      .arg(request.caseKind, request.application, request.checklist);
    if (!request.sitting.isEmpty())
        detail += QStringLiteral("; sitting %1").arg(request.sitting);
    return detail;
}

// The row just written, as a record: no need to read it back.
RequestRecord createdRecord(const RequestRecord &request, qint64 id, const QString &number,
                            qint64 now)
{
    RequestRecord record = request;
    record.id = id;
    record.number = number;
    record.created = record.updated = fromEpoch(now);
    if (record.caseKind.isEmpty())
        record.caseKind = QStringLiteral("renewal");
    record.reason.clear();
    record.certDer.clear();
    record.certSerial.clear();
    record.approvals.clear();
    record.approveAfter = fromEpoch(toEpoch(request.approveAfter));
    return record;
}

// Takes the next request number, inside the caller's write: its row stays locked to the end
// of the write, so the numbers of all nodes are one series; a write rolled back gives it back
// (no gaps).
Expected<QString> takeRequestNumber(SqlDatabase &db)
{
    Query counter(db,
                  "UPDATE counters SET value = value + 1 WHERE name = 'request' RETURNING value");
    if (counter.step() != SqlStep::Row)
        return counter.error("number request");
    const QString number = QStringLiteral("R-%1").arg(counter.int64(0), 6, 10, QLatin1Char('0'));
    if (counter.step() != SqlStep::Done)
        return counter.error("number request");
    return number;
}

// Inserts the request unless one for its key exists: its new id, or 0 for a known key. The
// idempotency rule is the database's: one request per new key (a unique index), also when two
// nodes get the same key at the same moment (the second waits for the first's write and then
// inserts nothing).
Expected<qint64> insertRequest(SqlDatabase &db, const RequestRecord &request, const QString &number,
                               qint64 now)
{
    Query insert(db, "INSERT INTO requests (number, created, updated, kind, uid, abonent, "
                     "old_cert_serial, new_key_hash, new_key_spki, subject, status, "
                     "approve_after, case_kind, staff, application, checklist, "
                     "approvals_needed, sitting) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (new_key_hash) DO NOTHING RETURNING id");
    insert.bind(1, number).bind(2, now).bind(3, now).bind(4, request.kind).bind(5, request.uid);
    insert.bind(6, request.abonent).bind(7, request.oldCertSerial);
    insert.bind(8, request.newKeyHash).bind(9, request.newKeySpki);
    insert.bind(10, request.subjectDer).bind(11, statusName(request.status));
    insert.bind(12, toEpoch(request.approveAfter));
    insert.bind(13, request.caseKind.isEmpty() ? QStringLiteral("renewal") : request.caseKind);
    insert.bind(14, request.staff).bind(15, request.application);
    insert.bind(16, request.checklist).bind(17, qint64(request.approvalsNeeded));
    insert.bind(18, request.sitting);
    const SqlStep inserted = insert.step();
    if (inserted == SqlStep::Failed)
        return insert.error("insert request");
    if (inserted != SqlStep::Row)
        return qint64(0);
    const qint64 id = insert.int64(0);
    if (insert.step() != SqlStep::Done) // SQLite commits only finished statements
        return insert.error("insert request");
    return id;
}

} // namespace

Expected<RequestRecord> Store::createOrGet(const RequestRecord &request, const QString &actor,
                                           const TransactionRecord *transaction, bool *remembered)
{
    if (remembered)
        *remembered = false;
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e; // busy, a full disk or a lost server: nothing was written
    // The number first; if the key turns out to be known, the rollback gives it back.
    auto number = takeRequestNumber(*m_db);
    if (!number)
        return number.error();
    auto id = insertRequest(*m_db, request, number.value(), now);
    if (!id)
        return id.error();
    if (id.value() == 0) { // a key sent again: the request it made
        if (Error e = write.rollback())
            return e;
        auto known = findByKeyHash(request.newKeyHash);
        if (!known)
            return known.error();
        if (!known.value())
            return Error(ErrorCode::Internal, QStringLiteral("register read request: not found"));
        return *known.value();
    }
    if (transaction) {
        TransactionRecord withRequest = *transaction;
        withRequest.requestId = id.value();
        if (Error e = rememberTransaction(withRequest))
            return e;
    }
    if (Error e =
            auditLocked(actor, QStringLiteral("created"), number.value(), creationDetail(request)))
        return e;
    if (Error e = write.commit())
        return e;
    if (remembered && transaction)
        *remembered = true;
    return createdRecord(request, id.value(), number.value(), now);
}

template <typename Key>
Expected<std::optional<RequestRecord>> Store::findOne(const char *where, const Key &key)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(rows::kSelectRequest) + where).constData());
    q.bind(1, key);
    auto found = rows::readOne<RequestRecord>(q, rows::readRequest, "find request");
    if (found && found.value()) {
        if (Error e = loadApprovals(*found.value()))
            return e;
    }
    return found;
}

Expected<std::optional<RequestRecord>> Store::findByKeyHash(const QByteArray &hash)
{
    return findOne("WHERE new_key_hash = ?", hash);
}

Expected<std::optional<RequestRecord>> Store::findById(qint64 id)
{
    return findOne("WHERE id = ?", id);
}

Expected<QVector<RequestRecord>> Store::list(std::optional<RequestStatus> status,
                                             const QString &sitting)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    QByteArray where;
    if (status)
        where += "status = ?";
    if (!sitting.isEmpty())
        where += QByteArray(where.isEmpty() ? "" : " AND ") + "sitting = ?";
    Query q(*m_db, (QByteArray(rows::kSelectRequest) +
                    (where.isEmpty() ? QByteArray() : "WHERE " + where) + " ORDER BY id")
                       .constData());
    int next = 1;
    if (status)
        q.bind(next++, statusName(*status));
    if (!sitting.isEmpty())
        q.bind(next++, sitting);
    auto records = rows::readAll<RequestRecord>(q, rows::readRequest, "list requests");
    if (!records)
        return records;
    for (RequestRecord &record : records.value()) {
        if (Error e = loadApprovals(record))
            return e;
    }
    return records;
}

Error Store::moveRequest(const RequestRecord &request, RequestEvent event, qint64 now,
                         const char *alsoSet, const std::function<void(Query &)> &bind)
{
    if (Error e = checkTransition(request.number, request.status, event))
        return e;
    // The table's guard again in the UPDATE: the status read before the write may have moved
    // meanwhile (another node, on PostgreSQL).
    const QByteArray sql = "UPDATE requests SET status = '" +
                           statusName(statusAfter(event)).toLatin1() + "', updated = ?1" + alsoSet +
                           " WHERE id = ?2 AND " + statusGuardSql(event);
    Query q(*m_db, sql.constData());
    q.bind(1, now).bind(2, request.id);
    if (bind)
        bind(q);
    if (q.step() != SqlStep::Done)
        return q.error(qPrintable(eventName(event)));
    if (q.changes() != 1)
        return Error(ErrorCode::Internal,
                     QStringLiteral("request %1 cannot be %2: its status changed meanwhile")
                         .arg(request.number, eventName(event)));
    return {};
}

namespace {

// The request an operator acts on, as it is now.
Expected<RequestRecord> requestToChange(Store &store, qint64 id)
{
    auto found = store.findById(id);
    if (!found)
        return found.error();
    if (!found.value())
        return Error(ErrorCode::Internal, QStringLiteral("no request %1").arg(id));
    return *found.value();
}

} // namespace

Error Store::approve(qint64 id, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = requestToChange(*this, id);
    if (!found)
        return found.error();
    const RequestRecord &request = found.value();
    if (Error e = checkTransition(request.number, request.status, RequestEvent::Approved))
        return e;
    if (request.approvals.contains(operatorName))
        return Error(ErrorCode::Internal,
                     QStringLiteral("%1 has already approved request %2: dual control needs "
                                    "another operator")
                         .arg(operatorName, request.number));
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query record(*m_db, "INSERT INTO approvals (request_id, operator, at) VALUES (?, ?, ?)");
    record.bind(1, id).bind(2, operatorName).bind(3, now);
    if (record.step() != SqlStep::Done)
        return record.error("approval");
    const int given = int(request.approvals.size()) + 1;
    const int needed = std::max(1, request.approvalsNeeded);
    // The last approval it needs moves it; the ones before are only recorded.
    if (given >= needed) {
        if (Error e = moveRequest(request, RequestEvent::Approved, now,
                                  ", approvals_needed = CASE WHEN approvals_needed < 1 THEN 1 "
                                  "ELSE approvals_needed END"))
            return e;
    }
    if (Error e = auditLocked(operatorName, QStringLiteral("approved"), request.number,
                              QStringLiteral("approval %1 of %2").arg(given).arg(needed)))
        return e;
    return write.commit();
}

Error Store::reject(qint64 id, const QString &reason, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    auto found = requestToChange(*this, id);
    if (!found)
        return found.error();
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    if (Error e =
            moveRequest(found.value(), RequestEvent::Refused, QDateTime::currentSecsSinceEpoch(),
                        ", reason = ?3", [&reason](Query &q) { q.bind(3, reason); }))
        return e;
    if (Error e = auditLocked(operatorName, QStringLiteral("rejected"), found->number, reason))
        return e;
    return write.commit();
}

Error Store::approveDue(const QDateTime &now)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    static const QByteArray sql =
        "UPDATE requests SET status = '" +
        statusName(statusAfter(RequestEvent::Approved)).toLatin1() + "', updated = ?1 WHERE " +
        statusGuardSql(RequestEvent::Approved) + " AND approve_after > 0 AND approve_after <= ?1";
    Query q(*m_db, sql.constData());
    q.bind(1, toEpoch(now));
    return q.step() == SqlStep::Done ? Error() : q.error("auto approval");
}

Error Store::markIssued(qint64 id, const QByteArray &certDer, const QString &serial)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    // Unread: the signer's answer goes straight in, guarded by the lifecycle's table.
    static const QByteArray sql = "UPDATE requests SET status = '" +
                                  statusName(statusAfter(RequestEvent::Issued)).toLatin1() +
                                  "', cert = ?, cert_serial = ?, updated = ? WHERE id = ? AND " +
                                  statusGuardSql(RequestEvent::Issued) + " RETURNING number";
    Query issue(*m_db, sql.constData());
    issue.bind(1, certDer).bind(2, serial).bind(3, QDateTime::currentSecsSinceEpoch()).bind(4, id);
    const SqlStep rc = issue.step();
    const QString number = rc == SqlStep::Row ? issue.text(0) : QString();
    if (rc == SqlStep::Failed || (rc == SqlStep::Row && issue.step() != SqlStep::Done))
        return issue.error("issued");
    if (rc != SqlStep::Row) {
        write.rollback();
        auto found = findById(id);
        if (found && found.value())
            return transitionRefused(found.value()->number, found.value()->status,
                                     RequestEvent::Issued);
        return Error(ErrorCode::Internal, QStringLiteral("no request %1 to issue").arg(id));
    }
    // Every certificate the bank issues is in the audit log, in the same write.
    if (Error e = auditLocked(QStringLiteral("system"), QStringLiteral("issued"), number,
                              QStringLiteral("certificate %1").arg(serial)))
        return e;
    return write.commit();
}

Error Store::markConfirmed(const RequestRecord &request, bool accepted, const QString &clientText)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const bool firstConfirmation = request.status != RequestStatus::Confirmed;
    const RequestEvent event = accepted ? RequestEvent::Confirmed : RequestEvent::RefusedByClient;
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (Error e = moveRequest(request, event, now, ", reason = ?3",
                              [&clientText](Query &q) { q.bind(3, clientText); }))
        return e;
    if (accepted && firstConfirmation) {
        if (Error e = registerConfirmed(request, now))
            return e;
    }
    if (firstConfirmation || !accepted) {
        if (Error e = auditLocked(QStringLiteral("client %1").arg(request.abonent),
                                  accepted ? QStringLiteral("confirmed")
                                           : QStringLiteral("refused the certificate"),
                                  request.number, accepted ? request.certSerial : clientText))
            return e;
    }
    return write.commit();
}

Expected<int> Store::issuedCount(const QByteArray &newKeyHash)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT COUNT(*) FROM requests WHERE new_key_hash = ? AND cert IS NOT NULL");
    q.bind(1, newKeyHash);
    if (q.step() != SqlStep::Row)
        return q.error("count");
    return int(q.int64(0));
}

} // namespace kk::ra
