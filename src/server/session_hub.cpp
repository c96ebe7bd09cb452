#include "server/session_hub.h"

#include "protocol/codec.h"
#include "server/log.h"

#include <exception>
#include <stdexcept>

namespace sb::server {
namespace {

template <class... F> struct overloaded : F... {
    using F::operator()...;
};
template <class... F> overloaded(F...) -> overloaded<F...>;

protocol::Error error(std::string cid, const char* code, std::string message) {
    return protocol::Error{std::move(cid), code, std::move(message)};
}

const std::string& cid_of(const protocol::ClientMessage& m) {
    return std::visit([](const auto& x) -> const std::string& { return x.cid; }, m);
}

} // namespace

SessionHub::SessionHub(AgentDirectory& directory, HubOptions options) : directory_(directory), options_(std::move(options)) {}

ConnectionId SessionHub::open(Peer peer) {
    ConnectionId id = next_id_++;
    Connection c;
    c.peer = std::move(peer);
    connections_.emplace(id, std::move(c));
    return id;
}

std::string SessionHub::address_of(ConnectionId id) const {
    auto it = connections_.find(id);
    return it == connections_.end() ? std::string() : it->second.peer.address;
}

AgentStatus SessionHub::status_of(const std::string& login) const {
    auto it = presence_.find(login);
    return it == presence_.end() ? AgentStatus::offline : it->second.status;
}

std::int64_t SessionHub::unix_now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(options_.now().time_since_epoch()).count();
}

void SessionHub::send(Connection& c, const protocol::ServerMessage& m) { c.peer.send(protocol::encode(m)); }

void SessionHub::send_to(ConnectionId id, const protocol::ServerMessage& m) {
    auto it = connections_.find(id);
    if (it != connections_.end()) send(it->second, m);
}

void SessionHub::send_frame(ConnectionId id, const std::string& frame) {
    auto it = connections_.find(id);
    if (it != connections_.end()) it->second.peer.send(frame);
}

void SessionHub::agent_changed(const std::string& login) {
    auto presence = presence_.find(login);
    if (presence == presence_.end()) return; // not connected: the next welcome carries the new profile
    auto profile = directory_.profile(login);
    if (!profile) return;
    profile->status = presence->second.status;
    const std::string frame = protocol::encode(protocol::AgentUpdate{"", *profile});
    for (auto& [id, c] : connections_)
        if (c.login == login) c.peer.send(frame);
}

void SessionHub::agent_removed(const std::string& login) {
    for (auto& [id, c] : connections_) {
        if (c.login != login) continue;
        log_line("agent " + login + " deleted by an administrator: logged out (connection " + std::to_string(id) + ")");
        log_out(id, c, true);
        c.peer.close();
    }
}

bool SessionHub::within_rate(Connection& c) {
    auto now = options_.now();
    if (now < c.window_start || now - c.window_start >= std::chrono::seconds(1)) {
        c.window_start = now;
        c.frames_in_window = 0;
        c.told_rate_limited = false;
    }
    if (++c.frames_in_window <= options_.messages_per_second) return true;
    if (!c.told_rate_limited) {
        c.told_rate_limited = true;
        send(c, error("", protocol::code::rate_limited,
                      "more than " + std::to_string(options_.messages_per_second) + " messages a second; frame dropped"));
    }
    return false;
}

void SessionHub::receive_text(ConnectionId id, std::string_view frame) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    Connection& c = it->second;
    if (!within_rate(c)) return;
    if (c.checking) { // behind an agent.login being checked: handled after its answer (release_held)
        if (c.held.size() < max_held_frames)
            c.held.emplace_back(frame);
        else
            send(c, error("", protocol::code::rate_limited, "a login is being checked: wait for its answer; frame dropped"));
        return;
    }
    process(id, c, frame);
}

void SessionHub::process(ConnectionId id, Connection& c, std::string_view frame) {
    auto decoded = protocol::decode_client(frame);
    if (!decoded) {
        send(c, protocol::to_error(decoded.error())); // the connection stays usable
        return;
    }
    try {
        handle(id, c, *decoded);
    } catch (const std::exception& e) {
        log_line(std::string("internal error on ") + std::string(protocol::type_of(*decoded)) + ": " + e.what());
        send(c, error(cid_of(*decoded), protocol::code::internal, "the server failed; the command was not applied"));
    }
}

void SessionHub::receive_binary(ConnectionId id) {
    auto it = connections_.find(id);
    if (it == connections_.end() || !within_rate(it->second)) return;
    send(it->second, error("", protocol::code::bad_json, "binary frames are not accepted; send JSON text"));
}

void SessionHub::frame_too_large(ConnectionId id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    send(it->second, error("", protocol::code::too_large, "frame larger than the server's limit; closing"));
    it->second.peer.close();
}

