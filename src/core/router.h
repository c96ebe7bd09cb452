// The router: services, agents, the pending queue, dissuasion, claims, capacity and the grace period of a
// disconnected agent. Pure and single-threaded: no sockets, no store, no timers. Every operation takes `now`
// and returns the events it caused; the server persists and forwards them, and arms one timer for
// next_deadline() that calls tick(). Run it on one strand: operations are atomic because they are serial,
// which is what makes "two agents click the same contact, exactly one gets it" hold.
//
// [SECTION] Errors        RouteError, to_string
// [SECTION] Events        router_event::*, RouterEvent, contact_of
// [SECTION] Requests      ContactRequest, RouterConfig, RoutedAgent, RouterResult
// [SECTION] Router
//
// Rules (see also the comments on each operation):
// - Eligible agent for a pending contact: connected (not in a disconnect grace period), status ready, load
//   below capacity, handles the contact type (RoutedAgent::media, all types unless restricted), and either
//   (a) holds every main tag of the contact's service, or (b) for a direct contact, IS the addressed agent:
//   a direct contact is listed for that agent only, and the tag rule does not apply to it (the visitor chose
//   the agent).
// - Load = number of contacts the agent holds (assigned, not closed). Pending starred contacts do not count.
// - Waiting order: oldest created_at first (ties by queue_order). A contact returned to the queue keeps its
//   created_at, so it goes back to its original position.
// - Time: every operation first catches up with `now` (grace expiries, dissuasions, purge), and the events
//   of that come first in its result, so a claim at the deadline finds the contact already dissuaded.
#pragma once
#include "core/agent.h"
#include "core/clock.h"
#include "core/contact.h"
#include "core/media.h"
#include "core/service.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

