// keykiosk-ra: the bank's registration authority for KeyKiosk.
//
//   keykiosk-ra init-demo DIR [--port N]       demo bank CA, RA certificate and ra.conf
//   keykiosk-ra serve --config FILE            CMP over HTTP (and HTTPS) at /.well-known/cmp;
//                                              systemd socket activation (sockets "http", "https")
//   keykiosk-ra requests --config FILE [--status S] [--sitting ID]
//   keykiosk-ra approve ID --config FILE
//   keykiosk-ra approve --sitting ID --config FILE   every pending request of a signers' sitting
//   keykiosk-ra reject ID --reason TEXT --config FILE
//   keykiosk-ra revoke SERIAL --config FILE [--reason TEXT]
//   keykiosk-ra abonents [add --uid U --name N --org O --inn N --ogrn N --snils N] --config FILE
//   keykiosk-ra certificates [import FILE... [--role client|staff|ra]] --config FILE
//   keykiosk-ra audit --config FILE
//
// An operator is the system account that runs the command; approvals, refusals, revocations
// and additions to the register are written to the append-only audit log under that name.
// Operator commands work on the database directly, never through the public CMP port.
#include "httpfront.h"
#include "raconfig.h"
#include "raservice.h"
#include "store.h"

#include "keykiosk/x509text.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLoggingCategory>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

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

int serve(const RaConfig &config)
{
    auto store = Store::open(config.database);
    if (!store)
        return fail(store.error().detail);
    auto identity = loadIdentity(config);
    if (!identity)
        return fail(identity.error().detail);
    RaService service(identity.takeValue(), config.policy, store->get());
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
    limits.maxConnections = config.maxConnections;
    limits.maxConnectionsPerPeer = config.maxConnectionsPerPeer;
    limits.shutdownGrace = std::chrono::seconds(config.shutdownGraceSeconds);
    HttpFront front(limits,
                    [&service](const QByteArray &request) { return service.handle(request); });
    const TlsFiles tlsFiles{config.tlsCert.toStdString(), config.tlsKey.toStdString()};
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
    stopping = true;
    housekeeping.join();
    return 0;
}

// Who runs an operator command: the system account (operators log in as themselves). Dual
// control counts two different accounts.
QString operatorName()
{
    const passwd *account = ::getpwuid(::geteuid());
    return account ? QString::fromLocal8Bit(account->pw_name)
                   : QStringLiteral("uid %1").arg(::geteuid());
}

X509Ptr readCertificateFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return nullptr;
    const QByteArray bytes = file.readAll();
    BioPtr bio(BIO_new_mem_buf(bytes.constData(), bytes.size()));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
        const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
        cert.reset(d2i_X509(nullptr, &p, bytes.size()));
    }
    return cert;
}

// Registers certificates the bank already issued (a migration, the test and demo tokens). A
// client's certificate brings its abonent into the register, with the certificate's subject.
int importCertificates(Store &store, const QStringList &paths, const QString &roleText)
{
    const auto role = roleFromName(roleText.isEmpty() ? QStringLiteral("client") : roleText);
    if (!role)
        return fail(QStringLiteral("unknown role %1 (client, staff, ra)").arg(roleText));
    for (const QString &path : paths) {
        X509Ptr cert = readCertificateFile(path);
        if (!cert)
            return fail(QStringLiteral("%1 is not a certificate (PEM or DER)").arg(path));
        const X509_NAME *subject = X509_get_subject_name(cert.get());
        CertificateRecord record;
        record.serial = serialHex(cert.get());
        record.role = *role;
        record.subject = subjectLine(cert.get());
        record.notAfter = notAfterOf(cert.get());
        record.der = derBytes([&cert](unsigned char **out) { return i2d_X509(cert.get(), out); });
        if (*role == CertificateRole::Client) {
            AbonentRecord abonent;
            abonent.uid = nameField(subject, "UID");
            if (abonent.uid.isEmpty())
                abonent.uid = QStringLiteral("SN-") + record.serial;
            abonent.name = nameField(subject, "CN");
            abonent.organization = nameField(subject, "O");
            abonent.inn = nameField(subject, "1.2.643.3.131.1.1");
            abonent.ogrn = nameField(subject, "1.2.643.100.1");
            abonent.snils = nameField(subject, "1.2.643.100.3");
            abonent.subjectDer =
                derBytes([subject](unsigned char **out) { return i2d_X509_NAME(subject, out); });
            auto known = store.findAbonent(abonent.uid);
            if (!known)
                return fail(known.error().detail);
            if (!known.value()) {
                if (Error e = store.addAbonent(abonent, operatorName()))
                    return fail(e.detail);
            }
            record.abonentUid = abonent.uid;
        }
        if (Error e = store.registerCertificate(record, operatorName()))
            return fail(e.detail);
        std::printf("registered %s certificate %s %s\n", qPrintable(roleName(*role)),
                    qPrintable(record.serial), qPrintable(record.subject));
    }
    return 0;
}

