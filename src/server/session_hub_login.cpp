// agent.login: the failed-login limits (per connection, per client address), then the argon2id password check on
// HubOptions::password_checks (the server's worker pool), whose answer comes back on the io thread. While a
// connection's check runs, its later frames wait (receive_text holds them, release_held hands them on in order),
// so a client sees the same order of answers as if the check were instant.
#include "server/session_hub.h"

#include "protocol/codec.h"
#include "server/log.h"

#include <exception>
#include <memory>

namespace sb::server {
namespace {

protocol::Error error(std::string cid, const char* code, std::string message) {
    return protocol::Error{std::move(cid), code, std::move(message)};
}

// Client text made safe for a log line.
std::string printable(const std::string& s) {
    std::string out = s.substr(0, 64);
    for (char& ch : out)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return out;
}

} // namespace

// One password check under way, as its answer needs it back on the io thread.
struct SessionHub::LoginCheck {
    ConnectionId connection = 0;
    std::uint64_t id = 0; // Connection::checking while this check is the connection's
    std::string cid, login, address;
    std::optional<std::string> hash; // what was checked; nullopt for an unknown login
};

void SessionHub::agent_login(ConnectionId id, Connection& c, const protocol::AgentLogin& x) {
    if (contacts_ && contacts_->is_visitor(id)) {
        send(c, error(x.cid, protocol::code::bad_field, "this connection is a visitor's; open another to log in"));
        return;
    }
    const auto now = options_.now();
    const auto minute = std::chrono::minutes(1);
    if (now - c.login_window_start >= minute) {
        c.login_window_start = now;
        c.failed_logins = 0;
    }
    if (c.failed_logins >= options_.failed_logins_per_minute) {
        send(c, error(x.cid, protocol::code::rate_limited, "too many failed logins: wait a minute before trying again"));
        return;
    }
    if (address_logins_.size() > 4096) // forget addresses whose minute is over
        for (auto it = address_logins_.begin(); it != address_logins_.end();)
            it = it->second.checking == 0 && now - it->second.start >= minute ? address_logins_.erase(it) : std::next(it);
    AddressLogins& a = address_logins_[c.peer.address];
    if (now - a.start >= minute) {
        a.start = now;
        a.failures = 0;
    }
    if (a.failures >= options_.failed_logins_per_address_minute) { // failures only: a NAT's agents log in together
        send(c, error(x.cid, protocol::code::rate_limited,
                      "too many failed logins from your address: wait a minute before trying again"));
        return;
    }

    LoginCheck check{id, next_check_++, x.cid, x.login, c.peer.address, directory_.password_hash(x.login)};
    c.checking = check.id;
    ++a.checking;
    static InlineExecutor at_once;
    Executor& checks = options_.password_checks ? *options_.password_checks : at_once;
    auto verified = std::make_shared<bool>(false);
    const bool queued = checks.submit(
        [verified, hash = check.hash, password = x.password] {
            try {
                *verified = AgentDirectory::check_password(hash, password);
            } catch (const std::exception& e) { // out of memory: a failed check
                log_line(std::string("password check failed: ") + e.what());
            }
        },
        [this, verified, check] { login_checked(check, *verified); });
    if (!queued) { // nothing ran: `c` and `a` are as above
        c.checking = 0;
        --a.checking;
        log_line("login for \"" + printable(x.login) + "\" refused: too many password checks waiting");
        send(c, error(x.cid, protocol::code::rate_limited,
                      "the server is checking too many passwords: try again in a few seconds"));
    }
}

void SessionHub::login_checked(const LoginCheck& check, bool verified) {
    auto a = address_logins_.find(check.address);
    if (a != address_logins_.end()) --a->second.checking;
    auto it = connections_.find(check.connection);
    // A connection closed meanwhile is gone (ids are never reused): the result is dropped.
    const bool current = it != connections_.end() && it->second.checking == check.id;
    if (current) it->second.checking = 0;
    try {
        // The agent may have been deleted, or their password changed, while the check ran: then it failed.
        const bool ok = verified && directory_.password_hash(check.login) == check.hash;
        if (!ok) {
            if (a != address_logins_.end()) {
                const auto now = options_.now();
                if (now - a->second.start >= std::chrono::minutes(1)) a->second = AddressLogins{now, 0, a->second.checking};
                ++a->second.failures;
            }
            log_line("failed login for \"" + printable(check.login) + "\"" + (current ? "" : " (connection closed)"));
        }
        if (current) {
            Connection& c = it->second;
            if (!ok) {
                ++c.failed_logins;
                send(c, error(check.cid, protocol::code::bad_credentials, "wrong login or password"));
            } else {
                c.failed_logins = 0;
                log_out(check.connection, c, false); // a second login on one connection replaces the first
                log_in(check.connection, c, check.cid, check.login, directory_.open_session(check.login, unix_now()));
            }
        }
    } catch (const std::exception& e) {
        log_line(std::string("internal error on agent.login: ") + e.what());
        if (current) send(it->second, error(check.cid, protocol::code::internal, "the server failed; the command was not applied"));
    }
    if (a != address_logins_.end() && a->second.failures == 0 && a->second.checking == 0) address_logins_.erase(a);
    if (current) release_held(check.connection);
}

void SessionHub::release_held(ConnectionId id) {
    for (auto it = connections_.find(id); it != connections_.end() && !it->second.checking && !it->second.held.empty();
         it = connections_.find(id)) {
        const std::string frame = std::move(it->second.held.front());
        it->second.held.pop_front();
        process(id, it->second, frame);
    }
}

} // namespace sb::server
