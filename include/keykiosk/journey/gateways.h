#pragma once
// What the journey's steps need from the client's token and from the bank, as interfaces:
// the kiosk plugs in the real ones (PKCS#11 on the token thread, CMP on the bank's threads;
// journey/realgateways.h), the unit tests an in-process fake token and fake bank
// (tests/unit/journey/fakes.h), so that every step can be tested on its own.
// Callbacks arrive on the receiver's thread (the journey's, the GUI thread), never inline.

#include "keykiosk/enroll/cmpclient.h"
#include "keykiosk/enroll/lifecycle.h"
#include "keykiosk/securebuffer.h"
#include "keykiosk/token/pkcs11module.h"

#include <QObject>

#include <functional>
#include <memory>

namespace kk {

template <typename T> using Done = std::function<void(T)>;

// One profile's renewal on the client's token: a logged-in session and the keys. Dropping
// the last reference closes the session and lets libp11 wipe its copy of the PIN, on the
// token thread, whichever thread drops it.
class RenewalSession
{
public:
    virtual ~RenewalSession() = default;

    // Seeds the token with the client's fresh entropy and generates the new key pair.
    virtual void generateKey(const QByteArray &seed, QObject *receiver,
                             Done<Expected<QByteArray>> done) = 0;
    // pending -> accepted: the bank holds the request.
    virtual void markAccepted(QObject *receiver, Done<Error> done) = 0;
    // The bank confirmed: the old key set is archived, the new one takes the profile's label.
    virtual void retireOldKey(QObject *receiver, Done<Error> done) = 0;
    // The bank refused: the new key is labelled refused (the token's record of it).
    virtual void markRefused(QObject *receiver, Done<Error> done) = 0;
    // A new request after a refusal: the refused key goes.
    virtual void dropNewKey(QObject *receiver, Done<Error> done) = 0;

    // For the bank's exchange, on the bank's thread: the certificate written to the token
    // inside certConf (this call waits for the token), and the keys that sign.
    virtual Error storeCertificate(const QByteArray &certDer) = 0;
    struct SigningKeys
    {
        X509Ptr currentCertificate;
        EvpPkeyPtr currentKey; // protects the request
        EvpPkeyPtr newKey;     // proof of possession
        Error error;
    };
    virtual SigningKeys signingKeys() = 0;
};

// A staff member logged in on their own token (staff mode): who they are, and their key for
// the bank's thread. Dropping the last reference logs the staff token out.
class StaffSession
{
public:
    virtual ~StaffSession() = default;
    virtual QString name() const = 0;
    virtual QString title() const = 0;
    virtual QString certificateSerial() const = 0;
    virtual QString tokenSerial() const = 0;
    // On the bank's thread: the staff certificate (currentCertificate) and a key that signs
    // with the staff key on the token thread (currentKey).
    virtual RenewalSession::SigningKeys signingKeys() = 0;
};

struct OpenedStaff
{
    std::shared_ptr<StaffSession> session;
    LoginOutcome login; // a wrong PIN, the tries left, or why this is no staff token
};

struct OpenedRenewal
{
    std::shared_ptr<RenewalSession> session;
    RenewalFacts facts;
    Error error;
};

class TokenGateway
{
public:
    virtual ~TokenGateway() = default;
    // The PIN on its own: a wrong one costs nothing else and the tries left come back.
    virtual void checkPin(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin,
                          QObject *receiver, Done<LoginOutcome> done) = 0;
    // Logs in for a renewal of the profile `profileKeyId` and reads what the token holds for
    // it: the facts the lifecycle is reconciled with. A key already there is resumed only
    // after its origin is checked.
    virtual void openRenewal(const TokenInfo &token, const QByteArray &profileKeyId,
                             std::shared_ptr<SecureBuffer> pin, QObject *receiver,
                             Done<OpenedRenewal> done) = 0;
    // Logs a staff member in on their token and checks their staff certificate (the bank's
    // staff role, valid now, issued by the bank CA).
    virtual void openStaff(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin,
                           QObject *receiver, Done<OpenedStaff> done) = 0;
};

// One CMP transaction: the first step sends the key update, later steps poll. A returning
// client's first step sends the same new key again, and the bank continues its request.
class BankExchange
{
public:
    virtual ~BankExchange() = default;
    virtual void step(QObject *receiver, Done<EnrollStep> done) = 0;
};

class BankGateway
{
public:
    virtual ~BankGateway() = default;
    // `sink` runs inside certConf, on the bank's thread: only if it succeeds does the bank
    // hear "accepted".
    // `sitting`: the signers' sitting the renewal belongs to, if any (the bank keeps it).
    virtual std::shared_ptr<BankExchange> keyUpdate(std::shared_ptr<RenewalSession> session,
                                                    CertificateSink sink,
                                                    const QString &sitting) = 0;
    // A staff-authorized initial request for the client's new key, protected by the staff key.
    virtual std::shared_ptr<BankExchange> initialRequest(std::shared_ptr<RenewalSession> client,
                                                         std::shared_ptr<StaffSession> staff,
                                                         const InitialRequestInfo &info,
                                                         CertificateSink sink) = 0;
};

} // namespace kk
