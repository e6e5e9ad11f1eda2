#include "keykiosk/token/pkcs11module.h"

#include "attributetemplate.h"
#include "publickeys.h"

#include "keykiosk/logging.h"

#include "keykiosk/opensslptr.h"
#include <QMetaEnum>

#include <QFileInfo>
#include <QHash>
#include <QMap>

#include <dlfcn.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace kk {

namespace {

QString fixedText(const CK_UTF8CHAR *text, std::size_t length)
{
    // PKCS#11 pads fixed-size text fields with blanks and does not terminate them.
    return QString::fromUtf8(reinterpret_cast<const char *>(text), int(length)).trimmed();
}

} // namespace

QString ckrName(CK_RV rv)
{
    switch (rv) {
#define KK_CKR(name)                                                                               \
    case name:                                                                                     \
        return QStringLiteral(#name);
        KK_CKR(CKR_OK)
        KK_CKR(CKR_GENERAL_ERROR)
        KK_CKR(CKR_HOST_MEMORY)
        KK_CKR(CKR_FUNCTION_FAILED)
        KK_CKR(CKR_ARGUMENTS_BAD)
        KK_CKR(CKR_ATTRIBUTE_READ_ONLY)
        KK_CKR(CKR_ATTRIBUTE_SENSITIVE)
        KK_CKR(CKR_ATTRIBUTE_TYPE_INVALID)
        KK_CKR(CKR_ATTRIBUTE_VALUE_INVALID)
        KK_CKR(CKR_DEVICE_ERROR)
        KK_CKR(CKR_DEVICE_MEMORY)
        KK_CKR(CKR_DEVICE_REMOVED)
        KK_CKR(CKR_FUNCTION_NOT_SUPPORTED)
        KK_CKR(CKR_KEY_HANDLE_INVALID)
        KK_CKR(CKR_MECHANISM_INVALID)
        KK_CKR(CKR_MECHANISM_PARAM_INVALID)
        KK_CKR(CKR_OBJECT_HANDLE_INVALID)
        KK_CKR(CKR_PIN_INCORRECT)
        KK_CKR(CKR_PIN_INVALID)
        KK_CKR(CKR_PIN_LEN_RANGE)
        KK_CKR(CKR_PIN_EXPIRED)
        KK_CKR(CKR_PIN_LOCKED)
        KK_CKR(CKR_SESSION_CLOSED)
        KK_CKR(CKR_SESSION_HANDLE_INVALID)
        KK_CKR(CKR_SESSION_READ_ONLY)
        KK_CKR(CKR_SLOT_ID_INVALID)
        KK_CKR(CKR_TEMPLATE_INCOMPLETE)
        KK_CKR(CKR_TEMPLATE_INCONSISTENT)
        KK_CKR(CKR_TOKEN_NOT_PRESENT)
        KK_CKR(CKR_TOKEN_NOT_RECOGNIZED)
        KK_CKR(CKR_TOKEN_WRITE_PROTECTED)
        KK_CKR(CKR_USER_ALREADY_LOGGED_IN)
        KK_CKR(CKR_USER_NOT_LOGGED_IN)
        KK_CKR(CKR_USER_PIN_NOT_INITIALIZED)
        KK_CKR(CKR_USER_TYPE_INVALID)
        KK_CKR(CKR_RANDOM_SEED_NOT_SUPPORTED)
        KK_CKR(CKR_RANDOM_NO_RNG)
        KK_CKR(CKR_BUFFER_TOO_SMALL)
        KK_CKR(CKR_CRYPTOKI_NOT_INITIALIZED)
        KK_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED)
#undef KK_CKR
    default:
        return QStringLiteral("CKR_0x%1").arg(qulonglong(rv), 8, 16, QLatin1Char('0'));
    }
}

ErrorCode errorCodeFromCkr(CK_RV rv)
{
    switch (rv) {
    case CKR_OK:
        return ErrorCode::None;
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SLOT_ID_INVALID:
        return ErrorCode::TokenRemoved;
    case CKR_PIN_INCORRECT:
        return ErrorCode::PinIncorrect;
    case CKR_PIN_LOCKED:
        return ErrorCode::PinLocked;
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
        return ErrorCode::PinInvalid;
    case CKR_PIN_EXPIRED:
        return ErrorCode::PinExpired;
    case CKR_USER_NOT_LOGGED_IN:
        return ErrorCode::NotLoggedIn;
    case CKR_TOKEN_WRITE_PROTECTED:
    case CKR_SESSION_READ_ONLY:
        return ErrorCode::TokenReadOnly;
    default:
        return ErrorCode::TokenFailure;
    }
}

