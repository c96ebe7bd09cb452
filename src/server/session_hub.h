// The session logic, free of sockets (like Beast chat-multi's shared_state): the transport opens a connection
// with two callbacks, hands over every frame it reads, and sends what the hub asks it to send.
#pragma once
#include "core/agent.h"
#include "protocol/messages.h"
#include "server/agent_directory.h"
#include "server/contact_hub.h"
#include "server/worker_pool.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sb::server {


// What the hub may do with a connection. Both callbacks only queue work; neither calls back into the hub.
struct Peer {
    std::function<void(const std::string&)> send; // queue one text frame
    std::function<void()> close;           // close once queued frames are written
    std::string address;                   // the client's address (behind trusted proxies: the forwarded one)
};

struct HubOptions {
    int messages_per_second = 50;
    std::int64_t session_idle_seconds = 7 * 24 * 3600; // a token unused this long no longer resumes
    // Failed agent.login per connection and minute; beyond, logins are refused unchecked (rate_limited) until
    // the minute is over: password guessing is slowed, and each check costs ~0.1 s of CPU.
    int failed_logins_per_minute = 5;
    // Failed agent.login per client address and minute, all its connections together: new connections do not
    // buy an attacker more guesses. Only failures count (an office's agents behind one NAT log in together);
    // the worker queue bounds the checks under way. Also rate_limited beyond.
    int failed_logins_per_address_minute = 20;
    // Where agent.login's password checks run: the server's WorkerPool, so that they never stall the io thread.
    // nullptr: at once, on the caller's thread. A connection's frames wait behind its check (docs/protocol.md).
    Executor* password_checks = nullptr;
    // An agent whose last console dropped (not logged out) and who resumes their session within this time
    // comes back in the status they had (a network blip does not pause a ready agent); otherwise paused.
    std::chrono::seconds resume_status_seconds{30};
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class SessionHub {
  public:
    SessionHub(AgentDirectory& directory, HubOptions options);

    ConnectionId open(Peer peer);
    void receive_text(ConnectionId id, std::string_view frame);
    void receive_binary(ConnectionId id);
    void frame_too_large(ConnectionId id); // replies too_large, then closes
    void closed(ConnectionId id);          // the connection is gone; no callback is called for it again

    std::size_t connections() const { return connections_.size(); }
    // The client address of a connection ("" when unknown or closed).
    std::string address_of(ConnectionId id) const;
    // The shared status of an agent: offline unless some connection is logged in as them.
    AgentStatus status_of(const std::string& login) const;

    // Contacts: visitor.hello and contact.* messages go to `contacts`, which learns about agents' logins,
    // statuses and disconnections and sends through send_to(). Without it those messages get not_logged_in.
    void attach(ContactHub& contacts) { contacts_ = &contacts; }
    ContactHub* contacts() const { return contacts_; }
    // Queues a message on a connection (no-op for a closed one).
    void send_to(ConnectionId id, const protocol::ServerMessage& m);
    // Queues an encoded message (protocol::encode) on a connection: one encoding sent to many connections.
    void send_frame(ConnectionId id, const std::string& frame);

    // The admin API changed an agent: each of their connections gets agent.update with the stored profile.
    void agent_changed(const std::string& login);
    // The admin API deleted an agent (their sessions went with them): each of their connections is logged out,
    // as by agent.logout, and closed. A console reconnects, its agent.resume gets bad_token: the login screen.
    void agent_removed(const std::string& login);

  private:
    struct Connection {
        Peer peer;
        std::string login; // empty until logged in
        std::string token;
        std::chrono::system_clock::time_point window_start{};
        int frames_in_window = 0;
        bool told_rate_limited = false;
        std::chrono::system_clock::time_point login_window_start{};
        int failed_logins = 0; // in the minute from login_window_start
        std::uint64_t checking = 0;  // the agent.login whose password is being checked, 0 when none
        std::deque<std::string> held; // frames received meanwhile, handled in order after its answer
    };
    struct AddressLogins { // failed agent.login from one client address in the minute from `start`
        std::chrono::system_clock::time_point start{};
        int failures = 0;
        int checking = 0; // checks under way
    };
    std::map<std::string, AddressLogins> address_logins_;
    static constexpr std::size_t max_held_frames = 8; // beyond, dropped with rate_limited
    std::uint64_t next_check_ = 1;
    struct Presence {
        AgentStatus status = AgentStatus::paused;
        int connections = 0;
    };
    struct Dropped { // an agent's last console dropped: their status, kept for a resume in time
        AgentStatus status = AgentStatus::paused;
        std::chrono::system_clock::time_point at;
    };
    std::map<std::string, Dropped> dropped_;

    bool within_rate(Connection& c);
    void process(ConnectionId id, Connection& c, std::string_view frame);
    void handle(ConnectionId id, Connection& c, const protocol::ClientMessage& m);
    // agent.login (session_hub_login.cpp): limits, then the password check on options_.password_checks.
    struct LoginCheck;
    void agent_login(ConnectionId id, Connection& c, const protocol::AgentLogin& x);
    void login_checked(const LoginCheck& check, bool verified);
    void release_held(ConnectionId id);
    void log_in(ConnectionId id, Connection& c, const std::string& cid, const std::string& login, const std::string& token);
    // The connection stops being the agent's: `logout` (agent.logout) or not (closed, replaced by a login).
    void log_out(ConnectionId id, Connection& c, bool logout);
    void send(Connection& c, const protocol::ServerMessage& m);
    std::int64_t unix_now() const;

    AgentDirectory& directory_;
    HubOptions options_;
    ContactHub* contacts_ = nullptr;
    ConnectionId next_id_ = 1;
    std::map<ConnectionId, Connection> connections_;
    std::map<std::string, Presence> presence_; // by login, while the agent has connections
};

} // namespace sb::server
