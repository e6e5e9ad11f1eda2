/* Starts pcscd on a private socket, handed over the systemd way.
 *
 * pcscd always listens on /run/pcscd/pcscd.comm and ignores PCSCLITE_CSOCK_NAME on the
 * server side, but it accepts a socket passed as fd 3 with LISTEN_FDS=1 and LISTEN_PID set
 * to its own pid. We bind the private socket, move it to fd 3 and exec pcscd in place, so
 * the pid stays ours. Usage: kk-pcscd-launch SOCKET_PATH pcscd-args...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH PCSCD [ARGS...]\n", argv[0]);
        return 2;
    }
    const char *path = argv[1];
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "socket path too long: %s\n", path);
        return 2;
    }
    strcpy(addr.sun_path, path);
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0) {
        perror("pcscd-launch: socket");
        return 1;
    }
    chmod(path, 0600);
    if (fd != 3) {
        if (dup2(fd, 3) < 0) {
            perror("pcscd-launch: dup2");
            return 1;
        }
        close(fd);
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("LISTEN_FDS", "1", 1);
    setenv("LISTEN_PID", pid, 1);
    execvp(argv[2], argv + 2);
    perror("pcscd-launch: exec");
    return 127;
}
