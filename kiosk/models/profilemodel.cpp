#include "profilemodel.h"

#include "keykiosk/languagetext.h"

#include <QCoreApplication>

namespace kk {

namespace {
QString seedDate(const QDateTime &date)
{
    // The seeds show dates as 11.11.2013.
    return date.isValid() ? date.toLocalTime().toString(QStringLiteral("dd.MM.yyyy")) : QString();
}
} // namespace

void ProfileModel::setProfiles(const QVector<TokenProfile> &profiles)
{
    beginResetModel();
    m_profiles = profiles;
    endResetModel();
    emit countChanged();
}

bool ProfileModel::hasCritical() const
{
    for (const TokenProfile &profile : m_profiles) {
        if (isCritical(profile.status) || profile.error.code == ErrorCode::CertificateUnparseable)
            return true;
    }
    return false;
}

void ProfileModel::retranslate()
{
    if (!m_profiles.isEmpty())
        emit dataChanged(index(0), index(m_profiles.size() - 1));
}

int ProfileModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_profiles.size();
}

QVariant ProfileModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_profiles.size())
        return {};
    const TokenProfile &profile = m_profiles.at(index.row());
    const CertificateProfile &cert = profile.certificate;
    const bool unreadable = profile.error.code == ErrorCode::CertificateUnparseable;
    switch (role) {
    case ProfileNameRole:
        return cert.profileName;
    case OwnerRole:
        return cert.organization.isEmpty()
                   ? cert.ownerName
                   : cert.ownerName + QStringLiteral(", ") + cert.organization;
    case OrganizationRole:
        return cert.organization;
    case IdentifierRole:
        return cert.identifier;
    case CryptographyRole:
        return cert.cryptography;
    case KeyTypeRole:
        return cert.keyTypeText;
    case ValidFromRole:
        return seedDate(cert.validFrom);
    case ValidToRole:
        return seedDate(cert.validTo);
    case StatusRole:
        return QVariant::fromValue(profile.status);
    case StatusTextRole:
        return unreadable ? QCoreApplication::translate("Statuses",
                                                        "certificate unreadable: see the staff")
                          : statusText(profile.status);
    case CriticalRole:
        return unreadable || isCritical(profile.status);
    case ErrorTextRole:
        return profile.error ? clientMessage(profile.error.code) : QString();
    case BankReasonRole:
        return textInUiLanguage(profile.bankReason);
    default:
        return {};
    }
}

QHash<int, QByteArray> ProfileModel::roleNames() const
{
    return {{ProfileNameRole, "profileName"},
            {OwnerRole, "owner"},
            {OrganizationRole, "organization"},
            {IdentifierRole, "identifier"},
            {CryptographyRole, "cryptography"},
            {KeyTypeRole, "keyType"},
            {ValidFromRole, "validFrom"},
            {ValidToRole, "validTo"},
            {StatusRole, "status"},
            {StatusTextRole, "statusText"},
            {CriticalRole, "critical"},
            {ErrorTextRole, "errorText"},
            {BankReasonRole, "bankReason"}};
}

QVariantMap ProfileModel::get(int row) const
{
    QVariantMap map;
    if (row < 0 || row >= m_profiles.size())
        return map;
    const QHash<int, QByteArray> names = roleNames();
    for (auto it = names.cbegin(); it != names.cend(); ++it)
        map.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return map;
}

} // namespace kk
