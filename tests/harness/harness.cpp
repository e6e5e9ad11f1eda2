// GLib (umockdev) before Qt: GLib uses "signals" as an identifier, Qt as a macro.
#include <umockdev.h>

#include "harness.h"

#include "keykiosk/token/pkcs11module.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kk::test {

QString harnessPath(const char *what)
{
    const QString name = QString::fromLatin1(what);
    if (name == QLatin1String("testpki"))
        return QStringLiteral(KK_TESTPKI_PATH);
    if (name == QLatin1String("pcscd-launch"))
        return QStringLiteral(KK_PCSCD_LAUNCH_PATH);
    if (name == QLatin1String("loopback-bind"))
        return QStringLiteral(KK_LOOPBACK_BIND_PATH);
    if (name == QLatin1String("pinshim"))
        return QStringLiteral(KK_PINSHIM_PATH);
    if (name == QLatin1String("killshim"))
        return QStringLiteral(KK_KILLSHIM_PATH);
    if (name == QLatin1String("failsync"))
        return QStringLiteral(KK_FAILSYNC_PATH);
    return QStringLiteral(KK_HARNESS_SOURCE_DIR) + QLatin1Char('/') + name;
}

QString softhsmModule()
{
    return QStringLiteral("/usr/lib/softhsm/libsofthsm2.so");
}

TokenOptions staffTokenOptions(const QString &caDir, int daysLeft)
{
    TokenOptions s;
    s.label = QStringLiteral("Staff");
    s.pin = QString::fromLatin1(kStaffPin);
    s.caDir = caDir;
    s.role = QStringLiteral("staff");
    s.commonName = QStringLiteral("Петрова Анна Сергеевна");
    s.title = QStringLiteral("Операционист");
    s.snils = QStringLiteral("12345678964"); // not the clients' (make-token.sh's default)
    s.daysLeft = daysLeft;
    return s;
}

// ---------------------------------------------------------------------------------------

RaServer::Options RaServer::throughputBank(const QString &postgres)
{
    Options options;
    options.autoDelaySeconds = 0;
    options.manyClientsFromOneHost = true;
    options.postgres = postgres;
    return options;
}

RaServer::RaServer(const Options &options) : m_options(options) {}

RaServer::~RaServer()
{
    stop();
}

QString RaServer::url() const
{
    return m_tlsPort != 0 ? QStringLiteral("https://127.0.0.1:%1/.well-known/cmp").arg(m_tlsPort)
                          : QStringLiteral("http://127.0.0.1:%1/.well-known/cmp").arg(m_port);
}

void RaServer::setConfig(const QString &from, const QString &to)
{
    QFile conf(m_dir.path() + QStringLiteral("/ra.conf"));
    conf.open(QIODevice::ReadOnly);
    QString text = QString::fromUtf8(conf.readAll());
    conf.close();
    text.replace(from, to);
    conf.open(QIODevice::WriteOnly | QIODevice::Truncate);
    conf.write(text.toUtf8());
}

bool RaServer::start()
{
    if (!prepare())
        return false;
    return launch();
}

bool RaServer::prepareAsNodeOf(const RaServer &first)
{
    const QDir from(first.dir());
    for (const QString &name : from.entryList(QDir::Files)) {
        if (name.endsWith(QLatin1String(".pem")) || name == QLatin1String("ra.conf"))
            QFile::copy(from.filePath(name), m_dir.filePath(name));
    }
    if (!QFile::exists(m_dir.filePath(QStringLiteral("ra.conf"))))
        return false;
    // The first node's ports were written into its ra.conf by restart(); this one's are free.
    QFile conf(m_dir.filePath(QStringLiteral("ra.conf")));
    conf.open(QIODevice::ReadOnly);
    QString text = QString::fromUtf8(conf.readAll());
    conf.close();
    text.replace(QRegularExpression(QStringLiteral("\\nhttp_port=\\d+")),
                 QStringLiteral("\nhttp_port=0"));
    text.replace(QRegularExpression(QStringLiteral("\\nhttps_port=\\d+")),
                 QStringLiteral("\nhttps_port=-1"));
    conf.open(QIODevice::WriteOnly | QIODevice::Truncate);
    conf.write(text.toUtf8());
    return text.contains(QLatin1String("postgresql="));
}

