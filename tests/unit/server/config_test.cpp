#include "server/config.h"

#include "temp_dir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>

using sb::server::parse_config;
using json = nlohmann::json;

namespace {

json valid() {
    return json::parse(R"({
      "listen": {"host": "127.0.0.1", "port": 8080},
      "storage": {"kind": "sqlite", "path": "var/switchboard.db"},
      "web_root": "build/wasm/site",
      "limits": {"max_frame_bytes": 65536, "messages_per_second": 50},
      "sites": [{"id": "demo", "name": "Demo shop", "url": "http://127.0.0.1:8080/demo/"}],
      "services": [
        {"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "dissuasion_seconds": 90,
         "color": "#2e86de", "colors": [{"color": "#2e86de", "meaning": "General inquiry"}],
         "media": ["chat", "callback", "call", "video", "weblead"], "site": "demo"},
        {"id": "supporto", "name": "Supporto", "language": "it", "tags": ["support"], "dissuasion_seconds": 60,
         "color": "#27ae60", "media": ["chat"], "site": "demo"}
      ],
      "agents": [
        {"login": "alice", "name": "Alice Rossi", "password": "alice-demo", "tags": ["sales", "support"],
         "languages": ["en", "it"], "capacity": 3},
        {"login": "bruno", "name": "Bruno Bianchi", "password_hash": "$argon2id$v=19$m=65536,t=2,p=1$abc$def",
         "tags": ["support"], "languages": ["it"], "capacity": 2}
      ]
    })");
}

std::string error_of(const json& j) {
    auto r = parse_config(j.dump(), "demo.json");
    return r ? std::string("(accepted)") : r.error().message;
}

struct Case {
    const char* name;
    std::function<void(json&)> change;
    const char* message; // the whole expected line after "config demo.json: "
};

} // namespace

TEST(Config, AcceptsTheValidExample) {
    auto r = parse_config(valid().dump(), "demo.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->listen.port, 8080);
    EXPECT_EQ(r->services.size(), 2u);
    EXPECT_EQ(r->services[1].dissuasion_seconds, 60);
    EXPECT_EQ(r->agents[0].password, "alice-demo");
    EXPECT_EQ(r->agents[1].password_hash.substr(0, 10), "$argon2id$");
    EXPECT_EQ(r->limits.max_frame_bytes, 65536u);
}

TEST(Config, FillsDefaultsForOptionalFields) {
    auto r = parse_config(R"({"sites":[{"id":"s","name":"S","url":"https://x.example/"}],
        "services":[{"id":"a","name":"A","language":"en","site":"s"}],
        "agents":[{"login":"z","name":"Z","password":"p"}]})", "min.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->listen.host, "127.0.0.1");
    EXPECT_EQ(r->listen.port, 8080);
    EXPECT_EQ(r->storage.kind, "sqlite");
    EXPECT_EQ(r->storage.path, "var/switchboard.db");
    EXPECT_EQ(r->web_root, "build/wasm/site");
    EXPECT_EQ(r->limits.messages_per_second, 50);
    EXPECT_EQ(r->limits.failed_logins_per_address_minute, 20);
    EXPECT_EQ(r->services[0].dissuasion_seconds, 90);
    EXPECT_EQ(r->services[0].color, "#2e86de");
    EXPECT_EQ(r->services[0].media, std::vector<std::string>{"chat"});
    EXPECT_EQ(r->agents[0].capacity, 1);
}

