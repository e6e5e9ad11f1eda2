#pragma once
// keykiosk-ra's configuration file (INI) and the demo set-up (init-demo).

#include "operatorcommands.h"
#include "raservice.h"
#include "store.h"

#include <QString>

namespace kk::ra {

struct RaConfig
{
    QString listen = QStringLiteral("127.0.0.1");
    int httpPort = 8080;
    int httpsPort = 0; // 0: no HTTPS
    QString tlsCert, tlsKey;
    // Kiosks may present a certificate from the bank CA (checked when they do; required with
    // tls_require_client_cert).
    bool tlsRequireClientCert = false;
    int maxBodyBytes = 64 * 1024;
    int threads = 4; // CMP workers (crypto and SQLite); connections need no thread
    int headerTimeoutMs = 5000, bodyTimeoutMs = 10000;
    int keepAliveMs = 2000; // a connection kept idle for the client's next message; 0: never
    int maxConnections = 1024, maxConnectionsPerPeer = 64;
    // Places only the bank's kiosks take, and the networks they come from (CIDR); a kiosk
    // certificate over HTTPS makes a connection a kiosk's too (connectionplaces.h).
    int kioskReserve = 64;
    QStringList kioskNetworks;
    int shutdownGraceSeconds = 20;
    QString caCert, caKey;                                           // PEM files, or:
    QString caKeyModule, caKeyTokenSerial, caKeyIdHex, caKeyPinFile; // the CA key on an HSM
    QString raCert, raKey;
    QString database;        // [store] path: SQLite, one node
    QString databaseServer;  // [store] postgresql: a libpq connection string, several nodes
    int databaseMode = 0600; // [store] mode: 0640 lets the signer's account (in the group) read it
    RaPolicy policy;
    // [signer]: the process that holds the CA key; empty socket: the RA signs in-process.
    QString signerSocket;
    int signerSocketMode = 0660;
    QStringList signerClients; // the accounts that may ask it (the RA's)
    // [admin]: the operators' socket, who may connect to it, and who has which role.
    QString adminSocket;
    int adminSocketMode = 0660;
    OperatorRoles roles;

    // Every problem of the file, each with its line (keykiosk-ra check-config); load() is an
    // error with all of them, so the RA never starts on a default it was not given.
    static RaConfig read(const QString &path, QStringList *problems);
    static Expected<RaConfig> load(const QString &path);
};

// The secrets a process of the bank reads (keys, the HSM's PIN, the register, a password in
// the configuration itself) that other accounts can read too: one line each, the path named
// (bankfiles.h). The RA refuses to serve on them, the signer to sign, and check-config
// reports them.
enum class SecretsOf { Serve, Signer, Everyone };
QStringList exposedSecrets(const RaConfig &config, const QString &configPath, SecretsOf who);

// The register the configuration names: PostgreSQL if [store] postgresql is set, else the
// SQLite file. Serve opens it for the RA (SQLite is upgraded on open, PostgreSQL only by
// Migrate), ReadOnly for the signer and offline readers.
Expected<std::unique_ptr<Store>> openRegister(const RaConfig &config, Store::Access access);

// Loads certificates and keys (from files or the HSM) as the service needs them; the CA key
// only when asked (the signer process holds it otherwise).
Expected<RaIdentity> loadIdentity(const RaConfig &config, bool withCaKey = true);

// Creates a demo bank CA, the RA's CMP certificate, a TLS certificate and ra.conf in dir.
Error initDemo(const QString &dir, int httpPort);

} // namespace kk::ra
