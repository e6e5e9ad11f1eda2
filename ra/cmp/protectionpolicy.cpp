#include "protectionpolicy.h"

#include "keykiosk/opensslptr.h"

#include <openssl/cmperr.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <mutex>

namespace kk::ra {

namespace {

int raErrorLibrary()
{
    static int library = 0;
    static std::once_flag once;
    std::call_once(once, [] {
        library = ERR_get_next_error_library();
        // OpenSSL keeps pointers to these: static storage. The first entry names the library.
        static ERR_STRING_DATA strings[] = {
            {ERR_PACK(0, 0, 0), "keykiosk-ra"},
            {ERR_PACK(0, 0, int(RaReason::NotProtected)),
             "the request is not protected: the bank accepts requests signed with a "
             "certificate it issued"},
            {ERR_PACK(0, 0, int(RaReason::MacProtection)),
             "protection by a shared secret (MAC) is not accepted: sign the request with a "
             "certificate the bank issued"},
            {ERR_PACK(0, 0, int(RaReason::WeakOrUnknownAlgorithm)),
             "the request is signed with an algorithm the bank does not accept"},
            {ERR_PACK(0, 0, int(RaReason::MessageRefused)), "the bank refused this message"},
            {ERR_PACK(0, 0, int(RaReason::TryAgain)),
             "the bank cannot answer now: send the same request again shortly"},
            {ERR_PACK(0, 0, int(RaReason::SignatureNotVerified)),
             "the request's signature could not be verified with a valid certificate the "
             "bank issued"},
            {ERR_PACK(0, 0, int(RaReason::OutOfSequence)),
             "the message does not continue a transaction the bank has open"},
            {ERR_PACK(0, 0, int(RaReason::NotProcessed)),
             "the bank could not process this message"},
            {0, nullptr}};
        for (ERR_STRING_DATA *entry = strings; entry->string; ++entry)
            entry->error = ERR_PACK(library, 0, ERR_GET_REASON(entry->error));
        ERR_load_strings(library, strings);
    });
    return library;
}

struct Algorithm
{
    int nid;
    bool accepted;
};

// Signatures by SHA-256 or stronger (or a scheme that fixes its own digest); the MACs of
// RFC 4210 5.1.3 and RFC 9481 6 are refused by name.
constexpr Algorithm kAlgorithms[] = {
    {NID_ecdsa_with_SHA256, true},
    {NID_ecdsa_with_SHA384, true},
    {NID_ecdsa_with_SHA512, true},
    {NID_sha256WithRSAEncryption, true},
    {NID_sha384WithRSAEncryption, true},
    {NID_sha512WithRSAEncryption, true},
    {NID_rsassaPss, true},
    {NID_ED25519, true},
    {NID_ED448, true},
    {NID_id_PasswordBasedMAC, false},
    {NID_id_DHBasedMac, false},
    {NID_pbmac1, false},
};

} // namespace

void raiseRaReason(RaReason reason, const QString &detail)
{
    ERR_raise_data(raErrorLibrary(), int(reason), "%s", detail.toUtf8().constData());
}

ProtectionVerdict judgeProtection(const QByteArray &protectionAlgOid)
{
    ProtectionVerdict verdict;
    if (protectionAlgOid.isEmpty()) {
        verdict.accepted = false;
        verdict.reason = RaReason::NotProtected;
        verdict.detail = QStringLiteral("the message carries no protection");
        return verdict;
    }
    const auto *p = reinterpret_cast<const unsigned char *>(protectionAlgOid.constData());
    std::unique_ptr<ASN1_OBJECT, OpenSslDeleter<ASN1_OBJECT, ASN1_OBJECT_free>> oid(
        d2i_ASN1_OBJECT(nullptr, &p, protectionAlgOid.size()));
    char dotted[128] = "?";
    if (oid)
        OBJ_obj2txt(dotted, sizeof dotted, oid.get(), 1);
    const int nid = oid ? OBJ_obj2nid(oid.get()) : NID_undef;
    const QString name = nid != NID_undef
                             ? QStringLiteral("%1 (%2)").arg(QString::fromLatin1(OBJ_nid2ln(nid)),
                                                             QString::fromLatin1(dotted))
                             : QString::fromLatin1(dotted);
    for (const Algorithm &algorithm : kAlgorithms) {
        if (algorithm.nid != nid)
            continue;
        if (algorithm.accepted)
            return verdict;
        verdict.accepted = false;
        verdict.reason = RaReason::MacProtection;
        verdict.detail = QStringLiteral("protected with %1").arg(name);
        return verdict;
    }
    verdict.accepted = false;
    verdict.reason = RaReason::WeakOrUnknownAlgorithm;
    verdict.detail =
        QStringLiteral("signed with %1; the bank accepts ECDSA, RSA or EdDSA signatures by "
                       "SHA-256 or stronger")
            .arg(name);
    return verdict;
}

} // namespace kk::ra

namespace kk::ra {

ProtectionVerdict rewordOpenSslError(unsigned long error)
{
    ProtectionVerdict verdict;
    if (error == 0 || ERR_GET_LIB(error) == raErrorLibrary())
        return verdict; // ours: already in the bank's words
    verdict.accepted = false;
    verdict.reason = RaReason::NotProcessed;
    const int lib = ERR_GET_LIB(error), reason = ERR_GET_REASON(error);
    if (lib == ERR_LIB_CMP) {
        switch (reason) {
        case CMP_R_NO_SUITABLE_SENDER_CERT:
        case CMP_R_ERROR_VALIDATING_PROTECTION:
        case CMP_R_ERROR_VALIDATING_SIGNATURE:
        case CMP_R_MISSING_PROTECTION:
        case CMP_R_MISSING_TRUST_STORE:
        case CMP_R_MISSING_TRUST_ANCHOR:
        case CMP_R_POTENTIALLY_INVALID_CERTIFICATE:
        case CMP_R_MISSING_KEY_USAGE_DIGITALSIGNATURE:
        case CMP_R_WRONG_ALGORITHM_OID:
        case CMP_R_UNKNOWN_ALGORITHM_ID:
        case CMP_R_MISSING_SENDER_IDENTIFICATION:
        case CMP_R_SENDER_GENERALNAME_TYPE_NOT_SUPPORTED:
            verdict.reason = RaReason::SignatureNotVerified;
            verdict.detail = QStringLiteral("the sender's certificate, its chain to the bank "
                                            "CA or the signature did not hold");
            return verdict;
        case CMP_R_TRANSACTIONID_UNMATCHED:
        case CMP_R_RECIPNONCE_UNMATCHED:
        case CMP_R_UNEXPECTED_PKIBODY:
        case CMP_R_BAD_REQUEST_ID:
        case CMP_R_CERTID_NOT_FOUND:
        case CMP_R_WRONG_CERTID:
        case CMP_R_ERROR_UNEXPECTED_CERTCONF:
            verdict.reason = RaReason::OutOfSequence;
            verdict.detail = QStringLiteral("start the request again");
            return verdict;
        default:
            break;
        }
    } else if (lib == ERR_LIB_X509 || lib == ERR_LIB_X509V3 || lib == ERR_LIB_ASN1 ||
               lib == ERR_LIB_EVP || lib == ERR_LIB_EC || lib == ERR_LIB_RSA) {
        // Checking the sender's certificate and signature is where these come from.
        verdict.reason = RaReason::SignatureNotVerified;
        verdict.detail = QStringLiteral("the sender's certificate or its signature could not be "
                                        "checked");
        return verdict;
    }
    verdict.detail = QStringLiteral("the message is not one the bank accepts here");
    return verdict;
}

} // namespace kk::ra