bool RaServer::prepare()
{
    if (!QFile::exists(m_dir.path() + QStringLiteral("/ra.conf"))) {
        if (QProcess::execute(QStringLiteral(KK_RA_PATH),
                              {QStringLiteral("init-demo"), m_dir.path(), QStringLiteral("--port"),
                               QStringLiteral("0")}) != 0)
            return false;
        QFile conf(m_dir.path() + QStringLiteral("/ra.conf"));
        conf.open(QIODevice::ReadOnly);
        QString text = QString::fromUtf8(conf.readAll());
        conf.close();
        text.replace(QStringLiteral("approval=auto"),
                     QStringLiteral("approval=") + m_options.approval);
        text.replace(QStringLiteral("auto_delay_seconds=3"),
                     QStringLiteral("auto_delay_seconds=%1").arg(m_options.autoDelaySeconds));
        text.replace(QStringLiteral("check_after_seconds=1"),
                     QStringLiteral("check_after_seconds=%1").arg(m_options.checkAfterSeconds));
        text.replace(QStringLiteral("allow_unscheduled=true"),
                     QStringLiteral("allow_unscheduled=%1")
                         .arg(m_options.allowUnscheduled ? "true" : "false"));
        if (m_options.https)
            text.replace(QStringLiteral("https_port=0"), QStringLiteral("https_port=-1"));
        if (m_options.manyClientsFromOneHost)
            text.replace(QStringLiteral("max_connections_per_peer=64"),
                         QStringLiteral("max_connections_per_peer=1024"));
        if (!m_options.postgres.isEmpty())
            text.replace(QStringLiteral("[store]\npath=ra.db\n"),
                         QStringLiteral("[store]\npostgresql=%1\n").arg(m_options.postgres));
        conf.open(QIODevice::WriteOnly | QIODevice::Truncate);
        conf.write(text.toUtf8());
        conf.close();
        if (!m_options.postgres.isEmpty()) {
            int migrated = -1;
            const QString output = cli({QStringLiteral("migrate")}, &migrated);
            if (migrated != 0) {
                qWarning("keykiosk-ra migrate: %s", qPrintable(output));
                return false;
            }
        }
    }
    return true;
}

bool RaServer::restart(const QStringList &environment)
{
    // The RA only: the signer, a service of its own, keeps running.
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            m_process->kill();
        m_process->waitForFinished(2000);
    }
    if (m_port != 0) // the bank's address stays what the clients know
        setConfig(QStringLiteral("http_port=0"), QStringLiteral("http_port=%1").arg(m_port));
    if (m_tlsPort != 0)
        setConfig(QStringLiteral("https_port=-1"), QStringLiteral("https_port=%1").arg(m_tlsPort));
    return launch(environment);
}

void RaServer::kill()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
}

bool RaServer::waitForDeath(int milliseconds)
{
    return !m_process || m_process->state() == QProcess::NotRunning ||
           m_process->waitForFinished(milliseconds);
}

