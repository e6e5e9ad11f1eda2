/* A PKCS#11 module that forwards every call to another module and can end the process with
 * SIGKILL just before the Nth call of a function that changes the token: the crash tests'
 * "kill between any two token calls" (docs/architecture.md, "Kills between token calls").
 * The kiosk loads it as its module; libp11 in the same process loads the same file, so both
 * count on one set of counters.
 *
 * Environment:
 *   KK_KILL_TARGET   the module called (default /usr/lib/softhsm/libsofthsm2.so; another shim,
 *                    such as the PIN-policy one, may sit in between)
 *   KK_KILL_CALL     "C_SetAttributeValue:2": SIGKILL before the second C_SetAttributeValue
 *                    of this process; unset, nothing is killed
 *   KK_KILL_COUNTS   a file: one line per counted call is appended ("C_DestroyObject 1"), and
 *                    "kill C_SetAttributeValue 2" before the kill, so a test learns how many
 *                    calls a journey makes and which one it died at
 *
 * Counted: C_GenerateKeyPair, C_SetAttributeValue, C_CreateObject, C_DestroyObject, C_Login.
 */
#include "shimtarget.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static CK_FUNCTION_LIST *target;
static CK_FUNCTION_LIST shim;

enum
{
    kGenerateKeyPair,
    kSetAttributeValue,
    kCreateObject,
    kDestroyObject,
    kLogin,
    kCalls
};
static const char *const kNames[kCalls] = {"C_GenerateKeyPair", "C_SetAttributeValue",
                                           "C_CreateObject", "C_DestroyObject", "C_Login"};
static unsigned long counts[kCalls];

static void note(const char *line)
{
    const char *path = getenv("KK_KILL_COUNTS");
    FILE *file = path ? fopen(path, "a") : NULL;
    if (file) {
        fputs(line, file);
        fclose(file); /* flushed before any kill: the file is the test's record */
    }
}

/* Counts the call and, if it is the one KK_KILL_CALL names, dies before it reaches the token. */
static void count(int call)
{
    char line[96];
    const unsigned long n = ++counts[call];
    snprintf(line, sizeof line, "%s %lu\n", kNames[call], n);
    note(line);
    const char *kill = getenv("KK_KILL_CALL");
    const size_t length = strlen(kNames[call]);
    if (!kill || strncmp(kill, kNames[call], length) != 0 || kill[length] != ':' ||
        strtoul(kill + length + 1, NULL, 10) != n)
        return;
    snprintf(line, sizeof line, "kill %s %lu\n", kNames[call], n);
    note(line);
    fprintf(stderr, "kk kill shim: SIGKILL before %s %lu\n", kNames[call], n);
    fflush(stderr);
    raise(SIGKILL);
}

static CK_RV shimGenerateKeyPair(CK_SESSION_HANDLE session, CK_MECHANISM_PTR mechanism,
                                 CK_ATTRIBUTE_PTR pub, CK_ULONG pubCount, CK_ATTRIBUTE_PTR priv,
                                 CK_ULONG privCount, CK_OBJECT_HANDLE_PTR pubKey,
                                 CK_OBJECT_HANDLE_PTR privKey)
{
    count(kGenerateKeyPair);
    return target->C_GenerateKeyPair(session, mechanism, pub, pubCount, priv, privCount, pubKey,
                                     privKey);
}

static CK_RV shimSetAttributeValue(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                   CK_ATTRIBUTE_PTR attributes, CK_ULONG countOfAttributes)
{
    count(kSetAttributeValue);
    return target->C_SetAttributeValue(session, object, attributes, countOfAttributes);
}

static CK_RV shimCreateObject(CK_SESSION_HANDLE session, CK_ATTRIBUTE_PTR attributes,
                              CK_ULONG countOfAttributes, CK_OBJECT_HANDLE_PTR object)
{
    count(kCreateObject);
    return target->C_CreateObject(session, attributes, countOfAttributes, object);
}

static CK_RV shimDestroyObject(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object)
{
    count(kDestroyObject);
    return target->C_DestroyObject(session, object);
}

static CK_RV shimLogin(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                       CK_ULONG length)
{
    count(kLogin);
    return target->C_Login(session, user, pin, length);
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
    if (!target) {
        if (shimLoadTarget("KK_KILL_TARGET", &target, &shim) != CKR_OK)
            return CKR_GENERAL_ERROR;
        shim.C_GenerateKeyPair = shimGenerateKeyPair;
        shim.C_SetAttributeValue = shimSetAttributeValue;
        shim.C_CreateObject = shimCreateObject;
        shim.C_DestroyObject = shimDestroyObject;
        shim.C_Login = shimLogin;
    }
    *list = &shim;
    return CKR_OK;
}
