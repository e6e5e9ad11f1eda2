// kk-testpki: the test and demo bank CA. Issues certificates for public keys that were
// generated on a token, so that the private keys never exist outside the token.
//
//   kk-testpki ca    --dir D [--cn NAME]
//   kk-testpki issue --dir D --spki PUB.der --out CERT.der --cn NAME [--o ORG] [--uid UID]
//                    [--inn N] [--ogrn N] [--snils N] [--not-before-days N] [--not-after-days N]
//                    [--role client|staff|ra] [--policy OID] [--serial N] [--title T]
//
// --role adds the bank CA's certificate policy for that role (enroll/roles.h; client by
// default); --policy one more (the bank's "issued at the office" policy, for example).
//
// Days are relative to now, so a certificate can be made expired (--not-after-days -1) or
// inside the renewal window (--not-after-days 20).

#include "keykiosk/enroll/roles.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdio>

using namespace kk;

namespace {

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "kk-testpki: %s\n", qPrintable(message));
    std::exit(1);
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        fail(QStringLiteral("cannot read %1").arg(path));
    return file.readAll();
}

void addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>> ext(
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || !X509_add_ext(cert, ext.get(), -1))
        fail(QStringLiteral("cannot add extension %1=%2")
                 .arg(QString::fromLatin1(OBJ_nid2sn(nid)), QString::fromLatin1(value)));
}

void addNameEntry(X509_NAME *name, const char *field, const QString &value)
{
    if (value.isEmpty())
        return;
    const QByteArray utf8 = value.toUtf8();
    if (!X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char *>(utf8.constData()), -1,
                                    -1, 0))
        fail(QStringLiteral("cannot add subject field %1").arg(QString::fromLatin1(field)));
}

void setRandomSerial(X509 *cert, qint64 fixed)
{
    std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>> bn(BN_new());
    if (fixed > 0)
        BN_set_word(bn.get(), static_cast<BN_ULONG>(fixed));
    else
        BN_rand(bn.get(), 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert));
}

void signAndWrite(X509 *cert, EVP_PKEY *caKey, const QString &derPath, const QString &pemPath)
{
    if (!X509_sign(cert, caKey, EVP_sha256()))
        fail(QStringLiteral("signing failed"));
    if (!derPath.isEmpty()) {
        unsigned char *der = nullptr;
        const int length = i2d_X509(cert, &der);
        QFile out(derPath);
        if (length <= 0 || !out.open(QIODevice::WriteOnly))
            fail(QStringLiteral("cannot write %1").arg(derPath));
        out.write(reinterpret_cast<const char *>(der), length);
        OPENSSL_free(der);
    }
    if (!pemPath.isEmpty()) {
        BioPtr bio(BIO_new_file(QFile::encodeName(pemPath).constData(), "w"));
        if (!bio || !PEM_write_bio_X509(bio.get(), cert))
            fail(QStringLiteral("cannot write %1").arg(pemPath));
    }
}