bool RaServer::launch(const QStringList &environment)
{
    // Output goes to a file: a pipe nobody reads would fill up and block the RA's logging.
    // An earlier run's log is kept beside it (serve.log.1, ...).
    const QString logPath = m_dir.path() + QStringLiteral("/serve.log");
    for (int n = 1; QFile::exists(logPath); ++n)
        QFile::rename(logPath, logPath + QStringLiteral(".%1").arg(n));
    // The signer first: the RA asks it for every certificate.
    QFile conf(m_dir.path() + QStringLiteral("/ra.conf"));
    conf.open(QIODevice::ReadOnly);
    if (conf.readAll().contains("\nsocket=signer.sock") &&
        (!m_signer || m_signer->state() == QProcess::NotRunning)) {
        m_signer = std::make_unique<QProcess>();
        m_signer->setStandardOutputFile(m_dir.path() + QStringLiteral("/signer.log"),
                                        QIODevice::Append);
        m_signer->setStandardErrorFile(m_dir.path() + QStringLiteral("/signer.log"),
                                       QIODevice::Append);
        m_signer->start(QStringLiteral(KK_RA_PATH),
                        {QStringLiteral("signer"), QStringLiteral("--config"),
                         m_dir.path() + QStringLiteral("/ra.conf")});
        if (!m_signer->waitForStarted(5000))
            return false;
        QElapsedTimer waited;
        waited.start();
        while (!QFile::exists(m_dir.path() + QStringLiteral("/signer.sock")) &&
               waited.elapsed() < 5000 && m_signer->state() == QProcess::Running)
            QThread::msleep(10);
    }
    m_process = std::make_unique<QProcess>();
    if (!environment.isEmpty())
        m_process->setEnvironment(QProcess::systemEnvironment() + environment);
    m_process->setStandardOutputFile(logPath, QIODevice::Append); // both streams at the end
    m_process->setStandardErrorFile(logPath, QIODevice::Append);
    m_process->start(QStringLiteral(KK_RA_PATH),
                     {QStringLiteral("serve"), QStringLiteral("--config"),
                      m_dir.path() + QStringLiteral("/ra.conf")});
    if (!m_process->waitForStarted(5000))
        return false;
    QByteArray output;
    QElapsedTimer timer;
    timer.start();
    const QRegularExpression httpPattern(QStringLiteral("http://127\\.0\\.0\\.1:(\\d+)/"));
    const QRegularExpression tlsPattern(QStringLiteral("https://127\\.0\\.0\\.1:(\\d+)/"));
    while (timer.elapsed() < 10000 && m_process->state() == QProcess::Running) {
        QThread::msleep(20);
        QFile log(logPath);
        output = log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
        const QRegularExpressionMatch http = httpPattern.match(QString::fromUtf8(output));
        const QRegularExpressionMatch tls = tlsPattern.match(QString::fromUtf8(output));
        if (tls.hasMatch())
            m_tlsPort = quint16(tls.captured(1).toUInt());
        if (http.hasMatch()) {
            m_port = quint16(http.captured(1).toUInt());
            return !m_options.https || m_tlsPort != 0;
        }
    }
    qWarning("keykiosk-ra did not start: %s", output.constData());
    return false;
}

void RaServer::stop()
{
    for (QProcess *process : {m_process.get(), m_signer.get()}) {
        if (!process || process->state() == QProcess::NotRunning)
            continue;
        process->terminate();
        if (!process->waitForFinished(5000))
            process->kill();
        process->waitForFinished(2000);
    }
}

QString RaServer::registerState(const QString &serialHex) const
{
    for (const QString &line : cli({QStringLiteral("certificates")}).split(QLatin1Char('\n'))) {
        const QStringList fields = line.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (fields.value(0).compare(serialHex, Qt::CaseInsensitive) == 0)
            return fields.value(1) + QLatin1Char(' ') + fields.value(2);
    }
    return {};
}

QString RaServer::cli(const QStringList &args, int *exitCode) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(
        QStringLiteral(KK_RA_PATH),
        args + QStringList{QStringLiteral("--config"), m_dir.path() + QStringLiteral("/ra.conf")});
    process.waitForFinished(30000);
    if (exitCode)
        *exitCode = process.exitCode();
    return QString::fromUtf8(process.readAll());
}

QString RaServer::log() const
{
    QFile log(m_dir.path() + QStringLiteral("/serve.log"));
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
}

// ---------------------------------------------------------------------------------------

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    stop();
}

QStringList PostgresServer::asOwner(const QString &program, const QStringList &args) const
{
    // PostgreSQL refuses to run as root; the tests do (pcscd and udev need it).
    if (::geteuid() == 0)
        return QStringList{QStringLiteral("runuser"), QStringLiteral("-u"),
                           QStringLiteral("nobody"), QStringLiteral("--"), program} +
               args;
    return QStringList{program} + args;
}

namespace {
int runProgram(const QStringList &command, QByteArray *output = nullptr)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(command.first(), command.mid(1));
    if (!process.waitForFinished(60000))
        return -1;
    if (output)
        *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}
const QString kPostgresBin = QStringLiteral("/usr/lib/postgresql/15/bin/");
} // namespace

