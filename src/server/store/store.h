// Persistence seen by the rest of the server. SQLite now (sqlite_store.h); PostgreSQL behind the same
// interface. Every method either succeeds or throws StoreError; callers turn that into an `internal` error.
// A write method returns only once its data is durable (committed with a synchronous commit): the server
// acknowledges an event only after that.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sb::server {

struct StoreError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct StoredAgent {
    std::string login;
    std::string name;
    std::string password_hash;
    std::vector<std::string> tags;
    std::vector<std::string> languages;
    int capacity = 1;
    bool operator==(const StoredAgent&) const = default;
};

// A login session: the token a console keeps to resume after a reconnect.
struct StoredSession {
    std::string token;
    std::string login;
    std::int64_t created_at = 0; // unix seconds
    std::int64_t last_seen = 0;  // unix seconds
    bool operator==(const StoredSession&) const = default;
};

// A visitor's anonymous identity. The secret itself is never stored, only its hash (contact_hub.cpp).
struct StoredVisitor {
    std::string id;          // "v-" + hex
    std::string secret_hash; // hex of crypto_generichash(secret)
    std::int64_t created_at = 0; // ms since the Unix epoch
    bool operator==(const StoredVisitor&) const = default;
};

// One contact. The indexed columns are copies of fields of `data`, which is the whole contact as a JSON
// document (written and read by contact_record.cpp only): backends store it as text, and read nothing in it
// but its closed_at (ms since the Unix epoch, or null), for files_to_expire.
struct StoredContact {
    std::string id;
    std::string visitor_id;
    std::string state;    // "pending", "assigned" or "closed"
    std::string agent_id; // holder while assigned, last holder once closed, else ""
    std::int64_t created_at = 0; // ms since the Unix epoch
    std::uint64_t seq = 0;       // sequence number of the contact's last event
    std::string data;            // JSON document
    bool operator==(const StoredContact&) const = default;
};

// One event of a contact's stream (the transcript).
struct StoredEvent {
    std::string contact_id;
    std::uint64_t seq = 0;  // 1, 2, 3... per contact, no gaps
    std::int64_t at = 0;    // ms since the Unix epoch
    std::string kind;       // the protocol's event name ("message", "closed", ...)
    std::string party;      // who caused it: "agent:<login>", "visitor:<id>", or "" (the server)
    std::string cid;        // the command id that caused it, or ""; (contact_id, party, cid) is unique when set
    std::string payload;    // the event as JSON (protocol::event_to_json)
    bool operator==(const StoredEvent&) const = default;
};

// --- configuration: sites and services (agents above), and what the admin API changed ---
struct StoredSite {
    std::string id;
    std::string name;
    std::string url;
    bool operator==(const StoredSite&) const = default;
};

struct StoredColor {
    std::string color; // #rrggbb
    std::string meaning;
    bool operator==(const StoredColor&) const = default;
};

struct StoredService {
    std::string id;
    std::string name;
    std::string language;
    std::vector<std::string> tags; // main tags
    int dissuasion_seconds = 90;
    std::string color;
    std::vector<StoredColor> colors;
    std::vector<std::string> media; // contact types
    std::string site;
    bool operator==(const StoredService&) const = default;
};

// An id the admin API created, replaced or deleted: from then on the database's version of it wins over the
// config file's (docs/admin.md, "Where the configuration lives").
struct AdminChange {
    std::string kind; // "site", "service" or "agent"
    std::string id;
    bool deleted = false;
    std::int64_t at = 0; // ms since the Unix epoch
    bool operator==(const AdminChange&) const = default;
};

// One change of configuration, written in ONE transaction (all or nothing), in this order: forget the admin
// changes (if asked), upsert sites, services and agents, delete services, sites and agents (an agent's sessions
// go with it), upsert admin changes by (kind, id).
struct ConfigWrite {
    bool forget_admin_changes = false;
    std::vector<StoredSite> sites;
    std::vector<StoredService> services;
    std::vector<StoredAgent> agents;
    std::vector<std::string> deleted_sites;
    std::vector<std::string> deleted_services;
    std::vector<std::string> deleted_agents;
    std::vector<AdminChange> admin_changes;
};

