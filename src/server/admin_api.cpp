#include "server/admin_api.h"

#include "server/config_sync.h"
#include "server/log.h"
#include "server/password.h"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <optional>
#include <set>

namespace sb::server {
namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json; // answers keep the config file's field order

constexpr std::string_view prefix = "/admin/api";

std::string token_hash(std::string_view token) {
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

// Messages may quote what the client sent (a parse error shows the bytes it stopped at): never invalid UTF-8 out.
AdminResponse reply(int status, const ojson& body) {
    return AdminResponse{status, body.dump(-1, ' ', false, ojson::error_handler_t::replace), {}};
}

AdminResponse error(int status, std::string_view code, std::string message) {
    return reply(status, ojson{{"error", {{"code", code}, {"message", std::move(message)}}}});
}

AdminResponse not_found(std::string_view what, const std::string& id) {
    return error(404, "not_found", "no " + std::string(what) + " \"" + id + "\"");
}

AdminResponse method_not_allowed(const std::string& method, const char* allow) {
    auto r = error(405, "method_not_allowed", method + " is not allowed here; use " + std::string(allow));
    r.headers.emplace_back("Allow", allow);
    return r;
}

AdminResponse internal(const std::exception& e) {
    log_line(std::string("admin: ") + e.what());
    return error(500, "internal", "the server failed; nothing was changed");
}

// "%40" -> "@"; nullopt for a broken escape or a decoded '/' or NUL.
std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
            return std::nullopt;
        const char c = static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        if (c == '/' || c == '\0') return std::nullopt;
        out += c;
        i += 2;
    }
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

ojson to_json(const SiteConfig& s) { return {{"id", s.id}, {"name", s.name}, {"url", s.url}}; }

ojson to_json(const ServiceConfig& s) {
    ojson colors = ojson::array();
    for (const auto& c : s.colors) colors.push_back({{"color", c.color}, {"meaning", c.meaning}});
    return {{"id", s.id},         {"name", s.name}, {"language", s.language}, {"tags", s.tags},
            {"dissuasion_seconds", s.dissuasion_seconds}, {"color", s.color}, {"colors", colors},
            {"media", s.media},   {"site", s.site}};
}

// Never the password nor its hash: what GET gives can be PUT back unchanged.
ojson to_json(const StoredAgent& a) {
    return {{"login", a.login}, {"name", a.name}, {"tags", a.tags}, {"languages", a.languages}, {"capacity", a.capacity}};
}

// The body of a PUT as a JSON object whose `key` is the URL's id; or the 4xx answer.
struct Body {
    json object;
    std::optional<AdminResponse> refusal;
};

Body read_body(const AdminRequest& r, const char* key, const std::string& id) {
    Body b;
    std::string type = r.content_type.substr(0, r.content_type.find(';'));
    if (lower(trim(type)) != "application/json") {
        b.refusal = error(415, "unsupported_media_type", "send the body as Content-Type: application/json");
        return b;
    }
    try {
        b.object = json::parse(r.body);
    } catch (const json::parse_error& e) {
        std::string why = e.what();
        if (auto close = why.find("] "); close != std::string::npos) why.erase(0, close + 2);
        b.refusal = error(400, "bad_json", "invalid JSON: " + why);
        return b;
    }
    if (!b.object.is_object()) {
        b.refusal = error(400, "bad_json", "the body must be a JSON object");
        return b;
    }
    auto given = b.object.find(key);
    if (given == b.object.end()) {
        b.object[key] = id;
    } else if (given->is_string() && given->get<std::string>() != id) {
        b.refusal = error(400, "bad_field", std::string(key) + " \"" + given->get<std::string>() +
                                                "\" differs from the URL's \"" + id + "\"");
    }
    return b;
}

std::string who(const AdminRequest& r) { return r.address.empty() ? std::string("?") : r.address; }

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

} // namespace

