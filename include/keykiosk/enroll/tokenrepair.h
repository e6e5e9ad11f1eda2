#pragma once
// Making the kiosk's key sets whole again after a kill between two token calls
// (docs/architecture.md, "Reconciliation after a restart"). The token's objects are paired by
// what they are (token/keypairs.h); this decides what to write, from the pairs alone:
//   - split ids (a kill between the two C_SetAttributeValue(CKA_ID) of key generation) and a
//     provisional id (a kill before the first): every object of the pair gets the SHA-1 of its
//     public key, the id the kiosk promises;
//   - a private half alone: its public key object is written again, from the public key
//     recovered from its own signatures; a private key is never removed here, and one whose
//     public key cannot be recovered is kept and logged for staff;
//   - a public half alone (its private key is truly gone: nothing can sign for it any more),
//     and the halves an interrupted deletion of an archived key set left: removed, and logged.
// Only the kiosk's own key sets are touched: those with a lifecycle label (pending, accepted,
// refused) or an archived one. Keys in operation, and anything another program wrote, stay
// as they are. The plan needs a logged-in session's view, where private keys are visible.

#include "keykiosk/token/keypairs.h"

#include <QStringList>

namespace kk {

struct RepairAction
{
    enum class Kind
    {
        SetId,           // `object` gets `id`
        CreatePublicKey, // a public key object for `spki`, with `id` and `label`
        Destroy,         // `object` goes
    };
    Kind kind = Kind::SetId;
    TokenObject object;
    QByteArray id;
    QByteArray spki;
    QString label;
    QString why; // for the log: what was wrong
};

struct RepairPlan
{
    QVector<RepairAction> actions;
    QStringList kept; // what is left alone although it is not whole, and why (for staff)
    bool isEmpty() const { return actions.isEmpty(); }
};

RepairPlan planRepairs(const QVector<KeyPair> &pairs);

// Carries the plan out in order, each step logged; stops at the first failure. Every step is
// one token call, and the plan made again after a kill at any of them finishes the rest.
Error carryOut(TokenSession &session, const RepairPlan &plan);

} // namespace kk