namespace sb {

// [SECTION] Errors -------------------------------------------------------------------------------------------

enum class RouteError {
    invalid_request,     // a required field is empty (visitor id) or malformed
    unknown_service,     // no such service
    type_not_allowed,    // the service does not offer this contact type
    medium_unsupported,  // the visitor cannot do this type (call without voice, video without camera, ...)
    unknown_agent,       // no such agent (direct contact, claim, status...)
    duplicate_contact,   // a contact with this id exists
    no_agents,           // RouterConfig::refuse_without_agents and nobody could take it now
    not_found,           // no such contact (or closed and already forgotten)
    closed,              // the contact is closed (dissuaded, abandoned, ...)
    already_taken,       // another agent (or this one) holds the contact
    not_ready,           // the agent is paused, offline or disconnected
    at_capacity,         // the agent holds as many contacts as its capacity
    not_eligible,        // direct contact of another agent, missing main tag, or medium the agent lacks
    nothing_waiting,     // claim_oldest: no contact the agent may take
    not_holder,          // the agent does not hold this contact
    not_assigned,        // the operation needs an assigned contact
    bad_outcome,         // outcome not valid for this contact's state
    bad_transition,      // channel state change not allowed (e.g. out of unavailable)
    bad_color,           // not "#rrggbb"
    invalid_service,     // service definition unusable (service_problem)
    invalid_agent,       // agent definition unusable (empty id, negative capacity)
    in_use,              // cannot remove: open contacts depend on it
};

std::string_view to_string(RouteError e);

// [SECTION] Events -------------------------------------------------------------------------------------------
// Contact events carry a copy of the contact after the change; contact.seq is the event's sequence number
// (per contact, +1 for every event on it, starting at 1 with ContactPending).
namespace router_event {
struct ContactPending { Contact contact; };  // a new contact waits in the queue
struct ContactReturned {                     // an assigned contact went back to the queue (agent lost)
    Contact contact;
    std::string from_agent;
};
struct ContactAssigned { Contact contact; }; // contact.agent_id took it
struct ChannelChanged {                      // one channel of an assigned contact changed state
    Contact contact;
    Channel channel;
};
struct ColorChanged { Contact contact; };
struct VisitorLeft { Contact contact; };     // visitor gone from an assigned contact (channels unavailable)
struct ContactClosed { Contact contact; };   // contact.outcome says why (dissuaded, abandoned, successful...)

// An agent's waiting list changed. added: contact ids now listed, oldest first; removed: ids no longer
// listed; count: the waiting box number. Look the contacts up with Router::contact(id).
struct WaitingListChanged {
    std::string agent_id;
    std::vector<std::string> added;
    std::vector<std::string> removed;
    std::size_t count = 0;
};
// An agent's status, load, connection or profile changed.
struct AgentChanged {
    AgentProfile profile;
    int load = 0;
    bool connected = true;
};
} // namespace router_event

using RouterEvent =
    std::variant<router_event::ContactPending, router_event::ContactReturned, router_event::ContactAssigned,
                 router_event::ChannelChanged, router_event::ColorChanged, router_event::VisitorLeft,
                 router_event::ContactClosed, router_event::WaitingListChanged, router_event::AgentChanged>;

// The contact an event is about, or nullptr for agent events.
const Contact* contact_of(const RouterEvent& e);

// [SECTION] Requests -----------------------------------------------------------------------------------------

// A visitor asks for a contact.
struct ContactRequest {
    // Empty: the router makes one ("c" + number). Generated ids restart with a new Router and may repeat ids of
    // contacts closed before a restart: a server with a store should pass ids of its own (uuid, sequence).
    std::string id;
    ContactType type = ContactType::chat;
    std::string service_id;
    std::string visitor_id;
    bool returning_visitor = false;
    std::string customer_name;
    std::string country;
    Origin origin;
    VisitorCapabilities capabilities;
    std::optional<std::string> direct_agent_id; // a specific agent (direct, starred)
};

struct RouterConfig {
    // An agent whose last console disconnected keeps its contacts this long; then they return to the queue.
    Duration grace_period{std::chrono::seconds(30)};
    // A visitor who leaves a pending contact after waiting this long abandoned it; before, cancelled it.
    Duration abandon_after{std::chrono::seconds(10)};
    // Closed contacts are kept this long (so late commands get `closed`, not `not_found`), then forgotten.
    Duration keep_closed{std::chrono::seconds(60)};
    // Refuse a request (no_agents) when no agent could take it right now, instead of letting it wait for
    // dissuasion. Off by default: a contact may wait for an agent to become ready.
    bool refuse_without_agents = false;
};

// The router's view of an agent.
struct RoutedAgent {
    AgentProfile profile;
    // Contact types this agent handles. Default: all. The server narrows it from configuration and from what
    // the agent's console reports (no microphone: drop call, video and callback).
    std::vector<ContactType> media{all_contact_types.begin(), all_contact_types.end()};
    std::vector<std::string> contacts;            // held contacts, in the order they were taken
    std::optional<TimePoint> disconnected_since;  // set during the grace period after the last console left

    int load() const { return static_cast<int>(contacts.size()); }
    bool connected() const { return !disconnected_since; }
    bool handles(ContactType t) const;
    // Ready, connected and below capacity: may take one more contact.
    bool accepting() const;
};

// What an operation did. On refusal `error` is set and nothing of the command was applied, but `events` may
// still hold what the passage of time caused (a dissuasion at `now`): forward them in both cases.
struct RouterResult {
    std::optional<RouteError> error;
    std::string contact_id; // the contact created, claimed or acted upon
    std::vector<RouterEvent> events;
    bool ok() const { return !error; }
    explicit operator bool() const { return ok(); }
};

// [SECTION] Router -------------------------------------------------------------------------------------------

class Router {
  public:
    explicit Router(RouterConfig config = {});

    const RouterConfig& config() const { return config_; }