Error pkcs11Error(const char *call, CK_RV rv)
{
    return Error(errorCodeFromCkr(rv),
                 QStringLiteral("%1 returned %2").arg(QLatin1String(call), ckrName(rv)));
}

PinState pinStateFromFlags(unsigned long flags)
{
    if (flags & CKF_USER_PIN_LOCKED)
        return PinState::Locked;
    if (!(flags & CKF_USER_PIN_INITIALIZED))
        return PinState::NotInitialized;
    if (flags & CKF_USER_PIN_TO_BE_CHANGED)
        return PinState::MustChange;
    if (flags & CKF_USER_PIN_FINAL_TRY)
        return PinState::FinalTry;
    if (flags & CKF_USER_PIN_COUNT_LOW)
        return PinState::CountLow;
    return PinState::Ok;
}

QByteArray subjectKeyIdentifier(const QByteArray &spkiDer)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spkiDer.constData());
    X509PubkeyPtr pub(d2i_X509_PUBKEY(nullptr, &p, spkiDer.size()));
    const unsigned char *bits = nullptr;
    int bitsLength = 0;
    if (!pub || !X509_PUBKEY_get0_param(nullptr, &bits, &bitsLength, nullptr, pub.get()))
        return {};
    QByteArray digest(SHA_DIGEST_LENGTH, Qt::Uninitialized);
    SHA1(bits, std::size_t(bitsLength), reinterpret_cast<unsigned char *>(digest.data()));
    return digest;
}

// ---------------------------------------------------------------------------------------
// Pkcs11Module

void Pkcs11Module::LibraryCloser::operator()(void *handle) const
{
    if (handle)
        dlclose(handle);
}

Expected<std::unique_ptr<Pkcs11Module>> Pkcs11Module::load(const QString &path)
{
    if (path.isEmpty() || !QFileInfo::exists(path))
        return Error(ErrorCode::ModuleNotFound,
                     QStringLiteral("PKCS#11 module not found: '%1'").arg(path));

    std::unique_ptr<Pkcs11Module> module(new Pkcs11Module);
    module->m_path = path;
    module->m_library.reset(dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_LOCAL));
    if (!module->m_library)
        return Error(
            ErrorCode::ModuleBroken,
            QStringLiteral("dlopen('%1') failed: %2").arg(path, QString::fromLocal8Bit(dlerror())));

    auto getFunctionList =
        reinterpret_cast<CK_C_GetFunctionList>(dlsym(module->m_library.get(), "C_GetFunctionList"));
    if (!getFunctionList)
        return Error(ErrorCode::ModuleBroken,
                     QStringLiteral("'%1' has no C_GetFunctionList").arg(path));
    CK_RV rv = getFunctionList(&module->m_functions);
    if (rv != CKR_OK || !module->m_functions)
        return Error(
            ErrorCode::ModuleBroken,
            QStringLiteral("C_GetFunctionList of '%1' returned %2").arg(path, ckrName(rv)));

    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    rv = module->m_functions->C_Initialize(&args);
    if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        // libp11 in this process initialized it first; whoever initialized finalizes.
        module->m_finalizeOnDestruction = false;
    } else if (rv != CKR_OK) {
        return Error(ErrorCode::ModuleBroken,
                     QStringLiteral("C_Initialize of '%1' returned %2").arg(path, ckrName(rv)));
    } else {
        module->m_finalizeOnDestruction = true;
    }

    CK_INFO info{};
    if (module->m_functions->C_GetInfo(&info) == CKR_OK) {
        qCInfo(lcToken) << "loaded PKCS#11 module" << path << "from"
                        << fixedText(info.manufacturerID, sizeof info.manufacturerID)
                        << fixedText(info.libraryDescription, sizeof info.libraryDescription);
    }
    return module;
}

Pkcs11Module::~Pkcs11Module()
{
    if (m_functions && m_finalizeOnDestruction)
        m_functions->C_Finalize(nullptr);
}

