// What keykiosk-ra tells a client whose message it does not accept (docs/architecture.md,
// "What the bank tells a client it refuses"): every protection kind OpenSSL can parse, sent
// to the real RA over HTTP, is answered with a CMP error whose status text is the bank's own
// sentence, never an OpenSSL internal ("passed a null parameter" for the testers' MAC-
// protected ir); and a client's ordinary renewal still goes through.
#include "harness.h"
#include "keykiosk/enroll/cmpclient.h"
#include "softclient.h"

#include <QtTest>

#include <openssl/x509v3.h>

using namespace kk;
using namespace kk::test;

namespace {

using CmpCtxPtr = std::unique_ptr<OSSL_CMP_CTX, OpenSslDeleter<OSSL_CMP_CTX, OSSL_CMP_CTX_free>>;

// The encoded OIDs of RFC 4210's MACs (id-PasswordBasedMac, id-DHBasedMac) and one that
// names nothing, all of the same length: a PBM request's algorithm is swapped in place.
const QByteArray kPbmOid = QByteArray::fromHex("06092a864886f67d07420d");
const QByteArray kDhMacOid = QByteArray::fromHex("06092a864886f67d07421e");
const QByteArray kUnknownOid = QByteArray::fromHex("06092a864886f67d07427f");

// How a request is changed on its way out, before the RA sees it: bytes replaced once, or the
// last byte of its protection (the signature) changed.
struct Tamper
{
    QByteArray from, to;
    bool breakSignature = false;
};

// Where the PKIMessage's protection ([0], after the header and the body) ends; -1 if none.
int protectionEnd(const QByteArray &der)
{
    const auto *start = reinterpret_cast<const unsigned char *>(der.constData());
    const unsigned char *p = start;
    long length = 0;
    int tag = 0, cls = 0;
    if (ASN1_get_object(&p, &length, &tag, &cls, der.size()) & 0x80)
        return -1;
    for (int i = 0; i < 3; ++i) { // the header, the body, then the protection
        if (ASN1_get_object(&p, &length, &tag, &cls, der.size() - (p - start)) & 0x80)
            return -1;
        if (i == 2)
            return cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 ? int(p - start + length) : -1;
        p += length;
    }
    return -1;
}

OSSL_CMP_MSG *tamperAndSend(OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
    const auto *tamper = static_cast<const Tamper *>(OSSL_CMP_CTX_get_transfer_cb_arg(ctx));
    unsigned char *der = nullptr;
    const int length = i2d_OSSL_CMP_MSG(req, &der);
    QByteArray bytes(reinterpret_cast<const char *>(der), length);
    OPENSSL_free(der);
    if (tamper->breakSignature) {
        const int end = protectionEnd(bytes);
        if (end > 0)
            bytes[end - 1] = char(bytes.at(end - 1) ^ 0x01);
    }
    if (!tamper->from.isEmpty()) {
        const int at = bytes.indexOf(tamper->from);
        if (at >= 0)
            bytes.replace(at, tamper->from.size(), tamper->to);
    }
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    CmpMsgPtr changed(d2i_OSSL_CMP_MSG(nullptr, &p, bytes.size()));
    return changed ? OSSL_CMP_MSG_http_perform(ctx, changed.get()) : nullptr;
}

// A self-signed certificate and its key: a sender the bank never issued anything to.
std::pair<X509Ptr, EvpPkeyPtr> stranger()
{
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("Stranger"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key.get());
    X509_sign(cert.get(), key.get(), EVP_sha256());
    return {std::move(cert), std::move(key)};
}

} // namespace

class TestRaProtection : public QObject
{
    Q_OBJECT

    QTemporaryDir m_scratch;
    RaServer m_ra;
    SoftClient m_client;

private slots:
    void initTestCase()
    {
        QVERIFY(m_ra.start());
        QVERIFY(m_client.make(m_ra, m_scratch, QStringLiteral("PROT-1")));
    }

