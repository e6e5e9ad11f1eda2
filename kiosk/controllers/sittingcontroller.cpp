#include "sittingcontroller.h"

#include "actcontroller.h"
#include "journeycontroller.h"
#include "kioskcontroller.h"
#include "staffcontroller.h"

#include "keykiosk/journal/journal.h"
#include "keykiosk/journey/recovery.h"
#include "keykiosk/journey/runner.h"
#include "keykiosk/languagetext.h"
#include "keykiosk/logging.h"

#include <QCoreApplication>
#include <QMetaEnum>

namespace kk {

SittingController::SittingController(KioskController *kiosk, JourneyController *journey,
                                     JourneyRunner *runner, StaffController *staff,
                                     ActController *act, Journal *journal, QObject *parent)
    : QObject(parent), m_kiosk(kiosk), m_journey(journey), m_runner(runner), m_staff(staff),
      m_act(act), m_journal(journal)
{
    connect(m_kiosk, &KioskController::clientTokenRead, this, &SittingController::onTokenRead);
    connect(m_kiosk, &KioskController::tokenLeft, this, &SittingController::onTokenLeft);
    connect(m_kiosk, &KioskController::selectedProfileChanged, this,
            &SittingController::canStartChanged);
    connect(m_kiosk, &KioskController::screenChanged, this, &SittingController::changed);
    connect(m_journey, &JourneyController::screenChanged, this, &SittingController::onJourney);
    if (m_staff)
        connect(m_staff, &StaffController::changed, this, &SittingController::changed);
    // A sitting left open (a crash, a restart) comes back as it was; whoever was mid-way
    // waits for their token again.
    if (m_journal) {
        auto open = m_journal->openSitting();
        if (!open)
            qCWarning(lcKiosk) << open.error().logText();
        else if (open.value()) {
            m_sitting = *open.value();
            for (const SittingSigner &signer : m_sitting->signers)
                m_sitting->tokenLeft(signer.tokenSerial);
            qCInfo(lcKiosk) << "sitting" << m_sitting->id << "of" << m_sitting->organization.name
                            << "reopened with" << m_sitting->signers.size() << "signer(s)";
            for (int row = 0; row < m_sitting->signers.size(); ++row)
                qCInfo(lcKiosk).noquote()
                    << QStringLiteral("sitting %1: signer %2 %3 (reopened)")
                           .arg(m_sitting->id)
                           .arg(row + 1)
                           .arg(QString::fromLatin1(QMetaEnum::fromType<SignerStatus>().valueToKey(
                               int(m_sitting->signers[row].status))));
            activate();
        }
    }
}

void SittingController::activate()
{
    m_journey->setSitting(m_sitting ? m_sitting->id : QString());
    m_kiosk->setSittingActive(m_sitting.has_value());
    emit changed();
}

bool SittingController::canStart() const
{
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    return !m_sitting && m_kiosk->token() && profile && !profile->entry.certificateDer.isEmpty() &&
           Organization::of(profile->certificate).isValid() && !m_kiosk->journeyActive();
}

void SittingController::start()
{
    if (!canStart())
        return;
    const TokenProfile *profile = m_kiosk->selectedTokenProfile();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Sitting sitting;
    sitting.id = Sitting::newId(now);
    sitting.organization = Organization::of(profile->certificate);
    sitting.started = now;
    sitting.admit(*m_kiosk->token(), m_kiosk->profiles()->profiles(), now);
    m_sitting = sitting;
    m_refusedOrganization.clear();
    m_summaryPath.clear();
    qCInfo(lcKiosk) << "sitting" << sitting.id << "started for" << sitting.organization.name
                    << "INN" << sitting.organization.inn;
    save();
    activate();
}

void SittingController::onTokenRead()
{
    if (!m_sitting || !m_kiosk->token())
        return;
    const TokenInfo token = *m_kiosk->token();
    const QVector<SittingSigner> before = m_sitting->signers;
    const Sitting::Admission admission =
        m_sitting->admit(token, m_kiosk->profiles()->profiles(), QDateTime::currentDateTimeUtc());
    if (admission == Sitting::Admission::OtherOrganization) {
        const TokenProfile *first = m_kiosk->profiles()->profiles().isEmpty()
                                        ? nullptr
                                        : &m_kiosk->profiles()->profiles().first();
        m_refusedOrganization = first && !first->certificate.organization.isEmpty()
                                    ? first->certificate.organization
                                    : QStringLiteral("?");
        qCInfo(lcKiosk) << "sitting" << m_sitting->id << ": token" << token.serial
                        << "belongs to another organization";
    } else {
        m_refusedOrganization.clear();
    }
    saveIf(before);
    emit changed();
}

void SittingController::onTokenLeft(const QString &serial)
{
    if (!m_sitting)
        return;
    // Nothing of this signer stays for the next: their journey ended with the token (its
    // context wiped, the PIN pad cleared, the sessions closed, and with the last key user
    // gone libp11's slots released: TokenKeyStore::release).
    const QVector<SittingSigner> before = m_sitting->signers;
    m_sitting->tokenLeft(serial);
    m_refusedOrganization.clear();
    saveIf(before);
    emit changed();
}

void SittingController::onJourney()
{
    if (!m_sitting)
        return;
    const JourneyContext &context = m_runner->context();
    if (context.sitting != m_sitting->id || m_journey->kind() == JourneyKind::StaffLogin)
        return;
    int row = m_sitting->indexOf(context.token.serial, context.profileKeyId);
    if (row < 0 && !context.newKeyId.isEmpty()) // the new key set is in operation already
        row = m_sitting->indexOf(context.token.serial, context.newKeyId);
    if (row < 0)
        return;
    SittingSigner &signer = m_sitting->signers[row];
    const SittingSigner before = signer;
    if (!context.requestNumber.isEmpty())
        signer.requestNumber = context.requestNumber;
    switch (m_runner->state()) {
    case WorkflowState::Idle:
        break;
    case WorkflowState::WithBank:
        signer.status = SignerStatus::SignerWithBank;
        break;
    case WorkflowState::CertificateReceived:
    case WorkflowState::Finished:
        signer.status = SignerStatus::SignerCertificateReceived;
        signer.certificateDer = context.newCertificate;
        signer.reason.clear();
        if (!context.newKeyId.isEmpty()) // the profile goes on under its new key set
            signer.profileKeyId = context.newKeyId;
        break;
    case WorkflowState::Refused:
        signer.status = SignerStatus::SignerRefused;
        signer.reason = context.bankText;
        break;
    case WorkflowState::Error:
    case WorkflowState::Cancelled:
        // The request stays with the bank if it got there; otherwise they may start again
        // (the token's next reading says exactly what is on it).
        signer.status =
            picksUp(context.lifecycle) ? SignerStatus::SignerWithBank : SignerStatus::SignerReady;
        break;
    default:
        signer.status = SignerStatus::SignerRenewing;
        break;
    }
    if (signer == before)
        return; // a journey's step that changes nothing on the board writes nothing
    if (signer.status != before.status)
        qCInfo(lcKiosk).noquote() << QStringLiteral("sitting %1: signer %2 %3")
                                         .arg(m_sitting->id)
                                         .arg(row + 1)
                                         .arg(QString::fromLatin1(
                                             QMetaEnum::fromType<SignerStatus>().valueToKey(
                                                 int(signer.status))));
    save();
    emit changed();
}

SignerAction SittingController::actionFor(int row) const
{
    if (!m_sitting || row < 0 || row >= m_sitting->signers.size() || !m_kiosk->clientTokenReady() ||
        m_kiosk->journeyActive())
        return SignerAction::SignerNoAction;
    const SittingSigner &signer = m_sitting->signers[row];
    if (signer.tokenSerial != m_kiosk->token()->serial)
        return SignerAction::SignerNoAction;
    const TokenProfile *profile = m_kiosk->profileFor(signer.profileKeyId);
    if (!profile)
        return SignerAction::SignerNoAction;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const PinState pinState = m_kiosk->token()->pinState;
    if (signer.status == SignerStatus::SignerNeedsStaff) {
        const bool staff =
            m_staff && m_staff->active() && !recoveryCasesFor(*profile, pinState, now).isEmpty();
        return staff ? SignerAction::SignerRecover : SignerAction::SignerNoAction;
    }
    switch (offerFor({profile, pinState, now})) {
    case RenewalAction::PickUp:
        return SignerAction::SignerPickUp;
    case RenewalAction::Renew:
    case RenewalAction::NewRequest:
        return signer.status == SignerStatus::SignerNothingToDo ||
                       signer.status == SignerStatus::SignerCertificateReceived
                   ? SignerAction::SignerNoAction
                   : SignerAction::SignerRenew;
    default:
        return SignerAction::SignerNoAction;
    }
}

void SittingController::act(int row)
{
    const SignerAction action = actionFor(row);
    if (action == SignerAction::SignerNoAction)
        return;
    const SittingSigner &signer = m_sitting->signers[row];
    if (!m_kiosk->selectProfile(signer.profileKeyId))
        return;
    if (action == SignerAction::SignerRecover) {
        const auto cases = m_staff->recoveryCases();
        if (!cases.isEmpty())
            m_staff->beginRecovery(cases.first().toInt());
        return;
    }
    m_journey->begin();
}

void SittingController::finish()
{
    if (!m_sitting || m_kiosk->journeyActive())
        return;
    SittingSummary summary;
    summary.id = m_sitting->id;
    summary.organization = m_sitting->organization.name;
    summary.inn = m_sitting->organization.inn;
    summary.date = QDate::currentDate();
    for (const SittingSigner &signer : m_sitting->signers) {
        SittingSummary::Row row;
        row.owner = signer.owner;
        row.title = signer.title;
        row.status = statusText(int(signer.status));
        row.requestNumber = signer.requestNumber;
        row.note = signer.status == SignerStatus::SignerRefused ? textInUiLanguage(signer.reason)
                                                                : QString();
        if (!signer.certificateDer.isEmpty()) {
            auto parsed = parseCertificate(signer.certificateDer);
            if (parsed)
                row.certificateSerial = parsed->serialHex;
        }
        summary.rows << row;
    }
    if (m_act)
        m_summaryPath = m_act->printSummary(summary);
    m_sitting->closed = QDateTime::currentDateTimeUtc();
    save();
    qCInfo(lcKiosk) << "sitting" << m_sitting->id << "finished:" << m_sitting->settled() << "of"
                    << m_sitting->signers.size() << "signer(s) settled; summary" << m_summaryPath;
    m_sitting.reset();
    m_refusedOrganization.clear();
    activate();
}

void SittingController::saveIf(const QVector<SittingSigner> &before)
{
    if (m_sitting->signers != before)
        save();
}

void SittingController::save()
{
    if (!m_sitting || !m_journal)
        return;
    // A journal that cannot be written costs the board after a crash, nothing else: the
    // tokens and the bank still hold every signer's renewal.
    if (Error e = m_journal->saveSitting(*m_sitting))
        qCWarning(lcKiosk) << e.logText();
}

QVariantList SittingController::signers() const
{
    QVariantList rows;
    if (!m_sitting)
        return rows;
    const auto token = m_kiosk->token();
    for (int i = 0; i < m_sitting->signers.size(); ++i) {
        const SittingSigner &s = m_sitting->signers[i];
        QVariantMap row;
        row.insert(QStringLiteral("owner"), s.owner);
        row.insert(QStringLiteral("title"), s.title);
        row.insert(QStringLiteral("status"), int(s.status));
        row.insert(QStringLiteral("statusText"), statusText(int(s.status)));
        row.insert(QStringLiteral("reason"), textInUiLanguage(s.reason));
        row.insert(QStringLiteral("requestNumber"), s.requestNumber);
        row.insert(QStringLiteral("present"), token && token->serial == s.tokenSerial);
        row.insert(QStringLiteral("action"), int(actionFor(i)));
        rows << row;
    }
    return rows;
}

QString SittingController::notice() const
{
    if (m_refusedOrganization.isEmpty() || !m_sitting)
        return {};
    return QCoreApplication::translate(
               "Sitting", "This token belongs to another organization (%1). It cannot join the "
                          "sitting of %2: please take it out.")
        .arg(m_refusedOrganization, m_sitting->organization.name);
}

QString SittingController::statusText(int status) const
{
    switch (SignerStatus(status)) {
    case SignerStatus::SignerWaitingForToken:
        return QCoreApplication::translate("Sitting", "waiting for their token");
    case SignerStatus::SignerReading:
        return QCoreApplication::translate("Sitting", "reading the token");
    case SignerStatus::SignerReady:
        return QCoreApplication::translate("Sitting", "ready to renew");
    case SignerStatus::SignerRenewing:
        return QCoreApplication::translate("Sitting", "renewing");
    case SignerStatus::SignerWithBank:
        return QCoreApplication::translate("Sitting", "accepted by the bank");
    case SignerStatus::SignerCertificateReceived:
        return QCoreApplication::translate("Sitting", "certificate received");
    case SignerStatus::SignerRefused:
        return QCoreApplication::translate("Sitting", "refused");
    case SignerStatus::SignerNeedsStaff:
        return QCoreApplication::translate("Sitting", "needs the staff");
    case SignerStatus::SignerNothingToDo:
        return QCoreApplication::translate("Sitting", "in operation: nothing to renew");
    }
    return {};
}

} // namespace kk
