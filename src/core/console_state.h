// The agent console's state, as a pure value updated by reduce(state, event). The console's views only read
// it; everything that changes it is an event: something the server said (with the local time it arrived),
// the socket opening or closing, or a local decision of the agent that the state records (which panel is
// expanded, what was marked read).
#pragma once
#include "core/agent.h"
#include "core/call.h"
#include "core/notify.h"
#include "protocol/messages.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sb::console {

enum class Connection { offline, connecting, connected, reconnecting };
std::string_view to_string(Connection c);

// One line of a contact's transcript: a chat message, a link the agent pushed, a file either party sent, or
// a note about the contact (page change, closed).
struct TranscriptEntry {
    enum class Kind { message, link, note, file };
    Kind kind = Kind::message;
    std::uint64_t seq = 0;
    std::int64_t at = 0; // server clock, ms since the epoch
    protocol::Party from = protocol::Party::visitor;
    std::string author;
    std::string text; // the message, the link's URL, the file's name, or the note
    std::string url;         // file: its download link (a path on the server)
    std::uint64_t size = 0;  // file: bytes
    std::string translation;          // message: its automatic translation ("" when none)
    std::string translation_language; // message: the language of `translation`
};

// The agent's file upload on a contact (one at a time), as the platform reports it. A finished upload leaves
// nothing here: its `file` event shows in the transcript.
struct FileUpload {
    enum class State { uploading, failed };
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t sent = 0;  // bytes sent so far
    State state = State::uploading;
    std::string error;       // failed: why, for the agent (with the limit when it was one)
    bool operator==(const FileUpload&) const = default;
};

// The call of a held contact as this console follows it (docs/protocol.md, "Calls"): the contact object's
// `call` with the media events folded in, and what this console did about it.
struct HeldCall {
    Call call;                   // offerer, video, phase, accepter_video: as the server has it
    bool mine = false;           // offered or accepted by this console: it runs the call's WebRTC side
    bool answered = false;       // this console sent its accept or refuse
    std::uint64_t offer_seq = 0; // the offer's event (0: known from a contact object only)
    std::int64_t active_at = 0;  // server time it became active (0: not yet)
};

// A contact this agent holds (assigned, or closed and not yet dismissed), with its transcript.
struct HeldContact {
    protocol::ContactView view;               // the contact object with every applied event folded in
    std::vector<TranscriptEntry> transcript;  // in seq order
    std::uint64_t applied_seq = 0;            // last event applied to the transcript (no gaps up to it)
    std::uint64_t agent_read_up_to = 0;       // the agent has read the visitor's messages up to this seq
    std::uint64_t visitor_read_up_to = 0;     // the visitor has read the agent's messages up to this seq
    std::uint64_t last_visitor_message = 0;   // seq of the visitor's latest message (0: none)
    int unread = 0;                           // visitor messages after agent_read_up_to
    bool visitor_typing = false;
    bool idle = false;
    bool flashing = false;                    // news arrived while the panel was collapsed
    std::int64_t started_at = 0;              // assigned at (server clock), for the duration clock
    std::int64_t closed_at = 0;               // 0 while open
    bool resume_needed = false;               // a gap in seq: the App sends contact.resume after applied_seq
    bool resume_sent = false;
    std::vector<protocol::ContactEvent> held_back; // events after a gap, applied once it is filled
    std::optional<FileUpload> upload;         // the agent's file upload going on, or the last one that failed

    // Calls.
    std::optional<HeldCall> call;
    bool muted = false;                   // the agent's microphone in this contact's call
    std::string call_notice;              // a refused or failed call: shown in the panel until dismissed or a new offer
    std::vector<std::string> media_cids;  // cids of the contact.media commands this console sent (the last few)
    bool auto_answer = false;             // a Call / Video Call contact this console took: it answers its first call
};

struct ConsoleState {
    Connection connection = Connection::offline;
    std::optional<AgentProfile> agent; // set once logged in
    std::string token;                 // session token, used to resume after a reconnect
    bool login_pending = false;        // a login was sent and no answer came yet
    std::string login_error;           // last login refusal, shown on the login screen
    std::string last_error;            // last other error from the server
    int reconnect_attempt = 0;         // consecutive failed connection attempts

