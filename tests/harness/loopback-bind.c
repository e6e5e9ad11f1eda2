/* LD_PRELOAD shim: rewrites bind() to INADDR_ANY/in6addr_any into loopback, so that
 * vpcd (which listens on 0.0.0.0) is reachable only from this machine during tests. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
    static int (*realBind)(int, const struct sockaddr *, socklen_t);
    if (!realBind)
        realBind = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "bind");
    if (addr && addr->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        struct sockaddr_in copy;
        memcpy(&copy, addr, sizeof copy);
        if (copy.sin_addr.s_addr == htonl(INADDR_ANY))
            copy.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return realBind(fd, (const struct sockaddr *)&copy, sizeof copy);
    }
    if (addr && addr->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 copy;
        memcpy(&copy, addr, sizeof copy);
        if (memcmp(&copy.sin6_addr, &in6addr_any, sizeof copy.sin6_addr) == 0)
            copy.sin6_addr = in6addr_loopback;
        return realBind(fd, (const struct sockaddr *)&copy, sizeof copy);
    }
    return realBind(fd, addr, len);
}