bool AdminApi::handles(std::string_view path) {
    return path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

AdminResponse AdminApi::too_large() {
    return error(413, "too_large", "the body is larger than " + std::to_string(max_body_bytes) + " bytes");
}

AdminApi::AdminApi(Store& store, ContactHub& contacts, SessionHub& sessions, AdminOptions options)
    : store_(store), contacts_(contacts), sessions_(sessions), options_(std::move(options)) {
    if (!options_.token.empty()) token_hash_ = token_hash(options_.token);
}

bool AdminApi::authorized(const std::string& header) const {
    // "Bearer <token>", the scheme in any case. Hashes of equal length, compared in constant time.
    const auto space = header.find(' ');
    if (space == std::string::npos || lower(header.substr(0, space)) != "bearer") return false;
    const std::string given = trim(std::string_view(header).substr(space + 1));
    const std::string hash = token_hash(given);
    return sodium_memcmp(hash.data(), token_hash_.data(), hash.size()) == 0;
}

AdminResponse AdminApi::handle(const AdminRequest& r) {
    if (!enabled())
        return error(403, "admin_disabled",
                     "the admin API is disabled: set admin.token in the config file or SWITCHBOARD_ADMIN_TOKEN");

    const auto now = options_.now();
    Attempts& a = attempts_[r.address];
    if (now - a.start >= std::chrono::minutes(1)) a = Attempts{now, 0};
    if (a.failures >= options_.failed_auth_per_minute) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(a.start + std::chrono::minutes(1) - now);
        auto res = error(429, "rate_limited", "too many requests with a wrong token: wait a minute");
        res.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, left.count())));
        return res;
    }
    if (!authorized(r.authorization)) {
        ++a.failures;
        if (attempts_.size() > 4096) // forget addresses whose minute is over
            for (auto it = attempts_.begin(); it != attempts_.end();)
                it = now - it->second.start >= std::chrono::minutes(1) ? attempts_.erase(it) : std::next(it);
        log_line("admin: refused " + r.method + " from " + who(r) +
                 (r.authorization.empty() ? ": no token" : ": wrong token"));
        auto res = error(401, "unauthorized", "send the admin token as Authorization: Bearer <token>");
        res.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"switchboard admin\"");
        return res;
    }
    if (a.failures == 0) attempts_.erase(r.address);

    std::string_view path = r.target;
    path = path.substr(0, path.find_first_of("?#"));
    path.remove_prefix(std::min(path.size(), prefix.size()));
    std::vector<std::string> segments;
    while (!path.empty()) {
        path.remove_prefix(1); // the '/'
        const auto slash = path.find('/');
        const std::string_view raw = path.substr(0, slash);
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
        if (raw.empty() && path.empty()) break; // one trailing slash
        auto decoded = percent_decode(raw);
        if (!decoded || decoded->empty()) return error(404, "not_found", "no such endpoint: " + r.target);
        segments.push_back(std::move(*decoded));
    }
    if (r.body.size() > max_body_bytes) return too_large();
    try {
        return route(r, segments);
    } catch (const std::exception& e) {
        return internal(e);
    }
}

AdminResponse AdminApi::route(const AdminRequest& r, const std::vector<std::string>& s) {
    const bool get = r.method == "GET", put = r.method == "PUT", del = r.method == "DELETE";
    if (s.size() == 1 || (s.size() == 2 && s[0] != "changes")) {
        const char* kind = s[0] == "sites" ? "sites" : s[0] == "services" ? "services" : s[0] == "agents" ? "agents" : nullptr;
        if (s[0] == "changes" || kind) {
            if (s.size() == 1) {
                if (!get) return method_not_allowed(r.method, "GET");
                if (s[0] == "changes") return list_changes();
                if (s[0] == "sites") return list_sites();
                if (s[0] == "services") return list_services();
                return list_agents();
            }
            const std::string& id = s[1];
            if (!get && !put && !del) return method_not_allowed(r.method, "GET, PUT, DELETE");
            if (s[0] == "sites") return get ? get_site(id) : put ? put_site(id, r) : delete_site(id, r);
            if (s[0] == "services") return get ? get_service(id) : put ? put_service(id, r) : delete_service(id, r);
            return get ? get_agent(id) : put ? put_agent(id, r) : delete_agent(id, r);
        }
    }
    return error(404, "not_found", "no such endpoint: " + r.target + " (see docs/admin.md, \"Admin API\")");
}

