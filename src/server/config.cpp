#include "server/config.h"

#include "server/geo/geoip.h"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <fstream>
#include <optional>
#include <set>

namespace sb::server {
namespace {

using json = nlohmann::json;

// A refusal, thrown inside validation only: "<field path> <what is wrong>".
struct Bad {
    std::string text;
};

std::string join(const std::string& parent, std::string_view key) {
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

std::string indexed(const std::string& parent, std::size_t i) { return parent + "[" + std::to_string(i) + "]"; }

bool is_hex_color(const std::string& s) {
    return s.size() == 7 && s[0] == '#' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool is_id(const std::string& s, std::string_view extra) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
    });
}

// "en", "ita", "pt-BR", "zh-Hant".
bool is_language(const std::string& s) {
    auto dash = s.find('-');
    auto primary = s.substr(0, dash);
    if (primary.size() < 2 || primary.size() > 3) return false;
    if (!std::all_of(primary.begin(), primary.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return false;
    if (dash == std::string::npos) return true;
    auto rest = s.substr(dash + 1);
    return !rest.empty() && rest.size() <= 8 &&
           std::all_of(rest.begin(), rest.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

// One JSON object being read, with its path for messages.
class Object {
  public:
    Object(const json& j, std::string path) : j_(j), path_(std::move(path)) {
        if (!j_.is_object()) throw Bad{(path_.empty() ? std::string("the file") : path_) + " must be a JSON object"};
    }

    const std::string& path() const { return path_; }
    std::string field(std::string_view key) const { return join(path_, key); }

    void allow_only(std::initializer_list<std::string_view> keys) const {
        for (const auto& [k, v] : j_.items())
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) throw Bad{field(k) + " is not a known field"};
    }

    const json* find(const char* key) const {
        auto it = j_.find(key);
        return it == j_.end() ? nullptr : &*it;
    }

    std::string string(const char* key, std::size_t max_len = 256) const {
        const json* v = find(key);
        if (!v) throw Bad{field(key) + " is required"};
        return string_value(*v, field(key), max_len);
    }

    std::string string_or(const char* key, std::string fallback, std::size_t max_len = 4096) const {
        const json* v = find(key);
        return v ? string_value(*v, field(key), max_len) : fallback;
    }

    // An integer in [min, max]; `rule` completes "<field> must be ..." when it is not.
    long long integer_or(const char* key, long long fallback, long long min, long long max, std::string_view rule) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (!v->is_number_integer()) throw Bad{field(key) + " must be " + std::string(rule)};
        if (v->is_number_unsigned() && v->get<unsigned long long>() > static_cast<unsigned long long>(max))
            throw Bad{field(key) + " must be " + std::string(rule)};
        auto n = v->get<long long>();
        if (n < min || n > max) throw Bad{field(key) + " must be " + std::string(rule)};
        return n;
    }

    std::vector<std::string> strings_or(const char* key, std::vector<std::string> fallback) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (!v->is_array()) throw Bad{field(key) + " must be an array of strings"};
        std::vector<std::string> out;
        for (std::size_t i = 0; i < v->size(); ++i) out.push_back(string_value((*v)[i], indexed(field(key), i), 256));
        return out;
    }

    const json& array(const char* key) const {
        static const json empty = json::array();
        const json* v = find(key);
        if (!v) return empty;
        if (!v->is_array()) throw Bad{field(key) + " must be an array"};
        return *v;
    }

  private:
    static std::string string_value(const json& v, const std::string& where, std::size_t max_len) {
        if (!v.is_string()) throw Bad{where + " must be a string"};
        const auto& s = v.get_ref<const std::string&>();
        if (s.empty()) throw Bad{where + " must not be empty"};
        if (s.size() > max_len) throw Bad{where + " must be at most " + std::to_string(max_len) + " bytes"};
        return s;
    }

    const json& j_;
    std::string path_;
};

void no_duplicates(const std::vector<std::string>& items, const std::string& where) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!seen.insert(items[i]).second) throw Bad{indexed(where, i) + " repeats \"" + items[i] + "\""};
}

// libpq's own parser, so a typo in storage.url is a config error (exit 2), not a connection failure.
std::optional<std::string> postgres_url_problem(const std::string& url) {
    char* err = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
    if (options) {
        PQconninfoFree(options);
        return std::nullopt;
    }
    std::string why = err ? err : "cannot be parsed";
    PQfreemem(err);
    while (!why.empty() && std::isspace(static_cast<unsigned char>(why.back()))) why.pop_back();
    return why;
}

