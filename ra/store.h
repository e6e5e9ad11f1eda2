#pragma once
// The RA's durable record: one SQLite file (WAL, synchronous FULL) with a versioned schema.
// Each request keeps what the seeds' "Запросы на перегенерацию" list shows: date, number,
// UID, abonent, status, reason and the certificate.

#include "keykiosk/expected.h"

#include <QDateTime>
#include <QVector>

#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;

namespace kk::ra {

enum class RequestStatus
{
    Pending,          // waiting for approval (auto after a delay, or an operator)
    Approved,         // approved, certificate not yet issued
    Issued,           // certificate issued, not yet confirmed by the client
    Confirmed,        // the client confirmed (certConf accepted): in operation
    Rejected,         // refused by the bank, with a reason
    RejectedByClient, // the client refused the certificate in certConf
};
QString statusName(RequestStatus status);
std::optional<RequestStatus> statusFromName(const QString &name);

struct RequestRecord
{
    qint64 id = 0;
    QString number; // human-facing, e.g. "R-000042"
    QDateTime created;
    QDateTime updated;
    QString kind; // "kur" (renewal) or "ir" (staff-authorized initial generation)
    QString uid;  // the client's identifier (subject UID, else serial)
    QString abonent;
    QString oldCertSerial;
    QByteArray newKeyHash; // SHA-256 of the new SubjectPublicKeyInfo: the idempotency key
    QByteArray newKeySpki;
    QByteArray subjectDer; // subject for the new certificate
    RequestStatus status = RequestStatus::Pending;
    QString reason;
    QDateTime approveAfter; // auto approval
    QByteArray certDer;
    QString certSerial;
};

class Store
{
public:
    static Expected<std::unique_ptr<Store>> open(const QString &path);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    static constexpr int kSchemaVersion = 1;

    // Inserts, or returns the existing request for the same new key (the idempotency rule).
    Expected<RequestRecord> createOrGet(const RequestRecord &request);
    Expected<std::optional<RequestRecord>> findByKeyHash(const QByteArray &hash);
    Expected<std::optional<RequestRecord>> findById(qint64 id);
    Expected<QVector<RequestRecord>> list(std::optional<RequestStatus> status = std::nullopt);

    // Operator and policy actions. Each checks the current status so that, e.g., an issued
    // request cannot be rejected afterwards.
    Error approve(qint64 id);
    Error reject(qint64 id, const QString &reason);
    Error approveDue(const QDateTime &now); // auto approval whose delay has passed
    Error markIssued(qint64 id, const QByteArray &certDer, const QString &serial);
    Error markConfirmed(qint64 id, bool accepted, const QString &clientText);

    Error revoke(const QString &serialHex, const QString &reason);
    Expected<bool> isRevoked(const QString &serialHex);

    // Number of certificates issued for one key (tests and audits: exactly one).
    Expected<int> issuedCount(const QByteArray &newKeyHash);

private:
    explicit Store(sqlite3 *db);
    template <typename Key>
    Expected<std::optional<RequestRecord>> findOne(const char *where, const Key &key);
    Error exec(const char *sql);
    Error migrate();

    struct Closer
    {
        void operator()(sqlite3 *db) const;
    };
    std::unique_ptr<sqlite3, Closer> m_db;
    std::mutex m_mutex; // one connection, many HTTP threads
};

} // namespace kk::ra