    // Contacts.
    std::vector<protocol::ContactView> waiting; // what this agent may take, by created_at then id (queue.waiting, queue.changed)
    std::int64_t server_offset_ms = 0;          // server clock - local clock, from the last `now` received
    std::vector<HeldContact> contacts;          // held contacts, in the order they were taken
    std::string expanded;                       // id of the one expanded panel ("" = all collapsed)
    std::string notice;                         // short notice (a claim lost to another agent, ...)
    std::int64_t notice_at = 0;                 // local time the notice appeared
    std::vector<protocol::ServiceInfo> services;        // the agent's services with their colour palettes
    std::map<std::string, std::string> service_colors; // service id -> default colour seen on its contacts
    protocol::FileLimits file_limits;                   // what files may be sent (agent.welcome "files")
    std::vector<std::string> claim_cids;                // claims sent and not answered yet (which contacts this console took)
    std::vector<protocol::IceServer> ice_servers;       // for calls, from agent.welcome
    std::string ice_transport_policy = "all";

    // The agent's local choices.
    notify::Settings notify_settings; // sound / desktop notifications on or off (persisted by the platform)
    bool help_open = false;           // the keyboard shortcuts help popup
    notify::Tracker alerts;           // what notify::observe remembers (the App runs it after changes)
};

namespace event {
struct SocketOpened {};
struct SocketClosed {};
struct LoginSent {};
struct LoggedOut {};
// A server message and the local time (ms since the epoch) it arrived, for the server clock offset.
struct Received {
    protocol::ServerMessage message;
    std::int64_t local_ms = 0;
};
struct ClaimSent {                     // clears the last notice; the snapshot answering cid is a contact taken here
    std::string cid;
};
struct Expand {                        // expand this panel (collapsing the others); "" collapses all
    std::string contact;
};
struct ReadSent {                      // the agent read the visitor's messages up to this seq
    std::string contact;
    std::uint64_t up_to = 0;
};
struct ResumeSent {                    // contact.resume was sent for this contact's gap
    std::string contact;
};
struct Dismissed {                     // the agent closed the panel of a closed contact
    std::string contact;
};
struct NoticeDismissed {};
struct NotifySettingsChanged {
    notify::Settings settings;
};
struct HelpShown {
    bool open = false;
};
// The agent's file uploads (core/uploads.h checks a picked file before it is sent).
struct UploadStarted {
    std::string contact;
    std::string name;
    std::uint64_t size = 0;
};
struct UploadProgress {
    std::string contact;
    std::uint64_t sent = 0;
};
struct UploadEnded {                   // error "": the server took it (its `file` event follows)
    std::string contact;
    std::string error;
};
struct UploadRefused {                 // refused before sending (too large, type not allowed)
    std::string contact;
    std::string name;
    std::uint64_t size = 0;
    std::string error;
};
struct UploadDismissed {               // the agent closed the failed upload's line
    std::string contact;
};
struct MediaSent {                     // this console sent contact.media (its events with this cid are its own)
    std::string contact;
    std::string cid;
    CallAction action = CallAction::offer;
};
struct MuteSet {                       // the agent muted / unmuted the microphone of this contact's call
    std::string contact;
    bool muted = false;
};
struct CallNoticeDismissed {
    std::string contact;
};
} // namespace event
// A bare ServerMessage is taken as arriving at local time == its server `now` (no clock offset).
using Event = std::variant<event::SocketOpened, event::SocketClosed, event::LoginSent, event::LoggedOut,
                           protocol::ServerMessage, event::Received, event::ClaimSent, event::Expand,
                           event::ReadSent, event::ResumeSent, event::Dismissed, event::NoticeDismissed,
                           event::NotifySettingsChanged, event::HelpShown, event::MediaSent, event::MuteSet,
                           event::CallNoticeDismissed, event::UploadStarted, event::UploadProgress,
                           event::UploadEnded, event::UploadRefused, event::UploadDismissed>;

ConsoleState reduce(ConsoleState s, const Event& e);

