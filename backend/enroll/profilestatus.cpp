#include "keykiosk/enroll/profilestatus.h"

#include "keykiosk/logging.h"
#include "keykiosk/opensslptr.h"
#include "keykiosk/x509text.h"

#include <QCoreApplication>
#include <QSet>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace kk {

namespace {

QString objectText(const ASN1_OBJECT *object)
{
    char buffer[128];
    OBJ_obj2txt(buffer, sizeof buffer, object, 1);
    return QString::fromLatin1(buffer);
}

QDateTime asn1Time(const ASN1_TIME *time)
{
    struct tm parts
    {
    };
    if (!ASN1_TIME_to_tm(time, &parts))
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

// Russian qualified-certificate identifiers by OID (their short names in OpenSSL differ
// between versions, so we name them ourselves).
const struct
{
    const char *oid;
    const char *name;
} kIdentifierOids[] = {
    {"1.2.643.3.131.1.1", "INN"}, {"1.2.643.100.4", "INNLE"}, {"1.2.643.100.1", "OGRN"},
    {"1.2.643.100.5", "OGRNIP"},  {"1.2.643.100.3", "SNILS"}, {"0.9.2342.19200300.100.1.1", "UID"},
};

QString cryptographyText(EVP_PKEY *key)
{
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
        char group[64] = {};
        std::size_t length = 0;
        EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &length);
        const int nid = OBJ_sn2nid(group);
        const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
        return QStringLiteral("ECDSA %1").arg(QString::fromLatin1(nist ? nist : group));
    }
    case EVP_PKEY_RSA:
        return QStringLiteral("RSA-%1").arg(EVP_PKEY_get_bits(key));
    default:
        return QString::fromLatin1(OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
    }
}

} // namespace

bool isCritical(ProfileStatus status)
{
    switch (status) {
    case ProfileStatus::InOperation:
    case ProfileStatus::AcceptedByBank:
        return false;
    default:
        return true;
    }
}

QString statusText(ProfileStatus status)
{
    switch (status) {
    case ProfileStatus::InitialGenerationNeeded:
        return QCoreApplication::translate("Statuses", "initial generation needed");
    case ProfileStatus::InOperation:
        return QCoreApplication::translate("Statuses", "in operation");
    case ProfileStatus::PrimaryRegenerationNeeded:
        return QCoreApplication::translate("Statuses", "primary regeneration needed");
    case ProfileStatus::PlannedRegenerationNeeded:
        return QCoreApplication::translate("Statuses", "planned regeneration needed");
    case ProfileStatus::AcceptedByBank:
        return QCoreApplication::translate("Statuses", "accepted by the bank");
    case ProfileStatus::NewCertificateReceived:
        return QCoreApplication::translate("Statuses", "new certificate received");
    case ProfileStatus::RegistrationRefused:
        return QCoreApplication::translate("Statuses", "registration refused");
    case ProfileStatus::Expired:
        return QCoreApplication::translate("Statuses", "expired: see the staff");
    case ProfileStatus::NotYetValid:
        return QCoreApplication::translate("Statuses", "not yet valid: see the staff");
    }
    return {};
}

Expected<CertificateProfile> parseCertificate(const QByteArray &der, const QString &tokenLabel)
{
    const auto *p = reinterpret_cast<const unsigned char *>(der.constData());
    X509Ptr cert(d2i_X509(nullptr, &p, der.size()));
    if (!cert || p != reinterpret_cast<const unsigned char *>(der.constData()) + der.size())
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("certificate of %1 bytes is not valid DER").arg(der.size()));

    CertificateProfile profile;
    const X509_NAME *subject = X509_get_subject_name(cert.get());
    for (int i = 0; i < X509_NAME_entry_count(subject); ++i) {
        const X509_NAME_ENTRY *entry = X509_NAME_get_entry(subject, i);
        const ASN1_OBJECT *object = X509_NAME_ENTRY_get_object(entry);
        const QString value = asn1Utf8(X509_NAME_ENTRY_get_data(entry));
        const int nid = OBJ_obj2nid(object);
        if (nid == NID_commonName)
            profile.ownerName = value;
        else if (nid == NID_organizationName)
            profile.organization = value;
        else if (nid == NID_title)
            profile.title = value;
        const QString oid = objectText(object);
        for (const auto &known : kIdentifierOids) {
            if (oid == QLatin1String(known.oid))
                profile.identifiers.insert(QString::fromLatin1(known.name), value);
        }
    }
    char issuer[512];
    X509_NAME_oneline(X509_get_issuer_name(cert.get()), issuer, sizeof issuer);
    profile.issuer = QString::fromUtf8(issuer);

    profile.serialHex = kk::serialHex(cert.get());
    profile.validFrom = asn1Time(X509_get0_notBefore(cert.get()));
    profile.validTo = asn1Time(X509_get0_notAfter(cert.get()));
    if (!profile.validFrom.isValid() || !profile.validTo.isValid())
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("certificate validity cannot be read"));

    EVP_PKEY *key = X509_get0_pubkey(cert.get());
    if (!key)
        return Error(ErrorCode::CertificateUnparseable,
                     QStringLiteral("certificate public key cannot be decoded"));
    profile.cryptography = cryptographyText(key);
    profile.keyTypeText = QCoreApplication::translate("Statuses", "working");

    if (const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(cert.get()))
        profile.subjectKeyId = QByteArray(
            reinterpret_cast<const char *>(ASN1_STRING_get0_data(ski)), ASN1_STRING_length(ski));

    profile.policyOids = certificatePolicies(cert.get());

    profile.identifier = profile.identifiers.value(QStringLiteral("UID"), profile.serialHex);
    profile.profileName = tokenLabel.isEmpty() ? profile.ownerName : tokenLabel;
    return profile;
}

