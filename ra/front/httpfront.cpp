#include "httpfront.h"

#include "httpsession.h"

Q_LOGGING_CATEGORY(lcHttp, "kk.ra.http", QtInfoMsg)

namespace kk::ra {

using front::Session;

std::vector<std::pair<std::string, int>> inheritedSockets()
{
    // sd_listen_fds(3) without libsystemd: LISTEN_PID must be us, the descriptors start at 3.
    std::vector<std::pair<std::string, int>> sockets;
    const char *pid = std::getenv("LISTEN_PID");
    const char *count = std::getenv("LISTEN_FDS");
    if (!pid || !count || std::strtol(pid, nullptr, 10) != long(::getpid()))
        return sockets;
    const std::string names = std::getenv("LISTEN_FDNAMES") ? std::getenv("LISTEN_FDNAMES") : "";
    std::size_t from = 0;
    for (int i = 0, n = int(std::strtol(count, nullptr, 10)); i < n; ++i) {
        std::string name = "unknown";
        if (from <= names.size() && !names.empty()) {
            const std::size_t colon = names.find(':', from);
            name =
                names.substr(from, colon == std::string::npos ? std::string::npos : colon - from);
            from = colon == std::string::npos ? names.size() + 1 : colon + 1;
        }
        sockets.emplace_back(name, 3 + i);
    }
    ::unsetenv("LISTEN_PID"); // not for children
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    return sockets;
}

// ---------------------------------------------------------------------------------------

Expected<int> HttpFront::Impl::addAcceptor(std::unique_ptr<tcp::acceptor> acceptor,
                                           const std::optional<TlsFiles> &tls)
{
    net::ssl::context *tlsContext = nullptr;
    if (tls) {
        auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
        SSL_CTX *native = context->native_handle();
        // TLS 1.2 at least, and for 1.2 only AEAD suites with forward secrecy (no CBC, no
        // SHA-1 MACs); TLS 1.3's suites are all of that kind already.
        if (!SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) ||
            !SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20") ||
            SSL_CTX_use_certificate_chain_file(native, tls->certChain.c_str()) != 1 ||
            SSL_CTX_use_PrivateKey_file(native, tls->key.c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(native) != 1)
            return Error(
                ErrorCode::Internal,
                QStringLiteral("cannot load the TLS certificate %1 and key %2")
                    .arg(QString::fromStdString(tls->certChain), QString::fromStdString(tls->key)));
        SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
        if (!tls->clientCa.empty()) {
            // A kiosk's certificate is optional (unless required), and checked when sent.
            STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(tls->clientCa.c_str());
            if (!names ||
                SSL_CTX_load_verify_locations(native, tls->clientCa.c_str(), nullptr) != 1)
                return Error(ErrorCode::Internal, QStringLiteral("cannot load the kiosks' CA %1")
                                                      .arg(QString::fromStdString(tls->clientCa)));
            SSL_CTX_set_client_CA_list(native, names);
            SSL_CTX_set_verify(native,
                               SSL_VERIFY_PEER |
                                   (tls->requireClientCert ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
                               nullptr);
        }
        tlsContext = context.get();
        tlsContexts.push_back(std::move(context));
    }
    const int port = acceptor->local_endpoint().port();
    accept(acceptor.get(), tlsContext);
    acceptors.push_back(std::move(acceptor));
    return port;
}

void HttpFront::Impl::accept(tcp::acceptor *acceptor, net::ssl::context *tls)
{
    acceptor->async_accept(
        net::make_strand(ioc), [this, acceptor, tls](beast::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || draining || !acceptor->is_open())
                return;
            if (!ec) {
                beast::error_code peerError;
                const auto remote = socket.remote_endpoint(peerError);
                const std::string peer = peerError ? "?" : remote.address().to_string();
                const bool kiosk = !peerError && fromKioskNetwork(remote.address());
                if (const ConnectionPlaces::Ticket ticket = take(peer, kiosk)) {
                    // One answer is several TLS records: with Nagle's algorithm the last waits
                    // for the client's delayed ACK (40 ms a message on Linux).
                    socket.set_option(tcp::no_delay(true), peerError);
                    if (tls)
                        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                            this, ticket, peer, std::move(socket), *tls)
                            ->start();
                    else
                        std::make_shared<Session<beast::tcp_stream>>(this, ticket, peer,
                                                                     std::move(socket))
                            ->start();
                } // else the socket closes as it goes out of scope
            } else if (ec == net::error::no_descriptors) {
                qCWarning(lcHttp) << "out of file descriptors; accepting again shortly";
            }
            accept(acceptor, tls);
        });
}

void HttpFront::Impl::drain()
{
    draining = true;
    const std::vector<std::function<void()>> kept = places->closeKept();
    for (auto &acceptor : acceptors) {
        beast::error_code ignored;
        acceptor->close(ignored); // the kernel refuses new connections from here on
    }
    for (const auto &close : kept)
        if (close)
            close(); // nothing in flight there: closed now, not at the grace time's end
    drainDeadline = std::chrono::steady_clock::now() + limits.shutdownGrace;
    drainTimer = std::make_unique<net::steady_timer>(ioc);
    checkDrained();
}