ListenConfig read_listen(const Object& o) {
    o.allow_only({"host", "port"});
    ListenConfig l;
    l.host = o.string_or("host", l.host, 253);
    l.port = static_cast<int>(o.integer_or("port", l.port, 0, 65535, "an integer from 0 to 65535"));
    return l;
}

StorageConfig read_storage(const Object& o) {
    o.allow_only({"kind", "path", "url", "commit_spacing_us"});
    StorageConfig s;
    s.kind = o.string_or("kind", s.kind);
    s.commit_spacing_us = static_cast<int>(
        o.integer_or("commit_spacing_us", s.commit_spacing_us, 0, 100000, "an integer from 0 to 100000"));
    if (s.kind != "sqlite" && s.kind != "postgres") throw Bad{o.field("kind") + " must be \"sqlite\" or \"postgres\""};
    if (s.kind == "sqlite") {
        if (o.find("url")) throw Bad{o.field("url") + " is for kind \"postgres\" only"};
        s.path = o.string_or("path", s.path);
    } else {
        if (o.find("path")) throw Bad{o.field("path") + " is for kind \"sqlite\" only"};
        s.url = o.string("url", 4096);
        if (auto why = postgres_url_problem(s.url)) throw Bad{o.field("url") + " is not a PostgreSQL connection string: " + *why};
        s.path.clear();
    }
    return s;
}

Limits read_limits(const Object& o) {
    o.allow_only({"max_frame_bytes", "messages_per_second", "failed_logins_per_address_minute"});
    Limits l;
    l.max_frame_bytes = static_cast<std::size_t>(o.integer_or("max_frame_bytes", static_cast<long long>(l.max_frame_bytes),
                                                              1024, 16 * 1024 * 1024, "an integer from 1024 to 16777216"));
    l.messages_per_second =
        static_cast<int>(o.integer_or("messages_per_second", l.messages_per_second, 1, 100000, "a positive integer"));
    l.failed_logins_per_address_minute = static_cast<int>(o.integer_or(
        "failed_logins_per_address_minute", l.failed_logins_per_address_minute, 1, 100000, "an integer from 1 to 100000"));
    return l;
}

ContactsConfig read_contacts(const Object& o) {
    o.allow_only({"idle_seconds", "grace_seconds", "visitor_away_seconds", "history_limit"});
    ContactsConfig c;
    c.idle_seconds = static_cast<int>(o.integer_or("idle_seconds", c.idle_seconds, 1, 86400, "an integer from 1 to 86400"));
    c.grace_seconds = static_cast<int>(o.integer_or("grace_seconds", c.grace_seconds, 0, 86400, "an integer from 0 to 86400"));
    c.visitor_away_seconds = static_cast<int>(
        o.integer_or("visitor_away_seconds", c.visitor_away_seconds, 1, 86400, "an integer from 1 to 86400"));
    c.history_limit = static_cast<int>(o.integer_or("history_limit", c.history_limit, 1, 1000, "an integer from 1 to 1000"));
    return c;
}

TranslationConfig read_translation(const Object& o) {
    o.allow_only({"enabled", "pairs", "timeout_ms"});
    TranslationConfig t;
    if (const json* v = o.find("enabled")) {
        if (!v->is_boolean()) throw Bad{o.field("enabled") + " must be true or false"};
        t.enabled = v->get<bool>();
    }
    t.pairs = o.strings_or("pairs", {});
    for (std::size_t i = 0; i < t.pairs.size(); ++i) {
        const std::string& p = t.pairs[i];
        const auto dash = p.find('-');
        if (dash == std::string::npos || !is_language(p.substr(0, dash)) || !is_language(p.substr(dash + 1)) ||
            p.substr(dash + 1).find('-') != std::string::npos || p.substr(0, dash) == p.substr(dash + 1))
            throw Bad{indexed(o.field("pairs"), i) + " must be two different language codes like \"en-es\""};
    }
    no_duplicates(t.pairs, o.field("pairs"));
    t.timeout_ms = static_cast<int>(o.integer_or("timeout_ms", t.timeout_ms, 100, 60000, "an integer from 100 to 60000"));
    return t;
}

GeoConfig read_geo(const Object& o) {
    o.allow_only({"ipv4", "ipv6", "trusted_proxies"});
    GeoConfig g;
    g.explicit_tables = o.find("ipv4") != nullptr || o.find("ipv6") != nullptr;
    g.ipv4 = o.string_or("ipv4", g.ipv4);
    g.ipv6 = o.string_or("ipv6", g.ipv6);
    g.trusted_proxies = o.strings_or("trusted_proxies", {});
    for (std::size_t i = 0; i < g.trusted_proxies.size(); ++i)
        if (!geo::Network::parse(g.trusted_proxies[i]))
            throw Bad{o.field("trusted_proxies") + "[" + std::to_string(i) + "] must be an address or a network such as 10.0.0.0/8"};
    return g;
}

