#pragma once
// Inside cmp/: one CMP transaction's state (RaService::Transaction) and the helpers its files
// share: raservice.cpp (the service, OpenSSL's callbacks, the answers), requestfacts.cpp (the
// facts of a kur or an ir for the policy, and the request written from its decision) and
// cmpmessages.cpp (parsing, the status a refusal carries, the refusal log).

#include "raservice.h"

#include <QHash>
#include <QLoggingCategory>

#include <openssl/cmp.h>
#include <openssl/crmf.h>

#include <mutex>

Q_DECLARE_LOGGING_CATEGORY(lcRa)

namespace kk::ra {

namespace cmp {

// Not public in OpenSSL 3.0 (RFC 4210 section 5.1.2 numbering).
constexpr int kBodyIr = 0, kBodyCr = 2, kBodyP10cr = 4, kBodyKur = 7;
constexpr char kOidInn[] = "1.2.643.3.131.1.1";
constexpr char kOidOgrn[] = "1.2.643.100.1";
constexpr char kOidSnils[] = "1.2.643.100.3";

// OpenSSL's CMP diagnostics, at the debug level of the RA's category.
int cmpLog(const char *, const char *, int, OSSL_CMP_severity level, const char *message);
QByteArray toDer(const OSSL_CMP_MSG *msg);
CmpMsgPtr parseDer(const QByteArray &der);
QByteArray certDer(const X509 *cert);

using CertStackPtr = std::unique_ptr<STACK_OF(X509), void (*)(STACK_OF(X509) *)>;
void freeCertStack(STACK_OF(X509) * certs);

// A PKIMessage parsed once, exactly: OpenSSL parses it without its extraCerts, and the
// certificates come from the cache (certificatecache.h), each key decoded once in the
// process's life instead of in every message. Null if any part is malformed.
struct ParsedMessage
{
    CmpMsgPtr message;
    CertStackPtr extraCerts{nullptr, freeCertStack};
    QByteArray firstExtraCertDer; // the protection certificate (RFC 9483 3.3)
};
ParsedMessage parseMessage(const QByteArray &der);

// Offers OpenSSL the first of extraCerts, the only one it may check the protection with.
void offerSenderCertificate(OSSL_CMP_SRV_CTX *srv, STACK_OF(X509) * extraCerts);

OSSL_CMP_PKISI *status(int pkiStatus, int failBit, const QString &text);
// Refusals repeat when someone tries the same thing many times: a few lines and a count.
void logRefusal(QtMsgType type, const QString &text);
OSSL_CMP_PKISI *rejection(int failBit, const QString &text);
// The policy's refusal: its PKIFailureInfo bit and its words in three languages.
OSSL_CMP_PKISI *refusal(const Decision &decision);
OSSL_CMP_PKISI *refusal(const std::optional<Refusal> &refused);
// A new request starts as the policy decided: approved at once, or waiting for approvals.
void startAs(RequestRecord &draft, const Decision &decision);

// The request attributes of an initial request (enroll/roles.h), from the template's
// extensions: OID -> UTF8String value.
QHash<QString, QString> requestAttributes(const OSSL_CRMF_MSG *crm);
bool validNow(const X509 *cert);

} // namespace cmp

struct RaService::Transaction
{
    RaService *service = nullptr;
    std::mutex lock;
    CmpSrvCtxPtr srv;
    std::chrono::steady_clock::time_point lastUsed = std::chrono::steady_clock::now();
    QByteArray id;              // the transactionID
    QByteArray senderDer;       // who opened it: only they continue it
    QByteArray originalRequest; // the ir/kur, re-processed when a poll finds it decided
    qint64 requestId = 0;
    bool remembered = false; // in the register's transactions: any process continues it
    bool waiting = false;    // the last answer was "waiting"
    bool refused = false;    // the last answer refused the request: nothing to continue
    // The message being handled, and whether it passed the replay window (once per message:
    // a poll that finds the request decided runs the original request again).
    CmpHeaderFields inbound;
    bool inboundAdmitted = false;
    // The message OpenSSL is given (the one being handled, the original request run again,
    // or the original request that primes a transaction continued from the register): its
    // bytes, and the certificate that protects it, which OpenSSL checked.
    QByteArray certRequestDer;
    QByteArray protectionCertDer;
    // Makes `der`, parsed as `parsed`, the message above. With its header when OpenSSL is
    // about to validate it: tells OpenSSL which certificate to check its protection with
    // (none when a poll runs the already validated original request again).
    void receive(const QByteArray &der, const cmp::ParsedMessage &parsed,
                 const CmpHeaderFields *validating);

    bool admitInbound();
    // The register could not be read or written (a full disk, a lock): no decision was made,
    // so the client gets an error message, never a refusal, and sends the request again.
    bool registerUnavailable = false;
    OSSL_CMP_PKISI *unavailable(const QString &detail)
    {
        registerUnavailable = true;
        return cmp::status(OSSL_CMP_PKISTATUS_rejection, OSSL_CMP_PKIFAILUREINFO_systemUnavail,
                           detail);
    }
    OSSL_CMP_PKISI *certRequest(const OSSL_CMP_MSG *req, const OSSL_CRMF_MSG *crm, X509 **certOut);
    // Each checks its kind of request and fills in the draft; a refusal is returned.
    OSSL_CMP_PKISI *keyUpdate(const OSSL_CRMF_MSG *crm, RequestRecord &draft, QString &actor);
    OSSL_CMP_PKISI *initialRequest(const OSSL_CRMF_MSG *crm, RequestRecord &draft, QString &actor);
    // The template's new key into the draft, and (with `lookUp`) the register's request for
    // it; false if the register could not be read.
    bool readNewKey(const OSSL_CRMF_MSG *crm, RequestRecord &draft, bool lookUp, bool *hasNewKey,
                    std::optional<RequestStatus> *existingRequest);
    // The client an initial request names, from the register.
    Expected<std::optional<AbonentRecord>> abonentFor(const X509_NAME *requested);
};

} // namespace kk::ra
