#include "keykiosk/token/pkcs11module.h"

// Loading a module, its slots and tokens, and opening sessions (tokensession.cpp is a
// session's login; tokenobjects.cpp its objects; tokenkeys.cpp its keys).

#include "keykiosk/logging.h"

#include <QFile>
#include <QFileInfo>

#include <dlfcn.h>

namespace kk {

namespace {

QString fixedText(const CK_UTF8CHAR *text, std::size_t length)
{
    // PKCS#11 pads fixed-size text fields with blanks and does not terminate them.
    return QString::fromUtf8(reinterpret_cast<const char *>(text), int(length)).trimmed();
}

} // namespace

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

} // namespace kk