int listCertificates(Store &store)
{
    auto records = store.certificates();
    if (!records)
        return fail(records.error().detail);
    std::printf("%-34s %-7s %-11s %-16s %-10s %s\n", "SERIAL", "ROLE", "STATE", "ABONENT",
                "NOT AFTER", "SUBJECT");
    for (const CertificateRecord &c : records.value())
        std::printf("%-34s %-7s %-11s %-16s %-10s %s%s\n", qPrintable(c.serial),
                    qPrintable(roleName(c.role)), qPrintable(stateName(c.state)),
                    qPrintable(c.abonentUid.isEmpty() ? QStringLiteral("-") : c.abonentUid),
                    qPrintable(c.notAfter.toString(QStringLiteral("yyyy-MM-dd"))),
                    qPrintable(c.subject),
                    qPrintable(c.replacedBy.isEmpty()
                                   ? QString()
                                   : QStringLiteral(" (superseded by %1)").arg(c.replacedBy)));
    return 0;
}

int abonentsCommand(Store &store, const QStringList &args, const QCommandLineParser &parser)
{
    if (args.value(1) == QLatin1String("add")) {
        AbonentRecord a;
        a.uid = parser.value(QStringLiteral("uid")).trimmed();
        a.name = parser.value(QStringLiteral("name")).trimmed();
        a.organization = parser.value(QStringLiteral("org")).trimmed();
        a.inn = parser.value(QStringLiteral("inn")).trimmed();
        a.ogrn = parser.value(QStringLiteral("ogrn")).trimmed();
        a.snils = parser.value(QStringLiteral("snils")).trimmed();
        if (a.uid.isEmpty() || a.name.isEmpty())
            return fail(QStringLiteral("abonents add needs --uid and --name"));
        X509NamePtr subject(X509_NAME_new());
        auto add = [&subject](const char *field, const QString &value) {
            const QByteArray utf8 = value.toUtf8();
            if (!value.isEmpty())
                X509_NAME_add_entry_by_txt(
                    subject.get(), field, MBSTRING_UTF8,
                    reinterpret_cast<const unsigned char *>(utf8.constData()), -1, -1, 0);
        };
        add("C", QStringLiteral("RU"));
        add("O", a.organization);
        add("CN", a.name);
        add("UID", a.uid);
        add("1.2.643.3.131.1.1", a.inn);
        add("1.2.643.100.1", a.ogrn);
        add("1.2.643.100.3", a.snils);
        a.subjectDer =
            derBytes([&subject](unsigned char **out) { return i2d_X509_NAME(subject.get(), out); });
        if (Error e = store.addAbonent(a, operatorName()))
            return fail(e.detail);
        std::printf("abonent %s added: %s, %s\n", qPrintable(a.uid), qPrintable(a.name),
                    qPrintable(a.organization));
        return 0;
    }
    auto records = store.abonents();
    if (!records)
        return fail(records.error().detail);
    std::printf("%-16s %-36s %-32s %-12s %-15s %s\n", "UID", "NAME", "ORGANIZATION", "INN", "OGRN",
                "SNILS");
    for (const AbonentRecord &a : records.value())
        std::printf("%-16s %-36s %-32s %-12s %-15s %s\n", qPrintable(a.uid), qPrintable(a.name),
                    qPrintable(a.organization), qPrintable(a.inn), qPrintable(a.ogrn),
                    qPrintable(a.snils));
    return 0;
}

int listAudit(Store &store)
{
    auto records = store.auditLog();
    if (!records)
        return fail(records.error().detail);
    for (const AuditRecord &r : records.value())
        std::printf("%-6lld %s  %-40s %-22s %-9s %s\n", r.id,
                    qPrintable(r.at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                    qPrintable(r.actor), qPrintable(r.action),
                    qPrintable(r.request.isEmpty() ? QStringLiteral("-") : r.request),
                    qPrintable(r.detail));
    return 0;
}

int listRequests(Store &store, const QString &statusFilter, const QString &sitting)
{
    std::optional<RequestStatus> status;
    if (!statusFilter.isEmpty()) {
        status = statusFromName(statusFilter);
        if (!status)
            return fail(QStringLiteral("unknown status %1 (pending, approved, issued, confirmed, "
                                       "rejected, rejected-by-client)")
                            .arg(statusFilter));
    }
    auto records = store.list(status, sitting);
    if (!records)
        return fail(records.error().detail);
    if (!sitting.isEmpty())
        std::printf("sitting %s: %d request(s)\n", qPrintable(sitting), int(records->size()));
    std::printf("%-6s %-9s %-19s %-16s %-18s %-11s %-40s %s\n", "ID", "NUMBER", "DATE (UTC)", "UID",
                "STATUS", "CASE", "ABONENT", "REASON / CERTIFICATE");
    for (const RequestRecord &r : records.value()) {
        std::printf("%-6lld %-9s %-19s %-16s %-18s %-11s %-40s %s\n", r.id, qPrintable(r.number),
                    qPrintable(r.created.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))),
                    qPrintable(r.uid), qPrintable(statusName(r.status)), qPrintable(r.caseKind),
                    qPrintable(r.abonent),
                    qPrintable(r.reason.isEmpty() ? r.certSerial : r.reason));
        if (r.kind == QLatin1String("ir"))
            std::printf(
                "       staff: %s; application %s; checked: %s; approvals: %s (%d needed)\n",
                qPrintable(r.staff), qPrintable(r.application), qPrintable(r.checklist),
                qPrintable(r.approvals.isEmpty() ? QStringLiteral("none")
                                                 : r.approvals.join(QStringLiteral(", "))),
                r.approvalsNeeded);
        if (!r.sitting.isEmpty() && sitting.isEmpty())
            std::printf("       sitting: %s\n", qPrintable(r.sitting));
    }
    return 0;
}

