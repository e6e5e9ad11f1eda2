/* LD_PRELOAD shim: fdatasync() and fsync() fail with EIO for a file whose path ends with
 * KK_FAIL_SYNC_SUFFIX (e.g. "/ra.db-wal"), as they do on a disk that lost a write, while the
 * file KK_FAIL_SYNC_WHILE exists (so a test decides when the disk goes bad). Other files are
 * synced as usual. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int refused(int fd)
{
    const char *suffix = getenv("KK_FAIL_SYNC_SUFFIX");
    const char *flag = getenv("KK_FAIL_SYNC_WHILE");
    if (!suffix || !*suffix || !flag || access(flag, F_OK) != 0)
        return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    const size_t length = strlen(suffix);
    return (size_t)n >= length && strcmp(path + n - length, suffix) == 0;
}

// The real call, unless the file is refused.
static int syncUnlessRefused(const char *name, int fd)
{
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, name);
    if (refused(fd) || !real) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}

int fdatasync(int fd)
{
    return syncUnlessRefused("fdatasync", fd);
}

int fsync(int fd)
{
    return syncUnlessRefused("fsync", fd);
}
