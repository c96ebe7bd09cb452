#include "server/config_sync.h"

#include "server/password.h"

#include <map>
#include <set>

namespace sb::server {

StoredSite to_stored(const SiteConfig& s) { return StoredSite{s.id, s.name, s.url}; }

StoredService to_stored(const ServiceConfig& s) {
    StoredService r{s.id, s.name, s.language, s.tags, s.dissuasion_seconds, s.color, {}, s.media, s.site};
    for (const auto& c : s.colors) r.colors.push_back(StoredColor{c.color, c.meaning});
    return r;
}

StoredAgent to_stored(const AgentConfig& a) {
    return StoredAgent{a.login, a.name, a.password_hash, a.tags, a.languages, a.capacity};
}

SiteConfig from_stored(const StoredSite& s) { return SiteConfig{s.id, s.name, s.url}; }

ServiceConfig from_stored(const StoredService& s) {
    ServiceConfig r;
    r.id = s.id;
    r.name = s.name;
    r.language = s.language;
    r.tags = s.tags;
    r.dissuasion_seconds = s.dissuasion_seconds;
    r.color = s.color;
    for (const auto& c : s.colors) r.colors.push_back(ColorMeaning{c.color, c.meaning});
    r.media = s.media;
    r.site = s.site;
    return r;
}

AgentConfig from_stored(const StoredAgent& a) {
    return AgentConfig{a.login, a.name, "", a.password_hash, a.tags, a.languages, a.capacity};
}

Service to_service(const ServiceConfig& sc) {
    Service s;
    s.id = sc.id;
    s.name = sc.name;
    s.language = sc.language;
    s.main_tags = sc.tags;
    s.dissuasion = std::chrono::seconds(sc.dissuasion_seconds);
    s.color = sc.color;
    s.media.clear();
    for (const auto& m : sc.media)
        if (auto t = contact_type_from(m)) s.media.push_back(*t);
    s.site_id = sc.site;
    return s;
}

namespace {

// One kind (sites, services or agents): the file's rows applied over the stored ones, except owned ids.
template <class Row, class Key>
void merge(std::map<std::string, Row>& rows, const std::vector<Row>& file_rows, const std::set<std::string>& owned,
           const char* kind, Key key, std::vector<Row>& upserts, std::vector<std::string>& deletes,
           std::vector<std::string>& overridden) {
    std::set<std::string> in_file;
    for (const auto& r : file_rows) {
        in_file.insert(key(r));
        if (owned.count(key(r))) {
            overridden.push_back(std::string(kind) + " " + key(r));
            continue;
        }
        if (auto it = rows.find(key(r)); it == rows.end() || !(it->second == r)) upserts.push_back(r);
        rows[key(r)] = r;
    }
    for (auto it = rows.begin(); it != rows.end();) {
        if (in_file.count(it->first) || owned.count(it->first)) {
            ++it;
            continue;
        }
        deletes.push_back(it->first);
        it = rows.erase(it);
    }
}

} // namespace

Expected<SyncedConfig, std::string> sync_config(Store& store, const Config& file, bool forget_admin_changes) {
    std::map<std::string, std::set<std::string>> owned; // kind -> ids the admin API owns
    if (!forget_admin_changes)
        for (const auto& c : store.admin_changes()) owned[c.kind].insert(c.id);

    std::map<std::string, StoredSite> sites;
    std::map<std::string, StoredService> services;
    std::map<std::string, StoredAgent> agents;
    for (auto& s : store.sites()) sites[s.id] = s;
    for (auto& s : store.services()) services[s.id] = s;
    for (auto& a : store.agents()) agents[a.login] = a;

    std::vector<StoredSite> file_sites;
    for (const auto& s : file.sites) file_sites.push_back(to_stored(s));
    std::vector<StoredService> file_services;
    for (const auto& s : file.services) file_services.push_back(to_stored(s));
    std::vector<StoredAgent> file_agents;
    for (const auto& a : file.agents) {
        StoredAgent row = to_stored(a);
        if (row.password_hash.empty() && !owned[admin_kind::agent].count(a.login)) {
            auto stored = agents.find(a.login);
            row.password_hash = stored != agents.end() && verify_password(stored->second.password_hash, a.password)
                                    ? stored->second.password_hash
                                    : hash_password(a.password);
        }
        file_agents.push_back(std::move(row));
    }

    ConfigWrite w;
    w.forget_admin_changes = forget_admin_changes;
    SyncedConfig out;
    merge(sites, file_sites, owned[admin_kind::site], admin_kind::site, [](const StoredSite& s) { return s.id; }, w.sites,
          w.deleted_sites, out.overridden);
    merge(services, file_services, owned[admin_kind::service], admin_kind::service,
          [](const StoredService& s) { return s.id; }, w.services, w.deleted_services, out.overridden);
    merge(agents, file_agents, owned[admin_kind::agent], admin_kind::agent, [](const StoredAgent& a) { return a.login; },
          w.agents, w.deleted_agents, out.overridden);

    for (const auto& [id, s] : services)
        if (!sites.count(s.site))
            return unexpected("service \"" + id + "\" names site \"" + s.site +
                              "\", which is neither in the file nor in the database (the admin API changed one of "
                              "them: see GET /admin/api/changes, or start once with --reset-admin-changes)");

    store.write_config(w);
    for (const auto& [id, s] : sites) out.sites.push_back(from_stored(s));
    for (const auto& [id, s] : services) out.services.push_back(from_stored(s));
    for (const auto& [login, a] : agents) out.agents.push_back(from_stored(a));
    return out;
}

} // namespace sb::server
