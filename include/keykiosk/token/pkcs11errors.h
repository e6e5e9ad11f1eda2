#pragma once
// What a PKCS#11 return value is called (for the log) and what it means to the kiosk (the
// error catalogue): the token layer's one table of them (backend/token/pkcs11errors.cpp).

#include "keykiosk/errors.h"

#include <p11-kit/pkcs11.h>

namespace kk {

QString ckrName(CK_RV rv); // "CKR_PIN_INCORRECT"
// Maps a PKCS#11 return value to the catalogue (token removed, PIN locked, ...).
ErrorCode errorCodeFromCkr(CK_RV rv);
// "C_Login returned CKR_PIN_INCORRECT", with the catalogue's code.
Error pkcs11Error(const char *call, CK_RV rv);

} // namespace kk
