// The key lifecycle's rules: what the token's labels mean, where a restart resumes, and the
// reconciliation table of docs/architecture.md, row by row.
#include "keykiosk/enroll/lifecycle.h"

#include <QtTest>

using namespace kk;

namespace {
const QByteArray kCurrent = QByteArray::fromHex("01");
const QByteArray kNew = QByteArray::fromHex("beef");

TokenKeyEntry current(const QString &label = QStringLiteral("Иванов"))
{
    TokenKeyEntry e;
    e.id = kCurrent;
    e.label = e.certificateLabel = label;
    e.hasPrivateKey = e.hasPublicKey = true;
    e.certificateDer = "current certificate";
    return e;
}

TokenKeyEntry newKey(const QString &label, bool withCertificate = false,
                     const QByteArray &id = kNew)
{
    TokenKeyEntry e;
    e.id = id;
    e.label = label;
    e.hasPublicKey = true; // before the PIN only the public key object is visible
    if (withCertificate) {
        e.certificateDer = "new certificate";
        e.certificateLabel = label;
    }
    return e;
}
} // namespace

Q_DECLARE_METATYPE(QVector<kk::TokenKeyEntry>)

class TestLifecycle : public QObject
{
    Q_OBJECT
private slots:
    void namesAndRestartPoints()
    {
        for (int i = 0; i <= int(KeyLifecycle::Refused); ++i) {
            const auto state = KeyLifecycle(i);
            QCOMPARE(lifecycleFromName(lifecycleName(state)), state);
            QVERIFY(isStable(lastStable(state)));
        }
        QCOMPARE(lastStable(KeyLifecycle::GeneratingKey), KeyLifecycle::NeedKey);
        QCOMPARE(lastStable(KeyLifecycle::Submitting), KeyLifecycle::HavePendingKey);
        QCOMPARE(lastStable(KeyLifecycle::Confirming), KeyLifecycle::HaveCertificate);
        QVERIFY(isStable(KeyLifecycle::Refused));
        QCOMPARE(lifecycleName(KeyLifecycle::Refused), QStringLiteral("refused"));
        QVERIFY(!lifecycleFromName(QStringLiteral("nonsense")));
    }

    void labels()
    {
        QCOMPARE(pendingKeyLabel(kCurrent), QStringLiteral("kk-pending 01"));
        QCOMPARE(renewedKeyIdIn(acceptedKeyLabel(kCurrent)), kCurrent);
        QVERIFY(renewedKeyIdIn(QStringLiteral("Иванов")).isEmpty());
        const QString archived = archivedLabel(QStringLiteral("Иванов И."), QDate(2026, 11, 28));
        QCOMPARE(archived, QStringLiteral("archived 2026-11-28 Иванов И."));
        QVERIFY(isArchivedLabel(archived));
        QCOMPARE(refusedKeyLabel(kCurrent), QStringLiteral("kk-refused 01"));
        QVERIFY(isRefusedLabel(refusedKeyLabel(kCurrent)));
        QCOMPARE(renewedKeyIdIn(refusedKeyLabel(kCurrent)), kCurrent);
        for (const QString &label :
             {pendingKeyLabel(kCurrent), acceptedKeyLabel(kCurrent), refusedKeyLabel(kCurrent)})
            QVERIFY(isLifecycleLabel(label));
        QVERIFY(!isLifecycleLabel(archived) && !isLifecycleLabel(QStringLiteral("Иванов")));
    }

    void whatTheTokenProves_data()
    {
        QTest::addColumn<QVector<TokenKeyEntry>>("entries");
        QTest::addColumn<KeyLifecycle>("lifecycle");
        QTest::addColumn<bool>("confirmed");
        QTest::newRow("no new key") << QVector{current()} << KeyLifecycle::NeedKey << false;
        QTest::newRow("pending key") << QVector{current(), newKey(pendingKeyLabel(kCurrent))}
                                     << KeyLifecycle::HavePendingKey << false;
        QTest::newRow("accepted key") << QVector{current(), newKey(acceptedKeyLabel(kCurrent))}
                                      << KeyLifecycle::WithBank << false;
        QTest::newRow("certificate written")
            << QVector{current(), newKey(acceptedKeyLabel(kCurrent), true)}
            << KeyLifecycle::HaveCertificate << false;
        QTest::newRow("old key archived")
            << QVector{current(archivedLabel(QStringLiteral("Иванов"), QDate(2026, 1, 1))),
                       newKey(acceptedKeyLabel(kCurrent), true)}
            << KeyLifecycle::HaveCertificate << true;
        QTest::newRow("new key promoted")
            << QVector{current(archivedLabel(QStringLiteral("Иванов"), QDate(2026, 1, 1))),
                       newKey(QStringLiteral("Иванов"), true)}
            << KeyLifecycle::Done << true;
        QTest::newRow("refused key") << QVector{current(), newKey(refusedKeyLabel(kCurrent))}
                                     << KeyLifecycle::Refused << false;
        QTest::newRow("another profile's key")
            << QVector{current(), newKey(pendingKeyLabel(QByteArray::fromHex("02")))}
            << KeyLifecycle::NeedKey << false;
    }
    void whatTheTokenProves()
    {
        QFETCH(QVector<TokenKeyEntry>, entries);
        QFETCH(KeyLifecycle, lifecycle);
        QFETCH(bool, confirmed);
        const RenewalFacts facts = renewalFacts(entries, kCurrent);
        QCOMPARE(lifecycleOnToken(facts), lifecycle);
        QCOMPARE(reconcile(facts, std::nullopt).bankConfirmed, confirmed);
    }

