#pragma once
// Inside front/: the HTTP front's shared state (HttpFront::Impl), and one connection's life
// (Session: read a request within its limits, answer it, keep the connection or close it),
// which httpfront.cpp runs. A header because Session is a template over plain TCP and TLS.

#include "httpfront.h"

#include "connectionplaces.h"
#include "httpframing.h"
#include "ralog.h"

#include <QLoggingCategory>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

Q_DECLARE_LOGGING_CATEGORY(lcHttp)

namespace kk::ra {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpFront::Impl
{
    HttpFrontLimits limits;
    Handler handler;

    // The places first: sessions left in the event loop's queues are destroyed with it, and
    // give their places back here.
    std::unique_ptr<ConnectionPlaces> places;
    std::vector<net::ip::network_v4> kioskNetworks4;
    std::vector<net::ip::network_v6> kioskNetworks6;
    mutable std::mutex mutex;
    Stats stats;                                           // what the places do not count
    LogRateLimit capWarnings{1, std::chrono::seconds(10)}; // an attack is not a log flood

    std::atomic_bool draining{false};
    net::io_context ioc;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::vector<std::unique_ptr<net::ssl::context>> tlsContexts;
    std::unique_ptr<net::thread_pool> workers;
    std::string getTarget;
    std::function<QByteArray()> getSource;

    bool fromKioskNetwork(net::ip::address address) const
    {
        if (address.is_v6() && address.to_v6().is_v4_mapped())
            address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
        if (address.is_v4()) {
            for (const auto &network : kioskNetworks4)
                if (net::ip::make_network_v4(address.to_v4(), network.prefix_length())
                        .canonical() == network.canonical())
                    return true;
        } else {
            for (const auto &network : kioskNetworks6)
                if (net::ip::make_network_v6(address.to_v6(), network.prefix_length())
                        .canonical() == network.canonical())
                    return true;
        }
        return false;
    }
    // A place for a connection from `peer`, perhaps by shedding another; 0: none.
    ConnectionPlaces::Ticket take(const std::string &peer, bool kiosk)
    {
        ConnectionPlaces::Admission admission = places->admit(peer, kiosk);
        for (const auto &close : admission.shed)
            if (close)
                close();
        if (admission.ticket == 0 || !admission.shed.empty()) {
            int skipped = 0;
            if (capWarnings.allow(QStringLiteral("cap"), &skipped)) {
                const ConnectionPlaces::Counts c = places->counts();
                qCWarning(lcHttp).noquote()
                    << (admission.overPeerCap
                            ? QStringLiteral("connection cap reached for %1 (%2 from it);")
                                  .arg(QString::fromStdString(peer))
                                  .arg(limits.maxConnectionsPerPeer)
                            : QStringLiteral("connection cap reached (%1 open, %2 of them kiosks); "
                                             "shedding the slowest for new clients;")
                                  .arg(c.open)
                                  .arg(c.openKiosks))
                    << "shed so far:" << c.shed
                    << "refused so far:" << c.refusedOverCap + c.refusedOverPeerCap;
            }
        }
        return admission.ticket;
    }
    void count(long Stats::*field)
    {
        std::lock_guard<std::mutex> lock(mutex);
        ++(stats.*field);
    }
    Expected<int> addAcceptor(std::unique_ptr<tcp::acceptor> acceptor,
                              const std::optional<TlsFiles> &tls);
    void accept(tcp::acceptor *acceptor, net::ssl::context *tls);
    void drain();
    void checkDrained();