void SessionHub::closed(ConnectionId id) {
    auto it = connections_.find(id);
    if (it == connections_.end()) return;
    if (!it->second.token.empty()) {
        try {
            directory_.touch_session(it->second.token, unix_now());
        } catch (const std::exception& e) {
            log_line(std::string("cannot record session end: ") + e.what());
        }
    }
    log_out(id, it->second, false);
    if (contacts_) contacts_->connection_closed(id); // a visitor's connection; never throws
    connections_.erase(it);
}

void SessionHub::log_in(ConnectionId id, Connection& c, const std::string& cid, const std::string& login,
                        const std::string& token) {
    auto profile = directory_.profile(login);
    if (!profile) throw std::runtime_error("agent " + login + " vanished from the store");
    Presence& p = presence_[login];
    if (p.connections++ == 0) { // first connection: paused, unless it resumes a session that just dropped
        p.status = AgentStatus::paused;
        auto d = dropped_.find(login);
        if (d != dropped_.end() && options_.now() - d->second.at <= options_.resume_status_seconds)
            p.status = d->second.status;
        if (d != dropped_.end()) dropped_.erase(d);
    }
    c.login = login;
    c.token = token;
    profile->status = p.status;
    log_line("agent " + login + " logged in (connection " + std::to_string(id) + ")");
    protocol::Welcome welcome{cid, token, *profile, unix_now() * 1000, {}, {}};
    if (contacts_) {
        contacts_->agent_joined(id, login, p.status);
        welcome.now = contacts_->now_ms();
        welcome.contacts = contacts_->held_by(login);
        welcome.services = contacts_->services_for_agent(login);
        welcome.ice_servers = contacts_->ice_servers_for(login);
        welcome.ice_transport_policy = contacts_->ice_transport_policy();
        welcome.files = contacts_->file_limits();
    }
    send(c, welcome);
    if (contacts_) contacts_->send_waiting(id);
}

void SessionHub::log_out(ConnectionId id, Connection& c, bool logout) {
    if (c.login.empty()) return;
    if (contacts_) {
        try {
            contacts_->agent_left(id, logout);
        } catch (const std::exception& e) {
            log_line("cannot record that agent " + c.login + " left: " + e.what());
        }
    }
    auto it = presence_.find(c.login);
    if (it != presence_.end() && --it->second.connections <= 0) {
        if (logout)
            dropped_.erase(c.login);
        else
            dropped_[c.login] = Dropped{it->second.status, options_.now()};
        presence_.erase(it); // last connection gone: offline
        log_line("agent " + c.login + " is offline");
    }
    c.login.clear();
    c.token.clear();
}

void SessionHub::handle(ConnectionId id, Connection& c, const protocol::ClientMessage& m) {
    std::visit(overloaded{
                   [&](const protocol::AgentLogin& x) { agent_login(id, c, x); },
                   [&](const protocol::AgentResume& x) {
                       if (contacts_ && contacts_->is_visitor(id)) {
                           send(c, error(x.cid, protocol::code::bad_field, "this connection is a visitor's; open another to log in"));
                           return;
                       }
                       auto login = directory_.resume_session(x.token, unix_now(), options_.session_idle_seconds);
                       if (!login) {
                           send(c, error(x.cid, protocol::code::bad_token, "session token unknown or expired; log in again"));
                           return;
                       }
                       log_out(id, c, false);
                       log_in(id, c, x.cid, *login, x.token);
                   },
                   [&](const protocol::AgentSetStatus& x) {
                       if (c.login.empty()) {
                           send(c, error(x.cid, protocol::code::not_logged_in, "log in first"));
                           return;
                       }
                       if (x.status == AgentStatus::offline) {
                           send(c, error(x.cid, protocol::code::bad_field, "status must be ready or paused; log out to go offline"));
                           return;
                       }
                       auto profile = directory_.profile(c.login);
                       if (!profile) throw std::runtime_error("agent " + c.login + " vanished from the store");
                       presence_[c.login].status = x.status;
                       profile->status = x.status;
                       // Every connection of this agent learns the shared status; the requester gets its cid.
                       for (auto& [other_id, other] : connections_)
                           if (other.login == c.login)
                               send(other, protocol::AgentUpdate{other_id == id ? x.cid : std::string(), *profile});
                       if (contacts_) contacts_->agent_status(c.login, x.status);
                   },
                   [&](const protocol::AgentLogout& x) {
                       (void)x; // no reply: the console forgets the session itself
                       if (c.login.empty()) return;
                       directory_.close_session(c.token);
                       log_line("agent " + c.login + " logged out (connection " + std::to_string(id) + ")");
                       log_out(id, c, true);
                   },
                   [&](const protocol::Ping& x) { send(c, protocol::Pong{x.cid}); },
                   [&](const auto& x) { // visitor.hello and contact.*
                       if (!contacts_) {
                           send(c, error(x.cid, protocol::code::not_logged_in, "contacts are not served here"));
                           return;
                       }
                       contacts_->handle(id, m);
                   },
               },
               m);
}

} // namespace sb::server
