#include "keykiosk/journey/realgateways.h"

#include "keykiosk/logging.h"
#include "keykiosk/token/tokenthreadkey.h"

#include <mutex>

namespace kk {

namespace {

// One renewal's RenewalKeys, which live and die on the token thread.
class Pkcs11RenewalSession : public RenewalSession
{
public:
    Pkcs11RenewalSession(TokenService *tokens, std::unique_ptr<RenewalKeys> keys)
        : m_tokens(tokens), m_keys(std::move(keys))
    {
    }
    ~Pkcs11RenewalSession() override
    {
        // Closed on the token thread: the session, the libp11 keys and slots (and with them
        // libp11's copy of the PIN).
        std::shared_ptr<RenewalKeys> keys(std::move(m_keys));
        m_tokens->post([keys](TokenContext &) mutable { keys.reset(); });
    }

    void generateKey(const QByteArray &seed, QObject *receiver,
                     Done<Expected<QByteArray>> done) override
    {
        onToken<Expected<QByteArray>>(
            receiver,
            [seed](RenewalKeys &keys) -> Expected<QByteArray> {
                if (Error e = keys.generateKey(seed))
                    return e;
                return keys.newKeyId();
            },
            std::move(done));
    }
    void markAccepted(QObject *receiver, Done<Error> done) override
    {
        onToken<Error>(
            receiver, [](RenewalKeys &keys) { return keys.markAccepted(); }, std::move(done));
    }
    void retireOldKey(QObject *receiver, Done<Error> done) override
    {
        onToken<Error>(
            receiver, [](RenewalKeys &keys) { return keys.retireOldKey(); }, std::move(done));
    }
    void dropNewKey(QObject *receiver, Done<Error> done) override
    {
        onToken<Error>(
            receiver, [](RenewalKeys &keys) { return keys.dropNewKey(); }, std::move(done));
    }

    Error storeCertificate(const QByteArray &certDer) override
    {
        Error result(ErrorCode::Internal, QStringLiteral("the token service is shutting down"));
        m_tokens->call([&](TokenContext &) { result = m_keys->storeCertificate(certDer); });
        return result;
    }
    SigningKeys signingKeys() override
    {
        SigningKeys keys;
        keys.error =
            Error(ErrorCode::Internal, QStringLiteral("the token service is shutting down"));
        m_tokens->call([&](TokenContext &) {
            if (!m_keys->currentCertificate() || !m_keys->currentKey() || !m_keys->newKey()) {
                keys.error = Error(ErrorCode::Internal, QStringLiteral("the keys are not loaded"));
                return;
            }
            keys.currentCertificate.reset(X509_dup(m_keys->currentCertificate()));
            keys.currentKey = tokenThreadKey(m_keys->currentKey(), m_tokens);
            keys.newKey = tokenThreadKey(m_keys->newKey(), m_tokens);
            keys.error = keys.currentCertificate && keys.currentKey && keys.newKey
                             ? Error()
                             : Error(ErrorCode::Internal,
                                     QStringLiteral("the token's keys cannot sign for the bank"));
        });
        return keys;
    }

private:
    template <typename Result, typename Job>
    void onToken(QObject *receiver, Job job, Done<Result> done)
    {
        RenewalKeys *keys = m_keys.get(); // lives until this session's release job, after these
        m_tokens->run<Result>(
            receiver, [keys, job](TokenContext &) { return job(*keys); }, std::move(done));
    }

    TokenService *m_tokens;
    std::unique_ptr<RenewalKeys> m_keys;
};

// One CMP transaction on the bank's threads.
class CmpExchange : public BankExchange, public std::enable_shared_from_this<CmpExchange>
{
public:
    CmpExchange(BankService *bank, CmpEndpoint endpoint, std::shared_ptr<RenewalSession> session,
                CertificateSink sink)
        : m_bank(bank), m_endpoint(std::move(endpoint)), m_session(std::move(session)),
          m_sink(std::move(sink))
    {
    }
    ~CmpExchange() override
    {
        m_update.reset(); // its keys sign with the session's, which may go next
    }

    void step(QObject *receiver, Done<EnrollStep> done) override
    {
        auto self = shared_from_this(); // alive until the exchange step ends, whatever happens
        m_bank->run<EnrollStep>(
            receiver, [self] { return self->stepHere(); }, std::move(done));
    }

private:
    EnrollStep stepHere()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_update) {
            RenewalSession::SigningKeys keys = m_session->signingKeys();
            if (keys.error) {
                EnrollStep failed;
                failed.error = keys.error;
                return failed;
            }
            m_update =
                std::make_unique<KeyUpdate>(m_endpoint, keys.currentCertificate.get(),
                                            keys.currentKey.get(), keys.newKey.get(), m_sink);
        }
        return m_update->step();
    }

    BankService *m_bank;
    CmpEndpoint m_endpoint;
    std::shared_ptr<RenewalSession> m_session;
    CertificateSink m_sink;
    std::mutex m_mutex;
    std::unique_ptr<KeyUpdate> m_update;
};

} // namespace

Pkcs11TokenGateway::Pkcs11TokenGateway(TokenService *tokens, RenewalOptions options)
    : m_tokens(tokens), m_options(options)
{
}

void Pkcs11TokenGateway::checkPin(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin,
                                  QObject *receiver, Done<LoginOutcome> done)
{
    const unsigned long slot = token.slotId;
    m_tokens->run<LoginOutcome>(
        receiver,
        [slot, pin](TokenContext &context) -> LoginOutcome {
            auto module = context.module();
            if (!module)
                return LoginOutcome{module.error(), PinState::Ok};
            auto session = module.value()->openSession(slot, false);
            if (!session)
                return LoginOutcome{session.error(), PinState::Ok};
            return session.value()->login(*pin);
        },
        std::move(done));
}

void Pkcs11TokenGateway::openRenewal(const TokenInfo &token, const QByteArray &profileKeyId,
                                     std::shared_ptr<SecureBuffer> pin, QObject *receiver,
                                     Done<OpenedRenewal> done)
{
    TokenService *tokens = m_tokens;
    const RenewalOptions options = m_options;
    m_tokens->run<OpenedRenewal>(
        receiver,
        [tokens, token, profileKeyId, pin, options](TokenContext &context) -> OpenedRenewal {
            auto keys = std::make_unique<RenewalKeys>(context, token, profileKeyId, options);
            auto facts = keys->open(*pin);
            if (!facts)
                return OpenedRenewal{nullptr, {}, facts.error()}; // closed here, on this thread
            return OpenedRenewal{
                std::make_shared<Pkcs11RenewalSession>(tokens, std::move(keys)), facts.value(), {}};
        },
        std::move(done));
}

CmpBankGateway::CmpBankGateway(BankService *bank, CmpEndpoint endpoint)
    : m_bank(bank), m_endpoint(std::move(endpoint))
{
}

std::shared_ptr<BankExchange> CmpBankGateway::keyUpdate(std::shared_ptr<RenewalSession> session,
                                                        CertificateSink sink)
{
    return std::make_shared<CmpExchange>(m_bank, m_endpoint, std::move(session), std::move(sink));
}

} // namespace kk
