#pragma once
// The new key's lifecycle on the token, certmonger's way (docs/architecture.md, "The key
// lifecycle"): need key -> generating key -> have pending key -> submitting -> with the bank
// -> have certificate -> confirming -> done. The stable points are journalled; an in-flight
// state is never written down, so a restart finds the last stable point, and reconcile()
// checks it against the token, which holds the truth about keys and certificates. The bank
// holds the truth about the request: the journey asks it again, idempotently.
//
// The token carries the lifecycle in CKA_LABEL, readable without the PIN (public objects):
//   new key pair      "kk-pending <current id>"   generated, the bank has not answered yet
//                     "kk-accepted <current id>"  the bank answered "waiting" («принят банком»)
//                     "kk-refused <current id>"   the bank refused it («получен отказ»): kept as
//                     the
//                                                 token's record of the refusal until the client
//                                                 starts a new request, which removes it
//   new certificate   "kk-accepted <current id>"  written inside certConf, not yet in operation
//   old key set       "archived <date> <label>"   only after the bank confirmed the new one
//   new key set       <the profile's label>       in operation: the renewal is done

#include "keykiosk/token/tokentypes.h"

#include <QDate>

#include <optional>

namespace kk {

enum class KeyLifecycle
{
    NeedKey,         // stable: no new key on the token (a renewal starts by drawing)
    GeneratingKey,   // in flight -> NeedKey
    HavePendingKey,  // stable: a new key the bank has not acknowledged
    Submitting,      // in flight -> HavePendingKey
    WithBank,        // stable: the bank holds the request («принят банком»)
    HaveCertificate, // stable: the new certificate is on the token next to the new key
    Confirming,      // in flight -> HaveCertificate (the bank hears "accepted", keys switch)
    Done,            // stable: the bank confirmed, the old key is archived, the new one works
    // stable: the bank refused the new key; it stays, labelled, until a new request removes it
    // (the seeds' «получен отказ в регистрации»)
    Refused,
};

QString lifecycleName(KeyLifecycle state); // "have-pending-key": the journal's spelling
std::optional<KeyLifecycle> lifecycleFromName(const QString &name);
bool isStable(KeyLifecycle state);
// Where a restart resumes from: an in-flight state falls back to the stable point before it.
KeyLifecycle lastStable(KeyLifecycle state);

// A token with no certificate yet (a first key, a replacement token) renews no key of its
// own: its renewal is named by this id ("kk-pending 00"), which no key on a token has.
QByteArray initialProfileId();
bool isInitialProfile(const QByteArray &profileKeyId);

QString pendingKeyLabel(const QByteArray &currentKeyId);
QString acceptedKeyLabel(const QByteArray &currentKeyId);
QString refusedKeyLabel(const QByteArray &currentKeyId);
QString archivedLabel(const QString &label, const QDate &date);
bool isArchivedLabel(const QString &label);
// The current key id a lifecycle label names ("kk-accepted 01" -> 01), or empty.
QByteArray renewedKeyIdIn(const QString &label);
bool isAcceptedLabel(const QString &label);
bool isRefusedLabel(const QString &label);
// A label the kiosk's lifecycle wrote on a new key (pending, accepted, refused).
bool isLifecycleLabel(const QString &label);
// The bank holds the request (or held it: a refusal is its answer), as far as the lifecycle
// says: with the bank, a certificate on the token, confirmed, refused.
bool bankHeardOf(KeyLifecycle state);
// A new key on the token that is still being renewed (pending .. confirming).
bool newKeyUnderWay(KeyLifecycle state);
// A returning client picks up where the bank is: no explanation, no drawing.
bool picksUp(KeyLifecycle state);

// What the token holds about the renewal of one profile, named by its current key id.
struct RenewalFacts
{
    QByteArray currentKeyId;
    bool currentCertificate = false; // the profile's certificate is on the token
    bool currentArchived = false;    // ... archived: the bank confirmed the new one
    QByteArray newKeyId;             // the new key pair (pending or accepted label), if any
    bool newKeyAccepted = false;     // the bank answered "waiting" for it
    bool newKeyRefused = false;      // the bank refused it (either half labelled refused)
    QByteArray newCertificateDer;    // written next to the new key inside certConf
    QString currentLabel;            // the profile's label, which the new key set takes over
    // Other keys labelled for this profile: left by an older version or a crash inside key
    // generation. The renewal removes them (after the PIN), so none is left an orphan.
    QVector<QByteArray> strayKeyIds;
};

// From the token's objects. Labels of public objects suffice, so the table of profiles can
// show the lifecycle before the PIN is entered.
RenewalFacts renewalFacts(const QVector<TokenKeyEntry> &entries, const QByteArray &currentKeyId);

// The lifecycle the token proves, whatever a journal says.
KeyLifecycle lifecycleOnToken(const RenewalFacts &facts);

struct Reconciliation
{
    KeyLifecycle lifecycle = KeyLifecycle::NeedKey;
    bool bankConfirmed = false; // the token shows the bank confirmed (old key archived)
    bool journalStale = false;  // the journal said otherwise: corrected, and the reason logged
    QString note;               // for the log
};

// The rules table of docs/architecture.md ("Reconciliation after a restart"): the journal's
// last stable point, checked against the token.
Reconciliation reconcile(const RenewalFacts &token, std::optional<KeyLifecycle> journal);

} // namespace kk

Q_DECLARE_METATYPE(kk::KeyLifecycle)
