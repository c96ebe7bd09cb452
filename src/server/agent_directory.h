// The agent directory: who may log in (synced from the config into the store), password checks and login
// sessions (tokens a console keeps to resume after a reconnect).
#pragma once
#include "core/agent.h"
#include "server/config.h"
#include "server/store/store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::server {

class AgentDirectory {
  public:
    explicit AgentDirectory(Store& store) : store_(store) {}

    // Makes the store's agents those of the config: upserts each one and deletes agents (and their sessions)
    // no longer configured. A plain password is hashed only when the stored hash does not already verify it.
    // (The server starts with sync_config, config_sync.h, which also keeps what the admin API changed.)
    void sync(const std::vector<AgentConfig>& agents);

    // The agent's profile (status offline) when login and password match; nullopt otherwise. An unknown
    // login costs as much as a wrong password, so timing does not tell which logins exist.
    std::optional<AgentProfile> authenticate(const std::string& login, const std::string& password);
    // authenticate() in steps, so that the costly check can run on another thread: password_hash() reads the
    // store; check_password() needs nothing else (any thread). Without a hash (an unknown login) it verifies
    // against a dummy one and returns false: the same cost as a wrong password.
    std::optional<std::string> password_hash(const std::string& login);
    static bool check_password(const std::optional<std::string>& hash, std::string_view password);

    std::optional<AgentProfile> profile(const std::string& login);

    // A new session token for `login`, persisted.
    std::string open_session(const std::string& login, std::int64_t now);
    // The login of a live session, refreshing its last_seen; nullopt when the token is unknown or idle longer
    // than `max_idle_seconds` (then it is deleted).
    std::optional<std::string> resume_session(const std::string& token, std::int64_t now, std::int64_t max_idle_seconds);
    void touch_session(const std::string& token, std::int64_t now);
    void close_session(const std::string& token);

  private:
    Store& store_;
};

AgentProfile to_profile(const StoredAgent& a);

} // namespace sb::server