Expected<QVector<TokenInfo>> Pkcs11Module::tokens() const
{
    CK_ULONG count = 0;
    CK_RV rv = m_functions->C_GetSlotList(CK_TRUE, nullptr, &count);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetSlotList", rv);
    std::vector<CK_SLOT_ID> slotIds(count);
    rv = m_functions->C_GetSlotList(CK_TRUE, slotIds.data(), &count);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetSlotList", rv);
    slotIds.resize(count);

    QVector<TokenInfo> result;
    for (CK_SLOT_ID slot : slotIds) {
        auto info = tokenInfo(slot);
        if (info.ok() && !(info->flags & CKF_TOKEN_INITIALIZED))
            qCDebug(lcToken) << "skipping uninitialized token in slot"
                             << slot; // e.g. SoftHSM's spare slot
        else if (info.ok())
            result << info.value();
        else
            qCWarning(lcToken) << "skipping slot" << slot << info.error().logText();
    }
    return result;
}

Expected<TokenInfo> Pkcs11Module::tokenInfo(CK_SLOT_ID slot) const
{
    CK_SLOT_INFO slotInfo{};
    CK_RV rv = m_functions->C_GetSlotInfo(slot, &slotInfo);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetSlotInfo", rv);
    CK_TOKEN_INFO tokenInfo{};
    rv = m_functions->C_GetTokenInfo(slot, &tokenInfo);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetTokenInfo", rv);

    TokenInfo info;
    info.slotId = slot;
    info.slotDescription = fixedText(slotInfo.slotDescription, sizeof slotInfo.slotDescription);
    info.label = fixedText(tokenInfo.label, sizeof tokenInfo.label);
    info.serial = fixedText(tokenInfo.serialNumber, sizeof tokenInfo.serialNumber);
    info.model = fixedText(tokenInfo.model, sizeof tokenInfo.model);
    info.manufacturer = fixedText(tokenInfo.manufacturerID, sizeof tokenInfo.manufacturerID);
    info.flags = tokenInfo.flags;
    info.pinState = pinStateFromFlags(tokenInfo.flags);
    info.loginRequired = tokenInfo.flags & CKF_LOGIN_REQUIRED;
    info.writeProtected = tokenInfo.flags & CKF_WRITE_PROTECTED;
    info.minPinLength = tokenInfo.ulMinPinLen;
    info.maxPinLength = tokenInfo.ulMaxPinLen;
    return info;
}

Expected<std::unique_ptr<TokenSession>> Pkcs11Module::openSession(CK_SLOT_ID slot,
                                                                  bool readWrite) const
{
    CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
    CK_FLAGS flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
    CK_RV rv = m_functions->C_OpenSession(slot, flags, nullptr, nullptr, &handle);
    if (rv != CKR_OK)
        return pkcs11Error("C_OpenSession", rv);
    return std::make_unique<TokenSession>(m_functions, slot, handle, m_sessions);
}

int Pkcs11Module::openSessions(CK_SLOT_ID slot) const
{
    const auto it = m_sessions->open.find(slot);
    return it == m_sessions->open.end() ? 0 : it->second;
}

int Pkcs11Module::loggedInSessions(CK_SLOT_ID slot) const
{
    const auto it = m_sessions->logins.find(slot);
    return it == m_sessions->logins.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------
// TokenSession

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

Expected<QVector<CK_OBJECT_HANDLE>> TokenSession::findObjects(CK_OBJECT_CLASS cls,
                                                              const QByteArray *id)
{
    AttributeTemplate query;
    query.add(CKA_CLASS, &cls, sizeof cls);
    if (id)
        query.addBytes(CKA_ID, *id);
    CK_RV rv = m_functions->C_FindObjectsInit(m_handle, query.data(), query.size());
    if (rv != CKR_OK)
        return pkcs11Error("C_FindObjectsInit", rv);
    QVector<CK_OBJECT_HANDLE> found;
    for (;;) {
        CK_OBJECT_HANDLE batch[32];
        CK_ULONG count = 0;
        rv = m_functions->C_FindObjects(m_handle, batch, 32, &count);
        if (rv != CKR_OK) {
            m_functions->C_FindObjectsFinal(m_handle);
            return pkcs11Error("C_FindObjects", rv);
        }
        for (CK_ULONG i = 0; i < count; ++i)
            found << batch[i];
        if (count < 32)
            break;
    }
    m_functions->C_FindObjectsFinal(m_handle);
    return found;
}

Expected<QByteArray> TokenSession::attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type)
{
    CK_ATTRIBUTE attr{type, nullptr, 0};
    CK_RV rv = m_functions->C_GetAttributeValue(m_handle, object, &attr, 1);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetAttributeValue", rv);
    if (attr.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("attribute 0x%1 unavailable").arg(type, 0, 16));
    QByteArray value(int(attr.ulValueLen), Qt::Uninitialized);
    attr.pValue = value.data();
    rv = m_functions->C_GetAttributeValue(m_handle, object, &attr, 1);
    if (rv != CKR_OK)
        return pkcs11Error("C_GetAttributeValue", rv);
    value.resize(int(attr.ulValueLen));
    return value;
}

