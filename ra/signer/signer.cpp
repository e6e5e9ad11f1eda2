#include "signer.h"

#include "cmpder.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"

#include <QLoggingCategory>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

Q_LOGGING_CATEGORY(lcSigner, "kk.ra.signer", QtInfoMsg)

namespace kk::ra {

namespace {

X509NamePtr nameFrom(const QByteArray &der)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    return X509NamePtr(d2i_X509_NAME(nullptr, &p, der.size()));
}

struct OpenSslBytesFree
{
    void operator()(unsigned char *bytes) const { OPENSSL_free(bytes); }
};

// The certificate's SubjectPublicKeyInfo becomes `spki`, byte for byte. The key is decoded
// once to prove it is one; X509_set_pubkey() would encode it again and decode the result, two
// more passes through OpenSSL 3.0's provider decoders and encoders, each slower than the
// certificate's signature (docs/architecture.md, "The bank at scale").
bool placeKey(X509 *cert, const QByteArray &spki)
{
    const auto *p = reinterpret_cast<const unsigned char *>(spki.constData());
    const X509PubkeyPtr key(d2i_X509_PUBKEY(nullptr, &p, spki.size()));
    ASN1_OBJECT *algorithm = nullptr;
    const unsigned char *bits = nullptr;
    int bitsLength = 0;
    X509_ALGOR *parameters = nullptr, *placedParameters = nullptr;
    X509_PUBKEY *placed = X509_get_X509_PUBKEY(cert);
    if (!key || p != reinterpret_cast<const unsigned char *>(spki.constData()) + spki.size() ||
        !X509_PUBKEY_get0(key.get()) ||
        !X509_PUBKEY_get0_param(&algorithm, &bits, &bitsLength, &parameters, key.get()) ||
        bitsLength <= 0) {
        ERR_clear_error();
        return false;
    }
    // X509_PUBKEY_set0_param() takes both copies; with no parameters (V_ASN1_UNDEF) it cannot
    // fail before it does. The parameters follow from the original, copied.
    std::unique_ptr<unsigned char, OpenSslBytesFree> bitsCopy(
        static_cast<unsigned char *>(OPENSSL_memdup(bits, std::size_t(bitsLength))));
    Asn1ObjectPtr algorithmCopy(OBJ_dup(algorithm));
    if (!bitsCopy || !algorithmCopy ||
        !X509_PUBKEY_set0_param(placed, algorithmCopy.get(), V_ASN1_UNDEF, nullptr, bitsCopy.get(),
                                bitsLength))
        return false;
    algorithmCopy.release();
    bitsCopy.release();
    if (!X509_PUBKEY_get0_param(nullptr, nullptr, nullptr, &placedParameters, placed) ||
        !X509_ALGOR_copy(placedParameters, parameters)) {
        ERR_clear_error();
        return false;
    }
    // What the certificate will carry is what the register holds.
    return derBytes([placed](unsigned char **out) { return i2d_X509_PUBKEY(placed, out); }) == spki;
}

Error refused(const QString &why)
{
    qCWarning(lcSigner).noquote() << "not signed:" << why;
    return Error(ErrorCode::Internal, QStringLiteral("the signer refuses: %1").arg(why));
}

} // namespace

Signer::Signer(X509Ptr caCert, EvpPkeyPtr caKey, SignerProfile profile, Store *store)
    : m_caCert(std::move(caCert)), m_caKey(std::move(caKey)), m_profile(std::move(profile)),
      m_store(store)
{
}

