#include "store.h"

#include "bankfiles.h"

#include <QFile>
#include <QLoggingCategory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStore, "kk.ra.store", QtInfoMsg)

namespace kk::ra {

namespace {

const char *const kRoleNames[] = {"client", "staff", "ra"};
const char *const kStateNames[] = {"live", "superseded", "revoked"};

// The enum value whose stored name this is (the tables above, in enum order).
template <typename Enum, std::size_t N>
std::optional<Enum> fromName(const char *const (&names)[N], const QString &name)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i]))
            return Enum(i);
    }
    return std::nullopt;
}

} // namespace

QString roleName(CertificateRole role)
{
    return QString::fromLatin1(kRoleNames[int(role)]);
}

std::optional<CertificateRole> roleFromName(const QString &name)
{
    return fromName<CertificateRole>(kRoleNames, name);
}

QString stateName(CertificateState state)
{
    return QString::fromLatin1(kStateNames[int(state)]);
}

std::optional<CertificateState> stateFromName(const QString &name)
{
    return fromName<CertificateState>(kStateNames, name);
}

Store::Store(std::unique_ptr<SqlDatabase> db) : m_db(std::move(db)) {}
Store::~Store() = default;

Expected<std::unique_ptr<Store>> Store::open(const QString &path, int mode, Durability durability)
{
    // The register is the bank's: a new database is created readable by its owner only, or
    // by its group too (0640: the signer, another account, reads it); SQLite gives its -wal
    // and -shm files the same mode.
    // Never through a link (planted, dangling or not): SQLite is told not to follow one.
    if (Error e = checkSafePath(path))
        return e;
    const QByteArray file = QFile::encodeName(path);
    const int fd =
        ::open(file.constData(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::fchmod(fd, mode_t(mode & 0640));
        ::close(fd);
    }
    auto db = openSqlite(path, false, durability);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    // One node owns its file: it upgrades it as it opens it.
    if (auto migrated = store->migrate(); !migrated)
        return migrated.error();
    return store;
}

Expected<std::unique_ptr<Store>> Store::openReadOnly(const QString &path)
{
    auto db = openSqlite(path, true);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    if (Error e = store->requireCurrentSchema(QStringLiteral("start the RA once to upgrade it")))
        return e;
    return store;
}

Expected<std::unique_ptr<Store>> Store::openPostgres(const QString &conninfo, Access access)
{
    auto db = kk::ra::openPostgres(conninfo, access == Access::ReadOnly);
    if (!db)
        return db.error();
    std::unique_ptr<Store> store(new Store(db.takeValue()));
    // Several nodes share the database: none of them upgrades it behind the others' backs.
    // `keykiosk-ra migrate` does, once, and the nodes of the new version start after it.
    if (access != Access::Migrate) {
        if (Error e = store->requireCurrentSchema(QStringLiteral("run keykiosk-ra migrate")))
            return e;
    }
    return store;
}

Error Store::exec(const char *sql)
{
    return m_db->exec(sql);
}

} // namespace kk::ra