TEST(Config, RefusesEachInvalidValueNamingTheField) {
    const Case cases[] = {
        {"unknown top field", [](json& j) { j["agent"] = json::array(); }, "agent is not a known field"},
        {"unknown nested field", [](json& j) { j["listen"]["hots"] = "x"; }, "listen.hots is not a known field"},
        {"port too big", [](json& j) { j["listen"]["port"] = 70000; }, "listen.port must be an integer from 0 to 65535"},
        {"port negative", [](json& j) { j["listen"]["port"] = -1; }, "listen.port must be an integer from 0 to 65535"},
        {"port string", [](json& j) { j["listen"]["port"] = "80"; }, "listen.port must be an integer from 0 to 65535"},
        {"host empty", [](json& j) { j["listen"]["host"] = ""; }, "listen.host must not be empty"},
        {"storage kind", [](json& j) { j["storage"]["kind"] = "postgresql"; },
         "storage.kind must be \"sqlite\" or \"postgres\""},
        {"storage path type", [](json& j) { j["storage"]["path"] = 3; }, "storage.path must be a string"},
        {"web_root type", [](json& j) { j["web_root"] = json::array(); }, "web_root must be a string"},
        {"frame limit small", [](json& j) { j["limits"]["max_frame_bytes"] = 10; },
         "limits.max_frame_bytes must be an integer from 1024 to 16777216"},
        {"rate zero", [](json& j) { j["limits"]["messages_per_second"] = 0; },
         "limits.messages_per_second must be a positive integer"},
        {"address logins zero", [](json& j) { j["limits"]["failed_logins_per_address_minute"] = 0; },
         "limits.failed_logins_per_address_minute must be an integer from 1 to 100000"},
        {"sites not array", [](json& j) { j["sites"] = json::object(); }, "sites must be an array"},
        {"site not object", [](json& j) { j["sites"][0] = "demo"; }, "sites[0] must be a JSON object"},
        {"site id missing", [](json& j) { j["sites"][0].erase("id"); }, "sites[0].id is required"},
        {"site id chars", [](json& j) { j["sites"][0]["id"] = "Demo Shop"; },
         "sites[0].id must be 1-64 characters of a-z, 0-9, '_' and '-'"},
        {"site url", [](json& j) { j["sites"][0]["url"] = "ftp://x"; }, "sites[0].url must start with http:// or https://"},
        {"site id twice", [](json& j) { j["sites"].push_back(j["sites"][0]); }, "sites[1].id repeats \"demo\""},
        {"service unknown site", [](json& j) { j["services"][1]["site"] = "shop"; },
         "services[1].site names no site: \"shop\" is not in sites"},
        {"service id twice", [](json& j) { j["services"][1]["id"] = "sales"; }, "services[1].id repeats \"sales\""},
        {"service name missing", [](json& j) { j["services"][0].erase("name"); }, "services[0].name is required"},
        {"service language", [](json& j) { j["services"][0]["language"] = "English"; },
         "services[0].language must be a language code like \"en\" or \"pt-BR\""},
        {"dissuasion zero", [](json& j) { j["services"][1]["dissuasion_seconds"] = 0; },
         "services[1].dissuasion_seconds must be a positive integer"},
        {"dissuasion float", [](json& j) { j["services"][1]["dissuasion_seconds"] = 1.5; },
         "services[1].dissuasion_seconds must be a positive integer"},
        {"color", [](json& j) { j["services"][0]["color"] = "blue"; },
         "services[0].color must be a color like \"#2e86de\""},
        {"colors entry color", [](json& j) { j["services"][0]["colors"][0]["color"] = "#12345"; },
         "services[0].colors[0].color must be a color like \"#2e86de\""},
        {"colors entry meaning", [](json& j) { j["services"][0]["colors"][0].erase("meaning"); },
         "services[0].colors[0].meaning is required"},
        {"media unknown", [](json& j) { j["services"][0]["media"][2] = "fax"; },
         "services[0].media[2] must be one of chat, callback, call, video, weblead"},
        {"media empty", [](json& j) { j["services"][0]["media"] = json::array(); },
         "services[0].media must list at least one contact type"},
        {"media twice", [](json& j) { j["services"][1]["media"] = {"chat", "chat"}; }, "services[1].media[1] repeats \"chat\""},
        {"tags not strings", [](json& j) { j["services"][0]["tags"] = {1}; }, "services[0].tags[0] must be a string"},
        {"login twice", [](json& j) { j["agents"][1]["login"] = "alice"; }, "agents[1].login repeats \"alice\""},
        {"login chars", [](json& j) { j["agents"][0]["login"] = "Alice"; },
         "agents[0].login must be 1-64 characters of a-z, 0-9, '.', '_', '-' and '@'"},
        {"no password", [](json& j) { j["agents"][0].erase("password"); },
         "agents[0] needs exactly one of password and password_hash"},
        {"both passwords", [](json& j) { j["agents"][1]["password"] = "x"; },
         "agents[1] needs exactly one of password and password_hash"},
        {"hash not argon2id", [](json& j) { j["agents"][1]["password_hash"] = "$2b$10$abc"; },
         "agents[1].password_hash must be an argon2id hash (switchboard-server --hash-password)"},
        {"capacity zero", [](json& j) { j["agents"][0]["capacity"] = 0; }, "agents[0].capacity must be an integer from 1 to 1000"},
        {"agent language", [](json& j) { j["agents"][0]["languages"][1] = "italian"; },
         "agents[0].languages[1] must be a language code like \"en\" or \"pt-BR\""},
        {"top not object", [](json& j) { j = json::array(); }, "the file must be a JSON object"},
    };
    for (const auto& c : cases) {
        json j = valid();
        c.change(j);
        EXPECT_EQ(error_of(j), std::string("config demo.json: ") + c.message) << c.name;
    }
}

