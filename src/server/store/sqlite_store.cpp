#include "server/store/sqlite_store.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace sb::server {
namespace {

// Schema migrations: entry i brings the database from version i to i + 1. Only ever append.
constexpr std::string_view migrations[] = {
    R"sql(
    CREATE TABLE agents (
        login         TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        tags          TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
        languages     TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
        capacity      INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE sessions (
        token      TEXT PRIMARY KEY,
        login      TEXT NOT NULL REFERENCES agents(login) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen  INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_login ON sessions(login);
    )sql",
    R"sql(
    CREATE TABLE visitors (
        id          TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        created_at  INTEGER NOT NULL           -- ms since the Unix epoch
    );
    CREATE TABLE contacts (
        id         TEXT PRIMARY KEY,
        visitor_id TEXT NOT NULL,
        state      TEXT NOT NULL,              -- pending | assigned | closed
        agent_id   TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,           -- ms since the Unix epoch
        seq        INTEGER NOT NULL,           -- last event's sequence number
        data       TEXT NOT NULL               -- the whole contact, JSON (contact_record.cpp)
    );
    CREATE INDEX contacts_open ON contacts(created_at) WHERE state <> 'closed';
    CREATE INDEX contacts_by_visitor ON contacts(visitor_id);
    CREATE TABLE contact_events (
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        seq        INTEGER NOT NULL,
        at         INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        party      TEXT NOT NULL DEFAULT '',
        cid        TEXT NOT NULL DEFAULT '',
        payload    TEXT NOT NULL,              -- the event, JSON (protocol::event_to_json)
        PRIMARY KEY (contact_id, seq)
    );
    CREATE UNIQUE INDEX contact_events_by_cid ON contact_events(contact_id, party, cid) WHERE cid <> '';
    )sql",
    R"sql(
    CREATE TABLE sites (
        id   TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        url  TEXT NOT NULL
    );
    CREATE TABLE services (
        id                 TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        language           TEXT NOT NULL,
        tags               TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
        dissuasion_seconds INTEGER NOT NULL,
        color              TEXT NOT NULL,
        colors             TEXT NOT NULL DEFAULT '[]',  -- JSON array of {"color","meaning"}
        media              TEXT NOT NULL,               -- JSON array of contact types
        site               TEXT NOT NULL
    );
    CREATE TABLE admin_changes (                       -- ids the admin API owns (docs/admin.md)
        kind    TEXT NOT NULL,                         -- site | service | agent
        id      TEXT NOT NULL,
        deleted INTEGER NOT NULL,                      -- 1: deleted through the API
        at      INTEGER NOT NULL,                      -- ms since the Unix epoch
        PRIMARY KEY (kind, id)
    );
    )sql",
    R"sql(
    CREATE TABLE files (                               -- files sent on contacts (server/files.h)
        id         TEXT PRIMARY KEY,                   -- also the name of its bytes in files.dir
        contact_id TEXT NOT NULL REFERENCES contacts(id),
        party      TEXT NOT NULL,                      -- agent:<login> | visitor:<id>
        name       TEXT NOT NULL,
        type       TEXT NOT NULL,
        size       INTEGER NOT NULL,
        created_at INTEGER NOT NULL,                   -- ms since the Unix epoch
        secret     TEXT NOT NULL                       -- hex key of its download links
    );
    CREATE INDEX files_by_contact ON files(contact_id);
    )sql",
    R"sql(
    -- file retention (server/file_retention.h): ms since the Unix epoch when its bytes were deleted; 0 while kept
    ALTER TABLE files ADD COLUMN expired_at INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX files_kept ON files(contact_id) WHERE expired_at = 0;
    )sql",
    R"sql(
    -- retries are answered from ContactHub's memory (Store::commands at start): one index less per event
    DROP INDEX contact_events_by_cid;
    )sql",
};
constexpr int latest_version = static_cast<int>(std::size(migrations));

std::string to_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::string colors_to_json(const std::vector<StoredColor>& colors) {
    auto j = nlohmann::json::array();
    for (const auto& c : colors) j.push_back({{"color", c.color}, {"meaning", c.meaning}});
    return j.dump();
}

std::vector<StoredColor> colors_from_json(const unsigned char* text) {
    if (!text) return {};
    auto j = nlohmann::json::parse(reinterpret_cast<const char*>(text), nullptr, false);
    std::vector<StoredColor> out;
    if (!j.is_array()) return out;
    for (const auto& e : j)
        if (e.is_object()) out.push_back(StoredColor{e.value("color", ""), e.value("meaning", "")});
    return out;
}

