#pragma once
// Raw TCP connections to keykiosk-ra for the front's tests: from a chosen loopback address
// (an attacker is another peer than the real client), with what the server answers and
// whether it closed.
#include <QByteArray>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kk::test {

// A TCP connection to the RA from another loopback address than the real client's (the
// attacker is another peer). Non-blocking: connect returns at once, and the connection
// completes on its own.
inline int connectFrom(const char *local, quint16 port, bool nonBlocking = false)
{
    const int fd =
        ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonBlocking ? SOCK_NONBLOCK : 0), 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, local, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&from), sizeof from) != 0 ||
        (::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0 &&
         !(nonBlocking && errno == EINPROGRESS))) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    return fd;
}

inline bool sendAll(int fd, const QByteArray &bytes)
{
    return ::send(fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL) == bytes.size();
}

// What arrives on `fd` within 50 ms, appended to `answer`: the byte count, 0 for nothing
// yet, -1 once the server closed.
inline int receiveSome(int fd, QByteArray &answer)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0)
        return 0;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0)
        return -1;
    answer.append(buffer, int(n));
    return int(n);
}

// What the server sends back within `ms`, until it closes.
inline QByteArray readAnswer(int fd, int ms)
{
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        const int got = receiveSome(fd, answer);
        if (got < 0)
            break;
    }
    return answer;
}

// True once the server closed the connection (EOF or reset).
inline bool closedByServer(int fd)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0)
        return false;
    char byte;
    return ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

inline void raiseFileLimit()
{
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

// A CMP request on an open connection, HTTP/1.1 (which keeps the connection unless it says
// otherwise).
inline QByteArray cmpPost(const QByteArray &body, const char *extraHeader = "")
{
    return QByteArray("POST /.well-known/cmp HTTP/1.1\r\nHost: x\r\nContent-Type: "
                      "application/pkixcmp\r\n") +
           extraHeader + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// One whole answer (headers and a body of Content-Length) within `ms`, without waiting for
// the server to close; empty if none came.
inline QByteArray readOneAnswer(int fd, int ms)
{
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        const int end = answer.indexOf("\r\n\r\n");
        if (end >= 0) {
            const QRegularExpressionMatch length =
                QRegularExpression(QStringLiteral("(?i)content-length: *(\\d+)"))
                    .match(QString::fromLatin1(answer.left(end)));
            if (length.hasMatch() && answer.size() >= end + 4 + length.captured(1).toInt())
                return answer;
        }
        const int got = receiveSome(fd, answer);
        if (got < 0)
            break;
    }
    return {};
}

// `request` sent on `fd` and its one answer (empty if it could not be sent or none came).
inline QByteArray exchange(int fd, const QByteArray &request)
{
    return sendAll(fd, request) ? readOneAnswer(fd, 5000) : QByteArray();
}

// True if the server closes the connection within `ms`.
inline bool closedWithin(int fd, int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        if (closedByServer(fd))
            return true;
        QThread::msleep(20);
    }
    return false;
}

} // namespace kk::test
