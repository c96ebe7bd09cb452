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
struct Translate { // automatic translation on the contact: the customer's language, "" to turn it off
    std::string contact;
    std::string language;
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
struct SetTheme { // the console's look: the dark variant or the light one (applied at once, kept)
    bool dark = false;
};
struct OfferCall { // a browser call to the visitor: video (camera both ways, as the visitor accepts) or voice
    std::string contact;
    bool video = false;
};
struct AnswerCall { // the visitor's call: accept (sending the agent's camera or not) or refuse
    std::string contact;
    bool accept = true;
    bool video = false;
};
struct Hangup { // end the call (or withdraw the offer): the contact goes on
    std::string contact;
};
struct SetMuted { // the agent's microphone in this contact's call
    std::string contact;
    bool muted = false;
};
struct DismissCallNotice {
    std::string contact;
};
struct PickFile { // the upload tool: the browser's file picker, then the upload (App::on_file_chosen)
    std::string contact;
};
struct CancelUpload {
    std::string contact;
};
struct DismissUpload { // close the line of a failed upload
    std::string contact;
};
} // namespace action

using Action = std::variant<action::Login, action::SetStatus, action::Logout, action::Claim, action::Expand,
                            action::Send, action::Typing, action::MarkRead, action::SetColor, action::PushLink,
                            action::Stop, action::Dismiss, action::DismissNotice, action::OpenUrl, action::ShowHelp,
                            action::SetNotify, action::OfferCall, action::AnswerCall, action::Hangup,
                            action::SetMuted, action::DismissCallNotice, action::PickFile, action::CancelUpload,
                            action::DismissUpload, action::Translate, action::SetTheme>;
using Actions = std::vector<Action>;

} // namespace sb::console
