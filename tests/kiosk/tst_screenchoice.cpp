// Which screen the kiosk shows (kiosk/controllers/screenchoice.h), row by row: from the
// attract screen with nothing in, each row sets the facts of one situation and expects one
// screen. The order of the rows is the order of the rules: a fact higher up wins.
#include "controllers/screenchoice.h"

#include <QtTest>

#include <functional>

using namespace kk;

namespace {

struct Row
{
    const char *situation;
    std::function<void(ScreenFacts &)> facts;
    std::optional<KioskScreen> screen; // none: the screen stays
    ErrorCode code;
};

const std::vector<Row> &rows()
{
    using S = KioskScreen;
    using P = PresenceState;
    using E = ErrorCode;
    static const std::vector<Row> table = {
        {"nothing in", [](ScreenFacts &) {}, S::InsertToken, E::None},
        {"a journey holds the screen, whatever happens",
         [](ScreenFacts &f) {
             f.journeyActive = true;
             f.presence = P::ServiceUnavailable;
             f.bankReachable = false;
         },
         std::nullopt, E::None},
        {"the session timed out with the token in",
         [](ScreenFacts &f) {
             f.sessionTimedOut = true;
             f.clientToken = f.clientTableReady = true;
         },
         S::InsertToken, E::None},
        {"timed out during a sitting: the board comes back",
         [](ScreenFacts &f) { f.sessionTimedOut = f.sittingActive = true; }, S::SittingBoard,
         E::None},
        {"the bank unreachable",
         [](ScreenFacts &f) {
             f.bankReachable = false;
             f.clientToken = f.clientTableReady = true;
         },
         S::OutOfService, E::BankUnreachable},
        {"pcscd down (it says so even when the bank is down too)",
         [](ScreenFacts &f) {
             f.presence = P::ServiceUnavailable;
             f.bankReachable = false;
         },
         S::OutOfService, E::PcscUnavailable},
        {"two tokens in the readers", [](ScreenFacts &f) { f.presence = P::SeveralTokens; },
         S::Message, E::MultipleTokens},
        {"a USB stick", [](ScreenFacts &f) { f.presence = P::ForeignDevice; }, S::Message,
         E::UnsupportedDevice},
        {"the token layer failed, with its reason",
         [](ScreenFacts &f) {
             f.presence = P::TokenError;
             f.presenceError = E::TokenFailure;
         },
         S::Message, E::TokenFailure},
        {"the token layer failed, no reason given",
         [](ScreenFacts &f) { f.presence = P::TokenError; }, S::Message, E::Internal},
        {"a second client token",
         [](ScreenFacts &f) { f.clientToken = f.clientTableReady = f.extraClientToken = true; },
         S::Message, E::MultipleTokens},
        {"the token could not be read",
         [](ScreenFacts &f) {
             f.presence = P::TokenReady;
             f.readError = E::TokenRemoved;
         },
         S::Message, E::TokenRemoved},
        {"a token arriving", [](ScreenFacts &f) { f.presence = P::TokenArriving; }, S::ReadingToken,
         E::None},
        {"a token being read", [](ScreenFacts &f) { f.reading = true; }, S::ReadingToken, E::None},
        {"the client's token in, its table not read yet",
         [](ScreenFacts &f) { f.clientToken = true; }, S::ReadingToken, E::None},
        {"a sitting: the board, whoever's token is in",
         [](ScreenFacts &f) {
             f.sittingActive = f.clientToken = f.clientTableReady = f.staffToken = true;
         },
         S::SittingBoard, E::None},
        {"the client's token, read",
         [](ScreenFacts &f) { f.clientToken = f.clientTableReady = true; }, S::TokenProfiles,
         E::None},
        {"the client's token, its act on screen: it stays",
         [](ScreenFacts &f) {
             f.clientToken = f.clientTableReady = true;
             f.current = S::AcceptanceAct;
         },
         std::nullopt, E::None},
        {"the staff token and the client's: the client's table",
         [](ScreenFacts &f) { f.staffToken = f.clientToken = f.clientTableReady = true; },
         S::TokenProfiles, E::None},
        {"only the staff token", [](ScreenFacts &f) { f.staffToken = true; }, S::StaffHome,
         E::None},
    };
    return table;
}

} // namespace

class TestScreenChoice : public QObject
{
    Q_OBJECT
private slots:
    void choice_data()
    {
        QTest::addColumn<int>("row");
        for (std::size_t i = 0; i < rows().size(); ++i)
            QTest::newRow(rows()[i].situation) << int(i);
    }
    void choice()
    {
        QFETCH(int, row);
        const Row &r = rows()[std::size_t(row)];
        ScreenFacts facts;
        r.facts(facts);
        const ScreenChoice choice = chooseScreen(facts);
        QCOMPARE(choice.screen, r.screen);
        QCOMPARE(choice.code, r.code);
    }

    void theBoardAndTheAttractScreenAreShownAgain()
    {
        // Their content may change on the same screen (the token on the board, "removed").
        ScreenFacts facts;
        QVERIFY(chooseScreen(facts).refresh);
        facts.sittingActive = true;
        QVERIFY(chooseScreen(facts).refresh);
        facts = {};
        facts.staffToken = true;
        QVERIFY(!chooseScreen(facts).refresh);
    }
};

QTEST_GUILESS_MAIN(TestScreenChoice)
#include "tst_screenchoice.moc"
