#pragma once
// Raw PKCS#11 access: loading a module, listing tokens, sessions, login, objects, key
// generation and certificate storage. Not thread-safe by design: the TokenService owns it
// on its worker thread. In backend/token/, by job (as libp11's p11_load, p11_slot, p11_key,
// p11_cert, p11_ckr): pkcs11module.cpp (the module, its slots, opening sessions),
// tokensession.cpp (login, logout, the seed), tokenobjects.cpp (objects, certificates,
// labels), tokenkeys.cpp (key generation per algorithm, key ids, origin checks) and
// pkcs11errors.cpp.

#include "keykiosk/expected.h"
#include "keykiosk/securebuffer.h"
#include "keykiosk/token/pkcs11errors.h"
#include "keykiosk/token/tokentypes.h"

#include <map>
#include <memory>
#include <vector>

#include <p11-kit/pkcs11.h>

namespace kk {

// The mechanisms a generated key may be used with (CKA_ALLOWED_MECHANISMS): signing only.
std::vector<CK_MECHANISM_TYPE> signingMechanisms(KeyAlgorithm algorithm);

class TokenSession;

// This process's sessions per slot: how many are open, how many logged in. PKCS#11 keeps one
// login state per token for the whole application, so C_Logout ends every session's login:
// it is called only when the last logged-in session of that slot closes (two renewals on one
// token, a PIN check while a renewal waits for the bank). The open count says whether
// anything of a token is still held (a sitting's next signer starts from none).
//
// A PIN typed while the token is already logged in is checked against the PIN that logged it
// in, as a salted, slow PBKDF2 tag (never the PIN); a different PIN goes to the token, which
// counts it. Logging out and in again for every PIN would also work, but SoftHSM2 and real
// tokens drop the handles of private objects at C_Logout, so a renewal waiting for the bank
// would lose its keys to a right PIN typed on the next screen.
struct SessionBook
{
    std::map<CK_SLOT_ID, int> logins;
    std::map<CK_SLOT_ID, int> open;
    std::map<CK_SLOT_ID, QByteArray> pinTags; // while logged in
    QByteArray pinTagSalt;                    // random, per process
};

class Pkcs11Module
{
public:
    // Loads the module and calls C_Initialize. A module that another library (libp11)
    // already initialized is accepted; then this object will not finalize it.
    static Expected<std::unique_ptr<Pkcs11Module>> load(const QString &path);
    ~Pkcs11Module();
    Pkcs11Module(const Pkcs11Module &) = delete;
    Pkcs11Module &operator=(const Pkcs11Module &) = delete;

    const QString &path() const { return m_path; }
    CK_FUNCTION_LIST *functions() const { return m_functions; }

    // Slots with a token present.
    Expected<QVector<TokenInfo>> tokens() const;
    Expected<TokenInfo> tokenInfo(CK_SLOT_ID slot) const;
    Expected<std::unique_ptr<TokenSession>> openSession(CK_SLOT_ID slot, bool readWrite) const;
    // This process's sessions on a slot (the raw layer's; libp11 keeps its own).
    int openSessions(CK_SLOT_ID slot) const;
    int loggedInSessions(CK_SLOT_ID slot) const;

private:
    struct LibraryCloser
    {
        void operator()(void *handle) const;
    };
    Pkcs11Module() = default;

    QString m_path;
    std::shared_ptr<SessionBook> m_sessions = std::make_shared<SessionBook>();
    std::unique_ptr<void, LibraryCloser> m_library;
    CK_FUNCTION_LIST *m_functions = nullptr;
    bool m_finalizeOnDestruction = false;
};

struct LoginOutcome
{
    Error error;
    PinState pinState = PinState::Ok; // read back from the token after the attempt
};

// One PKCS#11 session; closed (and logged out, if it logged in) on destruction.
class TokenSession
{
public:
    TokenSession(CK_FUNCTION_LIST *functions, CK_SLOT_ID slot, CK_SESSION_HANDLE handle,
                 std::shared_ptr<SessionBook> book);
    ~TokenSession();
    TokenSession(const TokenSession &) = delete;
    TokenSession &operator=(const TokenSession &) = delete;

    CK_SESSION_HANDLE handle() const { return m_handle; }
    CK_SLOT_ID slot() const { return m_slot; }
    CK_FUNCTION_LIST *functions() const { return m_functions; }

    // Never retried: a wrong PIN costs a try, and the client decides whether to try again.
    LoginOutcome login(const SecureBuffer &pin);
    void logout();
    // Whether the token says this session is logged in as the user now (private objects are
    // visible): a wrong PIN typed elsewhere may have ended the login.
    bool userLoggedIn() const;

    Expected<QVector<TokenKeyEntry>> keyEntries();
    Expected<GeneratedKey> generateKeyPair(KeyAlgorithm algorithm, const QString &label);
    SeedOutcome seedRandom(const unsigned char *seed, std::size_t length);
    Error storeCertificate(const QByteArray &der, const QByteArray &id, const QString &label);
    Expected<KeyProtection> privateKeyProtection(const QByteArray &id);
    // A key is trusted as a signing key of this token only if the token says it generated
    // it (CKA_LOCAL) and it never left (NEVER_EXTRACTABLE, ALWAYS_SENSITIVE): checked right
    // after generation and before a pending key is resumed. A label proves nothing.
    Error checkKeyOrigin(const QByteArray &id);
    // Relabels / destroys every object of a class with this CKA_ID (key lifecycle).
    Error setLabel(CK_OBJECT_CLASS cls, const QByteArray &id, const QString &label);
    Error destroyObjects(CK_OBJECT_CLASS cls, const QByteArray &id);
    Expected<QByteArray> publicKeySpki(const QByteArray &id);

    // The building blocks of the other token jobs (token/keypairs.h): objects of a class (with
    // this CKA_ID, if given), one attribute's value, and a public key object's key as a DER
    // SubjectPublicKeyInfo.
    Expected<QVector<CK_OBJECT_HANDLE>> findObjects(CK_OBJECT_CLASS cls, const QByteArray *id);
    Expected<QByteArray> attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
    Expected<QByteArray> spkiFromPublicKeyObject(CK_OBJECT_HANDLE object);

private:
    QByteArray pinTag(const SecureBuffer &pin) const;

    CK_FUNCTION_LIST *m_functions;
    CK_SLOT_ID m_slot;
    CK_SESSION_HANDLE m_handle;
    std::shared_ptr<SessionBook> m_book;
    bool m_loggedIn = false;
};

// SHA-1 over the subjectPublicKey bits of a DER SubjectPublicKeyInfo: the key identifier
// convention of RFC 5280 4.2.1.2 (1), used as CKA_ID so certificate and keys match by id.
QByteArray subjectKeyIdentifier(const QByteArray &spkiDer);
} // namespace kk
