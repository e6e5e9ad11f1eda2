// A signers' sitting's rules (journey/sitting.h): who joins by the organization's INN, the same
// token twice is the same signer, several profiles of one token all join, another
// organization's token is refused, what a token leaving changes, and each signer's status.
#include "testcertificate.h"

#include "keykiosk/journey/sitting.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QDateTime kNow = QDateTime::currentDateTimeUtc();

// A profile as the token table shows it, for a certificate of `organization` with this INN.
TokenProfile profile(const QByteArray &id, const QString &owner, const QString &inn,
                     long notAfterDays = 200, const QString &title = {})
{
    CertSpec spec;
    spec.notBeforeDays = notAfterDays - 365;
    spec.notAfterDays = notAfterDays;
    TokenKeyEntry entry;
    entry.id = id;
    entry.hasPrivateKey = entry.hasPublicKey = true;
    entry.certificateDer = makeCertificate(spec);
    TokenProfile p = deriveProfiles({entry}, kNow, {}).first();
    p.certificate.ownerName = owner; // the names the test needs, over the generic certificate
    p.certificate.title = title;
    p.certificate.identifier = QStringLiteral("UID-") + owner; // one per profile, as banks issue
    p.certificate.identifiers.insert(QStringLiteral("INN"), inn);
    return p;
}

TokenInfo token(const QString &serial)
{
    TokenInfo t;
    t.serial = serial;
    return t;
}

Sitting romashka()
{
    Sitting s;
    s.id = Sitting::newId(kNow);
    s.organization = {QStringLiteral("ООО «Ромашка»"), QStringLiteral("7707083893")};
    return s;
}
} // namespace

class TestSitting : public QObject
{
    Q_OBJECT
private slots:
    void anIdTheBankAccepts()
    {
        const QString id = Sitting::newId(kNow);
        QVERIFY2(QRegularExpression(QStringLiteral("^S-\\d{8}-[0-9A-F]{4}$")).match(id).hasMatch(),
                 qPrintable(id));
    }

    void theOrganizationIsItsInn()
    {
        const Organization o{QStringLiteral("ООО «Ромашка»"), QStringLiteral("7707083893")};
        CertificateProfile c;
        c.organization = QStringLiteral("ООО \"Ромашка\""); // written another way
        c.identifiers.insert(QStringLiteral("INN"), QStringLiteral("7707083893"));
        QVERIFY(o.matches(c));
        c.identifiers.insert(QStringLiteral("INN"), QStringLiteral("7728168971"));
        QVERIFY(!o.matches(c)); // the same name, another INN: another organization
        c.identifiers.remove(QStringLiteral("INN"));
        c.organization = QStringLiteral("ООО «Ромашка»");
        QVERIFY(o.matches(c)); // no INN: the name decides
    }