Expected<QVector<TokenKeyEntry>> TokenSession::keyEntries()
{
    QMap<QByteArray, TokenKeyEntry> byId;
    QVector<TokenKeyEntry> withoutId;
    const CK_OBJECT_CLASS classes[] = {CKO_CERTIFICATE, CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
    for (CK_OBJECT_CLASS cls : classes) {
        auto objects = findObjects(cls, nullptr);
        if (!objects)
            return objects.error();
        for (CK_OBJECT_HANDLE object : objects.value()) {
            auto idValue = attribute(object, CKA_ID);
            const QByteArray id = idValue ? idValue.value() : QByteArray();
            auto labelValue = attribute(object, CKA_LABEL);
            const QString label = labelValue ? QString::fromUtf8(labelValue.value()) : QString();
            TokenKeyEntry scratch;
            TokenKeyEntry &entry = id.isEmpty() ? scratch : byId[id];
            entry.id = id;
            if (cls == CKO_CERTIFICATE) {
                auto value = attribute(object, CKA_VALUE);
                if (!value)
                    return value.error();
                entry.certificateDer = value.value();
                entry.certificateLabel = label;
            } else {
                if (entry.label.isEmpty())
                    entry.label = label;
                entry.keyLabels << label;
                (cls == CKO_PRIVATE_KEY ? entry.hasPrivateKey : entry.hasPublicKey) = true;
                auto keyType = attribute(object, CKA_KEY_TYPE);
                if (keyType && keyType->size() == int(sizeof(CK_KEY_TYPE)))
                    entry.keyType = *reinterpret_cast<const CK_KEY_TYPE *>(keyType->constData());
            }
            if (id.isEmpty())
                withoutId << scratch;
        }
    }
    QVector<TokenKeyEntry> entries = byId.values().toVector();
    entries += withoutId;
    return entries;
}

Expected<QByteArray> TokenSession::spkiFromPublicKeyObject(CK_OBJECT_HANDLE object)
{
    // A public key object; a private key too, where the token shows its public material.
    auto keyType = attribute(object, CKA_KEY_TYPE);
    if (!keyType || keyType->size() != int(sizeof(CK_KEY_TYPE)))
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("public key has no readable CKA_KEY_TYPE"));
    const CK_KEY_TYPE type = *reinterpret_cast<const CK_KEY_TYPE *>(keyType->constData());
    QByteArray spki;
    if (type == CKK_EC) {
        auto params = attribute(object, CKA_EC_PARAMS);
        auto point = attribute(object, CKA_EC_POINT);
        if (!params || !point)
            return Error(ErrorCode::TokenFailure,
                         QStringLiteral("EC public key lacks CKA_EC_PARAMS/CKA_EC_POINT"));
        spki = ecSpki(params.value(), point.value());
    } else if (type == CKK_RSA) {
        auto modulus = attribute(object, CKA_MODULUS);
        auto exponent = attribute(object, CKA_PUBLIC_EXPONENT);
        if (!modulus || !exponent)
            return Error(ErrorCode::TokenFailure,
                         QStringLiteral("RSA public key lacks modulus/exponent"));
        spki = rsaSpki(modulus.value(), exponent.value());
    } else {
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("unsupported key type 0x%1").arg(type, 0, 16));
    }
    if (spki.isEmpty())
        return Error(ErrorCode::TokenFailure,
                     QStringLiteral("public key on token could not be decoded"));
    return spki;
}

