#pragma once
// Parsed certificates by their DER, shared by the RA's threads. OpenSSL 3.0 decodes every
// certificate's public key through its provider decoders, about 100 µs each on the bench
// machine (a fifth of a renewal's whole crypto floor); a renewal meets the same two
// certificates several times (the one that protects the kur and the certConf, and the one
// issued), so each is decoded once (docs/architecture.md, "The bank at scale").

#include "keykiosk/opensslptr.h"

#include <QByteArray>

namespace kk::ra {

// The certificate these bytes encode (a new reference), null if they are not one. Bounded:
// the cache starts over when full, so memory stays flat however many clients come.
X509Ptr parsedCertificate(const QByteArray &der);

} // namespace kk::ra