AdminChange AdminApi::change(const char* kind, const std::string& id, bool deleted) const {
    return AdminChange{kind, id, deleted, contacts_.now_ms()};
}

// [SECTION] Sites ------------------------------------------------------------------------------------------------

AdminResponse AdminApi::list_sites() {
    ojson out = ojson::array();
    for (const auto& s : store_.sites()) out.push_back(to_json(from_stored(s)));
    return reply(200, ojson{{"sites", out}});
}

AdminResponse AdminApi::get_site(const std::string& id) {
    for (const auto& s : store_.sites())
        if (s.id == id) return reply(200, to_json(from_stored(s)));
    return not_found("site", id);
}

AdminResponse AdminApi::put_site(const std::string& id, const AdminRequest& r) {
    Body body = read_body(r, "id", id);
    if (body.refusal) return *body.refusal;
    auto site = read_site_object(body.object);
    if (!site) return error(400, "bad_field", site.error());
    const auto stored = store_.sites();
    const bool exists = std::any_of(stored.begin(), stored.end(), [&](const StoredSite& s) { return s.id == id; });
    ConfigWrite w;
    w.sites.push_back(to_stored(*site));
    w.admin_changes.push_back(change(admin_kind::site, id, false));
    store_.write_config(w);
    contacts_.put_site(*site);
    log_line("admin: site " + id + (exists ? " replaced" : " created") + " (from " + who(r) + ")");
    auto res = reply(exists ? 200 : 201, to_json(*site));
    if (!exists) res.headers.emplace_back("Location", std::string(prefix) + "/sites/" + id);
    return res;
}

AdminResponse AdminApi::delete_site(const std::string& id, const AdminRequest& r) {
    const auto sites = store_.sites();
    if (std::none_of(sites.begin(), sites.end(), [&](const StoredSite& s) { return s.id == id; }))
        return not_found("site", id);
    std::vector<std::string> users;
    for (const auto& s : store_.services())
        if (s.site == id) users.push_back(s.id);
    if (!users.empty())
        return error(409, "in_use", "services " + joined(users) + " name this site: move or delete them first");
    ConfigWrite w;
    w.deleted_sites.push_back(id);
    w.admin_changes.push_back(change(admin_kind::site, id, true));
    store_.write_config(w);
    contacts_.remove_site(id);
    log_line("admin: site " + id + " deleted (from " + who(r) + ")");
    return AdminResponse{204, "", {}};
}

// [SECTION] Services ---------------------------------------------------------------------------------------------

AdminResponse AdminApi::list_services() {
    ojson out = ojson::array();
    for (const auto& s : store_.services()) out.push_back(to_json(from_stored(s)));
    return reply(200, ojson{{"services", out}});
}

AdminResponse AdminApi::get_service(const std::string& id) {
    for (const auto& s : store_.services())
        if (s.id == id) return reply(200, to_json(from_stored(s)));
    return not_found("service", id);
}

AdminResponse AdminApi::put_service(const std::string& id, const AdminRequest& r) {
    Body body = read_body(r, "id", id);
    if (body.refusal) return *body.refusal;
    std::set<std::string> site_ids;
    for (const auto& s : store_.sites()) site_ids.insert(s.id);
    auto service = read_service_object(body.object, site_ids);
    if (!service) return error(400, "bad_field", service.error());
    const auto stored = store_.services();
    const bool exists = std::any_of(stored.begin(), stored.end(), [&](const StoredService& s) { return s.id == id; });
    ConfigWrite w;
    w.services.push_back(to_stored(*service));
    w.admin_changes.push_back(change(admin_kind::service, id, false));
    store_.write_config(w);
    contacts_.put_service(*service);
    log_line("admin: service " + id + (exists ? " replaced" : " created") + " (from " + who(r) + ")");
    auto res = reply(exists ? 200 : 201, to_json(*service));
    if (!exists) res.headers.emplace_back("Location", std::string(prefix) + "/services/" + id);
    return res;
}

