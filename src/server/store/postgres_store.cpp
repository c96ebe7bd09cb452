#include "server/store/postgres_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

namespace sb::server {
namespace {

// Schema migrations: entry i brings the database from version i to i + 1. Only ever append. Same tables and
// meaning as the SQLite store; list columns are jsonb arrays of strings.
const char* const migrations[] = {
    R"sql(
    CREATE TABLE agents (
        login         text PRIMARY KEY,
        name          text NOT NULL,
        password_hash text NOT NULL,
        tags          jsonb NOT NULL DEFAULT '[]',
        languages     jsonb NOT NULL DEFAULT '[]',
        capacity      integer NOT NULL DEFAULT 1
    );
    CREATE TABLE sessions (
        token      text PRIMARY KEY,
        login      text NOT NULL REFERENCES agents(login) ON DELETE CASCADE,
        created_at bigint NOT NULL,
        last_seen  bigint NOT NULL
    );
    CREATE INDEX sessions_by_login ON sessions(login);
    )sql",
    R"sql(
    CREATE TABLE visitors (
        id          text PRIMARY KEY,
        secret_hash text NOT NULL,
        created_at  bigint NOT NULL            -- ms since the Unix epoch
    );
    CREATE TABLE contacts (
        id         text PRIMARY KEY,
        visitor_id text NOT NULL,
        state      text NOT NULL,              -- pending | assigned | closed
        agent_id   text NOT NULL DEFAULT '',
        created_at bigint NOT NULL,            -- ms since the Unix epoch
        seq        bigint NOT NULL,            -- last event's sequence number
        data       text NOT NULL               -- the whole contact, JSON, opaque here (contact_record.cpp)
    );
    CREATE INDEX contacts_open ON contacts(created_at) WHERE state <> 'closed';
    CREATE INDEX contacts_by_visitor ON contacts(visitor_id);
    CREATE TABLE contact_events (
        contact_id text NOT NULL REFERENCES contacts(id),
        seq        bigint NOT NULL,
        at         bigint NOT NULL,
        kind       text NOT NULL,
        party      text NOT NULL DEFAULT '',
        cid        text NOT NULL DEFAULT '',
        payload    text NOT NULL,              -- the event, JSON (protocol::event_to_json)
        PRIMARY KEY (contact_id, seq)
    );
    CREATE UNIQUE INDEX contact_events_by_cid ON contact_events(contact_id, party, cid) WHERE cid <> '';
    )sql",
    R"sql(
    CREATE TABLE sites (
        id   text PRIMARY KEY,
        name text NOT NULL,
        url  text NOT NULL
    );
    CREATE TABLE services (
        id                 text PRIMARY KEY,
        name               text NOT NULL,
        language           text NOT NULL,
        tags               jsonb NOT NULL DEFAULT '[]',
        dissuasion_seconds integer NOT NULL,
        color              text NOT NULL,
        colors             jsonb NOT NULL DEFAULT '[]',   -- array of {"color","meaning"}
        media              jsonb NOT NULL,                -- array of contact types
        site               text NOT NULL
    );
    CREATE TABLE admin_changes (                         -- ids the admin API owns (docs/admin.md)
        kind    text NOT NULL,                           -- site | service | agent
        id      text NOT NULL,
        deleted boolean NOT NULL,
        at      bigint NOT NULL,                         -- ms since the Unix epoch
        PRIMARY KEY (kind, id)
    );
    )sql",
    R"sql(
    CREATE TABLE files (                                 -- files sent on contacts (server/files.h)
        id         text PRIMARY KEY,                     -- also the name of its bytes in files.dir
        contact_id text NOT NULL REFERENCES contacts(id),
        party      text NOT NULL,                        -- agent:<login> | visitor:<id>
        name       text NOT NULL,
        type       text NOT NULL,
        size       bigint NOT NULL,
        created_at bigint NOT NULL,                      -- ms since the Unix epoch
        secret     text NOT NULL                         -- hex key of its download links
    );
    CREATE INDEX files_by_contact ON files(contact_id);
    )sql",
    R"sql(
    -- file retention (server/file_retention.h): ms since the Unix epoch when its bytes were deleted; 0 while kept
    ALTER TABLE files ADD COLUMN expired_at bigint NOT NULL DEFAULT 0;
    CREATE INDEX files_kept ON files(contact_id) WHERE expired_at = 0;
    )sql",
    R"sql(
    -- retries are answered from ContactHub's memory (Store::commands at start): one index less per event
    DROP INDEX contact_events_by_cid;
    )sql",
};
constexpr int latest_version = static_cast<int>(std::size(migrations));