void HttpFront::Impl::checkDrained()
{
    const int left = places->open();
    if (left == 0 || std::chrono::steady_clock::now() >= drainDeadline) {
        std::lock_guard<std::mutex> lock(mutex);
        stats.unfinishedAtExit = left;
        ioc.stop();
        return;
    }
    drainTimer->expires_after(std::chrono::milliseconds(20));
    drainTimer->async_wait([this](beast::error_code ec) {
        if (!ec)
            checkDrained();
    });
}

// ---------------------------------------------------------------------------------------

HttpFront::HttpFront(HttpFrontLimits limits, Handler handler) : d(std::make_shared<Impl>())
{
    d->limits = limits;
    d->handler = std::move(handler);
    d->places = std::make_unique<ConnectionPlaces>(ConnectionPlaces::Limits{
        limits.maxConnections, limits.maxConnectionsPerPeer, limits.kioskReserve});
    for (const std::string &network : limits.kioskNetworks) {
        beast::error_code ec;
        if (network.find(':') == std::string::npos)
            d->kioskNetworks4.push_back(net::ip::make_network_v4(network, ec));
        else
            d->kioskNetworks6.push_back(net::ip::make_network_v6(network, ec));
        if (ec) // the configuration was checked: this is a caller's bug
            qCWarning(lcHttp).noquote()
                << "not a network:" << QString::fromStdString(network) << "- ignored";
    }
    d->workers = std::make_unique<net::thread_pool>(std::size_t(std::max(1, limits.workers)));
}

HttpFront::~HttpFront()
{
    d->ioc.stop();
    d->workers->join();
}

Expected<int> HttpFront::listen(const std::string &host, int port,
                                const std::optional<TlsFiles> &tls)
{
    beast::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec)
        return Error(ErrorCode::Internal,
                     QStringLiteral("bad listen address %1").arg(QString::fromStdString(host)));
    auto acceptor = std::make_unique<tcp::acceptor>(d->ioc);
    const tcp::endpoint endpoint(address, std::uint16_t(port));
    acceptor->open(endpoint.protocol(), ec);
    if (!ec)
        acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor->bind(endpoint, ec);
    if (!ec)
        acceptor->listen(SOMAXCONN, ec); // a branch's kiosks may all connect at once
    if (ec)
        return Error(ErrorCode::Internal, QStringLiteral("cannot listen on %1:%2: %3")
                                              .arg(QString::fromStdString(host))
                                              .arg(port)
                                              .arg(QString::fromStdString(ec.message())));
    return d->addAcceptor(std::move(acceptor), tls);
}

Expected<int> HttpFront::adopt(int fd, const std::optional<TlsFiles> &tls)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int listening = 0;
    socklen_t size = sizeof listening;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0 ||
        ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || !listening ||
        (address.ss_family != AF_INET && address.ss_family != AF_INET6))
        return Error(ErrorCode::Internal,
                     QStringLiteral("descriptor %1 is not a listening TCP socket").arg(fd));
    auto acceptor = std::make_unique<tcp::acceptor>(d->ioc);
    beast::error_code ec;
    acceptor->assign(address.ss_family == AF_INET ? tcp::v4() : tcp::v6(), fd, ec);
    if (ec)
        return Error(ErrorCode::Internal, QStringLiteral("cannot adopt descriptor %1: %2")
                                              .arg(fd)
                                              .arg(QString::fromStdString(ec.message())));
    return d->addAcceptor(std::move(acceptor), tls);
}

void HttpFront::serveGet(const std::string &target, std::function<QByteArray()> source)
{
    d->getTarget = target;
    d->getSource = std::move(source);
}

void HttpFront::run()
{
    net::signal_set stopSignals(d->ioc, SIGINT, SIGTERM);
    stopSignals.async_wait([this](beast::error_code ec, int signal) {
        if (ec)
            return;
        qCInfo(lcHttp) << "signal" << signal << "- no new connections; finishing"
                       << d->places->open() << "open ones within" << d->limits.shutdownGrace.count()
                       << "ms";
        d->drain();
    });
    std::vector<std::thread> threads;
    for (int i = 1; i < d->limits.ioThreads; ++i)
        threads.emplace_back([this] { d->ioc.run(); });
    d->ioc.run();
    for (std::thread &t : threads)
        t.join();
    d->workers->join(); // exchanges still on a worker finish (their answers have nowhere to go)
    const Stats s = stats();
    qCInfo(lcHttp).noquote() << QStringLiteral("stopped: %1 connections, %2 exchanges (%3 on kept "
                                               "connections), %4 finished while draining, %5 "
                                               "connections unfinished at exit; with the cap "
                                               "full, %6 shed for new ones and %7 refused")
                                    .arg(s.accepted)
                                    .arg(s.exchanges)
                                    .arg(s.onKeptConnections)
                                    .arg(s.finishedWhileDraining)
                                    .arg(s.unfinishedAtExit)
                                    .arg(s.shed)
                                    .arg(s.refusedOverCap);
}

void HttpFront::stop()
{
    net::post(d->ioc, [impl = d.get()] { impl->drain(); });
}

HttpFront::Stats HttpFront::stats() const
{
    const ConnectionPlaces::Counts places = d->places->counts();
    std::lock_guard<std::mutex> lock(d->mutex);
    Stats s = d->stats;
    s.accepted = places.accepted;
    s.refusedOverCap = places.refusedOverCap + places.refusedOverPeerCap;
    s.shed = places.shed;
    return s;
}

} // namespace kk::ra
