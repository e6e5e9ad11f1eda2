#include "keykiosk/token/pkcs11module.h"

// A session's life: opening and closing it, login and logout with the process's session book,
// and the token's random generator seeded with the client's entropy.

#include "keykiosk/logging.h"

#include <QMetaEnum>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace kk {

TokenSession::TokenSession(CK_FUNCTION_LIST *functions, CK_SLOT_ID slot, CK_SESSION_HANDLE handle,
                           std::shared_ptr<SessionBook> book)
    : m_functions(functions), m_slot(slot), m_handle(handle), m_book(std::move(book))
{
    ++m_book->open[m_slot];
}

TokenSession::~TokenSession()
{
    logout();
    m_functions->C_CloseSession(m_handle);
    --m_book->open[m_slot];
}

LoginOutcome TokenSession::login(const SecureBuffer &pin)
{
    LoginOutcome outcome;
    auto tryLogin = [this, &pin] {
        return m_functions->C_Login(m_handle, CKU_USER, const_cast<CK_UTF8CHAR_PTR>(pin.bytes()),
                                    CK_ULONG(pin.size()));
    };
    CK_RV rv = tryLogin();
    const QByteArray tag = pinTag(pin);
    if (rv == CKR_USER_ALREADY_LOGGED_IN) {
        // A login is per application and token: another of our sessions (a renewal waiting for
        // the bank) already logged the token in, and the PIN typed now was never checked.
        const auto known = m_book->pinTags.find(m_slot);
        if (!tag.isEmpty() && known != m_book->pinTags.end() &&
            CRYPTO_memcmp(known->second.constData(), tag.constData(), std::size_t(tag.size())) ==
                0) {
            rv = CKR_OK; // the PIN that logged the token in
        } else {
            // Another PIN, or one we cannot compare: the token judges it and counts it if it is
            // wrong. A wrong one ends the earlier login; its holders fail safely and the
            // client is asked for the PIN again.
            m_functions->C_Logout(m_handle);
            rv = tryLogin();
            if (rv != CKR_OK) {
                qCWarning(lcToken)
                    << "a wrong PIN ended the token's earlier login on slot" << m_slot;
                m_book->logins[m_slot] = 0;
                m_book->pinTags.erase(m_slot);
                m_loggedIn = false;
            }
        }
    }
    if (rv == CKR_OK) {
        if (!m_loggedIn)
            ++m_book->logins[m_slot];
        m_loggedIn = true;
        m_book->pinTags[m_slot] = tag;
    } else {
        outcome.error = pkcs11Error("C_Login", rv);
    }

    CK_TOKEN_INFO info{};
    if (m_functions->C_GetTokenInfo(m_slot, &info) == CKR_OK) {
        outcome.pinState = pinStateFromFlags(info.flags);
        if (outcome.error) // staff see the token's flags next to the failure; never the PIN
            outcome.error.detail +=
                QStringLiteral("; PIN state now %1 (flags 0x%2)")
                    .arg(QString::fromLatin1(
                        QMetaEnum::fromType<PinState>().valueToKey(int(outcome.pinState))))
                    .arg(qulonglong(info.flags), 0, 16);
    }
    if (outcome.pinState == PinState::Locked && outcome.error.code == ErrorCode::PinIncorrect)
        outcome.error.code = ErrorCode::PinLocked; // that wrong PIN was the last try
    return outcome;
}

void TokenSession::logout()
{
    if (!m_loggedIn)
        return;
    m_loggedIn = false;
    int &users = m_book->logins[m_slot];
    if (--users <= 0) {
        users = 0;
        m_book->pinTags.erase(m_slot);
        m_functions->C_Logout(m_handle);
    }
}

QByteArray TokenSession::pinTag(const SecureBuffer &pin) const
{
    // Slow and salted, so that the tag of a short PIN is not a lookup away from the PIN.
    constexpr int kIterations = 10000; // about 2 ms here: part of the 40 ms renewal budget
    if (m_book->pinTagSalt.isEmpty()) {
        QByteArray salt(16, '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), salt.size()) != 1)
            return {}; // no randomness: PINs on a logged-in token go to the token instead
        m_book->pinTagSalt = salt;
    }
    QByteArray tag(32, '\0');
    if (PKCS5_PBKDF2_HMAC(pin.c_str(), int(pin.size()),
                          reinterpret_cast<const unsigned char *>(m_book->pinTagSalt.constData()),
                          m_book->pinTagSalt.size(), kIterations, EVP_sha256(), tag.size(),
                          reinterpret_cast<unsigned char *>(tag.data())) != 1)
        return {};
    return tag;
}

bool TokenSession::userLoggedIn() const
{
    CK_SESSION_INFO info{};
    return m_functions->C_GetSessionInfo(m_handle, &info) == CKR_OK &&
           (info.state == CKS_RW_USER_FUNCTIONS || info.state == CKS_RO_USER_FUNCTIONS);
}

SeedOutcome TokenSession::seedRandom(const unsigned char *seed, std::size_t length)
{
    CK_RV rv = m_functions->C_SeedRandom(m_handle, const_cast<CK_BYTE_PTR>(seed), CK_ULONG(length));
    switch (rv) {
    case CKR_OK:
        qCInfo(lcToken) << "token accepted a" << length << "byte seed";
        return SeedOutcome::Seeded;
    case CKR_RANDOM_SEED_NOT_SUPPORTED:
    case CKR_RANDOM_NO_RNG:
    case CKR_FUNCTION_NOT_SUPPORTED:
        // Best effort by design: many tokens seed only from their own hardware RNG.
        qCInfo(lcToken) << "token does not take a seed:" << ckrName(rv);
        return SeedOutcome::NotSupported;
    default:
        qCWarning(lcToken) << "C_SeedRandom failed:" << ckrName(rv);
        return SeedOutcome::Failed;
    }
}

} // namespace kk
