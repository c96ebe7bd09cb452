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
// nothing is sent and the requester gets `internal`. In the server the transactions are written behind the
// event loop by a ContactWriter (write_behind()); the hub itself stays on the io thread.
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
#include "server/contact_writer.h"
#include "server/store/store.h"
#include "server/translate/translator.h"

#include <cstdint>
#include <functional>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
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

    // --- group commit ------------------------------------------------------------------------------------------
    // With `post` (runs a function on the io thread after the work already queued there), the batches of
    // WebSocket commands are not written one transaction each: they wait for the end of the event loop's
    // turn and are written in ONE transaction, then sent in order. Nothing is sent before it is durable; a
    // command that needs the store's view (a resume, a retried cid) sees the waiting batches too. Without it
    // (tests), every commit is written and sent at once.
    void group_commits(std::function<void(std::function<void()>)> post) { post_ = std::move(post); }
    // With group commit and a writer, a turn's transaction is written by `writer` (its own thread) while the io
    // thread goes on with the next commands; those wait, and are written together, until it is durable. Then
    // its batches are sent, in order (a snapshot is made of its contact's record as it is now: if a waiting
    // batch changed that contact, the waiting batches are written first). `writer` outlives the hub's use.
    void write_behind(ContactWriter* writer) { writer_ = writer; }
    // Writes and sends every waiting batch now (also called before any commit outside a command and before the
    // store is read for a contact).
    void flush_commits();

    // --- time ----------------------------------------------------------------------------------------------
    void tick();
    std::optional<TimePoint> next_deadline() const;
    void on_deadline_changed(std::function<void()> f) { deadline_changed_ = std::move(f); }
    // Optional: without it every message goes through the Sender (encoded once per connection).
    void on_frames(FrameSender f) { send_frame_ = std::move(f); }
    // The visitor's country (ISO code, "" when unknown) for a connection: GeoIP of its client address.
    void on_country(std::function<std::string(ConnectionId)> f) { country_of_ = std::move(f); }
    std::int64_t now_ms() const { return to_epoch_ms(clock_.now()); }
    // What welcomes carry for calls: ICE servers (TURN credentials issued to `party`, an agent login or a
    // visitor id) and the ICE transport policy.
    std::vector<protocol::IceServer> ice_servers_for(const std::string& party) const;
    const std::string& ice_transport_policy() const { return media_.ice_transport_policy; }

    // --- files (server/files.h, docs/protocol.md "Files") -----------------------------------------------------
    // What files may be sent, as welcomes carry it.
    const protocol::FileLimits& file_limits() const { return file_limits_; }
    // Why `who` (an agent login or a visitor id) may not send a file on `contact` now, or nullptr when they may:
    // "not_found" (no such contact, or not theirs), "closed", "not_assigned" (no agent holds it).
    const char* file_refusal(const std::string& contact, bool agent, const std::string& who);
    // Announces a file on its contact: the `file` event, written with the file's row in one transaction, then
    // sent to both parties, each with their own link. Returns the event as its sender gets it. The caller checked
    // file_refusal() just before (same io thread). Throws StoreError.
    protocol::ContactEvent share_file(const StoredFile& file, bool agent, const std::string& who);
    // Signs a file's download link for a party ("agent:<login>" or "visitor:<id>"); set by Files.
    using FileLinker = std::function<std::string(const protocol::FileInfo&, const std::string& party)>;
    void on_file_link(FileLinker f) { file_link_ = std::move(f); }

    const Router& router() const { return router_; }

    // --- configuration, changed live by the admin API (contact_hub_config.cpp) ------------------------------
    // The caller validated and stored the change. Waiting lists follow at once (queue.changed), pending contacts
    // whose service or site changed are sent again to the agents listing them, and the next visitor.welcome and
    // agent.welcome list what is configured now. Store failures are logged, as for the timer (never throws).
    void put_site(const SiteConfig& s);
    void remove_site(const std::string& id);
    void put_service(const ServiceConfig& s);
    // Open contacts of a service that agents hold: a service with such contacts cannot be removed.
    std::size_t held_contacts_of_service(const std::string& id) const;
    // Closes the service's pending contacts as unfinalized, then forgets it. Call only when
    // held_contacts_of_service is 0. Returns the ids of the contacts it closed.
    std::vector<std::string> remove_service(const std::string& id);
    void put_agent(const AgentConfig& a);
    // The agent's contacts return to the queue (as at a logout), pending contacts addressed to them become
    // ordinary ones, and the agent is forgotten. Log their connections out first (SessionHub::agent_removed).
    void remove_agent(const std::string& login);

    // --- automatic translation (contact_hub_translation.cpp, docs/protocol.md "Automatic translations") ----
    // While a contact's translation is on, its chat messages wait, in order, for their translation (at most
    // `timeout`: then they go without one); each is stored and sent only then, with its translation. Without a
    // translator every contact.translate is refused with translation_unavailable. `t` outlives the hub's use.
    void use_translator(translate::Translator* t, Duration timeout);
    // The languages a contact of a service in `language` may be translated into (agent.welcome's services).
    std::vector<std::string> translations_for(const std::string& language) const;

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
        std::string json;     // the event as stored (protocol::event_to_json): its frame is made from it
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
    // A command with a client id applied in a batch not yet durable: a retry is answered with that batch.
    struct CidEntry {
        std::string key; // contact + '\n' + party key + '\n' + cid (pending_cids_)
        std::uint64_t seq = 0;
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
        std::vector<StoredFile> files;                    // written with their contact (share_file)
        std::vector<ContactWrite> writes;                 // what commit() took from the above for the store
        std::set<std::string> queues_moved;               // services whose waiting order changed (positions)
        std::vector<CidEntry> cids;                       // commands with a cid applied in this batch
    };
    using Batches = std::deque<Batch>; // a deque: pending_cids_ points into it

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
    void translate_contact(ConnectionId conn, const protocol::ContactTranslate& x);

    // A chat message: idle ends, the `message` event (with its translation, if any), the idle clock restarts.
    void post_message(Batch& b, ContactRecord& r, const Actor& who, const std::string& text, const std::string& cid,
                      std::optional<protocol::ev::Translation> translation = std::nullopt);
    // Messages waiting for their translation (or behind one that does), per contact, in arrival order.
    struct Translating {
        std::uint64_t ticket = 0;
        Actor who;
        ConnectionId conn = 0; // the sender's connection: gets `internal` if storing fails
        std::string cid;
        std::string text;
        std::string language;  // what the translation is in
        TimePoint deadline;    // goes untranslated from then on
        bool waiting = false;  // no answer from the translator yet
        std::optional<std::string> translated;
    };
    // True when the message is queued (translation on, or others of the contact are still queued), or is a
    // retry (same cid) of one that is: then its event, when sent, answers both.
    bool queue_for_translation(ConnectionId conn, ContactRecord& r, const Actor& who, const protocol::ContactSend& x);
    void translated(const std::string& contact, std::uint64_t ticket, translate::Result result);
    // Sends the queued messages of a contact that are ready (answered or past their deadline), in order.
    void release_translated(const std::string& contact);
    // Every queued message of the contact, now, into `b` (the contact is closing: they go before `closed`).
    void release_all_translated(Batch& b, ContactRecord& r);
    void translation_tick();
    std::optional<TimePoint> next_translation_deadline() const;
    void media(ConnectionId conn, const protocol::ContactMedia& x);
    void signal(ConnectionId conn, const protocol::ContactSignal& x);
    // A `file` event's link for the party it is sent to; every file event of a snapshot for a connection.
    void link_file(protocol::ContactEvent& e, const std::string& party) const;
    void link_files(protocol::ContactSnapshot& s, ConnectionId conn) const;

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
    // Persists the batch, then sends it; with group commit during a WebSocket command, later in the turn.
    void commit(Batch& b);
    // The end of a turn: the waiting batches go to the writer, unless it is busy (then they go when it is done).
    void end_of_turn();
    void start_write();   // hands pending_ to writer_
    void finish_write();  // waits for writer_, then sends (or refuses) what it wrote
    // Writes these batches on store_ (no writer) or through writer_ (idle), waiting for it; nullopt or the error.
    std::optional<std::string> write_now(Batches& group);
    static std::vector<ContactWrite> take_writes(Batches& group); // moved out of the batches
    void written(Batches& group);                          // durable: cids remembered, then sent
    void refused(Batches& group, const std::string& why);  // not written: nothing sent, requesters told
    void deliver(Batch& b); // sends a batch whose writes are durable
    // Tells waiting visitors of these services their new queue.position, when it changed.
    void send_positions(const std::set<std::string>& services);
    // A new waiting contact learns its position at once; the others behind a moved queue at positions_due_.
    void queue_positions(const Batch& b);
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
    MediaConfig media_;
    protocol::FileLimits file_limits_;
    FileLinker file_link_;
    translate::Translator* translator_ = nullptr;
    Duration translation_timeout_{3000};
    std::uint64_t next_ticket_ = 0;
    std::map<std::string, std::deque<Translating>> translating_; // contact -> queued messages
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);      // translator answers after the hub do nothing

    std::map<std::string, ContactRecord> records_;                 // open contacts
    // Client ids of the commands applied on each open contact, so that a retry is answered and applied once
    // without a store read; a contact restored at start reads its own from the store (Store::commands).
    struct CidLog {
        std::unordered_map<std::string, std::uint64_t> seqs; // party key + '\n' + cid -> seq
    };
    std::unordered_map<std::string, CidLog> cids_;
    // Each open contact's record as its store row was last written: a write that changes nothing else than
    // seq and last_message leaves the row alone (ContactWrite::row), and a restore reads those two back from
    // the events. Forgotten when a write fails, so the next one writes the row.
    std::unordered_map<std::string, ContactRecord> written_;
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
    // [SECTION] Group commit: batches committed but not yet written, in order (see group_commits()).
    Batches pending_;
    Batches writing_; // handed to writer_, not durable yet (before pending_); empty while writer_ is idle
    // The commands with a cid in writing_ or pending_: CidEntry::key -> (its batch, seq).
    std::unordered_map<std::string, std::pair<Batch*, std::uint64_t>> pending_cids_;
    std::function<void(std::function<void()>)> post_;
    ContactWriter* writer_ = nullptr;
    std::uint64_t write_number_ = 0; // which start() a posted completion belongs to
    bool in_command_ = false;  // handle() runs: commits may wait for the end of the turn
    bool flush_posted_ = false;
    std::map<std::string, std::size_t> positions_; // pending contact -> the queue.position its visitor has
    // Queues that moved since the last positions were sent: sent again at most once a second (a claim at the
    // head moves everyone behind it; with a thousand waiting that is a thousand messages).
    std::set<std::string> positions_dirty_;
    std::optional<TimePoint> positions_due_;
    std::optional<TimePoint> notified_deadline_;
};

} // namespace sb::server
