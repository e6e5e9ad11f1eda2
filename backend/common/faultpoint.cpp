#include "keykiosk/faultpoint.h"

#ifdef KEYKIOSK_FAULT_INJECTION
#include <QByteArray>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

namespace kk {

void faultPoint(const char *name)
{
    static const QByteArray target = qgetenv("KK_KILL_AT");
    if (target.isEmpty() || target != name)
        return;
    // Unbuffered, so the test sees where the process died even though nothing is flushed.
    char line[160];
    const int length = std::snprintf(line, sizeof line, "kk fault point: SIGKILL at %s\n", name);
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line, std::size_t(length));
    ::kill(::getpid(), SIGKILL);
}

} // namespace kk
#endif
