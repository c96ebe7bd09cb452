// Agents: who answers contacts, and the status that decides whether they get new ones.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

enum class AgentStatus { ready, paused, offline };

std::string_view to_string(AgentStatus s);
std::optional<AgentStatus> agent_status_from(std::string_view s);

// What clients are told about an agent (never the password hash).
struct AgentProfile {
    std::string id;    // stable id, equal to the login
    std::string login; // what the agent types on the login screen
    std::string name;  // display name shown to colleagues and visitors
    AgentStatus status = AgentStatus::offline;
    std::vector<std::string> tags;
    std::vector<std::string> languages;
    int capacity = 1; // maximum concurrent contacts
    bool operator==(const AgentProfile&) const = default;
};

} // namespace sb
