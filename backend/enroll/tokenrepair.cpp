#include "keykiosk/enroll/tokenrepair.h"

#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/logging.h"

#include <algorithm>

namespace kk {

namespace {

QString hex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

QString className(CK_OBJECT_CLASS cls)
{
    switch (cls) {
    case CKO_PRIVATE_KEY:
        return QStringLiteral("private key");
    case CKO_PUBLIC_KEY:
        return QStringLiteral("public key");
    case CKO_CERTIFICATE:
        return QStringLiteral("certificate");
    default:
        return QStringLiteral("object");
    }
}

bool anyLabel(const KeyPair &pair, bool (*test)(const QString &))
{
    const auto objects = pair.objects();
    return std::any_of(objects.begin(), objects.end(),
                       [test](const TokenObject *o) { return test(o->label); });
}

RepairAction destroy(const TokenObject &object, const QString &why)
{
    RepairAction action;
    action.kind = RepairAction::Kind::Destroy;
    action.object = object;
    action.why = why;
    return action;
}

// The halves of a set that cannot sign any more: certificates first, the public key last, so
// that a kill in between leaves the same kind of leftover, which the next plan removes.
void destroyRemains(const KeyPair &pair, const QString &why, RepairPlan &plan)
{
    for (const TokenObject &certificate : pair.certificates)
        plan.actions << destroy(certificate, why);
    if (pair.publicKey)
        plan.actions << destroy(*pair.publicKey, why);
}

} // namespace

RepairPlan planRepairs(const QVector<KeyPair> &pairs)
{
    RepairPlan plan;
    // A private key no public key verified, and whose own key could not be recovered, might
    // still be the partner of a public half alone: then no public half is removed.
    const bool privateKeyUnknown = std::any_of(pairs.begin(), pairs.end(), [](const KeyPair &p) {
        return p.privateKey && p.spki.isEmpty();
    });
    for (const KeyPair &pair : pairs) {
        const bool ours = anyLabel(pair, isLifecycleLabel);
        if (!ours) {
            // An archived set whose deletion was interrupted (the private key goes first).
            if (anyLabel(pair, isArchivedLabel) && !pair.privateKey)
                destroyRemains(pair,
                               QStringLiteral("left by an interrupted deletion of an archived "
                                              "key set (its private key is gone)"),
                               plan);
            continue;
        }
        if (!pair.privateKey && privateKeyUnknown) {
            plan.kept << QStringLiteral("a new key's public half '%1' (id %2) has no private key "
                                        "it pairs with, but a private key on the token could not "
                                        "be paired: kept")
                             .arg(pair.publicKey ? pair.publicKey->label : QString(),
                                  hex(pair.publicKey ? pair.publicKey->id : QByteArray()));
            continue;
        }
        if (!pair.privateKey) {
            destroyRemains(pair,
                           QStringLiteral("a new key's public half alone: its private key is "
                                          "gone, nothing can sign for it"),
                           plan);
            continue;
        }
        if (pair.spki.isEmpty()) {
            plan.kept << QStringLiteral("private key %1 ('%2') has no public half and its public "
                                        "key cannot be recovered: kept for staff")
                             .arg(hex(pair.privateKey->id), pair.privateKey->label);
            continue;
        }
        const QByteArray id = pair.keyId();
        if (!pair.publicKey) { // the key is known: from its material (RSA) or recovered (EC)
            RepairAction action;
            action.kind = RepairAction::Kind::CreatePublicKey;
            action.object = *pair.privateKey;
            action.id = id;
            action.spki = pair.spki;
            action.label = pair.privateKey->label;
            action.why = pair.publicKeyRecovered
                             ? QStringLiteral("the private key's public half was missing: written "
                                              "again from the key recovered from its signatures")
                             : QStringLiteral("the private key's public half was missing: written "
                                              "again from the private key's public material");
            plan.actions << action;
        }
        const bool split = pair.publicKey && pair.publicKey->id != pair.privateKey->id;
        for (const TokenObject *object : pair.objects()) {
            if (object->id == id)
                continue;
            RepairAction action;
            action.kind = RepairAction::Kind::SetId;
            action.object = *object;
            action.id = id;
            action.why = split ? QStringLiteral("the pair's halves had different ids (split "
                                                "during key generation)")
                               : QStringLiteral("a provisional id: not the SHA-1 of the public "
                                                "key");
            plan.actions << action;
        }
    }
    return plan;
}

Error carryOut(TokenSession &session, const RepairPlan &plan)
{
    for (const QString &kept : plan.kept)
        qCWarning(lcToken).noquote() << kept;
    for (const RepairAction &action : plan.actions) {
        Error error;
        switch (action.kind) {
        case RepairAction::Kind::SetId:
            qCWarning(lcToken).noquote()
                << QStringLiteral("repair: %1 '%2' id %3 -> %4: %5")
                       .arg(className(action.object.objectClass), action.object.label,
                            hex(action.object.id), hex(action.id), action.why);
            error = setObjectId(session, action.object, action.id);
            break;
        case RepairAction::Kind::CreatePublicKey:
            qCWarning(lcToken).noquote()
                << QStringLiteral("repair: public key '%1' id %2 written: %3")
                       .arg(action.label, hex(action.id), action.why);
            error = createPublicKeyObject(session, action.spki, action.id, action.label);
            break;
        case RepairAction::Kind::Destroy:
            qCWarning(lcToken).noquote()
                << QStringLiteral("repair: %1 '%2' id %3 removed: %4")
                       .arg(className(action.object.objectClass), action.object.label,
                            hex(action.object.id), action.why);
            error = destroyObject(session, action.object);
            break;
        }
        if (error)
            return error;
    }
    return {};
}

} // namespace kk
