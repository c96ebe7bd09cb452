// Persistence seen by the rest of the server. SQLite now (sqlite_store.h); PostgreSQL later behind the same
// interface. Every method either succeeds or throws StoreError; callers turn that into an `internal` error.
#pragma once
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
};

} // namespace sb::server
