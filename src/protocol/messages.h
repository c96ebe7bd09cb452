// Protocol v1 message structs, shared by the server and the console. The wire format (JSON over WebSocket)
// is documented in docs/protocol.md; keep the two in step.
#pragma once
#include "core/agent.h"
#include "protocol/contact_view.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sb::protocol {

inline constexpr int version = 1;

// Error codes sent in `error` messages (docs/protocol.md, "Errors").
namespace code {
inline constexpr const char* bad_json = "bad_json";           // frame is not a JSON object
inline constexpr const char* bad_version = "bad_version";     // missing or unsupported "v"
inline constexpr const char* unknown_type = "unknown_type";   // "type" missing or not known
inline constexpr const char* bad_field = "bad_field";         // a field is missing, of the wrong kind or too long
inline constexpr const char* too_large = "too_large";         // frame bigger than the server's limit
inline constexpr const char* rate_limited = "rate_limited";   // too many frames per second
inline constexpr const char* bad_credentials = "bad_credentials"; // wrong login or password
inline constexpr const char* bad_token = "bad_token";         // session token unknown or expired
inline constexpr const char* not_logged_in = "not_logged_in"; // command needs a logged-in agent
inline constexpr const char* internal = "internal";           // the server failed; the command was not applied
// contacts
inline constexpr const char* unknown_service = "unknown_service";
inline constexpr const char* type_not_allowed = "type_not_allowed";
inline constexpr const char* medium_unsupported = "medium_unsupported";
inline constexpr const char* unknown_agent = "unknown_agent";
inline constexpr const char* not_found = "not_found";
inline constexpr const char* closed = "closed";
inline constexpr const char* already_taken = "already_taken";
inline constexpr const char* not_eligible = "not_eligible";
inline constexpr const char* at_capacity = "at_capacity";
inline constexpr const char* not_ready = "not_ready";
inline constexpr const char* nothing_waiting = "nothing_waiting";
inline constexpr const char* media_busy = "media_busy"; // a call is already offered, connecting or active
inline constexpr const char* no_call = "no_call";       // no call to accept, refuse, connect or signal on
inline constexpr const char* translation_unavailable = "translation_unavailable"; // no translation to that language
} // namespace code

// --- client -> server ---------------------------------------------------------------------------------
struct AgentLogin {
    std::string cid; // client command id, echoed in the reply
    std::string login;
    std::string password;
};
struct AgentResume { // log in again with the token of an earlier welcome (after a reconnect)
    std::string cid;
    std::string token;
};
struct AgentSetStatus {
    std::string cid;
    AgentStatus status = AgentStatus::paused;
};
struct AgentLogout {
    std::string cid;
};
struct Ping {
    std::string cid;
};

struct VisitorIdentity {
    std::string id;
    std::string secret;
    bool operator==(const VisitorIdentity&) const = default;
};
struct VisitorHello {
    std::string cid;
    std::optional<VisitorIdentity> visitor; // from an earlier visitor.welcome
    std::string name;
    std::string language;
    Page page;
    Capabilities capabilities;
};
struct ContactRequestMsg {
    std::string cid;
    std::string service;
    ContactType type = ContactType::chat; // "contact_type" on the wire
    std::string name;
    std::string agent; // direct request: only this agent
    Page page;
    std::optional<CallbackInfo> callback;
    std::optional<WebleadInfo> weblead;
};
struct ContactClaim {
    std::string cid;
    std::string contact; // empty: the longest-waiting one
};
struct ContactSend {
    std::string cid;
    std::string contact;
    std::string text;
};
struct ContactReadMsg {
    std::string cid;
    std::string contact;
    std::uint64_t up_to = 0;
};
struct ContactTyping {
    std::string cid;
    std::string contact;
    bool typing = false;
};
struct ContactPage {
    std::string cid;
    std::string contact;
    Page page;
};
struct ContactColor {
    std::string cid;
    std::string contact;
    std::string color; // "#rrggbb" or "" for the service default
};
struct ContactLink {
    std::string cid;
    std::string contact;
    std::string url;
};
struct ContactChannel { // a channel of an assigned contact changes state (e.g. the visitor closes the chat)
    std::string cid;
    std::string contact;
    Channel channel = Channel::chat;
    ChannelState state = ChannelState::unavailable;
};
// WebRTC messages of a call, relayed between the two parties (docs/protocol.md, "Calls").
struct SessionDescription {
    std::string type; // "offer" or "answer"
    std::string sdp;
    bool operator==(const SessionDescription&) const = default;
};
struct IceCandidate { // an RTCIceCandidate's JSON
    std::string candidate;
    std::optional<std::string> sdp_mid;
    std::optional<int> sdp_mline_index;
    std::optional<std::string> username_fragment;
    bool operator==(const IceCandidate&) const = default;
};
struct Signal { // exactly one of sdp, candidate, end of candidates ({"candidate":null})
    std::optional<SessionDescription> sdp;
    std::optional<IceCandidate> candidate;
    bool operator==(const Signal&) const = default;
};
struct IceServer { // as RTCPeerConnection's iceServers take it
    std::vector<std::string> urls;
    std::string username;   // "" when none
    std::string credential; // "" when none
    bool operator==(const IceServer&) const = default;
};

