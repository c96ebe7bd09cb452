// The agent console's state, as a pure value updated by reduce(state, event). The console's views only read
// it; everything that changes it is an event: something the server said, or the socket opening or closing.
#pragma once
#include "core/agent.h"
#include "protocol/messages.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace sb::console {

enum class Connection { offline, connecting, connected, reconnecting };
std::string_view to_string(Connection c);

struct ConsoleState {
    Connection connection = Connection::offline;
    std::optional<AgentProfile> agent; // set once logged in
    std::string token;                 // session token, used to resume after a reconnect
    bool login_pending = false;        // a login was sent and no answer came yet
    std::string login_error;           // last login refusal, shown on the login screen
    std::string last_error;            // last other error from the server
    int reconnect_attempt = 0;         // consecutive failed connection attempts
};

namespace event {
struct SocketOpened {};
struct SocketClosed {};
struct LoginSent {};
struct LoggedOut {};
} // namespace event
using Event =
    std::variant<event::SocketOpened, event::SocketClosed, event::LoginSent, event::LoggedOut, protocol::ServerMessage>;

ConsoleState reduce(ConsoleState s, const Event& e);

// Delay before the next connection attempt: 0.5 s doubling up to 10 s.
std::int64_t reconnect_delay_ms(int attempt);

// The console state as JSON, for the automation bridge (window.switchboard.state()).
std::string to_json(const ConsoleState& s);

} // namespace sb::console
