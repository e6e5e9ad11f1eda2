#pragma once
// Which screen to show, from token presence, and the token's profile table. Plain logic:
// tested without QML (tests/kiosk), exposed to QML as a singleton instance.
// The kiosk has two token places: each token that arrives is read, and a token holding a
// certificate of the bank's staff role is the staff token (staff mode, StaffController);
// the other is the client's, whose profiles the table shows. Two client tokens at once are
// one too many (KK-303), as is a third token of any kind.

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enums.h"
#include "keykiosk/errors.h"
#include "keykiosk/journey/eligibility.h"
#include "keykiosk/token/tokentypes.h"
#include "models/profilemodel.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <optional>

namespace kk {

class Journal;
class TokenService;
class TokenPresence;

class KioskController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::KioskScreen screen READ screen NOTIFY screenChanged)
    Q_PROPERTY(QString message READ message NOTIFY screenChanged)
    Q_PROPERTY(QString errorId READ errorId NOTIFY screenChanged)
    Q_PROPERTY(bool tokenWasRemoved READ tokenWasRemoved NOTIFY screenChanged)
    // The token left in the middle of a journey (not after it ended): the insert screen says so.
    Q_PROPERTY(bool journeyInterrupted READ journeyInterrupted NOTIFY screenChanged)
    Q_PROPERTY(QString tokenLabel READ tokenLabel NOTIFY tokenChanged)
    Q_PROPERTY(QString tokenSerial READ tokenSerial NOTIFY tokenChanged)
    Q_PROPERTY(kk::ProfileModel *profiles READ profiles CONSTANT)
    Q_PROPERTY(int selectedProfile READ selectedProfile WRITE setSelectedProfile NOTIFY
                   selectedProfileChanged)
    // What the kiosk offers for the selected profile (a button on the token screen).
    Q_PROPERTY(kk::RenewalAction selectedAction READ selectedAction NOTIFY selectedProfileChanged)
    // The last session ended by the idle timeout; the token is still in: "remove it".
    Q_PROPERTY(bool sessionTimedOut READ sessionTimedOut NOTIFY screenChanged)
    // The selected profile's certificate has an act: a kiosk renewal installed it, or an act
    // was printed (and saved) for it. Never for a certificate the kiosk had no part in.
    Q_PROPERTY(bool canShowAct READ canShowAct NOTIFY selectedProfileChanged)
    // ... and it was printed before: "print the act again" rather than "print the act".
    Q_PROPERTY(bool actPrintedBefore READ actPrintedBefore NOTIFY selectedProfileChanged)
