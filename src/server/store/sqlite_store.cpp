#include "server/store/sqlite_store.h"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <string_view>

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
};
constexpr int latest_version = static_cast<int>(std::size(migrations));

std::string to_json(const std::vector<std::string>& v) { return nlohmann::json(v).dump(); }

std::vector<std::string> from_json(const unsigned char* text) {
    if (!text) return {};
    auto j = nlohmann::json::parse(reinterpret_cast<const char*>(text), nullptr, false);
    if (!j.is_array()) return {};
    std::vector<std::string> out;
    for (const auto& e : j)
        if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

// One prepared statement, finalized on scope exit.
class Statement {
  public:
    Statement(sqlite3* db, std::string_view sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr) != SQLITE_OK)
            throw StoreError(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
    }
    ~Statement() { sqlite3_finalize(st_); }
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
            migrate();
        } catch (...) {
            sqlite3_close(db_);
            throw;
        }
    }
    ~SqliteStore() override { sqlite3_close(db_); }

    int schema_version() override {
        Statement st(db_, "SELECT version FROM schema_version");
        return st.step() ? static_cast<int>(st.integer(0)) : 0;
    }

    std::optional<StoredAgent> find_agent(const std::string& login) override {
        Statement st(db_, "SELECT login, name, password_hash, tags, languages, capacity FROM agents WHERE login = ?");
        st.bind(1, login);
        if (!st.step()) return std::nullopt;
        return agent_row(st);
    }

    std::vector<StoredAgent> agents() override {
        Statement st(db_, "SELECT login, name, password_hash, tags, languages, capacity FROM agents ORDER BY login");
        std::vector<StoredAgent> out;
        while (st.step()) out.push_back(agent_row(st));
        return out;
    }

    void upsert_agent(const StoredAgent& a) override {
        Statement st(db_, "INSERT INTO agents (login, name, password_hash, tags, languages, capacity) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(login) DO UPDATE SET name = excluded.name, "
                          "password_hash = excluded.password_hash, tags = excluded.tags, "
                          "languages = excluded.languages, capacity = excluded.capacity");
        st.bind(1, a.login).bind(2, a.name).bind(3, a.password_hash).bind(4, to_json(a.tags)).bind(5, to_json(a.languages));
        st.bind(6, static_cast<std::int64_t>(a.capacity));
        st.step();
    }

    void delete_agent(const std::string& login) override {
        Statement st(db_, "DELETE FROM agents WHERE login = ?"); // sessions go by ON DELETE CASCADE
        st.bind(1, login);
        st.step();
    }

    void create_session(const StoredSession& s) override {
        Statement st(db_, "INSERT INTO sessions (token, login, created_at, last_seen) VALUES (?, ?, ?, ?)");
        st.bind(1, s.token).bind(2, s.login).bind(3, s.created_at).bind(4, s.last_seen);
        st.step();
    }

    std::optional<StoredSession> find_session(const std::string& token) override {
        Statement st(db_, "SELECT token, login, created_at, last_seen FROM sessions WHERE token = ?");
        st.bind(1, token);
        if (!st.step()) return std::nullopt;
        return StoredSession{st.text(0), st.text(1), st.integer(2), st.integer(3)};
    }

    void touch_session(const std::string& token, std::int64_t last_seen) override {
        Statement st(db_, "UPDATE sessions SET last_seen = ? WHERE token = ?");
        st.bind(1, last_seen).bind(2, token);
        st.step();
    }

    void delete_session(const std::string& token) override {
        Statement st(db_, "DELETE FROM sessions WHERE token = ?");
        st.bind(1, token);
        st.step();
    }

  private:
    static StoredAgent agent_row(const Statement& st) {
        return StoredAgent{st.text(0), st.text(1), st.text(2), from_json(st.raw_text(3)), from_json(st.raw_text(4)),
                           static_cast<int>(st.integer(5))};
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
};

} // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& file) { return std::make_unique<SqliteStore>(file); }

} // namespace sb::server
