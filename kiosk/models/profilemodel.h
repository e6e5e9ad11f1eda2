#pragma once
// The seeds' profile table (Абонент, Идентификатор, Криптография, Статус) for QML.

#include "keykiosk/enroll/profilestatus.h"

#include <QAbstractListModel>

namespace kk {

class ProfileModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool hasCritical READ hasCritical NOTIFY countChanged)
public:
    enum Role
    {
        ProfileNameRole = Qt::UserRole + 1,
        OwnerRole,
        OrganizationRole,
        IdentifierRole,
        CryptographyRole,
        KeyTypeRole,
        ValidFromRole,
        ValidToRole,
        StatusRole,
        StatusTextRole,
        CriticalRole,
        ErrorTextRole,
        BankReasonRole, // a refusal's reason, where the kiosk kept it
    };
    Q_ENUM(Role)

    using QAbstractListModel::QAbstractListModel;

    void setProfiles(const QVector<TokenProfile> &profiles);
    const QVector<TokenProfile> &profiles() const { return m_profiles; }
    bool hasCritical() const;
    // The row's roles by name, for the parameters panel.
    Q_INVOKABLE QVariantMap get(int row) const;
    // Texts depend on the UI language.
    void retranslate();

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

signals:
    void countChanged();

private:
    QVector<TokenProfile> m_profiles;
};

} // namespace kk
