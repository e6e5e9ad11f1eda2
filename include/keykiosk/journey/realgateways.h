#pragma once
// The kiosk's token and bank for the journey's steps: PKCS#11 on the token thread
// (TokenService, enroll/renewalkeys.h) and CMP on the bank's threads (BankService,
// enroll/cmpclient.h), where every signature the exchange needs hops to the token thread
// (token/tokenthreadkey.h) and the certificate is written there inside certConf.

#include "keykiosk/enroll/bankservice.h"
#include "keykiosk/enroll/renewalkeys.h"
#include "keykiosk/journey/gateways.h"

namespace kk {

// How the kiosk knows a staff certificate: the bank CA's staff policy, and the bank CA.
struct StaffRole
{
    QString policyOid;
    QByteArray bankCaPem;
};

class Pkcs11TokenGateway : public TokenGateway
{
public:
    Pkcs11TokenGateway(TokenService *tokens, RenewalOptions options = {}, StaffRole staff = {});
    void checkPin(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin, QObject *receiver,
                  Done<LoginOutcome> done) override;
    void openRenewal(const TokenInfo &token, const QByteArray &profileKeyId,
                     std::shared_ptr<SecureBuffer> pin, QObject *receiver,
                     Done<OpenedRenewal> done) override;
    void openStaff(const TokenInfo &token, std::shared_ptr<SecureBuffer> pin, QObject *receiver,
                   Done<OpenedStaff> done) override;

private:
    TokenService *m_tokens;
    RenewalOptions m_options;
    StaffRole m_staff;
};

class CmpBankGateway : public BankGateway
{
public:
    CmpBankGateway(BankService *bank, CmpEndpoint endpoint);
    std::shared_ptr<BankExchange> keyUpdate(std::shared_ptr<RenewalSession> session,
                                            CertificateSink sink, const QString &sitting) override;
    std::shared_ptr<BankExchange> initialRequest(std::shared_ptr<RenewalSession> client,
                                                 std::shared_ptr<StaffSession> staff,
                                                 const InitialRequestInfo &info,
                                                 CertificateSink sink) override;
    const CmpEndpoint &endpoint() const { return m_endpoint; }

private:
    BankService *m_bank;
    CmpEndpoint m_endpoint;
};

} // namespace kk