struct ContactMedia { // a call negotiated on the contact
    std::string cid;
    std::string contact;
    CallAction action = CallAction::offer;
    bool video = false;
    std::optional<CallFailure> reason; // failed
};
struct ContactSignal {
    std::string cid;
    std::string contact;
    Signal signal;
};
struct ContactTranslate { // automatic translation on the contact: the customer's language, "" to turn it off
    std::string cid;
    std::string contact;
    std::string language;
};
struct ContactStop {
    std::string cid;
    std::string contact;
    std::optional<Outcome> outcome;
};
struct ContactResume {
    std::string cid;
    std::string contact;
    std::uint64_t after = 0;
};
using ClientMessage =
    std::variant<AgentLogin, AgentResume, AgentSetStatus, AgentLogout, Ping, VisitorHello, ContactRequestMsg,
                 ContactClaim, ContactSend, ContactReadMsg, ContactTyping, ContactPage, ContactColor, ContactLink,
                 ContactChannel, ContactStop, ContactResume, ContactMedia, ContactSignal,
                 ContactTranslate>;

// --- server -> client ---------------------------------------------------------------------------------
// What files may be sent on a contact (docs/protocol.md, "Files"); max_bytes 0: none.
struct FileLimits {
    std::uint64_t max_bytes = 0;
    std::vector<std::string> types; // MIME types, "type/*" for every subtype
    bool operator==(const FileLimits&) const = default;
};
struct Welcome { // reply to agent.login / agent.resume
    std::string cid;
    std::string token; // session token for agent.resume
    AgentProfile agent;
    std::int64_t now = 0;
    std::vector<ContactView> contacts; // contacts the agent holds
    std::vector<ServiceInfo> services; // the services the agent may answer, with their colours
    std::vector<IceServer> ice_servers; // for calls (TURN credentials issued for this agent)
    std::string ice_transport_policy = "all"; // "all" or "relay"
    FileLimits files = {};
};
struct AgentUpdate { // the agent's own profile or status changed
    std::string cid; // set when it answers an agent.status command
    AgentProfile agent;
};
struct Error {
    std::string cid; // the command that failed, when known
    std::string code;
    std::string message;
};
struct Pong {
    std::string cid;
};
struct VisitorWelcome {
    std::string cid;
    VisitorIdentity visitor;
    bool returning = false;
    std::int64_t now = 0;
    std::vector<ContactView> contacts; // the visitor's open contacts
    std::vector<ServiceInfo> services; // every service, with the contact types it offers
    std::vector<IceServer> ice_servers; // for calls (TURN credentials issued for this visitor)
    std::string ice_transport_policy = "all";
    FileLimits files = {};
};
struct QueueWaiting {
    std::int64_t now = 0;
    std::vector<ContactView> contacts; // oldest first; the count is contacts.size()
};
struct QueueChanged { // what changed in the agent's waiting list since the last queue.waiting/changed
    std::int64_t now = 0;
    std::size_t count = 0;             // the waiting box number after the change
    std::vector<ContactView> added;    // newly listed, or listed ones whose details changed (by id)
    std::vector<std::string> removed;  // ids no longer listed
};
struct ContactSnapshot {
    std::string cid;
    std::int64_t now = 0;
    ContactView contact;
    std::vector<ContactEvent> events;
};
struct ContactEventMsg {
    ContactEvent event;
};
struct ContactTypingNotice { // the other party is (not) typing
    std::string contact;
    Party from = Party::visitor;
    bool typing = false;
};
struct QueuePosition { // to a visitor: where their pending contact is in its service's queue (1: next)
    std::string contact;
    std::size_t position = 0;
};
struct ContactSignalNotice { // a WebRTC message from the other party of a call
    std::string contact;
    Party from = Party::visitor;
    Signal signal;
};
struct Ack {
    std::string cid;
    std::string contact;
    std::uint64_t seq = 0;
};
using ServerMessage = std::variant<Welcome, AgentUpdate, Error, Pong, VisitorWelcome, QueueWaiting, QueueChanged,
                                   ContactSnapshot, ContactEventMsg, ContactTypingNotice, Ack,
                                   ContactSignalNotice, QueuePosition>;

// The "type" string of each message on the wire.
std::string_view type_of(const ClientMessage& m);
std::string_view type_of(const ServerMessage& m);

} // namespace sb::protocol
