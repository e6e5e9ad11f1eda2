#pragma once
// DER walking the RA does itself, on bytes that come from the network: OpenSSL 3.0 has no
// public getter for these parts of a CMP message. Each function reads only within the bytes
// it is given and returns nothing (empty) for anything malformed. Fuzzed by fuzz/ra_der.cpp.

#include <QByteArray>
#include <QDateTime>
#include <QVector>

typedef struct ossl_crmf_msg_st OSSL_CRMF_MSG;

namespace kk::ra {

// The parts of a PKIHeader (RFC 4210 5.1.1) the RA decides by.
struct CmpHeaderFields
{
    bool valid = false;
    QByteArray senderDer;     // the sender GeneralName, as encoded
    QDateTime messageTime;    // invalid when absent
    QByteArray transactionId; // content octets
    QByteArray senderNonce;   // content octets
    // The protectionAlg's algorithm OID ([1] AlgorithmIdentifier), as an encoded OBJECT
    // IDENTIFIER; empty when the message names none (unprotected).
    QByteArray protectionAlgOid;
    bool hasSenderKid = false;
    QByteArray senderKid; // content octets, when hasSenderKid
};
CmpHeaderFields cmpHeaderFields(const QByteArray &messageDer);

// The SubjectPublicKeyInfo of a certificate template ([6] IMPLICIT), re-tagged as a SEQUENCE.
QByteArray templatePublicKeySpki(const OSSL_CRMF_MSG *crm);
QByteArray templatePublicKeySpki(const QByteArray &templateDer);
// The certificates in a PKIMessage's extraCerts ([1]), each as its own DER.
QVector<QByteArray> extraCertsDer(const QByteArray &messageDer);
// The same PKIMessage without its extraCerts (empty if it has none or is malformed): the RA
// parses the message without them and takes the certificates from its cache, parsed once
// (certificatecache.h); the protection covers only the header and body (RFC 4210 5.1.3).
QByteArray withoutExtraCerts(const QByteArray &messageDer);
// The subject Name of a Certificate (RFC 5280 4.1), as encoded, read without parsing the
// certificate: parsing one makes OpenSSL 3.0 decode its public key (docs/architecture.md, "The
// bank at scale"). Empty unless `certificateDer` is one certificate, nothing after it.
QByteArray certificateSubjectDer(const QByteArray &certificateDer);
// The same PKIMessage as if it had been sent unprotected: its header without protectionAlg
// ([1]), the message without protection ([0]) and extraCerts ([1]); empty if malformed. The
// RA answers a message it refused through OpenSSL with a context that accepts it unchecked,
// so that OpenSSL's own checks add no words of theirs to the RA's reason.
QByteArray unprotectedCopy(const QByteArray &messageDer);
// The errorCode of an error message's ErrorMsgContent (body [23], RFC 4210 5.3.21), or -1
// when the message is no error message or names no code.
long errorMessageCode(const QByteArray &messageDer);
// A DER element: the tag, the content's length in the shortest form, the content.
QByteArray derElement(unsigned char tag, const QByteArray &content);

} // namespace kk::ra
