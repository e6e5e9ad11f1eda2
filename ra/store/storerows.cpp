#include "storerows.h"

namespace kk::ra::rows {

qint64 toEpoch(const QDateTime &t)
{
    return t.isValid() ? t.toSecsSinceEpoch() : 0;
}

QDateTime fromEpoch(qint64 seconds)
{
    return seconds ? QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC) : QDateTime();
}

const char kSelectRequest[] =
    "SELECT id, number, created, updated, kind, uid, abonent, old_cert_serial, new_key_hash, "
    "new_key_spki, subject, status, reason, approve_after, cert, cert_serial, case_kind, staff, "
    "application, checklist, approvals_needed, sitting FROM requests ";

RequestRecord readRequest(const Query &q)
{
    RequestRecord r;
    r.id = q.int64(0);
    r.number = q.text(1);
    r.created = fromEpoch(q.int64(2));
    r.updated = fromEpoch(q.int64(3));
    r.kind = q.text(4);
    r.uid = q.text(5);
    r.abonent = q.text(6);
    r.oldCertSerial = q.text(7);
    r.newKeyHash = q.blob(8);
    r.newKeySpki = q.blob(9);
    r.subjectDer = q.blob(10);
    r.status = statusFromName(q.text(11)).value_or(RequestStatus::Pending);
    r.reason = q.text(12);
    r.approveAfter = fromEpoch(q.int64(13));
    r.certDer = q.blob(14);
    r.certSerial = q.text(15);
    r.caseKind = q.text(16);
    r.staff = q.text(17);
    r.application = q.text(18);
    r.checklist = q.text(19);
    r.approvalsNeeded = int(q.int64(20));
    r.sitting = q.text(21);
    return r;
}

const char kSelectCertificate[] =
    "SELECT serial, role, abonent_uid, subject, not_after, CASE WHEN EXISTS (SELECT 1 FROM "
    "revocations r WHERE r.serial = certificates.serial) THEN 'revoked' ELSE state END, "
    "replaced_by, cert FROM certificates ";

CertificateRecord readCertificate(const Query &q)
{
    CertificateRecord c;
    c.serial = q.text(0);
    c.role = roleFromName(q.text(1)).value_or(CertificateRole::Client);
    c.abonentUid = q.text(2);
    c.subject = q.text(3);
    c.notAfter = fromEpoch(q.int64(4));
    c.state = stateFromName(q.text(5)).value_or(CertificateState::Live);
    c.replacedBy = q.text(6);
    c.der = q.blob(7);
    return c;
}

const char kSelectAbonent[] =
    "SELECT uid, name, organization, inn, ogrn, snils, subject, created FROM abonents ";

AbonentRecord readAbonent(const Query &q)
{
    AbonentRecord a;
    a.uid = q.text(0);
    a.name = q.text(1);
    a.organization = q.text(2);
    a.inn = q.text(3);
    a.ogrn = q.text(4);
    a.snils = q.text(5);
    a.subjectDer = q.blob(6);
    a.created = fromEpoch(q.int64(7));
    return a;
}

} // namespace kk::ra::rows
