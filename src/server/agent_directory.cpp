#include "server/agent_directory.h"

#include "server/password.h"

#include <set>

namespace sb::server {

AgentProfile to_profile(const StoredAgent& a) {
    AgentProfile p;
    p.id = a.login;
    p.login = a.login;
    p.name = a.name;
    p.status = AgentStatus::offline;
    p.tags = a.tags;
    p.languages = a.languages;
    p.capacity = a.capacity;
    return p;
}

void AgentDirectory::sync(const std::vector<AgentConfig>& agents) {
    std::set<std::string> configured;
    for (const auto& a : agents) {
        configured.insert(a.login);
        StoredAgent row{a.login, a.name, a.password_hash, a.tags, a.languages, a.capacity};
        if (row.password_hash.empty()) {
            auto stored = store_.find_agent(a.login);
            row.password_hash = stored && verify_password(stored->password_hash, a.password) ? stored->password_hash
                                                                                              : hash_password(a.password);
        }
        store_.upsert_agent(row);
    }
    for (const auto& stored : store_.agents())
        if (!configured.count(stored.login)) store_.delete_agent(stored.login);
}

std::optional<AgentProfile> AgentDirectory::authenticate(const std::string& login, const std::string& password) {
    auto stored = store_.find_agent(login);
    if (!check_password(stored ? std::optional(stored->password_hash) : std::nullopt, password)) return std::nullopt;
    return to_profile(*stored);
}

std::optional<std::string> AgentDirectory::password_hash(const std::string& login) {
    auto stored = store_.find_agent(login);
    if (!stored) return std::nullopt;
    return stored->password_hash;
}

bool AgentDirectory::check_password(const std::optional<std::string>& hash, std::string_view password) {
    // Argon2 costs ~50-100 ms of CPU: the server runs this on its worker pool (SessionHub, worker_pool.h).
    if (hash) return verify_password(*hash, password);
    static const std::string dummy = hash_password("not a password"); // made once, on first use
    verify_password(dummy, password);
    return false;
}

std::optional<AgentProfile> AgentDirectory::profile(const std::string& login) {
    auto stored = store_.find_agent(login);
    if (!stored) return std::nullopt;
    return to_profile(*stored);
}

std::string AgentDirectory::open_session(const std::string& login, std::int64_t now) {
    std::string token = random_token();
    store_.create_session(StoredSession{token, login, now, now});
    return token;
}

std::optional<std::string> AgentDirectory::resume_session(const std::string& token, std::int64_t now,
                                                          std::int64_t max_idle_seconds) {
    auto s = store_.find_session(token);
    if (!s) return std::nullopt;
    if (now - s->last_seen > max_idle_seconds) {
        store_.delete_session(token);
        return std::nullopt;
    }
    store_.touch_session(token, now);
    return s->login;
}

void AgentDirectory::touch_session(const std::string& token, std::int64_t now) { store_.touch_session(token, now); }

void AgentDirectory::close_session(const std::string& token) { store_.delete_session(token); }

} // namespace sb::server
