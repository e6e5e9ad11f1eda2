// keykiosk-ra: the bank's registration authority for KeyKiosk.
//
//   keykiosk-ra init-demo DIR [--port N]       demo bank CA, RA certificate and ra.conf
//   keykiosk-ra signer --config FILE           the CA key's process: signs what the register
//   approved keykiosk-ra serve --config FILE            CMP over HTTP (and HTTPS) at
//   /.well-known/cmp;
//                                              systemd socket activation (sockets "http", "https")
//   keykiosk-ra requests --config FILE [--status S] [--sitting ID]
//   keykiosk-ra approve ID --config FILE
//   keykiosk-ra approve --sitting ID --config FILE   every pending request of a signers' sitting
//   keykiosk-ra reject ID --reason TEXT --config FILE
//   keykiosk-ra revoke SERIAL --config FILE [--reason TEXT]
//   keykiosk-ra abonents [add --uid U --name N --org O --inn N --ogrn N --snils N] --config FILE
//   keykiosk-ra certificates [import FILE... [--role client|staff|ra]] --config FILE
//   keykiosk-ra audit --config FILE
//   keykiosk-ra audit verify --config FILE     the hash chain: exit 1 on any edit or deletion
//   keykiosk-ra migrate --config FILE          the register's schema to this version's
//
// Operator commands go to the running RA over its local admin socket ([admin] socket); the
// RA names the operator by the socket's peer credentials and checks the account's role
// (operator, auditor, administrator). The CLI never opens the register for writing; with
// the RA stopped, reading commands read it (for whoever may read the file).
#include "httpfront.h"
#include "keykiosk/configfile.h"
#include "localsocket.h"
#include "raconfig.h"
#include "ralog.h"
#include "raservice.h"
#include "signer.h"
#include "store.h"

#include "keykiosk/x509text.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>
#include <sys/prctl.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <thread>

#include <pthread.h>
#include <signal.h>

#include <openssl/pem.h>

#include <pwd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace kk;
using namespace kk::ra;

