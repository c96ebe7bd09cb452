// Protocol v1 message structs, shared by the server and the console. The wire format (JSON over WebSocket)
// is documented in docs/protocol.md; keep the two in step.
#pragma once
#include "core/agent.h"

#include <string>
#include <variant>

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
using ClientMessage = std::variant<AgentLogin, AgentResume, AgentSetStatus, AgentLogout, Ping>;

// --- server -> client ---------------------------------------------------------------------------------
struct Welcome { // reply to agent.login / agent.resume
    std::string cid;
    std::string token; // session token for agent.resume
    AgentProfile agent;
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
using ServerMessage = std::variant<Welcome, AgentUpdate, Error, Pong>;

// The "type" string of each message on the wire.
std::string_view type_of(const ClientMessage& m);
std::string_view type_of(const ServerMessage& m);

} // namespace sb::protocol
