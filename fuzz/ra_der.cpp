// The RA's own DER walking (ra/cmp/cmpder.h) on any bytes: never reads outside them, and every
// piece it returns lies within them.
#include "cmpder.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    // No copy: AddressSanitizer sees every byte read past the input.
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), int(size));
    const kk::ra::CmpHeaderFields header = kk::ra::cmpHeaderFields(bytes);
    if (header.valid &&
        (header.senderDer.size() > bytes.size() || header.transactionId.size() > bytes.size() ||
         header.senderNonce.size() > bytes.size()))
        std::abort();
    for (const QByteArray &cert : kk::ra::extraCertsDer(bytes))
        if (cert.isEmpty() || cert.size() > bytes.size())
            std::abort();
    const QByteArray spki = kk::ra::templatePublicKeySpki(bytes);
    if (spki.size() > bytes.size() + 8) // a new header of at most 8 bytes, the same content
        std::abort();
    if (kk::ra::certificateSubjectDer(bytes).size() > bytes.size())
        std::abort();
    if (header.valid && header.protectionAlgOid.size() > bytes.size())
        std::abort();
    // The unprotected copy is the header and body again, never more than the message.
    if (kk::ra::unprotectedCopy(bytes).size() > bytes.size())
        std::abort();
    (void)kk::ra::errorMessageCode(bytes);
    return 0;
}
