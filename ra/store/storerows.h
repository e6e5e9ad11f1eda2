#pragma once
// How the register's rows read into records, shared by the store's files (store.h): the
// SELECT lists and their readers side by side, so that a column added to one is added to the
// other. Internal to store/.

#include "store.h"

namespace kk::ra::rows {

qint64 toEpoch(const QDateTime &t); // 0 for none
QDateTime fromEpoch(qint64 seconds);

extern const char kSelectRequest[]; // "SELECT ... FROM requests "
RequestRecord readRequest(const Query &q);

// A certificate with a revocation reads as revoked, whatever its row says (a serial revoked
// before its certificate was registered): one read answers both.
extern const char kSelectCertificate[];
CertificateRecord readCertificate(const Query &q);

extern const char kSelectAbonent[];
AbonentRecord readAbonent(const Query &q);

// Every row a query returns, read by `read`.
template <typename Record, typename Read>
Expected<QVector<Record>> readAll(Query &q, Read read, const char *what)
{
    QVector<Record> records;
    SqlStep rc;
    while ((rc = q.step()) == SqlStep::Row)
        records << read(q);
    if (rc != SqlStep::Done)
        return q.error(what);
    return records;
}

// The one row a query returns, or none.
template <typename Record, typename Read>
Expected<std::optional<Record>> readOne(Query &q, Read read, const char *what)
{
    const SqlStep rc = q.step();
    if (rc == SqlStep::Done)
        return std::optional<Record>();
    if (rc != SqlStep::Row)
        return q.error(what);
    return std::optional<Record>(read(q));
}

} // namespace kk::ra::rows
