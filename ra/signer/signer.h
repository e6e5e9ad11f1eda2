#pragma once
// The bank CA's signer (docs/architecture.md, "The signer"): the only holder of the CA key.
// It builds every certificate from the register alone - the request must be approved there
// and not yet issued, the subject is the register's (the renewed certificate's, or the
// abonent's for an initial request), the public key the one the register holds for the
// request, and the profile its own (validity, key usage, extended key usage, the client
// policy, the CRL distribution point). It also signs the CRL of the register's revocations.
// Whatever the network process asks, it can only name a request.
//
// `keykiosk-ra signer` runs it as a process of its own behind a local socket; without a
// [signer] section the RA runs it in-process (one process holds the key, as before).

#include "store.h"

#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"

namespace kk::ra {

struct SignerProfile
{
    QString clientPolicyOid;
    int validityDays = 365;
    QString crlUrl;            // the distribution point certificates carry (empty: none)
    int crlValidityHours = 24; // nextUpdate
};

class Signer
{
public:
    Signer(X509Ptr caCert, EvpPkeyPtr caKey, SignerProfile profile, Store *store);

    // The certificate (DER) for request `requestId`, or why not.
    Expected<QByteArray> issue(qint64 requestId);
    // A CRL (DER) of every revocation in the register, signed now.
    Expected<QByteArray> crl();

private:
    X509Ptr m_caCert;
    EvpPkeyPtr m_caKey;
    SignerProfile m_profile;
    Store *m_store;
};

} // namespace kk::ra
