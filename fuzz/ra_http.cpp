// The RA's HTTP framing (ra/front/httpfront.h): the front's reads with its bounded buffer, then its
// checks on the request line and headers, then the body. A request it hands to CMP has one
// length, the right type, and a body within the cap; nothing it reads, complete or not,
// goes past its caps (a chunk line, an extension or a trailer without end included). Run
// with the bank's limits and with small ones, so that inputs of a few kilobytes pass them.
#include "httpfront.h"

#include <cstdint>
#include <cstdlib>

namespace {

void check(const std::string &bytes, std::size_t maxHeader, std::size_t maxBody)
{
    std::string body;
    std::size_t read = 0;
    const int status = kk::ra::statusForRequestBytes(bytes, maxHeader, maxBody, &body, &read);
    if (status == 200 && body.size() > maxBody)
        std::abort();
    if (status != 0 && status != 200 && (status < 400 || status > 431))
        std::abort();
    // What was read: the headers within the buffer, the body within its budget, and what a
    // last read brought into the buffer beyond them.
    const std::size_t bound =
        2 * kk::ra::readBufferBytes(maxHeader) + kk::ra::bodyReadBudget(maxHeader, maxBody);
    if (read > bound)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string bytes(reinterpret_cast<const char *>(data), size);
    check(bytes, 8 * 1024, 64 * 1024);
    check(bytes, 256, 512);
    return 0;
}
