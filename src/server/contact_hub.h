// Contacts on the server, free of sockets: one sb::Router fed from the config, the visitors' sessions, the
// contact event streams (chat, read marks, pages, presence, links, idle, colours, closing), their storage and
// who receives what. SessionHub owns the connections and hands every visitor.* / contact.* / queue-related
// step to this class; it sends through the `Sender` it was given. Single-threaded: everything runs on the io
// thread, one command after the other, which is what makes claims atomic.
//
// [SECTION] Sequence numbers
// The hub owns ONE counter per contact (ContactRecord::seq). Router events are renumbered: each router event
// about a contact takes the next hub number (and a returned contact produces two events, `returned` then
// `pending` with its fresh deadline); the router's own Contact::seq is ignored. Chat messages, read marks,
// pages, presence, links and idle events take numbers from the same counter, so a contact's stream is
// 1, 2, 3... without gaps whichever component caused the event.
//
// [SECTION] Durability
// Every change is collected in a Batch; commit() writes the batch's contacts and events in one store
// transaction and only then sends anything (events, snapshots, acks, waiting lists). If the store fails,
// nothing is sent and the requester gets `internal`.
//
// [SECTION] Time
// Nothing here reads the system clock: `clock` says what time it is (a FakeClock in tests). The transport
// arms one timer for next_deadline() and calls tick() when it fires; on_deadline_changed tells it to re-arm.
#pragma once
#include "core/clock.h"
#include "core/router.h"
#include "protocol/messages.h"
#include "server/config.h"
#include "server/contact_record.h"
#include "server/store/store.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sb::server {

using ConnectionId = std::uint64_t;

struct ContactHubOptions {
    Duration idle{std::chrono::seconds(60)};          // contacts.idle_seconds
    Duration grace{std::chrono::seconds(30)};         // contacts.grace_seconds
    Duration visitor_away{std::chrono::seconds(30)};  // contacts.visitor_away_seconds
    std::size_t history_limit = 1000;                 // contacts.history_limit
    int typing_per_second = 2;                        // contact.typing relayed per connection and second
};

ContactHubOptions contact_hub_options(const ContactsConfig& c);

class ContactHub {
  public:
    using Sender = std::function<void(ConnectionId, const protocol::ServerMessage&)>;
    // Sends an already encoded message: the same queue.changed goes to many agents, encoded once.
    using FrameSender = std::function<void(ConnectionId, const std::string&)>;

    ContactHub(Store& store, const Clock& clock, const Config& config, ContactHubOptions options, Sender send);

    // Loads services and agents into the router, then the open contacts of the store (after a restart):
    // pending ones keep their place and deadline, assigned ones stay with their agent, who gets the grace
    // period to come back. Throws StoreError.
    void start();

    // --- agents (called by SessionHub) ---------------------------------------------------------------------
    // A connection logged in as `login`; `status` is the agent's shared status (a first connection: paused).
    void agent_joined(ConnectionId conn, const std::string& login, AgentStatus status);
    // The agent's held contacts, as agent.welcome lists them.
    std::vector<protocol::ContactView> held_by(const std::string& login) const;
    // The services this agent may answer (every main tag held), with their colours, as agent.welcome lists them.
    std::vector<protocol::ServiceInfo> services_for_agent(const std::string& login) const;
    // Sends the whole queue.waiting to this one connection (after its welcome); every later change of the
    // agent's list reaches all of its connections as queue.changed.
    void send_waiting(ConnectionId conn);
    void agent_status(const std::string& login, AgentStatus status);
    // The connection logged out (logout: true) or went away. The agent's last connection: logout makes the
    // agent offline at once (their contacts return to the queue); a lost connection starts the grace period.
    void agent_left(ConnectionId conn, bool logout);

    // --- visitors and contacts -----------------------------------------------------------------------------
    bool is_visitor(ConnectionId conn) const { return visitors_by_conn_.count(conn) > 0; }
    // visitor.hello and every contact.* message. Throws on store failure (SessionHub answers `internal`).
    void handle(ConnectionId conn, const protocol::ClientMessage& m);
    // A connection is gone (agent or visitor). Never throws.
    void connection_closed(ConnectionId conn);