Expected<QByteArray> TokenSession::publicKeySpki(const QByteArray &id)
{
    auto objects = findObjects(CKO_PUBLIC_KEY, &id);
    if (!objects)
        return objects.error();
    if (objects->isEmpty())
        return Error(
            ErrorCode::ObjectNotFound,
            QStringLiteral("no public key with id %1").arg(QString::fromLatin1(id.toHex())));
    return spkiFromPublicKeyObject(objects->first());
}

Expected<GeneratedKey> TokenSession::generateKeyPair(KeyAlgorithm algorithm, const QString &label)
{
    // A random provisional CKA_ID until the public key is known; replaced below.
    QByteArray provisionalId(16, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(provisionalId.data()), provisionalId.size()) !=
        1) // two pending keys with one id could be confused: no key without it
        return Error(ErrorCode::Internal,
                     QStringLiteral("no randomness for a provisional key id (RAND_bytes failed)"));
    const QByteArray labelUtf8 = label.toUtf8();

    static const CK_BYTE p256Oid[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    static const CK_BYTE rsaExponent[] = {0x01, 0x00, 0x01};
    const CK_ULONG rsaBits = 2048;

    CK_MECHANISM mechanism{algorithm == KeyAlgorithm::EcP256 ? CKM_EC_KEY_PAIR_GEN
                                                             : CKM_RSA_PKCS_KEY_PAIR_GEN,
                           nullptr, 0};
    // Class and key type are spelled out: vendor modules (JaCarta, Rutoken) expect them.
    const CK_OBJECT_CLASS privateClass = CKO_PRIVATE_KEY;
    const CK_KEY_TYPE keyType = algorithm == KeyAlgorithm::EcP256 ? CKK_EC : CKK_RSA;
    const std::vector<CK_MECHANISM_TYPE> mechanisms = signingMechanisms(algorithm);
    AttributeTemplate pub;
    pub.addPublicKeyBasics(keyType, provisionalId, labelUtf8);
    if (algorithm == KeyAlgorithm::EcP256) {
        pub.add(CKA_EC_PARAMS, p256Oid, sizeof p256Oid);
    } else {
        pub.add(CKA_MODULUS_BITS, &rsaBits, sizeof rsaBits);
        pub.add(CKA_PUBLIC_EXPONENT, rsaExponent, sizeof rsaExponent);
    }
    // The design's rule: the private key can sign and nothing else, and never leaves.
    AttributeTemplate priv;
    priv.add(CKA_CLASS, &privateClass, sizeof privateClass);
    priv.add(CKA_KEY_TYPE, &keyType, sizeof keyType);
    priv.addBool(CKA_TOKEN, true);
    priv.addBool(CKA_PRIVATE, true);
    priv.addBool(CKA_SENSITIVE, true);
    priv.addBool(CKA_SIGN, true);
    priv.addBool(CKA_EXTRACTABLE, false);
    priv.addBool(CKA_DECRYPT, false);
    priv.addBool(CKA_UNWRAP, false);
    priv.addBool(CKA_DERIVE, false);
    priv.addBool(CKA_SIGN_RECOVER, false);
    priv.addBool(CKA_COPYABLE, false);
    priv.add(CKA_ALLOWED_MECHANISMS, mechanisms.data(),
             mechanisms.size() * sizeof(CK_MECHANISM_TYPE));
    priv.addBytes(CKA_ID, provisionalId);
    priv.addBytes(CKA_LABEL, labelUtf8);

    CK_OBJECT_HANDLE publicKey = CK_INVALID_HANDLE, privateKey = CK_INVALID_HANDLE;
    CK_RV rv = m_functions->C_GenerateKeyPair(m_handle, &mechanism, pub.data(), pub.size(),
                                              priv.data(), priv.size(), &publicKey, &privateKey);
    if (rv != CKR_OK) {
        Error error = pkcs11Error("C_GenerateKeyPair", rv);
        if (error.code == ErrorCode::TokenFailure)
            error.code = ErrorCode::KeyGenerationFailed;
        return error;
    }

    auto destroyBoth = [&] {
        m_functions->C_DestroyObject(m_handle, privateKey);
        m_functions->C_DestroyObject(m_handle, publicKey);
    };
    auto spki = spkiFromPublicKeyObject(publicKey);
    if (!spki) {
        destroyBoth();
        return spki.error();
    }
    GeneratedKey key;
    key.algorithm = algorithm;
    key.publicKeySpki = spki.value();
    key.id = subjectKeyIdentifier(key.publicKeySpki);
    AttributeTemplate idTemplate;
    idTemplate.addBytes(CKA_ID, key.id);
    rv =
        m_functions->C_SetAttributeValue(m_handle, publicKey, idTemplate.data(), idTemplate.size());
    if (rv == CKR_OK)
        rv = m_functions->C_SetAttributeValue(m_handle, privateKey, idTemplate.data(),
                                              idTemplate.size());
    if (rv != CKR_OK) {
        destroyBoth();
        Error error = pkcs11Error("C_SetAttributeValue(CKA_ID)", rv);
        if (error.code == ErrorCode::TokenFailure)
            error.code = ErrorCode::KeyGenerationFailed;
        return error;
    }
    // The same check a resumed key must pass: the token says it made the key and never let
    // it out. A module that ignores the template fails here, not later.
    if (Error untrusted = checkKeyOrigin(key.id)) {
        destroyBoth();
        return untrusted;
    }
    qCInfo(lcToken) << "generated" << algorithm << "key pair with id" << key.id.toHex();
    return key;
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

Error TokenSession::storeCertificate(const QByteArray &der, const QByteArray &id,
                                     const QString &label)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
    if (!cert)
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("certificate to store is not valid DER"));
    const QByteArray subject = derBytes(
        [&](unsigned char **out) { return i2d_X509_NAME(X509_get_subject_name(cert.get()), out); });
    const QByteArray issuer = derBytes(
        [&](unsigned char **out) { return i2d_X509_NAME(X509_get_issuer_name(cert.get()), out); });
    const QByteArray serial = derBytes([&](unsigned char **out) {
        return i2d_ASN1_INTEGER(X509_get0_serialNumber(cert.get()), out);
    });
    const QByteArray labelUtf8 = label.toUtf8();

    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE certType = CKC_X_509;
    AttributeTemplate object;
    object.add(CKA_CLASS, &cls, sizeof cls);
    object.add(CKA_CERTIFICATE_TYPE, &certType, sizeof certType);
    object.addBool(CKA_TOKEN, true);
    object.addBool(CKA_PRIVATE, false);
    object.addBytes(CKA_ID, id);
    object.addBytes(CKA_LABEL, labelUtf8);
    object.addBytes(CKA_SUBJECT, subject);
    object.addBytes(CKA_ISSUER, issuer);
    object.addBytes(CKA_SERIAL_NUMBER, serial);
    object.addBytes(CKA_VALUE, der);
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    CK_RV rv = m_functions->C_CreateObject(m_handle, object.data(), object.size(), &handle);
    if (rv != CKR_OK) {
        Error error = pkcs11Error("C_CreateObject(certificate)", rv);
        if (error.code == ErrorCode::TokenFailure)
            error.code = ErrorCode::TokenWriteFailed;
        return error;
    }
    qCInfo(lcToken) << "stored certificate with id" << id.toHex();
    return {};
}

