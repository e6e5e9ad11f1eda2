#pragma once
// The renewal journey on the real gateways (PKCS#11 on the token thread, CMP on the bank's
// threads), driven with the calls the kiosk's controller makes, for the integration tests.
#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/journey/realgateways.h"
#include "keykiosk/journey/runner.h"

#include <QtTest>

namespace kk::test {

// A journey runner over the real gateways, with the calls the kiosk's controller makes.
class Renewal
{
public:
    Renewal(TokenService *tokens, Journal *journal, CmpEndpoint endpoint)
        : m_tokens(tokens), m_journal(journal), m_tokenGateway(tokens),
          m_bankGateway(&m_bank, std::move(endpoint)),
          m_runner(JourneyServices{&m_tokenGateway, &m_bankGateway, journal})
    {
    }
    // Starts where the token says the profile's renewal is, as the token screen does.
    void start(const TokenInfo &token, const QByteArray &profileKeyId)
    {
        std::optional<TokenProfile> profile;
        QObject receiver;
        const unsigned long slot = token.slotId;
        m_tokens->run<std::optional<TokenProfile>>(
            &receiver,
            [slot, profileKeyId](TokenContext &context) -> std::optional<TokenProfile> {
                auto session = context.module().value()->openSession(slot, false);
                const auto entries = session.value()->keyEntries().value();
                for (const TokenProfile &p :
                     deriveProfiles(entries, QDateTime::currentDateTimeUtc(), {})) {
                    if (p.renewal.currentKeyId == profileKeyId)
                        return p;
                }
                return std::nullopt;
            },
            [&profile](std::optional<TokenProfile> p) { profile = p ? p : TokenProfile(); });
        QTRY_VERIFY(profile.has_value());
        m_resuming = picksUp(profile->lifecycle); // as JourneyController: the bank holds it
        m_runner.start(renewalJourney(), contextFor(token, *profile, m_journal));
    }
    WorkflowState state() const { return m_runner.state(); }
    void confirm() { m_runner.input(Outcome::Confirmed); }
    void submitPin(SecureBuffer pin) { m_runner.submitPin(std::move(pin)); }
    void entropyReady(const QByteArray &seed) { m_runner.entropyReady(seed); }
    void cancel() { m_runner.cancel(); }
    void tokenRemoved(const QString &serial) { m_runner.tokenRemoved(serial); }
    bool resuming() const { return m_resuming; }
    PinState pinState() const { return m_runner.context().pinState; }
    QString errorId() const
    {
        const Error &error = m_runner.context().error;
        return error ? kk::errorId(error.code) : QString();
    }
    QString message() const { return m_runner.context().bankText; }
    JourneyRunner &runner() { return m_runner; }

private:
    TokenService *m_tokens;
    Journal *m_journal;
    BankService m_bank;
    Pkcs11TokenGateway m_tokenGateway;
    CmpBankGateway m_bankGateway;
    JourneyRunner m_runner;
    bool m_resuming = false;
};

} // namespace kk::test
