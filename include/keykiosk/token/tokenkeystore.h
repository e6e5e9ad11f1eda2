#pragma once
// Token keys as OpenSSL EVP_PKEY objects (through libp11), so that OpenSSL signs on the
// token: CMP protection and proof of possession. The private key never leaves the token;
// the EVP_PKEY only forwards sign operations to it.

#include "keykiosk/expected.h"
#include "keykiosk/opensslptr.h"

#include <memory>

struct PKCS11_slot_st; // libp11's slot

namespace kk {

class TokenKeyStore
{
public:
    // Loads the module through libp11. Create it before the raw Pkcs11Module of the same
    // path: libp11 then owns C_Initialize/C_Finalize and the raw side shares the module.
    static Expected<std::unique_ptr<TokenKeyStore>> open(const QString &modulePath);
    ~TokenKeyStore();
    TokenKeyStore(const TokenKeyStore &) = delete;
    TokenKeyStore &operator=(const TokenKeyStore &) = delete;

    // The private key with CKA_ID `id` on the token with this serial. The caller has logged
    // the token in through its own Pkcs11Module session and keeps that session open while it
    // uses the key: libp11 never sees the PIN, so it never keeps a copy of it.
    // The returned key must not outlive this store.
    Expected<EvpPkeyPtr> privateKey(const QString &tokenSerial, const QByteArray &id);

    // Users that hold keys from this store (renewals, staff mode) retain it while they do, for
    // their token. The last one to release it releases the slots, which makes libp11 close
    // every session on them (the raw layer's too); the last one of a token while others
    // remain makes libp11 forget that token's keys. Keys handed out must be dropped before,
    // and release() comes before the user's raw session closes.
    void retain(const QString &tokenSerial);
    void release(const QString &tokenSerial);
    // Releases the slots now (tests; a kiosk with no renewal under way).
    void releaseSlots();
    // Whether anyone holds keys of this token, and whether libp11 holds any slot at all.
    bool holds(const QString &tokenSerial) const;
    bool holdsSlots() const;

private:
    struct Private;
    Expected<::PKCS11_slot_st *> slotOf(const QString &tokenSerial);
    explicit TokenKeyStore(std::unique_ptr<Private> d);
    std::unique_ptr<Private> d;
};

} // namespace kk