Error TokenSession::setLabel(CK_OBJECT_CLASS cls, const QByteArray &id, const QString &label)
{
    auto objects = findObjects(cls, &id);
    if (!objects)
        return objects.error();
    const QByteArray utf8 = label.toUtf8();
    for (CK_OBJECT_HANDLE object : objects.value()) {
        AttributeTemplate attributes;
        attributes.addBytes(CKA_LABEL, utf8);
        const CK_RV rv = m_functions->C_SetAttributeValue(m_handle, object, attributes.data(),
                                                          attributes.size());
        if (rv != CKR_OK)
            return pkcs11Error("C_SetAttributeValue(CKA_LABEL)", rv);
    }
    return {};
}

Error TokenSession::destroyObjects(CK_OBJECT_CLASS cls, const QByteArray &id)
{
    auto objects = findObjects(cls, &id);
    if (!objects)
        return objects.error();
    for (CK_OBJECT_HANDLE object : objects.value()) {
        const CK_RV rv = m_functions->C_DestroyObject(m_handle, object);
        if (rv != CKR_OK)
            return pkcs11Error("C_DestroyObject", rv);
    }
    return {};
}

std::vector<CK_MECHANISM_TYPE> signingMechanisms(KeyAlgorithm algorithm)
{
    // Signing only: OpenSSL hashes and the token signs the digest (libp11), or the token
    // hashes itself. No raw RSA (CKM_RSA_X_509), nothing that decrypts or derives.
    if (algorithm == KeyAlgorithm::EcP256)
        return {CKM_ECDSA, CKM_ECDSA_SHA256, CKM_ECDSA_SHA384, CKM_ECDSA_SHA512};
    return {CKM_RSA_PKCS,
            CKM_RSA_PKCS_PSS,
            CKM_SHA256_RSA_PKCS,
            CKM_SHA384_RSA_PKCS,
            CKM_SHA512_RSA_PKCS,
            CKM_SHA256_RSA_PKCS_PSS,
            CKM_SHA384_RSA_PKCS_PSS,
            CKM_SHA512_RSA_PKCS_PSS};
}

