// Where the configuration lives (docs/admin.md, "Where the configuration lives"): the database holds the sites,
// services and agents the server runs with. At every start the config file is applied to it id by id; an id the
// admin API created, replaced or deleted (an AdminChange) is the API's from then on, and the file's entry for it
// is ignored. Also the conversions between the config's structs, the store's rows and the router's Service.
#pragma once
#include "core/expected.h"
#include "core/service.h"
#include "server/config.h"
#include "server/store/store.h"

#include <string>
#include <vector>

namespace sb::server {

StoredSite to_stored(const SiteConfig& s);
StoredService to_stored(const ServiceConfig& s);
StoredAgent to_stored(const AgentConfig& a); // password_hash as is: hash a plain password first
SiteConfig from_stored(const StoredSite& s);
ServiceConfig from_stored(const StoredService& s);
AgentConfig from_stored(const StoredAgent& a); // password empty, password_hash set

// The router's service (contact types it does not know are dropped; the config refuses them anyway).
Service to_service(const ServiceConfig& s);

// The admin API's names for what it changes (AdminChange::kind).
namespace admin_kind {
inline constexpr const char* site = "site";
inline constexpr const char* service = "service";
inline constexpr const char* agent = "agent";
} // namespace admin_kind

// What the server runs with after the start-up sync.
struct SyncedConfig {
    std::vector<SiteConfig> sites;       // by id
    std::vector<ServiceConfig> services; // by id
    std::vector<AgentConfig> agents;     // by login; password_hash set, password empty
    // File entries ignored because the admin API owns their id, as "service sales" (for the start-up log).
    std::vector<std::string> overridden;
};

// Applies the file's sites, services and agents to the store in one transaction: ids the admin API never touched
// follow the file (added, replaced, deleted when no longer in it); ids it owns are left as they are. With
// `forget_admin_changes`, the API's ownership is dropped first, so the file applies in full (ids made only
// through the API are deleted). A plain password is hashed only when the stored hash does not verify it.
// Fails with a message (nothing written) when a service would name a site that is not there, which only mixing
// the API's changes with a changed file can cause. Throws StoreError.
Expected<SyncedConfig, std::string> sync_config(Store& store, const Config& file, bool forget_admin_changes = false);

} // namespace sb::server