    void aRefusalOnEitherHalfIsARefusal()
    {
        // The halves are relabelled one after the other (the public key first): a kill in
        // between leaves the private key accepted, and the refusal still stands.
        TokenKeyEntry half = newKey(refusedKeyLabel(kCurrent));
        half.hasPrivateKey = true;
        half.keyLabels = QStringList{refusedKeyLabel(kCurrent), acceptedKeyLabel(kCurrent)};
        half.label = acceptedKeyLabel(kCurrent);
        const RenewalFacts facts = renewalFacts({current(), half}, kCurrent);
        QVERIFY(facts.newKeyRefused);
        QVERIFY(!facts.newKeyAccepted);
        QCOMPARE(lifecycleOnToken(facts), KeyLifecycle::Refused);
        // A request made after the refusal is the renewal under way; the refused key a stray.
        const RenewalFacts again =
            renewalFacts({current(), newKey(refusedKeyLabel(kCurrent)),
                          newKey(pendingKeyLabel(kCurrent), false, QByteArray::fromHex("0c"))},
                         kCurrent);
        QCOMPARE(again.newKeyId, QByteArray::fromHex("0c"));
        QCOMPARE(lifecycleOnToken(again), KeyLifecycle::HavePendingKey);
        QCOMPARE(again.strayKeyIds, QVector<QByteArray>{kNew});
    }

    void theOldLabelGoesToTheNewKey()
    {
        const auto facts =
            renewalFacts({current(archivedLabel(QStringLiteral("Иванов И. И."), QDate(2026, 1, 1))),
                          newKey(acceptedKeyLabel(kCurrent), true)},
                         kCurrent);
        QCOMPARE(facts.currentLabel, QStringLiteral("Иванов И. И."));
    }

    void strayKeysAreNamedForRemoval()
    {
        // An interrupted generation can leave a second pending key: the one with a certificate
        // (else the accepted one) is continued, the others are strays.
        const auto facts =
            renewalFacts({current(), newKey(pendingKeyLabel(kCurrent), false, "\x0a"),
                          newKey(acceptedKeyLabel(kCurrent), false, "\x0b"),
                          newKey(pendingKeyLabel(kCurrent), false, "\x0c")},
                         kCurrent);
        QCOMPARE(facts.newKeyId, QByteArray("\x0b"));
        QCOMPARE(facts.strayKeyIds.size(), 2);
    }

    void reconciliationTable_data()
    {
        QTest::addColumn<QVector<TokenKeyEntry>>("token");
        QTest::addColumn<KeyLifecycle>("journal");
        QTest::addColumn<KeyLifecycle>("result");
        QTest::addColumn<bool>("stale");
        const QVector<TokenKeyEntry> none{current()};
        const QVector<TokenKeyEntry> pending{current(), newKey(pendingKeyLabel(kCurrent))};
        const QVector<TokenKeyEntry> accepted{current(), newKey(acceptedKeyLabel(kCurrent))};
        const QVector<TokenKeyEntry> certified{current(), newKey(acceptedKeyLabel(kCurrent), true)};
        QTest::newRow("need key, as recorded")
            << none << KeyLifecycle::NeedKey << KeyLifecycle::NeedKey << false;
        QTest::newRow("killed while generating: nothing on the token")
            << none << KeyLifecycle::GeneratingKey << KeyLifecycle::NeedKey << false;
        QTest::newRow("killed after the key, before the journal")
            << pending << KeyLifecycle::NeedKey << KeyLifecycle::HavePendingKey << true;
        QTest::newRow("killed while submitting")
            << pending << KeyLifecycle::Submitting << KeyLifecycle::HavePendingKey << false;
        QTest::newRow("killed after the label, before the journal")
            << accepted << KeyLifecycle::HavePendingKey << KeyLifecycle::WithBank << true;
        QTest::newRow("with the bank, as recorded")
            << accepted << KeyLifecycle::WithBank << KeyLifecycle::WithBank << false;
        QTest::newRow("killed after the certificate, before the journal")
            << certified << KeyLifecycle::WithBank << KeyLifecycle::HaveCertificate << true;
        QTest::newRow("killed while confirming")
            << certified << KeyLifecycle::Confirming << KeyLifecycle::HaveCertificate << false;
        const QVector<TokenKeyEntry> refused{current(), newKey(refusedKeyLabel(kCurrent))};
        QTest::newRow("refused, as recorded")
            << refused << KeyLifecycle::Refused << KeyLifecycle::Refused << false;
        QTest::newRow("killed after the refusal's label, before the journal")
            << refused << KeyLifecycle::WithBank << KeyLifecycle::Refused << true;
        QTest::newRow("the refused key dropped (a new request), before the journal")
            << none << KeyLifecycle::Refused << KeyLifecycle::NeedKey << true;
        QTest::newRow("the key is gone (refused elsewhere)")
            << none << KeyLifecycle::WithBank << KeyLifecycle::NeedKey << true;
    }
    void reconciliationTable()
    {
        QFETCH(QVector<TokenKeyEntry>, token);
        QFETCH(KeyLifecycle, journal);
        QFETCH(KeyLifecycle, result);
        QFETCH(bool, stale);
        const Reconciliation r = reconcile(renewalFacts(token, kCurrent), journal);
        QCOMPARE(r.lifecycle, result);
        QCOMPARE(r.journalStale, stale);
        QCOMPARE(r.note.isEmpty(), !stale);
    }
};

QTEST_GUILESS_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
