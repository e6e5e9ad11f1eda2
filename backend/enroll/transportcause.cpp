#include "transportcause.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kk {

namespace {
struct AddressListDeleter
{
    void operator()(addrinfo *list) const { freeaddrinfo(list); }
};
struct SocketCloser
{
    int fd = -1;
    ~SocketCloser()
    {
        if (fd >= 0)
            ::close(fd);
    }
};
} // namespace

QString transportCause(const QString &details)
{
    const QString d = details.toLower();
    struct Cause
    {
        const char *seen;
        const char *cause;
    };
    static const Cause causes[] = {
        {"connection refused", "connection refused"},
        {"no route to host", "no route to the bank"},
        {"network is unreachable", "no route to the bank"},
        {"name or service not known", "the bank's name does not resolve"},
        {"temporary failure in name resolution", "the bank's name does not resolve"},
        {"connection reset", "connection reset by the bank"},
        {"broken pipe", "connection closed by the bank"},
        {"unexpected eof", "connection closed by the bank"},
        {"ssl routines", "TLS failure"},
        {"certificate verify failed", "TLS failure"},
        {"timed out", "timed out"},
        {"timeout", "timed out"},
        {"http", "HTTP failure"},
    };
    for (const Cause &c : causes) {
        if (d.contains(QLatin1String(c.seen)))
            return QString::fromLatin1(c.cause);
    }
    return QStringLiteral("no answer");
}

bool tlsRefused(const QString &details)
{
    // A certificate that does not verify, an alert, no common protocol: the bank (or whoever
    // answers in its name) is not the one pinned. A handshake cut off by the other end (the
    // RA stopping or restarting) is the network's, and is retried like any outage.
    if (details.contains(QLatin1String("certificate verify failed")))
        return true;
    if (!details.contains(QLatin1String("SSL routines")))
        return false;
    const QString cause = transportCause(details);
    return cause == QLatin1String("TLS failure");
}

QString connectCause(const QString &host, int port, int timeoutMs)
{
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const QByteArray name = host.toUtf8(), service = QByteArray::number(port);
    if (getaddrinfo(name.constData(), service.constData(), &hints, &found) != 0)
        return QStringLiteral("the bank's name does not resolve");
    const std::unique_ptr<addrinfo, AddressListDeleter> list(found);
    SocketCloser socket;
    socket.fd = ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         found->ai_protocol);
    if (socket.fd < 0)
        return {};
    int error = 0;
    if (::connect(socket.fd, found->ai_addr, found->ai_addrlen) != 0) {
        error = errno;
        if (error == EINPROGRESS) {
            pollfd waiting{socket.fd, POLLOUT, 0};
            if (::poll(&waiting, 1, timeoutMs) <= 0)
                return QStringLiteral("timed out");
            socklen_t size = sizeof error;
            ::getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &error, &size);
        }
    }
    switch (error) {
    case 0:
        return {};
    case ECONNREFUSED:
        return QStringLiteral("connection refused");
    case EHOSTUNREACH:
    case ENETUNREACH:
        return QStringLiteral("no route to the bank");
    case ETIMEDOUT:
        return QStringLiteral("timed out");
    default:
        return QString::fromLocal8Bit(std::strerror(error));
    }
}

} // namespace kk
