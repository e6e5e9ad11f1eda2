/* A PKCS#11 module that forwards to SoftHSM2 and adds what a real token has and SoftHSM2
 * lacks: a PIN retry counter. After KK_SHIM_MAX_TRIES wrong PINs in a row the user PIN is
 * locked (CKR_PIN_LOCKED), and C_GetTokenInfo reports CKF_USER_PIN_COUNT_LOW,
 * CKF_USER_PIN_FINAL_TRY and CKF_USER_PIN_LOCKED the way tokens do. The counter lives in
 * the file KK_SHIM_STATE, so it survives a process restart like the token's own.
 *
 * It also records C_SeedRandom and C_GenerateKeyPair calls, in order, to KK_SHIM_CALL_LOG
 * (tests check that the token is seeded before it generates a key), and with
 * KK_SHIM_REFUSE_SEED=1 answers C_SeedRandom with CKR_RANDOM_SEED_NOT_SUPPORTED, as many
 * real tokens do.
 *
 * With KK_SHIM_SLOT_READERS="Token label=Reader name;..." it describes each listed token's
 * slot by a reader's name, as OpenSC and vendor modules do: SoftHSM2 holds all its tokens
 * at once, and this is how a kiosk with two token places learns which of them is in which
 * reader (the demo's staff token and client token). KK_SHIM_SLOT_READERS_FILE names a file
 * holding the same text, read at every call: the demo's signers take turns in one reader.
 *
 * Environment: KK_SHIM_TARGET (default /usr/lib/softhsm/libsofthsm2.so),
 *              KK_SHIM_STATE (required), KK_SHIM_MAX_TRIES (default 3),
 *              KK_SHIM_CALL_LOG, KK_SHIM_REFUSE_SEED, KK_SHIM_SLOT_READERS.
 */
#include "shimtarget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CK_FUNCTION_LIST *target;
static CK_FUNCTION_LIST shim;

static int maxTries(void)
{
    const char *value = getenv("KK_SHIM_MAX_TRIES");
    int tries = value ? atoi(value) : 3;
    return tries > 0 ? tries : 3;
}

static int readFailures(void)
{
    const char *path = getenv("KK_SHIM_STATE");
    int failures = 0;
    FILE *file = path ? fopen(path, "r") : NULL;
    if (file) {
        if (fscanf(file, "%d", &failures) != 1)
            failures = 0;
        fclose(file);
    }
    return failures;
}

static void writeFailures(int failures)
{
    const char *path = getenv("KK_SHIM_STATE");
    FILE *file = path ? fopen(path, "w") : NULL;
    if (file) {
        fprintf(file, "%d\n", failures);
        fclose(file);
    }
}

static CK_RV shimLogin(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                       CK_ULONG length)
{
    if (user != CKU_USER)
        return target->C_Login(session, user, pin, length);
    int failures = readFailures();
    if (failures >= maxTries())
        return CKR_PIN_LOCKED;
    CK_RV rv = target->C_Login(session, user, pin, length);
    if (rv == CKR_PIN_INCORRECT)
        writeFailures(failures + 1);
    else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        writeFailures(0);
    return rv;
}

static CK_RV shimGetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
    CK_RV rv = target->C_GetTokenInfo(slot, info);
    if (rv != CKR_OK)
        return rv;
    int failures = readFailures(), max = maxTries();
    info->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
    if (failures >= max)
        info->flags |= CKF_USER_PIN_LOCKED;
    else if (failures == max - 1)
        info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
    else if (failures > 0)
        info->flags |= CKF_USER_PIN_COUNT_LOW;
    return CKR_OK;
}

static void logCall(const char *what, unsigned long value)
{
    const char *path = getenv("KK_SHIM_CALL_LOG");
    FILE *file = path ? fopen(path, "a") : NULL;
    if (file) {
        fprintf(file, "%s %lu\n", what, value);
        fclose(file);
    }
}

static CK_RV shimSeedRandom(CK_SESSION_HANDLE session, CK_BYTE_PTR seed, CK_ULONG length)
{
    const char *refuse = getenv("KK_SHIM_REFUSE_SEED");
    logCall("C_SeedRandom", length);
    if (refuse && refuse[0] == '1')
        return CKR_RANDOM_SEED_NOT_SUPPORTED;
    return target->C_SeedRandom(session, seed, length);
}

static CK_RV shimGenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                 CK_ATTRIBUTE_PTR pub, CK_ULONG pubCount, CK_ATTRIBUTE_PTR priv,
                                 CK_ULONG privCount, CK_OBJECT_HANDLE_PTR pubKey,
                                 CK_OBJECT_HANDLE_PTR privKey)
{
    logCall("C_GenerateKeyPair", mechanism ? mechanism->mechanism : 0);
    return target->C_GenerateKeyPair(session, mechanism, pub, pubCount, priv, privCount, pubKey,
                                     privKey);
}

/* The reader named for `label` in KK_SHIM_SLOT_READERS, copied to `reader` (size bytes). */
static int readerFor(const char *label, char *reader, size_t size)
{
    static char fromFile[4096];
    const char *map = getenv("KK_SHIM_SLOT_READERS");
    const char *path = getenv("KK_SHIM_SLOT_READERS_FILE");
    FILE *file = path ? fopen(path, "r") : NULL;
    if (file) {
        size_t n = fread(fromFile, 1, sizeof fromFile - 1, file);
        fclose(file);
        while (n > 0 && (fromFile[n - 1] == '\n' || fromFile[n - 1] == '\r'))
            --n;
        fromFile[n] = '\0';
        map = fromFile;
    }
    size_t labelLength = strlen(label);
    while (map && *map) {
        const char *end = strchr(map, ';');
        size_t length = end ? (size_t)(end - map) : strlen(map);
        const char *equals = memchr(map, '=', length);
        if (equals && (size_t)(equals - map) == labelLength &&
            strncmp(map, label, labelLength) == 0) {
            size_t nameLength = length - labelLength - 1;
            if (nameLength >= size)
                nameLength = size - 1;
            memcpy(reader, equals + 1, nameLength);
            reader[nameLength] = '\0';
            return 1;
        }
        map = end ? end + 1 : NULL;
    }
    return 0;
}

static CK_RV shimGetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info)
{
    CK_RV rv = target->C_GetSlotInfo(slot, info);
    CK_TOKEN_INFO token;
    if (rv != CKR_OK || target->C_GetTokenInfo(slot, &token) != CKR_OK)
        return rv;
    char label[sizeof token.label + 1];
    memcpy(label, token.label, sizeof token.label);
    size_t length = sizeof token.label;
    while (length > 0 && label[length - 1] == ' ')
        --length;
    label[length] = '\0';
    char reader[sizeof info->slotDescription + 1];
    if (readerFor(label, reader, sizeof reader)) {
        memset(info->slotDescription, ' ', sizeof info->slotDescription);
        memcpy(info->slotDescription, reader, strlen(reader));
    }
    return rv;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
    if (!target) {
        if (shimLoadTarget("KK_SHIM_TARGET", &target, &shim) != CKR_OK)
            return CKR_GENERAL_ERROR;
        shim.C_Login = shimLogin;
        shim.C_GetTokenInfo = shimGetTokenInfo;
        shim.C_SeedRandom = shimSeedRandom;
        shim.C_GenerateKeyPair = shimGenerateKeyPair;
        shim.C_GetSlotInfo = shimGetSlotInfo;
    }
    *list = &shim;
    return CKR_OK;
}