    // Whether a connection may be kept after its answer now.
    bool keepsConnections() const
    {
        return !draining && limits.keepAliveIdle.count() > 0 &&
               places->open() * 2 < limits.maxConnections;
    }
    std::chrono::steady_clock::time_point drainDeadline;
    std::unique_ptr<net::steady_timer> drainTimer;
};

namespace front {

// A connection's place under the caps, given back whatever way the session ends.
class Place
{
public:
    Place(HttpFront::Impl *front, ConnectionPlaces::Ticket ticket, std::string peer)
        : m_front(front), m_ticket(ticket), m_peer(std::move(peer))
    {
    }
    ~Place() { m_front->places->release(m_ticket); }
    Place(const Place &) = delete;
    Place &operator=(const Place &) = delete;
    const std::string &peer() const { return m_peer; }
    // The connection moves on to `stage`; false: its place was shed, it closes.
    bool enter(ConnectionPlaces::Stage stage) { return m_front->places->enter(m_ticket, stage); }
    void markKiosk() { m_front->places->markKiosk(m_ticket); }
    // False once the place was shed.
    bool held() const { return m_front->places->holds(m_ticket); }
    void setCloser(std::function<void()> closer)
    {
        m_front->places->setCloser(m_ticket, std::move(closer));
    }

private:
    HttpFront::Impl *m_front;
    ConnectionPlaces::Ticket m_ticket;
    std::string m_peer;
};

inline beast::tcp_stream &lowest(beast::tcp_stream &stream)
{
    return stream;
}
inline beast::tcp_stream &lowest(beast::ssl_stream<beast::tcp_stream> &stream)
{
    return stream.next_layer();
}

template <class Stream> class Session : public std::enable_shared_from_this<Session<Stream>>
{
    using Stage = ConnectionPlaces::Stage;

public:
    template <class... Args>
    Session(HttpFront::Impl *front, ConnectionPlaces::Ticket ticket, std::string peer,
            Args &&...args)
        : m_front(front), m_place(front, ticket, std::move(peer)),
          m_stream(std::forward<Args>(args)...),
          m_buffer(readBufferBytes(front->limits.maxHeaderBytes))
    {
    }

    void start()
    {
        // Shed (the cap is full and this connection is the slowest) or closed by drain
        // (kept idle): whatever it waits for ends, and so does the session.
        std::weak_ptr<Session> weak = this->shared_from_this();
        m_place.setCloser([weak] {
            if (auto self = weak.lock())
                net::post(self->m_stream.get_executor(), [self] {
                    // Drain closes what was kept when it began; a kept connection whose next
                    // request arrived since is left to finish it (cancelling its write would
                    // cut a TLS record). A shed one has no place any more, whatever it does.
                    if (self->m_place.held() && !self->m_idle && !self->m_discard)
                        return;
                    beast::error_code ignored;
                    lowest(self->m_stream).socket().cancel(ignored);
                });
        });
        lowest(m_stream).expires_after(m_front->limits.headerDeadline);
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            readHeader();
        } else {
            m_stream.async_handshake(net::ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (ec)
                                             return self->closeAfter(ec, "TLS handshake");
                                         self->noteKiosk();
                                         self->readHeader();
                                     });
        }
    }

private:
    // A kiosk that identified itself with a certificate from the bank CA (checked in the
    // handshake) is named in the log, and has a kiosk's place from now on.
    void noteKiosk()
    {
        if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
            if (X509 *kiosk = SSL_get0_peer_certificate(m_stream.native_handle())) {
                m_place.markKiosk();
                char subject[256] = {};
                X509_NAME_oneline(X509_get_subject_name(kiosk), subject, sizeof subject);
                qCInfo(lcHttp).noquote() << "kiosk certificate" << subject << "from"
                                         << QString::fromStdString(m_place.peer());
            }
        }
    }

    void readHeader()
    {
        m_parser.emplace();
        m_parser->header_limit(std::uint32_t(m_front->limits.maxHeaderBytes));
        m_parser->body_limit(m_front->limits.maxBodyBytes); // chunked bodies too
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = this->shared_from_this()](
                                    beast::error_code ec, std::size_t) { self->onHeader(ec); });
    }

    void onHeader(beast::error_code ec)
    {
        const bool wasIdle = m_idle;
        m_idle = false;
        // A kept connection the client did not use again (idle time out, closed by the
        // client, shed or closed by drain) simply ends; one with part of a request goes the
        // usual way, a new request again.
        if (ec && wasIdle && !m_parser->got_some())
            return closeAfter({}, "idle");
        if (wasIdle && !m_place.enter(Stage::Unfinished))
            return closeAfter({}, "shed");
        if (ec)
            return refuseOrClose(ec, "headers");
        if (m_exchanges > 0)
            m_front->count(&HttpFront::Stats::onKeptConnections);
        const auto &request = m_parser->get();
        m_clientKeepsAlive = request.keep_alive();
        if (request.method() == http::verb::get && !m_front->getTarget.empty() &&
            request.target() == m_front->getTarget)
            return answerGet();
        if (auto refusal = refuseHead(headOf(m_parser->get()), m_front->limits.maxBodyBytes))
            return answer(refusal->status, "text/plain", refusal->text);
        lowest(m_stream).expires_after(m_front->limits.bodyDeadline);
        m_bodyRead = 0;
        readBody();
    }

    // The body a read at a time, each counted: with its framing, it is within a budget.
    void readBody()
    {
        http::async_read_some(
            m_stream, m_buffer, *m_parser,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                self->m_bodyRead += n;
                if (ec || self->m_parser->is_done())
                    return self->onBody(ec);
                if (self->m_bodyRead > bodyReadBudget(self->m_front->limits.maxHeaderBytes,
                                                      self->m_front->limits.maxBodyBytes))
                    return self->answer(413, "text/plain", "request too large\n");
                self->readBody();
            });
    }

    void onBody(beast::error_code ec)
    {
        if (ec)
            return refuseOrClose(ec, "body");
        // A complete request is never shed; one shed a moment ago is not answered.
        if (!m_place.enter(Stage::Busy))
            return closeAfter({}, "shed");
        // The event loop's job ends here: CMP runs on a worker, the answer comes back to this
        // connection's strand.
        lowest(m_stream).expires_never();
        std::string body = m_parser->release().body();
        net::post(*m_front->workers, [self = this->shared_from_this(), body = std::move(body)] {
            const QByteArray response = self->m_front->handler(
                QByteArray(body.data(), int(body.size())), self->m_place.peer());
            self->m_front->count(&HttpFront::Stats::exchanges);
            if (self->m_front->draining)
                self->m_front->count(&HttpFront::Stats::finishedWhileDraining);
            net::post(self->m_stream.get_executor(), [self, response] {
                if (response.isEmpty())
                    self->answer(400, "text/plain", "not a CMP message\n");
                else
                    self->answer(200, "application/pkixcmp",
                                 std::string(response.constData(), std::size_t(response.size())));
            });
        });
    }

    void answerGet()
    {
        if (!m_place.enter(Stage::Busy))
            return closeAfter({}, "shed");
        lowest(m_stream).expires_never();
        net::post(*m_front->workers, [self = this->shared_from_this()] {
            const QByteArray content = self->m_front->getSource();
            net::post(self->m_stream.get_executor(), [self, content] {
                if (content.isEmpty())
                    self->answer(503, "text/plain", "not available now\n");
                else
                    self->answer(200, "application/pkix-crl",
                                 std::string(content.constData(), std::size_t(content.size())));
            });
        });
    }

    void refuseOrClose(beast::error_code ec, const char *where)
    {
        const auto unread =
            std::string_view(static_cast<const char *>(m_buffer.data().data()), m_buffer.size());
        if (auto refusal = refusalForRead(ec, m_parser->is_header_done(), unread)) {
            qCDebug(lcHttp).noquote() << "refused" << refusal->status << "in the" << where << "of"
                                      << QString::fromStdString(m_place.peer());
            return answer(refusal->status, "text/plain", refusal->text);
        }
        closeAfter(ec, where);
    }

    void answer(int status, const char *contentType, std::string body)
    {
        m_place.enter(Stage::Busy); // an answer on its way is not shed
        // Kept for the next message only after a CMP answer to a client that asked for it;
        // after a refusal, what follows in the stream is not to be trusted.
        const bool keep = status == 200 && m_clientKeepsAlive &&
                          ++m_exchanges < m_front->limits.maxExchangesPerConnection &&
                          m_front->keepsConnections();
        m_clientKeepsAlive = false;
        m_response = {};
        m_response.result(unsigned(status));
        m_response.version(11);
        m_response.set(http::field::content_type, contentType);
        m_response.set(http::field::server, "keykiosk-ra");
        m_response.keep_alive(keep);
        m_response.body() = std::move(body);
        m_response.prepare_payload();
        lowest(m_stream).expires_after(m_front->limits.writeDeadline);
        http::async_write(
            m_stream, m_response,
            [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                if (ec)
                    return self->closeAfter(ec, "answer");
                if (keep)
                    return self->waitForNext();
                self->finish();
            });
    }

    void waitForNext()
    {
        if (!m_place.enter(Stage::Kept))
            return finish();
        m_idle = true;
        lowest(m_stream).expires_after(m_front->limits.keepAliveIdle);
        readHeader();
    }

    void finish()
    {
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
            beast::error_code ignored;
            m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
            // What the client still sends is read and dropped for a moment: closing on unread
            // bytes resets the connection, and a reset can reach the client before the
            // answer it has not read yet. A kept place: the first to be shed, closed by drain.
            if (!m_place.enter(Stage::Kept))
                return closeAfter({}, "answer");
            lowest(m_stream).expires_after(m_front->limits.lingerTime);
            m_discard = std::make_unique<std::array<char, 4096>>();
            dropUntilClosed();
        } else {
            lowest(m_stream).expires_after(std::chrono::seconds(2));
            m_stream.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
        }
    }

    void dropUntilClosed()
    {
        m_stream.async_read_some(net::buffer(*m_discard), [self = this->shared_from_this()](
                                                              beast::error_code ec, std::size_t n) {
            self->m_dropped += n;
            if (ec || self->m_dropped >= self->m_front->limits.lingerBytes)
                return self->closeAfter({}, "linger");
            self->dropUntilClosed();
        });
    }

    void closeAfter(beast::error_code ec, const char *where)
    {
        if (ec == beast::error::timeout) {
            m_front->count(&HttpFront::Stats::timedOut);
            qCDebug(lcHttp).noquote() << "deadline passed in the" << where << "of"
                                      << QString::fromStdString(m_place.peer());
        }
        beast::error_code ignored;
        lowest(m_stream).socket().close(ignored);
    }

    HttpFront::Impl *m_front;
    Place m_place;
    Stream m_stream;
    beast::flat_buffer m_buffer; // at most readBufferBytes: every byte read counts
    std::optional<http::request_parser<http::string_body>> m_parser;
    http::response<http::string_body> m_response;
    std::unique_ptr<std::array<char, 4096>> m_discard; // only while lingering
    std::size_t m_dropped = 0;
    std::size_t m_bodyRead = 0; // this request's bytes after its headers
    bool m_clientKeepsAlive = false;
    bool m_idle = false; // kept, waiting for the next request
    int m_exchanges = 0;
};

} // namespace front

} // namespace kk::ra
