// The request lifecycle's table (ra/store/requestlifecycle.h), without a database: its rows
// are the ones docs/architecture.md shows, every pair of a status and an event that is not a
// row is refused with a message that names both, and the guard the store's UPDATEs carry is
// written from the rows.
#include "requestlifecycle.h"

#include <QtTest>

using namespace kk::ra;

Q_DECLARE_METATYPE(RequestStatus)
Q_DECLARE_METATYPE(RequestEvent)

namespace {

const RequestStatus kStatuses[] = {RequestStatus::Pending,  RequestStatus::Approved,
                                   RequestStatus::Issued,   RequestStatus::Confirmed,
                                   RequestStatus::Rejected, RequestStatus::RejectedByClient};
const RequestEvent kEvents[] = {RequestEvent::Approved, RequestEvent::Refused, RequestEvent::Issued,
                                RequestEvent::Confirmed, RequestEvent::RefusedByClient};

QString rowText(RequestStatus from, RequestEvent event, RequestStatus to)
{
    return QStringLiteral("%1 --%2--> %3").arg(statusName(from), eventName(event), statusName(to));
}

} // namespace

class TestRequestLifecycle : public QObject
{
    Q_OBJECT
private slots:
    void theTableIsTheDocumentedOne()
    {
        // docs/architecture.md, "A request's lifecycle", row by row.
        const QStringList expected = {
            QStringLiteral("pending --approved--> approved"),
            QStringLiteral("pending --refused--> rejected"),
            QStringLiteral("approved --refused--> rejected"),
            QStringLiteral("approved --issued--> issued"),
            QStringLiteral("issued --confirmed--> confirmed"),
            QStringLiteral("confirmed --confirmed--> confirmed"),
            QStringLiteral("issued --refused by the client--> rejected-by-client"),
            QStringLiteral("rejected-by-client --refused by the client--> rejected-by-client"),
            QStringLiteral("rejected-by-client --confirmed--> confirmed"),
        };
        QStringList rows;
        for (const RequestTransition &row : requestLifecycle())
            rows << rowText(row.from, row.event, row.to);
        QCOMPARE(rows, expected);
        for (const QString &row : rows)
            qInfo("%s", qPrintable(row));
    }

    void everyPairIsARowOrRefused_data()
    {
        QTest::addColumn<RequestStatus>("from");
        QTest::addColumn<RequestEvent>("event");
        for (RequestStatus from : kStatuses) {
            for (RequestEvent event : kEvents)
                QTest::newRow(qPrintable(statusName(from) + QLatin1Char('/') + eventName(event)))
                    << from << event;
        }
    }
    void everyPairIsARowOrRefused()
    {
        QFETCH(RequestStatus, from);
        QFETCH(RequestEvent, event);
        bool listed = false;
        for (const RequestTransition &row : requestLifecycle())
            listed = listed || (row.from == from && row.event == event);
        const kk::Error refused = checkTransition(QStringLiteral("R-000007"), from, event);
        QCOMPARE(statusAfter(from, event).has_value(), listed);
        QCOMPARE(refused.isError(), !listed);
        if (listed) {
            QCOMPARE(*statusAfter(from, event), statusAfter(event));
        } else {
            QCOMPARE(refused.detail, QStringLiteral("request R-000007 cannot be %1: it is %2")
                                         .arg(eventName(event), statusName(from)));
        }
    }

    void decisionsNeverTurn()
    {
        // Nothing leaves a refusal by the bank, and a confirmed certificate stays confirmed.
        // A client's refusal is the one decision that may turn: the same certificate, offered
        // again, confirmed.
        for (RequestEvent event : kEvents) {
            QVERIFY(!statusAfter(RequestStatus::Rejected, event));
            if (event != RequestEvent::Confirmed)
                QVERIFY(!statusAfter(RequestStatus::Confirmed, event));
            if (event != RequestEvent::RefusedByClient && event != RequestEvent::Confirmed)
                QVERIFY(!statusAfter(RequestStatus::RejectedByClient, event));
        }
    }

    void eachEventLeadsToOneStatus()
    {
        for (RequestEvent event : kEvents) {
            QVERIFY2(!statusesBefore(event).isEmpty(), qPrintable(eventName(event)));
            for (RequestStatus from : statusesBefore(event))
                QCOMPARE(*statusAfter(from, event), statusAfter(event));
        }
    }

    void theGuardIsWrittenFromTheRows()
    {
        QCOMPARE(statusGuardSql(RequestEvent::Refused),
                 QByteArray("status IN ('pending', 'approved')"));
        QCOMPARE(statusGuardSql(RequestEvent::Issued), QByteArray("status IN ('approved')"));
        QCOMPARE(statusGuardSql(RequestEvent::Confirmed),
                 QByteArray("status IN ('issued', 'confirmed', 'rejected-by-client')"));
    }

    void statusNamesRoundTrip()
    {
        for (RequestStatus status : kStatuses)
            QCOMPARE(statusFromName(statusName(status)), std::optional<RequestStatus>(status));
        QVERIFY(!statusFromName(QStringLiteral("cancelled")));
    }
};

QTEST_GUILESS_MAIN(TestRequestLifecycle)
#include "tst_requestlifecycle.moc"
