#pragma once
// Who gets a place under the RA's connection cap, and who gives theirs up when it is full
// (docs/architecture.md, "When the connection cap is full"). A full cap does not turn new
// clients away: it sheds, first, a connection kept idle for a next message (nothing in
// flight there), then, of the address that holds the most unfinished requests, the one that
// has gone longest without completing its request (a slowloris is the slowest by
// construction, and a crowd of them sheds itself). A connection whose request is complete (CMP runs
// for it, or its answer is on the way) is never shed. The bank's kiosks (from a configured network,
// or with a kiosk certificate checked in the TLS handshake) have a reserve of places others
// cannot take, no per-peer cap (a branch's kiosks share one NAT address), and are shed only
// to make room for another kiosk, and then only when kept idle.
//
// Pure bookkeeping, with its own lock: the front calls it from its event-loop threads, and
// the unit test drives it with a clock of its own.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace kk::ra {

class ConnectionPlaces
{
public:
    using Clock = std::chrono::steady_clock;
    using Ticket = std::uint64_t; // 0: no place

    struct Limits
    {
        int maxConnections = 1024;
        int maxConnectionsPerPeer = 64; // not for kiosks
        int kioskReserve = 64;          // of maxConnections, for kiosks only (at most half)
    };
    enum class Stage
    {
        Unfinished, // accepted, its request not complete yet: sheddable, oldest first
        Kept,       // answered, waiting for a next request (or lingering before close)
        Busy,       // its request is complete: never shed
    };
    struct Counts
    {
        long accepted = 0;
        long refusedOverPeerCap = 0;
        long refusedOverCap = 0; // full, and nobody could be shed for it
        long shed = 0;           // places taken back for a newcomer
        int open = 0;
        int openKiosks = 0;
    };
    struct Admission
    {
        Ticket ticket = 0; // 0: refused
        bool overPeerCap = false;
        // The closers of the connections shed for this one: the caller runs them, outside
        // any lock of ours.
        std::vector<std::function<void()>> shed;
    };

    explicit ConnectionPlaces(Limits limits);

    // A place for a connection from `peer` (a kiosk: from a kiosk network), as Unfinished.
    Admission admit(const std::string &peer, bool kiosk, Clock::time_point now = Clock::now());
    // How the session is closed if its place is shed (posted to its own strand).
    void setCloser(Ticket ticket, std::function<void()> closer);
    // The connection moves on; false: its place was shed (or Kept while draining), and the
    // session closes instead of going on.
    bool enter(Ticket ticket, Stage stage, Clock::time_point now = Clock::now());
    // Whether the ticket still has its place (false once shed or released).
    bool holds(Ticket ticket) const;
    // A kiosk certificate was checked in the TLS handshake.
    void markKiosk(Ticket ticket);
    // The session ended; its place (unless shed already) is free.
    void release(Ticket ticket);
    // Drain: no more Kept connections; the closers of those kept now, to run.
    std::vector<std::function<void()>> closeKept();

    Counts counts() const;
    int open() const;

private:
    struct Entry
    {
        std::string peer;
        bool kiosk = false;
        Stage stage = Stage::Unfinished;
        Clock::time_point since;
        std::function<void()> closer;
    };
    using Queue = std::set<std::pair<Clock::time_point, Ticket>>;
    Queue *queueOf(Stage stage, bool kiosk);
    void unqueue(const Entry &entry, Ticket ticket);
    void enqueue(const Entry &entry, Ticket ticket);
    // The place to shed for a newcomer (0: none), in the order above.
    Ticket victimFor(bool kioskNewcomer);
    std::function<void()> shedLocked(Ticket ticket);
    void forget(std::map<Ticket, Entry>::iterator it);

    Limits m_limits;
    mutable std::mutex m_mutex;
    std::map<Ticket, Entry> m_entries;
    std::map<std::string, int> m_perPeer;
    Queue m_unfinishedKiosks, m_kept, m_keptKiosks;
    // Others' unfinished requests by address, and the addresses by how many they hold.
    std::map<std::string, Queue> m_unfinishedByPeer;
    using PeerKey = std::tuple<int, Clock::time_point, std::string>; // -count, oldest, peer
    static PeerKey keyOf(const std::string &peer, const Queue &queue);
    std::set<PeerKey> m_peersByUnfinished;
    Ticket m_next = 1;
    bool m_draining = false;
    Counts m_counts;
};

} // namespace kk::ra
