#include "localsocket.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cerrno>
#include <cstring>

#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcAdmin, "kk.ra.admin", QtInfoMsg)

namespace kk::ra {

namespace {

constexpr quint32 kMaxFrame = 8u << 20; // certificates to import fit; nothing else is large

bool writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n =
            ::send(fd, bytes.constData() + done, std::size_t(bytes.size() - done), MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}

bool readAll(int fd, char *into, std::size_t size)
{
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::recv(fd, into + done, size - done, 0);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return false;
        }
        done += std::size_t(n);
    }
    return true;
}

// One frame: a 4-byte big-endian length, then JSON.
bool sendFrame(int fd, const QJsonObject &object)
{
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    const quint32 length = quint32(json.size());
    const char header[4] = {char(length >> 24), char(length >> 16), char(length >> 8),
                            char(length)};
    return writeAll(fd, QByteArray(header, 4) + json);
}

std::optional<QJsonObject> readFrame(int fd)
{
    unsigned char header[4];
    if (!readAll(fd, reinterpret_cast<char *>(header), 4))
        return std::nullopt;
    const quint32 length = quint32(header[0]) << 24 | quint32(header[1]) << 16 |
                           quint32(header[2]) << 8 | quint32(header[3]);
    if (length > kMaxFrame)
        return std::nullopt;
    QByteArray json(int(length), '\0');
    if (!readAll(fd, json.data(), length))
        return std::nullopt;
    const QJsonDocument document = QJsonDocument::fromJson(json);
    if (!document.isObject())
        return std::nullopt;
    return document.object();
}

QJsonObject encode(const OperatorRequest &request)
{
    QJsonObject options;
    for (auto it = request.options.begin(); it != request.options.end(); ++it)
        options.insert(it.key(), it.value());
    QJsonArray files;
    for (const OperatorFile &file : request.files)
        files.append(
            QJsonObject{{QStringLiteral("name"), file.name},
                        {QStringLiteral("content"), QString::fromLatin1(file.content.toBase64())}});
    return {{QStringLiteral("args"), QJsonArray::fromStringList(request.args)},
            {QStringLiteral("options"), options},
            {QStringLiteral("files"), files}};
}

OperatorRequest decode(const QJsonObject &object)
{
    OperatorRequest request;
    for (const QJsonValue &arg : object.value(QStringLiteral("args")).toArray())
        request.args << arg.toString();
    const QJsonObject options = object.value(QStringLiteral("options")).toObject();
    for (auto it = options.begin(); it != options.end(); ++it)
        request.options.insert(it.key(), it.value().toString());
    for (const QJsonValue &file : object.value(QStringLiteral("files")).toArray())
        request.files.append(
            {file.toObject().value(QStringLiteral("name")).toString(),
             QByteArray::fromBase64(
                 file.toObject().value(QStringLiteral("content")).toString().toLatin1())});
    return request;
}

sockaddr_un addressOf(const QString &path, bool *fits)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    *fits = encoded.size() < int(sizeof address.sun_path);
    if (*fits)
        std::memcpy(address.sun_path, encoded.constData(), std::size_t(encoded.size()));
    return address;
}

QString accountOf(uid_t uid)
{
    passwd entry{}, *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found)
        return QString::fromLocal8Bit(found->pw_name);
    return QStringLiteral("uid %1").arg(uid);
}

} // namespace

LocalSocketServer::~LocalSocketServer()
{
    stop();
}

Error LocalSocketServer::listen(const QString &path, int mode, Handler handler)
{
    bool fits = false;
    const sockaddr_un address = addressOf(path, &fits);
    if (!fits)
        return Error(ErrorCode::Internal,
                     QStringLiteral("admin socket path too long: %1").arg(path));
    // A socket left by a crashed RA goes; one a running RA answers on stays (and we stop).
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (probe >= 0 &&
        ::connect(probe, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) {
        ::close(probe);
        return Error(ErrorCode::Internal,
                     QStringLiteral("another RA answers on the admin socket %1").arg(path));
    }
    if (probe >= 0)
        ::close(probe);
    ::unlink(address.sun_path);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    // Created with no access for anyone but the owner, then opened to `mode`: no moment in
    // which a wider mode applies.
    const mode_t old = ::umask(0177);
    const bool bound = m_fd >= 0 && ::bind(m_fd, reinterpret_cast<const sockaddr *>(&address),
                                           sizeof address) == 0;
    ::umask(old);
    if (!bound || ::chmod(address.sun_path, mode_t(mode)) != 0 || ::listen(m_fd, 16) != 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot listen on the admin socket %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    m_path = path;
    m_handler = std::move(handler);
    m_thread = std::thread([this] { serve(); });
    return {};
}

void LocalSocketServer::stop()
{
    if (m_fd < 0)
        return;
    m_stopping = true;
    ::shutdown(m_fd, SHUT_RDWR); // wakes accept()
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_fd);
    m_fd = -1;
    ::unlink(QFile::encodeName(m_path).constData());
}

void LocalSocketServer::serve()
{
    while (!m_stopping) {
        const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return; // stopped
        }
        // A client that sends nothing does not hold the socket for long.
        const timeval timeout{5, 0};
        ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        ucred peer{};
        socklen_t size = sizeof peer;
        const auto request = readFrame(client);
        if (request && ::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0) {
            Out out;
            out.who = accountOf(peer.uid);
            const OperatorRequest command = decode(*request);
            const int exitCode = m_handler(command, out);
            qCInfo(lcAdmin).noquote()
                << "operator" << out.who << "(pid" << peer.pid
                << "):" << command.args.join(QLatin1Char(' ')) << "- exit" << exitCode;
            sendFrame(client,
                      {{QStringLiteral("exit"), exitCode}, {QStringLiteral("output"), out.text}});
        }
        ::close(client);
    }
}

Expected<std::pair<int, QString>> sendLocalCommand(const QString &socketPath,
                                                   const OperatorRequest &request)
{
    bool fits = false;
    const sockaddr_un address = addressOf(socketPath, &fits);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!fits || fd < 0 ||
        ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        if (fd >= 0)
            ::close(fd);
        return Error(ErrorCode::Internal,
                     QStringLiteral("the RA does not answer on its admin socket %1 (%2): operator "
                                    "commands go through the running RA (keykiosk-ra serve)")
                         .arg(socketPath, why));
    }
    std::optional<QJsonObject> reply;
    if (sendFrame(fd, encode(request)))
        reply = readFrame(fd);
    ::close(fd);
    if (!reply)
        return Error(ErrorCode::Internal,
                     QStringLiteral("no answer on the admin socket %1").arg(socketPath));
    return std::pair<int, QString>(reply->value(QStringLiteral("exit")).toInt(1),
                                   reply->value(QStringLiteral("output")).toString());
}

} // namespace kk::ra