int daysLeft(const CertificateProfile &profile, const QDateTime &now)
{
    return int(now.secsTo(profile.validTo) / 86400);
}

ProfileStatus deriveStatus(const CertificateProfile &profile, const QDateTime &now,
                           const StatusPolicy &policy)
{
    if (now >= profile.validTo)
        return ProfileStatus::Expired;
    if (now < profile.validFrom)
        return ProfileStatus::NotYetValid;
    // An office-made key must be replaced by the client before anything else.
    if (profile.policyOids.contains(policy.initialIssuePolicyOid))
        return ProfileStatus::PrimaryRegenerationNeeded;
    if (now.secsTo(profile.validTo) <= qint64(policy.renewalWindowDays) * 86400)
        return ProfileStatus::PlannedRegenerationNeeded;
    return ProfileStatus::InOperation;
}

QVector<TokenProfile> deriveProfiles(const QVector<TokenKeyEntry> &entries, const QDateTime &now,
                                     const StatusPolicy &policy)
{
    QVector<TokenProfile> profiles;
    QSet<QByteArray> liveCertificates; // ids of certificates in operation (not archived)
    for (const TokenKeyEntry &entry : entries) {
        if (!entry.certificateDer.isEmpty() && !isArchivedLabel(entry.certificateLabel) &&
            renewedKeyIdIn(entry.certificateLabel).isEmpty())
            liveCertificates.insert(entry.id);
    }
    for (const TokenKeyEntry &entry : entries) {
        if (entry.certificateDer.isEmpty())
            continue; // a key without a certificate is not a profile (a new key is a renewal's)
        if (isArchivedLabel(entry.certificateLabel))
            continue; // replaced by a renewal; kept on the token, not shown
        // A new certificate not yet in operation belongs to the profile it renews: while that
        // profile's certificate is live, the row is the old one's; once it is archived (the
        // bank confirmed), the new certificate stands for the profile until it takes its label.
        QByteArray profileKeyId = renewedKeyIdIn(entry.certificateLabel);
        if (!profileKeyId.isEmpty() && liveCertificates.contains(profileKeyId))
            continue;
        if (profileKeyId.isEmpty())
            profileKeyId = entry.id;
        TokenProfile row;
        row.entry = entry;
        row.renewal = renewalFacts(entries, profileKeyId);
        row.lifecycle = lifecycleOnToken(row.renewal);
        auto parsed = parseCertificate(entry.certificateDer, profileKeyId == entry.id
                                                                 ? entry.certificateLabel
                                                                 : row.renewal.currentLabel);
        if (!parsed) {
            row.error = parsed.error();
            row.error.detail +=
                QStringLiteral(" (object id %1, label '%2')")
                    .arg(QString::fromLatin1(entry.id.toHex()), entry.certificateLabel);
            row.certificate.profileName = entry.certificateLabel;
            qCWarning(lcStatus) << row.error.logText();
        } else {
            row.certificate = parsed.value();
            row.status = deriveStatus(row.certificate, now, policy);
            // What the renewal under way means for the seeds' status. A merely pending key
            // (the bank never answered) changes nothing.
            if (row.lifecycle == KeyLifecycle::HaveCertificate)
                row.status = ProfileStatus::NewCertificateReceived;
            else if (row.lifecycle == KeyLifecycle::WithBank &&
                     row.status != ProfileStatus::Expired)
                row.status = ProfileStatus::AcceptedByBank;
            else if (row.lifecycle == KeyLifecycle::Refused &&
                     row.status != ProfileStatus::Expired &&
                     row.status != ProfileStatus::NotYetValid)
                row.status = ProfileStatus::RegistrationRefused; // until a new request
        }
        profiles << row;
    }
    if (profiles.isEmpty()) {
        TokenProfile row; // the seeds' "необходима начальная генерация"
        row.status = ProfileStatus::InitialGenerationNeeded;
        row.error = Error(ErrorCode::NoCertificate, QStringLiteral("token holds no certificate"));
        // A first key may be under way already (staff started it on an earlier visit).
        row.renewal = renewalFacts(entries, initialProfileId());
        row.lifecycle = lifecycleOnToken(row.renewal);
        profiles << row;
    }
    return profiles;
}

} // namespace kk
