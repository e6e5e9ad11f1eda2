// Reconciliation by what the keys are (docs/architecture.md, "Key pairs by what they are"):
// pairKeys() pairs halves by their public keys whatever their ids say, and planRepairs()
// makes the kiosk's own sets whole again, one row per leftover a kill can leave. Pure: the
// token's signature test is a table here; tst_pkcs11token runs the same on SoftHSM2.
#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/enroll/tokenrepair.h"

#include <QtTest>

#include <openssl/evp.h>
#include <openssl/x509.h>

using namespace kk;

namespace {
const QByteArray kCurrent = QByteArray::fromHex("01");

QByteArray newSpki()
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    unsigned char *der = nullptr;
    const int size = i2d_PUBKEY(key, &der);
    QByteArray spki(reinterpret_cast<const char *>(der), size);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    return spki;
}

CK_OBJECT_HANDLE g_handle = 1;

TokenObject object(CK_OBJECT_CLASS cls, const QByteArray &id, const QString &label,
                   const QByteArray &spki)
{
    TokenObject o;
    o.handle = g_handle++;
    o.objectClass = cls;
    o.keyType = CKK_EC;
    o.id = id;
    o.label = label;
    if (cls != CKO_PRIVATE_KEY) // EC private keys do not show their public key on SoftHSM2
        o.spki = spki;
    return o;
}

// The token's answer to "does this private key sign for that public key": by the key it was
// made with.
struct Token
{
    QVector<TokenObject> objects;
    QHash<CK_OBJECT_HANDLE, QByteArray> madeWith;
    TokenObject add(CK_OBJECT_CLASS cls, const QByteArray &id, const QString &label,
                    const QByteArray &spki)
    {
        TokenObject o = object(cls, id, label, spki);
        if (cls == CKO_PRIVATE_KEY)
            madeWith.insert(o.handle, spki);
        objects << o;
        return o;
    }
    QVector<KeyPair> pairs(int *signatures = nullptr) const
    {
        return pairKeys(objects,
                        [this, signatures](const TokenObject &privateKey, const QByteArray &spki) {
                            if (signatures)
                                ++*signatures;
                            return madeWith.value(privateKey.handle) == spki;
                        });
    }
};

int count(const RepairPlan &plan, RepairAction::Kind kind)
{
    return int(std::count_if(plan.actions.begin(), plan.actions.end(),
                             [kind](const RepairAction &a) { return a.kind == kind; }));
}
} // namespace

class TestTokenRepair : public QObject
{
    Q_OBJECT
private slots:
    void halvesArePairedByTheirKeysNotTheirIds()
    {
        // The new pair split over two ids, beside the key in operation and its certificate.
        Token token;
        const QByteArray current = newSpki(), fresh = newSpki();
        token.add(CKO_PRIVATE_KEY, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_PUBLIC_KEY, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_CERTIFICATE, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_PUBLIC_KEY, subjectKeyIdentifier(fresh), pendingKeyLabel(kCurrent), fresh);
        token.add(CKO_PRIVATE_KEY, "provisional-1234", pendingKeyLabel(kCurrent), fresh);
        const QVector<KeyPair> pairs = token.pairs();
        QCOMPARE(pairs.size(), 2);
        for (const KeyPair &pair : pairs)
            QVERIFY(pair.whole());
        const auto it = std::find_if(pairs.begin(), pairs.end(),
                                     [&fresh](const KeyPair &p) { return p.spki == fresh; });
        QVERIFY(it != pairs.end());
        QCOMPARE(it->privateKey->id, QByteArray("provisional-1234"));
        QCOMPARE(it->keyId(), subjectKeyIdentifier(fresh));
        QVERIFY(it->certificates.isEmpty());
        // The lifecycle sees one new key, not two candidates of which one would be a "stray".
        const RenewalFacts facts = renewalFacts(entriesOf(pairs), kCurrent);
        QCOMPARE(facts.newKeyId, subjectKeyIdentifier(fresh));
        QVERIFY(facts.strayKeyIds.isEmpty());
    }