bool PostgresServer::start()
{
    if (::geteuid() == 0)
        ::chown(QFile::encodeName(m_dir.path()).constData(), 65534, 65534);
    const QString data = m_dir.filePath(QStringLiteral("data"));
    QByteArray output;
    if (!QFile::exists(data) &&
        runProgram(
            asOwner(kPostgresBin + QStringLiteral("initdb"),
                    {QStringLiteral("-D"), data, QStringLiteral("-A"), QStringLiteral("trust"),
                     QStringLiteral("-U"), QStringLiteral("keykiosk"), QStringLiteral("-E"),
                     QStringLiteral("UTF8"), QStringLiteral("--no-sync")}),
            &output) != 0) {
        qWarning("initdb: %s", output.constData());
        return false;
    }
    // A Unix socket in the directory only (no TCP port to collide with), a port number
    // that names the socket file. Durable writes stay on: the HA test kills nodes, not this.
    m_port = quint16(20000 + (::getpid() % 20000));
    const QString options =
        QStringLiteral("-k %1 -h '' -p %2 -c max_connections=200").arg(m_dir.path()).arg(m_port);
    if (runProgram(asOwner(kPostgresBin + QStringLiteral("pg_ctl"),
                           {QStringLiteral("-D"), data, QStringLiteral("-o"), options,
                            QStringLiteral("-l"), m_dir.filePath(QStringLiteral("server.log")),
                            QStringLiteral("-w"), QStringLiteral("start")}),
                   &output) != 0) {
        qWarning("pg_ctl start: %s\n%s", output.constData(), qPrintable(log()));
        return false;
    }
    m_running = true;
    return true;
}

