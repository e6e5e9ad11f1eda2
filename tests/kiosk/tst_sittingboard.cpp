// A signers' sitting as the kiosk runs it, below the QML: the real controllers (KioskStack)
// over SoftHSM2 tokens - a director, a chief accountant and a signer whose certificate has
// expired, all of one organization, and a token of another - and keykiosk-ra holding every
// request for an operator. The calls are the ones QML makes.
#include "harness.h"
#include "kioskstack.h"

#include "keykiosk/journal/journal.h"

#include <QtTest>

using namespace kk;
using namespace kk::test;

namespace {
const QString kInn = QStringLiteral("7707083893");

struct Office
{
    RaServer ra;
    std::unique_ptr<TestToken> store;
    QTemporaryDir dir;
    std::unique_ptr<Journal> journal;
    std::unique_ptr<KioskStack> kiosk;
    TokenInfo director, accountant, expired, stranger;

    explicit Office(int idleSeconds = 60) : ra(options())
    {
        if (!ra.start())
            return;
        auto signer = [this](const char *label, const char *cn, const char *title, int days) {
            TokenOptions o;
            o.label = QString::fromLatin1(label);
            o.caDir = ra.dir();
            o.commonName = QString::fromUtf8(cn);
            o.title = QString::fromUtf8(title);
            o.organization = QStringLiteral("ООО «Ромашка»");
            o.inn = kInn;
            o.daysLeft = days;
            o.uid = QStringLiteral("ROM-%1").arg(QString::fromLatin1(label));
            return o;
        };
        store = std::make_unique<TestToken>(
            signer("Director", "Директоров Дмитрий Петрович", "Генеральный директор", 20));
        TokenOptions other = signer("Stranger", "Чужой Иван", "", 20);
        other.organization = QStringLiteral("ООО «Лютик»");
        other.inn = QStringLiteral("7728168971");
        if (!store->isValid() ||
            !store->addToken(
                signer("Accountant", "Бухгалтерова Анна Ивановна", "Главный бухгалтер", 25)) ||
            !store->addToken(signer("Expired", "Просроченко Олег", "Заместитель директора", -3)) ||
            !store->addToken(other))
            return;
        journal = Journal::open(dir.filePath(QStringLiteral("journal.db"))).takeValue();
        makeKiosk(idleSeconds);
        const QVector<TokenInfo> tokens =
            Pkcs11Module::load(softhsmModule()).value()->tokens().value();
        for (const TokenInfo &t : tokens) {
            if (t.label == QLatin1String("Director"))
                director = t;
            else if (t.label == QLatin1String("Accountant"))
                accountant = t;
            else if (t.label == QLatin1String("Expired"))
                expired = t;
            else if (t.label == QLatin1String("Stranger"))
                stranger = t;
        }
    }
    static RaServer::Options options()
    {
        RaServer::Options o;
        o.approval = QStringLiteral("manual"); // the operator approves the sitting at once
        o.checkAfterSeconds = 1;
        return o;
    }
    // The kiosk (again, after a "restart"): the same journal, a fresh process's objects.
    void makeKiosk(int idleSeconds = 60)
    {
        kiosk.reset();
        auto endpoint = CmpEndpoint::fromFiles(ra.url(), ra.raCertPath(), ra.caCertPath());
        kiosk = std::make_unique<KioskStack>(softhsmModule(), endpoint.value(), journal.get(),
                                             idleSeconds, 2);
        kiosk->runner.setDefaultPollMs(300);
        kiosk->entropy.setTargetBits(16);
    }
    bool valid() const { return kiosk && !stranger.serial.isEmpty(); }

    void insert(const TokenInfo &token)
    {
        kiosk->kiosk.onTokens(PresenceState::TokenReady, {token}, {});
    }
    void remove() { kiosk->kiosk.onTokens(PresenceState::TokenGone, {}, {}); }
    bool boardShown()
    {
        return QTest::qWaitFor([this] {
            return kiosk->kiosk.screen() == KioskScreen::SittingBoard &&
                   kiosk->kiosk.clientTokenReady();
        });
    }
    SignerStatus status(int row) const
    {
        return kiosk->sitting.sitting()->signers.value(row).status;
    }
    void typePin(const char *pin)
    {
        kk::typePin(kiosk->pinPad, pin);
        kiosk->pinPad.submit();
    }
    void draw() { kk::draw(*kiosk); }
    // From the board to «принят банком», then "I will come back later".
    bool renewToTheBank(int row)
    {
        kiosk->sitting.act(row);
        if (kiosk->journey.state() != WorkflowState::Explaining)
            return false;
        kiosk->journey.confirm();
        typePin("123456");
        if (!QTest::qWaitFor(
                [this] { return kiosk->journey.state() == WorkflowState::CollectingEntropy; }))
            return false;
        draw();
        if (!QTest::qWaitFor([this] { return kiosk->journey.state() == WorkflowState::WithBank; },
                             20000))
            return false;
        kiosk->journey.cancel();
        return boardShown();
    }
    // What the kiosk still holds of a token: raw sessions, logins, libp11 users and slots.
    QString heldOf(const TokenInfo &token)
    {
        QString held;
        kiosk->tokens.call([&held, token](TokenContext &context) {
            const auto module = context.module();
            const auto store = context.keyStore();
            if (!module || !store) {
                held = QStringLiteral("no module");
                return;
            }
            held = QStringLiteral("sessions %1, logins %2, libp11 users %3, libp11 slots %4")
                       .arg(module.value()->openSessions(token.slotId))
                       .arg(module.value()->loggedInSessions(token.slotId))
                       .arg(store.value()->holds(token.serial) ? 1 : 0)
                       .arg(store.value()->holdsSlots() ? QStringLiteral("held")
                                                        : QStringLiteral("released"));
        });
        return held;
    }
};
} // namespace

