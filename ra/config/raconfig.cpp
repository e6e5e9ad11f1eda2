#include "raconfig.h"

#include "bankfiles.h"

#include "keykiosk/configfile.h"
#include "keykiosk/securebuffer.h"
#include "keykiosk/token/pkcs11module.h"
#include "keykiosk/token/tokenkeystore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSettings>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kk::ra {

namespace {

Expected<X509Ptr> readCert(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return Error(ErrorCode::Internal, QStringLiteral("cannot read certificate %1").arg(path));
    return cert;
}

Expected<EvpPkeyPtr> readKey(const QString &path)
{
    BioPtr bio(BIO_new_file(QFile::encodeName(path).constData(), "r"));
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return Error(ErrorCode::Internal, QStringLiteral("cannot read private key %1").arg(path));
    return key;
}

Error writePem(const QString &path, X509 *cert, EVP_PKEY *key)
{
    // Created with its final mode, never over an existing file: a private key is the owner's
    // from its first byte (no window with a wider mode), and nothing is silently replaced.
    auto created = createBankFile(path, cert ? 0644 : 0600);
    if (!created)
        return created.error();
    const int fd = created.value();
    BioPtr bio(BIO_new_fd(fd, BIO_CLOSE));
    const bool ok = bio && (cert ? PEM_write_bio_X509(bio.get(), cert)
                                 : PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                                            nullptr, nullptr));
    if (!bio)
        ::close(fd);
    if (!ok)
        return Error(ErrorCode::Internal, QStringLiteral("cannot write %1").arg(path));
    return {};
}

