#pragma once
// An in-process token and bank for the journey's unit tests (AusweisApp tests its workflows
// against a simulated card the same way): the token holds key entries with the lifecycle's
// labels and counts PIN tries; the bank answers from a script. Every answer arrives queued,
// on the receiver's thread, as the real gateways' do. The real parts have tests of their own
// (tests/integration); these check the steps, the tables and the runner.
#include "testcertificate.h"

#include "keykiosk/journey/gateways.h"

#include <QMetaObject>

#include <memory>

namespace kk::test {

// The certificate the fake bank issues for the new key: asked again, it delivers the same one.
inline QByteArray issuedCertificate()
{
    static const QByteArray der = makeCertificate({});
    return der;
}

template <typename T> void later(QObject *receiver, Done<T> done, T value)
{
    QMetaObject::invokeMethod(
        receiver, [done, value] { done(value); }, Qt::QueuedConnection);
}

struct FakeToken;

// A staff member logged in on a fake staff token.
class FakeStaffSession : public StaffSession
{
public:
    explicit FakeStaffSession(int *closed) : m_closed(closed) {}
    ~FakeStaffSession() override { ++*m_closed; }
    QString name() const override { return QStringLiteral("Петрова Анна Сергеевна"); }
    QString title() const override { return QStringLiteral("Операционист"); }
    QString certificateSerial() const override { return QStringLiteral("5EAF"); }
    QString tokenSerial() const override { return QStringLiteral("staff-1"); }
    RenewalSession::SigningKeys signingKeys() override { return {}; }

private:
    int *m_closed;
};

class FakeSession : public RenewalSession
{
public:
    FakeSession(FakeToken *token, QByteArray profileKeyId);
    ~FakeSession() override;
    void generateKey(const QByteArray &seed, QObject *receiver,
                     Done<Expected<QByteArray>> done) override;
    void markAccepted(QObject *receiver, Done<Error> done) override;
    void retireOldKey(QObject *receiver, Done<Error> done) override;
    void markRefused(QObject *receiver, Done<Error> done) override;
    void dropNewKey(QObject *receiver, Done<Error> done) override;
    Error storeCertificate(const QByteArray &certDer) override;
    SigningKeys signingKeys() override { return {}; }

private:
    TokenKeyEntry *entry(const QByteArray &id);
    FakeToken *m_token;
    QByteArray m_profile;
};

struct FakeToken : TokenGateway
{
    QByteArray profileKeyId = QByteArray::fromHex("01");
    QVector<TokenKeyEntry> entries;
    QByteArray pin = "123456";
    int triesLeft = 3;
    // What happened, for the tests to check.
    int keysGenerated = 0;
    QByteArray lastSeed;
    int sessionsOpened = 0;
    int sessionsClosed = 0;
    int pinChecks = 0;
    // Staff login: whether this token holds a staff certificate, and its sessions.
    bool staffCertificate = false;
    int staffSessionsClosed = 0;

    FakeToken()
    {
        TokenKeyEntry current;
        current.id = profileKeyId;
        current.label = current.certificateLabel = QStringLiteral("Иванов");
        current.hasPrivateKey = current.hasPublicKey = true;
        current.certificateDer = makeCertificate({});
        entries << current;
    }
    TokenInfo info() const
    {
        TokenInfo t;
        t.serial = QStringLiteral("fake-1");
        return t;
    }
    // A new key as a crash or an earlier visit left it.
    void addNewKey(const QString &label, bool withCertificate = false)
    {
        TokenKeyEntry key;
        key.id = QByteArray::fromHex("beef");
        key.label = label;
        key.hasPrivateKey = key.hasPublicKey = true;
        if (withCertificate) {
            key.certificateDer = issuedCertificate();
            key.certificateLabel = label;
        }
        entries << key;
    }
    RenewalFacts facts() const { return renewalFacts(entries, profileKeyId); }
    LoginOutcome login(const SecureBuffer &typed)
    {
        ++pinChecks;
        if (triesLeft <= 0)
            return {Error(ErrorCode::PinLocked, QStringLiteral("locked")), PinState::Locked};
        if (QByteArray(typed.c_str()) == pin) {
            triesLeft = 3;
            return {{}, PinState::Ok};
        }
        --triesLeft;
        if (triesLeft == 0)
            return {Error(ErrorCode::PinLocked, QStringLiteral("last try")), PinState::Locked};
        return {Error(ErrorCode::PinIncorrect, QStringLiteral("wrong")),
                triesLeft == 1 ? PinState::FinalTry : PinState::CountLow};
    }

