// storage.kind / storage.path / storage.url in the config file (docs/admin.md, "Top level").
#include "server/config.h"
#include "server/store/open_store.h"

#include "temp_dir.h"

#include <gtest/gtest.h>

#include <string>

using namespace sb::server;

namespace {

std::string with_storage(const std::string& storage) { return R"({"storage": )" + storage + "}"; }

std::string refusal(const std::string& storage) {
    auto r = parse_config(with_storage(storage), "t.json");
    if (r) return "accepted";
    EXPECT_EQ(r.error().exit_code, exit_code::config);
    return r.error().message;
}

TEST(StorageConfig, DefaultsToSqlite) {
    auto r = parse_config("{}", "t.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->storage.kind, "sqlite");
    EXPECT_EQ(r->storage.path, "var/switchboard.db");
    EXPECT_EQ(r->storage.url, "");
    EXPECT_EQ(r->storage.commit_spacing_us, 500);
}

TEST(StorageConfig, ReadsPostgresWithItsUrl) {
    auto r = parse_config(with_storage(R"({"kind": "postgres", "url": "postgresql://switchboard@127.0.0.1:5433/switchboard"})"),
                          "t.json");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->storage.kind, "postgres");
    EXPECT_EQ(r->storage.url, "postgresql://switchboard@127.0.0.1:5433/switchboard");
    auto kv = parse_config(with_storage(R"({"kind": "postgres", "url": "host=/run/postgresql dbname=switchboard"})"),
                           "t.json");
    ASSERT_TRUE(kv) << kv.error().message;
    EXPECT_EQ(kv->storage.url, "host=/run/postgresql dbname=switchboard");
}

TEST(StorageConfig, RefusesEachInvalidStorage) {
    EXPECT_EQ(refusal(R"({"kind": "postgresql", "url": "postgresql://db/x"})"),
              "config t.json: storage.kind must be \"sqlite\" or \"postgres\"");
    EXPECT_EQ(refusal(R"({"kind": "postgres"})"), "config t.json: storage.url is required");
    EXPECT_EQ(refusal(R"({"kind": "postgres", "url": ""})"), "config t.json: storage.url must not be empty");
    EXPECT_EQ(refusal(R"({"kind": "postgres", "url": 5})"), "config t.json: storage.url must be a string");
    EXPECT_EQ(refusal(R"({"kind": "postgres", "url": "postgresql://db/x", "path": "x.db"})"),
              "config t.json: storage.path is for kind \"sqlite\" only");
    EXPECT_EQ(refusal(R"({"url": "postgresql://db/x"})"), "config t.json: storage.url is for kind \"postgres\" only");
    auto bad = refusal(R"({"kind": "postgres", "url": "host=db nonsense"})");
    EXPECT_EQ(bad.rfind("config t.json: storage.url is not a PostgreSQL connection string: ", 0), 0u) << bad;
    EXPECT_EQ(bad.find('\n'), std::string::npos) << bad;
    EXPECT_EQ(refusal(R"({"commit_spacing_us": -1})"), "config t.json: storage.commit_spacing_us must be an integer from 0 to 100000");
    EXPECT_EQ(refusal(R"({"commit_spacing_us": 0.5})"), "config t.json: storage.commit_spacing_us must be an integer from 0 to 100000");
    auto spaced = parse_config(with_storage(R"({"commit_spacing_us": 0})"), "t.json");
    ASSERT_TRUE(spaced) << spaced.error().message;
    EXPECT_EQ(spaced->storage.commit_spacing_us, 0);
    bad = refusal(R"({"kind": "postgres", "url": "postgresql://db/x?colour=blue"})");
    EXPECT_NE(bad.find("colour"), std::string::npos) << bad;
}

TEST(StorageConfig, FactoryOpensSqlite) {
    sb::test::TempDir dir;
    StorageConfig config;
    config.path = (dir / "sub/db.sqlite").string();
    EXPECT_GE(open_store(config)->schema_version(), 1);
    EXPECT_EQ(describe_store(config), config.path);
    config.kind = "mongo";
    EXPECT_THROW(open_store(config), StoreError);
}

} // namespace
