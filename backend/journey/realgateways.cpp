#include "keykiosk/journey/realgateways.h"

#include "keykiosk/enroll/staffkeys.h"
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
    void markRefused(QObject *receiver, Done<Error> done) override
    {
        onToken<Error>(
            receiver, [](RenewalKeys &keys) { return keys.markRefused(); }, std::move(done));
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
            if (!m_keys->newKey()) {
                keys.error = Error(ErrorCode::Internal, QStringLiteral("the keys are not loaded"));
                return;
            }
            // A first key has no current one: only the new key signs (its proof of possession).
            if (m_keys->currentCertificate() && m_keys->currentKey()) {
                keys.currentCertificate.reset(X509_dup(m_keys->currentCertificate()));
                keys.currentKey = tokenThreadKey(m_keys->currentKey(), m_tokens);
            }
            keys.newKey = tokenThreadKey(m_keys->newKey(), m_tokens);
            keys.error = keys.newKey && (keys.currentKey || !m_keys->currentKey())
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

// A staff member's StaffKeys, which live and die on the token thread; staff mode holds it
// for as long as it lasts, and a staff-authorized journey while it runs.
class Pkcs11StaffSession : public StaffSession
{
public:
    Pkcs11StaffSession(TokenService *tokens, std::unique_ptr<StaffKeys> keys)
        : m_tokens(tokens), m_keys(std::move(keys)), m_name(m_keys->name()),
          m_title(m_keys->title()), m_certificateSerial(m_keys->certificateSerial()),
          m_tokenSerial(m_keys->token().serial)
    {
    }
    ~Pkcs11StaffSession() override
    {
        // Logged out on the token thread: libp11 wipes its copy of the staff PIN.
        std::shared_ptr<StaffKeys> keys(std::move(m_keys));
        m_tokens->post([keys](TokenContext &) mutable { keys.reset(); });
    }
    QString name() const override { return m_name; }
    QString title() const override { return m_title; }
    QString certificateSerial() const override { return m_certificateSerial; }
    QString tokenSerial() const override { return m_tokenSerial; }
    RenewalSession::SigningKeys signingKeys() override
    {
        RenewalSession::SigningKeys keys;
        keys.error =
            Error(ErrorCode::Internal, QStringLiteral("the token service is shutting down"));
        m_tokens->call([&](TokenContext &) {
            keys.currentCertificate.reset(X509_dup(m_keys->certificate()));
            keys.currentKey = tokenThreadKey(m_keys->key(), m_tokens);
            keys.error = keys.currentCertificate && keys.currentKey
                             ? Error()
                             : Error(ErrorCode::Internal,
                                     QStringLiteral("the staff key cannot sign for the bank"));
        });
        return keys;
    }

private:
    TokenService *m_tokens;
    std::unique_ptr<StaffKeys> m_keys;
    QString m_name, m_title, m_certificateSerial, m_tokenSerial;
};

// One CMP transaction on the bank's threads: a key update, or (with a staff session) an
// initial request.
class CmpExchange : public BankExchange, public std::enable_shared_from_this<CmpExchange>
{
public:
    CmpExchange(BankService *bank, CmpEndpoint endpoint, std::shared_ptr<RenewalSession> session,
                CertificateSink sink, std::shared_ptr<StaffSession> staff = {},
                std::optional<InitialRequestInfo> recovery = {}, QString sitting = {})
        : m_bank(bank), m_endpoint(std::move(endpoint)), m_session(std::move(session)),
          m_sink(std::move(sink)), m_staff(std::move(staff)), m_recovery(std::move(recovery)),
          m_sitting(std::move(sitting))
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
            EnrollStep failed;
            RenewalSession::SigningKeys keys = m_session->signingKeys();
            if (keys.error) {
                failed.error = keys.error;
                return failed;
            }
            if (m_recovery) {
                RenewalSession::SigningKeys staff = m_staff->signingKeys();
                if (staff.error) {
                    failed.error = staff.error;
                    return failed;
                }
                m_update = std::make_unique<InitialRequest>(
                    m_endpoint, staff.currentCertificate.get(), staff.currentKey.get(),
                    keys.newKey.get(), *m_recovery, m_sink);
            } else if (!keys.currentCertificate || !keys.currentKey) {
                failed.error = Error(ErrorCode::NoCertificate,
                                     QStringLiteral("a key update needs the current certificate"));
                return failed;
            } else {
                m_update = std::make_unique<KeyUpdate>(m_endpoint, keys.currentCertificate.get(),
                                                       keys.currentKey.get(), keys.newKey.get(),
                                                       m_sink, m_sitting);
            }
        }
        return m_update->step();
    }

    BankService *m_bank;
    CmpEndpoint m_endpoint;
    std::shared_ptr<RenewalSession> m_session;
    CertificateSink m_sink;
    std::shared_ptr<StaffSession> m_staff;
    std::optional<InitialRequestInfo> m_recovery;
    QString m_sitting;
    std::mutex m_mutex;
    std::unique_ptr<CmpRequest> m_update;
};

} // namespace

Pkcs11TokenGateway::Pkcs11TokenGateway(TokenService *tokens, RenewalOptions options,
                                       StaffRole staff)
    : m_tokens(tokens), m_options(options), m_staff(std::move(staff))
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

void Pkcs11TokenGateway::openStaff(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin,
                                   QObject *receiver, Done<OpenedStaff> done)
{
    TokenService *tokens = m_tokens;
    const StaffRole role = m_staff;
    m_tokens->run<OpenedStaff>(
        receiver,
        [tokens, token, pin, role](TokenContext &context) -> OpenedStaff {
            if (role.policyOid.isEmpty() || role.bankCaPem.isEmpty())
                return OpenedStaff{nullptr,
                                   {Error(ErrorCode::NotAStaffToken,
                                          QStringLiteral("staff mode is not configured: no staff "
                                                         "policy or bank CA")),
                                    PinState::Ok}};
            auto keys = std::make_unique<StaffKeys>(context, token, role.policyOid, role.bankCaPem);
            LoginOutcome login = keys->open(*pin);
            if (login.error)
                return OpenedStaff{nullptr, login}; // logged out here, on this thread
            return OpenedStaff{std::make_shared<Pkcs11StaffSession>(tokens, std::move(keys)),
                               login};
        },
        std::move(done));
}

CmpBankGateway::CmpBankGateway(BankService *bank, CmpEndpoint endpoint)
    : m_bank(bank), m_endpoint(std::move(endpoint))
{
}

std::shared_ptr<BankExchange> CmpBankGateway::keyUpdate(std::shared_ptr<RenewalSession> session,
                                                        CertificateSink sink,
                                                        const QString &sitting)
{
    return std::make_shared<CmpExchange>(m_bank, m_endpoint, std::move(session), std::move(sink),
                                         nullptr, std::nullopt, sitting);
}

std::shared_ptr<BankExchange> CmpBankGateway::initialRequest(std::shared_ptr<RenewalSession> client,
                                                             std::shared_ptr<StaffSession> staff,
                                                             const InitialRequestInfo &info,
                                                             CertificateSink sink)
{
    return std::make_shared<CmpExchange>(m_bank, m_endpoint, std::move(client), std::move(sink),
                                         std::move(staff), info);
}

} // namespace kk
