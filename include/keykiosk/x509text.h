#pragma once
// Text out of X.509 names, as Qt strings: UTF-8 whatever the string type the issuer chose
// (the Russian names are UTF8String, PrintableString or BMPString in the wild).

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

} // namespace kk
