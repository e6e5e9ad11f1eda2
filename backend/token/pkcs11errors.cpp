#include "keykiosk/token/pkcs11errors.h"

// What a PKCS#11 return value is called and what it means to the kiosk.

#include "keykiosk/token/tokentypes.h"

namespace kk {

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

} // namespace kk
