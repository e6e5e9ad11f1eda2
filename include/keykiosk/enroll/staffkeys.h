#pragma once
// A staff member's key on their own token, run on the token thread: logged in with their
// PIN, the staff certificate found by its role (the bank CA's staff policy) and checked - valid
// now and issued by the bank CA - and its key loaded through libp11, to protect the initial
// requests staff authorize. The session stays logged in for as long as staff mode lasts.

#include "keykiosk/opensslptr.h"
#include "keykiosk/token/tokenservice.h"

namespace kk {

class StaffKeys
{
public:
    StaffKeys(TokenContext &context, TokenInfo token, QString staffPolicyOid, QByteArray bankCaPem);
    ~StaffKeys();
    StaffKeys(const StaffKeys &) = delete;
    StaffKeys &operator=(const StaffKeys &) = delete;

    // A wrong PIN comes back as PinIncorrect with the token's PIN state; a token without a
    // staff certificate as NotAStaffToken; an invalid one as StaffCertificateInvalid.
    LoginOutcome open(const SecureBuffer &pin);

    X509 *certificate() const { return m_cert.get(); }
    EVP_PKEY *key() const { return m_key.get(); }
    QString name() const { return m_name; }
    QString title() const { return m_title; }
    QString certificateSerial() const { return m_serial; }
    const TokenInfo &token() const { return m_token; }

private:
    TokenContext &m_context;
    TokenInfo m_token;
    QString m_staffPolicyOid;
    QByteArray m_bankCaPem;
    std::unique_ptr<TokenSession> m_session;
    TokenKeyStore *m_store = nullptr;
    X509Ptr m_cert;
    EvpPkeyPtr m_key;
    QString m_name, m_title, m_serial;
};

} // namespace kk