public:
    // Whether an act was saved for a certificate (by its serial, hex): ActController knows.
    using ActSaved = std::function<bool(const QString &serialHex)>;
    KioskController(TokenService *tokens, StatusPolicy policy, Journal *journal = nullptr,
                    ActSaved actSaved = {}, QObject *parent = nullptr);
    // Follows the token's presence (main wires it; tests call onPresence themselves).
    void watch(TokenPresence *presence);
    // A signers' sitting is open: its board takes the place of the token screen and the
    // attract screen (SittingController).
    void setSittingActive(bool active);
    bool sittingActive() const { return m_sittingActive; }
    // The table's profile with this current key id (null if none; valid until the table
    // changes), and selecting it.
    const TokenProfile *profileFor(const QByteArray &profileKeyId) const;
    bool selectProfile(const QByteArray &profileKeyId);
    // The client's token is in and its table read (not timed out): a signer may act.
    bool clientTokenReady() const { return m_token && m_tableReady && !m_sessionTimedOut; }
    // The bank CA's staff policy: a token with a certificate under it is a staff token.
    void setStaffPolicy(const QString &oid) { m_staffPolicy = oid; }
    std::optional<TokenInfo> staffToken() const { return m_staffToken; }

    KioskScreen screen() const { return m_screen; }
    QString message() const;
    QString errorId() const;
    bool tokenWasRemoved() const { return m_tokenWasRemoved; }
    bool journeyInterrupted() const { return m_journeyInterrupted; }
    void setJourneyInterrupted(bool interrupted) { m_journeyInterrupted = interrupted; }
    QString tokenLabel() const { return m_token ? m_token->label : QString(); }
    QString tokenSerial() const { return m_token ? m_token->serial : QString(); }
    ProfileModel *profiles() { return &m_profiles; }
    int selectedProfile() const { return m_selectedProfile; }
    void setSelectedProfile(int row);
    RenewalAction selectedAction() const;
    bool sessionTimedOut() const { return m_sessionTimedOut; }
    bool canShowAct() const;
    bool actPrintedBefore() const;
    // A later visit: the act of the selected profile's certificate, to print it again.
    Q_INVOKABLE void showAcceptanceAct();
    Q_INVOKABLE void closeAcceptanceAct();
    std::optional<TokenInfo> token() const { return m_token; }
    // The selected row, or null; valid until the table changes.
    const TokenProfile *selectedTokenProfile() const;

    // The renewal journey owns the screen while it runs; when it ends, the token is read again
    // so that the table shows the statuses it left behind.
    void setJourneyActive(bool active);
    bool journeyActive() const { return m_journeyActive; }
    // The bank's reachability (BankMonitor): out of service while it is down, unless a client
    // is in the middle of a journey (the journey shows its own error).
    void setBankReachable(bool reachable);
    // The idle timeout: back to the attract screen; the token still inserted is ignored
    // until it is removed.
    void endSession();

    // The presence input, public so that tests can drive it without devices: every token
    // ready (one or two), or the one token of the single-place tests.
    void onTokens(PresenceState state, const QVector<TokenInfo> &tokens, const Error &error);
    void onPresence(PresenceState state, const std::optional<TokenInfo> &token, const Error &error);
    // Re-emits texts after a language switch.
    void retranslate();

signals:
    void screenChanged();
    void tokenChanged();
    void selectedProfileChanged();
    void tokenLeft(const QString &serial); // before the screen changes: journeys abort first
    void actRequested(const QByteArray &certDer);
    void staffTokenInserted(const kk::TokenInfo &token);
    void clientTokenRead(); // the client's token's table is (re)read: token(), profiles()
    void staffTokenLeft(const QString &serial);

private:
    void show(KioskScreen screen, ErrorCode code = ErrorCode::None);
    void readToken(const TokenInfo &token);
    bool isStaffToken(const QVector<TokenProfile> &profiles) const;
    void showProfiles(const TokenInfo &token, const QVector<TokenKeyEntry> &entries,
                      const QVector<TokenProfile> &profiles);
    int rowOf(const QByteArray &profileKeyId) const;
    void applyScreen();
    void reconcileJournal(const TokenInfo &token, const QVector<TokenKeyEntry> &entries);
    void logTable() const;
    void applyPresence();

    TokenService *m_tokens;
    StatusPolicy m_policy;
    Journal *m_journal;
    ActSaved m_actSaved;
    bool m_journeyInterrupted = false;
    QVector<bool> m_renewedHere; // per row: a kiosk renewal installed its certificate
    KioskScreen m_screen = KioskScreen::InsertToken;
    ErrorCode m_code = ErrorCode::None;
    bool m_tokenWasRemoved = false;
    std::optional<TokenInfo> m_token;      // the client's: its profiles are on the table
    std::optional<TokenInfo> m_staffToken; // the staff member's, while it is in
    QString m_staffPolicy;
    QHash<QString, quint64> m_reading; // tokens being read, by serial: their read's number
    QStringList m_extraClients;        // client tokens beyond the first: one too many
    bool m_tableReady = false;         // m_token's profiles are read
    bool m_sittingActive = false;
    ErrorCode m_readError = ErrorCode::None; // the last read failed: the message says why
    quint64 m_readGeneration = 0;            // a read that finishes after its token left is dropped
    ProfileModel m_profiles;
    int m_selectedProfile = 0;
    bool m_journeyActive = false;
    bool m_bankReachable = true;
    bool m_sessionTimedOut = false;
    // The last presence report, re-applied when the bank comes back or a journey ends.
    PresenceState m_presenceState = PresenceState::Starting;
    QVector<TokenInfo> m_presenceTokens;
    Error m_presenceError;
};

} // namespace kk
