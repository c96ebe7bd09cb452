// The server's configuration file (JSON): where to listen, storage, limits, sites, services and agents.
// Every field is documented in docs/admin.md; loading validates all of it and names the bad field.
#pragma once
#include "core/expected.h"

#include <cstddef>
#include <filesystem>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sb::server {

// Process exit codes (docs/admin.md, "Exit codes").
namespace exit_code {
inline constexpr int ok = 0;
inline constexpr int runtime = 1; // cannot listen, or failed while running
inline constexpr int config = 2;  // command line, config file or web root
inline constexpr int storage = 3; // database cannot be opened or prepared
} // namespace exit_code

struct ListenConfig {
    std::string host = "127.0.0.1";
    int port = 8080; // 0 picks a free port
};

struct StorageConfig {
    std::string kind = "sqlite";             // "sqlite" or "postgres"
    std::string path = "var/switchboard.db"; // sqlite: relative to the working directory
    std::string url;                         // postgres: libpq URI or key=value connection string
    int commit_spacing_us = 500; // contact transactions start at least this far apart (StoreWriter); 0: at once
};

struct Limits {
    std::size_t max_frame_bytes = 65536; // bigger WebSocket messages are refused and the connection closed
    int messages_per_second = 50;        // per connection; extra frames are dropped
    int failed_logins_per_address_minute = 20; // failed agent.login per client address; beyond, rate_limited
};

// How contacts behave once they exist (docs/admin.md, "contacts").
struct ContactsConfig {
    int idle_seconds = 60;           // no chat message this long: an idle event on the contact
    int grace_seconds = 30;          // an agent's last console gone this long: their contacts return to the queue
    int visitor_away_seconds = 30;   // a visitor gone this long from a pending contact: abandoned or cancelled
    int history_limit = 1000;        // most events in one contact.snapshot (resume again for the rest)
};

// Visitors' countries (GeoIP) and the proxies whose X-Forwarded-For header is believed.
struct GeoConfig {
    std::string ipv4 = "/usr/share/tor/geoip";  // Tor's tables, Debian package tor-geoipdb
    std::string ipv6 = "/usr/share/tor/geoip6";
    bool explicit_tables = false;               // the file named the tables: missing ones stop the server
    std::vector<std::string> trusted_proxies;   // addresses or networks ("10.0.0.0/8", "::1")
};

// Calls (docs/admin.md, "media"): the ICE servers clients give their RTCPeerConnection.
struct IceServerConfig {
    std::vector<std::string> urls; // stun:, stuns:, turn: or turns: URLs
    std::string username;          // static credentials (a public STUN server needs none)
    std::string credential;
};
struct TurnConfig { // coturn with use-auth-secret: the server issues time-limited credentials
    std::vector<std::string> urls;
    std::string secret;            // coturn's static-auth-secret
    int ttl_seconds = 86400;
};
struct MediaConfig {
    std::vector<IceServerConfig> ice_servers;
    std::vector<TurnConfig> turn;              // none, or one entry
    std::string ice_transport_policy = "all"; // "relay": clients use TURN relays only
};

// File uploads on contacts (docs/admin.md, "files"): limits, and where the bytes are kept.
struct FilesConfig {
    std::size_t max_bytes = 10 * 1024 * 1024; // bigger uploads are refused (413)
    // MIME types that may be sent ("type/subtype", or "type/*" for every subtype), lower case.
    std::vector<std::string> types = {
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation", "application/zip", "application/x-zip-compressed"};
    std::string dir = "var/files"; // relative to the working directory, like storage.path
    int retention_days = 0;        // a closed contact's files are deleted this long after it closed; 0: never
};

// Automatic translation of chat messages (docs/admin.md, "translation"), with Apertium.
struct TranslationConfig {
    bool enabled = true;
    std::vector<std::string> pairs; // "en-es": both directions must be installed; empty: every installed pair
    int timeout_ms = 3000;          // a message waits this long for its translation, then goes untranslated
};

struct SiteConfig {
    std::string id;
    std::string name;
    std::string url;
};

struct ColorMeaning {
    std::string color; // #rrggbb
    std::string meaning;
};

struct ServiceConfig {
    std::string id;
    std::string name;
    std::string language;
    std::vector<std::string> tags; // main tags: eligible agents hold all of them
    int dissuasion_seconds = 90;
    std::string color = "#2e86de"; // default contact color
    std::vector<ColorMeaning> colors;
    std::vector<std::string> media = {"chat"};
    std::string site;
};

struct AgentConfig {
    std::string login;
    std::string name;
    std::string password;      // plain (demo only); empty when password_hash is set
    std::string password_hash; // argon2id string from `switchboard-server --hash-password`
    std::vector<std::string> tags;
    std::vector<std::string> languages;
    int capacity = 1;
};

// The admin REST API (docs/admin.md, "Admin API"): enabled when a token is set here or in the environment
// variable SWITCHBOARD_ADMIN_TOKEN (which wins).
struct AdminConfig {
    std::string token; // "" disables the API
};

struct Config {
    ListenConfig listen;
    StorageConfig storage;
    std::string web_root = "build/wasm/site";
    Limits limits;
    ContactsConfig contacts;
    GeoConfig geo;
    TranslationConfig translation;
    MediaConfig media;
    FilesConfig files;
    std::vector<SiteConfig> sites;
    std::vector<ServiceConfig> services;
    std::vector<AgentConfig> agents;
    AdminConfig admin;
};

struct ConfigError {
    std::string message; // one line, e.g. "config demo.json: services[1].site ..."
    int exit_code = exit_code::config;
};

// The five contact types a service may allow.
inline constexpr std::string_view contact_types[] = {"chat", "callback", "call", "video", "weblead"};

// Parses and validates config text; `label` names the file in messages.
Expected<Config, ConfigError> parse_config(std::string_view text, std::string_view label);
// Reads the file, then parse_config with the path as given as label.
Expected<Config, ConfigError> load_config(const std::filesystem::path& file);

// One site, service or agent object with exactly the config file's rules, for the admin API. A refusal reads
// "<field> <what is wrong>" with fields named inside the object ("capacity must be an integer from 1 to 1000").
// A service's site must be one of `site_ids`; an agent without password nor password_hash is refused only when
// `password_required`.
Expected<SiteConfig, std::string> read_site_object(const nlohmann::json& j);
Expected<ServiceConfig, std::string> read_service_object(const nlohmann::json& j, const std::set<std::string>& site_ids);
Expected<AgentConfig, std::string> read_agent_object(const nlohmann::json& j, bool password_required);

// An admin token: 16 to 256 visible ASCII characters (no spaces), so it fits an Authorization header.
bool is_admin_token(std::string_view token);

} // namespace sb::server
