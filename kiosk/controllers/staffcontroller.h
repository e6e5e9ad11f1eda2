#pragma once
// Staff mode (docs/architecture.md, "Staff mode"): a staff member's token in its place, their
// PIN on the same pad, and their certificate's role checked; then a banner with their name,
// a button to end staff mode, its own idle timeout, and the recovery cases for the client's
// profile. Removing the staff token ends staff mode, and a staff journey under way with it.
// QML shows these properties and calls the invokables; the session itself stays in C++.

#include "keykiosk/enums.h"
#include "keykiosk/token/tokentypes.h"

#include <QObject>
#include <QVariantList>

#include <memory>
#include <optional>

namespace kk {

class KioskController;
class JourneyController;
class IdleWatch;
class StaffSession;

class StaffController : public QObject
{
    Q_OBJECT
    // Logged in: the banner shows, and the token screen offers the recovery cases.
    Q_PROPERTY(bool active READ active NOTIFY changed)
    // The staff token is in its place (logged in or not).
    Q_PROPERTY(bool tokenPresent READ tokenPresent NOTIFY changed)
    Q_PROPERTY(QString name READ name NOTIFY changed)
    Q_PROPERTY(QString title READ title NOTIFY changed)
    // The recovery cases for the client's selected profile (kk::RecoveryCase values).
    Q_PROPERTY(QVariantList recoveryCases READ recoveryCases NOTIFY casesChanged)
    // The client's PIN is locked: nothing on this token can be used; staff replace the token.
    Q_PROPERTY(bool clientPinLocked READ clientPinLocked NOTIFY casesChanged)
    // What the token screen says under the selected profile, for the client or for staff.
    Q_PROPERTY(kk::ActionHint actionHint READ actionHint NOTIFY hintChanged)
    // Staff mode's own idle countdown, shown in the banner.
    Q_PROPERTY(bool countingDown READ countingDown NOTIFY idleChanged)
    Q_PROPERTY(int secondsLeft READ secondsLeft NOTIFY idleChanged)
public:
    StaffController(KioskController *kiosk, JourneyController *journey, IdleWatch *idle,
                    QObject *parent = nullptr);
    ~StaffController() override;

    bool active() const { return bool(m_session); }
    bool tokenPresent() const { return m_token.has_value(); }
    QString name() const;
    QString title() const;
    QVariantList recoveryCases() const;
    bool clientPinLocked() const;
    ActionHint actionHint() const;
    bool countingDown() const;
    int secondsLeft() const;
    std::shared_ptr<StaffSession> session() const { return m_session; }

    // The staff PIN pad (also opened by itself when the staff token is inserted).
    Q_INVOKABLE void logIn();
    Q_INVOKABLE void endStaffMode();
    // One of recoveryCases for the client's selected profile: the checklist comes first.
    Q_INVOKABLE void beginRecovery(int recoveryCase);

    // The staff login journey hands the session over (JourneyServices::staffLoggedIn).
    void setSession(std::shared_ptr<StaffSession> session);

signals:
    void changed();
    void casesChanged();
    void hintChanged();
    void idleChanged();
    void recoveryStarted(kk::RecoveryCase recoveryCase);

private:
    void end(const char *why);

    KioskController *m_kiosk;
    JourneyController *m_journey;
    IdleWatch *m_idle;
    std::optional<TokenInfo> m_token;
    std::shared_ptr<StaffSession> m_session;
};

} // namespace kk