// Held (per transaction) while migrating, so two servers starting on one database do not race.
constexpr long long migration_lock_key = 0x5357'4254'4348; // "SWBTCH"

// Named prepared statements, prepared on every (re)connection. ORDER BY uses the "C" collation so the order is
// the byte order SQLite gives, whatever the database's locale.
const std::pair<const char*, const char*> statements[] = {
    {"schema_version", "SELECT version FROM schema_version"},
    {"find_agent", "SELECT login, name, password_hash, tags::text, languages::text, capacity FROM agents WHERE login = $1"},
    {"agents",
     "SELECT login, name, password_hash, tags::text, languages::text, capacity FROM agents ORDER BY login COLLATE \"C\""},
    {"upsert_agent",
     "INSERT INTO agents (login, name, password_hash, tags, languages, capacity) VALUES ($1, $2, $3, $4, $5, $6) "
     "ON CONFLICT (login) DO UPDATE SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash, "
     "tags = EXCLUDED.tags, languages = EXCLUDED.languages, capacity = EXCLUDED.capacity"},
    {"delete_agent", "DELETE FROM agents WHERE login = $1"}, // sessions go by ON DELETE CASCADE
    {"create_session", "INSERT INTO sessions (token, login, created_at, last_seen) VALUES ($1, $2, $3, $4)"},
    {"find_session", "SELECT token, login, created_at, last_seen FROM sessions WHERE token = $1"},
    {"touch_session", "UPDATE sessions SET last_seen = $2 WHERE token = $1"},
    {"delete_session", "DELETE FROM sessions WHERE token = $1"},
    {"create_visitor", "INSERT INTO visitors (id, secret_hash, created_at) VALUES ($1, $2, $3)"},
    {"find_visitor", "SELECT id, secret_hash, created_at FROM visitors WHERE id = $1"},
    {"upsert_contact",
     "INSERT INTO contacts (id, visitor_id, state, agent_id, created_at, seq, data) VALUES ($1, $2, $3, $4, $5, $6, $7) "
     // visitor_id and created_at never change: leaving them out spares their indexes
     "ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, agent_id = EXCLUDED.agent_id, seq = EXCLUDED.seq, "
     "data = EXCLUDED.data"},
    {"append_event",
     "INSERT INTO contact_events (contact_id, seq, at, kind, party, cid, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)"},
    {"find_contact", "SELECT id, visitor_id, state, agent_id, created_at, seq, data FROM contacts WHERE id = $1"},
    {"open_contacts",
     "SELECT id, visitor_id, state, agent_id, created_at, seq, data FROM contacts WHERE state <> 'closed' "
     "ORDER BY created_at, id COLLATE \"C\""},
    {"events_after",
     "SELECT contact_id, seq, at, kind, party, cid, payload FROM contact_events WHERE contact_id = $1 AND seq > $2 "
     "ORDER BY seq LIMIT $3"},
    {"commands", "SELECT party, cid, seq FROM contact_events WHERE contact_id = $1 AND cid <> '' ORDER BY seq"},
    {"insert_file",
     "INSERT INTO files (id, contact_id, party, name, type, size, created_at, secret) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"},
    {"find_file", "SELECT id, contact_id, party, name, type, size, created_at, secret, expired_at FROM files WHERE id = $1"},
    {"files_to_expire",
     "SELECT f.id, f.contact_id, f.party, f.name, f.type, f.size, f.created_at, f.secret, f.expired_at FROM files f "
     "JOIN contacts c ON c.id = f.contact_id WHERE f.expired_at = 0 AND c.state = 'closed' "
     "AND (c.data::jsonb ->> 'closed_at')::bigint < $1 ORDER BY f.id COLLATE \"C\" LIMIT $2"},
    {"expire_file", "UPDATE files SET expired_at = $2 WHERE id = $1 AND expired_at = 0"},
    {"sites", "SELECT id, name, url FROM sites ORDER BY id COLLATE \"C\""},
    {"services",
     "SELECT id, name, language, tags::text, dissuasion_seconds, color, colors::text, media::text, site FROM services "
     "ORDER BY id COLLATE \"C\""},
    {"admin_changes", "SELECT kind, id, deleted, at FROM admin_changes ORDER BY kind COLLATE \"C\", id COLLATE \"C\""},
    {"forget_admin_changes", "DELETE FROM admin_changes"},
    {"upsert_site",
     "INSERT INTO sites (id, name, url) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
     "url = EXCLUDED.url"},
    {"upsert_service",
     "INSERT INTO services (id, name, language, tags, dissuasion_seconds, color, colors, media, site) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
     "language = EXCLUDED.language, tags = EXCLUDED.tags, dissuasion_seconds = EXCLUDED.dissuasion_seconds, "
     "color = EXCLUDED.color, colors = EXCLUDED.colors, media = EXCLUDED.media, site = EXCLUDED.site"},
    {"delete_site", "DELETE FROM sites WHERE id = $1"},
    {"delete_service", "DELETE FROM services WHERE id = $1"},
    {"upsert_admin_change",
     "INSERT INTO admin_changes (kind, id, deleted, at) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id) DO UPDATE SET "
     "deleted = EXCLUDED.deleted, at = EXCLUDED.at"},
};