void PostgresServer::stop()
{
    if (!m_running)
        return;
    runProgram(
        asOwner(kPostgresBin + QStringLiteral("pg_ctl"),
                {QStringLiteral("-D"), m_dir.filePath(QStringLiteral("data")), QStringLiteral("-m"),
                 QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")}));
    m_running = false;
}

QString PostgresServer::conninfo(const QString &database) const
{
    return QStringLiteral("host=%1 port=%2 user=keykiosk dbname=%3")
        .arg(m_dir.path())
        .arg(m_port)
        .arg(database);
}

QString PostgresServer::createDatabase(const QString &name)
{
    return psql(QStringLiteral("postgres"), QStringLiteral("CREATE DATABASE %1").arg(name))
                   .startsWith(QLatin1String("CREATE DATABASE"))
               ? conninfo(name)
               : QString();
}

QString PostgresServer::psql(const QString &database, const QString &sql, int *exitCode) const
{
    QByteArray output;
    const int code =
        runProgram({QStringLiteral("psql"), QStringLiteral("-X"), QStringLiteral("-At"),
                    QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"),
                    conninfo(database), QStringLiteral("-c"), sql},
                   &output);
    if (exitCode)
        *exitCode = code;
    return QString::fromUtf8(output).trimmed();
}

bool PostgresServer::requirePassword(const QString &role)
{
    // The first matching line of pg_hba.conf decides: this one goes before initdb's "trust".
    QFile hba(m_dir.filePath(QStringLiteral("data/pg_hba.conf")));
    if (!hba.open(QIODevice::ReadOnly))
        return false;
    const QByteArray rest = hba.readAll();
    hba.close();
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    hba.write("local all " + role.toUtf8() + " scram-sha-256\n" + rest);
    hba.close();
    return psql(QStringLiteral("postgres"), QStringLiteral("SELECT pg_reload_conf()")) ==
           QLatin1String("t");
}

qint64 PostgresServer::postmasterPid() const
{
    QFile pidFile(m_dir.filePath(QStringLiteral("data/postmaster.pid")));
    return pidFile.open(QIODevice::ReadOnly) ? pidFile.readLine().trimmed().toLongLong() : 0;
}

QString PostgresServer::log() const
{
    QFile file(m_dir.filePath(QStringLiteral("server.log")));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// ---------------------------------------------------------------------------------------

TestToken::TestToken(const TokenOptions &options) : m_options(options)
{
    m_valid = make(options);
}

bool TestToken::addToken(const TokenOptions &options)
{
    return make(options);
}

bool TestToken::make(const TokenOptions &options)
{
    QStringList args = {QStringLiteral("--dir"),       m_dir.path(),
                        QStringLiteral("--label"),     options.label,
                        QStringLiteral("--pin"),       options.pin,
                        QStringLiteral("--days-left"), QString::number(options.daysLeft),
                        QStringLiteral("--algo"),      options.algorithm,
                        QStringLiteral("--testpki"),   harnessPath("testpki")};
    if (options.blank)
        args << QStringLiteral("--blank");
    else if (!options.withCertificate)
        args << QStringLiteral("--no-cert");
    if (!options.policyOid.isEmpty())
        args << QStringLiteral("--policy") << options.policyOid;
    if (!options.caDir.isEmpty())
        args << QStringLiteral("--ca-dir") << options.caDir;
    if (!options.commonName.isEmpty())
        args << QStringLiteral("--cn") << options.commonName;
    if (!options.organization.isEmpty())
        args << QStringLiteral("--org") << options.organization;
    if (!options.role.isEmpty())
        args << QStringLiteral("--role") << options.role;
    if (!options.title.isEmpty())
        args << QStringLiteral("--title") << options.title;
    if (!options.uid.isEmpty())
        args << QStringLiteral("--uid") << options.uid;
    if (!options.snils.isEmpty())
        args << QStringLiteral("--snils") << options.snils;
    if (!options.inn.isEmpty())
        args << QStringLiteral("--inn") << options.inn;
    if (!options.caDir.isEmpty()) // an RA's CA: the certificate joins its register
        args << QStringLiteral("--register") << QStringLiteral(KK_RA_PATH);
    QProcess process;
    process.start(harnessPath("make-token.sh"), args);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        m_error = QString::fromLocal8Bit(process.readAllStandardError());
        return false;
    }
    qputenv("SOFTHSM2_CONF", QFile::encodeName(m_dir.path() + QStringLiteral("/softhsm2.conf")));
    QFile env(m_dir.path() + QStringLiteral("/token.env"));
    if (env.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : env.readAll().split('\n')) {
            if (line.startsWith("export KK_TOKEN_SERIAL=") && m_serial.isEmpty())
                m_serial = QString::fromUtf8(line.mid(23)).remove(QLatin1Char('\'')).trimmed();
        }
    }
    return true;
}

QByteArray TestToken::certificateDer() const
{
    QFile file(m_dir.path() + QStringLiteral("/client.cert.der"));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString TestToken::lockingModule() const
{
    qputenv("KK_SHIM_STATE", QFile::encodeName(m_dir.path() + QStringLiteral("/pin-failures")));
    qputenv("KK_SHIM_TARGET", QFile::encodeName(softhsmModule()));
    return harnessPath("pinshim");
}

bool TestToken::writeUnparseableCertificate(const QByteArray &id)
{
    auto module = kk::Pkcs11Module::load(softhsmModule());
    if (!module)
        return false;
    auto tokens = module.value()->tokens();
    if (!tokens || tokens->isEmpty())
        return false;
    auto session = module.value()->openSession(tokens->first().slotId, true);
    if (!session ||
        session.value()->login(kk::SecureBuffer::fromText(m_options.pin.toStdString())).error)
        return false;
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE type = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    QByteArray value("\x30\x82\x01\x00garbage", 12), subject = QByteArray::fromHex("3000"),
                                                     objectId = id;
    CK_ATTRIBUTE object[] = {{CKA_CLASS, &cls, sizeof cls},
                             {CKA_CERTIFICATE_TYPE, &type, sizeof type},
                             {CKA_TOKEN, &yes, sizeof yes},
                             {CKA_SUBJECT, subject.data(), CK_ULONG(subject.size())},
                             {CKA_ID, objectId.data(), CK_ULONG(objectId.size())},
                             {CKA_VALUE, value.data(), CK_ULONG(value.size())}};
    CK_OBJECT_HANDLE handle = 0;
    return module.value()->functions()->C_CreateObject(session.value()->handle(), object, 6,
                                                       &handle) == CKR_OK;
}

// ---------------------------------------------------------------------------------------

namespace {
// Two consecutive free loopback ports (vpcd uses port and port+1).
quint16 freePortPair()
{
    for (int attempt = 0; attempt < 50; ++attempt) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof addr;
        ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &length);
        ::close(fd);
        const quint16 port = ntohs(addr.sin_port);
        if (port == 0 || port > 65000)
            continue;
        int second = ::socket(AF_INET, SOCK_STREAM, 0);
        addr.sin_port = htons(port + 1);
        const bool ok = ::bind(second, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
        ::close(second);
        if (ok)
            return port;
    }
    return 0;
}

bool listening(quint16 port)
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    // vpcd accepts one card per reader, so probe with bind, not connect: a connect would
    // be taken as a card insertion.
    const bool inUse =
        ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 && errno == EADDRINUSE;
    ::close(fd);
    return inUse;
}
} // namespace

QString PrivatePcscd::socketPath()
{
    return QDir::tempPath() +
           QStringLiteral("/kk-pcscd-%1.comm").arg(QCoreApplication::applicationPid());
}

PrivatePcscd::PrivatePcscd()
{
    QDir().mkpath(QStringLiteral("/run/pcscd")); // the client library wants it to exist
    qputenv("PCSCLITE_CSOCK_NAME", QFile::encodeName(socketPath()));
}

PrivatePcscd::~PrivatePcscd()
{
    stop();
}

QStringList PrivatePcscd::environment() const
{
    QStringList env = QProcessEnvironment::systemEnvironment().toStringList();
    env << QStringLiteral("PCSCLITE_CSOCK_NAME=") + socketPath();
    return env;
}

bool PrivatePcscd::start()
{
    if (m_port == 0) {
        m_port = freePortPair();
        QDir(m_dir.path()).mkpath(QStringLiteral("conf"));
        QFile conf(m_dir.path() + QStringLiteral("/conf/vpcd"));
        if (!conf.open(QIODevice::WriteOnly))
            return false;
        conf.write(
            QStringLiteral("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:%1\n"
                           "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID %1\n")
                .arg(m_port)
                .toUtf8());
    }
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_PRELOAD"), harnessPath("loopback-bind"));
    env.remove(QStringLiteral("UMOCKDEV_DIR"));
    m_process->setProcessEnvironment(env);
    m_process->setStandardOutputFile(m_dir.path() + QStringLiteral("/pcscd.log"),
                                     QIODevice::Append);
    m_process->setStandardErrorFile(m_dir.path() + QStringLiteral("/pcscd.log"), QIODevice::Append);
    m_process->start(harnessPath("pcscd-launch"),
                     {socketPath(), QStringLiteral("pcscd"), QStringLiteral("-f"),
                      QStringLiteral("-i"), QStringLiteral("-c"),
                      m_dir.path() + QStringLiteral("/conf")});
    if (!m_process->waitForStarted(5000))
        return false;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000) {
        if (QFileInfo::exists(socketPath()) && listening(m_port) && listening(m_port + 1))
            return true;
        if (m_process->state() == QProcess::NotRunning)
            return false;
        QThread::msleep(20);
    }
    return false;
}