// Approves every pending request of a signers' sitting, one by one, as this operator (dual
// control still counts operators per request).
int approveSitting(Store &store, const QString &sitting)
{
    auto pending = store.list(RequestStatus::Pending, sitting);
    if (!pending)
        return fail(pending.error().detail);
    auto all = store.list(std::nullopt, sitting);
    if (!all)
        return fail(all.error().detail);
    if (all->isEmpty())
        return fail(QStringLiteral("no requests of sitting %1").arg(sitting));
    int approved = 0, failed = 0;
    for (const RequestRecord &r : pending.value()) {
        if (Error e = store.approve(r.id, operatorName())) {
            std::fprintf(stderr, "request %s: %s\n", qPrintable(r.number), qPrintable(e.detail));
            ++failed;
            continue;
        }
        auto after = store.findById(r.id);
        const bool stillPending =
            after && after.value() && after.value()->status == RequestStatus::Pending;
        std::printf("request %s (%s): %s\n", qPrintable(r.number), qPrintable(r.abonent),
                    stillPending ? "approval recorded, another operator needed" : "approved");
        ++approved;
    }
    std::printf("sitting %s: %d of %d request(s) were pending; %d approved now, %d failed\n",
                qPrintable(sitting), int(pending->size()), int(all->size()), approved, failed);
    return failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keykiosk-ra"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KeyKiosk registration authority (CMP)"));
    parser.addHelpOption();
    parser.addPositionalArgument(
        QStringLiteral("command"),
        QStringLiteral("init-demo | serve | requests | approve | reject | revoke | abonents "
                       "[add] | certificates [import FILE...] | audit"));
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

    auto config = RaConfig::load(parser.value(configOption));
    if (!config)
        return fail(config.error().detail);
    if (command == QLatin1String("serve"))
        return serve(config.value());

    auto store = Store::open(config->database);
    if (!store)
        return fail(store.error().detail);
    if (command == QLatin1String("requests"))
        return listRequests(*store.value(), parser.value(statusOption),
                            parser.value(sittingOption));
    if (command == QLatin1String("approve") && parser.isSet(sittingOption))
        return approveSitting(*store.value(), parser.value(sittingOption));
    if (command == QLatin1String("approve") || command == QLatin1String("reject")) {
        bool ok = false;
        const qint64 id = args.value(1).toLongLong(&ok);
        if (!ok)
            return fail(QStringLiteral("%1 needs a request ID").arg(command));
        if (command == QLatin1String("reject") && parser.value(reasonOption).trimmed().isEmpty())
            return fail(QStringLiteral("reject needs --reason: the client is shown it"));
        Error e = command == QLatin1String("approve")
                      ? store.value()->approve(id, operatorName())
                      : store.value()->reject(id, parser.value(reasonOption), operatorName());
        if (e)
            return fail(e.detail);
        auto after = store.value()->findById(id);
        if (command == QLatin1String("approve") && after && after.value() &&
            after.value()->status == RequestStatus::Pending)
            std::printf("request %lld: approval %d of %d recorded (by %s)\n", id,
                        int(after.value()->approvals.size()), after.value()->approvalsNeeded,
                        qPrintable(operatorName()));
        else
            std::printf("request %lld %s\n", id,
                        command == QLatin1String("approve") ? "approved" : "rejected");
        return 0;
    }
    if (command == QLatin1String("revoke")) {
        if (args.size() < 2)
            return fail(QStringLiteral("revoke needs a certificate serial (hex)"));
        auto known = store.value()->findCertificate(args[1]);
        if (!known)
            return fail(known.error().detail);
        if (!known.value())
            return fail(QStringLiteral("no certificate %1 in the register").arg(args[1]));
        if (Error e = store.value()->revoke(args[1], parser.value(reasonOption), operatorName()))
            return fail(e.detail);
        std::printf("certificate %s revoked\n", qPrintable(args[1].toUpper()));
        return 0;
    }
    if (command == QLatin1String("abonents"))
        return abonentsCommand(*store.value(), args, parser);
    if (command == QLatin1String("certificates")) {
        if (args.value(1) == QLatin1String("import"))
            return importCertificates(*store.value(), args.mid(2),
                                      parser.value(QStringLiteral("role")));
        return listCertificates(*store.value());
    }
    if (command == QLatin1String("audit"))
        return listAudit(*store.value());
    return fail(QStringLiteral("unknown command %1").arg(command));
}
