#pragma once
// One key renewal on one token, certmonger-style: the new key pair is generated on the token
// and marked pending; the request goes to the bank signed with the current key; the new
// certificate is written next to the new key inside certConf; only then is the old key
// archived (relabelled) or deleted. A renewal interrupted at any point leaves the current
// key working, and the next attempt resumes with the same pending key, which the RA
// recognises (it is idempotent on the new public key). Runs on the token thread.

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/token/tokenservice.h"

namespace kk {

enum class OldKeyPolicy
{
    Archive,
    Delete
};

struct RenewalOptions
{
    KeyAlgorithm algorithm = KeyAlgorithm::EcP256;
    OldKeyPolicy oldKeyPolicy = OldKeyPolicy::Archive;
};

// Labels that mark a key's place in the lifecycle (CKA_LABEL). A new key is "pending" from
// its generation until the bank answers; once the bank has said "waiting" it is "accepted"
// (the seeds' «принят банком», readable from the token alone). A pending key the bank never
// acknowledged (it was unreachable) does not make the profile «принят банком»; the next
// renewal resumes it all the same.
QString pendingKeyLabel(const QByteArray &currentKeyId);
QString acceptedKeyLabel(const QByteArray &currentKeyId);
QString archivedLabel(const QString &label, const QDate &date);
bool isArchivedLabel(const QString &label);

class TokenRenewal
{
public:
    TokenRenewal(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                 CmpEndpoint endpoint, RenewalOptions options = {});
    ~TokenRenewal();

    // Logs in, reads the current certificate, finds the pending new key or generates one
    // (after seeding the token's RNG with `seed`, best effort), and prepares the request.
    Error begin(const SecureBuffer &pin, const QByteArray &seed = {});
    // Sends the request, or polls. On Issued the certificate is on the token and the old key
    // has been archived or deleted.
    EnrollStep step();

    QByteArray newKeyId() const { return m_newKeyId; }
    bool resumedPendingKey() const { return m_resumed; }

private:
    Error storeCertificate(const QByteArray &certDer);
    void retireOldKey();

    TokenContext &m_context;
    TokenInfo m_token;
    QByteArray m_currentKeyId;
    CmpEndpoint m_endpoint;
    RenewalOptions m_options;
    std::unique_ptr<TokenSession> m_session;
    X509Ptr m_currentCert;
    QString m_currentLabel;
    EvpPkeyPtr m_oldKey;
    EvpPkeyPtr m_newKey;
    QByteArray m_newKeyId;
    bool m_resumed = false;
    bool m_markedAccepted = false;
    std::unique_ptr<KeyUpdate> m_update;
    TokenKeyStore *m_retainedStore = nullptr; // retained while this renewal holds its keys
};

} // namespace kk
