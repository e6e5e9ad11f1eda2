#pragma once
// The kiosk's side of CMP (RFC 4210, lightweight profile RFC 9483) on OpenSSL 3.0's client.
// A key update (kur) is protected by the current key and carries a proof of possession made
// by the new key; both keys are EVP_PKEYs that sign on the token. Each attempt uses a fresh
// OSSL_CMP_CTX. A caller polls step() while the bank answers "waiting", or drops the attempt
// and comes back later with the same new key: the RA continues the earlier request.

#include "keykiosk/enroll/certificatecheck.h"
#include "keykiosk/enums.h"
#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"

#include <QDate>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

typedef struct ossl_cmp_ctx_st OSSL_CMP_CTX;
typedef struct ossl_cmp_msg_st OSSL_CMP_MSG;

namespace kk {

// How the kiosk reaches the bank over TLS (docs/architecture.md, "The kiosk and the bank").
// The status texts of the last PKIStatusInfo the bank sent (statusString), joined.
QString cmpStatusText(OSSL_CMP_CTX *ctx);

struct BankTlsOptions
{
    // The RA's TLS certificate is checked against the bank CA and the URL's host name, or,
    // with a pinned certificate, must be exactly that certificate.
    QString pinnedCertPath;
    // A certificate and key that identify this kiosk to the bank (optional).
    QString clientCertPath, clientKeyPath;
    // Plain http:// URLs are refused unless this is set (and then warned about).
    bool allowPlainHttp = false;
};

// The TLS side of an endpoint: one SSL_CTX (TLS 1.2 and 1.3, AEAD suites only, the checks
// above), shared by every exchange.
struct BankTls;

// One of the bank's RA nodes.
struct BankAddress
{
    QString host;
    int port = 0;
    QString path = QStringLiteral("/.well-known/cmp");
    std::shared_ptr<const BankTls> tls; // https; null: plain HTTP
};

struct CmpEndpoint
{
    QByteArray raCertPem; // pinned: answers must be protected by exactly this certificate
    QByteArray bankCaPem; // new certificates must chain to it
    int messageTimeoutSeconds = 20;
    int totalTimeoutSeconds = 120;
    // What a new certificate must be besides chaining to bankCaPem (enroll/certificatecheck.h).
    ClientCertificateRules clientCertificates;
    // The bank's RA nodes, tried in order for each message: a node that does not answer is
    // passed over, and the next message goes to the node that answered. Any node continues
    // any transaction (docs/architecture.md, "The bank's transactions").
    QVector<BankAddress> addresses;

    // url: https://host[:port]/path (or http:// with allowPlainHttp); several, separated by
    // spaces, for several RA nodes.
    static Expected<CmpEndpoint> fromFiles(const QString &url, const QString &raCertPath,
                                           const QString &bankCaPath,
                                           const BankTlsOptions &tls = {});
};

enum class EnrollState
{
    Issued,
    Waiting,
    Rejected,
    Failed
};

struct EnrollStep
{
    EnrollState state = EnrollState::Failed;
    QByteArray certDer;        // Issued
    int checkAfterSeconds = 0; // Waiting
    QString serverText;        // what the bank said (the reason of a refusal)
    int failInfo = 0;          // PKIFailureInfo bits of a refusal
    Error error;               // Rejected / Failed, with a catalogue code
};

// The seeds' status that a step of the exchange means for the profile: waiting is "принят
// банком", issued is "получен новый сертификат" (already on the token), a refusal is
// "получен отказ в регистрации"; a failure leaves the status as it was (nullopt).
std::optional<ProfileStatus> statusAfter(const EnrollStep &step);

// Called inside the certConf callback, after the certificate passed the checks: writes it to
// the token. Only if it returns no error does the bank hear "accepted".
using CertificateSink = std::function<Error(const QByteArray &certDer)>;

// One CMP certificate request (RFC 4210) on OpenSSL's client: the first step() sends it, and
// while the answer is Waiting, later calls poll. The certificate that comes back is checked
// (it carries the new key and chains to the bank CA, and fits what was asked) and handed to
// the sink inside certConf; only then does the bank hear "accepted".
class CmpRequest
{
public:
    ~CmpRequest();
    CmpRequest(const CmpRequest &) = delete;
    CmpRequest &operator=(const CmpRequest &) = delete;