// Sequence numbers are unsigned in C++ and bigint in the database, as in SQLite (same bits both ways).
std::int64_t to_db(std::uint64_t n) { return static_cast<std::int64_t>(n); }
std::uint64_t from_db(const pqxx::field& f) { return static_cast<std::uint64_t>(f.as<std::int64_t>()); }

// libpq messages span lines ("...failed: Connection refused\n\tIs the server running..."): one line, "; " between.
std::string one_line(const std::string& text) {
    std::string out;
    bool pending_break = false;
    for (char c : text) {
        if (c == '\n' || c == '\r') {
            pending_break = true;
            continue;
        }
        if (pending_break && (c == '\t' || c == ' ')) continue;
        if (pending_break) {
            if (!out.empty()) out += "; ";
            pending_break = false;
        }
        out += c == '\t' ? ' ' : c;
    }
    return out;
}

bool is_uri(const std::string& url) { return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0; }

std::string with_connect_timeout(const std::string& url) {
    if (url.find("connect_timeout") != std::string::npos) return url;
    if (is_uri(url)) return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
    return url + (url.empty() ? "" : " ") + "connect_timeout=10";
}

std::string to_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> from_json(const pqxx::field& f) {
    if (f.is_null()) return {};
    auto j = nlohmann::json::parse(f.c_str(), nullptr, false);
    if (!j.is_array()) return {};
    std::vector<std::string> out;
    for (const auto& e : j)
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

std::string colors_to_json(const std::vector<StoredColor>& colors) {
    auto j = nlohmann::json::array();
    for (const auto& c : colors) j.push_back({{"color", c.color}, {"meaning", c.meaning}});
    return j.dump();
}

std::vector<StoredColor> colors_from_json(const pqxx::field& f) {
    std::vector<StoredColor> out;
    if (f.is_null()) return out;
    auto j = nlohmann::json::parse(f.c_str(), nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& e : j)
        if (e.is_object()) out.push_back(StoredColor{e.value("color", ""), e.value("meaning", "")});
    return out;
}

class PostgresStore final : public Store {
  public:
    explicit PostgresStore(const std::string& url) : conninfo_(with_connect_timeout(url)) {
        try {
            connect();
        } catch (const StoreError&) {
            throw;
        } catch (const std::exception& e) {
            throw StoreError(one_line(e.what()));
        }
    }

    int schema_version() override {
        return read("schema_version", [](pqxx::transaction_base& tx) {
            auto r = tx.exec_prepared("schema_version");
            return r.empty() ? 0 : r[0][0].as<int>();
        });
    }

    std::optional<StoredAgent> find_agent(const std::string& login) override {
        return read("find_agent", [&](pqxx::transaction_base& tx) -> std::optional<StoredAgent> {
            auto r = tx.exec_prepared("find_agent", login);
            if (r.empty()) return std::nullopt;
            return agent_row(r[0]);
        });
    }

    std::vector<StoredAgent> agents() override {
        return read("agents", [](pqxx::transaction_base& tx) {
            std::vector<StoredAgent> out;
            for (const auto& row : tx.exec_prepared("agents")) out.push_back(agent_row(row));
            return out;
        });
    }

    void upsert_agent(const StoredAgent& a) override {
        write("upsert_agent", [&](pqxx::transaction_base& tx) {
            tx.exec_prepared("upsert_agent", a.login, a.name, a.password_hash, to_json(a.tags), to_json(a.languages),
                             a.capacity);
        });
    }

    void delete_agent(const std::string& login) override {
        write("delete_agent", [&](pqxx::transaction_base& tx) { tx.exec_prepared("delete_agent", login); });
    }

    void create_session(const StoredSession& s) override {
        write("create_session", [&](pqxx::transaction_base& tx) {
            tx.exec_prepared("create_session", s.token, s.login, s.created_at, s.last_seen);
        });
    }

    std::optional<StoredSession> find_session(const std::string& token) override {
        return read("find_session", [&](pqxx::transaction_base& tx) -> std::optional<StoredSession> {
            auto r = tx.exec_prepared("find_session", token);
            if (r.empty()) return std::nullopt;
            const auto& row = r[0];
            return StoredSession{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>(),
                                 row[3].as<std::int64_t>()};
        });
    }

    void touch_session(const std::string& token, std::int64_t last_seen) override {
        write("touch_session", [&](pqxx::transaction_base& tx) { tx.exec_prepared("touch_session", token, last_seen); });
    }

    void delete_session(const std::string& token) override {
        write("delete_session", [&](pqxx::transaction_base& tx) { tx.exec_prepared("delete_session", token); });
    }

    std::vector<StoredSite> sites() override {
        return read("sites", [](pqxx::transaction_base& tx) {
            std::vector<StoredSite> out;
            for (const auto& row : tx.exec_prepared("sites"))
                out.push_back(StoredSite{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
            return out;
        });
    }

    std::vector<StoredService> services() override {
        return read("services", [](pqxx::transaction_base& tx) {
            std::vector<StoredService> out;
            for (const auto& row : tx.exec_prepared("services"))
                out.push_back(StoredService{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                                            from_json(row[3]), row[4].as<int>(), row[5].as<std::string>(),
                                            colors_from_json(row[6]), from_json(row[7]), row[8].as<std::string>()});
            return out;
        });
    }

    std::vector<AdminChange> admin_changes() override {
        return read("admin_changes", [](pqxx::transaction_base& tx) {
            std::vector<AdminChange> out;
            for (const auto& row : tx.exec_prepared("admin_changes"))
                out.push_back(AdminChange{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<bool>(),
                                          row[3].as<std::int64_t>()});
            return out;
        });
    }

    void write_config(const ConfigWrite& w) override {
        write("write_config", [&](pqxx::transaction_base& tx) {
            if (w.forget_admin_changes) tx.exec_prepared("forget_admin_changes");
            for (const auto& x : w.sites) tx.exec_prepared("upsert_site", x.id, x.name, x.url);
            for (const auto& x : w.services)
                tx.exec_prepared("upsert_service", x.id, x.name, x.language, to_json(x.tags), x.dissuasion_seconds,
                                 x.color, colors_to_json(x.colors), to_json(x.media), x.site);
            for (const auto& a : w.agents)
                tx.exec_prepared("upsert_agent", a.login, a.name, a.password_hash, to_json(a.tags), to_json(a.languages),
                                 a.capacity);
            for (const auto& id : w.deleted_services) tx.exec_prepared("delete_service", id);
            for (const auto& id : w.deleted_sites) tx.exec_prepared("delete_site", id);
            for (const auto& id : w.deleted_agents) tx.exec_prepared("delete_agent", id); // sessions by ON DELETE CASCADE
            for (const auto& c : w.admin_changes) tx.exec_prepared("upsert_admin_change", c.kind, c.id, c.deleted, c.at);
        });
    }

    void create_visitor(const StoredVisitor& v) override {
        write("create_visitor", [&](pqxx::transaction_base& tx) {
            tx.exec_prepared("create_visitor", v.id, v.secret_hash, v.created_at);
        });
    }

    std::optional<StoredVisitor> find_visitor(const std::string& id) override {
        return read("find_visitor", [&](pqxx::transaction_base& tx) -> std::optional<StoredVisitor> {
            auto r = tx.exec_prepared("find_visitor", id);
            if (r.empty()) return std::nullopt;
            return StoredVisitor{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::int64_t>()};
        });
    }

    void write_contacts(const std::vector<ContactWrite>& writes) override {
        if (writes.empty()) return;
        write("write_contacts", [&](pqxx::transaction_base& tx) {
            for (const auto& w : writes) {
                const auto& c = w.contact;
                if (w.row)
                    tx.exec_prepared("upsert_contact", c.id, c.visitor_id, c.state, c.agent_id, c.created_at,
                                     to_db(c.seq), c.data);
                for (const auto& e : w.events)
                    tx.exec_prepared("append_event", e.contact_id, to_db(e.seq), e.at, e.kind, e.party, e.cid, e.payload);
                for (const auto& f : w.files)
                    tx.exec_prepared("insert_file", f.id, f.contact_id, f.party, f.name, f.type, to_db(f.size),
                                     f.created_at, f.secret);
            }
        });
    }

    std::optional<StoredContact> find_contact(const std::string& id) override {
        return read("find_contact", [&](pqxx::transaction_base& tx) -> std::optional<StoredContact> {
            auto r = tx.exec_prepared("find_contact", id);
            if (r.empty()) return std::nullopt;
            return contact_row(r[0]);
        });
    }

    std::vector<StoredContact> open_contacts() override {
        return read("open_contacts", [](pqxx::transaction_base& tx) {
            std::vector<StoredContact> out;
            for (const auto& row : tx.exec_prepared("open_contacts")) out.push_back(contact_row(row));
            return out;
        });
    }

    std::vector<StoredEvent> events_after(const std::string& contact_id, std::uint64_t after,
                                          std::size_t limit) override {
        // A limit beyond bigint means "all" (SQLite reads the same value as -1, which is "no limit" there).
        const auto max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        const auto bounded = static_cast<std::int64_t>(std::min(limit, max));
        return read("events_after", [&](pqxx::transaction_base& tx) {
            std::vector<StoredEvent> out;
            for (const auto& row : tx.exec_prepared("events_after", contact_id, to_db(after), bounded))
                out.push_back(StoredEvent{row[0].as<std::string>(), from_db(row[1]), row[2].as<std::int64_t>(),
                                          row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<std::string>(),
                                          row[6].as<std::string>()});
            return out;
        });
    }

    std::vector<StoredCommand> commands(const std::string& contact_id) override {
        return read("commands", [&](pqxx::transaction_base& tx) {
            std::vector<StoredCommand> out;
            for (const auto& row : tx.exec_prepared("commands", contact_id))
                out.push_back(StoredCommand{row[0].as<std::string>(), row[1].as<std::string>(), from_db(row[2])});
            return out;
        });
    }

    std::optional<StoredFile> find_file(const std::string& id) override {
        return read("find_file", [&](pqxx::transaction_base& tx) -> std::optional<StoredFile> {
            auto r = tx.exec_prepared("find_file", id);
            if (r.empty()) return std::nullopt;
            return file_row(r[0]);
        });
    }

    std::vector<StoredFile> files_to_expire(std::int64_t closed_before, std::size_t limit) override {
        const auto bounded = static_cast<std::int64_t>(
            std::min(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())));
        return read("files_to_expire", [&](pqxx::transaction_base& tx) {
            std::vector<StoredFile> out;
            for (const auto& row : tx.exec_prepared("files_to_expire", closed_before, bounded)) out.push_back(file_row(row));
            return out;
        });
    }

    void expire_files(const std::vector<std::string>& ids, std::int64_t at) override {
        if (ids.empty()) return;
        write("expire_files", [&](pqxx::transaction_base& tx) {
            for (const auto& id : ids) tx.exec_prepared("expire_file", id, at);
        });
    }

  private:
    static StoredContact contact_row(const pqxx::row& row) {
        return StoredContact{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                             row[3].as<std::string>(), row[4].as<std::int64_t>(), from_db(row[5]),
                             row[6].as<std::string>()};
    }

    static StoredFile file_row(const pqxx::row& row) {
        return StoredFile{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                          row[3].as<std::string>(), row[4].as<std::string>(), from_db(row[5]),
                          row[6].as<std::int64_t>(), row[7].as<std::string>(), row[8].as<std::int64_t>()};
    }

    static StoredAgent agent_row(const pqxx::row& row) {
        return StoredAgent{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                           from_json(row[3]), from_json(row[4]), row[5].as<int>()};
    }

    // Opens the connection, makes commits durable, migrates (first time only) and prepares every statement.
    void connect() {
        conn_.reset();
        auto c = std::make_unique<pqxx::connection>(conninfo_);
        // Commits must wait for the WAL flush; keep stronger settings (remote_write, remote_apply) as they are.
        {
            pqxx::nontransaction tx(*c);
            auto level = tx.exec("SHOW synchronous_commit")[0][0].as<std::string>();
            if (level == "off" || level == "local") c->set_variable("synchronous_commit", "on");
        }
        if (!migrated_) {
            migrate(*c);
            migrated_ = true;
        }
        for (const auto& [name, sql] : statements) {
            c->prepare(name, sql);
            c->prepare_now(name);
        }
        conn_ = std::move(c);
    }

    static void migrate(pqxx::connection& c) {
        pqxx::work tx(c, "migrate");
        tx.exec_params("SELECT pg_advisory_xact_lock($1)", migration_lock_key);
        tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
        auto r = tx.exec("SELECT version FROM schema_version");
        int version = r.empty() ? 0 : r[0][0].as<int>();
        if (version > latest_version)
            throw StoreError("schema version " + std::to_string(version) + " is newer than this server's (" +
                             std::to_string(latest_version) + ")");
        for (int v = version; v < latest_version; ++v) tx.exec(migrations[v]);
        tx.exec("DELETE FROM schema_version");
        tx.exec_params("INSERT INTO schema_version (version) VALUES ($1)", latest_version);
        tx.commit();
    }

    // Runs `body` in a transaction `Tx` on a live connection; every failure becomes a one-line StoreError. A
    // broken connection is dropped so the next call reconnects (the failed call is not retried: it may have
    // committed).
    template <class Tx, class Body>
    std::invoke_result_t<Body&, pqxx::transaction_base&> run(const char* what, Body&& body) {
        try {
            if (!conn_ || !conn_->is_open()) connect();
            Tx tx(*conn_);
            if constexpr (std::is_void_v<decltype(body(tx))>) {
                body(tx);
                tx.commit();
            } else {
                auto result = body(tx);
                tx.commit();
                return result;
            }
        } catch (const StoreError&) {
            throw;
        } catch (const pqxx::broken_connection& e) {
            conn_.reset();
            throw StoreError(std::string("postgres ") + what + ": connection lost: " + one_line(e.what()));
        } catch (const std::exception& e) {
            if (conn_ && !conn_->is_open()) conn_.reset();
            throw StoreError(std::string("postgres ") + what + ": " + one_line(e.what()));
        }
    }
    template <class Body> std::invoke_result_t<Body&, pqxx::transaction_base&> read(const char* what, Body&& body) {
        return run<pqxx::read_transaction>(what, std::forward<Body>(body));
    }
    template <class Body> void write(const char* what, Body&& body) { run<pqxx::work>(what, std::forward<Body>(body)); }

    std::string conninfo_;
    std::unique_ptr<pqxx::connection> conn_;
    bool migrated_ = false;
};

} // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& url) { return std::make_unique<PostgresStore>(url); }

std::string redact_postgres_url(const std::string& url) {
    std::string out = url;
    if (is_uri(out)) {
        // scheme://user:password@host...: the password runs from the first ':' after "//" to the last '@'
        // before the path.
        auto start = out.find("//") + 2;
        auto end = out.find_first_of("/?", start);
        auto at = out.rfind('@', end == std::string::npos ? std::string::npos : end);
        if (at != std::string::npos && at >= start) {
            auto colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
        // ...?password=secret&...
        for (auto pos = out.find("password=", start); pos != std::string::npos; pos = out.find("password=", pos + 1)) {
            if (pos == 0 || (out[pos - 1] != '?' && out[pos - 1] != '&')) continue;
            auto value = pos + 9, stop = out.find('&', value);
            out.replace(value, (stop == std::string::npos ? out.size() : stop) - value, "***");
        }
        return out;
    }
    // key=value form: password=secret or password = 'quoted \' secret'.
    for (auto pos = out.find("password"); pos != std::string::npos; pos = out.find("password", pos + 1)) {
        if (pos > 0 && !std::isspace(static_cast<unsigned char>(out[pos - 1]))) continue;
        auto eq = out.find_first_not_of(" \t", pos + 8);
        if (eq == std::string::npos || out[eq] != '=') continue;
        auto value = out.find_first_not_of(" \t", eq + 1);
        if (value == std::string::npos) break;
        auto stop = value;
        if (out[value] == '\'') {
            for (stop = value + 1; stop < out.size() && out[stop] != '\''; ++stop)
                if (out[stop] == '\\') ++stop;
            stop = std::min(stop + 1, out.size());
        } else {
            while (stop < out.size() && !std::isspace(static_cast<unsigned char>(out[stop]))) ++stop;
        }
        out.replace(value, stop - value, "***");
    }
    return out;
}

} // namespace sb::server
