/* The module a test shim forwards to (killcall-shim.c, pinpolicy-shim.c): loaded once, from
 * the path in the environment variable `variable` (SoftHSM2 by default), its function list
 * copied into `shim` for the shim to replace the calls it watches. */
#pragma once
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <stdlib.h>

static CK_RV shimLoadTarget(const char *variable, CK_FUNCTION_LIST **target, CK_FUNCTION_LIST *shim)
{
    const char *path = getenv(variable);
    void *library = dlopen(path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    CK_C_GetFunctionList get =
        library ? (CK_C_GetFunctionList)dlsym(library, "C_GetFunctionList") : NULL;
    if (!get || get(target) != CKR_OK)
        return CKR_GENERAL_ERROR;
    *shim = **target;
    return CKR_OK;
}
