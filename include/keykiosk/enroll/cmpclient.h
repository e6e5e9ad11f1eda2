#pragma once
// The kiosk's side of CMP (RFC 4210, lightweight profile RFC 9483) on OpenSSL 3.0's client.
// A key update (kur) is protected by the current key and carries a proof of possession made
// by the new key; both keys are EVP_PKEYs that sign on the token. Each attempt uses a fresh
// OSSL_CMP_CTX. A caller polls step() while the bank answers "waiting", or drops the attempt
// and comes back later with the same new key: the RA continues the earlier request.

#include "keykiosk/enums.h"
#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"

#include <functional>
#include <memory>
#include <optional>

typedef struct ossl_cmp_ctx_st OSSL_CMP_CTX;

namespace kk {

struct CmpEndpoint
{
    QString host;
    int port = 0;
    QString path = QStringLiteral("/.well-known/cmp");
    QByteArray raCertPem; // pinned: answers must be protected by exactly this certificate
    QByteArray bankCaPem; // new certificates must chain to it
    int messageTimeoutSeconds = 20;
    int totalTimeoutSeconds = 120;

    // url: http://host:port/path
    static Expected<CmpEndpoint> fromFiles(const QString &url, const QString &raCertPath,
                                           const QString &bankCaPath);
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

class KeyUpdate
{
public:
    KeyUpdate(const CmpEndpoint &endpoint, X509 *oldCert, EVP_PKEY *oldKey, EVP_PKEY *newKey,
              CertificateSink sink);
    ~KeyUpdate();
    KeyUpdate(const KeyUpdate &) = delete;
    KeyUpdate &operator=(const KeyUpdate &) = delete;

    // The first call sends the kur; while the answer is Waiting, later calls poll.
    EnrollStep step();

private:
    static int certConfCallback(OSSL_CMP_CTX *ctx, X509 *cert, int failInfo, const char **text);
    int checkAndStore(X509 *cert, const char **text);

    struct CtxDeleter
    {
        void operator()(OSSL_CMP_CTX *ctx) const;
    };
    std::unique_ptr<OSSL_CMP_CTX, CtxDeleter> m_ctx;
    X509Ptr m_bankCa;
    EvpPkeyPtr m_newKey;
    CertificateSink m_sink;
    Error m_setupError;
    Error m_sinkError;
    QByteArray m_storedCert;
};

} // namespace kk
