#include "core/agent.h"

namespace sb {

std::string_view to_string(AgentStatus s) {
    switch (s) {
    case AgentStatus::ready: return "ready";
    case AgentStatus::paused: return "paused";
    case AgentStatus::offline: return "offline";
    }
    return "offline";
}

std::optional<AgentStatus> agent_status_from(std::string_view s) {
    if (s == "ready") return AgentStatus::ready;
    if (s == "paused") return AgentStatus::paused;
    if (s == "offline") return AgentStatus::offline;
    return std::nullopt;
}

} // namespace sb
