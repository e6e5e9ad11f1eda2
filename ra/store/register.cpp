#include "store.h"

// The register of abonents and certificates, and the revocations (store.h).

#include "certificatecache.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"
#include "storerows.h"

namespace kk::ra {

using rows::toEpoch;

Error Store::registerConfirmed(const RequestRecord &request, qint64 now)
{
    X509Ptr cert = parsedCertificate(request.certDer);
    Query insert(*m_db, "INSERT INTO certificates (serial, role, abonent_uid, subject, not_after, "
                        "state, cert, updated) VALUES (?, 'client', ?, ?, ?, 'live', ?, ?) "
                        "ON CONFLICT(serial) DO NOTHING");
    int days = 0, seconds = 0;
    if (cert)
        ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert.get()));
    insert.bind(1, request.certSerial.toUpper()).bind(2, request.uid);
    insert.bind(3, cert ? subjectLine(cert.get()) : QString())
        .bind(4, now + qint64(days) * 86400 + seconds);
    insert.bind(5, request.certDer).bind(6, now);
    if (insert.step() != SqlStep::Done)
        return insert.error("register the new certificate");
    if (request.caseKind == QLatin1String("replacement"))
        return revokeReplacedToken(request, now);
    if (request.oldCertSerial.isEmpty())
        return {};
    Query supersede(*m_db, "UPDATE certificates SET state = 'superseded', replaced_by = ?, "
                           "updated = ? WHERE serial = ? AND state = 'live'");
    supersede.bind(1, request.certSerial.toUpper())
        .bind(2, now)
        .bind(3, request.oldCertSerial.toUpper());
    if (supersede.step() != SqlStep::Done)
        return supersede.error("supersede the old certificate");
    return {};
}

Error Store::revokeReplacedToken(const RequestRecord &request, qint64 now)
{
    // A lost or broken token: whatever it held is revoked.
    const QString newSerial = request.certSerial.toUpper();
    Query revokeOld(*m_db, "UPDATE certificates SET state = 'revoked', updated = ? "
                           "WHERE abonent_uid = ? AND role = 'client' AND state = "
                           "'live' AND serial != ?");
    revokeOld.bind(1, now).bind(2, request.uid).bind(3, newSerial);
    Query list(*m_db, "SELECT serial FROM certificates WHERE abonent_uid = ? AND "
                      "role = 'client' AND state = 'live' AND serial != ?");
    list.bind(1, request.uid).bind(2, newSerial);
    QStringList revoked;
    while (list.step() == SqlStep::Row)
        revoked << list.text(0);
    if (revokeOld.step() != SqlStep::Done)
        return revokeOld.error("revoke the replaced token's certificates");
    for (const QString &serial : revoked) {
        Query record(*m_db, "INSERT INTO revocations (serial, revoked, reason) "
                            "VALUES (?, ?, ?) ON CONFLICT(serial) DO NOTHING");
        record.bind(1, serial).bind(2, now).bind(
            3, QStringLiteral("token replaced (request %1)").arg(request.number));
        if (record.step() != SqlStep::Done)
            return record.error("revocation");
        if (Error e = auditLocked(QStringLiteral("system"), QStringLiteral("revoked"),
                                  request.number, QStringLiteral("%1: token replaced").arg(serial)))
            return e;
    }
    return {};
}

Error Store::revoke(const QString &serialHex, const QString &reason, const QString &operatorName)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    const QString serial = serialHex.toUpper();
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    Query q(*m_db, "INSERT INTO revocations (serial, revoked, reason) VALUES (?, ?, ?) ON "
                   "CONFLICT(serial) DO NOTHING");
    q.bind(1, serial).bind(2, now).bind(3, reason);
    if (q.step() != SqlStep::Done)
        return q.error("revoke");
    Query state(*m_db, "UPDATE certificates SET state = 'revoked', updated = ? WHERE serial = ?");
    state.bind(1, now).bind(2, serial);
    if (state.step() != SqlStep::Done)
        return state.error("revoke");
    if (Error e = auditLocked(operatorName, QStringLiteral("revoked"), {},
                              QStringLiteral("%1: %2").arg(serial, reason)))
        return e;
    return write.commit();
}