// A file sent on a contact (server/files.h). Its bytes are a file named `id` in the files folder (config
// "files.dir"); the sender's file name is only shown, never used as a path.
struct StoredFile {
    std::string id;          // "f-" + 32 hex digits
    std::string contact_id;
    std::string party;       // who sent it: "agent:<login>" or "visitor:<id>"
    std::string name;        // the sender's file name (UTF-8)
    std::string type;        // MIME type
    std::uint64_t size = 0;  // bytes
    std::int64_t created_at = 0; // ms since the Unix epoch
    std::string secret;      // hex: the key its download links are signed with (never sent)
    std::int64_t expired_at = 0; // ms since the Unix epoch when retention deleted its bytes; 0 while kept
    bool operator==(const StoredFile&) const = default;
};

// A command sent with a client id (`cid`) by a party, and the seq of the event it caused.
struct StoredCommand {
    std::string party; // "agent:<login>" or "visitor:<id>"
    std::string cid;
    std::uint64_t seq = 0;
    bool operator==(const StoredCommand&) const = default;
};

// A contact's new state together with the events that led to it (and the files they announce): written in one
// transaction.
struct ContactWrite {
    StoredContact contact;
    std::vector<StoredEvent> events;
    std::vector<StoredFile> files;
    // false: write the events (and files) only. The contact's row then stays as last written but for its `seq`
    // and `last_message`, which ContactHub reads back from the events after the row's seq when it restores
    // the contact (a chat message changes only those two: its row is not rewritten with every message).
    bool row = true;
};

class Store {
  public:
    virtual ~Store() = default;

    virtual int schema_version() = 0;

    virtual std::optional<StoredAgent> find_agent(const std::string& login) = 0;
    virtual std::vector<StoredAgent> agents() = 0; // ordered by login
    virtual void upsert_agent(const StoredAgent& agent) = 0;
    virtual void delete_agent(const std::string& login) = 0; // and the agent's sessions

    virtual void create_session(const StoredSession& session) = 0;
    virtual std::optional<StoredSession> find_session(const std::string& token) = 0;
    virtual void touch_session(const std::string& token, std::int64_t last_seen) = 0;
    virtual void delete_session(const std::string& token) = 0;

    // --- configuration ---
    virtual std::vector<StoredSite> sites() = 0;           // ordered by id
    virtual std::vector<StoredService> services() = 0;     // ordered by id
    virtual std::vector<AdminChange> admin_changes() = 0;  // ordered by kind, then id
    virtual void write_config(const ConfigWrite& write) = 0;

    // --- visitors ---
    virtual void create_visitor(const StoredVisitor& visitor) = 0; // throws on a duplicate id
    virtual std::optional<StoredVisitor> find_visitor(const std::string& id) = 0;

    // --- contacts and their events ---
    // Upserts every contact and appends its events, all in ONE transaction (all or nothing).
    virtual void write_contacts(const std::vector<ContactWrite>& writes) = 0;
    virtual std::optional<StoredContact> find_contact(const std::string& id) = 0;
    // Contacts whose state is not "closed", oldest created_at first.
    virtual std::vector<StoredContact> open_contacts() = 0;
    // Events of a contact with seq > after, in seq order, at most `limit` of them.
    virtual std::vector<StoredEvent> events_after(const std::string& contact_id, std::uint64_t after,
                                                  std::size_t limit) = 0;
    // The commands sent with a client id that were applied on this contact, in seq order (ContactHub keeps
    // them in memory while the contact is open, so that a retry is answered and applied once).
    virtual std::vector<StoredCommand> commands(const std::string& contact_id) = 0;

    // --- files (written with their `file` event by write_contacts) ---
    virtual std::optional<StoredFile> find_file(const std::string& id) = 0;
    // Files still kept (expired_at 0) whose contact is closed and closed before `closed_before` (ms since the
    // Unix epoch, the contact's closed_at), in id order, at most `limit` (server/file_retention.h). Files of
    // contacts that are not closed are never listed.
    virtual std::vector<StoredFile> files_to_expire(std::int64_t closed_before, std::size_t limit) = 0;
    // Marks these files expired at `at` (their bytes are gone), in one transaction; an already expired file keeps
    // its first time, an unknown id is ignored.
    virtual void expire_files(const std::vector<std::string>& ids, std::int64_t at) = 0;
};

} // namespace sb::server
