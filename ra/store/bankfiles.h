#pragma once
// The bank's files on disk (docs/architecture.md, "The bank's files"): never reached through
// a symbolic link, never created where another account can change the directory, created
// with their final mode and never over an existing file; and a secret (a key, the register,
// a configuration with a password) that other accounts can read is refused, its path named.

#include "keykiosk/expected.h"

#include <QString>
#include <QStringList>

namespace kk::ra {

// Every component of `path` (made absolute): none is a symbolic link, and each existing
// directory on the way belongs to root or to us and is not writable by others unless it is
// sticky (as /tmp). What does not exist yet is fine: it is created after this.
Error checkSafePath(const QString &path);

// init-demo's directory: created 0700, or an empty directory of ours, set to 0700.
Error prepareBankDirectory(const QString &dir);

// A new file with exactly `mode` (the umask aside), never over anything (a file, a link,
// dangling or not), on a safe path. Returns its descriptor, to be closed by the caller.
Expected<int> createBankFile(const QString &path, int mode);

enum class Secret
{
    Key,      // a private key or the HSM's PIN: 0600, or 0640 if root owns it (the group is
              // the service's, as the Debian package installs them)
    Register, // the SQLite register: others nothing, its group at most reads (store mode)
    Config,   // a configuration that holds a password: others nothing
};
// Why `path`, holding `what`, may not be used as it is; empty: it may. A missing file is not
// this function's problem (whoever opens it says so).
QString exposedSecret(const QString &path, Secret kind, const QString &what);

// Whether a libpq connection string carries a password itself (password=..., or a URI's
// user:password@).
bool conninfoHoldsPassword(const QString &conninfo);

} // namespace kk::ra