    void theCommonCaseNeedsNoSignature()
    {
        // A pair under the SHA-1 of its key is one without a signature on the token; a pair
        // under any other id (the provisioned 01, a provisional one) is signed for.
        Token token;
        const QByteArray kiosks = newSpki(), provisioned = newSpki();
        token.add(CKO_PUBLIC_KEY, subjectKeyIdentifier(kiosks), QStringLiteral("Иванов"), kiosks);
        token.add(CKO_PRIVATE_KEY, subjectKeyIdentifier(kiosks), QStringLiteral("Иванов"), kiosks);
        int signatures = 0;
        QVector<KeyPair> pairs = token.pairs(&signatures);
        QCOMPARE(pairs.size(), 1);
        QVERIFY(pairs[0].whole());
        QCOMPARE(signatures, 0);
        token.add(CKO_PUBLIC_KEY, kCurrent, QStringLiteral("Петров"), provisioned);
        token.add(CKO_PRIVATE_KEY, kCurrent, QStringLiteral("Петров"), provisioned);
        pairs = token.pairs(&signatures);
        QCOMPARE(pairs.size(), 2);
        QVERIFY(pairs[0].whole() && pairs[1].whole());
        QCOMPARE(signatures, 1);
    }

    void aSplitPairGetsTheSha1OfItsKeyOnBothHalves_data()
    {
        QTest::addColumn<QByteArray>("publicId");
        QTest::addColumn<QByteArray>("privateId");
        QTest::addColumn<int>("setIds");
        // Which half got the final id first does not matter.
        QTest::newRow("killed before the first CKA_ID")
            << QByteArray("prov") << QByteArray("prov") << 2;
        QTest::newRow("killed between the two, public first")
            << QByteArray() << QByteArray("prov") << 1;
        QTest::newRow("killed between the two, private first")
            << QByteArray("prov") << QByteArray() << 1;
        QTest::newRow("whole") << QByteArray() << QByteArray() << 0;
    }
    void aSplitPairGetsTheSha1OfItsKeyOnBothHalves()
    {
        QFETCH(QByteArray, publicId);
        QFETCH(QByteArray, privateId);
        QFETCH(int, setIds);
        Token token;
        const QByteArray fresh = newSpki(), sha1 = subjectKeyIdentifier(fresh);
        token.add(CKO_PUBLIC_KEY, publicId.isEmpty() ? sha1 : publicId, acceptedKeyLabel(kCurrent),
                  fresh);
        token.add(CKO_PRIVATE_KEY, privateId.isEmpty() ? sha1 : privateId,
                  acceptedKeyLabel(kCurrent), fresh);
        const RepairPlan plan = planRepairs(token.pairs());
        QCOMPARE(plan.actions.size(), setIds);
        for (const RepairAction &action : plan.actions) {
            QCOMPARE(action.kind, RepairAction::Kind::SetId);
            QCOMPARE(action.id, sha1);
            QVERIFY(action.object.id != sha1);
        }
        QVERIFY(plan.kept.isEmpty());
    }

    void aPublicHalfAloneIsRemoved()
    {
        // A refused key whose private half was dropped before the kill: nothing can sign for
        // it any more.
        Token token;
        const QByteArray fresh = newSpki();
        token.add(CKO_PUBLIC_KEY, subjectKeyIdentifier(fresh), refusedKeyLabel(kCurrent), fresh);
        const RepairPlan plan = planRepairs(token.pairs());
        QCOMPARE(plan.actions.size(), 1);
        QCOMPARE(plan.actions[0].kind, RepairAction::Kind::Destroy);
        QCOMPARE(plan.actions[0].object.objectClass, CK_OBJECT_CLASS(CKO_PUBLIC_KEY));
        QVERIFY(!plan.actions[0].why.isEmpty());
    }

