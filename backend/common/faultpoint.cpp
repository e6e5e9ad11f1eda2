#include "keykiosk/faultpoint.h"

#ifdef KEYKIOSK_FAULT_INJECTION
#include <QByteArray>
#include <QList>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace kk {

void faultPoint(const char *name)
{
    // KK_KILL_AT=point, or point@N: the Nth time the point is reached (a sitting's second
    // signer passes the same points as the first).
    static const QByteArray setting = qgetenv("KK_KILL_AT");
    static const QByteArray target = setting.split('@').value(0);
    static const int nth = qMax(1, setting.split('@').value(1).toInt());
    static int reached = 0;
    if (target.isEmpty() || target != name || ++reached < nth)
        return;
    // Unbuffered, so the test sees where the process died even though nothing is flushed.
    char line[160];
    const int length = std::snprintf(line, sizeof line, "kk fault point: SIGKILL at %s\n", name);
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line, std::size_t(length));
    ::kill(::getpid(), SIGKILL);
}

} // namespace kk
#endif