void PrivatePcscd::stop()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(5000)) {
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

void PrivatePcscd::kill()
{
    if (!m_process || m_process->state() == QProcess::NotRunning)
        return;
    m_process->kill();
    m_process->waitForFinished(2000);
}

bool PrivatePcscd::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

QString PrivatePcscd::log() const
{
    QFile file(m_dir.path() + QStringLiteral("/pcscd.log"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// ---------------------------------------------------------------------------------------

VirtualCard::VirtualCard(QByteArray atr) : m_atr(std::move(atr)) {}

VirtualCard::~VirtualCard()
{
    remove();
}

bool VirtualCard::insert(quint16 port, int timeoutMs)
{
    remove();
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) {
            m_fd = fd;
            if (::pipe(m_wakePipe) != 0)
                return false;
            m_thread = std::thread([this] { serve(); });
            return true;
        }
        ::close(fd);
        QThread::msleep(50);
    }
    return false;
}

void VirtualCard::remove()
{
    if (m_fd < 0)
        return;
    if (::write(m_wakePipe[1], "x", 1) < 0) {
        // the thread also ends when the reader closes the socket
    }
    if (m_thread.joinable())
        m_thread.join();
    ::close(m_fd);
    ::close(m_wakePipe[0]);
    ::close(m_wakePipe[1]);
    m_fd = -1;
}

void VirtualCard::serve()
{
    // vpcd protocol: 2-byte big-endian length, then payload. A 1-byte payload from the
    // reader is a control code (0 off, 1 on, 2 reset, 4 "send your ATR"); longer is an APDU.
    auto readExactly = [this](unsigned char *buffer, std::size_t length) {
        std::size_t done = 0;
        while (done < length) {
            pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_wakePipe[0], POLLIN, 0}};
            if (::poll(fds, 2, -1) < 0)
                return false;
            if (fds[1].revents)
                return false;
            const ssize_t n = ::read(m_fd, buffer + done, length - done);
            if (n <= 0)
                return false;
            done += std::size_t(n);
        }
        return true;
    };
    auto send = [this](const QByteArray &payload) {
        QByteArray frame;
        frame.append(char(payload.size() >> 8)).append(char(payload.size() & 0xff)).append(payload);
        return ::write(m_fd, frame.constData(), std::size_t(frame.size())) == frame.size();
    };
    for (;;) {
        unsigned char header[2];
        if (!readExactly(header, 2))
            return;
        const std::size_t length = (std::size_t(header[0]) << 8) | header[1];
        QByteArray payload(int(length), '\0');
        if (length && !readExactly(reinterpret_cast<unsigned char *>(payload.data()), length))
            return;
        if (length == 1) {
            if (payload.at(0) == 4 && !send(m_atr))
                return;
            continue;
        }
        ++m_apdus;
        // No applications on this card: "instruction not supported", except SELECT MF.
        if (!send(QByteArray::fromHex("6d00")))
            return;
    }
}

