#include "requestlifecycle.h"

namespace kk::ra {

namespace {

const char *const kStatusNames[] = {"pending",   "approved", "issued",
                                    "confirmed", "rejected", "rejected-by-client"};
const char *const kEventNames[] = {"approved", "refused", "issued", "confirmed",
                                   "refused by the client"};

} // namespace

QString statusName(RequestStatus status)
{
    return QString::fromLatin1(kStatusNames[int(status)]);
}

std::optional<RequestStatus> statusFromName(const QString &name)
{
    for (std::size_t i = 0; i < std::size(kStatusNames); ++i) {
        if (name == QLatin1String(kStatusNames[i]))
            return RequestStatus(i);
    }
    return std::nullopt;
}

QString eventName(RequestEvent event)
{
    return QString::fromLatin1(kEventNames[int(event)]);
}

const QVector<RequestTransition> &requestLifecycle()
{
    using S = RequestStatus;
    using E = RequestEvent;
    // A confirmation or a client's refusal that comes again (a kiosk restarted after sending
    // it) finds the request where the first one left it, and changes nothing. A client who
    // refused the certificate (the token could not store it) is offered the same one on the
    // next visit and may confirm it then: the bank issues one certificate per key. Nothing
    // else turns back: a confirmed certificate is in the register and is not refused
    // afterwards, and nothing leaves a refusal by the bank.
    static const QVector<RequestTransition> table = {
        {S::Pending, E::Approved, S::Approved},
        {S::Pending, E::Refused, S::Rejected},
        {S::Approved, E::Refused, S::Rejected},
        {S::Approved, E::Issued, S::Issued},
        {S::Issued, E::Confirmed, S::Confirmed},
        {S::Confirmed, E::Confirmed, S::Confirmed},
        {S::Issued, E::RefusedByClient, S::RejectedByClient},
        {S::RejectedByClient, E::RefusedByClient, S::RejectedByClient},
        {S::RejectedByClient, E::Confirmed, S::Confirmed},
    };
    return table;
}

std::optional<RequestStatus> statusAfter(RequestStatus from, RequestEvent event)
{
    for (const RequestTransition &row : requestLifecycle()) {
        if (row.from == from && row.event == event)
            return row.to;
    }
    return std::nullopt;
}

QVector<RequestStatus> statusesBefore(RequestEvent event)
{
    QVector<RequestStatus> from;
    for (const RequestTransition &row : requestLifecycle()) {
        if (row.event == event)
            from << row.from;
    }
    return from;
}

RequestStatus statusAfter(RequestEvent event)
{
    for (const RequestTransition &row : requestLifecycle()) {
        if (row.event == event)
            return row.to;
    }
    Q_UNREACHABLE(); // every event has a row (tst_requestlifecycle)
}

QByteArray statusGuardSql(RequestEvent event)
{
    QByteArray sql = "status IN (";
    const QVector<RequestStatus> from = statusesBefore(event);
    for (int i = 0; i < from.size(); ++i)
        sql += (i ? ", '" : "'") + statusName(from[i]).toLatin1() + '\'';
    return sql + ')';
}

Error transitionRefused(const QString &request, RequestStatus from, RequestEvent event)
{
    return Error(ErrorCode::Internal, QStringLiteral("request %1 cannot be %2: it is %3")
                                          .arg(request, eventName(event), statusName(from)));
}

Error checkTransition(const QString &request, RequestStatus from, RequestEvent event)
{
    return statusAfter(from, event) ? Error() : transitionRefused(request, from, event);
}

} // namespace kk::ra
