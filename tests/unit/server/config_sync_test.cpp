// The start-up rule of docs/admin.md ("Where the configuration lives"): the file applies id by id, except ids
// the admin API changed; --reset-admin-changes gives every id back to the file.
#include "server/config_sync.h"

#include "server/password.h"
#include "server/store/sqlite_store.h"

#include "temp_dir.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sb::server;

namespace {

const char* file_text = R"({
  "sites": [{"id": "demo", "name": "Demo shop", "url": "http://shop.example/"}],
  "services": [
    {"id": "sales", "name": "Sales", "language": "en", "tags": ["sales"], "site": "demo"},
    {"id": "supporto", "name": "Supporto", "language": "it", "tags": ["support"], "dissuasion_seconds": 60,
     "colors": [{"color": "#27ae60", "meaning": "Resolved"}], "site": "demo"}],
  "agents": [
    {"login": "alice", "name": "Alice Rossi", "password": "alice-demo", "tags": ["sales", "support"], "capacity": 3},
    {"login": "bruno", "name": "Bruno Bianchi", "password_hash": "$argon2id$v=19$m=65536,t=2,p=1$AAAA$BBBB",
     "tags": ["support"], "capacity": 2}]
})";

class ConfigSync : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        auto parsed = parse_config(file_text, "test");
        ASSERT_TRUE(parsed) << parsed.error().message;
        file = *parsed;
        store = open_sqlite_store(dir / "db.sqlite");
    }

    SyncedConfig sync(bool reset = false) {
        auto r = sync_config(*store, file, reset);
        EXPECT_TRUE(r) << (r ? "" : r.error());
        return r ? *r : SyncedConfig{};
    }

    // What the admin API writes for a change.
    void admin_write(ConfigWrite w) { store->write_config(w); }

    static std::vector<std::string> logins(const std::vector<AgentConfig>& agents) {
        std::vector<std::string> out;
        for (const auto& a : agents) out.push_back(a.login);
        return out;
    }
    static std::vector<std::string> ids(const std::vector<ServiceConfig>& services) {
        std::vector<std::string> out;
        for (const auto& s : services) out.push_back(s.id);
        return out;
    }

    sb::test::TempDir dir;
    Config file;
    std::unique_ptr<Store> store;
};

} // namespace

TEST_F(ConfigSync, TheFileFillsAnEmptyDatabase) {
    auto synced = sync();
    EXPECT_EQ(ids(synced.services), (std::vector<std::string>{"sales", "supporto"}));
    EXPECT_EQ(logins(synced.agents), (std::vector<std::string>{"alice", "bruno"}));
    EXPECT_TRUE(synced.overridden.empty());
    ASSERT_EQ(store->sites().size(), 1u);
    EXPECT_EQ(store->sites()[0], (StoredSite{"demo", "Demo shop", "http://shop.example/"}));
    EXPECT_EQ(from_stored(store->services()[1]).colors[0].meaning, "Resolved");
    EXPECT_EQ(store->services()[0].dissuasion_seconds, 90);
    auto alice = store->find_agent("alice");
    ASSERT_TRUE(alice);
    EXPECT_TRUE(verify_password(alice->password_hash, "alice-demo"));
    EXPECT_EQ(synced.agents[0].password_hash, alice->password_hash);
    EXPECT_TRUE(synced.agents[0].password.empty());
    EXPECT_EQ(store->find_agent("bruno")->password_hash, file.agents[1].password_hash);
    EXPECT_TRUE(store->admin_changes().empty());
}

TEST_F(ConfigSync, WithoutAdminChangesTheFileIsTheConfigurationAtEveryStart) {
    sync();
    const auto first_hash = store->find_agent("alice")->password_hash;
    store->create_session(StoredSession{"tok", "bruno", 1, 1});
    file.agents[0].capacity = 5;
    file.agents.pop_back();   // bruno leaves the file
    file.services.pop_back(); // and supporto
    auto synced = sync();
    EXPECT_EQ(logins(synced.agents), std::vector<std::string>{"alice"});
    EXPECT_EQ(ids(synced.services), std::vector<std::string>{"sales"});
    EXPECT_EQ(store->find_agent("alice")->capacity, 5);
    EXPECT_EQ(store->find_agent("alice")->password_hash, first_hash); // the stored hash still verifies: kept
    EXPECT_FALSE(store->find_agent("bruno"));
    EXPECT_FALSE(store->find_session("tok"));
    EXPECT_EQ(store->services().size(), 1u);
}

