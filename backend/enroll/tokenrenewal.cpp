#include "keykiosk/enroll/tokenrenewal.h"

#include "keykiosk/entropy/entropypool.h"
#include "keykiosk/logging.h"

namespace kk {

TokenRenewal::TokenRenewal(TokenContext &context, TokenInfo token, QByteArray currentKeyId,
                           CmpEndpoint endpoint, RenewalOptions options)
    : m_keys(context, std::move(token), std::move(currentKeyId), options),
      m_endpoint(std::move(endpoint))
{
}

TokenRenewal::~TokenRenewal()
{
    m_update.reset(); // it refers to the keys, which go next
}

Error TokenRenewal::begin(const SecureBuffer &pin, const QByteArray &seed)
{
    auto facts = m_keys.open(pin);
    if (!facts)
        return facts.error();
    if (facts->newKeyRefused) { // a new request after a refusal: the refused key goes first
        if (Error e = m_keys.dropNewKey())
            return e;
    }
    if (m_keys.newKeyId().isEmpty()) {
        QByteArray fresh = seed;
        if (fresh.isEmpty()) {
            auto osSeed = EntropyPool().seed(); // an empty pool: getrandom() through HKDF
            if (!osSeed)
                return osSeed.error();
            fresh = osSeed.value();
        }
        if (Error e = m_keys.generateKey(fresh))
            return e;
    }
    m_update = std::make_unique<KeyUpdate>(
        m_endpoint, m_keys.currentCertificate(), m_keys.currentKey(), m_keys.newKey(),
        [this](const QByteArray &der) { return m_keys.storeCertificate(der); });
    return {};
}

EnrollStep TokenRenewal::step()
{
    if (!m_update) {
        EnrollStep failed;
        failed.error = Error(ErrorCode::Internal, QStringLiteral("renewal not begun"));
        return failed;
    }
    EnrollStep result = m_update->step();
    if (result.state == EnrollState::Waiting) {
        if (Error e = m_keys.markAccepted())
            qCWarning(lcEnroll) << "could not mark the new key accepted:" << e.logText();
    } else if (result.state == EnrollState::Issued) {
        if (Error e = m_keys.retireOldKey()) {
            result.state = EnrollState::Failed;
            result.error = e;
        }
    } else if (result.state == EnrollState::Rejected) {
        if (Error e = m_keys.markRefused())
            qCWarning(lcEnroll) << "could not mark the refused key:" << e.logText();
    }
    return result;
}

} // namespace kk