// ---------------------------------------------------------------------------------------

struct UsbTestbed::Private
{
    UMockdevTestbed *testbed = nullptr;
    ~Private()
    {
        if (testbed)
            g_object_unref(testbed);
    }
};

UsbTestbed::UsbTestbed() : d(std::make_unique<Private>())
{
    d->testbed = umockdev_testbed_new();
    GError *error = nullptr;
    umockdev_testbed_add_from_file(d->testbed, qPrintable(harnessPath("umockdev/usb-hub.umockdev")),
                                   &error);
    if (error) {
        qWarning("umockdev: %s", error->message);
        g_error_free(error);
    }
}

UsbTestbed::~UsbTestbed() = default;

bool UsbTestbed::isActive() const
{
    return umockdev_in_mock_environment();
}

QString UsbTestbed::plug(const QString &name)
{
    const QString file = harnessPath("umockdev/") + name + QStringLiteral(".umockdev");
    QFile description(file);
    if (!description.open(QIODevice::ReadOnly))
        return {};
    const QString first = QString::fromUtf8(description.readLine()).trimmed(); // "P: /devices/..."
    GError *error = nullptr;
    if (!umockdev_testbed_add_from_file(d->testbed, qPrintable(file), &error)) {
        qWarning("umockdev: %s", error ? error->message : "add_from_file failed");
        if (error)
            g_error_free(error);
        return {};
    }
    return QStringLiteral("/sys") + first.mid(3);
}

void UsbTestbed::unplug(const QString &syspath)
{
    const QString interfacePath =
        syspath + QLatin1Char('/') + syspath.section(QLatin1Char('/'), -1) + QStringLiteral(":1.0");
    umockdev_testbed_uevent(d->testbed, qPrintable(interfacePath), "remove");
    umockdev_testbed_uevent(d->testbed, qPrintable(syspath), "remove");
    umockdev_testbed_remove_device(d->testbed, qPrintable(syspath));
}

bool writeImportedKey(CK_FUNCTION_LIST *functions, CK_SESSION_HANDLE session, const QByteArray &id,
                      const QByteArray &label)
{
    using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
    KeyPtr software(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    BIGNUM *d = nullptr;
    if (!software || !EVP_PKEY_get_bn_param(software.get(), "priv", &d))
        return false;
    QByteArray value(32, '\0');
    BN_bn2binpad(d, reinterpret_cast<unsigned char *>(value.data()), value.size());
    BN_clear_free(d);
    static const CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_KEY_TYPE type = CKK_EC;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE attributes[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &type, sizeof type},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_SIGN, &yes, sizeof yes},
        {CKA_EC_PARAMS, const_cast<CK_BYTE *>(p256), sizeof p256},
        {CKA_VALUE, value.data(), CK_ULONG(value.size())},
        {CKA_ID, const_cast<char *>(id.constData()), CK_ULONG(id.size())},
        {CKA_LABEL, const_cast<char *>(label.constData()), CK_ULONG(label.size())},
    };
    CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
    const CK_RV rv =
        functions->C_CreateObject(session, attributes, CK_ULONG(std::size(attributes)), &handle);
    OPENSSL_cleanse(value.data(), std::size_t(value.size()));
    return rv == CKR_OK;
}

} // namespace kk::test
