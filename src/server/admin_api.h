// The admin REST API (docs/admin.md, "Admin API"), free of sockets: the HTTP session hands over every request
// under /admin/api and writes back the answer. GET, PUT (create or replace) and DELETE of sites, services and
// agents, JSON in and out, behind a bearer token. A change is validated with the config file's rules, stored
// (it then wins over the file, config_sync.h), and applied live through ContactHub and SessionHub.
//
// Single-threaded like ContactHub: call it on the io thread. A PUT of an agent with a password hashes it with
// argon2id there (~0.1 s and 64 MiB): acceptable for administration, which is rare.
#pragma once
#include "server/contact_hub.h"
#include "server/session_hub.h"
#include "server/store/store.h"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::server {

struct AdminRequest {
    std::string method;        // "GET", "PUT", "DELETE", ...
    std::string target;        // as received: path and query ("/admin/api/services/sales")
    std::string authorization; // the Authorization header, "" when absent
    std::string content_type;  // the Content-Type header, "" when absent
    std::string body;
    std::string address; // the client's address (behind trusted proxies: the forwarded one); keys the attempt limit
};

struct AdminResponse {
    int status = 200;
    std::string body; // JSON; empty for 204
    std::vector<std::pair<std::string, std::string>> headers; // extra ones: Allow, Location, WWW-Authenticate...
};

struct AdminOptions {
    std::string token; // "" disables the API: every request gets 403 admin_disabled
    // Requests with a missing or wrong token per client address and minute; beyond, 429 until the minute ends.
    int failed_auth_per_minute = 10;
    std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class AdminApi {
  public:
    static constexpr std::size_t max_body_bytes = 64 * 1024;

    // True for "/admin/api" and every path below it (the query already cut off).
    static bool handles(std::string_view path);
    // The 413 answer, for a body the HTTP layer stopped reading.
    static AdminResponse too_large();

    AdminApi(Store& store, ContactHub& contacts, SessionHub& sessions, AdminOptions options);

    bool enabled() const { return !token_hash_.empty(); }
    // Never throws: store failures are 500 internal (nothing was changed).
    AdminResponse handle(const AdminRequest& request);

  private:
    struct Attempts {
        std::chrono::steady_clock::time_point start{};
        int failures = 0;
    };

    AdminResponse route(const AdminRequest& r, const std::vector<std::string>& segments);
    bool authorized(const std::string& header) const;

    AdminResponse list_sites();
    AdminResponse get_site(const std::string& id);
    AdminResponse put_site(const std::string& id, const AdminRequest& r);
    AdminResponse delete_site(const std::string& id, const AdminRequest& r);
    AdminResponse list_services();
    AdminResponse get_service(const std::string& id);
    AdminResponse put_service(const std::string& id, const AdminRequest& r);
    AdminResponse delete_service(const std::string& id, const AdminRequest& r);
    AdminResponse list_agents();
    AdminResponse get_agent(const std::string& login);
    AdminResponse put_agent(const std::string& login, const AdminRequest& r);
    AdminResponse delete_agent(const std::string& login, const AdminRequest& r);
    AdminResponse list_changes();

    AdminChange change(const char* kind, const std::string& id, bool deleted) const;

    Store& store_;
    ContactHub& contacts_;
    SessionHub& sessions_;
    AdminOptions options_;
    std::string token_hash_; // of the configured token; "" when disabled
    std::map<std::string, Attempts> attempts_; // by client address
};

} // namespace sb::server
