#include "keykiosk/enroll/lifecycle.h"

#include <algorithm>
#include <iterator>

namespace kk {

namespace {
const char kPendingPrefix[] = "kk-pending ";
const char kAcceptedPrefix[] = "kk-accepted ";
const char kRefusedPrefix[] = "kk-refused ";
const char kArchivedPrefix[] = "archived ";

const struct
{
    KeyLifecycle state;
    const char *name;
    bool stable;
    KeyLifecycle resumeAt;
} kStates[] = {
    {KeyLifecycle::NeedKey, "need-key", true, KeyLifecycle::NeedKey},
    {KeyLifecycle::GeneratingKey, "generating-key", false, KeyLifecycle::NeedKey},
    {KeyLifecycle::HavePendingKey, "have-pending-key", true, KeyLifecycle::HavePendingKey},
    {KeyLifecycle::Submitting, "submitting", false, KeyLifecycle::HavePendingKey},
    {KeyLifecycle::WithBank, "with-bank", true, KeyLifecycle::WithBank},
    {KeyLifecycle::HaveCertificate, "have-certificate", true, KeyLifecycle::HaveCertificate},
    {KeyLifecycle::Confirming, "confirming", false, KeyLifecycle::HaveCertificate},
    {KeyLifecycle::Done, "done", true, KeyLifecycle::Done},
    {KeyLifecycle::Refused, "refused", true, KeyLifecycle::Refused},
};
static_assert(sizeof(kStates) / sizeof(*kStates) == int(KeyLifecycle::Refused) + 1,
              "one row per lifecycle state, in order");

const auto &row(KeyLifecycle state)
{
    return kStates[int(state)];
}
} // namespace

QString lifecycleName(KeyLifecycle state)
{
    return QString::fromLatin1(row(state).name);
}

std::optional<KeyLifecycle> lifecycleFromName(const QString &name)
{
    for (const auto &r : kStates) {
        if (name == QLatin1String(r.name))
            return r.state;
    }
    return std::nullopt;
}

bool isStable(KeyLifecycle state)
{
    return row(state).stable;
}

KeyLifecycle lastStable(KeyLifecycle state)
{
    return row(state).resumeAt;
}

QByteArray initialProfileId()
{
    return QByteArray(1, '\0');
}

bool isInitialProfile(const QByteArray &profileKeyId)
{
    return profileKeyId == initialProfileId();
}

QString pendingKeyLabel(const QByteArray &currentKeyId)
{
    return QLatin1String(kPendingPrefix) + QString::fromLatin1(currentKeyId.toHex());
}

QString acceptedKeyLabel(const QByteArray &currentKeyId)
{
    return QLatin1String(kAcceptedPrefix) + QString::fromLatin1(currentKeyId.toHex());
}

QString refusedKeyLabel(const QByteArray &currentKeyId)
{
    return QLatin1String(kRefusedPrefix) + QString::fromLatin1(currentKeyId.toHex());
}

QString archivedLabel(const QString &label, const QDate &date)
{
    return QLatin1String(kArchivedPrefix) + date.toString(Qt::ISODate) + QLatin1Char(' ') + label;
}

bool isArchivedLabel(const QString &label)
{
    return label.startsWith(QLatin1String(kArchivedPrefix));
}

bool isAcceptedLabel(const QString &label)
{
    return label.startsWith(QLatin1String(kAcceptedPrefix));
}

bool isRefusedLabel(const QString &label)
{
    return label.startsWith(QLatin1String(kRefusedPrefix));
}

bool isLifecycleLabel(const QString &label)
{
    return !renewedKeyIdIn(label).isEmpty();
}

bool bankHeardOf(KeyLifecycle state)
{
    switch (state) {
    case KeyLifecycle::WithBank:
    case KeyLifecycle::HaveCertificate:
    case KeyLifecycle::Confirming:
    case KeyLifecycle::Done:
    case KeyLifecycle::Refused:
        return true;
    default:
        return false;
    }
}

bool newKeyUnderWay(KeyLifecycle state)
{
    switch (state) {
    case KeyLifecycle::HavePendingKey:
    case KeyLifecycle::Submitting:
    case KeyLifecycle::WithBank:
    case KeyLifecycle::HaveCertificate:
    case KeyLifecycle::Confirming:
        return true;
    default:
        return false;
    }
}

bool picksUp(KeyLifecycle state)
{
    return bankHeardOf(state) && state != KeyLifecycle::Refused;
}

QByteArray renewedKeyIdIn(const QString &label)
{
    for (const char *prefix : {kPendingPrefix, kAcceptedPrefix, kRefusedPrefix}) {
        if (label.startsWith(QLatin1String(prefix)))
            return QByteArray::fromHex(label.mid(int(qstrlen(prefix))).toLatin1());
    }
    return {};
}

RenewalFacts renewalFacts(const QVector<TokenKeyEntry> &entries, const QByteArray &currentKeyId)
{
    RenewalFacts facts;
    facts.currentKeyId = currentKeyId;
    // The best candidate for the new key: one with its certificate, then an accepted one,
    // then a pending one, then a refused one (a refusal is final, and a request made after
    // it is the renewal under way). Anything else labelled for this profile is a stray. A
    // refusal on either half counts: the halves are relabelled one after the other.
    auto refused = [](const TokenKeyEntry &e) {
        return std::any_of(e.keyLabels.begin(), e.keyLabels.end(), isRefusedLabel) ||
               isRefusedLabel(e.label);
    };
    auto rank = [&refused](const TokenKeyEntry &e) {
        return !e.certificateDer.isEmpty() ? 4 : refused(e) ? 1 : isAcceptedLabel(e.label) ? 3 : 2;
    };
    const TokenKeyEntry *best = nullptr;
    QVector<const TokenKeyEntry *> candidates;
    for (const TokenKeyEntry &entry : entries) {
        if (entry.id == currentKeyId && !entry.certificateDer.isEmpty()) {
            facts.currentCertificate = true;
            facts.currentArchived = isArchivedLabel(entry.certificateLabel);
            facts.currentLabel = entry.certificateLabel;
            continue;
        }
        const QString marker =
            entry.certificateDer.isEmpty() ? entry.label : entry.certificateLabel;
        if (entry.id == currentKeyId || renewedKeyIdIn(marker) != currentKeyId ||
            !(entry.hasPrivateKey || entry.hasPublicKey))
            continue;
        candidates << &entry;
        if (!best || rank(entry) > rank(*best))
            best = &entry;
    }
    if (facts.currentArchived) // "archived <date> <label>": the label the new key set takes
        facts.currentLabel = facts.currentLabel.section(QLatin1Char(' '), 2);
    if (!best)
        return facts;
    facts.newKeyId = best->id;
    facts.newKeyRefused = rank(*best) == 1;
    facts.newKeyAccepted =
        !facts.newKeyRefused && (isAcceptedLabel(best->label) || !best->certificateDer.isEmpty());
    facts.newCertificateDer = best->certificateDer;
    for (const TokenKeyEntry *candidate : candidates) {
        if (candidate != best)
            facts.strayKeyIds << candidate->id;
    }
    return facts;
}

KeyLifecycle lifecycleOnToken(const RenewalFacts &facts)
{
    if (facts.newKeyId.isEmpty()) // renewed and archived (or deleted): done; else nothing yet
        return facts.currentArchived ||
                       (!facts.currentCertificate && !isInitialProfile(facts.currentKeyId))
                   ? KeyLifecycle::Done
                   : KeyLifecycle::NeedKey;
    if (!facts.newCertificateDer.isEmpty())
        return KeyLifecycle::HaveCertificate;
    if (facts.newKeyRefused)
        return KeyLifecycle::Refused;
    return facts.newKeyAccepted ? KeyLifecycle::WithBank : KeyLifecycle::HavePendingKey;
}

Reconciliation reconcile(const RenewalFacts &token, std::optional<KeyLifecycle> journal)
{
    Reconciliation result;
    result.lifecycle = lifecycleOnToken(token);
    // The old key set goes only after the bank confirmed: archived (or deleted) means confirmed.
    // A first key has no old set: the bank is asked again.
    result.bankConfirmed = token.currentArchived ||
                           (!token.currentCertificate && !isInitialProfile(token.currentKeyId));
    if (!journal)
        return result;
    const KeyLifecycle recorded = lastStable(*journal);
    // A first key in operation carries no mark of its renewal any more: the journal remembers.
    if (recorded == KeyLifecycle::Done && result.lifecycle == KeyLifecycle::NeedKey &&
        isInitialProfile(token.currentKeyId))
        result.lifecycle = KeyLifecycle::Done;
    if (recorded == result.lifecycle)
        return result;
    result.journalStale = true;
    // The token decides; the note says what the difference means for staff reading the log.
    if (result.lifecycle == KeyLifecycle::NeedKey && recorded != KeyLifecycle::Done)
        result.note = QStringLiteral("the journal said %1 but the token has no new key for this "
                                     "profile (refused and dropped elsewhere, or removed)")
                          .arg(lifecycleName(recorded));
    else if (int(result.lifecycle) > int(recorded))
        result.note = QStringLiteral("the token is further than the journal (%1 -> %2): the "
                                     "kiosk stopped before it could record the step")
                          .arg(lifecycleName(recorded), lifecycleName(result.lifecycle));
    else
        result.note = QStringLiteral("the journal said %1, the token shows %2")
                          .arg(lifecycleName(recorded), lifecycleName(result.lifecycle));
    return result;
}

} // namespace kk