bool is_ice_url(const std::string& u) {
    for (const char* scheme : {"stun:", "stuns:", "turn:", "turns:"})
        if (u.rfind(scheme, 0) == 0 && u.size() > std::string_view(scheme).size()) return true;
    return false;
}

std::vector<std::string> read_ice_urls(const Object& o) {
    auto urls = o.strings_or("urls", {});
    if (urls.empty() || urls.size() > 16) throw Bad{o.field("urls") + " must list 1 to 16 URLs"};
    for (std::size_t i = 0; i < urls.size(); ++i)
        if (!is_ice_url(urls[i])) throw Bad{indexed(o.field("urls"), i) + " must be a stun:, stuns:, turn: or turns: URL"};
    return urls;
}

MediaConfig read_media(const Object& o) {
    o.allow_only({"ice_servers", "turn", "ice_transport_policy"});
    MediaConfig m;
    const json& servers = o.array("ice_servers");
    for (std::size_t i = 0; i < servers.size(); ++i) {
        Object s(servers[i], indexed(o.field("ice_servers"), i));
        s.allow_only({"urls", "username", "credential"});
        m.ice_servers.push_back({read_ice_urls(s), s.string_or("username", ""), s.string_or("credential", "")});
    }
    if (auto* v = o.find("turn")) {
        Object t(*v, o.field("turn"));
        t.allow_only({"urls", "secret", "ttl_seconds"});
        TurnConfig turn;
        turn.urls = read_ice_urls(t);
        turn.secret = t.string("secret", 256);
        turn.ttl_seconds = static_cast<int>(
            t.integer_or("ttl_seconds", turn.ttl_seconds, 60, 7 * 86400, "an integer from 60 to 604800"));
        m.turn.push_back(std::move(turn));
    }
    m.ice_transport_policy = o.string_or("ice_transport_policy", m.ice_transport_policy, 16);
    if (m.ice_transport_policy != "all" && m.ice_transport_policy != "relay")
        throw Bad{o.field("ice_transport_policy") + " must be \"all\" or \"relay\""};
    if (m.ice_transport_policy == "relay" && m.turn.empty() &&
        std::none_of(m.ice_servers.begin(), m.ice_servers.end(), [](const IceServerConfig& s) {
            return std::any_of(s.urls.begin(), s.urls.end(), [](const std::string& u) { return u.rfind("turn", 0) == 0; });
        }))
        throw Bad{o.field("ice_transport_policy") + " is \"relay\" but no TURN server is configured"};
    return m;
}

SiteConfig read_site(const Object& o) {
    o.allow_only({"id", "name", "url"});
    SiteConfig s;
    s.id = o.string("id");
    if (!is_id(s.id, "_-")) throw Bad{o.field("id") + " must be 1-64 characters of a-z, 0-9, '_' and '-'"};
    s.name = o.string("name", 128);
    s.url = o.string("url", 2048);
    if (s.url.rfind("http://", 0) != 0 && s.url.rfind("https://", 0) != 0)
        throw Bad{o.field("url") + " must start with http:// or https://"};
    return s;
}

ServiceConfig read_service(const Object& o, const std::set<std::string>& site_ids) {
    o.allow_only({"id", "name", "language", "tags", "dissuasion_seconds", "color", "colors", "media", "site"});
    ServiceConfig s;
    s.id = o.string("id");
    if (!is_id(s.id, "_-")) throw Bad{o.field("id") + " must be 1-64 characters of a-z, 0-9, '_' and '-'"};
    s.name = o.string("name", 128);
    s.language = o.string("language", 16);
    if (!is_language(s.language)) throw Bad{o.field("language") + " must be a language code like \"en\" or \"pt-BR\""};
    s.tags = o.strings_or("tags", {});
    no_duplicates(s.tags, o.field("tags"));
    s.dissuasion_seconds =
        static_cast<int>(o.integer_or("dissuasion_seconds", s.dissuasion_seconds, 1, 86400, "a positive integer"));
    s.color = o.string_or("color", s.color, 7);
    if (!is_hex_color(s.color)) throw Bad{o.field("color") + " must be a color like \"#2e86de\""};
    const json& colors = o.array("colors");
    for (std::size_t i = 0; i < colors.size(); ++i) {
        Object c(colors[i], indexed(o.field("colors"), i));
        c.allow_only({"color", "meaning"});
        ColorMeaning cm{c.string("color", 7), c.string("meaning", 128)};
        if (!is_hex_color(cm.color)) throw Bad{c.field("color") + " must be a color like \"#2e86de\""};
        s.colors.push_back(std::move(cm));
    }
    s.media = o.strings_or("media", s.media);
    if (s.media.empty()) throw Bad{o.field("media") + " must list at least one contact type"};
    for (std::size_t i = 0; i < s.media.size(); ++i)
        if (std::find(std::begin(contact_types), std::end(contact_types), s.media[i]) == std::end(contact_types))
            throw Bad{indexed(o.field("media"), i) + " must be one of chat, callback, call, video, weblead"};
    no_duplicates(s.media, o.field("media"));
    s.site = o.string("site");
    if (!site_ids.count(s.site)) throw Bad{o.field("site") + " names no site: \"" + s.site + "\" is not in sites"};
    return s;
}