X509Ptr makeCert(EVP_PKEY *key, const QString &cn, X509 *issuer, EVP_PKEY *issuerKey, bool ca,
                 const char *keyUsage, const char *san = nullptr, const QString &policy = {},
                 const QString &title = {})
{
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    BignumPtr serial(BN_new()); // random: several certificates are made in one millisecond
    BN_rand(serial.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * (ca ? 3650 : 730));
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("RU"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("АО КБ «Демо-Банк»"), -1, -1,
                               0);
    const QByteArray cnUtf8 = cn.toUtf8(), titleUtf8 = title.toUtf8();
    if (!title.isEmpty())
        X509_NAME_add_entry_by_txt(name, "title", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(titleUtf8.constData()),
                                   -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(cnUtf8.constData()), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
    X509_set_pubkey(cert.get(), key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
    std::vector<std::pair<int, const char *>> extensions = {
        {NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        {NID_key_usage, keyUsage},
        {NID_subject_key_identifier, "hash"}};
    if (san)
        extensions.push_back({NID_subject_alt_name, san});
    for (const auto &[nid, value] : extensions) {
        X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        X509_add_ext(cert.get(), ext.get(), -1);
    }
    if (!policy.isEmpty())
        addCertificatePolicies(cert.get(), {policy});
    X509_sign(cert.get(), issuerKey ? issuerKey : key, EVP_sha256());
    return cert;
}

} // namespace

RaConfig RaConfig::read(const QString &path, QStringList *problems)
{
    ConfigFile ini = ConfigFile::read(path);
    RaConfig c;
    constexpr int kMaxInt = std::numeric_limits<int>::max();
    c.listen = ini.text(QStringLiteral("server/listen"), c.listen);
    c.httpPort = ini.number(QStringLiteral("server/http_port"), c.httpPort, 0, 65535);
    // 0: no HTTPS; -1: any free port (the tests read it from the log).
    c.httpsPort = ini.number(QStringLiteral("server/https_port"), c.httpsPort, -1, 65535);
    c.tlsCert = ini.path(QStringLiteral("server/tls_cert"));
    c.tlsKey = ini.path(QStringLiteral("server/tls_key"));
    c.tlsRequireClientCert = ini.flag(QStringLiteral("server/tls_require_client_cert"), false);
    c.maxBodyBytes =
        ini.number(QStringLiteral("server/max_body_bytes"), c.maxBodyBytes, 1024, 64 * 1024 * 1024);
    c.threads = ini.number(QStringLiteral("server/threads"), c.threads, 1, 256);
    c.headerTimeoutMs =
        ini.number(QStringLiteral("server/header_timeout_ms"), c.headerTimeoutMs, 1, 600000);
    c.bodyTimeoutMs =
        ini.number(QStringLiteral("server/body_timeout_ms"), c.bodyTimeoutMs, 1, 600000);
    c.keepAliveMs = ini.number(QStringLiteral("server/keep_alive_ms"), c.keepAliveMs, 0, 600000);
    c.maxConnections =
        ini.number(QStringLiteral("server/max_connections"), c.maxConnections, 1, 1000000);
    c.maxConnectionsPerPeer = ini.number(QStringLiteral("server/max_connections_per_peer"),
                                         c.maxConnectionsPerPeer, 1, 1000000);
    // At most half of max_connections counts (connectionplaces.h).
    c.kioskReserve = ini.number(QStringLiteral("server/kiosk_reserve"), c.kioskReserve, 0, 1000000);
    c.kioskNetworks = ini.list(QStringLiteral("server/kiosk_networks"));
    for (const QString &network : c.kioskNetworks) {
        boost::system::error_code ec;
        if (network.contains(QLatin1Char(':')))
            boost::asio::ip::make_network_v6(network.toStdString(), ec);
        else
            boost::asio::ip::make_network_v4(network.toStdString(), ec);
        if (ec)
            ini.problem(QStringLiteral("server/kiosk_networks"),
                        QStringLiteral("%1 is not a network (address/prefix, as 10.20.0.0/16)")
                            .arg(network));
    }
    c.shutdownGraceSeconds = ini.number(QStringLiteral("server/shutdown_grace_seconds"),
                                        c.shutdownGraceSeconds, 0, 3600);
    c.adminSocket = ini.path(QStringLiteral("admin/socket"),
                             QFileInfo(path).absoluteDir().filePath(QStringLiteral("admin.sock")));
    c.adminSocketMode = ini.octal(QStringLiteral("admin/socket_mode"), c.adminSocketMode, 0777);
    c.roles.operators = ini.list(QStringLiteral("admin/operators"));
    c.roles.auditors = ini.list(QStringLiteral("admin/auditors"));
    c.roles.administrators = ini.list(QStringLiteral("admin/administrators"));
    c.signerSocket = ini.path(QStringLiteral("signer/socket"));
    c.signerSocketMode = ini.octal(QStringLiteral("signer/socket_mode"), c.signerSocketMode, 0777);
    c.signerClients = ini.list(QStringLiteral("signer/clients"));
    c.policy.crlUrl = ini.text(QStringLiteral("signer/crl_url"));
    c.caCert = ini.path(QStringLiteral("ca/cert"));
    c.caKey = ini.path(QStringLiteral("ca/key"));
    c.caKeyModule = ini.path(QStringLiteral("ca/key_pkcs11_module"));
    c.caKeyTokenSerial = ini.text(QStringLiteral("ca/key_token_serial"));
    c.caKeyIdHex = ini.text(QStringLiteral("ca/key_id"));
    c.caKeyPinFile = ini.path(QStringLiteral("ca/key_pin_file"));
    c.raCert = ini.path(QStringLiteral("ra/cert"));
    c.raKey = ini.path(QStringLiteral("ra/key"));
    c.database = ini.path(QStringLiteral("store/path"),
                          QFileInfo(path).absoluteDir().filePath(QStringLiteral("ra.db")));
    c.databaseServer = ini.text(QStringLiteral("store/postgresql"));
    if (!c.databaseServer.isEmpty() && ini.has(QStringLiteral("store/path")))
        ini.problem(QStringLiteral("store/postgresql"),
                    QStringLiteral("the register is either a file (path) or a PostgreSQL "
                                   "database (postgresql), not both"));
    c.databaseMode = ini.octal(QStringLiteral("store/mode"), c.databaseMode, 0777);
    if (c.databaseMode & ~0640)
        ini.problem(QStringLiteral("store/mode"),
                    QStringLiteral("at most 0640: the register is never writable by its group "
                                   "or readable by others"));
    c.policy.approval =
        ini.choice(QStringLiteral("policy/approval"), QStringLiteral("auto"),
                   {QStringLiteral("auto"), QStringLiteral("manual")}) == QLatin1String("manual")
            ? ApprovalMode::Manual
            : ApprovalMode::Auto;
    c.policy.autoDelaySeconds = ini.number(QStringLiteral("policy/auto_delay_seconds"),
                                           c.policy.autoDelaySeconds, 0, 86400);
    c.policy.allowUnscheduled =
        ini.flag(QStringLiteral("policy/allow_unscheduled"), c.policy.allowUnscheduled);
    c.policy.renewalWindowDays = ini.number(QStringLiteral("policy/renewal_window_days"),
                                            c.policy.renewalWindowDays, 0, 3650);
    c.policy.validityDays =
        ini.number(QStringLiteral("policy/validity_days"), c.policy.validityDays, 1, 3650);
    c.policy.checkAfterSeconds = ini.number(QStringLiteral("policy/check_after_seconds"),
                                            c.policy.checkAfterSeconds, 1, 86400);
    c.policy.transactionIdleSeconds = ini.number(QStringLiteral("policy/transaction_idle_seconds"),
                                                 c.policy.transactionIdleSeconds, 1, kMaxInt);
    c.policy.transactionKeepDays = ini.number(QStringLiteral("policy/transaction_keep_days"),
                                              c.policy.transactionKeepDays, 1, 3650);
    c.policy.messageTimeWindowSeconds = ini.number(QStringLiteral("policy/message_time_window"),
                                                   c.policy.messageTimeWindowSeconds, 1, 86400);
    c.policy.staffApprovals =
        ini.number(QStringLiteral("policy/staff_approvals"), c.policy.staffApprovals, 0, 2);
    c.policy.clientPolicyOid =
        ini.oid(QStringLiteral("roles/client_policy"), c.policy.clientPolicyOid);
    c.policy.staffPolicyOid =
        ini.oid(QStringLiteral("roles/staff_policy"), c.policy.staffPolicyOid);
    c.policy.raPolicyOid = ini.oid(QStringLiteral("roles/ra_policy"), c.policy.raPolicyOid);
    const QStringList roleOids = {c.policy.clientPolicyOid, c.policy.staffPolicyOid,
                                  c.policy.raPolicyOid};
    if (QSet<QString>(roleOids.begin(), roleOids.end()).size() != 3)
        ini.problem(QStringLiteral("roles/ra_policy"),
                    QStringLiteral("client_policy, staff_policy and ra_policy must differ"));
    if (c.caCert.isEmpty())
        ini.problem(QStringLiteral("ca/cert"), QStringLiteral("required"));
    if (c.caKey.isEmpty() && c.caKeyModule.isEmpty())
        ini.problem(QStringLiteral("ca/key"), QStringLiteral("required (or ca/key_pkcs11_module)"));
    if (c.raCert.isEmpty())
        ini.problem(QStringLiteral("ra/cert"), QStringLiteral("required"));
    if (c.raKey.isEmpty())
        ini.problem(QStringLiteral("ra/key"), QStringLiteral("required"));
    if (c.httpsPort != 0 && (c.tlsCert.isEmpty() || c.tlsKey.isEmpty()))
        ini.problem(QStringLiteral("server/https_port"),
                    QStringLiteral("needs server/tls_cert and server/tls_key"));
    if (problems)
        *problems = ini.problems();
    return c;
}

Expected<RaConfig> RaConfig::load(const QString &path)
{
    QStringList problems;
    RaConfig config = read(path, &problems);
    if (!problems.isEmpty())
        return Error(ErrorCode::Internal, problems.join(QLatin1Char('\n')));
    return config;
}

QStringList exposedSecrets(const RaConfig &config, const QString &configPath, SecretsOf who)
{
    const bool serve = who != SecretsOf::Signer;
    const bool signer = who != SecretsOf::Serve;
    // Without a signer process the RA holds the CA key itself.
    const bool holdsCaKey = signer || config.signerSocket.isEmpty();
    QStringList found;
    const auto check = [&found](const QString &path, Secret kind, const QString &what) {
        const QString why = exposedSecret(path, kind, what);
        if (!why.isEmpty())
            found << why;
    };
    if (conninfoHoldsPassword(config.databaseServer))
        check(configPath, Secret::Config,
              QStringLiteral("the PostgreSQL password; or give it in a passfile"));
    if (serve) {
        check(config.raKey, Secret::Key, QStringLiteral("the RA's CMP key"));
        if (config.httpsPort != 0)
            check(config.tlsKey, Secret::Key, QStringLiteral("the TLS key"));
    }
    if (holdsCaKey) {
        if (config.caKeyModule.isEmpty())
            check(config.caKey, Secret::Key, QStringLiteral("the CA key"));
        else
            check(config.caKeyPinFile, Secret::Key, QStringLiteral("the HSM's PIN"));
    }
    if (config.databaseServer.isEmpty())
        check(config.database, Secret::Register, QStringLiteral("the register"));
    return found;
}

namespace {
// Keeps the HSM session alive as long as the CA key is used.
std::unique_ptr<TokenKeyStore> g_hsm;
std::unique_ptr<Pkcs11Module> g_hsmModule;
std::unique_ptr<TokenSession> g_hsmSession;
} // namespace

Expected<std::unique_ptr<Store>> openRegister(const RaConfig &config, Store::Access access)
{
    if (!config.databaseServer.isEmpty())
        return Store::openPostgres(config.databaseServer, access);
    if (access == Store::Access::ReadOnly)
        return Store::openReadOnly(config.database);
    // The serving RA flushes before each answer, once for all its threads (sqldatabase.h).
    return Store::open(config.database, config.databaseMode,
                       access == Store::Access::Serve ? Durability::AtFlush : Durability::AtCommit);
}

Expected<RaIdentity> loadIdentity(const RaConfig &config, bool withCaKey)
{
    RaIdentity id;
    auto caCert = readCert(config.caCert);
    auto raCert = readCert(config.raCert);
    auto raKey = readKey(config.raKey);
    if (!caCert)
        return caCert.error();
    if (!raCert)
        return raCert.error();
    if (!raKey)
        return raKey.error();
    id.caCert = caCert.takeValue();
    id.raCert = raCert.takeValue();
    id.raKey = raKey.takeValue();
    if (!withCaKey) {
        // The network process holds no CA key at all.
    } else if (!config.caKeyModule.isEmpty()) {
        QFile pinFile(config.caKeyPinFile);
        if (!pinFile.open(QIODevice::ReadOnly))
            return Error(
                ErrorCode::Internal,
                QStringLiteral("cannot read the HSM PIN file %1").arg(config.caKeyPinFile));
        QByteArray pinText = pinFile.readAll().trimmed();
        SecureBuffer pin = SecureBuffer::fromText(
            std::string_view(pinText.constData(), std::size_t(pinText.size())));
        pinText.fill('\0');
        auto store = TokenKeyStore::open(config.caKeyModule); // first: it owns C_Initialize
        if (!store)
            return store.error();
        g_hsm = store.takeValue();
        // The signer's own session logs the HSM in for the life of the process; libp11 signs
        // under that login and never holds the PIN.
        auto module = Pkcs11Module::load(config.caKeyModule);
        if (!module)
            return module.error();
        g_hsmModule = module.takeValue();
        auto tokens = g_hsmModule->tokens();
        if (!tokens)
            return tokens.error();
        const auto token = std::find_if(tokens->cbegin(), tokens->cend(), [&](const TokenInfo &t) {
            return t.serial == config.caKeyTokenSerial;
        });
        if (token == tokens->cend())
            return Error(
                ErrorCode::TokenRemoved,
                QStringLiteral("no HSM token with serial %1").arg(config.caKeyTokenSerial));
        auto session = g_hsmModule->openSession(token->slotId, false);
        if (!session)
            return session.error();
        g_hsmSession = session.takeValue();
        if (LoginOutcome login = g_hsmSession->login(pin); login.error)
            return login.error;
        auto key = g_hsm->privateKey(config.caKeyTokenSerial,
                                     QByteArray::fromHex(config.caKeyIdHex.toLatin1()));
        if (!key)
            return key.error();
        id.caKey = key.takeValue();
    } else {
        auto caKey = readKey(config.caKey);
        if (!caKey)
            return caKey.error();
        id.caKey = caKey.takeValue();
    }
    if (X509_check_private_key(id.raCert.get(), id.raKey.get()) != 1)
        return Error(ErrorCode::Internal, QStringLiteral("ra/key does not match ra/cert"));
    return id;
}

namespace {

// The demo's operator, auditor and administrator: whoever set the demo bank up.
QString currentAccount()
{
    const passwd *account = ::getpwuid(::geteuid());
    return account ? QString::fromLocal8Bit(account->pw_name) : QStringLiteral("root");
}

} // namespace

Error initDemo(const QString &dir, int httpPort)
{
    // The bank's directory is its alone from the first byte: 0700, then keys and the
    // register 0600 inside.
    // A bank's CA key is never overwritten, and nothing is written through a link: an
    // empty directory of ours, no link on its path (bankfiles.h).
    if (Error e = prepareBankDirectory(dir))
        return e;
    const QString base = QDir(dir).absolutePath();
    const RaPolicy roles; // the default role OIDs, written to ra.conf below
    EvpPkeyPtr caKey(EVP_EC_gen("P-256")), raKey(EVP_EC_gen("P-256")), tlsKey(EVP_EC_gen("P-256")),
        staffKey(EVP_EC_gen("P-256"));
    X509Ptr caCert = makeCert(caKey.get(), QStringLiteral("Demo Bank CA"), nullptr, nullptr, true,
                              "critical,keyCertSign,cRLSign");
    X509Ptr raCert =
        makeCert(raKey.get(), QStringLiteral("Demo Bank RA"), caCert.get(), caKey.get(), false,
                 "critical,digitalSignature", nullptr, roles.raPolicyOid);
    X509Ptr tlsCert =
        makeCert(tlsKey.get(), QStringLiteral("localhost"), caCert.get(), caKey.get(), false,
                 "critical,digitalSignature", "DNS:localhost,IP:127.0.0.1", roles.raPolicyOid);
    // A staff member's certificate (its key in a file: for `openssl cmp` as a staff client;
    // the demo's staff token gets a key of its own, generated on the token).
    X509Ptr staffCert =
        makeCert(staffKey.get(), QStringLiteral("Петрова Анна Сергеевна"), caCert.get(),
                 caKey.get(), false, "critical,digitalSignature,nonRepudiation", nullptr,
                 roles.staffPolicyOid, QStringLiteral("Операционист"));
    for (const auto &[name, cert, key] :
         {std::tuple{"ca", caCert.get(), caKey.get()}, std::tuple{"ra", raCert.get(), raKey.get()},
          std::tuple{"tls", tlsCert.get(), tlsKey.get()},
          std::tuple{"staff", staffCert.get(), staffKey.get()}}) {
        if (Error e = writePem(
                QDir(base).filePath(QStringLiteral("%1.cert.pem").arg(QLatin1String(name))), cert,
                nullptr))
            return e;
        if (Error e =
                writePem(QDir(base).filePath(QStringLiteral("%1.key.pem").arg(QLatin1String(name))),
                         nullptr, key))
            return e;
    }
    // Readable by its group (the service's account, as the Debian package sets it up); a
    // password for PostgreSQL belongs in a passfile, not here.
    const QString confPath = QDir(base).filePath(QStringLiteral("ra.conf"));
    auto confFd = createBankFile(confPath, 0640);
    if (!confFd)
        return confFd.error();
    QFile conf;
    if (!conf.open(confFd.value(), QIODevice::WriteOnly, QFileDevice::AutoCloseHandle))
        return Error(ErrorCode::Internal, QStringLiteral("cannot write %1").arg(confPath));
    conf.write(QStringLiteral(
                   "; keykiosk-ra demo configuration (paths relative to this file)\n"
                   "[server]\nlisten=127.0.0.1\nhttp_port=%1\nhttps_port=0\ntls_cert=tls.cert."
                   "pem\ntls_key=tls.key.pem\n"
                   "max_body_bytes=65536\n; CMP worker threads (connections need none)\nthreads=4\n"
                   "; deadlines per connection: to the end of the headers, then of the body\n"
                   "header_timeout_ms=5000\nbody_timeout_ms=10000\n"
                   "; a connection kept idle for the kiosk's next message (0: one per message)\n"
                   "keep_alive_ms=2000\n"
                   "max_connections=1024\nmax_connections_per_peer=64\n"
                   "; the bank's kiosks (their networks, or a kiosk certificate over HTTPS) "
                   "have\n; places of their own and no per-address cap; with the cap full, "
                   "the slowest\n; other connection is closed for a new one\n"
                   "; (at most half of max_connections)\nkiosk_reserve=64\n; "
                   "kiosk_networks=10.20.0.0/16, 192.168.7.0/24\n"
                   "; on SIGTERM, seconds for the exchanges in flight to finish\n"
                   "shutdown_grace_seconds=20\n\n"
                   "[ca]\ncert=ca.cert.pem\nkey=ca.key.pem\n; or the CA key on an HSM:\n"
                   "; key_pkcs11_module=/usr/lib/softhsm/libsofthsm2.so\n; "
                   "key_token_serial=...\n; key_id=01\n"
                   "; key_pin_file=hsm.pin\n\n"
                   "[ra]\ncert=ra.cert.pem\nkey=ra.key.pem\n\n"
                   "[store]\npath=ra.db\n\n"
                   "[policy]\napproval=auto\nauto_delay_seconds=3\nallow_unscheduled="
                   "true\nrenewal_window_days=30\n"
                   "validity_days=365\ncheck_after_seconds=1\ntransaction_idle_seconds=300\n"
                   "; a pollReq or certConf continues a transaction this long after its "
                   "request\ntransaction_keep_days=7\n"
                   "; seconds a message's messageTime may differ from the bank's clock\n"
                   "message_time_window=600\n"
                   "; operators who approve a staff-authorized initial request: 0, 1 or 2\n"
                   "staff_approvals=0\n\n"
                   "[roles]\n; certificate policy OIDs of the bank CA's profiles\n"
                   "client_policy=%2\nstaff_policy=%3\nra_policy=%4\n\n"
                   "[signer]\n; the process that holds the CA key (keykiosk-ra signer); the RA "
                   "asks it\n; to sign approved requests. Without it, the RA signs itself.\n"
                   "socket=signer.sock\nsocket_mode=0660\nclients=%5\n"
                   "; the CRL's address, carried by every certificate (the RA serves it)\n"
                   "crl_url=http://127.0.0.1:%1/crl/bank.crl\n\n"
                   "[admin]\n; operator commands reach the running RA here; peer credentials "
                   "name the operator\nsocket=admin.sock\nsocket_mode=0660\n"
                   "; system accounts by role (comma-separated): operators approve and reject,\n"
                   "; auditors read, administrators revoke and keep the register\n"
                   "operators=%5\nauditors=%5\nadministrators=%5\n")
                   .arg(httpPort)
                   .arg(roles.clientPolicyOid, roles.staffPolicyOid, roles.raPolicyOid)
                   .arg(currentAccount())
                   .toUtf8());
    if (!conf.flush())
        return Error(ErrorCode::Internal, QStringLiteral("cannot write %1").arg(confPath));
    conf.close();
    // The bank's register knows its own certificates from the start.
    auto store = Store::open(QDir(base).filePath(QStringLiteral("ra.db")));
    if (!store)
        return store.error();
    for (const auto &[cert, role] : {std::pair{raCert.get(), CertificateRole::Ra},
                                     std::pair{tlsCert.get(), CertificateRole::Ra},
                                     std::pair{staffCert.get(), CertificateRole::Staff}}) {
        CertificateRecord record;
        record.serial = serialHex(cert);
        record.role = role;
        record.subject = subjectLine(cert);
        record.der = derBytes([cert = cert](unsigned char **out) { return i2d_X509(cert, out); });
        record.notAfter = notAfterOf(cert);
        if (Error e = store.value()->registerCertificate(record, QStringLiteral("init-demo")))
            return e;
    }
    return {};
}

} // namespace kk::ra