std::vector<std::string> from_json(const unsigned char* text) {
    if (!text) return {};
    auto j = nlohmann::json::parse(reinterpret_cast<const char*>(text), nullptr, false);
    if (!j.is_array()) return {};
    std::vector<std::string> out;
    for (const auto& e : j)
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

sqlite3_stmt* prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK)
        throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    return st;
}

// Statements prepared once and kept for the life of the connection (parsing SQL was a seventh of the
// time of a chat message).
class StatementCache {
  public:
    StatementCache() = default;
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;
    ~StatementCache() { clear(); }
    sqlite3_stmt* get(sqlite3* db, std::string_view sql) {
        auto it = statements_.find(sql);
        if (it == statements_.end()) it = statements_.emplace(std::string(sql), prepare(db, sql)).first;
        return it->second;
    }
    void clear() {
        for (auto& [sql, st] : statements_) sqlite3_finalize(st);
        statements_.clear();
    }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> statements_;
};

// One prepared statement: a one-off one is finalized on scope exit, a cached one is reset (so that no read
// transaction stays open) and its bindings cleared.
class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql) : db_(db), st_(prepare(db, sql)), owned_(true) {}
    Statement(sqlite3* db, StatementCache& cache, std::string_view sql) : db_(db), st_(cache.get(db, sql)) {}
    ~Statement() {
        if (owned_) {
            sqlite3_finalize(st_);
        } else {
            sqlite3_reset(st_);
            sqlite3_clear_bindings(st_);
        }
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& s) {
        check(sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
        return *this;
    }
    Statement& bind(int i, std::int64_t n) {
        check(sqlite3_bind_int64(st_, i, n));
        return *this;
    }
    void reset() {
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
    }
    // True while a row is available.
    bool step() {
        int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StoreError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    std::string text(int col) const {
        auto* p = sqlite3_column_text(st_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, col)))
                 : std::string();
    }
    const unsigned char* raw_text(int col) const { return sqlite3_column_text(st_, col); }
    std::int64_t integer(int col) const { return sqlite3_column_int64(st_, col); }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) throw StoreError(std::string("sqlite bind: ") + sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
    bool owned_ = false;
};

// Copies the WAL back into the database file on its own thread and connection, so that no commit of the
// event loop pays for it: with SQLite's automatic checkpoint, one commit in about 1,000 pages wrote and
// synced the database file itself, a latency spike for every message of that turn.
class Checkpointer {
  public:
    static constexpr auto interval = std::chrono::milliseconds(200);

    explicit Checkpointer(const std::filesystem::path& file) {
        if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
            std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw StoreError("checkpoint connection: " + why);
        }
        thread_ = std::thread([this] { run(); });
    }
    ~Checkpointer() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        thread_.join();
        sqlite3_close(db_);
    }
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

  private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
            lock.unlock();
            // PASSIVE: never waits for, nor blocks, the writer; what it cannot copy now it copies next time.
            sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            lock.lock();
        }
    }

    sqlite3* db_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

