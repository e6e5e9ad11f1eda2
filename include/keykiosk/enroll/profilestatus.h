#pragma once
// The seeds' key-set statuses and the rules that derive them from what is on the token
// (and, from the enrollment issue on, from the bank's answers).

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/expected.h"
#include "keykiosk/token/tokentypes.h"

#include "keykiosk/enums.h"
#include <QDateTime>
#include <QMap>
#include <QObject>
#include <QStringList>

namespace kk {

// Statuses after which the client must act (the banner on the token screen).
bool isCritical(ProfileStatus status);
// The seeds' wording, translated ("Statuses" context).
QString statusText(ProfileStatus status);

struct StatusPolicy
{
    int renewalWindowDays = 30;
    // Certificate policy the bank puts on keys it made at the office ("первичная").
    // A UUID-based OID (X.667) so that no registered arc is squatted; banks configure theirs.
    QString initialIssuePolicyOid = QStringLiteral("2.25.238530536994163958611766064532795184781");
};

// The "Параметры подписи" of one certificate, plus what the status rules need.
struct CertificateProfile
{
    QString profileName; // Наименование профиля: the certificate's label on the token, else CN
    QString ownerName;    // CN
    QString organization; // O
    QString title;        // the owner's title, where the certificate has one
    QString identifier;   // Идентификатор: the subject UID, else the serial number
    QString cryptography; // Криптография: algorithm and parameters, e.g. "ECDSA P-256"
    QString keyTypeText;  // Тип ключа: working key ("рабочий")
    QDateTime validFrom;
    QDateTime validTo;
    QString serialHex;
    QString issuer;
    QMap<QString, QString> identifiers; // INN, OGRN, SNILS, ... by short name
    QStringList policyOids;
    QByteArray subjectKeyId;
};

Expected<CertificateProfile> parseCertificate(const QByteArray &der,
                                              const QString &tokenLabel = {});

ProfileStatus deriveStatus(const CertificateProfile &profile, const QDateTime &now,
                           const StatusPolicy &policy);
int daysLeft(const CertificateProfile &profile, const QDateTime &now);

// One row of the seeds' profile table: one profile (a key set) on a token.
struct TokenProfile
{
    TokenKeyEntry entry;            // the certificate shown: the current one, or the new one
                                    // once the old key set is archived
    CertificateProfile certificate; // parsed from entry.certificateDer
    ProfileStatus status = ProfileStatus::InitialGenerationNeeded;
    Error error; // CertificateUnparseable when the certificate could not be read
    // The renewal under way for this profile, as the token shows it. renewal.currentKeyId
    // names the profile for the journal and the journey (it stays the old key's id until
    // the new key set is in operation).
    RenewalFacts renewal;
    KeyLifecycle lifecycle = KeyLifecycle::NeedKey;
    // The bank's reason for a refusal, where this kiosk's journal kept it (the token keeps
    // only that it was refused; the bank says why again when asked with the same key).
    QString bankReason;
};

struct TokenSnapshot
{
    TokenInfo token;
    QVector<TokenProfile> profiles;
    Error error;
};

// Builds the profile table from the token's objects. A token with no certificate yields a
// single "initial generation needed" row; an unreadable certificate yields a row with an
// error, so one bad object never hides the others.
QVector<TokenProfile> deriveProfiles(const QVector<TokenKeyEntry> &entries, const QDateTime &now,
                                     const StatusPolicy &policy);

} // namespace kk

Q_DECLARE_METATYPE(kk::TokenSnapshot)
