#pragma once
// Text out of X.509 names, as Qt strings: UTF-8 whatever the string type the issuer chose
// (the Russian names are UTF8String, PrintableString or BMPString in the wild).

#include "keykiosk/errors.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <openssl/asn1.h>
#include <openssl/x509.h>

namespace kk {

// An ASN.1 string as text; empty if it cannot be converted.
QString asn1Utf8(const ASN1_STRING *value);
// The first entry of `name` of this type: a short name ("CN", "O", "UID", "title") or a
// dotted OID (the Russian identifiers, which have no stable short names); empty if none.
QString nameField(const X509_NAME *name, const char *field);
// The certificate's policy OIDs, dotted.
QStringList certificatePolicies(const X509 *cert);
// Adds a certificate policies extension with these OIDs (the roles of the bank's profiles).
Error addCertificatePolicies(X509 *cert, const QStringList &oids);
// The serial number in hex, upper case, as the register and the act show it.
QString serialHex(const X509 *cert);
// The subject on one line, UTF-8 as it is (X509_NAME_oneline would escape every Cyrillic byte).
QString subjectLine(const X509 *cert);
// notAfter, in UTC.
QDateTime notAfterOf(const X509 *cert);

} // namespace kk
