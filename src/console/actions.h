// What the agent asks for, as emitted by the views. The App turns actions into protocol commands.
#pragma once
#include "core/agent.h"

#include <string>
#include <variant>
#include <vector>

namespace sb::console {

namespace action {
struct Login {
    std::string login;
    std::string password;
};
struct SetStatus {
    AgentStatus status;
};
struct Logout {};
} // namespace action

using Action = std::variant<action::Login, action::SetStatus, action::Logout>;
using Actions = std::vector<Action>;

} // namespace sb::console
