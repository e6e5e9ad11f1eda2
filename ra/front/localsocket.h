#pragma once
// The RA's local sockets: a Unix socket on which a process takes commands, one per
// connection, and knows who sends each from the socket's peer credentials (SO_PEERCRED),
// never from what the client says. The RA's admin socket takes operator commands
// (docs/architecture.md, "The bank's side of the roles", Operators); the signer's takes the RA's
// requests to sign.

#include "operatorcommands.h"

#include "keykiosk/expected.h"

#include <atomic>
#include <functional>
#include <thread>

namespace kk::ra {

class LocalSocketServer
{
public:
    // The command and the account that sent it; returns the exit code and what to print.
    using Handler = std::function<int(const OperatorRequest &request, Out &out)>;

    LocalSocketServer() = default;
    ~LocalSocketServer();
    LocalSocketServer(const LocalSocketServer &) = delete;
    LocalSocketServer &operator=(const LocalSocketServer &) = delete;

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

// The client's side (the CLI, or the RA asking the signer): the exit code and the output.
Expected<std::pair<int, QString>> sendLocalCommand(const QString &socketPath,
                                                   const OperatorRequest &request);

} // namespace kk::ra
