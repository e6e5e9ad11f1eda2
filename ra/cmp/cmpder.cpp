#include "cmpder.h"

#include <openssl/asn1.h>
#include <openssl/crmf.h>

#include <memory>

namespace kk::ra {

namespace {

// A DER element: tag, header and content bounds.
struct Element
{
    int tag = 0, cls = 0;
    const unsigned char *start = nullptr, *content = nullptr;
    long length = 0;
    bool constructed = false;
    const unsigned char *end() const { return content + length; }
};

bool readElement(const unsigned char *&p, const unsigned char *limit, Element &e)
{
    if (p >= limit)
        return false;
    e.start = p;
    long length = 0;
    int tag = 0, cls = 0;
    const int flags = ASN1_get_object(&p, &length, &tag, &cls, limit - p);
    // 0x80: an error; 0x21: the indefinite length form, which DER never uses.
    if ((flags & 0x80) || flags == 0x21 || length < 0 || length > limit - p)
        return false;
    e.tag = tag;
    e.cls = cls;
    e.content = p;
    e.length = length;
    e.constructed = flags & V_ASN1_CONSTRUCTED;
    p += length;
    return true;
}

QByteArray bytes(const unsigned char *from, const unsigned char *to)
{
    return QByteArray(reinterpret_cast<const char *>(from), int(to - from));
}

// The content of an explicitly tagged OCTET STRING ([n] EXPLICIT OCTET STRING).
QByteArray explicitOctets(const Element &field)
{
    const unsigned char *p = field.content;
    Element inner;
    if (!readElement(p, field.end(), inner) || inner.tag != V_ASN1_OCTET_STRING ||
        inner.cls != V_ASN1_UNIVERSAL)
        return {};
    return bytes(inner.content, inner.end());
}

// The value of `count` decimal digits at `text`, or -1.
int digits(const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

QDateTime generalizedTime(const Element &field)
{
    const unsigned char *p = field.content;
    Element inner;
    if (!readElement(p, field.end(), inner) || inner.tag != V_ASN1_GENERALIZEDTIME ||
        inner.length > 64)
        return {};
    // YYYYMMDDHHMMSS[.fff]Z, as DER requires (UTC). Read digit by digit: a date parser that
    // knows time zones looks up the local one for every message.
    const QByteArray text = bytes(inner.content, inner.end());
    if (text.size() < 15 || !text.endsWith('Z') ||
        (text.size() > 15 && (text.at(14) != '.' || text.size() == 16 ||
                              digits(text.constData() + 15, text.size() - 16) < 0)))
        return {};
    const char *t = text.constData();
    const QDate date(digits(t, 4), digits(t + 4, 2), digits(t + 6, 2));
    const int hour = digits(t + 8, 2), minute = digits(t + 10, 2), second = digits(t + 12, 2);
    if (digits(t, 4) < 0 || !date.isValid() || !QTime::isValid(hour, minute, second))
        return {};
    return QDateTime(date, QTime(hour, minute, second), Qt::UTC);
}

} // namespace

CmpHeaderFields cmpHeaderFields(const QByteArray &messageDer)
{
    // PKIMessage ::= SEQUENCE { header PKIHeader, ... }
    // PKIHeader ::= SEQUENCE { pvno INTEGER, sender GeneralName, recipient GeneralName,
    //   messageTime [0] GeneralizedTime OPTIONAL, protectionAlg [1] ..., senderKID [2] ...,
    //   recipKID [3] ..., transactionID [4] OCTET STRING OPTIONAL,
    //   senderNonce [5] OCTET STRING OPTIONAL, ... }  (all explicitly tagged)
    CmpHeaderFields fields;
    const auto *p = reinterpret_cast<const unsigned char *>(messageDer.constData());
    const unsigned char *limit = p + messageDer.size();
    Element message, header, pvno, sender, recipient;
    if (!readElement(p, limit, message) || message.tag != V_ASN1_SEQUENCE || !message.constructed)
        return fields;
    p = message.content;
    if (!readElement(p, message.end(), header) || header.tag != V_ASN1_SEQUENCE ||
        !header.constructed)
        return fields;
    p = header.content;
    if (!readElement(p, header.end(), pvno) || pvno.tag != V_ASN1_INTEGER ||
        !readElement(p, header.end(), sender) || !readElement(p, header.end(), recipient))
        return fields;
    fields.senderDer = bytes(sender.start, sender.end());
    Element field;
    while (p < header.end()) {
        if (!readElement(p, header.end(), field))
            return CmpHeaderFields();
        if (field.cls != V_ASN1_CONTEXT_SPECIFIC)
            continue;
        switch (field.tag) {
        case 0:
            fields.messageTime = generalizedTime(field);
            break;
        case 1: {
            // [1] { AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, ... } }
            const unsigned char *q = field.content;
            Element algorithm, oid;
            if (readElement(q, field.end(), algorithm) && algorithm.tag == V_ASN1_SEQUENCE &&
                algorithm.constructed) {
                q = algorithm.content;
                if (readElement(q, algorithm.end(), oid) && oid.tag == V_ASN1_OBJECT)
                    fields.protectionAlgOid = bytes(oid.start, oid.end());
            }
            break;
        }
        case 2:
            fields.hasSenderKid = true;
            fields.senderKid = explicitOctets(field);
            break;
        case 4:
            fields.transactionId = explicitOctets(field);
            break;
        case 5:
            fields.senderNonce = explicitOctets(field);
            break;
        default:
            break;
        }
    }
    fields.valid = true;
    return fields;
}

QByteArray templatePublicKeySpki(const QByteArray &templateDer)
{
    // CertTemplate ::= SEQUENCE { ... publicKey [6] IMPLICIT SubjectPublicKeyInfo OPTIONAL ... }
    const auto *p = reinterpret_cast<const unsigned char *>(templateDer.constData());
    const unsigned char *limit = p + templateDer.size();
    Element outer;
    if (!readElement(p, limit, outer) || outer.tag != V_ASN1_SEQUENCE)
        return {};
    p = outer.content;
    Element field;
    while (p < outer.end() && readElement(p, outer.end(), field)) {
        if (field.cls == V_ASN1_CONTEXT_SPECIFIC && field.tag == 6 && field.constructed) {
            // Re-tag as SEQUENCE: same content, universal SEQUENCE header.
            unsigned char header[8];
            unsigned char *h = header;
            ASN1_put_object(&h, 1, int(field.length), V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL);
            return bytes(header, h) + bytes(field.content, field.end());
        }
    }
    return {};
}

QByteArray certificateSubjectDer(const QByteArray &certificateDer)
{
    // Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, ... }
    // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1,
    //   serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name, validity Validity,
    //   subject Name, ... }
    const auto *p = reinterpret_cast<const unsigned char *>(certificateDer.constData());
    const unsigned char *limit = p + certificateDer.size();
    Element certificate, tbs, field;
    if (!readElement(p, limit, certificate) || p != limit || certificate.tag != V_ASN1_SEQUENCE ||
        !certificate.constructed)
        return {};
    p = certificate.content;
    if (!readElement(p, certificate.end(), tbs) || tbs.tag != V_ASN1_SEQUENCE || !tbs.constructed)
        return {};
    p = tbs.content;
    if (!readElement(p, tbs.end(), field))
        return {};
    if (field.cls == V_ASN1_CONTEXT_SPECIFIC && field.tag == 0 && !readElement(p, tbs.end(), field))
        return {}; // the version, then the serial number
    if (field.cls != V_ASN1_UNIVERSAL || field.tag != V_ASN1_INTEGER)
        return {};
    // The signature's algorithm, the issuer, the validity, each a SEQUENCE; then the subject.
    for (int i = 0; i < 4; ++i) {
        if (!readElement(p, tbs.end(), field) || field.cls != V_ASN1_UNIVERSAL ||
            field.tag != V_ASN1_SEQUENCE || !field.constructed)
            return {};
    }
    return bytes(field.start, field.end());
}

QByteArray unprotectedCopy(const QByteArray &messageDer)
{
    const auto *p = reinterpret_cast<const unsigned char *>(messageDer.constData());
    const unsigned char *limit = p + messageDer.size();
    Element message, header, body;
    if (!readElement(p, limit, message) || message.tag != V_ASN1_SEQUENCE || p != limit)
        return {};
    p = message.content;
    if (!readElement(p, message.end(), header) || header.tag != V_ASN1_SEQUENCE ||
        !readElement(p, message.end(), body))
        return {};
    QByteArray headerContent;
    const unsigned char *q = header.content;
    Element field;
    while (q < header.end()) {
        if (!readElement(q, header.end(), field))
            return {};
        if (!(field.cls == V_ASN1_CONTEXT_SPECIFIC && field.tag == 1))
            headerContent += bytes(field.start, field.end());
    }
    // Whatever follows the body is protection or extraCerts: none of it is kept.
    return derElement(V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
                      derElement(V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, headerContent) +
                          bytes(body.start, body.end()));
}

long errorMessageCode(const QByteArray &messageDer)
{
    // PKIMessage ::= SEQUENCE { header, body [23] ErrorMsgContent, ... }
    // ErrorMsgContent ::= SEQUENCE { pKIStatusInfo, errorCode INTEGER OPTIONAL, ... }
    const auto *p = reinterpret_cast<const unsigned char *>(messageDer.constData());
    const unsigned char *limit = p + messageDer.size();
    Element message, header, body, content, status, code;
    if (!readElement(p, limit, message) || message.tag != V_ASN1_SEQUENCE)
        return -1;
    p = message.content;
    if (!readElement(p, message.end(), header) || !readElement(p, message.end(), body) ||
        body.cls != V_ASN1_CONTEXT_SPECIFIC || body.tag != 23)
        return -1;
    p = body.content;
    if (!readElement(p, body.end(), content) || content.tag != V_ASN1_SEQUENCE)
        return -1;
    p = content.content;
    if (!readElement(p, content.end(), status) || !readElement(p, content.end(), code) ||
        code.cls != V_ASN1_UNIVERSAL || code.tag != V_ASN1_INTEGER || code.length < 1 ||
        code.length > 8 || (code.content[0] & 0x80))
        return -1;
    unsigned long value = 0;
    for (long i = 0; i < code.length; ++i)
        value = (value << 8) | code.content[i];
    return long(value);
}

QByteArray templatePublicKeySpki(const OSSL_CRMF_MSG *crm)
{
    // OpenSSL 3.0 has no getter for the template's public key (3.2 adds one).
    unsigned char *der = nullptr;
    const int length = i2d_OSSL_CRMF_CERTTEMPLATE(OSSL_CRMF_MSG_get0_tmpl(crm), &der);
    QByteArray spki;
    if (length > 0)
        spki = templatePublicKeySpki(QByteArray(reinterpret_cast<const char *>(der), length));
    OPENSSL_free(der);
    return spki;
}

QVector<QByteArray> extraCertsDer(const QByteArray &messageDer)
{
    // PKIMessage ::= SEQUENCE { header, body, protection [0] OPTIONAL, extraCerts [1] OPTIONAL }
    // extraCerts are not visible to the 3.0 server callbacks, so they are read from the DER.
    QVector<QByteArray> certs;
    const auto *p = reinterpret_cast<const unsigned char *>(messageDer.constData());
    const unsigned char *limit = p + messageDer.size();
    Element message;
    if (!readElement(p, limit, message) || message.tag != V_ASN1_SEQUENCE)
        return certs;
    p = message.content;
    Element field;
    while (p < message.end() && readElement(p, message.end(), field)) {
        if (field.cls != V_ASN1_CONTEXT_SPECIFIC || field.tag != 1)
            continue;
        const unsigned char *q = field.content;
        Element sequence;
        if (!readElement(q, field.end(), sequence))
            break;
        q = sequence.content;
        Element cert;
        while (q < sequence.end() && readElement(q, sequence.end(), cert))
            certs << bytes(cert.start, cert.end());
    }
    return certs;
}

QByteArray withoutExtraCerts(const QByteArray &messageDer)
{
    const auto *p = reinterpret_cast<const unsigned char *>(messageDer.constData());
    const unsigned char *limit = p + messageDer.size();
    Element message;
    if (!readElement(p, limit, message) || message.tag != V_ASN1_SEQUENCE || p != limit)
        return {};
    QByteArray content;
    bool dropped = false;
    p = message.content;
    Element field;
    while (p < message.end()) {
        if (!readElement(p, message.end(), field))
            return {};
        if (field.cls == V_ASN1_CONTEXT_SPECIFIC && field.tag == 1)
            dropped = true;
        else
            content += bytes(field.start, field.end());
    }
    if (!dropped)
        return {};
    return derElement(V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, content);
}

QByteArray derElement(unsigned char tag, const QByteArray &content)
{
    QByteArray out(1, char(tag));
    const int length = int(content.size());
    if (length < 0x80) {
        out += char(length);
    } else {
        QByteArray digits;
        for (int n = length; n > 0; n >>= 8)
            digits.prepend(char(n & 0xff));
        out += char(0x80 | digits.size());
        out += digits;
    }
    return out + content;
}

} // namespace kk::ra
