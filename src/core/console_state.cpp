#include "core/console_state.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace sb::console {
namespace {
template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;
} // namespace

std::string_view to_string(Connection c) {
    switch (c) {
    case Connection::offline: return "offline";
    case Connection::connecting: return "connecting";
    case Connection::connected: return "connected";
    case Connection::reconnecting: return "reconnecting";
    }
    return "offline";
}

ConsoleState reduce(ConsoleState s, const Event& e) {
    std::visit(overloaded{
                   [&](const event::SocketOpened&) {
                       s.connection = Connection::connected;
                       s.reconnect_attempt = 0;
                   },
                   [&](const event::SocketClosed&) {
                       // A logged-in console keeps its agent and token and resumes on the next connection.
                       s.connection = s.agent ? Connection::reconnecting : Connection::connecting;
                       s.login_pending = false;
                       ++s.reconnect_attempt;
                   },
                   [&](const event::LoginSent&) {
                       s.login_pending = true;
                       s.login_error.clear();
                   },
                   [&](const event::LoggedOut&) {
                       s.agent.reset();
                       s.token.clear();
                   },
                   [&](const protocol::ServerMessage& m) {
                       std::visit(overloaded{
                                      [&](const protocol::Welcome& w) {
                                          s.agent = w.agent;
                                          s.token = w.token;
                                          s.login_pending = false;
                                          s.login_error.clear();
                                      },
                                      [&](const protocol::AgentUpdate& u) { s.agent = u.agent; },
                                      [&](const protocol::Error& err) {
                                          if (err.code == protocol::code::bad_credentials) {
                                              s.login_pending = false;
                                              s.login_error = err.message.empty() ? "Wrong login or password" : err.message;
                                          } else if (err.code == protocol::code::bad_token) {
                                              // The session is gone (server restarted or logged out): log in again.
                                              s.agent.reset();
                                              s.token.clear();
                                              s.login_pending = false;
                                              s.login_error = "Your session has ended; please log in again";
                                          } else {
                                              s.last_error = err.code + ": " + err.message;
                                          }
                                      },
                                      [&](const protocol::Pong&) {},
                                      [&](const auto&) {}, // contact messages: issue 4 adds them here
                                  },
                                  m);
                   },
               },
               e);
    return s;
}

std::int64_t reconnect_delay_ms(int attempt) {
    if (attempt <= 0) return 0;
    std::int64_t d = 500;
    for (int i = 1; i < attempt && d < 10'000; ++i) d *= 2;
    return std::min<std::int64_t>(d, 10'000);
}

std::string to_json(const ConsoleState& s) {
    nlohmann::json j{
        {"connection", to_string(s.connection)},
        {"loginPending", s.login_pending},
        {"loginError", s.login_error},
        {"lastError", s.last_error},
        {"reconnectAttempt", s.reconnect_attempt},
    };
    if (s.agent) {
        j["agent"] = {{"id", s.agent->id},
                      {"login", s.agent->login},
                      {"name", s.agent->name},
                      {"status", to_string(s.agent->status)}};
    } else {
        j["agent"] = nullptr;
    }
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sb::console
