#pragma once
// The RA's HTTP front (RFC 6712, CMP over HTTP): event-driven on Boost.Beast, so that a slow
// or idle connection holds a socket and a few kilobytes, never a thread. Each connection has
// deadlines (TLS handshake and headers, body, answer), a header and a body cap that hold for
// every transfer encoding, and a place under a cap per peer and in total. Complete requests
// go to a pool of workers (CMP is crypto and SQLite); the event loop never blocks on them.
// A connection is kept a short while for the client's next message (HTTP/1.1 keep-alive:
// over HTTPS, a TLS handshake less per transaction). On SIGTERM it stops accepting, closes
// the kept idle connections, lets the exchanges in flight finish within a grace time, and
// returns. Listening sockets are bound here or inherited from systemd (socket activation).
// docs/architecture.md, "The bank's HTTP front".

#include "keykiosk/expected.h"

#include <QByteArray>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kk::ra {

struct HttpFrontLimits
{
    std::size_t maxBodyBytes = 64 * 1024;
    std::size_t maxHeaderBytes = 8 * 1024;
    // From accept (through the TLS handshake) to the end of the headers; then to the end of
    // the body; then to the end of the answer. Every byte read counts against a cap, and going over
    // one is answered at once, never left to a deadline.
    std::chrono::milliseconds headerDeadline{5000};
    std::chrono::milliseconds bodyDeadline{10000};
    std::chrono::milliseconds writeDeadline{10000};
    // How long a connection is kept, idle, for the client's next message (a transaction's
    // certConf follows its kur within milliseconds); 0: one exchange per connection. Not kept
    // while half the connection cap is in use, nor while draining.
    std::chrono::milliseconds keepAliveIdle{2000};
    int maxExchangesPerConnection = 100;
    // What is shed when the cap is full, and the kiosks' reserve: connectionplaces.h.
    int maxConnections = 1024;
    int maxConnectionsPerPeer = 64;
    int kioskReserve = 64;
    std::vector<std::string> kioskNetworks; // CIDR ("10.20.0.0/16"): the bank's kiosks
    // After a refusal, what the client still sends is read and dropped for this long (at
    // most lingerBytes) before the socket closes, so that the refusal reaches it rather than
    // a reset.
    std::chrono::milliseconds lingerTime{1000};
    std::size_t lingerBytes = 1024 * 1024;
    int workers = 4;   // threads that run CMP
    int ioThreads = 1; // threads that run the event loop (TLS handshakes run here)
    std::chrono::milliseconds shutdownGrace{20000};
};

// A request's line and headers as the front decides on them (fuzzed by fuzz/ra_http.cpp).
struct RequestHead
{
    std::string method;
    std::string target;
    std::string contentType;
    std::vector<std::string> contentLengths; // every Content-Length field, as sent
    bool chunked = false;
};

struct HttpRefusal
{
    int status = 400;
    std::string text;
};

// Why a request is refused before its body is read, or nothing: POST to /.well-known/cmp,
// application/pkixcmp, and at most one Content-Length of digits only (never with chunked),
// within the body cap.
std::optional<HttpRefusal> refuseHead(const RequestHead &head, std::size_t maxBodyBytes);

// What a connection's read buffer holds at most: every byte the front reads counts against
// it, so a chunk line, a chunk extension or a trailer without end is refused (400, 431) as
// soon as it passes it, as the request line and headers are (431) and the body (413).
std::size_t readBufferBytes(std::size_t maxHeaderBytes);
// What the front reads of a request after its headers, at most (413 past it).
std::size_t bodyReadBudget(std::size_t maxHeaderBytes, std::size_t maxBodyBytes);

// One request's bytes through the front's parser and checks, as a connection would go: the
// status the front answers (200: the body goes to CMP), or 0 when the request is incomplete
// (the deadline would end the connection). The same reads and checks as a connection's, on
// a stream that holds `bytes`; `bytesRead`: how many of them it read. For fuzzing and tests.
int statusForRequestBytes(const std::string &bytes, std::size_t maxHeaderBytes,
                          std::size_t maxBodyBytes, std::string *body = nullptr,
                          std::size_t *bytesRead = nullptr);

// The listening sockets systemd passed (sd_listen_fds(3)): name and descriptor. The names
// come from FileDescriptorName= ("http", "https"); unnamed ones are called "unknown".
std::vector<std::pair<std::string, int>> inheritedSockets();

struct TlsFiles
{
    std::string certChain; // PEM: the RA's TLS certificate, then its chain
    std::string key;
    // Clients (kiosks) may present a certificate from this CA; a bad one ends the handshake.
    std::string clientCa;
    bool requireClientCert = false;
};

class HttpFront
{
public:
    // One CMP request (DER) in, the response (DER) out; empty: not a CMP message (400).
    using Handler = std::function<QByteArray(const QByteArray &request, const std::string &peer)>;

    HttpFront(HttpFrontLimits limits, Handler handler);
    ~HttpFront();
    HttpFront(const HttpFront &) = delete;
    HttpFront &operator=(const HttpFront &) = delete;

    // A listening socket, bound here (port 0: any free one) or adopted from systemd; with
    // `tls`, HTTPS (TLS 1.2 and 1.3, AEAD suites with forward secrecy only). Returns the port.
    Expected<int> listen(const std::string &host, int port, const std::optional<TlsFiles> &tls);
    Expected<int> adopt(int fd, const std::optional<TlsFiles> &tls);

    // GET `target` answers with what `source` gives (the CRL, DER; empty: 503).
    void serveGet(const std::string &target, std::function<QByteArray()> source);

    // Serves until SIGTERM or SIGINT (or stop()), then drains and returns.
    void run();
    void stop();

    struct Stats
    {
        long accepted = 0;
        long refusedOverCap = 0;    // connections closed at once: over the total or per-peer cap
        long shed = 0;              // connections closed to make room for a new one
        long timedOut = 0;          // connections closed by a deadline
        long exchanges = 0;         // requests answered by the handler
        long onKeptConnections = 0; // of these, on a connection kept from an earlier one
        long finishedWhileDraining = 0;
        long unfinishedAtExit = 0; // connections still open when the grace time ran out
    };
    Stats stats() const;

    struct Impl; // httpfront.cpp's

private:
    std::shared_ptr<Impl> d;
};

} // namespace kk::ra