    // --- services -------------------------------------------------------------------------------------------
    // Add or replace. New main tags apply to contacts already waiting; their deadlines do not change.
    RouterResult upsert_service(Service s, TimePoint now);
    // Refused (in_use) while the service has open contacts; with close_pending, only while agents hold contacts
    // of it: its pending contacts are then closed as unfinalized (ContactClosed, waiting lists) and it goes.
    RouterResult remove_service(const std::string& id, TimePoint now, bool close_pending = false);
    const Service* service(const std::string& id) const;

    // --- agents ---------------------------------------------------------------------------------------------
    // Add or replace the profile (tags, capacity, status...). Held contacts and media are kept; a lower
    // capacity never takes contacts away, it only stops new ones. A status in the profile is applied as by
    // set_agent_status.
    RouterResult upsert_agent(AgentProfile p, TimePoint now);
    // Refused (in_use) while the agent holds contacts (set it offline first: they return to the queue). Pending
    // direct contacts addressed to it become ordinary contacts of their service, listed for every eligible
    // agent (no event: read them back with contact()).
    RouterResult remove_agent(const std::string& id, TimePoint now);
    RouterResult set_agent_media(const std::string& id, std::vector<ContactType> media, TimePoint now);
    // ready: gets contacts; paused: keeps its contacts, gets no new ones; offline (logout): its contacts
    // return to the queue at once.
    RouterResult set_agent_status(const std::string& id, AgentStatus status, TimePoint now);
    // The agent's last console went away: it gets no new contacts and keeps what it holds for the grace
    // period. If it is still disconnected when the grace period ends (now >= since + grace_period), its
    // contacts return to the queue and its status becomes offline.
    RouterResult agent_disconnected(const std::string& id, TimePoint now);
    // A console is back: within the grace period the agent simply keeps its contacts (and its status).
    RouterResult agent_reconnected(const std::string& id, TimePoint now);
    const RoutedAgent* agent(const std::string& id) const;
    std::vector<const RoutedAgent*> agents() const; // by id

    // --- contacts -------------------------------------------------------------------------------------------
    // A visitor asks for a contact. Refusals: invalid_request, unknown_service, type_not_allowed,
    // medium_unsupported, unknown_agent (direct), duplicate_contact, no_agents (if configured).
    // The deadline is created_at + the service's dissuasion time (none for a weblead).
    RouterResult request(ContactRequest r, TimePoint now);
    // Take the longest-waiting contact this agent may take (its waiting list's first).
    RouterResult claim_oldest(const std::string& agent_id, TimePoint now);
    // Take a specific contact. Checks in this order: unknown_agent, not_found, closed, already_taken,
    // not_ready, at_capacity, not_eligible. A refused agent's list is already up to date on its console (the
    // winner's claim produced its WaitingListChanged); to be safe, answer the refusal with waiting_for().
    RouterResult claim(const std::string& agent_id, const std::string& contact_id, TimePoint now);
    // The visitor went away. Pending: closed as abandoned (waited >= abandon_after since created_at) or
    // cancelled. Assigned: stays with its agent, visitor_left set and every channel unavailable, until the
    // agent closes it. Closed: refused (closed). Leaving twice is a no-op.
    RouterResult visitor_left(const std::string& contact_id, TimePoint now);
    // Close with an outcome. Assigned contacts: successful, no_interaction or unfinalized; pending ones:
    // dissuaded, abandoned, cancelled or unfinalized. With by_agent, only the holder may close.
    RouterResult close(const std::string& contact_id, Outcome outcome, TimePoint now,
                       const std::optional<std::string>& by_agent = std::nullopt);
    // Set the colour ("#rrggbb"); empty goes back to the service default. With by_agent, holder only.
    RouterResult set_color(const std::string& contact_id, const std::string& color, TimePoint now,
                           const std::optional<std::string>& by_agent = std::nullopt);
    // Change a channel of an assigned contact (channel_transition_allowed).
    RouterResult set_channel(const std::string& contact_id, Channel channel, ChannelState state, TimePoint now);
    // Put back a contact read from the store after a restart, as it was (pending or assigned, same seq,
    // deadline, position). An assigned contact whose agent is unknown returns to the queue. Agents keep no
    // console across a restart: call agent_disconnected for those that hold contacts, so the grace applies.
    RouterResult restore(Contact c, TimePoint now);