TEST_F(ConfigSync, WhatTheAdminApiChangedWinsOverTheFile) {
    sync();
    ConfigWrite api; // as the admin API: alice replaced, supporto deleted, dora created
    api.agents = {StoredAgent{"alice", "Alice R.", "$argon2id$api", {"sales"}, {"en"}, 1},
                  StoredAgent{"dora", "Dora", "$argon2id$dora", {"support"}, {}, 1}};
    api.deleted_services = {"supporto"};
    api.admin_changes = {AdminChange{"agent", "alice", false, 1}, AdminChange{"agent", "dora", false, 2},
                         AdminChange{"service", "supporto", true, 3}};
    admin_write(api);

    file.agents[0].password = "changed-in-file"; // not even hashed: the file's alice is ignored
    file.agents[1].capacity = 7;                 // bruno still follows the file
    auto synced = sync();
    EXPECT_EQ(logins(synced.agents), (std::vector<std::string>{"alice", "bruno", "dora"}));
    EXPECT_EQ(ids(synced.services), std::vector<std::string>{"sales"});
    EXPECT_EQ(store->find_agent("alice"), api.agents[0]);
    EXPECT_EQ(store->find_agent("dora"), api.agents[1]);
    EXPECT_EQ(store->find_agent("bruno")->capacity, 7);
    EXPECT_EQ(synced.overridden, (std::vector<std::string>{"service supporto", "agent alice"}));
    EXPECT_EQ(store->admin_changes().size(), 3u);
}

TEST_F(ConfigSync, ResetGivesEveryIdBackToTheFile) {
    sync();
    ConfigWrite api;
    api.agents = {StoredAgent{"dora", "Dora", "$argon2id$dora", {}, {}, 1}};
    api.deleted_services = {"supporto"};
    api.admin_changes = {AdminChange{"agent", "dora", false, 1}, AdminChange{"service", "supporto", true, 2}};
    admin_write(api);
    auto synced = sync(true);
    EXPECT_EQ(logins(synced.agents), (std::vector<std::string>{"alice", "bruno"}));
    EXPECT_EQ(ids(synced.services), (std::vector<std::string>{"sales", "supporto"}));
    EXPECT_FALSE(store->find_agent("dora"));
    EXPECT_TRUE(store->admin_changes().empty());
    EXPECT_TRUE(synced.overridden.empty());
}

TEST_F(ConfigSync, AServiceNamingAMissingSiteStopsTheStartAndWritesNothing) {
    sync();
    ConfigWrite api; // the admin API adds a service on the file's site "demo"...
    auto promo = to_stored(file.services[0]);
    promo.id = "promo";
    api.services = {promo};
    api.admin_changes = {AdminChange{"service", "promo", false, 1}};
    admin_write(api);
    // ...then the file moves everything to a new site and drops "demo".
    file.sites = {SiteConfig{"shop", "Shop", "https://shop.example/"}};
    for (auto& s : file.services) s.site = "shop";
    file.agents[1].capacity = 9;
    auto r = sync_config(*store, file);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("service \"promo\" names site \"demo\""), std::string::npos) << r.error();
    EXPECT_NE(r.error().find("--reset-admin-changes"), std::string::npos) << r.error();
    EXPECT_EQ(store->find_agent("bruno")->capacity, 2); // nothing written
    EXPECT_EQ(store->sites()[0].id, "demo");
    auto reset = sync_config(*store, file, true); // the way out: the file in full
    ASSERT_TRUE(reset);
    EXPECT_EQ(ids(reset->services), (std::vector<std::string>{"sales", "supporto"}));
    EXPECT_EQ(store->sites()[0].id, "shop");
}

TEST_F(ConfigSync, ConvertsAServiceForTheRouter) {
    auto s = to_service(file.services[1]);
    EXPECT_EQ(s.id, "supporto");
    EXPECT_EQ(s.main_tags, std::vector<std::string>{"support"});
    EXPECT_EQ(s.dissuasion, std::chrono::seconds(60));
    EXPECT_EQ(s.media, std::vector<sb::ContactType>{sb::ContactType::chat});
    EXPECT_EQ(s.site_id, "demo");
    EXPECT_EQ(s.color, "#2e86de");
}

TEST(AdminTokenConfig, NeedsSixteenToTwoHundredFiftySixVisibleCharacters) {
    auto with = [](const std::string& admin) { return parse_config(R"({"admin": )" + admin + "}", "c.json"); };
    auto ok = with(R"({"token": "0123456789abcdef"})");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->admin.token, "0123456789abcdef");
    EXPECT_TRUE(parse_config("{}", "c.json")->admin.token.empty()); // disabled
    const std::string rule = "config c.json: admin.token must be 16 to 256 visible ASCII characters, no spaces";
    EXPECT_EQ(with(R"({"token": "0123456789abcde"})").error().message, rule);
    EXPECT_EQ(with(R"({"token": "0123456789 abcdef"})").error().message, rule);
    EXPECT_EQ(with(R"({"token": "0123456789abcdé"})").error().message, rule);
    EXPECT_EQ(with(R"({"token": ")" + std::string(257, 'x') + R"("})").error().message,
              "config c.json: admin.token must be at most 256 bytes");
    EXPECT_EQ(with(R"({"tokn": "0123456789abcdef"})").error().message, "config c.json: admin.tokn is not a known field");
    EXPECT_TRUE(is_admin_token(std::string(256, '~')));
    EXPECT_FALSE(is_admin_token(std::string(16, '\t')));
}
