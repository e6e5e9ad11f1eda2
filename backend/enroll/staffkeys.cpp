#include "keykiosk/enroll/staffkeys.h"

#include "keykiosk/enroll/profilestatus.h"
#include "keykiosk/logging.h"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

namespace kk {

StaffKeys::StaffKeys(TokenContext &context, TokenInfo token, QString staffPolicyOid,
                     QByteArray bankCaPem)
    : m_context(context), m_token(std::move(token)), m_staffPolicyOid(std::move(staffPolicyOid)),
      m_bankCaPem(std::move(bankCaPem))
{
}

StaffKeys::~StaffKeys()
{
    // The key before its libp11 slot; the session's logout ends staff mode on the token.
    m_key.reset();
    if (m_store)
        m_store->release(m_token.serial);
    m_session.reset();
}

LoginOutcome StaffKeys::open(const SecureBuffer &pin)
{
    auto module = m_context.module();
    if (!module)
        return {module.error(), PinState::Ok};
    auto store = m_context.keyStore();
    if (!store)
        return {store.error(), PinState::Ok};
    auto session = module.value()->openSession(m_token.slotId, false);
    if (!session)
        return {session.error(), PinState::Ok};
    m_session = session.takeValue();
    LoginOutcome login = m_session->login(pin);
    if (login.error)
        return login;
    auto entries = m_session->keyEntries();
    if (!entries)
        return {entries.error(), login.pinState};

    // The staff certificate: the bank's staff role, valid now, issued by the bank CA.
    BioPtr caBio(BIO_new_mem_buf(m_bankCaPem.constData(), m_bankCaPem.size()));
    X509Ptr bankCa(caBio ? PEM_read_bio_X509(caBio.get(), nullptr, nullptr, nullptr) : nullptr);
    QByteArray keyId;
    Error invalid;
    for (const TokenKeyEntry &entry : entries.value()) {
        if (entry.certificateDer.isEmpty() || !entry.hasPrivateKey)
            continue;
        auto profile = parseCertificate(entry.certificateDer, entry.certificateLabel);
        if (!profile || !profile->policyOids.contains(m_staffPolicyOid))
            continue;
        const auto *p = reinterpret_cast<const unsigned char *>(entry.certificateDer.constData());
        X509Ptr cert(d2i_X509(nullptr, &p, entry.certificateDer.size()));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const bool current = now >= profile->validFrom && now < profile->validTo;
        const bool fromTheBank =
            cert && bankCa && X509_verify(cert.get(), X509_get0_pubkey(bankCa.get())) == 1;
        if (!current || !fromTheBank) {
            invalid = Error(ErrorCode::StaffCertificateInvalid,
                            QStringLiteral("staff certificate %1: valid %2 to %3, issued by the "
                                           "bank CA: %4")
                                .arg(profile->serialHex, profile->validFrom.toString(Qt::ISODate),
                                     profile->validTo.toString(Qt::ISODate),
                                     fromTheBank ? QStringLiteral("yes") : QStringLiteral("no")));
            continue;
        }
        keyId = entry.id;
        m_cert = std::move(cert);
        m_name = profile->ownerName;
        m_title = profile->title;
        m_serial = profile->serialHex;
        break;
    }
    if (keyId.isEmpty()) {
        if (invalid)
            return {invalid, login.pinState};
        return {Error(ErrorCode::NotAStaffToken,
                      QStringLiteral("token %1 holds no certificate with the staff policy %2")
                          .arg(m_token.serial, m_staffPolicyOid)),
                login.pinState};
    }
    m_store = store.value();
    m_store->retain(m_token.serial);
    auto key = m_store->privateKey(m_token.serial, keyId);
    if (!key)
        return {key.error(), login.pinState};
    m_key = key.takeValue();
    qCInfo(lcToken) << "staff" << m_name << "logged in with certificate" << m_serial;
    return login;
}

} // namespace kk
