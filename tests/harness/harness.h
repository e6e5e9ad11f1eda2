#pragma once
// Real parts for tests, one fresh set per test (docs/architecture.md, "Tests"):
// a SoftHSM2 token with a certificate, a private pcscd with vpcd, a virtual card that is
// inserted by connecting to the reader, and a umockdev testbed for USB events.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <p11-kit/pkcs11.h>

#include <atomic>
#include <memory>
#include <thread>

namespace kk::test {

// Paths of the harness binaries, baked in by CMake.
QString harnessPath(const char *what);
QString softhsmModule();

struct TokenOptions
{
    QString label = QStringLiteral("KeyKiosk Test");
    QString pin = QStringLiteral("123456");
    int daysLeft = 200;
    bool withCertificate = true;
    bool blank = false; // no key and no certificate: a new token for a first key or a replacement
    QString algorithm = QStringLiteral("ec");
    QString policyOid;
    QString caDir;      // issue the certificate from this CA (e.g. an RaServer's), not a fresh one
    QString commonName; // the owner (CN); make-token.sh's default when empty
    QString organization; // O; make-token.sh's default when empty
    QString role;         // "client" (default) or "staff": the bank CA's profile
    QString title;        // the staff member's title
    QString uid;          // the abonent's UID; random when empty
    QString snils;        // make-token.sh's default when empty
    QString inn;          // the organization's INN; make-token.sh's default when empty
};

// A staff member's token (label "Staff", PIN kStaffPin), certified by the CA in `caDir` under
// the staff role and entered into its RA's register: init-demo's staff member, on a token.
inline constexpr char kStaffPin[] = "135790";
TokenOptions staffTokenOptions(const QString &caDir, int daysLeft = 200);

// A SoftHSM2 token in its own directory. Sets SOFTHSM2_CONF for this process, so create it
// before anything loads the module.
class TestToken
{
public:
    explicit TestToken(const TokenOptions &options = {});
    // Another token in the same SoftHSM store (a second slot).
    bool addToken(const TokenOptions &options);
    bool isValid() const { return m_valid; }
    QString error() const { return m_error; }
    QString dir() const { return m_dir.path(); }
    QString serial() const { return m_serial; }
    QString label() const { return m_options.label; }
    QByteArray certificateDer() const;
    QString caCertificatePath() const { return m_dir.path() + QStringLiteral("/ca/ca.cert.pem"); }
    // The PIN-retry shim module over this token (see pinpolicy-shim.c).
    QString lockingModule() const;
    // Writes a certificate object whose value is not DER, raw through PKCS#11: every tool
    // (and KeyKiosk's own storeCertificate) refuses to store one, but a token may hold one.
    bool writeUnparseableCertificate(const QByteArray &id = QByteArray::fromHex("02"));

private:
    bool make(const TokenOptions &options);
    QTemporaryDir m_dir;
    TokenOptions m_options;
    bool m_valid = false;
    QString m_error;
    QString m_serial;
};

// Writes a private key made in software (EC P-256) to the token with C_CreateObject, as
// something other than the token would: it carries no CKA_LOCAL, whatever its label says.
// `session` must be a logged-in read-write session of `functions`' module.
bool writeImportedKey(CK_FUNCTION_LIST *functions, CK_SESSION_HANDLE session, const QByteArray &id,
                      const QByteArray &label);

// A private PostgreSQL server (Debian's postgresql package): a cluster made by initdb in a
// temporary directory, listening on a Unix socket there only, run by pg_ctl as an
// unprivileged account (PostgreSQL refuses root; "nobody" when the tests run as root).
class PostgresServer
{
public:
    PostgresServer();
    ~PostgresServer();
    bool start();
    void stop();
    bool isRunning() const { return m_running; }
    // A new database on it, for one test; its libpq connection string.
    QString createDatabase(const QString &name);
    QString conninfo(const QString &database) const;
    // Runs SQL with psql on a database; returns its output (-At: tuples only, unaligned).
    QString psql(const QString &database, const QString &sql, int *exitCode = nullptr) const;
    QString log() const;
    qint64 postmasterPid() const; // its children are the connections' backends
    // `role` logs in with its password (SCRAM) from now on; everyone else stays trusted.
    bool requirePassword(const QString &role);

private:
    QStringList asOwner(const QString &program, const QStringList &args) const;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    bool m_running = false;
};

// keykiosk-ra on a free loopback port, with a fresh demo CA and database per instance.
class RaServer
{
public:
    struct Options
    {
        QString approval = QStringLiteral("auto");
        int autoDelaySeconds = 1;
        int checkAfterSeconds = 1;
        bool allowUnscheduled = true;
        bool https = true; // url() is https (the kiosk's default); plain HTTP stays on port()
        // The register on this PostgreSQL database (a libpq connection string; prepare() runs
        // `keykiosk-ra migrate`) instead of ra.db.
        QString postgres;
        // Many test clients come from 127.0.0.1: above a production RA's per-peer cap (64).
        bool manyClientsFromOneHost = false;
    };
    // The bank the throughput tests and benchmarks run: approval at once (the protocol is
    // measured, not the policy), many clients from one host, the register on PostgreSQL when
    // a database is given.
    static Options throughputBank(const QString &postgres = {});
    explicit RaServer(const Options &options);
    RaServer() : RaServer(Options()) {}
    ~RaServer();
    bool prepare(); // init-demo and the options, without starting (start() calls it)
    // Another node of the same bank: `first`'s CA, RA certificate, keys and configuration
    // (and so its register, which must be on PostgreSQL), in a directory of its own with its
    // own ports, signer and admin socket. Instead of prepare().
    bool prepareAsNodeOf(const RaServer &first);
    bool start();
    void stop();
    void kill(); // SIGKILL, like a crash or a power cut
    // Starts the RA again on the same directory (register, keys, config), after stop() or
    // kill(); a running signer stays as it is (a service of its own);
    // `environment` is added to the process's (KK_KILL_AT=point@N in test builds).
    bool restart(const QStringList &environment = {});
    // Waits until the RA has ended by itself (a kill point); true if it did.
    bool waitForDeath(int milliseconds);
    // Replaces text in ra.conf (after prepare(), before start()).
    void setConfig(const QString &from, const QString &to);
    QString dir() const { return m_dir.path(); }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    qint64 signerPid() const { return m_signer ? m_signer->processId() : 0; }
    quint16 port() const { return m_port; }
    quint16 tlsPort() const { return m_tlsPort; }
    QString url() const;
    QString raCertPath() const { return m_dir.path() + QStringLiteral("/ra.cert.pem"); }
    QString caCertPath() const { return m_dir.path() + QStringLiteral("/ca.cert.pem"); }
    // Runs "keykiosk-ra ARGS --config ra.conf" (the operator CLI); returns its output.
    QString cli(const QStringList &args, int *exitCode = nullptr) const;
    // A certificate's row in the register (`certificates`): "role state", e.g. "client live";
    // empty if the register does not hold it. The serial in hex, either case.
    QString registerState(const QString &serialHex) const;
    QString log() const;

private:
    bool launch(const QStringList &environment = {});
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    std::unique_ptr<QProcess> m_signer; // keykiosk-ra signer, when ra.conf has one
    quint16 m_port = 0, m_tlsPort = 0;
};

// pcscd on a private socket with one vpcd entry (two readers on port and port+1).
// Sets PCSCLITE_CSOCK_NAME for this process.
class PrivatePcscd
{
public:
    PrivatePcscd();
    ~PrivatePcscd();
    bool start();
    void stop(); // SIGTERM, like a service stop
    void kill(); // SIGKILL, like a crash
    bool isRunning() const;
    quint16 port() const { return m_port; }
    // One path per process: the PC/SC client library reads PCSCLITE_CSOCK_NAME only once.
    static QString socketPath();
    QString log() const;
    QStringList environment() const; // for child processes

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
};

// A card in the virtual reader: connected = inserted. Answers the reader on a thread.
class VirtualCard
{
public:
    explicit VirtualCard(
        QByteArray atr = QByteArray::fromHex("3bdc18ff8191fe1fc38073c821136605036351000250"));
    ~VirtualCard();
    bool insert(quint16 port, int timeoutMs = 3000);
    void remove();
    bool isInserted() const { return m_fd >= 0; }
    int apduCount() const { return m_apdus; }

private:
    void serve();
    QByteArray m_atr;
    int m_fd = -1;
    int m_wakePipe[2] = {-1, -1};
    std::thread m_thread;
    std::atomic_int m_apdus{0};
};

// umockdev testbed. The test binary must run with libumockdev-preload (ctest sets it).
class UsbTestbed
{
public:
    UsbTestbed();
    ~UsbTestbed();
    bool isActive() const;
    // Plugs the device described in tests/harness/umockdev/<name>.umockdev; returns its sysfs path.
    QString plug(const QString &name);
    // Sends remove for the interfaces then the device, then removes it from the testbed.
    void unplug(const QString &syspath);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace kk::test
