#include "keykiosk/journey/sitting.h"

#include "keykiosk/journey/eligibility.h"

#include <QRandomGenerator>

namespace kk {

Organization Organization::of(const CertificateProfile &certificate)
{
    return {certificate.organization, certificate.identifiers.value(QStringLiteral("INN"))};
}

bool Organization::matches(const CertificateProfile &certificate) const
{
    const Organization other = of(certificate);
    if (!inn.isEmpty() && !other.inn.isEmpty())
        return inn == other.inn;
    return !name.isEmpty() && name == other.name;
}

QString Sitting::newId(const QDateTime &now)
{
    return QStringLiteral("S-%1-%2")
        .arg(now.toUTC().toString(QStringLiteral("yyyyMMdd")))
        .arg(QRandomGenerator::system()->bounded(0x10000), 4, 16, QLatin1Char('0'))
        .toUpper();
}

int Sitting::indexOf(const QString &tokenSerial, const QByteArray &profileKeyId) const
{
    for (int i = 0; i < signers.size(); ++i) {
        if (signers[i].tokenSerial == tokenSerial && signers[i].profileKeyId == profileKeyId)
            return i;
    }
    return -1;
}

SignerStatus signerStatusFor(const TokenProfile &profile, PinState pinState, const QDateTime &now,
                             SignerStatus before)
{
    // What this sitting saw happen stays true while the token agrees; the token itself keeps
    // a refusal until a new request.
    if ((before == SignerStatus::SignerRefused && profile.lifecycle == KeyLifecycle::NeedKey) ||
        profile.lifecycle == KeyLifecycle::Refused)
        return SignerStatus::SignerRefused;
    if (profile.lifecycle == KeyLifecycle::WithBank)
        return SignerStatus::SignerWithBank;
    // In operation: renewed in this sitting, or nothing to do (an unscheduled renewal is the
    // client's own business at the token screen, not the sitting's).
    if (profile.status == ProfileStatus::InOperation && !profile.error &&
        profile.lifecycle == KeyLifecycle::NeedKey && pinState != PinState::Locked)
        return before == SignerStatus::SignerCertificateReceived
                   ? SignerStatus::SignerCertificateReceived
                   : SignerStatus::SignerNothingToDo;
    const RenewalAction action = offerFor({&profile, pinState, now});
    switch (action) {
    case RenewalAction::SeeStaff:
        return SignerStatus::SignerNeedsStaff;
    case RenewalAction::Renew:
    case RenewalAction::PickUp:
    case RenewalAction::NewRequest:
        return SignerStatus::SignerReady;
    case RenewalAction::NoAction:
        break;
    }
    return before == SignerStatus::SignerCertificateReceived
               ? SignerStatus::SignerCertificateReceived
               : SignerStatus::SignerNothingToDo;
}

Sitting::Admission Sitting::admit(const TokenInfo &token, const QVector<TokenProfile> &profiles,
                                  const QDateTime &now)
{
    bool any = false, known = false;
    for (const TokenProfile &profile : profiles) {
        if (profile.entry.certificateDer.isEmpty() || !profile.certificate.validFrom.isValid())
            continue; // no (readable) certificate: nothing says whose it is
        if (!organization.matches(profile.certificate))
            continue;
        any = true;
        int index = indexOf(token.serial, profile.renewal.currentKeyId);
        if (index < 0 && !profile.certificate.identifier.isEmpty()) {
            // Renewed since: a new key set, the same signer (the certificate's identifier).
            for (int i = 0; i < signers.size(); ++i) {
                if (signers[i].tokenSerial == token.serial &&
                    signers[i].identifier == profile.certificate.identifier)
                    index = i;
            }
            if (index >= 0)
                signers[index].profileKeyId = profile.renewal.currentKeyId;
        }
        if (index >= 0) {
            known = true;
            SittingSigner &signer = signers[index];
            signer.status = signerStatusFor(profile, token.pinState, now, signer.status);
            continue;
        }
        SittingSigner signer;
        signer.tokenSerial = token.serial;
        signer.profileKeyId = profile.renewal.currentKeyId;
        signer.owner = profile.certificate.ownerName;
        signer.title = profile.certificate.title;
        signer.identifier = profile.certificate.identifier;
        signer.status = signerStatusFor(profile, token.pinState, now, SignerStatus::SignerReading);
        signers << signer;
    }
    if (!any)
        return Admission::OtherOrganization;
    return known ? Admission::SameSigner : Admission::Joined;
}

void Sitting::tokenLeft(const QString &tokenSerial)
{
    for (SittingSigner &signer : signers) {
        if (signer.tokenSerial != tokenSerial)
            continue;
        switch (signer.status) {
        case SignerStatus::SignerReading:
        case SignerStatus::SignerReady:
        case SignerStatus::SignerRenewing: // the journey ended with the token: they start again
            signer.status = SignerStatus::SignerWaitingForToken;
            break;
        default:
            break; // with the bank, received, refused, needs staff: that stays on the board
        }
    }
}

int Sitting::settled() const
{
    int n = 0;
    for (const SittingSigner &signer : signers)
        n += signer.status == SignerStatus::SignerCertificateReceived ||
             signer.status == SignerStatus::SignerWithBank ||
             signer.status == SignerStatus::SignerNothingToDo;
    return n;
}

} // namespace kk