AgentConfig read_agent(const Object& o, bool password_required = true) {
    o.allow_only({"login", "name", "password", "password_hash", "tags", "languages", "capacity"});
    AgentConfig a;
    a.login = o.string("login");
    if (!is_id(a.login, "._-@")) throw Bad{o.field("login") + " must be 1-64 characters of a-z, 0-9, '.', '_', '-' and '@'"};
    a.name = o.string("name", 128);
    bool has_password = o.find("password") != nullptr, has_hash = o.find("password_hash") != nullptr;
    if ((has_password && has_hash) || (!has_password && !has_hash && password_required))
        throw Bad{(o.path().empty() ? std::string("the agent") : o.path()) + " needs exactly one of password and password_hash"};
    if (has_password) a.password = o.string("password", 256);
    if (has_hash) {
        a.password_hash = o.string("password_hash", 127);
        if (a.password_hash.rfind("$argon2id$", 0) != 0)
            throw Bad{o.field("password_hash") + " must be an argon2id hash (switchboard-server --hash-password)"};
    }
    a.tags = o.strings_or("tags", {});
    no_duplicates(a.tags, o.field("tags"));
    a.languages = o.strings_or("languages", {});
    for (std::size_t i = 0; i < a.languages.size(); ++i)
        if (!is_language(a.languages[i]))
            throw Bad{indexed(o.field("languages"), i) + " must be a language code like \"en\" or \"pt-BR\""};
    no_duplicates(a.languages, o.field("languages"));
    a.capacity = static_cast<int>(o.integer_or("capacity", a.capacity, 1, 1000, "an integer from 1 to 1000"));
    return a;
}

// "type/subtype" or "type/*", RFC 6838 name characters, lower case.
bool is_mime_type(const std::string& s) {
    auto slash = s.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == s.size() || s.size() > 255) return false;
    auto name = [](std::string_view part) {
        return std::all_of(part.begin(), part.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
        });
    };
    const std::string_view type(s.data(), slash), sub(s.data() + slash + 1, s.size() - slash - 1);
    return name(type) && (sub == "*" || name(sub));
}

FilesConfig read_files(const Object& o) {
    o.allow_only({"max_bytes", "types", "dir", "retention_days"});
    FilesConfig f;
    f.max_bytes = static_cast<std::size_t>(o.integer_or("max_bytes", static_cast<long long>(f.max_bytes), 1,
                                                        1024LL * 1024 * 1024, "an integer from 1 to 1073741824"));
    f.types = o.strings_or("types", f.types);
    if (f.types.empty()) throw Bad{o.field("types") + " must list at least one MIME type"};
    for (std::size_t i = 0; i < f.types.size(); ++i) {
        auto& t = f.types[i];
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!is_mime_type(t))
            throw Bad{indexed(o.field("types"), i) + " must be a MIME type like \"image/png\" or \"image/*\""};
    }
    no_duplicates(f.types, o.field("types"));
    f.dir = o.string_or("dir", f.dir, 4096);
    f.retention_days = static_cast<int>(
        o.integer_or("retention_days", f.retention_days, 0, 36500, "an integer from 0 (keep forever) to 36500"));
    return f;
}

AdminConfig read_admin(const Object& o) {
    o.allow_only({"token"});
    AdminConfig a;
    a.token = o.string_or("token", a.token, 256);
    if (!is_admin_token(a.token)) throw Bad{o.field("token") + " must be 16 to 256 visible ASCII characters, no spaces"};
    return a;
}

