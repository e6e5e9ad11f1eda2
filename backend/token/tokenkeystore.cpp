#include "keykiosk/token/tokenkeystore.h"

#include "keykiosk/logging.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>

#include <libp11.h>

namespace kk {

struct TokenKeyStore::Private
{
    PKCS11_CTX *ctx = nullptr;
    bool loaded = false;
    PKCS11_SLOT *slotList = nullptr;
    unsigned int slotCount = 0;
    int users = 0;                    // renewals and staff sessions holding keys from these slots
    QHash<QString, int> usersByToken; // the same, by token serial

    ~Private()
    {
        // EVP_PKEYs handed out reference these slotList: callers drop them first (documented).
        if (slotList)
            PKCS11_release_all_slots(ctx, slotList, slotCount);
        if (loaded)
            PKCS11_CTX_unload(ctx);
        if (ctx)
            PKCS11_CTX_free(ctx);
    }
};

TokenKeyStore::TokenKeyStore(std::unique_ptr<Private> priv) : d(std::move(priv)) {}
TokenKeyStore::~TokenKeyStore() = default;

Expected<std::unique_ptr<TokenKeyStore>> TokenKeyStore::open(const QString &modulePath)
{
    if (!QFileInfo::exists(modulePath))
        return Error(ErrorCode::ModuleNotFound,
                     QStringLiteral("PKCS#11 module not found: '%1'").arg(modulePath));
    auto priv = std::make_unique<Private>();
    priv->ctx = PKCS11_CTX_new();
    if (!priv->ctx)
        return Error(ErrorCode::Internal, QStringLiteral("PKCS11_CTX_new failed"));
    if (PKCS11_CTX_load(priv->ctx, QFile::encodeName(modulePath).constData()) != 0)
        return Error(ErrorCode::ModuleBroken,
                     QStringLiteral("libp11 could not load '%1'").arg(modulePath));
    priv->loaded = true;
    return std::unique_ptr<TokenKeyStore>(new TokenKeyStore(std::move(priv)));
}

void TokenKeyStore::retain(const QString &tokenSerial)
{
    ++d->users;
    ++d->usersByToken[tokenSerial];
}

void TokenKeyStore::release(const QString &tokenSerial)
{
    if (d->users <= 0)
        return;
    int &tokenUsers = d->usersByToken[tokenSerial];
    tokenUsers = qMax(0, tokenUsers - 1);
    // Another user (staff mode's key, the next signer of a multi-signer session) may still
    // hold keys that point into these slots: only the last one lets them go.
    if (--d->users == 0) {
        d->usersByToken.clear();
        releaseSlots();
        return;
    }
    // This token's last user: libp11 forgets its keys, so that the next user of the token
    // finds them afresh under its own login (the raw session's logout ends the login).
    if (tokenUsers == 0) {
        d->usersByToken.remove(tokenSerial);
        for (unsigned int i = 0; i < d->slotCount; ++i) {
            PKCS11_SLOT *slot = &d->slotList[i];
            if (slot->token && QString::fromUtf8(slot->token->serialnr).trimmed() == tokenSerial)
                PKCS11_logout(slot);
        }
    }
}

void TokenKeyStore::releaseSlots()
{
    if (d->slotList)
        PKCS11_release_all_slots(d->ctx, d->slotList, d->slotCount);
    d->slotList = nullptr;
    d->slotCount = 0;
}

bool TokenKeyStore::holds(const QString &tokenSerial) const
{
    return d->usersByToken.value(tokenSerial) > 0;
}

bool TokenKeyStore::holdsSlots() const
{
    return d->slotList != nullptr;
}

Expected<PKCS11_SLOT *> TokenKeyStore::slotOf(const QString &tokenSerial)
{
    // libp11 closes every session of a slot when it releases the slot or changes its
    // session mode, and that would kill the raw sessions the token layer holds. So slots
    // are enumerated once and again only when the serial is not among them (a swap), and
    // PKCS11_open_session is never called: libp11 opens its own read-only sessions, which
    // is all signing needs (certificates are stored through the raw layer).
    auto findSlot = [this, &tokenSerial]() -> PKCS11_SLOT * {
        for (unsigned int i = 0; i < d->slotCount; ++i) {
            PKCS11_SLOT *candidate = &d->slotList[i];
            if (candidate->token &&
                QString::fromUtf8(candidate->token->serialnr).trimmed() == tokenSerial)
                return candidate;
        }
        return nullptr;
    };
    PKCS11_SLOT *slot = findSlot();
    if (!slot) {
        if (PKCS11_enumerate_slots(d->ctx, &d->slotList, &d->slotCount) != 0)
            return Error(ErrorCode::TokenFailure,
                         QStringLiteral("libp11: enumerating slots failed"));
        slot = findSlot();
    }
    if (!slot)
        return Error(ErrorCode::TokenRemoved,
                     QStringLiteral("no token with serial %1").arg(tokenSerial));
    // No PKCS11_login, ever: libp11 would keep a copy of the PIN in its heap (to log in again
    // after a fork) for as long as it holds the slot, that is while the bank decides. A
    // PKCS#11 login belongs to the application, so the caller's raw session, logged in with
    // the wiped buffer, is what lets libp11's sessions use the private keys.
    return slot;
}

Expected<EvpPkeyPtr> TokenKeyStore::privateKey(const QString &tokenSerial, const QByteArray &id)
{
    auto found = slotOf(tokenSerial);
    if (!found)
        return found.error();
    PKCS11_SLOT *slot = found.value();

    PKCS11_KEY *keys = nullptr;
    unsigned int keyCount = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &keyCount) != 0)
        return Error(ErrorCode::TokenFailure, QStringLiteral("libp11: enumerating keys failed"));
    for (unsigned int i = 0; i < keyCount; ++i) {
        PKCS11_KEY *key = &keys[i];
        if (!key->isPrivate ||
            QByteArray(reinterpret_cast<const char *>(key->id), int(key->id_len)) != id)
            continue;
        EvpPkeyPtr evp(PKCS11_get_private_key(key));
        if (!evp)
            return Error(ErrorCode::TokenFailure, QStringLiteral("libp11: no EVP_PKEY for key %1")
                                                      .arg(QString::fromLatin1(id.toHex())));
        return evp;
    }
    // Private keys are visible only to a logged-in application: the caller's session did not
    // log in, or a wrong PIN typed since then ended the login (Pkcs11Module's login()).
    return Error(ErrorCode::ObjectNotFound,
                 QStringLiteral("no private key with id %1 (is the token logged in?)")
                     .arg(QString::fromLatin1(id.toHex())));
}

} // namespace kk