Expected<QByteArray> Signer::issue(qint64 requestId)
{
    auto found = m_store->findById(requestId);
    if (!found)
        return found.error();
    if (!found.value())
        return refused(QStringLiteral("no request %1 in the register").arg(requestId));
    const RequestRecord &request = *found.value();
    if (request.status != RequestStatus::Approved || !request.certDer.isEmpty())
        return refused(QStringLiteral("request %1 is %2, not approved and unissued")
                           .arg(request.number, statusName(request.status)));
    // The subject is the register's, never the request's alone.
    QByteArray subjectDer;
    if (request.kind == QLatin1String("kur")) {
        auto renewed = m_store->findCertificate(request.oldCertSerial);
        if (!renewed)
            return renewed.error();
        if (!renewed.value() || renewed.value()->role != CertificateRole::Client)
            return refused(QStringLiteral("request %1 renews %2, not a client certificate in "
                                          "the register")
                               .arg(request.number, request.oldCertSerial));
        // Only its subject is needed: read from the DER, not by parsing the certificate,
        // which would decode its key (docs/architecture.md, "The bank at scale").
        subjectDer = certificateSubjectDer(renewed.value()->der);
        if (subjectDer.isEmpty())
            return refused(QStringLiteral("the register's certificate %1 does not parse")
                               .arg(request.oldCertSerial));
    } else {
        auto abonent = m_store->findAbonent(request.uid);
        if (!abonent)
            return abonent.error();
        if (!abonent.value())
            return refused(QStringLiteral("request %1 is for %2, whom the register does not know")
                               .arg(request.number, request.uid));
        subjectDer = abonent.value()->subjectDer;
    }
    if (subjectDer != request.subjectDer)
        return refused(QStringLiteral("request %1 names another subject than the register")
                           .arg(request.number));
    X509NamePtr subject = nameFrom(subjectDer);
    X509Ptr cert(X509_new());
    if (!cert || !placeKey(cert.get(), request.newKeySpki))
        return refused(
            QStringLiteral("the new key of request %1 is not a public key").arg(request.number));
    BignumPtr serial(BN_new());
    if (!subject || !serial || !BN_rand(serial.get(), 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
        !X509_set_version(cert.get(), 2) ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
        !X509_set_issuer_name(cert.get(), X509_get_subject_name(m_caCert.get())) ||
        !X509_set_subject_name(cert.get(), subject.get()) ||
        !X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) ||
        !X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * m_profile.validityDays))
        return refused(
            QStringLiteral("cannot build the certificate of request %1").arg(request.number));
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, m_caCert.get(), cert.get(), nullptr, nullptr, 0);
    // The client profile: a signing key, never a CA, for client authentication and signed
    // e-mail/documents.
    std::vector<std::pair<int, QByteArray>> extensions = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature,nonRepudiation"},
        {NID_ext_key_usage, "clientAuth,emailProtection"},
        {NID_subject_key_identifier, "hash"},
        {NID_authority_key_identifier, "keyid:always"}};
    if (!m_profile.crlUrl.isEmpty())
        extensions.push_back({NID_crl_distribution_points, "URI:" + m_profile.crlUrl.toUtf8()});
    for (const auto &[nid, value] : extensions) {
        X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.constData()));
        if (!ext || !X509_add_ext(cert.get(), ext.get(), -1))
            return refused(QStringLiteral("cannot add the profile's extensions"));
    }
    if (Error e = addCertificatePolicies(cert.get(), {m_profile.clientPolicyOid}))
        return e;
    if (X509_sign(cert.get(), m_caKey.get(), EVP_sha256()) <= 0) {
        ERR_clear_error();
        return Error(ErrorCode::Internal, QStringLiteral("the CA key could not sign (HSM "
                                                         "unavailable?)"));
    }
    qCInfo(lcSigner).noquote() << "signed certificate" << serialHex(cert.get()) << "for request"
                               << request.number;
    return derBytes([&cert](unsigned char **out) { return i2d_X509(cert.get(), out); });
}

Expected<QByteArray> Signer::crl()
{
    auto revocations = m_store->revocations();
    if (!revocations)
        return revocations.error();
    using CrlPtr = std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL, X509_CRL_free>>;
    using TimePtr = std::unique_ptr<ASN1_TIME, OpenSslDeleter<ASN1_TIME, ASN1_TIME_free>>;
    CrlPtr crl(X509_CRL_new());
    TimePtr now(ASN1_TIME_set(nullptr, std::time(nullptr)));
    TimePtr next(X509_time_adj_ex(nullptr, 0, m_profile.crlValidityHours * 3600L, nullptr));
    if (!crl || !now || !next || !X509_CRL_set_version(crl.get(), 1) ||
        !X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(m_caCert.get())) ||
        !X509_CRL_set1_lastUpdate(crl.get(), now.get()) ||
        !X509_CRL_set1_nextUpdate(crl.get(), next.get()))
        return Error(ErrorCode::Internal, QStringLiteral("cannot build the CRL"));
    for (const RevocationRecord &r : revocations.value()) {
        BIGNUM *bn = nullptr;
        X509_REVOKED *revoked = X509_REVOKED_new();
        TimePtr when(ASN1_TIME_set(nullptr, r.revoked.toSecsSinceEpoch()));
        std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER, ASN1_INTEGER_free>> serial(
            BN_hex2bn(&bn, r.serial.toLatin1().constData()) ? BN_to_ASN1_INTEGER(bn, nullptr)
                                                            : nullptr);
        BN_free(bn);
        if (!revoked || !serial || !when || !X509_REVOKED_set_serialNumber(revoked, serial.get()) ||
            !X509_REVOKED_set_revocationDate(revoked, when.get()) ||
            !X509_CRL_add0_revoked(crl.get(), revoked)) {
            X509_REVOKED_free(revoked);
            return Error(ErrorCode::Internal,
                         QStringLiteral("cannot list %1 in the CRL").arg(r.serial));
        }
    }
    X509_CRL_sort(crl.get());
    // A CRL number that only grows: the time of signing.
    std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<ASN1_INTEGER, ASN1_INTEGER_free>> number(
        ASN1_INTEGER_new());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, m_caCert.get(), nullptr, nullptr, crl.get(), 0);
    X509ExtensionPtr keyId(
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!number || !ASN1_INTEGER_set_int64(number.get(), std::int64_t(std::time(nullptr))) ||
        !X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) || !keyId ||
        !X509_CRL_add_ext(crl.get(), keyId.get(), -1) ||
        X509_CRL_sign(crl.get(), m_caKey.get(), EVP_sha256()) <= 0) {
        ERR_clear_error();
        return Error(ErrorCode::Internal, QStringLiteral("cannot sign the CRL"));
    }
    return derBytes([&crl](unsigned char **out) { return i2d_X509_CRL(crl.get(), out); });
}

} // namespace kk::ra
