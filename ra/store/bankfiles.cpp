#include "bankfiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kk::ra {

namespace {

QString systemError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QString octal(mode_t mode)
{
    return QStringLiteral("%1").arg(int(mode & 07777), 4, 8, QLatin1Char('0'));
}

// A descriptor closed on every path.
class Fd
{
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

} // namespace

Error checkSafePath(const QString &path)
{
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    const QStringList parts = absolute.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    QString at;
    for (int i = -1; i < parts.size(); ++i) {
        at =
            i < 0 ? QStringLiteral("/") : at + (i > 0 ? QStringLiteral("/") : QString()) + parts[i];
        struct stat st
        {
        };
        if (::lstat(QFile::encodeName(at).constData(), &st) != 0) {
            if (errno == ENOENT)
                return {}; // the rest is created by us, inside what was checked
            return Error(ErrorCode::Internal,
                         QStringLiteral("cannot check %1: %2").arg(at, systemError()));
        }
        if (S_ISLNK(st.st_mode))
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 is a symbolic link: the bank's files are never "
                                        "reached through one (give the real path)")
                             .arg(at));
        const bool last = i == parts.size() - 1;
        if (last || !S_ISDIR(st.st_mode))
            continue;
        // A directory on the way that another account may change could have the rest of the
        // path swapped under us.
        if (st.st_uid != 0 && st.st_uid != ::geteuid())
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 belongs to another account (uid %2): the bank's "
                                        "files are never kept under it")
                             .arg(at)
                             .arg(st.st_uid));
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 (mode %2) can be changed by other accounts: the "
                                        "bank's files are never kept under it")
                             .arg(at, octal(st.st_mode)));
    }
    return {};
}

Error prepareBankDirectory(const QString &dir)
{
    if (Error e = checkSafePath(dir))
        return e;
    const QByteArray path = QFile::encodeName(QFileInfo(dir).absoluteFilePath());
    if (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST) {
        if (errno != ENOENT)
            return Error(ErrorCode::Internal,
                         QStringLiteral("cannot create %1: %2").arg(dir, systemError()));
        // Its parents first (0755, as mkdir -p), each checked on the way.
        if (!QDir().mkpath(QFileInfo(dir).absolutePath()) || checkSafePath(dir) ||
            ::mkdir(path.constData(), 0700) != 0)
            return Error(ErrorCode::Internal,
                         QStringLiteral("cannot create %1: %2").arg(dir, systemError()));
    }
    // Opened without following a link, then judged by what was opened.
    Fd fd(::open(path.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot open %1 as a directory: %2").arg(dir, systemError()));
    struct stat st
    {
    };
    if (::fstat(fd.get(), &st) != 0 || st.st_uid != ::geteuid())
        return Error(ErrorCode::Internal,
                     QStringLiteral("%1 belongs to another account: a bank's directory is its "
                                    "owner's alone")
                         .arg(dir));
    if (::fchmod(fd.get(), 0700) != 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot make %1 private (0700): %2").arg(dir, systemError()));
    // Empty once nobody else can add to it.
    DIR *listing = ::fdopendir(::dup(fd.get()));
    if (!listing)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot list %1: %2").arg(dir, systemError()));
    QString found;
    while (const dirent *entry = ::readdir(listing)) {
        const QByteArray name(entry->d_name);
        if (name != "." && name != "..") {
            found = QFile::decodeName(name);
            break;
        }
    }
    ::closedir(listing);
    if (!found.isEmpty())
        return Error(ErrorCode::Internal,
                     QStringLiteral("%1 is not empty (it holds %2): init-demo sets a bank up in "
                                    "an empty directory only, and never overwrites one")
                         .arg(dir, found));
    return {};
}

Expected<int> createBankFile(const QString &path, int mode)
{
    if (Error e = checkSafePath(QFileInfo(path).absolutePath()))
        return e;
    // O_EXCL: never over anything, a link (dangling or not) included; the mode is the
    // file's from its first byte.
    Fd fd(::open(QFile::encodeName(path).constData(),
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(mode & 0600)));
    if (fd.get() < 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot create %1: %2").arg(path, systemError()));
    if (::fchmod(fd.get(), mode_t(mode)) != 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot set the mode of %1: %2").arg(path, systemError()));
    return fd.release();
}

QString exposedSecret(const QString &path, Secret kind, const QString &what)
{
    struct stat st
    {
    };
    if (path.isEmpty() || ::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    const QString mode = octal(st.st_mode);
    if (st.st_mode & S_IRWXO)
        return QStringLiteral("%1 (%2) is open to every account (mode %3): chmod o-rwx %1")
            .arg(path, what, mode);
    switch (kind) {
    case Secret::Key:
        if ((st.st_mode & S_IRWXG) && !(st.st_uid == 0 && (st.st_mode & S_IRWXG) == S_IRGRP))
            return QStringLiteral("%1 (%2) is open to its group (mode %3): 0600, or 0640 "
                                  "owned by root with the service's group")
                .arg(path, what, mode);
        break;
    case Secret::Register:
        if (st.st_mode & (S_IWGRP | S_IXGRP))
            return QStringLiteral("%1 (%2) is writable by its group (mode %3): at most 0640")
                .arg(path, what, mode);
        break;
    case Secret::Config:
        break;
    }
    return {};
}

bool conninfoHoldsPassword(const QString &conninfo)
{
    static const QRegularExpression keyword(QStringLiteral("(^|\\s)password\\s*="));
    static const QRegularExpression uri(
        QStringLiteral("^postgres(ql)?://([^/@]*:[^/@]*@|[^?]*\\?(.*&)?password=)"));
    return keyword.match(conninfo.trimmed()).hasMatch() || uri.match(conninfo.trimmed()).hasMatch();
}

} // namespace kk::ra