// Delay before the next connection attempt: 0.5 s doubling up to 10 s.
std::int64_t reconnect_delay_ms(int attempt);

// The server's clock now, from the local clock and the offset learnt from the last `now`.
inline std::int64_t server_now(const ConsoleState& s, std::int64_t local_ms) { return local_ms + s.server_offset_ms; }

// How much of a pending contact's dissuasion time has passed, in [0, 1] (0 without a deadline).
double dissuasion_progress(std::int64_t created_at, std::optional<std::int64_t> deadline, std::int64_t now);

// What this console's WebRTC side of a contact's call is: it runs once the call is accepted, in the console
// that offered or accepted it. initiator: this side creates the WebRTC offer (its contact.media offer was
// accepted); send_video: the agent's camera; receive_video: the visitor's camera.
struct CallPlan {
    bool initiator = false;
    bool send_video = false;
    bool receive_video = false;
    bool operator==(const CallPlan&) const = default;
};
std::optional<CallPlan> call_plan(const HeldContact& h);
// A Call / Video Call contact this console took, whose visitor's offer is unanswered: taking the contact is
// the agent's answer, so the console accepts it by itself (with the camera for a video call).
bool should_auto_answer(const HeldContact& h);
// The notice for a call that failed ("Camera or microphone permission denied", ...).
std::string call_failure_text(protocol::Party from, CallFailure reason);

const HeldContact* find_contact(const ConsoleState& s, std::string_view id);
const protocol::ContactView* find_waiting(const ConsoleState& s, std::string_view id);
const protocol::ServiceInfo* find_service(const ConsoleState& s, std::string_view id);
// The service's default colour: from agent.welcome's services, else as seen on its untouched contacts ("").
std::string default_color(const ConsoleState& s, std::string_view service_id);

// The state as JSON for the automation bridge (window.switchboard.state()); local_ms is the local clock, for
// the dissuasion progress of waiting contacts (0: the server's clock at the last message). Tests read it, so
// keep it stable:
// {
//   "connection": "offline"|"connecting"|"connected"|"reconnecting", "loginPending": bool, "loginError": str,
//   "lastError": str, "reconnectAttempt": int,
//   "agent": null | {"id", "login", "name", "status"},
//   "waiting": {"count": int, "contacts": [{"id", "customer", "country", "returning", "direct", "type",
//               "service", "serviceId", "language", "site", "createdAt", "deadline" (int|null),
//               "progress" (0..1)}]},
//   "contacts": [{"id", "customer", "type", "state": "assigned"|"closed", "outcome" (str|null),
//                 "channels": {"chat", "sharing", "voice", "video"}, "color", "unread": int, "typing": bool,
//                 "messages": int (chat messages), "expanded": bool, "flashing": bool,
//                 "status": {"changingPage", "typing", "unread", "idle", "closed"} (the header icons),
//                 "visitorReadUpTo": int, "agentReadUpTo": int, "page": url,
//                 "translation": str (the customer's language while automatic translation is on, else ""),
//                 "call": null | {"state": "offered"|"accepted"|"active", "offerer": "agent"|"visitor",
//                                 "video": bool, "accepterVideo": bool, "mine": bool (this console runs it),
//                                 "muted": bool, "activeAt": int|null},
//                 "callNotice": str (a refused or failed call, "" when none),
//                 "recent": [{"seq", "kind": "message"|"link"|"note"|"file", "from": "agent"|"visitor", "text",
//                             "read": bool (agent messages: read by the visitor),
//                             files only: "url", "size"; translated messages only: "translation":
//                             {"language", "text"}}] (the last 10),
//                 "upload": null | {"name", "size", "sent", "state": "uploading"|"failed", "error"}}],
//   "files": {"maxBytes": int, "types": [str]},
//   "expanded": str|null, "notice": str, "helpOpen": bool,
//   "notify": {"sound": bool, "desktop": bool, "notified": int (alerts decided since the login),
//              "lastKind": "contact"|"reminder"|"message"|null, "unseen": int (waiting contacts not yet seen)}
// }
// The session token is never exposed.
std::string to_json(const ConsoleState& s, std::int64_t local_ms = 0);

} // namespace sb::console