void makeCa(const QString &dir, const QString &cn)
{
    const QString keyPath = dir + QStringLiteral("/ca.key.pem"),
                  certPath = dir + QStringLiteral("/ca.cert.pem");
    if (QFile::exists(keyPath) && QFile::exists(certPath))
        return;
    QDir().mkpath(dir);
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    setRandomSerial(cert.get(), 0);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -86400L * 400);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 3650);
    X509_NAME *name = X509_get_subject_name(cert.get());
    addNameEntry(name, "C", QStringLiteral("RU"));
    addNameEntry(name, "O", QStringLiteral("АО КБ «Демо-Банк»"));
    addNameEntry(name, "CN", cn);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());
    addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    BioPtr bio(BIO_new_file(QFile::encodeName(keyPath).constData(), "w"));
    if (!bio ||
        !PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
        fail(QStringLiteral("cannot write %1").arg(keyPath));
    QFile::setPermissions(keyPath, QFile::ReadOwner | QFile::WriteOwner);
    signAndWrite(cert.get(), key.get(), {}, certPath);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("ca | issue"));
    const QStringList valued = {QStringLiteral("dir"),
                                QStringLiteral("cn"),
                                QStringLiteral("spki"),
                                QStringLiteral("out"),
                                QStringLiteral("pem-out"),
                                QStringLiteral("o"),
                                QStringLiteral("uid"),
                                QStringLiteral("inn"),
                                QStringLiteral("ogrn"),
                                QStringLiteral("snils"),
                                QStringLiteral("not-before-days"),
                                QStringLiteral("not-after-days"),
                                QStringLiteral("policy"),
                                QStringLiteral("role"),
                                QStringLiteral("title"),
                                QStringLiteral("serial")};
    for (const QString &option : valued)
        parser.addOption(QCommandLineOption(option, option, QStringLiteral("value")));
    parser.addHelpOption();
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty())
        parser.showHelp(2);
    const QString dir = parser.value(QStringLiteral("dir"));
    if (dir.isEmpty())
        fail(QStringLiteral("--dir is required"));

    if (args.first() == QLatin1String("ca")) {
        makeCa(dir, parser.isSet(QStringLiteral("cn")) ? parser.value(QStringLiteral("cn"))
                                                       : QStringLiteral("Demo Bank CA"));
        return 0;
    }
    if (args.first() != QLatin1String("issue"))
        fail(QStringLiteral("unknown command %1").arg(args.first()));

    makeCa(dir, QStringLiteral("Demo Bank CA"));
    const QByteArray caKeyPem = readFile(dir + QStringLiteral("/ca.key.pem"));
    const QByteArray caCertPem = readFile(dir + QStringLiteral("/ca.cert.pem"));
    BioPtr keyBio(BIO_new_mem_buf(caKeyPem.constData(), caKeyPem.size()));
    EvpPkeyPtr caKey(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    BioPtr certBio(BIO_new_mem_buf(caCertPem.constData(), caCertPem.size()));
    X509Ptr caCert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    if (!caKey || !caCert)
        fail(QStringLiteral("cannot read the CA in %1").arg(dir));

    const QByteArray spki = readFile(parser.value(QStringLiteral("spki")));
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    EvpPkeyPtr subjectKey(d2i_PUBKEY(nullptr, &p, spki.size()));
    if (!subjectKey)
        fail(QStringLiteral("--spki is not a DER SubjectPublicKeyInfo"));

    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    setRandomSerial(cert.get(), parser.value(QStringLiteral("serial")).toLongLong());
    const long notBefore = parser.isSet(QStringLiteral("not-before-days"))
                               ? parser.value(QStringLiteral("not-before-days")).toLong()
                               : -1;
    const long notAfter = parser.isSet(QStringLiteral("not-after-days"))
                              ? parser.value(QStringLiteral("not-after-days")).toLong()
                              : 365;
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 86400L * notBefore);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * notAfter);
    X509_NAME *name = X509_get_subject_name(cert.get());
    addNameEntry(name, "C", QStringLiteral("RU"));
    addNameEntry(name, "O", parser.value(QStringLiteral("o")));
    addNameEntry(name, "title", parser.value(QStringLiteral("title")));
    addNameEntry(name, "CN", parser.value(QStringLiteral("cn")));
    addNameEntry(name, "UID", parser.value(QStringLiteral("uid")));
    addNameEntry(name, "1.2.643.3.131.1.1", parser.value(QStringLiteral("inn")));
    addNameEntry(name, "1.2.643.100.1", parser.value(QStringLiteral("ogrn")));
    addNameEntry(name, "1.2.643.100.3", parser.value(QStringLiteral("snils")));
    X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert.get()));
    X509_set_pubkey(cert.get(), subjectKey.get());
    addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), caCert.get(), NID_key_usage,
                 "critical,digitalSignature,nonRepudiation");
    addExtension(cert.get(), caCert.get(), NID_subject_key_identifier, "hash");
    addExtension(cert.get(), caCert.get(), NID_authority_key_identifier, "keyid:always");
    const QString role = parser.value(QStringLiteral("role"));
    // As the bank's signer issues them: a client certificate is for clientAuth and e-mail
    // protection (the kiosk checks it, enroll/certificatecheck.h).
    if (role != QLatin1String("ra"))
        addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "clientAuth,emailProtection");
    QStringList policyOids = {
        QString::fromLatin1(role == QLatin1String("staff") ? roles::kStaffPolicy
                            : role == QLatin1String("ra")  ? roles::kRaPolicy
                                                           : roles::kClientPolicy)};
    if (parser.isSet(QStringLiteral("policy")))
        policyOids << parser.value(QStringLiteral("policy"));
    if (kk::Error e = kk::addCertificatePolicies(cert.get(), policyOids))
        fail(e.detail);
    signAndWrite(cert.get(), caKey.get(), parser.value(QStringLiteral("out")),
                 parser.value(QStringLiteral("pem-out")));
    return 0;
}
