// The RA's HTTP framing (ra/httpfront.h): the parser with the front's limits, then its checks
// on the request line and headers, then the body. A request it hands to CMP has one length,
// the right type, and a body within the cap.
#include "httpfront.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    constexpr std::size_t kMaxHeader = 8 * 1024, kMaxBody = 64 * 1024;
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    std::string body;
    const int status = kk::ra::statusForRequestBytes(bytes, kMaxHeader, kMaxBody, &body);
    if (status == 200 && body.size() > kMaxBody)
        std::abort();
    if (status != 0 && status != 200 && (status < 400 || status > 431))
        std::abort();
    return 0;
}
