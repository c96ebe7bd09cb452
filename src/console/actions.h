// What the agent asks for, as emitted by the views. The App turns actions into protocol commands (or into
// console events for what stays local, like which panel is expanded).
#pragma once
#include "core/agent.h"
#include "core/notify.h"

#include <cstdint>
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
struct Claim { // take this waiting contact; "" = the longest-waiting one (the waiting box)
    std::string contact;
};
struct Expand { // expand this panel and collapse the others; "" collapses all
    std::string contact;
};
struct Send { // a chat message
    std::string contact;
    std::string text;
};
struct Typing { // the agent is (not) typing; the App rate-limits what it sends
    std::string contact;
    bool typing = false;
};
struct MarkRead { // the agent has seen the visitor's messages up to this seq
    std::string contact;
    std::uint64_t up_to = 0;
};
struct SetColor { // "#rrggbb", or "" for the service default
    std::string contact;
    std::string color;
};
struct PushLink {
    std::string contact;
    std::string url;
};
struct Stop { // close the contact (after the confirmation popup)
    std::string contact;
};
struct Dismiss { // remove the panel of a closed contact
    std::string contact;
};
struct DismissNotice {};
struct OpenUrl { // a link in a transcript: the browser opens it
    std::string url;
};
struct ShowHelp { // open / close the keyboard shortcuts help
    bool open = false;
};
struct SetNotify { // turn sound / desktop notifications on or off
    notify::Settings settings;
};
} // namespace action

using Action = std::variant<action::Login, action::SetStatus, action::Logout, action::Claim, action::Expand,
                            action::Send, action::Typing, action::MarkRead, action::SetColor, action::PushLink,
                            action::Stop, action::Dismiss, action::DismissNotice, action::OpenUrl, action::ShowHelp,
                            action::SetNotify>;
using Actions = std::vector<Action>;

} // namespace sb::console