namespace {

int fail(const QString &message)
{
    std::fprintf(stderr, "keykiosk-ra: %s\n", qPrintable(message));
    return 1;
}

// Where the RA serves the CRL (the signer's, fresh on each request).
const char kCrlTarget[] = "/crl/bank.crl";

// One request to the signer process: its answer (base64 DER), or why not.
Expected<QByteArray> askSigner(const QString &socket, const QStringList &args)
{
    OperatorRequest request;
    request.args = args;
    auto answer = sendLocalCommand(socket, request);
    if (!answer)
        return answer.error();
    if (answer->first != 0)
        return Error(ErrorCode::Internal, answer->second.trimmed());
    return QByteArray::fromBase64(answer->second.toLatin1());
}

// keykiosk-ra signer: holds the CA key, signs what the register approved (signer.h).
int runSigner(const RaConfig &config)
{
    installLogFormat();
    if (config.signerSocket.isEmpty())
        return fail(QStringLiteral("no [signer] socket in the configuration"));
    auto identity = loadIdentity(config, true);
    if (!identity)
        return fail(identity.error().detail);
    // The register is read, never written; it is opened when first needed (the RA creates
    // and upgrades it).
    std::mutex storeMutex;
    std::unique_ptr<Store> store;
    std::unique_ptr<Signer> signer;
    RaIdentity id = identity.takeValue();
    auto ensureSigner = [&]() -> Error {
        if (signer)
            return {};
        auto opened = openRegister(config, Store::Access::ReadOnly);
        if (!opened)
            return opened.error();
        store = opened.takeValue();
        X509_up_ref(id.caCert.get());
        EVP_PKEY_up_ref(id.caKey.get());
        signer = std::make_unique<Signer>(X509Ptr(id.caCert.get()), EvpPkeyPtr(id.caKey.get()),
                                          SignerProfile{config.policy.clientPolicyOid,
                                                        config.policy.validityDays,
                                                        config.policy.crlUrl, 24},
                                          store.get());
        return {};
    };
    // SIGTERM and SIGINT are waited for below, on this thread only.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);
    LocalSocketServer server;
    if (Error e = server.listen(
            config.signerSocket, config.signerSocketMode,
            [&](const OperatorRequest &request, Out &out) {
                if (!config.signerClients.contains(out.who))
                    return out.fail(QStringLiteral("%1 may not ask the signer ([signer] clients)")
                                        .arg(out.who));
                std::lock_guard<std::mutex> lock(storeMutex);
                if (Error e = ensureSigner())
                    return out.fail(e.detail);
                const QString what = request.args.value(0);
                Expected<QByteArray> result =
                    what == QLatin1String("issue")
                        ? signer->issue(request.args.value(1).toLongLong())
                    : what == QLatin1String("crl")
                        ? signer->crl()
                        : Expected<QByteArray>(Error(
                              ErrorCode::Internal, QStringLiteral("unknown request %1").arg(what)));
                if (!result)
                    return out.fail(result.error().detail);
                out.text = QString::fromLatin1(result->toBase64());
                return 0;
            }))
        return fail(e.detail);
    std::printf("keykiosk-ra signer: listening on %s\n", qPrintable(config.signerSocket));
    std::fflush(stdout);
    int signal = 0;
    sigwait(&stop, &signal);
    server.stop();
    return 0;
}

// keykiosk-ra migrate: brings the register's schema to this version's. Run once before the
// nodes of a new version start (they refuse a PostgreSQL register at another schema); a
// SQLite register is upgraded by its one RA as it opens it, and this does the same.
int migrate(const RaConfig &config)
{
    auto store = openRegister(config, Store::Access::Migrate);
    if (!store)
        return fail(store.error().detail);
    auto found = store.value()->migrate();
    if (!found)
        return fail(found.error().detail);
    const int from = store.value()->foundVersion();
    if (from == Store::kSchemaVersion)
        std::printf("register at schema %d: nothing to do\n", Store::kSchemaVersion);
    else
        std::printf("register migrated from schema %d to %d\n", from, Store::kSchemaVersion);
    return 0;
}

int serve(const RaConfig &config)
{
    installLogFormat(); // priority, UTC time, peer and transaction on every line
    auto store = openRegister(config, Store::Access::Serve);
    if (!store)
        return fail(store.error().detail);
    // With a signer process the CA key never enters this process: the signer is asked, by
    // request id, over its socket.
    const bool separateSigner = !config.signerSocket.isEmpty();
    auto identity = loadIdentity(config, !separateSigner);
    if (!identity)
        return fail(identity.error().detail);
    Issuer issuer;
    if (separateSigner)
        issuer = [&config](qint64 requestId) -> Expected<QByteArray> {
            return askSigner(config.signerSocket,
                             {QStringLiteral("issue"), QString::number(requestId)});
        };
    RaService service(identity.takeValue(), config.policy, store->get(), issuer);
    if (separateSigner)
        service.setCrlSource(
            [&config] { return askSigner(config.signerSocket, {QStringLiteral("crl")}); });
    std::signal(SIGPIPE, SIG_IGN);
    // Every connection is a descriptor: the connection cap, not the soft limit, decides.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }

    HttpFrontLimits limits;
    limits.maxBodyBytes = std::size_t(config.maxBodyBytes);
    limits.workers = config.threads;
    limits.headerDeadline = std::chrono::milliseconds(config.headerTimeoutMs);
    limits.bodyDeadline = std::chrono::milliseconds(config.bodyTimeoutMs);
    limits.keepAliveIdle = std::chrono::milliseconds(config.keepAliveMs);
    limits.maxConnections = config.maxConnections;
    limits.maxConnectionsPerPeer = config.maxConnectionsPerPeer;
    limits.kioskReserve = config.kioskReserve;
    for (const QString &network : config.kioskNetworks)
        limits.kioskNetworks.push_back(network.toStdString());
    limits.shutdownGrace = std::chrono::seconds(config.shutdownGraceSeconds);
    HttpFront front(limits, [&service](const QByteArray &request, const std::string &peer) {
        return service.handle(request, QString::fromStdString(peer));
    });
    front.serveGet(kCrlTarget, [&service] {
        auto crl = service.crl();
        return crl ? crl.value() : QByteArray();
    });
    const TlsFiles tlsFiles{config.tlsCert.toStdString(), config.tlsKey.toStdString(),
                            config.caCert.toStdString(), config.tlsRequireClientCert};
    const std::string host = config.listen.toStdString();
    int port = -1, tlsPort = -1;
    // systemd socket activation: the sockets named "http" and "https" (an unnamed first one
    // is HTTP); otherwise the configured ports.
    const auto inherited = inheritedSockets();
    for (std::size_t i = 0; i < inherited.size(); ++i) {
        const auto &[name, fd] = inherited[i];
        const bool tls = name == "https";
        if (!tls && name != "http" && !(name == "unknown" && i == 0))
            return fail(QStringLiteral("an inherited socket named %1: name them http or https")
                            .arg(QString::fromStdString(name)));
        auto adopted = front.adopt(fd, tls ? std::optional<TlsFiles>(tlsFiles) : std::nullopt);
        if (!adopted)
            return fail(adopted.error().detail);
        (tls ? tlsPort : port) = adopted.value();
    }
    if (inherited.empty()) {
        auto plain = front.listen(host, config.httpPort, std::nullopt);
        if (!plain)
            return fail(plain.error().detail);
        port = plain.value();
        if (config.httpsPort != 0) {
            auto secure = front.listen(host, std::max(0, config.httpsPort), tlsFiles);
            if (!secure)
                return fail(secure.error().detail);
            tlsPort = secure.value();
        }
    }

    // Operator commands: on the admin socket, as the account the kernel says sent them.
    Store *register_ = store.value().get();
    LocalSocketServer admin;
    if (Error e = admin.listen(config.adminSocket, config.adminSocketMode,
                               [register_, &config](const OperatorRequest &request, Out &out) {
                                   const int code =
                                       runOperatorCommand(*register_, config.roles, request, out);
                                   // What the operator is told is on disk (sqldatabase.h).
                                   if (Error e = register_->flush())
                                       return out.fail(e.detail);
                                   return code;
                               }))
        return fail(e.detail);

    std::atomic_bool stopping{false};
    std::thread housekeeping([&service, &store, &stopping] {
        while (!stopping) {
            for (int i = 0; i < 50 && !stopping; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            service.expireIdleTransactions();
            store.value()->approveDue(QDateTime::currentDateTimeUtc());
        }
    });
    if (tlsPort >= 0)
        std::printf("keykiosk-ra: listening on https://%s:%d/.well-known/cmp\n", host.c_str(),
                    tlsPort);
    if (port >= 0)
        std::printf("keykiosk-ra: listening on http://%s:%d/.well-known/cmp (approval %s)\n",
                    host.c_str(), port,
                    config.policy.approval == ApprovalMode::Auto ? "auto" : "manual");
    std::fflush(stdout);
    front.run(); // until SIGTERM, then the exchanges in flight finish
    admin.stop();
    stopping = true;
    housekeeping.join();
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
#ifndef KEYKIOSK_DEBUG_BUILD
    ::prctl(PR_SET_DUMPABLE, 0); // the RA's and the signer's keys never go to a core dump
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keykiosk-ra"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KeyKiosk registration authority (CMP)"));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral(
            "init-demo | serve | signer | check-config | migrate | requests | approve | reject | "
            "revoke | abonents [add] | certificates [import FILE...] | audit"));
    const QCommandLineOption configOption(QStringLiteral("config"), QStringLiteral("ra.conf"),
                                          QStringLiteral("file"));
    const QCommandLineOption statusOption(
        QStringLiteral("status"), QStringLiteral("filter by status"), QStringLiteral("status"));
    const QCommandLineOption sittingOption(QStringLiteral("sitting"),
                                           QStringLiteral("a signers' sitting (requests, approve)"),
                                           QStringLiteral("id"));
    const QCommandLineOption reasonOption(QStringLiteral("reason"), QStringLiteral("reason text"),
                                          QStringLiteral("text"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("HTTP port for init-demo"),
                                        QStringLiteral("port"), QStringLiteral("8080"));
    parser.addOptions({configOption, statusOption, sittingOption, reasonOption, portOption});
    for (const char *field : {"uid", "name", "org", "inn", "ogrn", "snils", "role"})
        parser.addOption(QCommandLineOption(QString::fromLatin1(field),
                                            QStringLiteral("abonents add / certificates import"),
                                            QStringLiteral("value")));
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        parser.showHelp(2);
    const QString command = args.first();

    if (command == QLatin1String("init-demo")) {
        if (args.size() < 2)
            return fail(QStringLiteral("init-demo needs a directory"));
        if (Error e = initDemo(args[1], parser.value(portOption).toInt()))
            return fail(e.detail);
        std::printf(
            "demo RA in %s: ca.cert.pem (bank CA), ra.cert.pem (pin it on kiosks), ra.conf\n",
            qPrintable(args[1]));
        return 0;
    }

    if (command == QLatin1String("check-config")) {
        // Every invalid or unknown key with its line, as `keykiosk --check-config` does.
        QStringList problems;
        const RaConfig read = RaConfig::read(parser.value(configOption), &problems);
        problems << exposedSecrets(read, parser.value(configOption), SecretsOf::Everyone);
        return kk::ConfigFile::printReport(parser.value(configOption), problems);
    }
    auto config = RaConfig::load(parser.value(configOption));
    if (!config)
        return fail(config.error().detail);
    if (command == QLatin1String("serve") || command == QLatin1String("signer")) {
        // Nothing starts on a secret that other accounts can read.
        const QStringList exposed = exposedSecrets(
            config.value(), parser.value(configOption),
            command == QLatin1String("signer") ? SecretsOf::Signer : SecretsOf::Serve);
        if (!exposed.isEmpty())
            return fail(exposed.join(QLatin1Char('\n')));
    }
    if (command == QLatin1String("serve"))
        return serve(config.value());
    if (command == QLatin1String("signer"))
        return runSigner(config.value());
    if (command == QLatin1String("migrate"))
        return migrate(config.value());

    if (!isOperatorCommand(command))
        return fail(QStringLiteral("unknown command %1").arg(command));
    // The command goes to the running RA, which knows who sends it; the CLI never opens the
    // register for writing.
    OperatorRequest request;
    request.args = args;
    for (const QString &option :
         {QStringLiteral("status"), QStringLiteral("sitting"), QStringLiteral("reason"),
          QStringLiteral("uid"), QStringLiteral("name"), QStringLiteral("org"),
          QStringLiteral("inn"), QStringLiteral("ogrn"), QStringLiteral("snils"),
          QStringLiteral("role")})
        if (parser.isSet(option))
            request.options.insert(option, parser.value(option));
    if (command == QLatin1String("certificates") && args.value(1) == QLatin1String("import")) {
        for (const QString &path : args.mid(2)) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return fail(QStringLiteral("cannot read %1").arg(path));
            request.files.append({path, file.readAll()});
        }
    }
    auto answer = sendLocalCommand(config->adminSocket, request);
    if (!answer) {
        // With the RA stopped, reading still works for whoever may read the register's file
        // (an audit after an incident); nothing that changes it does.
        if (!isReadingCommand(request))
            return fail(answer.error().detail);
        auto store = openRegister(config.value(), Store::Access::ReadOnly);
        if (!store)
            return fail(answer.error().detail + QStringLiteral("; reading the register: ") +
                        store.error().detail);
        OperatorRoles owner; // the register's own account reads it as an auditor
        Out out;
        out.who = QStringLiteral("offline reader");
        owner.auditors << out.who;
        const int code = runOperatorCommand(*store.value(), owner, request, out);
        std::fputs(qPrintable(out.text), code == 0 ? stdout : stderr);
        return code;
    }
    std::fputs(answer->second.toUtf8().constData(), answer->first == 0 ? stdout : stderr);
    return answer->first;
}
