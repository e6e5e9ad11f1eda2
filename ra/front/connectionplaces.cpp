#include "connectionplaces.h"

#include <algorithm>

namespace kk::ra {

ConnectionPlaces::ConnectionPlaces(Limits limits) : m_limits(limits)
{
    // A reserve never takes more than half the places: others need some too.
    m_limits.kioskReserve = std::clamp(m_limits.kioskReserve, 0, m_limits.maxConnections / 2);
}

ConnectionPlaces::PeerKey ConnectionPlaces::keyOf(const std::string &peer, const Queue &queue)
{
    // The most unfinished requests first; of equals, the one with the oldest.
    return {-int(queue.size()), queue.begin()->first, peer};
}

ConnectionPlaces::Queue *ConnectionPlaces::queueOf(Stage stage, bool kiosk)
{
    if (stage == Stage::Kept)
        return kiosk ? &m_keptKiosks : &m_kept;
    if (stage == Stage::Unfinished && kiosk)
        return &m_unfinishedKiosks;
    return nullptr; // Busy: in no queue; Unfinished others: by peer
}

void ConnectionPlaces::unqueue(const Entry &entry, Ticket ticket)
{
    if (Queue *queue = queueOf(entry.stage, entry.kiosk)) {
        queue->erase({entry.since, ticket});
    } else if (entry.stage == Stage::Unfinished) {
        auto peer = m_unfinishedByPeer.find(entry.peer);
        m_peersByUnfinished.erase(keyOf(entry.peer, peer->second));
        peer->second.erase({entry.since, ticket});
        if (peer->second.empty())
            m_unfinishedByPeer.erase(peer);
        else
            m_peersByUnfinished.insert(keyOf(entry.peer, peer->second));
    }
}

void ConnectionPlaces::enqueue(const Entry &entry, Ticket ticket)
{
    if (Queue *queue = queueOf(entry.stage, entry.kiosk)) {
        queue->insert({entry.since, ticket});
    } else if (entry.stage == Stage::Unfinished) {
        Queue &mine = m_unfinishedByPeer[entry.peer];
        if (!mine.empty())
            m_peersByUnfinished.erase(keyOf(entry.peer, mine));
        mine.insert({entry.since, ticket});
        m_peersByUnfinished.insert(keyOf(entry.peer, mine));
    }
}

ConnectionPlaces::Ticket ConnectionPlaces::victimFor(bool kioskNewcomer)
{
    // Idle first (nothing is lost but a handshake); then the slowest unfinished request of
    // the address that holds the most of them: a crowd of slow connections sheds itself,
    // and a client with one connection is not shed for it however fast the crowd
    // reconnects. A kiosk's unfinished request never; a kept kiosk connection only for
    // another kiosk.
    if (!m_kept.empty())
        return m_kept.begin()->second;
    if (!m_peersByUnfinished.empty())
        return m_unfinishedByPeer.at(std::get<2>(*m_peersByUnfinished.begin())).begin()->second;
    if (kioskNewcomer && !m_keptKiosks.empty())
        return m_keptKiosks.begin()->second;
    return 0;
}

void ConnectionPlaces::forget(std::map<Ticket, Entry>::iterator it)
{
    unqueue(it->second, it->first);
    --m_counts.open;
    if (it->second.kiosk)
        --m_counts.openKiosks;
    auto peer = m_perPeer.find(it->second.peer);
    if (peer != m_perPeer.end() && --peer->second <= 0)
        m_perPeer.erase(peer);
    m_entries.erase(it);
}

std::function<void()> ConnectionPlaces::shedLocked(Ticket ticket)
{
    auto it = m_entries.find(ticket);
    std::function<void()> closer = std::move(it->second.closer);
    forget(it);
    ++m_counts.shed;
    return closer;
}

ConnectionPlaces::Admission ConnectionPlaces::admit(const std::string &peer, bool kiosk,
                                                    Clock::time_point now)
{
    Admission admission;
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto mine = m_perPeer.find(peer);
    if (!kiosk && mine != m_perPeer.end() && mine->second >= m_limits.maxConnectionsPerPeer) {
        // One address's own flood is its own problem: nobody else is shed for it.
        ++m_counts.refusedOverPeerCap;
        admission.overPeerCap = true;
        return admission;
    }
    const int others = m_counts.open - m_counts.openKiosks;
    const bool room = m_counts.open < m_limits.maxConnections &&
                      (kiosk || others < m_limits.maxConnections - m_limits.kioskReserve);
    if (!room) {
        const Ticket victim = victimFor(kiosk);
        if (victim == 0) {
            ++m_counts.refusedOverCap;
            return admission;
        }
        admission.shed.push_back(shedLocked(victim));
    }
    const Ticket ticket = m_next++;
    Entry entry;
    entry.peer = peer;
    entry.kiosk = kiosk;
    entry.since = now;
    enqueue(entry, ticket);
    m_entries.emplace(ticket, std::move(entry));
    ++m_perPeer[peer];
    ++m_counts.open;
    ++m_counts.accepted;
    if (kiosk)
        ++m_counts.openKiosks;
    admission.ticket = ticket;
    return admission;
}

void ConnectionPlaces::setCloser(Ticket ticket, std::function<void()> closer)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_entries.find(ticket);
    if (it != m_entries.end())
        it->second.closer = std::move(closer);
}

bool ConnectionPlaces::enter(Ticket ticket, Stage stage, Clock::time_point now)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_entries.find(ticket);
    if (it == m_entries.end())
        return false; // shed
    if (stage == Stage::Kept && m_draining)
        return false;
    unqueue(it->second, ticket);
    it->second.stage = stage;
    it->second.since = now;
    enqueue(it->second, ticket);
    return true;
}

bool ConnectionPlaces::holds(Ticket ticket) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_entries.count(ticket) > 0;
}

void ConnectionPlaces::markKiosk(Ticket ticket)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_entries.find(ticket);
    if (it == m_entries.end() || it->second.kiosk)
        return;
    unqueue(it->second, ticket);
    it->second.kiosk = true;
    ++m_counts.openKiosks;
    enqueue(it->second, ticket);
}

void ConnectionPlaces::release(Ticket ticket)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_entries.find(ticket);
    if (it != m_entries.end())
        forget(it);
}

std::vector<std::function<void()>> ConnectionPlaces::closeKept()
{
    std::vector<std::function<void()>> closers;
    std::lock_guard<std::mutex> lock(m_mutex);
    m_draining = true;
    for (Queue *queue : {&m_kept, &m_keptKiosks})
        for (const auto &[since, ticket] : *queue)
            closers.push_back(m_entries.at(ticket).closer);
    return closers;
}

ConnectionPlaces::Counts ConnectionPlaces::counts() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counts;
}

int ConnectionPlaces::open() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_counts.open;
}

} // namespace kk::ra
