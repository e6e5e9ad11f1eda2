#pragma once
// One profile's key renewal on the token, run on the token thread: a logged-in session, the
// current certificate, and the new key pair through its lifecycle (enroll/lifecycle.h) -
// found or generated, marked accepted, certified, then put into operation while the old key
// is archived. Each write is one step of docs/architecture.md's kill matrix, and each
// method can be repeated after a crash at any point: it reads the token first.
// The journey's steps (journey/) and the synchronous TokenRenewal both work through it.

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/opensslptr.h"
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

class RenewalKeys
{
public:
    RenewalKeys(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                RenewalOptions options = {});
    ~RenewalKeys();
    RenewalKeys(const RenewalKeys &) = delete;
    RenewalKeys &operator=(const RenewalKeys &) = delete;

    // Logs in, reads what the token holds for this profile (key sets paired by what the keys
    // are, and repaired where a kill split them: enroll/tokenrepair.h), and loads the keys that
    // sign: the current one, and a new one already on the token -
    // which is trusted only after its origin is checked (CKA_LOCAL, NEVER_EXTRACTABLE,
    // ALWAYS_SENSITIVE), never by its label.
    Expected<RenewalFacts> open(const SecureBuffer &pin);
    const RenewalFacts &facts() const { return m_facts; }

    // Seeds the token with the client's fresh entropy, then generates the new key pair. An
    // empty seed is refused: a new key is never made without fresh entropy.
    Error generateKey(const QByteArray &seed);
    // pending -> accepted: the bank holds the request, the token alone says «принят банком».
    Error markAccepted();
    // Inside certConf: the certificate goes next to the new key, labelled as not yet in
    // operation. The same certificate already there (a confirmation asked again) is fine.
    Error storeCertificate(const QByteArray &certDer);
    // After the bank confirmed: the old key set is archived (or deleted), then the new one
    // takes the profile's label. Repeating it finishes whatever a crash interrupted.
    Error retireOldKey();
    // The bank refused the new key: it is labelled so (the public key first), and stays as the
    // token's record of the refusal («получен отказ в регистрации») at any kiosk.
    Error markRefused();
    // A new request after a refusal: the refused key goes (the private key first), so that a
    // new one starts afresh.
    Error dropNewKey();

    QByteArray newKeyId() const { return m_facts.newKeyId; }
    bool resumedPendingKey() const { return m_resumed; }
    // The keys that sign, through libp11; valid until this object is destroyed.
    X509 *currentCertificate() const { return m_currentCert.get(); }
    EVP_PKEY *currentKey() const { return m_oldKey.get(); }
    EVP_PKEY *newKey() const { return m_newKey.get(); }

private:
    Error loadNewKey();
    Expected<QVector<TokenKeyEntry>> readRepairedEntries();
    Error relabel(const QByteArray &id, const QString &label, bool publicKeyFirst = false);

    TokenContext &m_context;
    TokenInfo m_token;
    QByteArray m_currentKeyId;
    RenewalOptions m_options;
    std::unique_ptr<TokenSession> m_session;
    TokenKeyStore *m_store = nullptr; // retained while this renewal holds its keys
    RenewalFacts m_facts;
    X509Ptr m_currentCert;
    EvpPkeyPtr m_oldKey;
    EvpPkeyPtr m_newKey;
    bool m_resumed = false;
};

} // namespace kk