Config read_config(const json& root) {
    Object top(root, "");
    top.allow_only({"listen", "storage", "web_root", "limits", "contacts", "geo", "media", "files", "sites", "services", "agents",
                    "admin", "translation"});
    Config c;
    if (auto* v = top.find("listen")) c.listen = read_listen(Object(*v, "listen"));
    if (auto* v = top.find("storage")) c.storage = read_storage(Object(*v, "storage"));
    c.web_root = top.string_or("web_root", c.web_root);
    if (auto* v = top.find("limits")) c.limits = read_limits(Object(*v, "limits"));
    if (auto* v = top.find("contacts")) c.contacts = read_contacts(Object(*v, "contacts"));
    if (auto* v = top.find("geo")) c.geo = read_geo(Object(*v, "geo"));
    if (auto* v = top.find("translation")) c.translation = read_translation(Object(*v, "translation"));
    if (auto* v = top.find("media")) c.media = read_media(Object(*v, "media"));
    if (auto* v = top.find("files")) c.files = read_files(Object(*v, "files"));
    if (auto* v = top.find("admin")) c.admin = read_admin(Object(*v, "admin"));

    std::set<std::string> site_ids;
    const json& sites = top.array("sites");
    for (std::size_t i = 0; i < sites.size(); ++i) {
        c.sites.push_back(read_site(Object(sites[i], indexed("sites", i))));
        if (!site_ids.insert(c.sites.back().id).second)
            throw Bad{indexed("sites", i) + ".id repeats \"" + c.sites.back().id + "\""};
    }
    std::set<std::string> service_ids;
    const json& services = top.array("services");
    for (std::size_t i = 0; i < services.size(); ++i) {
        c.services.push_back(read_service(Object(services[i], indexed("services", i)), site_ids));
        if (!service_ids.insert(c.services.back().id).second)
            throw Bad{indexed("services", i) + ".id repeats \"" + c.services.back().id + "\""};
    }
    std::set<std::string> logins;
    const json& agents = top.array("agents");
    for (std::size_t i = 0; i < agents.size(); ++i) {
        c.agents.push_back(read_agent(Object(agents[i], indexed("agents", i))));
        if (!logins.insert(c.agents.back().login).second)
            throw Bad{indexed("agents", i) + ".login repeats \"" + c.agents.back().login + "\""};
    }
    return c;
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 3, column 5: ..." without the tag.
std::string parse_error_text(const json::parse_error& e) {
    std::string s = e.what();
    if (auto close = s.find("] "); s.rfind("[json.exception", 0) == 0 && close != std::string::npos) s.erase(0, close + 2);
    return s;
}

std::string one_line(std::string s) {
    std::replace_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return s;
}

} // namespace

Expected<Config, ConfigError> parse_config(std::string_view text, std::string_view label) {
    std::string prefix = "config " + std::string(label) + ": ";
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& e) {
        return unexpected(ConfigError{one_line(prefix + "invalid JSON: " + parse_error_text(e))});
    }
    try {
        return read_config(root);
    } catch (const Bad& b) {
        return unexpected(ConfigError{one_line(prefix + b.text)});
    }
}

namespace {
// Runs one object reader of the config file on an admin API body.
template <class T, class Read> Expected<T, std::string> read_object(const json& j, Read read) {
    if (!j.is_object()) return unexpected(std::string("the body must be a JSON object"));
    try {
        return read(Object(j, ""));
    } catch (const Bad& b) {
        return unexpected(one_line(b.text));
    }
}
} // namespace

Expected<SiteConfig, std::string> read_site_object(const json& j) {
    return read_object<SiteConfig>(j, [](const Object& o) { return read_site(o); });
}

Expected<ServiceConfig, std::string> read_service_object(const json& j, const std::set<std::string>& site_ids) {
    return read_object<ServiceConfig>(j, [&](const Object& o) { return read_service(o, site_ids); });
}

Expected<AgentConfig, std::string> read_agent_object(const json& j, bool password_required) {
    return read_object<AgentConfig>(j, [&](const Object& o) { return read_agent(o, password_required); });
}

bool is_admin_token(std::string_view token) {
    return token.size() >= 16 && token.size() <= 256 &&
           std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

Expected<Config, ConfigError> load_config(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return unexpected(ConfigError{"config " + file.string() + ": file not found"});
    if (std::filesystem::is_directory(file, ec))
        return unexpected(ConfigError{"config " + file.string() + ": is a directory, not a file"});
    std::ifstream in(file, std::ios::binary);
    if (!in) return unexpected(ConfigError{"config " + file.string() + ": cannot be read"});
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return unexpected(ConfigError{"config " + file.string() + ": cannot be read"});
    return parse_config(text, file.string());
}

} // namespace sb::server