    // --- time -----------------------------------------------------------------------------------------------
    // Grace expiries (contacts returned, fresh deadline from now), then dissuasions (deadline <= now), then
    // forgetting old closed contacts. Each contact is dissuaded once.
    std::vector<RouterEvent> tick(TimePoint now);
    // The earliest time tick() has something to do, if any.
    std::optional<TimePoint> next_deadline() const;

    // --- queries --------------------------------------------------------------------------------------------
    const Contact* contact(const std::string& id) const;
    // The contacts this agent may claim now, oldest first; its size is the waiting box number.
    std::vector<const Contact*> waiting_for(const std::string& agent_id) const;
    std::size_t waiting_count(const std::string& agent_id) const;
    std::vector<const Contact*> pending() const; // every pending contact, oldest first
    std::vector<const Contact*> held_by(const std::string& agent_id) const;
    // Why this agent may not claim this contact now (nullopt: it may).
    std::optional<RouteError> check_claim(const std::string& agent_id, const std::string& contact_id) const;
    // Pre-routing: whether some agent could take a new contact of this type for this service right now.
    bool has_eligible_agent(const std::string& service_id, ContactType type) const;

  private:
    struct QueueKey {
        TimePoint created_at;
        std::uint64_t order = 0;
        std::string id;
        bool operator<(const QueueKey& o) const {
            if (created_at != o.created_at) return created_at < o.created_at;
            if (order != o.order) return order < o.order;
            return id < o.id;
        }
    };
    struct ListDelta {
        std::set<QueueKey> added, removed;
    };
    struct Batch; // events and waiting-list deltas of one operation

    static QueueKey key_of(const Contact& c) { return {c.created_at, c.queue_order, c.id}; }
    bool eligible(const RoutedAgent& a, const Contact& c) const;
    std::optional<RouteError> claim_problem(const RoutedAgent& a, const Contact& c) const;

    void advance(TimePoint now, Batch& b);
    void relist_contact(const Contact& c, Batch& b);
    void relist_agent(const RoutedAgent& a, Batch& b);
    void note(Batch& b, const std::string& agent_id, const QueueKey& k, bool added) const;
    void enqueue(Contact& c);                       // into pending_ and deadlines_
    void dequeue(const Contact& c);
    void assign(RoutedAgent& a, Contact& c, TimePoint now, Batch& b);
    void finish(Contact& c, Outcome o, TimePoint at, Batch& b); // close, free capacity, ContactClosed
    void requeue(Contact& c, const std::string& from_agent, TimePoint now, Batch& b); // back to the queue
    void return_contacts(RoutedAgent& a, TimePoint now, Batch& b);
    void apply_status(RoutedAgent& a, AgentStatus status, TimePoint now, Batch& b);
    RouterResult done(Batch& b, std::optional<RouteError> error = std::nullopt, std::string contact_id = {});
    std::string next_id();

    RouterConfig config_;
    std::map<std::string, Service> services_;
    std::map<std::string, RoutedAgent> agents_;
    std::unordered_map<std::string, Contact> contacts_;          // open and recently closed
    std::set<QueueKey> pending_;                                 // every pending contact, FIFO
    std::set<std::pair<TimePoint, std::string>> deadlines_;      // dissuasion deadlines of pending contacts
    std::map<std::string, std::set<QueueKey>> listed_;           // agent -> its waiting list
    std::deque<std::pair<TimePoint, std::string>> closed_;       // closed contacts, to forget later
    std::uint64_t next_order_ = 1;
};

} // namespace sb
