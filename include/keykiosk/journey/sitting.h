#pragma once
// A signers' sitting (docs/architecture.md, "Sittings"): several signers of one organization
// renew in one visit, each with their own token in turn ("…каждым абонентом в таком же порядке
// используя для каждого абонента свой токен"). Pure data and rules: who joins (the
// organization's profiles, by INN), what each signer's status is on the board, what a token
// leaving changes. The kiosk's SittingController runs it; the journal keeps it.

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enums.h"

#include <QDateTime>
#include <QVector>

namespace kk {

struct Organization
{
    QString name; // O
    QString inn;  // the organization's INN (1.2.643.3.131.1.1)
    bool isValid() const { return !inn.isEmpty() || !name.isEmpty(); }
    // The INN decides where both have one; the name otherwise.
    bool matches(const CertificateProfile &certificate) const;
    static Organization of(const CertificateProfile &certificate);
};

struct SittingSigner
{
    QString tokenSerial;
    QByteArray profileKeyId; // the profile on the token (its current key id)
    QString owner;
    QString title;
    QString identifier;
    SignerStatus status = SignerStatus::SignerReading;
    QString reason;            // a refusal's reason, or why staff are needed
    QString requestNumber;     // the bank's, once it answered
    QByteArray certificateDer; // the new certificate, for the summary

    bool operator==(const SittingSigner &other) const
    {
        return tokenSerial == other.tokenSerial && profileKeyId == other.profileKeyId &&
               owner == other.owner && title == other.title && identifier == other.identifier &&
               status == other.status && reason == other.reason &&
               requestNumber == other.requestNumber && certificateDer == other.certificateDer;
    }
    bool operator!=(const SittingSigner &other) const { return !(*this == other); }
};

struct Sitting
{
    QString id; // "S-20261128-4F2A": the bank keeps it with each request
    Organization organization;
    QDateTime started;
    QDateTime closed; // invalid while the sitting is open
    QVector<SittingSigner> signers;

    static QString newId(const QDateTime &now);
    bool isOpen() const { return !closed.isValid(); }
    int indexOf(const QString &tokenSerial, const QByteArray &profileKeyId) const;

    enum class Admission
    {
        Joined,            // new signers (or profiles) on the board
        SameSigner,        // this token was here before: the same signer(s), statuses refreshed
        OtherOrganization, // nothing of this organization on the token: refused
    };
    // A token read for this sitting: its profiles of the organization join (or are refreshed:
    // the same token inserted again is the same signer); others are ignored.
    Admission admit(const TokenInfo &token, const QVector<TokenProfile> &profiles,
                    const QDateTime &now);
    // The signers' token left: whoever was not finished waits for their token again.
    void tokenLeft(const QString &tokenSerial);
    // How many signers are done (certificate received or with the bank) and how many in all.
    int settled() const;
};

// A signer's status from what their token shows (and what this sitting already knows of them).
SignerStatus signerStatusFor(const TokenProfile &profile, PinState pinState, const QDateTime &now,
                             SignerStatus before);

} // namespace kk
