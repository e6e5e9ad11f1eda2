#pragma once
// Which screen to show, from token presence, and the token's profile table. Plain logic:
// tested without QML (tests/kiosk), exposed to QML as a singleton instance.

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/enums.h"
#include "keykiosk/errors.h"
#include "keykiosk/token/tokentypes.h"
#include "models/profilemodel.h"

#include <QObject>

#include <optional>

namespace kk {

class TokenService;
class TokenPresence;

class KioskController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(kk::KioskScreen screen READ screen NOTIFY screenChanged)
    Q_PROPERTY(QString message READ message NOTIFY screenChanged)
    Q_PROPERTY(QString errorId READ errorId NOTIFY screenChanged)
    Q_PROPERTY(bool tokenWasRemoved READ tokenWasRemoved NOTIFY screenChanged)
    Q_PROPERTY(QString tokenLabel READ tokenLabel NOTIFY tokenChanged)
    Q_PROPERTY(QString tokenSerial READ tokenSerial NOTIFY tokenChanged)
    Q_PROPERTY(kk::ProfileModel *profiles READ profiles CONSTANT)
    Q_PROPERTY(int selectedProfile READ selectedProfile WRITE setSelectedProfile NOTIFY
                   selectedProfileChanged)
public:
    KioskController(TokenService *tokens, TokenPresence *presence, StatusPolicy policy,
                    QObject *parent = nullptr);

    KioskScreen screen() const { return m_screen; }
    QString message() const;
    QString errorId() const;
    bool tokenWasRemoved() const { return m_tokenWasRemoved; }
    QString tokenLabel() const { return m_token ? m_token->label : QString(); }
    QString tokenSerial() const { return m_token ? m_token->serial : QString(); }
    ProfileModel *profiles() { return &m_profiles; }
    int selectedProfile() const { return m_selectedProfile; }
    void setSelectedProfile(int row);

    // The presence input, public so that tests can drive it without devices.
    void onPresence(PresenceState state, const std::optional<TokenInfo> &token, const Error &error);
    // Re-emits texts after a language switch.
    void retranslate();

signals:
    void screenChanged();
    void tokenChanged();
    void selectedProfileChanged();

private:
    void show(KioskScreen screen, ErrorCode code = ErrorCode::None);
    void readToken(const TokenInfo &token);

    TokenService *m_tokens;
    StatusPolicy m_policy;
    KioskScreen m_screen = KioskScreen::InsertToken;
    ErrorCode m_code = ErrorCode::None;
    bool m_tokenWasRemoved = false;
    std::optional<TokenInfo> m_token;
    quint64 m_readGeneration = 0; // a read that finishes after the token left is dropped
    ProfileModel m_profiles;
    int m_selectedProfile = 0;
};

} // namespace kk