Error TokenSession::checkKeyOrigin(const QByteArray &id)
{
    auto protection = privateKeyProtection(id);
    if (!protection)
        return protection.error();
    const KeyProtection &p = protection.value();
    if (p.local && p.neverExtractable && p.alwaysSensitive && p.sensitive && !p.extractable)
        return {};
    return Error(ErrorCode::KeyNotTrusted,
                 QStringLiteral("key %1 was not generated on the token or has left it "
                                "(LOCAL %2, NEVER_EXTRACTABLE %3, ALWAYS_SENSITIVE %4, "
                                "SENSITIVE %5, EXTRACTABLE %6)")
                     .arg(QString::fromLatin1(id.toHex()))
                     .arg(p.local)
                     .arg(p.neverExtractable)
                     .arg(p.alwaysSensitive)
                     .arg(p.sensitive)
                     .arg(p.extractable));
}

Expected<KeyProtection> TokenSession::privateKeyProtection(const QByteArray &id)
{
    auto objects = findObjects(CKO_PRIVATE_KEY, &id);
    if (!objects)
        return objects.error();
    if (objects->isEmpty())
        return Error(
            ErrorCode::ObjectNotFound,
            QStringLiteral("no private key with id %1").arg(QString::fromLatin1(id.toHex())));
    const CK_OBJECT_HANDLE key = objects->first();
    KeyProtection protection;
    auto flag = [&](CK_ATTRIBUTE_TYPE type, bool &out) {
        CK_BBOOL value = CK_FALSE;
        CK_ATTRIBUTE attr{type, &value, sizeof value};
        if (m_functions->C_GetAttributeValue(m_handle, key, &attr, 1) == CKR_OK)
            out = value == CK_TRUE;
    };
    flag(CKA_TOKEN, protection.isToken);
    flag(CKA_PRIVATE, protection.isPrivate);
    flag(CKA_SENSITIVE, protection.sensitive);
    flag(CKA_ALWAYS_SENSITIVE, protection.alwaysSensitive);
    flag(CKA_EXTRACTABLE, protection.extractable);
    flag(CKA_NEVER_EXTRACTABLE, protection.neverExtractable);
    flag(CKA_LOCAL, protection.local);
    flag(CKA_SIGN, protection.sign);
    flag(CKA_DECRYPT, protection.decrypt);
    flag(CKA_UNWRAP, protection.unwrap);
    flag(CKA_DERIVE, protection.derive);
    flag(CKA_SIGN_RECOVER, protection.signRecover);
    flag(CKA_COPYABLE, protection.copyable);
    if (auto allowed = attribute(key, CKA_ALLOWED_MECHANISMS)) {
        const auto *types = reinterpret_cast<const CK_MECHANISM_TYPE *>(allowed->constData());
        for (std::size_t i = 0; i < std::size_t(allowed->size()) / sizeof(CK_MECHANISM_TYPE); ++i)
            protection.allowedMechanisms << quint64(types[i]);
    }
    protection.valueReadable = false;
    for (CK_ATTRIBUTE_TYPE secret : {CKA_VALUE, CKA_PRIVATE_EXPONENT, CKA_PRIME_1}) {
        CK_ATTRIBUTE attr{secret, nullptr, 0};
        CK_RV rv = m_functions->C_GetAttributeValue(m_handle, key, &attr, 1);
        if (rv == CKR_OK && attr.ulValueLen != CK_UNAVAILABLE_INFORMATION && attr.ulValueLen > 0)
            protection.valueReadable = true;
    }
    return protection;
}

} // namespace kk