    EnrollStep step();

    // OpenSSL's HTTP transfer, noting the body types of what went and came back.
    static OSSL_CMP_MSG *transfer(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *request);
    // OpenSSL's HTTP connection callback: TLS over the connected socket, and off again.
    static BIO *tlsBio(BIO *bio, void *arg, int connect, int detail);

protected:
    // `protectingCert` and `protectingKey` protect the message; `newKey` gives the proof of
    // possession.
    CmpRequest(const CmpEndpoint &endpoint, int bodyType, X509 *protectingCert,
               EVP_PKEY *protectingKey, EVP_PKEY *newKey, CertificateSink sink);
    OSSL_CMP_CTX *context() { return m_ctx.get(); }
    void failSetup(const QString &what);
    // Request attributes (enroll/roles.h) as the template's extensions; empty values are left out.
    bool
    setRequestAttributes(const std::initializer_list<std::pair<const char *, QString>> &attributes);
    // Beyond the new key and the chain: what else the certificate must show (a subject).
    std::function<Error(X509 *cert)> m_expectation;
    ClientCertificateRules m_clientRules;

private:
    static int certConfCallback(OSSL_CMP_CTX *ctx, X509 *cert, int failInfo, const char **text);
    int checkAndStore(X509 *cert, const char **text);

    struct CtxDeleter
    {
        void operator()(OSSL_CMP_CTX *ctx) const;
    };
    std::unique_ptr<OSSL_CMP_CTX, CtxDeleter> m_ctx;
    int m_bodyType;
    X509Ptr m_bankCa;
    EvpPkeyPtr m_newKey;
    CertificateSink m_sink;
    Error m_setupError;
    Error m_sinkError;
    QByteArray m_storedCert;
    int m_lastRequestBody = -1, m_lastResponseBody = -1; // of the last HTTP exchange
    QString m_transportCause;         // the first failure of the last exchange, when OpenSSL hid it
    QVector<BankAddress> m_addresses; // they also keep each node's TLS context alive
    int m_address = 0;                // the node that answered last
    // The last exchange was answered: its connection may be kept open for the next message
    // (HTTP keep-alive), and the bank may have closed it since (its idle time passed). Not
    // m_lastResponseBody: step() clears that at each step, and the connection outlives steps.
    bool m_connectionMayBeKept = false;
    bool useAddress(int index);
};

// A key update (kur): protected by the current key and certificate, the one it renews.
class KeyUpdate : public CmpRequest
{
public:
    // `sitting`: the signers' sitting the renewal is part of, if any.
    KeyUpdate(const CmpEndpoint &endpoint, X509 *oldCert, EVP_PKEY *oldKey, EVP_PKEY *newKey,
              CertificateSink sink, const QString &sitting = {});
};

// What staff checked for an initial request, and whom it is for (docs/architecture.md,
// "The staff recovery journey"). It travels as request attributes (enroll/roles.h); the
// abonent is named by UID (an expired certificate carries it) or by SNILS and INN, and the
// bank takes the subject from its register.
struct InitialRequestInfo
{
    QString caseKind; // "expired", "first-key" or "replacement"
    QString application;
    QDate applicationDate;
    QStringList checklist; // "identity-document", "signed-application"
    QString uid;
    QString snils;
    QString inn;
    QString sitting; // the signers' sitting, if the recovery is part of one
};

// A staff-authorized initial request (ir): protected by the staff member's key, the proof of
// possession by the client's new key. The certificate must name the abonent asked for.
class InitialRequest : public CmpRequest
{
public:
    InitialRequest(const CmpEndpoint &endpoint, X509 *staffCert, EVP_PKEY *staffKey,
                   EVP_PKEY *newKey, const InitialRequestInfo &info, CertificateSink sink);
};

} // namespace kk
