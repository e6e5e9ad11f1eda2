#include "httpframing.h"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core.hpp>

#include <cstdlib>

namespace kk::ra {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::optional<HttpRefusal> refuseHead(const RequestHead &head, std::size_t maxBodyBytes)
{
    if (head.target != "/.well-known/cmp" && head.target.rfind("/.well-known/cmp/", 0) != 0)
        return HttpRefusal{404, "not found\n"};
    if (head.method != "POST")
        return HttpRefusal{405, "only POST\n"};
    if (head.contentType != "application/pkixcmp")
        return HttpRefusal{415, "expected Content-Type: application/pkixcmp\n"};
    // One length, said once: two (even equal) or a list mean a proxy and the RA may read the
    // body differently, the root of request smuggling (RFC 9112 6.3).
    if (head.contentLengths.size() > 1 || (head.chunked && !head.contentLengths.empty()))
        return HttpRefusal{400, "more than one body length\n"};
    if (head.contentLengths.empty())
        return head.chunked ? std::nullopt
                            : std::optional<HttpRefusal>(HttpRefusal{411, "length required\n"});
    const std::string &length = head.contentLengths.front();
    if (length.empty() || length.size() > 18 ||
        length.find_first_not_of("0123456789") != std::string::npos)
        return HttpRefusal{400, "malformed Content-Length\n"};
    if (std::strtoull(length.c_str(), nullptr, 10) > maxBodyBytes)
        return HttpRefusal{413, "request too large\n"};
    return std::nullopt;
}

std::size_t readBufferBytes(std::size_t maxHeaderBytes)
{
    // A read may straddle the end of what the parser can take: a little more than the cap,
    // so that a header at the cap meets the header limit (431) before the buffer's.
    return maxHeaderBytes + maxHeaderBytes / 8 + 64;
}

std::size_t bodyReadBudget(std::size_t maxHeaderBytes, std::size_t maxBodyBytes)
{
    // The body, and as much again as the header cap for its framing: chunk lines and their
    // extensions (a 64 KiB body in one-byte chunks is 64 Ki lines), CRLFs and the trailer.
    return maxBodyBytes + maxHeaderBytes;
}

namespace {

// Whether the bytes the parser could not take begin the trailer: the last chunk's line
// ("0", perhaps with extensions) is complete, and what follows has no end in the buffer.
bool trailerBegins(std::string_view unread)
{
    if (unread.substr(0, 2) == "\r\n") // the CRLF that ends the chunk before
        unread.remove_prefix(2);
    const std::size_t eol = unread.find("\r\n");
    if (eol == std::string_view::npos)
        return false;
    const std::string_view size = unread.substr(0, std::min(eol, unread.find(';')));
    return !size.empty() && size.find_first_not_of('0') == std::string_view::npos;
}

} // namespace

std::optional<HttpRefusal> refusalForRead(const boost::system::error_code &ec, bool headerDone,
                                          std::string_view unread)
{
    if (ec == http::error::body_limit)
        return HttpRefusal{413, "request too large\n"};
    if (ec == http::error::header_limit || (ec == http::error::buffer_overflow && !headerDone))
        return HttpRefusal{431, "headers too large\n"};
    if (ec == http::error::buffer_overflow)
        return trailerBegins(unread) ? HttpRefusal{431, "trailer too large\n"}
                                     : HttpRefusal{400, "chunk line too long\n"};
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
        return HttpRefusal{400, "malformed request\n"};
    return std::nullopt;
}

int statusForRequestBytes(const std::string &bytes, std::size_t maxHeaderBytes,
                          std::size_t maxBodyBytes, std::string *body, std::size_t *bytesRead)
{
    // The session's reads on a stream that holds `bytes`, then ends: the same read
    // algorithms, the same bounded buffer, the same checks and answers.
    net::io_context ioc;
    beast::test::stream stream(ioc, bytes);
    stream.close_remote();
    beast::flat_buffer buffer(readBufferBytes(maxHeaderBytes));
    http::request_parser<http::string_body> parser;
    parser.header_limit(std::uint32_t(maxHeaderBytes));
    parser.body_limit(maxBodyBytes);
    beast::error_code ec;
    const auto refusedRead = [&] {
        if (bytesRead)
            *bytesRead = stream.nread_bytes();
        const auto refusal = refusalForRead(
            ec, parser.is_header_done(),
            std::string_view(static_cast<const char *>(buffer.data().data()), buffer.size()));
        return refusal ? refusal->status : 0; // 0: incomplete, a deadline would end it
    };
    http::read_header(stream, buffer, parser, ec);
    if (ec)
        return refusedRead();
    if (auto refusal = refuseHead(headOf(parser.get()), maxBodyBytes))
        return refusal->status;
    std::size_t bodyRead = 0;
    while (!parser.is_done()) {
        bodyRead += http::read_some(stream, buffer, parser, ec);
        if (ec)
            return refusedRead();
        if (bodyRead > bodyReadBudget(maxHeaderBytes, maxBodyBytes))
            return 413;
    }
    if (bytesRead)
        *bytesRead = stream.nread_bytes();
    if (body)
        *body = parser.get().body();
    return 200;
}

} // namespace kk::ra