    void everyProtectionKindGetsTheBanksWords_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        const QString mac = QStringLiteral("protection by a shared secret (MAC) is not accepted: "
                                           "sign the request with a certificate the bank issued");
        const QString weak =
            QStringLiteral("the request is signed with an algorithm the bank does not accept");
        const QString unverified = QStringLiteral("the request's signature could not be "
                                                  "verified with a valid certificate the bank "
                                                  "issued");
        QTest::newRow("ir under PBM, a guessed secret") << "pbm" << mac;
        QTest::newRow("ir under DH-based MAC") << "dhmac" << mac;
        QTest::newRow("ir, unprotected")
            << "none"
            << QStringLiteral("the request is not protected: the bank accepts requests signed "
                              "with a certificate it issued");
        QTest::newRow("ir under an algorithm nobody knows") << "unknown" << weak;
        QTest::newRow("kur signed by ECDSA with SHA-1") << "sha1" << weak;
        QTest::newRow("kur signed by a certificate the bank did not issue")
            << "stranger" << unverified;
        QTest::newRow("kur with a broken signature") << "broken" << unverified;
    }

    void everyProtectionKindGetsTheBanksWords()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        EvpPkeyPtr newKey(EVP_EC_gen("P-256"));
        Exchange unused;
        Tamper tamper;
        auto [strangerCert, strangerKey] = stranger();
        CmpCtxPtr ctx(m_client.clientContext(m_ra, newKey.get(), &unused));
        OSSL_CMP_CTX_set_transfer_cb(ctx.get(), tamperAndSend);
        OSSL_CMP_CTX_set_transfer_cb_arg(ctx.get(), &tamper);
        int body = 7; // kur
        const bool mac = kind == QLatin1String("pbm") || kind == QLatin1String("dhmac") ||
                         kind == QLatin1String("unknown");
        if (mac || kind == QLatin1String("none")) {
            body = 0; // ir, as the testers sent it
            OSSL_CMP_CTX_set1_cert(ctx.get(), nullptr);
            OSSL_CMP_CTX_set1_pkey(ctx.get(), nullptr);
            OSSL_CMP_CTX_set1_oldCert(ctx.get(), nullptr);
            X509_NAME *subject = X509_NAME_new();
            X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char *>("Guess"), -1, -1, 0);
            OSSL_CMP_CTX_set1_subjectName(ctx.get(), subject);
            OSSL_CMP_CTX_set1_recipient(ctx.get(),
                                        X509_get_subject_name(readPem(m_ra.raCertPath()).get()));
            X509_NAME_free(subject);
        }
        if (mac) {
            static const unsigned char secret[] = "guess", reference[] = "1234";
            OSSL_CMP_CTX_set1_secretValue(ctx.get(), secret, sizeof secret - 1);
            OSSL_CMP_CTX_set1_referenceValue(ctx.get(), reference, sizeof reference - 1);
            if (kind == QLatin1String("dhmac"))
                tamper = {kPbmOid, kDhMacOid};
            if (kind == QLatin1String("unknown"))
                tamper = {kPbmOid, kUnknownOid};
        } else if (kind == QLatin1String("none")) {
            OSSL_CMP_CTX_set_option(ctx.get(), OSSL_CMP_OPT_UNPROTECTED_SEND, 1);
        } else if (kind == QLatin1String("sha1")) {
            OSSL_CMP_CTX_set_option(ctx.get(), OSSL_CMP_OPT_DIGEST_ALGNID, NID_sha1);
        } else if (kind == QLatin1String("stranger")) {
            OSSL_CMP_CTX_set1_cert(ctx.get(), strangerCert.get());
            OSSL_CMP_CTX_set1_pkey(ctx.get(), strangerKey.get());
            OSSL_CMP_CTX_set1_oldCert(ctx.get(), strangerCert.get());
        } else if (kind == QLatin1String("broken")) {
            tamper.breakSignature = true;
        }
        X509 *issued = OSSL_CMP_exec_certreq(ctx.get(), body, nullptr);
        QVERIFY(!issued);
        const QString said = cmpStatusText(ctx.get());
        qInfo("%s: \"%s\"", qPrintable(kind), qPrintable(said));
        QCOMPARE(OSSL_CMP_CTX_get_status(ctx.get()), int(OSSL_CMP_PKISTATUS_rejection));
        QCOMPARE(said, expected);
        // The log says why, for staff.
        QVERIFY(m_ra.log().contains(QStringLiteral("message refused")));
    }

    void anOrdinaryRenewalStillGoesThrough() { QVERIFY(renewWithin(m_client, m_ra, 10) == 1); }
};

QTEST_GUILESS_MAIN(TestRaProtection)
#include "tst_raprotection.moc"