    void checkPin(const TokenInfo &, std::shared_ptr<SecureBuffer> typed, QObject *receiver,
                  Done<LoginOutcome> done) override
    {
        later(receiver, done, login(*typed));
    }
    void openRenewal(const TokenInfo &, const QByteArray &profile,
                     std::shared_ptr<SecureBuffer> typed, QObject *receiver,
                     Done<OpenedRenewal> done) override
    {
        const LoginOutcome outcome = login(*typed);
        if (outcome.error) {
            later(receiver, done, OpenedRenewal{nullptr, {}, outcome.error});
            return;
        }
        later(receiver, done,
              OpenedRenewal{std::make_shared<FakeSession>(this, profile),
                            renewalFacts(entries, profile),
                            {}});
    }
    void openStaff(const TokenInfo &, std::shared_ptr<SecureBuffer> typed, QObject *receiver,
                   Done<OpenedStaff> done) override
    {
        LoginOutcome outcome = login(*typed);
        if (!outcome.error && !staffCertificate)
            outcome.error =
                Error(ErrorCode::NotAStaffToken, QStringLiteral("no staff certificate"));
        if (outcome.error) {
            later(receiver, done, OpenedStaff{nullptr, outcome});
            return;
        }
        later(receiver, done,
              OpenedStaff{std::make_shared<FakeStaffSession>(&staffSessionsClosed), outcome});
    }
};

inline FakeSession::FakeSession(FakeToken *token, QByteArray profileKeyId)
    : m_token(token), m_profile(std::move(profileKeyId))
{
    ++m_token->sessionsOpened;
}

inline FakeSession::~FakeSession()
{
    ++m_token->sessionsClosed;
}

inline TokenKeyEntry *FakeSession::entry(const QByteArray &id)
{
    for (TokenKeyEntry &e : m_token->entries) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

inline void FakeSession::generateKey(const QByteArray &seed, QObject *receiver,
                                     Done<Expected<QByteArray>> done)
{
    if (seed.isEmpty()) {
        later<Expected<QByteArray>>(receiver, done,
                                    Error(ErrorCode::Internal, QStringLiteral("no seed")));
        return;
    }
    ++m_token->keysGenerated;
    m_token->lastSeed = seed;
    TokenKeyEntry key;
    key.id = QByteArray::fromHex("c0ffee");
    key.label = pendingKeyLabel(m_profile);
    key.hasPrivateKey = key.hasPublicKey = true;
    m_token->entries << key;
    later<Expected<QByteArray>>(receiver, done, key.id);
}

inline void FakeSession::markAccepted(QObject *receiver, Done<Error> done)
{
    const RenewalFacts facts = renewalFacts(m_token->entries, m_profile);
    entry(facts.newKeyId)->label = acceptedKeyLabel(m_profile);
    later(receiver, done, Error());
}

inline Error FakeSession::storeCertificate(const QByteArray &certDer)
{
    const RenewalFacts facts = renewalFacts(m_token->entries, m_profile);
    TokenKeyEntry *key = entry(facts.newKeyId);
    if (!key)
        return Error(ErrorCode::TokenRemoved, QStringLiteral("no new key"));
    if (!key->certificateDer.isEmpty() && key->certificateDer != certDer)
        return Error(ErrorCode::NewCertificateInvalid, QStringLiteral("another certificate"));
    key->certificateDer = certDer;
    key->label = key->certificateLabel = acceptedKeyLabel(m_profile);
    return {};
}

inline void FakeSession::retireOldKey(QObject *receiver, Done<Error> done)
{
    const RenewalFacts facts = renewalFacts(m_token->entries, m_profile);
    TokenKeyEntry *old = entry(m_profile);
    TokenKeyEntry *renewed = entry(facts.newKeyId);
    if (!renewed || renewed->certificateDer.isEmpty()) {
        later(receiver, done, Error(ErrorCode::Internal, QStringLiteral("no new certificate")));
        return;
    }
    if (old && !facts.currentArchived) // a first key has no old one
        old->label = old->certificateLabel =
            archivedLabel(old->certificateLabel, QDate(2026, 1, 1));
    renewed->label = renewed->certificateLabel =
        old ? facts.currentLabel : QStringLiteral("Иванов Иван Иванович");
    later(receiver, done, Error());
}

inline void FakeSession::markRefused(QObject *receiver, Done<Error> done)
{
    const RenewalFacts facts = renewalFacts(m_token->entries, m_profile);
    if (TokenKeyEntry *key = entry(facts.newKeyId))
        key->label = refusedKeyLabel(m_profile);
    later(receiver, done, Error());
}

inline void FakeSession::dropNewKey(QObject *receiver, Done<Error> done)
{
    const RenewalFacts facts = renewalFacts(m_token->entries, m_profile);
    for (int i = 0; i < m_token->entries.size(); ++i) {
        if (m_token->entries[i].id == facts.newKeyId)
            m_token->entries.remove(i--);
    }
    later(receiver, done, Error());
}

class FakeExchange;

struct FakeBank : BankGateway
{
    QList<EnrollState> script; // the bank's next answers
    QString text = QStringLiteral("Запрос R-000007 принят банком");
    Error failure = Error(ErrorCode::BankUnreachable, QStringLiteral("connect refused"));
    int exchanges = 0;
    int steps = 0;
    // The initial requests staff sent: what they confirmed, and who protected them.
    int initialRequests = 0;
    InitialRequestInfo lastRecovery;
    QString lastStaff;
    QString lastSitting;
    std::shared_ptr<BankExchange> keyUpdate(std::shared_ptr<RenewalSession> session,
                                            CertificateSink sink, const QString &sitting) override;
    std::shared_ptr<BankExchange> initialRequest(std::shared_ptr<RenewalSession> client,
                                                 std::shared_ptr<StaffSession> staff,
                                                 const InitialRequestInfo &info,
                                                 CertificateSink sink) override;
};

class FakeExchange : public BankExchange
{
public:
    FakeExchange(FakeBank *bank, std::shared_ptr<RenewalSession> session, CertificateSink sink)
        : m_bank(bank), m_session(std::move(session)), m_sink(std::move(sink))
    {
    }
    void step(QObject *receiver, Done<EnrollStep> done) override
    {
        ++m_bank->steps;
        EnrollStep answer;
        answer.state = m_bank->script.isEmpty() ? EnrollState::Failed : m_bank->script.takeFirst();
        switch (answer.state) {
        case EnrollState::Waiting:
            answer.serverText = m_bank->text;
            answer.checkAfterSeconds = 0;
            break;
        case EnrollState::Issued:
            answer.certDer = issuedCertificate();
            if (Error e = m_sink(answer.certDer)) {
                answer.state = EnrollState::Failed;
                answer.error = e;
            }
            break;
        case EnrollState::Rejected:
            answer.serverText = QStringLiteral("Неверно указан ИНН организации");
            answer.error = Error(ErrorCode::BankRejected, answer.serverText);
            break;
        case EnrollState::Failed:
            answer.error = m_bank->failure;
            break;
        }
        later(receiver, done, answer);
    }

private:
    FakeBank *m_bank;
    std::shared_ptr<RenewalSession> m_session;
    CertificateSink m_sink;
};

inline std::shared_ptr<BankExchange> FakeBank::keyUpdate(std::shared_ptr<RenewalSession> session,
                                                         CertificateSink sink,
                                                         const QString &sitting)
{
    lastSitting = sitting;
    ++exchanges;
    return std::make_shared<FakeExchange>(this, std::move(session), std::move(sink));
}

inline std::shared_ptr<BankExchange>
FakeBank::initialRequest(std::shared_ptr<RenewalSession> client,
                         std::shared_ptr<StaffSession> staff, const InitialRequestInfo &info,
                         CertificateSink sink)
{
    ++initialRequests;
    lastRecovery = info;
    lastStaff = staff->name();
    return keyUpdate(std::move(client), std::move(sink), info.sitting);
}

} // namespace kk::test
