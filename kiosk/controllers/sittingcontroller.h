#pragma once
// A signers' sitting at the kiosk (docs/architecture.md, "Sittings"): started from the token
// screen (or in staff mode) for the selected profile's organization; then a board of the
// organization's signers, each renewing with their own token in turn. The board follows the
// tokens (a token of another organization is refused, the same token is the same signer) and
// each signer's journey; it is journalled after every change, so a crash or an idle timeout
// brings it back as it was. Between signers nothing of the last one stays: the journey's
// context and the PIN pad are wiped and the token's sessions and libp11 slots let go.
// Finishing prints a one-page summary (and keeps it for staff).

#include "keykiosk/journey/sitting.h"

#include <QObject>
#include <QVariantList>

#include <optional>

namespace kk {

class KioskController;
class JourneyController;
class JourneyRunner;
class StaffController;
class ActController;
class Journal;

class SittingController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool active READ active NOTIFY changed)
    Q_PROPERTY(QString id READ id NOTIFY changed)
    Q_PROPERTY(QString organization READ organization NOTIFY changed)
    Q_PROPERTY(QString inn READ inn NOTIFY changed)
    // Each signer: owner, title, status (kk::SignerStatus), statusText, reason, requestNumber,
    // present (their token is in), action (kk::SignerAction).
    Q_PROPERTY(QVariantList signers READ signers NOTIFY changed)
    // A token that could not join (another organization), in the kiosk's language; empty if none.
    Q_PROPERTY(QString notice READ notice NOTIFY changed)
    // The token screen can start a sitting for the selected profile (its certificate names
    // an organization).
    Q_PROPERTY(bool canStart READ canStart NOTIFY canStartChanged)
    Q_PROPERTY(QString summaryPath READ summaryPath NOTIFY changed)
public:
    SittingController(KioskController *kiosk, JourneyController *journey, JourneyRunner *runner,
                      StaffController *staff, ActController *act, Journal *journal,
                      QObject *parent = nullptr);

    bool active() const { return m_sitting.has_value(); }
    QString id() const { return m_sitting ? m_sitting->id : QString(); }
    QString organization() const { return m_sitting ? m_sitting->organization.name : QString(); }
    QString inn() const { return m_sitting ? m_sitting->organization.inn : QString(); }
    QVariantList signers() const;
    QString notice() const;
    bool canStart() const;
    QString summaryPath() const { return m_summaryPath; }
    const std::optional<Sitting> &sitting() const { return m_sitting; }
    SignerAction actionFor(int row) const;

    Q_INVOKABLE void start();
    Q_INVOKABLE void act(int row); // the row's action: renew, pick up, or (staff) recover
    Q_INVOKABLE void finish();     // the summary is printed and kept; the board closes
    Q_INVOKABLE QString statusText(int status) const;
    void retranslate() { emit changed(); }

signals:
    void changed();
    void canStartChanged();

private:
    void onTokenRead();
    void onTokenLeft(const QString &serial);
    void onJourney();
    void save();
    void saveIf(const QVector<SittingSigner> &before); // only when the board changed
    void activate();

    KioskController *m_kiosk;
    JourneyController *m_journey;
    JourneyRunner *m_runner;
    StaffController *m_staff;
    ActController *m_act;
    Journal *m_journal;
    std::optional<Sitting> m_sitting;
    QString m_refusedOrganization; // the last token that could not join, for the notice
    QString m_summaryPath;
};

} // namespace kk