    void noPublicHalfGoesWhileAPrivateKeyCannotBePaired()
    {
        // A private key the kiosk cannot pair (no signature test, no recovery): it might be
        // the public half's partner, so neither is removed, and staff are told.
        Token token;
        const QByteArray a = newSpki(), b = newSpki();
        token.add(CKO_PUBLIC_KEY, subjectKeyIdentifier(a), pendingKeyLabel(kCurrent), a);
        TokenObject lone = object(CKO_PRIVATE_KEY, "x", pendingKeyLabel(kCurrent), b);
        token.objects << lone; // signs for nothing known
        const RepairPlan plan = planRepairs(token.pairs());
        QCOMPARE(count(plan, RepairAction::Kind::Destroy), 0);
        QCOMPARE(plan.kept.size(), 2);
    }

    void aPrivateHalfAloneGetsItsPublicKeyBackAndIsNeverRemoved()
    {
        Token token;
        const QByteArray fresh = newSpki();
        token.add(CKO_PRIVATE_KEY, "prov", pendingKeyLabel(kCurrent), fresh);
        QVector<KeyPair> pairs = token.pairs();
        QCOMPARE(pairs.size(), 1);
        // readKeyPairs() recovers the key from two signatures on the token; here, given.
        pairs[0].spki = fresh;
        pairs[0].publicKeyRecovered = true;
        const RepairPlan plan = planRepairs(pairs);
        QCOMPARE(count(plan, RepairAction::Kind::Destroy), 0);
        QCOMPARE(count(plan, RepairAction::Kind::CreatePublicKey), 1);
        QCOMPARE(plan.actions[0].spki, fresh);
        QCOMPARE(plan.actions[0].id, subjectKeyIdentifier(fresh));
        QCOMPARE(plan.actions[0].label, pendingKeyLabel(kCurrent));
        QCOMPARE(count(plan, RepairAction::Kind::SetId), 1); // and its own provisional id
        // Unrecovered: kept as it is, for staff.
        pairs[0].spki.clear();
        pairs[0].publicKeyRecovered = false;
        const RepairPlan unrecovered = planRepairs(pairs);
        QVERIFY(unrecovered.isEmpty());
        QCOMPARE(unrecovered.kept.size(), 1);
    }

    void whatTheKioskDidNotWriteIsLeftAlone()
    {
        // The key in operation under another program's id, a stranger's pair split over two
        // ids: not the kiosk's sets, not touched.
        Token token;
        const QByteArray current = newSpki(), stranger = newSpki();
        token.add(CKO_PRIVATE_KEY, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_PUBLIC_KEY, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_CERTIFICATE, kCurrent, QStringLiteral("Иванов"), current);
        token.add(CKO_PUBLIC_KEY, "a", QStringLiteral("other"), stranger);
        token.add(CKO_PRIVATE_KEY, "b", QStringLiteral("other"), stranger);
        token.add(CKO_PUBLIC_KEY, "c", QStringLiteral("other public alone"), newSpki());
        const RepairPlan plan = planRepairs(token.pairs());
        QVERIFY2(plan.isEmpty(), qPrintable(plan.actions.value(0).why));
    }

    void anArchivedSetWithoutItsPrivateKeyIsRemovedCertificateFirst()
    {
        // The old set deleted by policy, killed after its private key went.
        Token token;
        const QByteArray old = newSpki();
        const QString archived = archivedLabel(QStringLiteral("Иванов"), QDate(2026, 12, 7));
        token.add(CKO_PUBLIC_KEY, kCurrent, archived, old);
        token.add(CKO_CERTIFICATE, kCurrent, archived, old);
        const RepairPlan plan = planRepairs(token.pairs());
        QCOMPARE(plan.actions.size(), 2);
        QCOMPARE(plan.actions[0].object.objectClass, CK_OBJECT_CLASS(CKO_CERTIFICATE));
        QCOMPARE(plan.actions[1].object.objectClass, CK_OBJECT_CLASS(CKO_PUBLIC_KEY));
        // With its private key it is an archived set like any other.
        token.add(CKO_PRIVATE_KEY, kCurrent, archived, old);
        QVERIFY(planRepairs(token.pairs()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTokenRepair)
#include "tst_tokenrepair.moc"