class SqliteStore final : public Store {
  public:
    explicit SqliteStore(const std::filesystem::path& file) {
        std::error_code ec;
        if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) throw StoreError("cannot create directory " + file.parent_path().string() + ": " + ec.message());
        int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            throw StoreError(why);
        }
        try {
            sqlite3_busy_timeout(db_, 5000);
            exec("PRAGMA journal_mode=WAL");
            exec("PRAGMA synchronous=FULL");
            exec("PRAGMA foreign_keys=ON");
            // The Checkpointer copies the WAL back; the automatic checkpoint stays only as a backstop that
            // keeps the WAL under about 80 MB should it fall behind.
            exec("PRAGMA wal_autocheckpoint=20000");
            migrate();
            checkpointer_ = std::make_unique<Checkpointer>(file);
        } catch (...) {
            cache_.clear();
            sqlite3_close(db_);
            throw;
        }
    }
    ~SqliteStore() override {
        checkpointer_.reset(); // first: the last connection to close checkpoints and removes the WAL
        cache_.clear();        // a connection with statements left cannot close
        sqlite3_close(db_);
    }

    int schema_version() override {
        Statement st(db_, "SELECT version FROM schema_version");
        return st.step() ? static_cast<int>(st.integer(0)) : 0;
    }

    std::optional<StoredAgent> find_agent(const std::string& login) override {
        Statement st(db_, cache_, "SELECT login, name, password_hash, tags, languages, capacity FROM agents WHERE login = ?");
        st.bind(1, login);
        if (!st.step()) return std::nullopt;
        return agent_row(st);
    }

    std::vector<StoredAgent> agents() override {
        Statement st(db_, cache_, "SELECT login, name, password_hash, tags, languages, capacity FROM agents ORDER BY login");
        std::vector<StoredAgent> out;
        while (st.step()) out.push_back(agent_row(st));
        return out;
    }

    void upsert_agent(const StoredAgent& a) override {
        Statement st(db_, cache_, "INSERT INTO agents (login, name, password_hash, tags, languages, capacity) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(login) DO UPDATE SET name = excluded.name, "
                          "password_hash = excluded.password_hash, tags = excluded.tags, "
                          "languages = excluded.languages, capacity = excluded.capacity");
        st.bind(1, a.login).bind(2, a.name).bind(3, a.password_hash).bind(4, to_json(a.tags)).bind(5, to_json(a.languages));
        st.bind(6, static_cast<std::int64_t>(a.capacity));
        st.step();
    }

    void delete_agent(const std::string& login) override {
        Statement st(db_, cache_, "DELETE FROM agents WHERE login = ?"); // sessions go by ON DELETE CASCADE
        st.bind(1, login);
        st.step();
    }

    void create_session(const StoredSession& s) override {
        Statement st(db_, cache_, "INSERT INTO sessions (token, login, created_at, last_seen) VALUES (?, ?, ?, ?)");
        st.bind(1, s.token).bind(2, s.login).bind(3, s.created_at).bind(4, s.last_seen);
        st.step();
    }

    std::optional<StoredSession> find_session(const std::string& token) override {
        Statement st(db_, cache_, "SELECT token, login, created_at, last_seen FROM sessions WHERE token = ?");
        st.bind(1, token);
        if (!st.step()) return std::nullopt;
        return StoredSession{st.text(0), st.text(1), st.integer(2), st.integer(3)};
    }

    void touch_session(const std::string& token, std::int64_t last_seen) override {
        Statement st(db_, cache_, "UPDATE sessions SET last_seen = ? WHERE token = ?");
        st.bind(1, last_seen).bind(2, token);
        st.step();
    }

    void delete_session(const std::string& token) override {
        Statement st(db_, cache_, "DELETE FROM sessions WHERE token = ?");
        st.bind(1, token);
        st.step();
    }

    std::vector<StoredSite> sites() override {
        Statement st(db_, cache_, "SELECT id, name, url FROM sites ORDER BY id");
        std::vector<StoredSite> out;
        while (st.step()) out.push_back(StoredSite{st.text(0), st.text(1), st.text(2)});
        return out;
    }

    std::vector<StoredService> services() override {
        Statement st(db_, cache_, "SELECT id, name, language, tags, dissuasion_seconds, color, colors, media, site FROM services "
                          "ORDER BY id");
        std::vector<StoredService> out;
        while (st.step())
            out.push_back(StoredService{st.text(0), st.text(1), st.text(2), from_json(st.raw_text(3)),
                                        static_cast<int>(st.integer(4)), st.text(5), colors_from_json(st.raw_text(6)),
                                        from_json(st.raw_text(7)), st.text(8)});
        return out;
    }

    std::vector<AdminChange> admin_changes() override {
        Statement st(db_, cache_, "SELECT kind, id, deleted, at FROM admin_changes ORDER BY kind, id");
        std::vector<AdminChange> out;
        while (st.step()) out.push_back(AdminChange{st.text(0), st.text(1), st.integer(2) != 0, st.integer(3)});
        return out;
    }

    void write_config(const ConfigWrite& w) override {
        exec("BEGIN IMMEDIATE");
        try {
            if (w.forget_admin_changes) exec("DELETE FROM admin_changes");
            if (!w.sites.empty()) {
                Statement st(db_, cache_, "INSERT INTO sites (id, name, url) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                                  "name = excluded.name, url = excluded.url");
                for (const auto& x : w.sites) {
                    st.reset();
                    st.bind(1, x.id).bind(2, x.name).bind(3, x.url);
                    st.step();
                }
            }
            if (!w.services.empty()) {
                Statement st(db_, cache_, "INSERT INTO services (id, name, language, tags, dissuasion_seconds, color, colors, "
                                  "media, site) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                                  "name = excluded.name, language = excluded.language, tags = excluded.tags, "
                                  "dissuasion_seconds = excluded.dissuasion_seconds, color = excluded.color, "
                                  "colors = excluded.colors, media = excluded.media, site = excluded.site");
                for (const auto& x : w.services) {
                    st.reset();
                    st.bind(1, x.id).bind(2, x.name).bind(3, x.language).bind(4, to_json(x.tags));
                    st.bind(5, static_cast<std::int64_t>(x.dissuasion_seconds)).bind(6, x.color);
                    st.bind(7, colors_to_json(x.colors)).bind(8, to_json(x.media)).bind(9, x.site);
                    st.step();
                }
            }
            for (const auto& a : w.agents) upsert_agent(a);
            auto delete_all = [&](const char* sql, const std::vector<std::string>& ids) {
                if (ids.empty()) return;
                Statement st(db_, cache_, sql);
                for (const auto& id : ids) {
                    st.reset();
                    st.bind(1, id);
                    st.step();
                }
            };
            delete_all("DELETE FROM services WHERE id = ?", w.deleted_services);
            delete_all("DELETE FROM sites WHERE id = ?", w.deleted_sites);
            delete_all("DELETE FROM agents WHERE login = ?", w.deleted_agents); // sessions by ON DELETE CASCADE
            if (!w.admin_changes.empty()) {
                Statement st(db_, cache_, "INSERT INTO admin_changes (kind, id, deleted, at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT(kind, id) DO UPDATE SET deleted = excluded.deleted, at = excluded.at");
                for (const auto& c : w.admin_changes) {
                    st.reset();
                    st.bind(1, c.kind).bind(2, c.id).bind(3, static_cast<std::int64_t>(c.deleted ? 1 : 0)).bind(4, c.at);
                    st.step();
                }
            }
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    void create_visitor(const StoredVisitor& v) override {
        Statement st(db_, cache_, "INSERT INTO visitors (id, secret_hash, created_at) VALUES (?, ?, ?)");
        st.bind(1, v.id).bind(2, v.secret_hash).bind(3, v.created_at);
        st.step();
    }

    std::optional<StoredVisitor> find_visitor(const std::string& id) override {
        Statement st(db_, cache_, "SELECT id, secret_hash, created_at FROM visitors WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        return StoredVisitor{st.text(0), st.text(1), st.integer(2)};
    }

    void write_contacts(const std::vector<ContactWrite>& writes) override {
        if (writes.empty()) return;
        run("BEGIN IMMEDIATE");
        try {
            Statement up(db_, cache_, "INSERT INTO contacts (id, visitor_id, state, agent_id, created_at, seq, data) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                              // visitor_id and created_at never change: leaving them out spares their indexes
                              "state = excluded.state, agent_id = excluded.agent_id, seq = excluded.seq, "
                              "data = excluded.data");
            Statement ev(db_, cache_, "INSERT INTO contact_events (contact_id, seq, at, kind, party, cid, payload) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)");
            for (const auto& w : writes) {
                const auto& c = w.contact;
                if (w.row) {
                    up.reset();
                    up.bind(1, c.id).bind(2, c.visitor_id).bind(3, c.state).bind(4, c.agent_id).bind(5, c.created_at);
                    up.bind(6, static_cast<std::int64_t>(c.seq)).bind(7, c.data);
                    up.step();
                }
                for (const auto& e : w.events) {
                    ev.reset();
                    ev.bind(1, e.contact_id).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind(4, e.kind);
                    ev.bind(5, e.party).bind(6, e.cid).bind(7, e.payload);
                    ev.step();
                }
                for (const auto& f : w.files) {
                    Statement fi(db_, cache_, "INSERT INTO files (id, contact_id, party, name, type, size, created_at, secret) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                    fi.bind(1, f.id).bind(2, f.contact_id).bind(3, f.party).bind(4, f.name).bind(5, f.type);
                    fi.bind(6, static_cast<std::int64_t>(f.size)).bind(7, f.created_at).bind(8, f.secret);
                    fi.step();
                }
            }
            run("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    std::optional<StoredContact> find_contact(const std::string& id) override {
        Statement st(db_, cache_, "SELECT id, visitor_id, state, agent_id, created_at, seq, data FROM contacts WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        return contact_row(st);
    }

    std::vector<StoredContact> open_contacts() override {
        Statement st(db_, cache_, "SELECT id, visitor_id, state, agent_id, created_at, seq, data FROM contacts "
                          "WHERE state <> 'closed' ORDER BY created_at, id");
        std::vector<StoredContact> out;
        while (st.step()) out.push_back(contact_row(st));
        return out;
    }

    std::vector<StoredEvent> events_after(const std::string& contact_id, std::uint64_t after,
                                          std::size_t limit) override {
        Statement st(db_, cache_, "SELECT contact_id, seq, at, kind, party, cid, payload FROM contact_events "
                          "WHERE contact_id = ? AND seq > ? ORDER BY seq LIMIT ?");
        st.bind(1, contact_id).bind(2, static_cast<std::int64_t>(after)).bind(3, static_cast<std::int64_t>(limit));
        std::vector<StoredEvent> out;
        while (st.step())
            out.push_back(StoredEvent{st.text(0), static_cast<std::uint64_t>(st.integer(1)), st.integer(2), st.text(3),
                                      st.text(4), st.text(5), st.text(6)});
        return out;
    }

    std::vector<StoredCommand> commands(const std::string& contact_id) override {
        Statement st(db_, cache_, "SELECT party, cid, seq FROM contact_events WHERE contact_id = ? AND cid <> '' "
                                  "ORDER BY seq");
        st.bind(1, contact_id);
        std::vector<StoredCommand> out;
        while (st.step()) out.push_back(StoredCommand{st.text(0), st.text(1), static_cast<std::uint64_t>(st.integer(2))});
        return out;
    }

    std::optional<StoredFile> find_file(const std::string& id) override {
        Statement st(db_, cache_, "SELECT id, contact_id, party, name, type, size, created_at, secret, expired_at FROM files "
                                  "WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        return file_row(st);
    }

    std::vector<StoredFile> files_to_expire(std::int64_t closed_before, std::size_t limit) override {
        Statement st(db_, cache_, "SELECT f.id, f.contact_id, f.party, f.name, f.type, f.size, f.created_at, f.secret, "
                                  "f.expired_at FROM files f JOIN contacts c ON c.id = f.contact_id "
                                  "WHERE f.expired_at = 0 AND c.state = 'closed' "
                                  "AND json_extract(c.data, '$.closed_at') < ? ORDER BY f.id LIMIT ?");
        st.bind(1, closed_before).bind(2, static_cast<std::int64_t>(limit));
        std::vector<StoredFile> out;
        while (st.step()) out.push_back(file_row(st));
        return out;
    }

    void expire_files(const std::vector<std::string>& ids, std::int64_t at) override {
        if (ids.empty()) return;
        exec("BEGIN IMMEDIATE");
        try {
            Statement st(db_, cache_, "UPDATE files SET expired_at = ? WHERE id = ? AND expired_at = 0");
            for (const auto& id : ids) {
                st.reset();
                st.bind(1, at).bind(2, id);
                st.step();
            }
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

  private:
    static StoredContact contact_row(const Statement& st) {
        return StoredContact{st.text(0), st.text(1), st.text(2), st.text(3), st.integer(4),
                             static_cast<std::uint64_t>(st.integer(5)), st.text(6)};
    }

    static StoredFile file_row(const Statement& st) {
        return StoredFile{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4),
                          static_cast<std::uint64_t>(st.integer(5)), st.integer(6), st.text(7), st.integer(8)};
    }

    static StoredAgent agent_row(const Statement& st) {
        return StoredAgent{st.text(0), st.text(1), st.text(2), from_json(st.raw_text(3)), from_json(st.raw_text(4)),
                           static_cast<int>(st.integer(5))};
    }

    // A statement of the hot path (transaction control), prepared once.
    void run(std::string_view sql) {
        Statement st(db_, cache_, sql);
        st.step();
    }

    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string why = err ? err : sqlite3_errmsg(db_);
            sqlite3_free(err);
            throw StoreError(why);
        }
    }

    void migrate() {
        exec("BEGIN IMMEDIATE");
        try {
            exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = schema_version();
            if (version > latest_version)
                throw StoreError("schema version " + std::to_string(version) + " is newer than this server's (" +
                                 std::to_string(latest_version) + ")");
            for (int v = version; v < latest_version; ++v) exec(std::string(migrations[v]));
            exec("DELETE FROM schema_version");
            exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(latest_version) + ")");
            exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    }

    sqlite3* db_ = nullptr;
    StatementCache cache_;
    std::unique_ptr<Checkpointer> checkpointer_;
};

} // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& file) { return std::make_unique<SqliteStore>(file); }

} // namespace sb::server