class TestSittingBoard : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("CUPS_SERVER", "/nonexistent/cups.sock"); }

    void aSittingOfThreeSigners()
    {
        Office o;
        QVERIFY(o.valid());
        // The director's token: the token screen offers a sitting for the organization.
        o.insert(o.director);
        QTRY_COMPARE(o.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QVERIFY(o.kiosk->sitting.canStart());
        o.kiosk->sitting.start();
        QVERIFY(o.kiosk->sitting.active());
        QCOMPARE(o.kiosk->sitting.organization(), QStringLiteral("ООО «Ромашка»"));
        QCOMPARE(o.kiosk->sitting.inn(), kInn);
        QCOMPARE(o.kiosk->kiosk.screen(), KioskScreen::SittingBoard);
        QCOMPARE(o.status(0), SignerStatus::SignerReady);
        QCOMPARE(o.kiosk->sitting.signers().first().toMap().value("title").toString(),
                 QStringLiteral("Генеральный директор"));
        const QString sittingId = o.kiosk->sitting.id();

        // Signer 1 renews; the bank holds the request for the operator.
        QVERIFY(o.renewToTheBank(0));
        QCOMPARE(o.status(0), SignerStatus::SignerWithBank);
        QCOMPARE(o.kiosk->sitting.sitting()->signers[0].requestNumber, QStringLiteral("R-000001"));
        o.remove();
        // Nothing of signer 1 is left for the next.
        QCOMPARE(o.kiosk->pinPad.digitCount(), 0);
        QVERIFY(!o.kiosk->runner.context().pin);
        QVERIFY(!o.kiosk->runner.context().renewal);
        QVERIFY(!o.kiosk->runner.context().exchange);
        QTRY_COMPARE(o.heldOf(o.director),
                     QStringLiteral("sessions 0, logins 0, libp11 users 0, libp11 slots released"));
        QCOMPARE(o.kiosk->kiosk.screen(), KioskScreen::SittingBoard); // "next signer"

        // Another organization's token is refused, with a clear message; the board is unchanged.
        o.insert(o.stranger);
        QVERIFY(o.boardShown());
        QTRY_VERIFY(o.kiosk->sitting.notice().contains(QStringLiteral("ООО «Лютик»")));
        QCOMPARE(o.kiosk->sitting.sitting()->signers.size(), 1);
        QCOMPARE(o.kiosk->sitting.actionFor(0), SignerAction::SignerNoAction);
        o.remove();
        QVERIFY(o.kiosk->sitting.notice().isEmpty());

        // Signer 2 pulls the token out mid-journey, then starts again; signer 1's result stays.
        o.insert(o.accountant);
        QVERIFY(o.boardShown());
        QCOMPARE(o.kiosk->sitting.sitting()->signers.size(), 2);
        QCOMPARE(o.status(1), SignerStatus::SignerReady);
        o.kiosk->sitting.act(1);
        o.kiosk->journey.confirm();
        o.typePin("123456");
        QTRY_COMPARE(o.kiosk->journey.state(), WorkflowState::CollectingEntropy);
        o.remove();
        QCOMPARE(o.status(1), SignerStatus::SignerWaitingForToken);
        QCOMPARE(o.status(0), SignerStatus::SignerWithBank);
        QTRY_COMPARE(o.heldOf(o.accountant),
                     QStringLiteral("sessions 0, logins 0, libp11 users 0, libp11 slots released"));
        o.insert(o.accountant); // the same token: the same signer
        QVERIFY(o.boardShown());
        QCOMPARE(o.kiosk->sitting.sitting()->signers.size(), 2);
        QCOMPARE(o.status(1), SignerStatus::SignerReady);
        QVERIFY(o.renewToTheBank(1));
        QCOMPARE(o.status(1), SignerStatus::SignerWithBank);
        o.remove();

        // Signer 3's certificate has expired: staff are needed (no staff mode here).
        o.insert(o.expired);
        QVERIFY(o.boardShown());
        QCOMPARE(o.status(2), SignerStatus::SignerNeedsStaff);
        QCOMPARE(o.kiosk->sitting.actionFor(2), SignerAction::SignerNoAction);
        o.remove();

        // The bank: the sitting's requests, approved with one command.
        const QString listed =
            o.ra.cli({QStringLiteral("requests"), QStringLiteral("--sitting"), sittingId});
        QVERIFY2(listed.contains(QStringLiteral("sitting %1: 2 request(s)").arg(sittingId)),
                 qPrintable(listed));
        int rc = -1;
        const QString approved =
            o.ra.cli({QStringLiteral("approve"), QStringLiteral("--sitting"), sittingId}, &rc);
        QVERIFY2(rc == 0 && approved.contains(QStringLiteral("2 approved now")),
                 qPrintable(approved));

        // Signer 1 comes back and picks up; the act follows, as always.
        o.insert(o.director);
        QVERIFY(o.boardShown());
        QCOMPARE(o.kiosk->sitting.actionFor(0), SignerAction::SignerPickUp);
        o.kiosk->sitting.act(0);
        QCOMPARE(o.kiosk->journey.state(), WorkflowState::EnteringPin);
        o.typePin("123456");
        QTRY_COMPARE_WITH_TIMEOUT(o.kiosk->journey.state(), WorkflowState::CertificateReceived,
                                  20000);
        o.kiosk->journey.acknowledge();
        QVERIFY(o.kiosk->act.ready()); // the act of signer 1's new certificate
        o.kiosk->journey.close();
        QVERIFY(o.boardShown());
        QCOMPARE(o.status(0), SignerStatus::SignerCertificateReceived);
        o.remove();

        // Finishing: the summary is saved (and sent to the printer); the board closes; signer 2
        // picks up later, alone.
        o.kiosk->sitting.finish();
        QVERIFY(!o.kiosk->sitting.active());
        const QString summary = o.kiosk->sitting.summaryPath();
        QVERIFY2(QFileInfo(summary).size() > 1000, qPrintable(summary));
        QVERIFY(!o.journal->openSitting().value());
        QCOMPARE(o.journal->sitting(sittingId).value()->signers.size(), 3);
        QCOMPARE(o.kiosk->kiosk.screen(), KioskScreen::InsertToken);

        // Later, alone: signer 2 picks up at the token screen, as any client does.
        o.insert(o.accountant);
        QTRY_COMPARE(o.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        QCOMPARE(o.kiosk->kiosk.selectedAction(), RenewalAction::PickUp);
        o.kiosk->journey.begin();
        QCOMPARE(o.kiosk->journey.state(), WorkflowState::EnteringPin);
        o.typePin("123456");
        QTRY_COMPARE_WITH_TIMEOUT(o.kiosk->journey.state(), WorkflowState::CertificateReceived,
                                  20000);
        QVERIFY(o.ra.cli({QStringLiteral("requests"), QStringLiteral("--sitting"), sittingId})
                    .count(QStringLiteral(" confirmed ")) == 2);
    }

    void theBoardComesBackAfterARestart()
    {
        Office o;
        QVERIFY(o.valid());
        o.insert(o.director);
        QTRY_COMPARE(o.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        o.kiosk->sitting.start();
        QVERIFY(o.renewToTheBank(0));
        o.remove();
        o.insert(o.accountant);
        QVERIFY(o.boardShown());
        const QString id = o.kiosk->sitting.id();
        o.makeKiosk(); // the kiosk restarts (the same journal)
        QVERIFY(o.kiosk->sitting.active());
        QCOMPARE(o.kiosk->sitting.id(), id);
        QCOMPARE(o.kiosk->kiosk.screen(), KioskScreen::SittingBoard);
        QCOMPARE(o.status(0), SignerStatus::SignerWithBank);
        QCOMPARE(o.status(1), SignerStatus::SignerWaitingForToken); // their token was in
        o.insert(o.accountant);
        QVERIFY(o.boardShown());
        QCOMPARE(o.status(1), SignerStatus::SignerReady);
    }

    void anIdleTimeoutBringsTheBoardBack()
    {
        Office o(1); // 1 s without a touch, then a 2 s countdown
        QVERIFY(o.valid());
        o.insert(o.director);
        QTRY_COMPARE(o.kiosk->kiosk.screen(), KioskScreen::TokenProfiles);
        o.kiosk->sitting.start();
        o.kiosk->sitting.act(0);
        QCOMPARE(o.kiosk->journey.state(), WorkflowState::Explaining);
        QTRY_VERIFY_WITH_TIMEOUT(o.kiosk->kiosk.sessionTimedOut(), 10000);
        QCOMPARE(o.kiosk->kiosk.screen(), KioskScreen::SittingBoard);
        QVERIFY(!o.kiosk->kiosk.journeyActive());
        QCOMPARE(o.status(0), SignerStatus::SignerReady);
        QCOMPARE(o.kiosk->sitting.actionFor(0), SignerAction::SignerNoAction); // take it out first
        o.remove();
        QVERIFY(!o.kiosk->kiosk.sessionTimedOut());
        QCOMPARE(o.status(0), SignerStatus::SignerWaitingForToken);
        o.insert(o.director);
        QVERIFY(o.boardShown());
        QCOMPARE(o.kiosk->sitting.actionFor(0), SignerAction::SignerRenew);
    }
};

QTEST_MAIN(TestSittingBoard)
#include "tst_sittingboard.moc"
