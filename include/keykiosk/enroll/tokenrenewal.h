#pragma once
// One key renewal on one token, synchronously on the calling thread (the token thread, or a
// tool with no other thread): RenewalKeys for the token's side, KeyUpdate for the bank's,
// both signing directly through libp11. The kiosk's journey does the same work in steps,
// with the bank's traffic on its own thread (journey/); keykiosk-tool, the enrollment tests
// and the benchmark use this. Interrupted at any point, the next attempt resumes with the
// same new key, which the RA recognises (it is idempotent on the new public key).

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/enroll/renewalkeys.h"

namespace kk {

class TokenRenewal
{
public:
    TokenRenewal(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                 CmpEndpoint endpoint, RenewalOptions options = {});
    ~TokenRenewal();

    // Logs in, finds the pending new key or generates one (after seeding the token's RNG
    // with `seed`; with none, with fresh entropy from the OS), and prepares the request.
    Error begin(const SecureBuffer &pin, const QByteArray &seed = {});
    // Sends the request, or polls. On Issued the certificate is on the token, the bank has
    // confirmed it and the old key has been archived or deleted; on a refusal the refused key
    // is dropped.
    EnrollStep step();

    QByteArray newKeyId() const { return m_keys.newKeyId(); }
    bool resumedPendingKey() const { return m_keys.resumedPendingKey(); }

private:
    RenewalKeys m_keys;
    CmpEndpoint m_endpoint;
    std::unique_ptr<KeyUpdate> m_update;
};

} // namespace kk
