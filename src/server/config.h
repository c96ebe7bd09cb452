// The server's configuration file (JSON): where to listen, storage, limits, sites, services and agents.
// Every field is documented in docs/admin.md; loading validates all of it and names the bad field.
#pragma once
#include "core/expected.h"

#include <cstddef>
#include <filesystem>
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
};

struct Limits {
    std::size_t max_frame_bytes = 65536; // bigger WebSocket messages are refused and the connection closed
    int messages_per_second = 50;        // per connection; extra frames are dropped
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

struct Config {
    ListenConfig listen;
    StorageConfig storage;
    std::string web_root = "build/wasm/site";
    Limits limits;
    ContactsConfig contacts;
    GeoConfig geo;
    std::vector<SiteConfig> sites;
    std::vector<ServiceConfig> services;
    std::vector<AgentConfig> agents;
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

} // namespace sb::server