Expected<QVector<RevocationRecord>> Store::revocations()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, "SELECT serial, revoked, reason FROM revocations ORDER BY revoked");
    return rows::readAll<RevocationRecord>(
        q,
        [](const Query &row) {
            return RevocationRecord{
                row.text(0), QDateTime::fromSecsSinceEpoch(row.int64(1), Qt::UTC), row.text(2)};
        },
        "revocations");
}

Error Store::registerCertificate(const CertificateRecord &c, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    Query q(*m_db, "INSERT INTO certificates (serial, role, abonent_uid, subject, not_after, "
                   "state, replaced_by, cert, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.serial.toUpper()).bind(2, roleName(c.role)).bind(3, c.abonentUid);
    q.bind(4, c.subject).bind(5, toEpoch(c.notAfter)).bind(6, stateName(c.state));
    q.bind(7, c.replacedBy).bind(8, c.der).bind(9, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("register certificate");
    if (Error e = auditLocked(
            actor, QStringLiteral("registered certificate"), {},
            QStringLiteral("%1 %2 %3").arg(roleName(c.role), c.serial.toUpper(), c.subject)))
        return e;
    return write.commit();
}

Expected<std::optional<CertificateRecord>> Store::findCertificate(const QString &serialHex)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(rows::kSelectCertificate) + "WHERE serial = ?").constData());
    q.bind(1, serialHex.toUpper());
    return rows::readOne<CertificateRecord>(q, rows::readCertificate, "find certificate");
}

Expected<QVector<CertificateRecord>> Store::certificates(const QString &abonentUid)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db,
            (QByteArray(rows::kSelectCertificate) +
             (abonentUid.isEmpty() ? "ORDER BY updated" : "WHERE abonent_uid = ? ORDER BY updated"))
                .constData());
    if (!abonentUid.isEmpty())
        q.bind(1, abonentUid);
    return rows::readAll<CertificateRecord>(q, rows::readCertificate, "list certificates");
}

Error Store::addAbonent(const AbonentRecord &a, const QString &actor)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    SqlWrite write(*m_db);
    if (Error e = write.begin())
        return e;
    Query q(*m_db, "INSERT INTO abonents (uid, name, organization, inn, ogrn, snils, subject, "
                   "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, a.uid).bind(2, a.name).bind(3, a.organization).bind(4, a.inn);
    q.bind(5, a.ogrn).bind(6, a.snils).bind(7, a.subjectDer);
    q.bind(8, QDateTime::currentSecsSinceEpoch());
    if (q.step() != SqlStep::Done)
        return q.error("add abonent");
    if (Error e = auditLocked(actor, QStringLiteral("added abonent"), {},
                              QStringLiteral("%1 %2, %3").arg(a.uid, a.name, a.organization)))
        return e;
    return write.commit();
}

Expected<std::optional<AbonentRecord>> Store::findAbonent(const QString &uid)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(rows::kSelectAbonent) + "WHERE uid = ?").constData());
    q.bind(1, uid);
    return rows::readOne<AbonentRecord>(q, rows::readAbonent, "find abonent");
}

Expected<QVector<AbonentRecord>> Store::findAbonents(const QString &snils, const QString &inn)
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(rows::kSelectAbonent) + "WHERE snils = ? AND inn = ? ORDER BY uid")
                       .constData());
    q.bind(1, snils).bind(2, inn);
    return rows::readAll<AbonentRecord>(q, rows::readAbonent, "find abonents");
}

Expected<QVector<AbonentRecord>> Store::abonents()
{
    std::lock_guard<std::recursive_mutex> lock(m_mutex);
    Query q(*m_db, (QByteArray(rows::kSelectAbonent) + "ORDER BY uid").constData());
    return rows::readAll<AbonentRecord>(q, rows::readAbonent, "list abonents");
}

} // namespace kk::ra