    // --- time ----------------------------------------------------------------------------------------------
    void tick();
    std::optional<TimePoint> next_deadline() const;
    void on_deadline_changed(std::function<void()> f) { deadline_changed_ = std::move(f); }
    // Optional: without it every message goes through the Sender (encoded once per connection).
    void on_frames(FrameSender f) { send_frame_ = std::move(f); }
    // The visitor's country (ISO code, "" when unknown) for a connection: GeoIP of its client address.
    void on_country(std::function<std::string(ConnectionId)> f) { country_of_ = std::move(f); }
    std::int64_t now_ms() const { return to_epoch_ms(clock_.now()); }

    const Router& router() const { return router_; }

  private:
    struct VisitorSession {
        std::string visitor_id;
        std::string country; // from GeoIP of the connection's address, "" when unknown
        bool returning = false;
        std::string name;
        protocol::Page page;
        protocol::Capabilities capabilities;
    };
    // Who sent a command: an agent (login) or a visitor (visitor id).
    struct Actor {
        bool agent = false;
        std::string id;
        std::string key() const { return (agent ? "agent:" : "visitor:") + id; } // StoredEvent::party
        protocol::Party party() const { return agent ? protocol::Party::agent : protocol::Party::visitor; }
    };
    struct Delivery {
        protocol::ContactEvent event;
        std::string visitor_id;
        std::string agent_id; // "" when no agent receives it
    };
    // How an agent's waiting list changed, composed over one or more router operations: ids to (re)send,
    // ids no longer listed. Disjoint; applying it to the list the agent had gives the list it has now.
    struct ListChange {
        std::set<std::string> added;
        std::set<std::string> removed;
        void add(const std::string& id) {
            removed.erase(id);
            added.insert(id);
        }
        void remove(const std::string& id) {
            added.erase(id);
            removed.insert(id);
        }
        void then(const ListChange& later) { // this change, then `later`
            for (const auto& id : later.removed) remove(id);
            for (const auto& id : later.added) add(id);
        }
        bool empty() const { return added.empty() && removed.empty(); }
    };
    struct SnapshotReply {
        ConnectionId conn;
        std::string contact;
        std::string cid;
        std::uint64_t after = 0;
    };
    // Everything one operation did; commit() persists it, then sends it.
    struct Batch {
        TimePoint now;
        std::vector<std::string> touched;                 // contacts to write, first-touch order
        std::map<std::string, std::vector<StoredEvent>> events;
        std::map<std::string, ContactRecord> closed;      // records that left records_ in this batch
        std::vector<Delivery> deliveries;
        std::map<std::string, ListChange> lists;          // agent -> queue.changed to push
        std::set<std::string> relist;                     // pending contacts whose details changed
        std::set<ConnectionId> full_lists;                // connections that get a whole queue.waiting
        std::vector<SnapshotReply> snapshots;
        std::vector<std::pair<ConnectionId, protocol::ServerMessage>> replies;
        ConnectionId requester = 0;                       // gets `internal` if the store fails
        std::string requester_cid;
    };

    // The batch of a client's command (its connection gets `internal` if the store fails), and a refusal in it.
    Batch command_batch(ConnectionId conn, const std::string& cid, TimePoint now) const;
    void refuse(Batch& b, ConnectionId conn, const std::string& cid, RouteError e) const;

    // commands
    void hello(ConnectionId conn, const protocol::VisitorHello& x);
    void request(ConnectionId conn, const protocol::ContactRequestMsg& x);
    void claim(ConnectionId conn, const protocol::ContactClaim& x);
    void send_message(ConnectionId conn, const protocol::ContactSend& x);
    void read(ConnectionId conn, const protocol::ContactReadMsg& x);
    void typing(ConnectionId conn, const protocol::ContactTyping& x);
    void page(ConnectionId conn, const protocol::ContactPage& x);
    void color(ConnectionId conn, const protocol::ContactColor& x);
    void link(ConnectionId conn, const protocol::ContactLink& x);
    void channel(ConnectionId conn, const protocol::ContactChannel& x);
    void stop(ConnectionId conn, const protocol::ContactStop& x);
    void resume(ConnectionId conn, const protocol::ContactResume& x);

