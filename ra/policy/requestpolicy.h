#pragma once
// The bank's decision on a request, as pure functions (docs/architecture.md, "The bank's
// policy"): from what the request says (read from the CMP message by cmp/), what the register
// knows of it, and the bank's policy, to a decision: issue it, wait for approval, or refuse it
// with a reason in the kiosk's three languages. No OpenSSL and no database: every refusal the
// RA makes is a row of the refusal table, and tests/unit/ra/policy/tst_requestpolicy.cpp
// checks each one. It includes store/'s record types only.

#include "keykiosk/enroll/roles.h"
#include "store.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace kk::ra {

enum class ApprovalMode
{
    Auto,
    Manual
};

struct RaPolicy
{
    // The bank CA's profiles, by certificate policy OID ([roles], enroll/roles.h).
    QString clientPolicyOid = QString::fromLatin1(roles::kClientPolicy);
    QString staffPolicyOid = QString::fromLatin1(roles::kStaffPolicy);
    QString raPolicyOid = QString::fromLatin1(roles::kRaPolicy);
    // Operators who must approve a staff-authorized initial request before it is issued: 0
    // (the staff member's authorization suffices), 1, or 2 (dual control: two different ones).
    int staffApprovals = 0;
    ApprovalMode approval = ApprovalMode::Auto;
    int autoDelaySeconds = 3;
    bool allowUnscheduled = true; // renewal before the window opens
    int renewalWindowDays = 30;
    int validityDays = 365;
    QString crlUrl;            // the CRL distribution point new certificates carry (empty: none)
    int checkAfterSeconds = 2; // what pollRep tells the client
    int transactionIdleSeconds = 300; // in memory; the register keeps them for:
    int transactionKeepDays = 7;
    // Replay protection: a message's messageTime must be this close to the RA's clock, and
    // its (transactionID, senderNonce) is refused a second time within twice the window.
    int messageTimeWindowSeconds = 600;
    int replayCacheEntries = 1000000; // a bound on memory whatever the traffic
};

// Every refusal the policy makes.
enum class Refusal
{
    // Any request.
    NotKurOrIr,
    NoCertificateRequest,
    MalformedSittingId,
    NoNewKey,
    // A key update (kur), protected by the client's current certificate.
    NoOldCertificateId,
    OldCertificateNotSent,
    NotProtectedByNamedCertificate,
    NotClientCertificate,
    NotInRegister,
    NotIssuedByThisBank,
    CertificateRevoked,
    CertificateSuperseded,
    CertificateExpired,
    RenewalWindowNotOpen,
    // A staff-authorized initial request (ir).
    NotStaffProtected,
    NotStaffCertificate,
    StaffCertificateRevoked,
    StaffCertificateNotValid,
    ApplicationIncomplete,
    UnknownCase,
    ClientNotInRegister,
    ClientHasCertificate,
    ClientCertificateNotExpired,
    NothingExpired,
    NothingToReplace,
};

// What CMP's PKIFailureInfo says of a refusal (RFC 4210 5.2.3); cmp/ maps it to OpenSSL's bit.
enum class FailureInfo
{
    BadRequest,
    BadTime,
    BadCertId,
    BadMessageCheck,
    BadCertTemplate,
    NotAuthorized,
    CertRevoked,
};

// A text in the kiosk's three languages. Russian first: the seeds' language, and what a
// kiosk that reads only the first string shows.
struct Reason
{
    QString ru, kk, en;
};

struct RefusalRow
{
    Refusal refusal;
    const char *name; // for the log and the tests: "renewal-window-not-open"
    FailureInfo failure;
    Reason reason; // "%1" where a decision's detail goes
};
const QVector<RefusalRow> &refusalTable();
const RefusalRow &refusalRow(Refusal refusal);

struct Decision
{
    std::optional<Refusal> refusal; // refused; otherwise the status the request starts in
    QString detail;                 // what the reason's %1 names (a serial, a case)
    RequestStatus status = RequestStatus::Pending; // Approved: issued at once
    int approvalsNeeded = 0;                       // operators who must approve it
    QDateTime approveAfter;                        // auto approval's time, if any
    bool refused() const { return refusal.has_value(); }
};
// The reason of a refused decision, its detail filled in.
Reason reasonOf(const Decision &decision);

// What any request is checked for first: its body (a kur or an ir) and whether it holds a
// certificate request; and last, once its kind's rules have passed, its signers' sitting (the
// kiosk's id, possibly empty).
std::optional<Refusal> checkRequest(bool keyUpdateOrInitial, bool hasCertificateRequest);
std::optional<Refusal> checkSitting(const QString &sitting);

// A kur: the certificate that protected it (OpenSSL checked the protection and its chain),
// and what the register holds for it and for the new key.
struct RenewalFacts
{
    bool namesOldCertificate = false;         // oldCertID is there
    bool oldCertificateSent = false;          // the protecting certificate (extraCerts' first)
    bool protectedByNamedCertificate = false; // ... is the one oldCertID names
    bool clientPolicy = false;                // it carries the bank's client policy
    bool sameAsRegistered = false;            // its DER is the register's, byte for byte
    QDateTime oldNotAfter;
    bool hasNewKey = false;
    std::optional<CertificateRecord> registered;  // the register's row for its serial
    std::optional<RequestStatus> existingRequest; // the register's request for the new key
};
Decision decideRenewal(const RenewalFacts &facts, const RaPolicy &policy, const QDateTime &now);

// An ir: the staff certificate that protected it, what staff checked, and what the register
// knows of the client and of the new key.
struct InitialFacts
{
    bool staffCertificateSent = false;
    bool staffPolicy = false;   // the staff certificate carries the bank's staff policy
    bool staffValidNow = false; // within its validity now
    std::optional<CertificateRecord> staffRegistered;
    QString caseKind; // "expired", "first-key", "replacement"
    QString application, applicationDate;
    QStringList checklist;    // what staff confirmed
    bool clientFound = false; // one abonent, by UID or by SNILS and INN
    std::optional<CertificateRecord> liveClientCertificate;
    std::optional<RequestStatus> existingRequest;
    bool hasNewKey = false;
};
Decision decideInitial(const InitialFacts &facts, const RaPolicy &policy, const QDateTime &now);

} // namespace kk::ra
