#pragma once
// Which protection of a CMP message the bank accepts (docs/architecture.md, "What the bank
// tells a client it refuses"): a signature with a certificate it issued, by a digest of
// SHA-256 or stronger. Anything else (no protection, a MAC from a shared secret, a weak or
// unknown algorithm) is refused before OpenSSL looks at it, with a reason a person can read:
// OpenSSL would answer with its own internals ("passed a null parameter" for a MAC without a
// secret).

#include <QByteArray>
#include <QString>

namespace kk::ra {

// The reasons the RA puts into a CMP error's statusString: OpenSSL takes that text from the
// reason of the first error queued when it builds an error message, so the RA queues its
// own (an error library of its own, registered once).
enum class RaReason
{
    NotProtected = 1,
    MacProtection,
    WeakOrUnknownAlgorithm,
    MessageRefused, // a refusal whose detail says why (replays, a wrong sender)
    TryAgain,       // nothing was decided: the same request again, shortly
    SignatureNotVerified,
    OutOfSequence,
    NotProcessed,
};
// Queues `reason`, with `detail` as the error's data (the errorDetails a client sees).
void raiseRaReason(RaReason reason, const QString &detail);

struct ProtectionVerdict
{
    bool accepted = true;
    RaReason reason = RaReason::NotProtected;
    QString detail; // for the client and the log: what was sent, what the bank takes
};
// `protectionAlgOid`: CmpHeaderFields::protectionAlgOid (an encoded OBJECT IDENTIFIER).
ProtectionVerdict judgeProtection(const QByteArray &protectionAlgOid);

// An error OpenSSL queued while it refused a message, in the bank's words: none (accepted
// false) if the error is the RA's own already. The OpenSSL text is for the log only.
ProtectionVerdict rewordOpenSslError(unsigned long error);

} // namespace kk::ra
