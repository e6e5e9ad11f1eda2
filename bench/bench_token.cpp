// kk-bench-token: token-layer and presence figures on the real parts (SoftHSM2, private
// pcscd + vpcd), printed against the budgets in docs/architecture.md. Never passes or fails on
// time.
//
//   kk-bench-token [--rounds N]
#include "harness.h"

#include "keykiosk/presence/pcscmonitor.h"
#include "keykiosk/presence/tokenpresence.h"
#include "keykiosk/token/pkcs11module.h"
#include "keykiosk/token/tokenkeystore.h"
#include "keykiosk/token/tokenservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace kk;
using namespace kk::test;

namespace {

struct Stats
{
    double median = 0, p90 = 0;
    int n = 0;
};

Stats stats(std::vector<double> samples)
{
    Stats s;
    s.n = int(samples.size());
    if (samples.empty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.median = samples[samples.size() / 2];
    s.p90 = samples[std::min(samples.size() - 1, samples.size() * 9 / 10)];
    return s;
}

void row(const char *what, const Stats &s, const char *budget)
{
    std::printf("| %-44s | %8.2f ms | %8.2f ms | %4d | %-28s |\n", what, s.median, s.p90, s.n,
                budget);
}

double ms(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// pcscd polls vpcd every 400 ms, so an insert's latency depends on where in that period it
// lands. Both sides insert at a random phase, or the comparison measures the phase.
void randomPhase()
{
    QThread::msleep(QRandomGenerator::global()->bounded(400));
}

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return done();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    int rounds = 20;
    const QStringList args = app.arguments();
    if (args.size() > 2 && args[1] == QLatin1String("--rounds"))
        rounds = std::max(1, args[2].toInt());

    TestToken token;
    if (!token.isValid()) {
        std::fprintf(stderr, "cannot create a SoftHSM token: %s\n", qPrintable(token.error()));
        return 1;
    }
    std::printf("| %-44s | %11s | %11s | %4s | %-28s |\n", "what", "median", "p90", "n", "budget");
    std::printf("|%s|%s|%s|%s|%s|\n", QByteArray(46, '-').constData(),
                QByteArray(13, '-').constData(), QByteArray(13, '-').constData(),
                QByteArray(6, '-').constData(), QByteArray(30, '-').constData());

    const SecureBuffer pin = SecureBuffer::fromText("123456");
    {
        auto store = TokenKeyStore::open(softhsmModule());
        auto module = Pkcs11Module::load(softhsmModule());
        const CK_SLOT_ID slot = module.value()->tokens()->first().slotId;
        auto session = module.value()->openSession(slot, true);
        (*session)->login(pin);

        std::vector<double> ec, rsa, sign, store_;
        for (int i = 0; i < rounds; ++i) {
            QElapsedTimer t;
            t.start();
            auto key = (*session)->generateKeyPair(KeyAlgorithm::EcP256, QStringLiteral("bench"));
            ec.push_back(ms(t));
            if (!key)
                return 1;
            if (i < std::max(1, rounds / 4)) {
                t.restart();
                (*session)->generateKeyPair(KeyAlgorithm::Rsa2048, QStringLiteral("bench-rsa"));
                rsa.push_back(ms(t));
            }
            t.restart();
            auto evp = (*store)->privateKey(token.serial(), key->id);
            EvpMdCtxPtr ctx(EVP_MD_CTX_new());
            unsigned char signature[128];
            std::size_t length = sizeof signature;
            const unsigned char data[] = "kur";
            EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, evp->get());
            EVP_DigestSign(ctx.get(), signature, &length, data, sizeof data);
            sign.push_back(ms(t));
        }
        row("on-token keygen, EC P-256 (SoftHSM2)", stats(ec), "part of keygen+kur <= 40 ms");
        row("on-token keygen, RSA-2048 (SoftHSM2)", stats(rsa), "(option, not budgeted)");
        row("EVP_PKEY via libp11 + one ECDSA signature", stats(sign),
            "part of keygen+kur <= 40 ms");
    }

    // Insert -> TokenReady through the whole presence chain, against pcsc_scan's own latency.
    PrivatePcscd pcscd;
    if (!pcscd.start()) {
        std::fprintf(stderr, "cannot start pcscd\n");
        return 1;
    }
    std::vector<double> ours, event, scan;
    {
        TokenService tokens(softhsmModule());
        PcscMonitor pcsc;
        TokenPresence presence(&tokens, &pcsc, nullptr);
        QElapsedTimer t;
        QObject::connect(&pcsc, &PcscMonitor::cardInserted, [&] { event.push_back(ms(t)); });
        pcsc.start();
        waitFor([&] { return presence.state() == PresenceState::NoToken; }, 5000);
        for (int i = 0; i < std::max(3, rounds / 2); ++i) {
            VirtualCard card;
            randomPhase();
            t.start();
            card.insert(pcscd.port());
            if (waitFor([&] { return presence.state() == PresenceState::TokenReady; }, 5000))
                ours.push_back(ms(t));
            card.remove();
            waitFor([&] { return presence.state() == PresenceState::TokenGone; }, 5000);
        }
    }
    for (int i = 0; i < std::max(3, rounds / 2); ++i) {
        QProcess scanner;
        scanner.setProcessChannelMode(QProcess::MergedChannels);
        // Line-buffered, or pcsc_scan's output sits in a pipe buffer until it exits.
        scanner.start(QStringLiteral("stdbuf"),
                      {QStringLiteral("-oL"), QStringLiteral("pcsc_scan"), QStringLiteral("-n")});
        scanner.waitForStarted();
        QByteArray seen;
        waitFor(
            [&] {
                seen += scanner.readAll();
                return seen.contains("Card removed");
            },
            3000);
        VirtualCard card;
        randomPhase();
        QElapsedTimer t;
        t.start();
        card.insert(pcscd.port());
        seen.clear();
        if (waitFor(
                [&] {
                    seen += scanner.readAll();
                    return seen.contains("Card inserted");
                },
                5000))
            scan.push_back(ms(t));
        card.remove();
        scanner.kill();
        scanner.waitForFinished();
        QThread::msleep(500);
    }
    const Stats oursStats = stats(ours), scanStats = stats(scan);
    row("pcsc_scan: card insert -> reported", scanStats, "reference");
    const QByteArray budget = QByteArray("<= ") +
                              QByteArray::number(scanStats.median + 50, 'f', 0) +
                              " ms (pcsc_scan + 50)";
    row("KeyKiosk PcscMonitor: card insert -> event", stats(event), budget.constData());
    row("KeyKiosk: card insert -> token ready (slot)", oursStats, budget.constData());
    std::printf(
        "\nvpcd is polled by pcscd every 400 ms, so both sides carry that polling delay.\n");
    return 0;
}
