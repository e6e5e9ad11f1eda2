#pragma once
// The front's HTTP framing, shared by its sessions (httpfront.cpp) and by
// statusForRequestBytes (the same reads on a stream, for fuzzing): what the head of a request
// says, and how a read that failed is answered.

#include "httpfront.h"

#include <boost/beast/http.hpp>

#include <optional>
#include <string_view>

namespace kk::ra {

// The request line and headers as refuseHead sees them.
template <class Message> RequestHead headOf(const Message &request)
{
    RequestHead head;
    head.method = std::string(request.method_string());
    head.target = std::string(request.target());
    head.contentType = std::string(request[boost::beast::http::field::content_type]);
    for (const auto &field : request)
        if (field.name() == boost::beast::http::field::content_length)
            head.contentLengths.emplace_back(field.value());
    head.chunked = request.chunked();
    return head;
}

// How the front answers a read that failed; none: the client went away or a deadline passed,
// and the connection just closes. `unread`: what the read buffer holds.
std::optional<HttpRefusal> refusalForRead(const boost::system::error_code &ec, bool headerDone,
                                          std::string_view unread);

} // namespace kk::ra
