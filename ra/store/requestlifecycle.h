#pragma once
// A request's lifecycle at the bank, as one table (docs/architecture.md, "A request's
// lifecycle"). Every status change the register makes is a row of it: the store's updates are
// written from the table (their WHERE clause names the statuses a row leaves from), so that a
// change the table does not list cannot happen, and says so. Pure: no database, no OpenSSL.

#include "keykiosk/expected.h"

#include <QString>
#include <QVector>

#include <optional>

namespace kk::ra {

enum class RequestStatus
{
    Pending,          // waiting for approval (auto after a delay, or operators)
    Approved,         // approved, certificate not yet issued
    Issued,           // certificate issued, not yet confirmed by the client
    Confirmed,        // the client confirmed (certConf accepted): in operation
    Rejected,         // refused by the bank, with a reason
    RejectedByClient, // the client refused the certificate in certConf
};
QString statusName(RequestStatus status);
std::optional<RequestStatus> statusFromName(const QString &name);

// What moves a request on.
enum class RequestEvent
{
    Approved,        // its last approval: an operator's (dual control: the second), or the
                     // auto approval's delay has passed
    Refused,         // the bank refuses it, with a reason
    Issued,          // the signer issued its certificate
    Confirmed,       // the client's certConf accepted the certificate (again, after a restart)
    RefusedByClient, // the client's certConf refused it (again, after a restart)
};
QString eventName(RequestEvent event); // "approved", "refused", ...

struct RequestTransition
{
    RequestStatus from;
    RequestEvent event;
    RequestStatus to;
};

// The table, in the order a request lives it.
const QVector<RequestTransition> &requestLifecycle();

// Where `event` takes a request that is `from`; nothing if the table has no such row.
std::optional<RequestStatus> statusAfter(RequestStatus from, RequestEvent event);
// The statuses `event` may leave from, and where it takes them (the same for every row of
// one event).
QVector<RequestStatus> statusesBefore(RequestEvent event);
RequestStatus statusAfter(RequestEvent event);
// `status IN ('pending', 'approved')` for `event`: the guard of the store's UPDATE.
QByteArray statusGuardSql(RequestEvent event);

// The error for a change the table does not list: "request R-000042 cannot be approved: it is
// issued".
Error transitionRefused(const QString &request, RequestStatus from, RequestEvent event);
// The same check, before a change: an error unless the table has the row.
Error checkTransition(const QString &request, RequestStatus from, RequestEvent event);

} // namespace kk::ra