    // helpers
    std::optional<Actor> actor_of(ConnectionId conn) const;
    // The open record this actor may act on, or nullptr after sending the error (not_found / closed).
    ContactRecord* acting_on(ConnectionId conn, const Actor& who, const std::string& contact, const std::string& cid);
    // True when the command (cid) was applied before: then it sent the ack again.
    bool replayed(ConnectionId conn, const Actor& who, const std::string& contact, const std::string& cid);
    void absorb(Batch& b, const std::vector<RouterEvent>& events, const std::string& cause_contact = {},
                const Actor* who = nullptr, const std::string& cid = {});
    std::uint64_t emit(Batch& b, ContactRecord& r, protocol::EventBody body, const Actor* who = nullptr,
                       const std::string& cid = {});
    void touch(Batch& b, const std::string& contact);
    void commit(Batch& b);
    // (Re)arms the idle deadline of an assigned contact, from `last_message` when given.
    void schedule_idle(ContactRecord& r, std::optional<TimePoint> last_message = std::nullopt);
    void cancel_idle(const ContactRecord& r);
    void visitor_present(Batch& b, const std::string& visitor_id, bool present);
    protocol::ContactView view(const ContactRecord& r) const;
    protocol::ServiceInfo service_info(const ServiceConfig& s, bool with_colors) const;
    protocol::ContactSnapshot snapshot(const ContactRecord& r, const std::string& cid, std::uint64_t after);
    protocol::QueueWaiting waiting(const std::string& login) const;
    // Sends the batch's waiting-list changes (and those a failed commit could not send before).
    void send_lists(Batch& b);
    void error(ConnectionId conn, const std::string& cid, const char* code, std::string message);
    void send(ConnectionId conn, const protocol::ServerMessage& m) { send_(conn, m); }
    void send_to_agent(const std::string& login, const protocol::ServerMessage& m);
    void send_to_visitor(const std::string& visitor_id, const protocol::ServerMessage& m, ConnectionId except = 0);
    void notify_deadline();
    bool typing_allowed(ConnectionId conn);
    std::string agent_name(const std::string& login) const;
    std::optional<ContactRecord> load(const std::string& contact) const; // open or from the store

    Store& store_;
    const Clock& clock_;
    ContactHubOptions options_;
    Sender send_;
    std::function<std::string(ConnectionId)> country_of_;
    FrameSender send_frame_;
    Router router_;
    std::map<std::string, ServiceConfig> services_;
    std::map<std::string, SiteConfig> sites_;
    std::map<std::string, AgentConfig> agents_;

    std::map<std::string, ContactRecord> records_;                 // open contacts
    std::map<std::string, std::set<std::string>> visitor_contacts_; // visitor -> open contacts
    std::map<ConnectionId, VisitorSession> visitors_by_conn_;
    std::map<std::string, std::set<ConnectionId>> visitor_conns_;
    std::map<ConnectionId, std::string> agents_by_conn_;
    std::map<std::string, std::set<ConnectionId>> agent_conns_;
    std::set<std::pair<TimePoint, std::string>> idle_deadlines_;    // (last message + idle, contact)
    std::map<std::string, TimePoint> visitor_away_;                 // visitor -> when they count as gone
    std::set<std::pair<TimePoint, std::string>> away_deadlines_;
    struct TypingWindow {
        TimePoint start{};
        int count = 0;
    };
    std::map<ConnectionId, TypingWindow> typing_;
    // Waiting-list changes of batches whose store write failed: the router applied them, so they go out with
    // the next batch that commits (the agents' lists would drift otherwise).
    std::map<std::string, ListChange> unsent_lists_;
    std::set<std::string> unsent_relist_;
    std::function<void()> deadline_changed_;
    std::optional<TimePoint> notified_deadline_;
};

} // namespace sb::server
