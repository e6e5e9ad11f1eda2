#include "keykiosk/journey/context.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/journal/journal.h"

#include <QRegularExpression>

namespace kk {

void JourneyContext::wipe()
{
    pin.reset(); // SecureBuffer wipes itself
    seed.clear();
    // The exchange goes first: it holds the session too, and may still be running on the
    // bank's thread, which then drops it when it ends.
    exchange.reset();
    renewal.reset();
    // The journey's reference to the staff session: staff mode keeps its own while it lasts.
    staff.reset();
}

JourneyContext contextFor(const TokenInfo &token, const TokenProfile &profile, Journal *journal)
{
    JourneyContext context;
    context.token = token;
    context.profileKeyId = profile.renewal.currentKeyId;
    context.owner = profile.certificate.ownerName;
    context.identifier = profile.certificate.identifier;
    context.pinState = token.pinState;
    context.lifecycle = profile.lifecycle;
    context.bankConfirmed = profile.renewal.currentArchived;
    context.newKeyId = profile.renewal.newKeyId;
    if (journal) {
        auto entry = journal->find(token.serial, context.profileKeyId);
        if (entry && entry.value())
            context.requestNumber = entry.value()->requestNumber;
    }
    return context;
}

RenewalAftermath aftermathOf(const JourneyContext &context, bool journalHolds)
{
    if (context.bankConfirmed && !context.newKeyId.isEmpty() &&
        context.lifecycle != KeyLifecycle::Done)
        return RenewalAftermath::AftermathSwitchPending;
    switch (context.lifecycle) {
    case KeyLifecycle::GeneratingKey:
        return RenewalAftermath::AftermathNewKeyUncertain;
    case KeyLifecycle::HavePendingKey:
    case KeyLifecycle::Submitting:
        return RenewalAftermath::AftermathNewKeyKept;
    case KeyLifecycle::WithBank:
        return journalHolds ? RenewalAftermath::AftermathRequestKept
                            : RenewalAftermath::AftermathBankHoldsRequest;
    case KeyLifecycle::HaveCertificate:
    case KeyLifecycle::Confirming:
        return RenewalAftermath::AftermathCertificateOnToken;
    case KeyLifecycle::Done:
        return RenewalAftermath::AftermathRenewed;
    case KeyLifecycle::NeedKey:
    case KeyLifecycle::Refused:
        break;
    }
    return RenewalAftermath::AftermathNothingChanged;
}

QString requestNumberIn(const QString &bankText)
{
    // keykiosk-ra numbers its requests R-NNNNNN and names the number in its "waiting" text.
    static const QRegularExpression number(QStringLiteral("\\bR-\\d{6,}\\b"));
    return number.match(bankText).captured(0);
}

} // namespace kk
