// kk-vcard PORT [ATR-HEX]: inserts a virtual card into the vpcd reader on PORT and keeps it
// inserted until SIGTERM/SIGINT or until standard input closes.
#include "harness.h"

#include <QCoreApplication>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void onSignal(int)
{
    g_stop = 1;
}
} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: kk-vcard PORT [ATR-HEX]\n");
        return 2;
    }
    const quint16 port = quint16(QByteArray(argv[1]).toUShort());
    kk::test::VirtualCard card =
        argc > 2 ? kk::test::VirtualCard(QByteArray::fromHex(argv[2])) : kk::test::VirtualCard();
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    if (!card.insert(port)) {
        std::fprintf(stderr, "kk-vcard: no virtual reader on port %u\n", port);
        return 1;
    }
    std::printf("inserted\n");
    std::fflush(stdout);
    while (!g_stop)
        ::pause();
    card.remove();
    return 0;
}