TEST(Config, ReportsInvalidJsonWithLineAndColumn) {
    auto r = parse_config("{\n  \"listen\": {\"port\": 80,}\n}", "bad.json");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("config bad.json: invalid JSON: parse error at line 2, column"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(r.error().exit_code, sb::server::exit_code::config);
}

TEST(Config, ReportsMissingFile) {
    auto r = sb::server::load_config("/nonexistent/switchboard.json");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "config /nonexistent/switchboard.json: file not found");
}

TEST(Config, LoadsFromFile) {
    sb::test::TempDir dir;
    std::ofstream(dir / "c.json") << valid().dump();
    auto r = sb::server::load_config(dir / "c.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->agents.size(), 2u);
}

TEST(Config, EmptyFileIsInvalidJson) {
    sb::test::TempDir dir;
    std::ofstream(dir / "empty.json");
    auto r = sb::server::load_config(dir / "empty.json");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("invalid JSON"), std::string::npos) << r.error().message;
}

TEST(Config, DemoConfigIsValid) {
    auto r = sb::server::load_config(SB_DEMO_CONFIG);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->services.size(), 2u);
    EXPECT_EQ(r->services[0].id, "sales");
    EXPECT_EQ(r->services[1].id, "supporto");
    EXPECT_EQ(r->services[1].language, "it");
    ASSERT_EQ(r->agents.size(), 3u);
    EXPECT_EQ(r->agents[0].login, "alice");
    EXPECT_EQ(r->agents[0].capacity, 3);
}

TEST(Config, ContactsSectionHasDefaultsAndLimits) {
    auto defaults = parse_config(valid().dump(), "demo.json");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->contacts.idle_seconds, 60);
    EXPECT_EQ(defaults->contacts.grace_seconds, 30);
    EXPECT_EQ(defaults->contacts.visitor_away_seconds, 30);
    EXPECT_EQ(defaults->contacts.history_limit, 1000);

    json j = valid();
    j["contacts"] = {{"idle_seconds", 120}, {"grace_seconds", 0}, {"visitor_away_seconds", 45}, {"history_limit", 50}};
    auto set = parse_config(j.dump(), "demo.json");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->contacts.idle_seconds, 120);
    EXPECT_EQ(set->contacts.grace_seconds, 0);
    EXPECT_EQ(set->contacts.visitor_away_seconds, 45);
    EXPECT_EQ(set->contacts.history_limit, 50);

    auto refused = [](const char* key, json value) {
        json k = valid();
        k["contacts"] = {{key, value}};
        auto r = parse_config(k.dump(), "demo.json");
        return r ? std::string("accepted") : r.error().message;
    };
    EXPECT_EQ(refused("idle_seconds", 0), "config demo.json: contacts.idle_seconds must be an integer from 1 to 86400");
    EXPECT_EQ(refused("grace_seconds", -1), "config demo.json: contacts.grace_seconds must be an integer from 0 to 86400");
    EXPECT_EQ(refused("history_limit", 1001), "config demo.json: contacts.history_limit must be an integer from 1 to 1000");
    EXPECT_EQ(refused("idle_seconds", "60"), "config demo.json: contacts.idle_seconds must be an integer from 1 to 86400");
    EXPECT_EQ(refused("idel_seconds", 60), "config demo.json: contacts.idel_seconds is not a known field");
}

TEST(Config, ReadsTheGeoSection) {
    auto defaults = parse_config(valid().dump(), "demo.json");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->geo.ipv4, "/usr/share/tor/geoip");
    EXPECT_FALSE(defaults->geo.explicit_tables);
    EXPECT_TRUE(defaults->geo.trusted_proxies.empty());

    json j = valid();
    j["geo"] = {{"ipv4", "/srv/geoip"}, {"trusted_proxies", {"10.0.0.0/8", "::1"}}};
    auto set = parse_config(j.dump(), "demo.json");
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_TRUE(set->geo.explicit_tables);
    EXPECT_EQ(set->geo.ipv4, "/srv/geoip");
    EXPECT_EQ(set->geo.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));

    j["geo"] = {{"trusted_proxies", {"10.0.0.0/33"}}};
    auto bad = parse_config(j.dump(), "demo.json");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "config demo.json: geo.trusted_proxies[0] must be an address or a network such as 10.0.0.0/8");
    j["geo"] = {{"trusted", {}}};
    EXPECT_FALSE(parse_config(j.dump(), "demo.json"));
}