    void signersJoinOneByOne()
    {
        Sitting s = romashka();
        QCOMPARE(
            s.admit(token(QStringLiteral("T1")),
                    {profile("\x01", QStringLiteral("Директоров"), QStringLiteral("7707083893"), 20,
                             QStringLiteral("Генеральный директор"))},
                    kNow),
            Sitting::Admission::Joined);
        QCOMPARE(s.signers.size(), 1);
        QCOMPARE(s.signers[0].title, QStringLiteral("Генеральный директор"));
        QCOMPARE(s.signers[0].status, SignerStatus::SignerReady); // planned regeneration
        // A token with two profiles of the organization (and one of another): both join.
        QCOMPARE(
            s.admit(token(QStringLiteral("T2")),
                    {profile("\x01", QStringLiteral("Бухгалтерова"), QStringLiteral("7707083893")),
                     profile("\x02", QStringLiteral("Бухгалтерова (2)"),
                             QStringLiteral("7707083893"), -3),
                     profile("\x03", QStringLiteral("Чужой"), QStringLiteral("7728168971"))},
                    kNow),
            Sitting::Admission::Joined);
        QCOMPARE(s.signers.size(), 3);
        QCOMPARE(s.signers[1].status, SignerStatus::SignerNothingToDo); // fresh: nothing to renew
        QCOMPARE(s.signers[2].status, SignerStatus::SignerNeedsStaff);  // expired
        // Another organization's token joins nothing.
        QCOMPARE(s.admit(token(QStringLiteral("T9")),
                         {profile("\x01", QStringLiteral("Чужой"), QStringLiteral("7728168971"))},
                         kNow),
                 Sitting::Admission::OtherOrganization);
        QCOMPARE(s.signers.size(), 3);
        // The same token again is the same signer.
        QCOMPARE(s.admit(token(QStringLiteral("T1")),
                         {profile("\x01", QStringLiteral("Директоров"),
                                  QStringLiteral("7707083893"), 20)},
                         kNow),
                 Sitting::Admission::SameSigner);
        QCOMPARE(s.signers.size(), 3);
        QCOMPARE(s.indexOf(QStringLiteral("T2"), "\x02"), 2);
        // Renewed since (a new key set under the same identifier): still the same signer.
        TokenProfile renewed =
            profile("\x77", QStringLiteral("Директоров"), QStringLiteral("7707083893"));
        renewed.certificate.identifier = s.signers[0].identifier;
        QCOMPARE(s.admit(token(QStringLiteral("T1")), {renewed}, kNow),
                 Sitting::Admission::SameSigner);
        QCOMPARE(s.signers.size(), 3);
        QCOMPARE(s.signers[0].profileKeyId, QByteArray("\x77"));
    }

    void aTokenLeavingLeavesResultsOnTheBoard()
    {
        Sitting s = romashka();
        s.admit(token(QStringLiteral("T1")),
                {profile("\x01", QStringLiteral("Директоров"), QStringLiteral("7707083893"), 20)},
                kNow);
        s.signers[0].status = SignerStatus::SignerRenewing;
        s.tokenLeft(QStringLiteral("T1"));
        QCOMPARE(s.signers[0].status, SignerStatus::SignerWaitingForToken); // they start again
        for (SignerStatus kept :
             {SignerStatus::SignerWithBank, SignerStatus::SignerCertificateReceived,
              SignerStatus::SignerRefused, SignerStatus::SignerNeedsStaff}) {
            s.signers[0].status = kept;
            s.tokenLeft(QStringLiteral("T1"));
            QCOMPARE(s.signers[0].status, kept);
        }
    }

    void statusesFromTheToken()
    {
        TokenProfile p =
            profile("\x01", QStringLiteral("Директоров"), QStringLiteral("7707083893"), 20);
        QCOMPARE(signerStatusFor(p, PinState::Ok, kNow, SignerStatus::SignerReading),
                 SignerStatus::SignerReady);
        QCOMPARE(signerStatusFor(p, PinState::Locked, kNow, SignerStatus::SignerReading),
                 SignerStatus::SignerNeedsStaff);
        p.lifecycle = KeyLifecycle::WithBank;
        QCOMPARE(signerStatusFor(p, PinState::Ok, kNow, SignerStatus::SignerReading),
                 SignerStatus::SignerWithBank);
        TokenProfile fresh =
            profile("\x01", QStringLiteral("Директоров"), QStringLiteral("7707083893"));
        QCOMPARE(
            signerStatusFor(fresh, PinState::Ok, kNow, SignerStatus::SignerCertificateReceived),
            SignerStatus::SignerCertificateReceived); // renewed in this sitting: it stays so
        QCOMPARE(signerStatusFor(fresh, PinState::Ok, kNow, SignerStatus::SignerReading),
                 SignerStatus::SignerNothingToDo);
        QCOMPARE(signerStatusFor(p, PinState::Ok, kNow, SignerStatus::SignerRefused),
                 SignerStatus::SignerWithBank);
        p.lifecycle = KeyLifecycle::NeedKey;
        QCOMPARE(signerStatusFor(p, PinState::Ok, kNow, SignerStatus::SignerRefused),
                 SignerStatus::SignerRefused);
    }
};

QTEST_GUILESS_MAIN(TestSitting)
#include "tst_sitting.moc"
