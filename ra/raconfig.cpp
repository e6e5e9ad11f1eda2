#include "raconfig.h"

#include "keykiosk/token/tokenkeystore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QSettings>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kk::ra {

namespace {

QString resolve(const QString &base, const QString &path)
{
    return path.isEmpty() || QDir::isAbsolutePath(path) ? path : QDir(base).filePath(path);
}

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
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, cert ? 0644 : 0600);
    if (fd < 0)
        return Error(ErrorCode::Internal,
                     QStringLiteral("cannot create %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
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

Expected<RaConfig> RaConfig::load(const QString &path)
{
    if (!QFileInfo::exists(path))
        return Error(ErrorCode::Internal, QStringLiteral("configuration %1 not found").arg(path));
    const QString base = QFileInfo(path).absolutePath();
    QSettings ini(path, QSettings::IniFormat);
    ini.setIniCodec("UTF-8");
    RaConfig c;
    c.listen = ini.value(QStringLiteral("server/listen"), c.listen).toString();
    c.httpPort = ini.value(QStringLiteral("server/http_port"), c.httpPort).toInt();
    c.httpsPort = ini.value(QStringLiteral("server/https_port"), c.httpsPort).toInt();
    c.tlsCert = resolve(base, ini.value(QStringLiteral("server/tls_cert")).toString());
    c.tlsKey = resolve(base, ini.value(QStringLiteral("server/tls_key")).toString());
    c.adminSocket = resolve(
        base, ini.value(QStringLiteral("admin/socket"), QStringLiteral("admin.sock")).toString());
    const QString signerSocket = ini.value(QStringLiteral("signer/socket")).toString();
    c.signerSocket = signerSocket.isEmpty() ? QString() : resolve(base, signerSocket);
    c.policy.crlUrl = ini.value(QStringLiteral("signer/crl_url")).toString();
    // Socket modes are octal (0660); anything else is an error, never a default.
    auto socketMode = [&ini](const char *key, int *mode) {
        bool ok = false;
        *mode = ini.value(QLatin1String(key), QStringLiteral("0660")).toString().toInt(&ok, 8);
        return ok && *mode >= 0 && *mode <= 0777;
    };
    for (const auto &[key, mode] : {std::pair{"signer/socket_mode", &c.signerSocketMode},
                                    std::pair{"admin/socket_mode", &c.adminSocketMode}})
        if (!socketMode(key, mode))
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 must be octal, e.g. 0660").arg(QLatin1String(key)));
    auto accounts = [&ini](const char *key) {
        QStringList names;
        for (const QString &name : ini.value(QLatin1String(key)).toStringList())
            if (!name.trimmed().isEmpty())
                names << name.trimmed();
        return names;
    };
    c.roles.operators = accounts("admin/operators");
    c.roles.auditors = accounts("admin/auditors");
    c.roles.administrators = accounts("admin/administrators");
    c.signerClients = accounts("signer/clients");
    c.tlsRequireClientCert =
        ini.value(QStringLiteral("server/tls_require_client_cert"), false).toBool();
    c.maxBodyBytes = ini.value(QStringLiteral("server/max_body_bytes"), c.maxBodyBytes).toInt();
    c.threads = ini.value(QStringLiteral("server/threads"), c.threads).toInt();
    c.headerTimeoutMs =
        ini.value(QStringLiteral("server/header_timeout_ms"), c.headerTimeoutMs).toInt();
    c.bodyTimeoutMs = ini.value(QStringLiteral("server/body_timeout_ms"), c.bodyTimeoutMs).toInt();
    c.maxConnections =
        ini.value(QStringLiteral("server/max_connections"), c.maxConnections).toInt();
    c.maxConnectionsPerPeer =
        ini.value(QStringLiteral("server/max_connections_per_peer"), c.maxConnectionsPerPeer)
            .toInt();
    c.shutdownGraceSeconds =
        ini.value(QStringLiteral("server/shutdown_grace_seconds"), c.shutdownGraceSeconds).toInt();
    if (c.threads < 1 || c.headerTimeoutMs < 1 || c.bodyTimeoutMs < 1 || c.maxConnections < 1 ||
        c.maxConnectionsPerPeer < 1 || c.shutdownGraceSeconds < 0 || c.maxBodyBytes < 1)
        return Error(ErrorCode::Internal,
                     QStringLiteral("[server] threads, timeouts, connection caps and "
                                    "max_body_bytes must be positive"));
    c.caCert = resolve(base, ini.value(QStringLiteral("ca/cert")).toString());
    c.caKey = resolve(base, ini.value(QStringLiteral("ca/key")).toString());
    c.caKeyModule = ini.value(QStringLiteral("ca/key_pkcs11_module")).toString();
    c.caKeyTokenSerial = ini.value(QStringLiteral("ca/key_token_serial")).toString();
    c.caKeyIdHex = ini.value(QStringLiteral("ca/key_id")).toString();
    c.caKeyPinFile = resolve(base, ini.value(QStringLiteral("ca/key_pin_file")).toString());
    c.raCert = resolve(base, ini.value(QStringLiteral("ra/cert")).toString());
    c.raKey = resolve(base, ini.value(QStringLiteral("ra/key")).toString());
    c.database =
        resolve(base, ini.value(QStringLiteral("store/path"), QStringLiteral("ra.db")).toString());
    const QString approval =
        ini.value(QStringLiteral("policy/approval"), QStringLiteral("auto")).toString();
    if (approval != QLatin1String("auto") && approval != QLatin1String("manual"))
        return Error(
            ErrorCode::Internal,
            QStringLiteral("policy/approval must be auto or manual, not %1").arg(approval));
    c.policy.approval =
        approval == QLatin1String("manual") ? ApprovalMode::Manual : ApprovalMode::Auto;
    c.policy.autoDelaySeconds =
        ini.value(QStringLiteral("policy/auto_delay_seconds"), c.policy.autoDelaySeconds).toInt();
    c.policy.allowUnscheduled =
        ini.value(QStringLiteral("policy/allow_unscheduled"), c.policy.allowUnscheduled).toBool();
    c.policy.renewalWindowDays =
        ini.value(QStringLiteral("policy/renewal_window_days"), c.policy.renewalWindowDays).toInt();
    c.policy.validityDays =
        ini.value(QStringLiteral("policy/validity_days"), c.policy.validityDays).toInt();
    c.policy.checkAfterSeconds =
        ini.value(QStringLiteral("policy/check_after_seconds"), c.policy.checkAfterSeconds).toInt();
    c.policy.transactionIdleSeconds = ini.value(QStringLiteral("policy/transaction_idle_seconds"),
                                                c.policy.transactionIdleSeconds)
                                          .toInt();
    c.policy.transactionKeepDays =
        ini.value(QStringLiteral("policy/transaction_keep_days"), c.policy.transactionKeepDays)
            .toInt();
    c.policy.messageTimeWindowSeconds =
        ini.value(QStringLiteral("policy/message_time_window"), c.policy.messageTimeWindowSeconds)
            .toInt();
    if (c.policy.transactionKeepDays < 1 || c.policy.messageTimeWindowSeconds < 1)
        return Error(ErrorCode::Internal,
                     QStringLiteral("policy/transaction_keep_days and policy/message_time_window "
                                    "must be positive"));
    c.policy.staffApprovals =
        ini.value(QStringLiteral("policy/staff_approvals"), c.policy.staffApprovals).toInt();
    if (c.policy.staffApprovals < 0 || c.policy.staffApprovals > 2)
        return Error(ErrorCode::Internal,
                     QStringLiteral("policy/staff_approvals must be 0, 1 or 2 (dual control)"));
    c.policy.clientPolicyOid =
        ini.value(QStringLiteral("roles/client_policy"), c.policy.clientPolicyOid).toString();
    c.policy.staffPolicyOid =
        ini.value(QStringLiteral("roles/staff_policy"), c.policy.staffPolicyOid).toString();
    c.policy.raPolicyOid =
        ini.value(QStringLiteral("roles/ra_policy"), c.policy.raPolicyOid).toString();
    const QStringList roleOids = {c.policy.clientPolicyOid, c.policy.staffPolicyOid,
                                  c.policy.raPolicyOid};
    if (QSet<QString>(roleOids.begin(), roleOids.end()).size() != 3)
        return Error(ErrorCode::Internal,
                     QStringLiteral("roles/client_policy, staff_policy and ra_policy must differ"));
    if (c.caCert.isEmpty() || c.raCert.isEmpty() || c.raKey.isEmpty() ||
        (c.caKey.isEmpty() && c.caKeyModule.isEmpty()))
        return Error(
            ErrorCode::Internal,
            QStringLiteral(
                "ca/cert, ca/key (or ca/key_pkcs11_module), ra/cert and ra/key are required"));
    return c;
}

namespace {
// Keeps the HSM session alive as long as the CA key is used.
std::unique_ptr<TokenKeyStore> g_hsm;
} // namespace

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
        auto store = TokenKeyStore::open(config.caKeyModule);
        if (!store)
            return store.error();
        g_hsm = store.takeValue();
        auto key = g_hsm->privateKey(config.caKeyTokenSerial,
                                     QByteArray::fromHex(config.caKeyIdHex.toLatin1()), pin);
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
    const QByteArray path = QFile::encodeName(dir);
    if (!QFileInfo::exists(dir)) {
        QDir().mkpath(QFileInfo(dir).absolutePath());
        if (::mkdir(path.constData(), 0700) != 0)
            return Error(ErrorCode::Internal, QStringLiteral("cannot create %1").arg(dir));
    }
    const QString base = QDir(dir).absolutePath();
    // A bank's CA key is never overwritten: running init-demo again must not replace it.
    for (const char *existing : {"ca.key.pem", "ra.conf", "ra.db"}) {
        if (QFileInfo::exists(QDir(base).filePath(QLatin1String(existing))))
            return Error(ErrorCode::Internal,
                         QStringLiteral("%1 already holds %2: init-demo never overwrites a bank; "
                                        "use an empty directory")
                             .arg(base, QLatin1String(existing)));
    }
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
    QFile conf(QDir(base).filePath(QStringLiteral("ra.conf")));
    if (!conf.open(QIODevice::WriteOnly))
        return Error(ErrorCode::Internal, QStringLiteral("cannot write %1").arg(conf.fileName()));
    conf.write(QStringLiteral(
                   "; keykiosk-ra demo configuration (paths relative to this file)\n"
                   "[server]\nlisten=127.0.0.1\nhttp_port=%1\nhttps_port=0\ntls_cert=tls.cert."
                   "pem\ntls_key=tls.key.pem\n"
                   "max_body_bytes=65536\n; CMP worker threads (connections need none)\nthreads=4\n"
                   "; deadlines per connection: to the end of the headers, then of the body\n"
                   "header_timeout_ms=5000\nbody_timeout_ms=10000\n"
                   "max_connections=1024\nmax_connections_per_peer=64\n"
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