AdminResponse AdminApi::delete_service(const std::string& id, const AdminRequest& r) {
    const auto services = store_.services();
    if (std::none_of(services.begin(), services.end(), [&](const StoredService& s) { return s.id == id; }))
        return not_found("service", id);
    if (auto held = contacts_.held_contacts_of_service(id); held > 0)
        return error(409, "in_use", "agents hold " + std::to_string(held) +
                                        " contacts of this service: delete it once they are closed");
    ConfigWrite w;
    w.deleted_services.push_back(id);
    w.admin_changes.push_back(change(admin_kind::service, id, true));
    store_.write_config(w);
    const auto closed = contacts_.remove_service(id);
    log_line("admin: service " + id + " deleted, " + std::to_string(closed.size()) +
             " pending contacts closed (from " + who(r) + ")");
    return AdminResponse{204, "", {}};
}

// [SECTION] Agents -----------------------------------------------------------------------------------------------

AdminResponse AdminApi::list_agents() {
    ojson out = ojson::array();
    for (const auto& a : store_.agents()) out.push_back(to_json(a));
    return reply(200, ojson{{"agents", out}});
}

AdminResponse AdminApi::get_agent(const std::string& login) {
    auto a = store_.find_agent(login);
    if (!a) return not_found("agent", login);
    return reply(200, to_json(*a));
}

AdminResponse AdminApi::put_agent(const std::string& login, const AdminRequest& r) {
    Body body = read_body(r, "login", login);
    if (body.refusal) return *body.refusal;
    const auto existing = store_.find_agent(login);
    auto agent = read_agent_object(body.object, !existing); // a new agent needs a password; a replaced one keeps it
    if (!agent) return error(400, "bad_field", agent.error());
    StoredAgent row = to_stored(*agent);
    if (!agent->password.empty())
        row.password_hash = hash_password(agent->password); // ~0.1 s on this (io) thread
    else if (row.password_hash.empty())
        row.password_hash = existing->password_hash;
    ConfigWrite w;
    w.agents.push_back(row);
    w.admin_changes.push_back(change(admin_kind::agent, login, false));
    store_.write_config(w);
    contacts_.put_agent(from_stored(row));
    sessions_.agent_changed(login);
    log_line("admin: agent " + login + (existing ? " replaced" : " created") + (agent->password.empty() ? "" : ", new password") +
             " (from " + who(r) + ")");
    auto res = reply(existing ? 200 : 201, to_json(row));
    if (!existing) res.headers.emplace_back("Location", std::string(prefix) + "/agents/" + login);
    return res;
}

AdminResponse AdminApi::delete_agent(const std::string& login, const AdminRequest& r) {
    if (!store_.find_agent(login)) return not_found("agent", login);
    ConfigWrite w;
    w.deleted_agents.push_back(login);
    w.admin_changes.push_back(change(admin_kind::agent, login, true));
    store_.write_config(w);
    sessions_.agent_removed(login);
    contacts_.remove_agent(login);
    log_line("admin: agent " + login + " deleted (from " + who(r) + ")");
    return AdminResponse{204, "", {}};
}

// [SECTION] Changes ----------------------------------------------------------------------------------------------

AdminResponse AdminApi::list_changes() {
    ojson out = ojson::array();
    for (const auto& c : store_.admin_changes())
        out.push_back({{"kind", c.kind}, {"id", c.id}, {"deleted", c.deleted}, {"at", c.at}});
    return reply(200, ojson{{"changes", out}});
}

} // namespace sb::server
