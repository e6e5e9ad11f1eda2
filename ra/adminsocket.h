#pragma once
// The RA's local admin socket (docs/architecture.md, "Operators"): a Unix socket on which the
// running RA takes operator commands. Who sends one is read from the socket's peer
// credentials (SO_PEERCRED), never from what the client says; the CLI (`keykiosk-ra approve`
// and the rest) only sends the command and prints the answer.

#include "operatorcommands.h"

#include "keykiosk/expected.h"

#include <atomic>
#include <functional>
#include <thread>

namespace kk::ra {

class AdminSocket
{
public:
    // The command and the account that sent it; returns the exit code and what to print.
    using Handler = std::function<int(const OperatorRequest &request, Out &out)>;

    AdminSocket() = default;
    ~AdminSocket();
    AdminSocket(const AdminSocket &) = delete;
    AdminSocket &operator=(const AdminSocket &) = delete;

    // Listens at `path` (mode: who may connect; the directory's mode counts too).
    Error listen(const QString &path, int mode, Handler handler);
    void stop();

private:
    void serve();
    int m_fd = -1;
    QString m_path;
    Handler m_handler;
    std::atomic_bool m_stopping{false};
    std::thread m_thread;
};

// The CLI's side: sends the command to the running RA; the exit code and its output.
Expected<std::pair<int, QString>> sendOperatorCommand(const QString &socketPath,
                                                      const OperatorRequest &request);

} // namespace kk::ra
