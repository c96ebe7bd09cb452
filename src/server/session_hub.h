// The session logic, free of sockets (like Beast chat-multi's shared_state): the transport opens a connection
// with two callbacks, hands over every frame it reads, and sends what the hub asks it to send.
#pragma once
#include "core/agent.h"
#include "protocol/messages.h"
#include "server/agent_directory.h"
#include "server/contact_hub.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sb::server {


// What the hub may do with a connection. Both callbacks only queue work; neither calls back into the hub.
struct Peer {
    std::function<void(std::string)> send; // queue one text frame
    std::function<void()> close;           // close once queued frames are written
    std::string address;                   // the client's address (behind trusted proxies: the forwarded one)
};

struct HubOptions {
    int messages_per_second = 50;
    std::int64_t session_idle_seconds = 7 * 24 * 3600; // a token unused this long no longer resumes
    // Failed agent.login per connection and minute; beyond, logins are refused unchecked (rate_limited) until
    // the minute is over: password guessing is slowed, and each check costs ~0.1 s of the io thread.
    int failed_logins_per_minute = 5;
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
    };
    struct Presence {
        AgentStatus status = AgentStatus::paused;
        int connections = 0;
    };

    bool within_rate(Connection& c);
    void handle(ConnectionId id, Connection& c, const protocol::ClientMessage& m);
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
